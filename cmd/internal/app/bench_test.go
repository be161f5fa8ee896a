package app

import (
	"context"
	"testing"
)

// BenchmarkPrepare measures ksm's own work per transaction on an in-memory
// chain: nonce, era, payload, its decoding for display, fee and balance
// reads (the metadata digest is computed once per runtime, before the loop).
func BenchmarkPrepare(b *testing.B) {
	f := newFakeChain(b, devGenesis)
	alice := devKey(b, "//Alice").AccountID()
	f.setAccount(alice, 0, ksm(100), ksm(0), ksm(0))
	s, err := Open(context.Background(), f, Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	rt, _ := s.Latest(ctx)
	call, _ := rt.Calls.TransferKeepAlive(devKey(b, "//Bob").AccountID(), ksm(1))
	if _, err := s.Prepare(ctx, Request{From: alice, Call: call, Spend: ksm(1)}); err != nil {
		b.Fatal(err)
	}
	pair := devKey(b, "//Alice")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := s.Prepare(ctx, Request{From: alice, Call: call, Spend: ksm(1)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Sign(pair); err != nil {
			b.Fatal(err)
		}
	}
}
