package p2p_test

import (
	"context"
	"testing"
)

// BenchmarkRequestBlocks measures a 16-block /sync/2 round trip.
func BenchmarkRequestBlocks(b *testing.B) {
	for _, tr := range []string{"mock", "tcp"} {
		b.Run(tr, func(b *testing.B) {
			tn := newNet(b, tr, nil)
			tn.connect(b)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tn.client.RequestBlocks(ctx, tn.node.ID(), blockReq()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
