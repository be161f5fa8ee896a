package sync

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// BenchmarkWarp1000x1000 warp-syncs over 1,000 fragments of 1,000
// authorities (667 signatures each) served in pages of 90 fragments (about
// the 8 MiB limit of a /sync/warp response). Run with -benchtime=1x: the
// chain takes a while to generate.
func BenchmarkWarp1000x1000(b *testing.B) {
	c, err := testchain.Generate(testchain.Config{Seed: "bench-warp", Blocks: 1000, SetLength: 1, Voters: 1000, Rotate: 1, Signers: 667, JustifyEvery: -1})
	if err != nil {
		b.Fatal(err)
	}
	srv := &server{c: c, Visible: 1000, MaxFragments: 90}
	// Encode the pages once: the benchmark measures the machine.
	pages := map[uint32][]byte{}
	for n := uint32(0); n < 1000; {
		p, err := srv.warp(c.Blocks[n].Hash)
		if err != nil {
			b.Fatal(err)
		}
		pages[n] = p
		n += 90
		if n > 1000 {
			break
		}
	}
	b.ResetTimer()
	var peak uint64
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		m, err := New(Config{Header: c.Blocks[0].Header, Set: c.Set(0)})
		if err != nil {
			b.Fatal(err)
		}
		m.AddPeer("mem", PeerCaps{Kinds: CanWarp})
		now := time.Unix(0, 0)
		for !m.Synced() {
			reqs := m.Desired(now)
			if len(reqs) == 0 {
				b.Fatal("stuck")
			}
			for _, r := range reqs {
				n, _ := srv.number(r.Block)
				if err := m.OnResponseAt(r.ID, pages[n], now); err != nil {
					b.Fatal(err)
				}
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > base && ms.HeapAlloc-base > peak {
					peak = ms.HeapAlloc - base
				}
			}
			m.Events()
		}
		if f, _, _ := m.Finalized(); f.Number != 1000 {
			b.Fatalf("synced at %d", f.Number)
		}
	}
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano()+ru1.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano()) / time.Duration(b.N)
	b.ReportMetric(cpu.Seconds(), "cpu-s/sync")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/sync")
}

// BenchmarkFollow1000 follows finality block by block with a set of 1,000
// authorities (a finality proof of one header and a 667-signature
// justification per block) and reports the live heap after a GC while
// following: the machine's resident state.
func BenchmarkFollow1000(b *testing.B) {
	const blocks = 60
	c, err := testchain.Generate(testchain.Config{Seed: "bench-follow", Blocks: blocks, SetLength: 1000, Voters: 1000, Signers: 667, JustifyEvery: -1})
	if err != nil {
		b.Fatal(err)
	}
	srv := &server{c: c}
	proofs := make([][]byte, blocks+1)
	for n := uint32(1); n <= blocks; n++ {
		srv.Visible = n
		if proofs[n], err = srv.finality(n); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	var live uint64
	for i := 0; i < b.N; i++ {
		m, err := New(Config{Header: c.Blocks[0].Header, Set: c.Set(0), FollowInterval: time.Nanosecond})
		if err != nil {
			b.Fatal(err)
		}
		m.AddPeer("mem", PeerCaps{Kinds: CanFinality})
		now := time.Unix(0, 0)
		for n := uint32(1); n <= blocks; n++ {
			for _, r := range m.Desired(now) {
				if err := m.OnResponseAt(r.ID, proofs[r.Number], now); err != nil {
					b.Fatal(err)
				}
			}
			m.Events()
			now = now.Add(time.Second)
		}
		if f, _, _ := m.Finalized(); f.Number != blocks {
			b.Fatalf("at %d", f.Number)
		}
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		live = ms.HeapAlloc
		runtime.KeepAlive(m)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*blocks)/1000, "ms/block")
	b.ReportMetric(float64(live)/(1<<20), "live-heap-MiB")
}
