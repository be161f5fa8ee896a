package lightclient

import (
	"context"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/store"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// BenchmarkWarmStartToVerifiedValue measures New + Start + ReadStorage with a
// data directory holding the state at the chain's head: the time from start
// to a verified storage value (one warp request that proves nothing newer,
// then one storage proof). The chain has sets of 1,000 authorities.
func BenchmarkWarmStartToVerifiedValue(b *testing.B) {
	benchStart(b, true)
}

// BenchmarkColdStartToVerifiedValue is the same from the genesis checkpoint:
// a warp sync over 20 set changes first.
func BenchmarkColdStartToVerifiedValue(b *testing.B) {
	benchStart(b, false)
}

func benchStart(b *testing.B, warm bool) {
	c, err := testchain.Generate(testchain.Config{Seed: "bench-start", Blocks: 200, SetLength: 10, Voters: 1000, Signers: 667, JustifyEvery: -1})
	if err != nil {
		b.Fatal(err)
	}
	head := uint32(len(c.Blocks) - 1)
	home := b.TempDir()
	genesis := c.Blocks[0].Hash
	if warm {
		if err := store.Save(home, &store.State{GenesisHash: genesis, Header: c.Blocks[head].Header, Set: c.Set(c.SetIDAt(head + 1)), SavedAt: time.Now()}); err != nil {
			b.Fatal(err)
		}
	}
	src := newMemSource(c, head, 0)
	if _, err := src.warp(genesis); err != nil { // build the proofs outside the timer
		b.Fatal(err)
	}
	if _, err := src.warp(c.Blocks[head].Hash); err != nil {
		b.Fatal(err)
	}
	cp := genesisCheckpoint(c)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src.ev = make(chan SourceEvent, 1)
		cl, err := New(Config{Genesis: genesis, Checkpoint: cp, Home: home, Sources: []Source{src}, Tick: time.Millisecond})
		if err != nil {
			b.Fatal(err)
		}
		if warm != (cl.StartPoint().Source == store.FromSaved) {
			b.Fatalf("start from %s", cl.StartPoint().Source)
		}
		if err := cl.Start(ctx); err != nil {
			b.Fatal(err)
		}
		res, err := cl.ReadStorage(ctx, [][]byte{testchain.KeySystemNumber})
		if err != nil || res.Number != head || !res.Values[0].Found {
			b.Fatalf("%+v %v", res, err)
		}
		cl.Close()
		if !warm {
			// Keep the directory cold.
			b.StopTimer()
			home = b.TempDir()
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/verified-value")
}
