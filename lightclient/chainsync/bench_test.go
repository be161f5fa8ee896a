package chainsync

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"syscall"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// BenchmarkWarp1000x1000 warp-syncs over 1,000 fragments of 1,000
// authorities (667 signatures each) served in pages of 90 fragments (about
// the 8 MiB limit of a /sync/warp response). Run with -benchtime=1x: the
// chain takes a while to generate.
//
// It reports the peak heap growth during the sync (peak-heap-MiB: heap
// objects, live or not yet collected, sampled every 100 µs and after every
// answer, above the heap before the sync). The pages wait in files and are
// read one at a time, as a network delivers them, and the generated chain is
// dropped before the sync: the garbage collector lets the heap grow in
// proportion to what is live, so 100 MB of pages and the chain kept in the
// heap would show as peak heap whatever the machine does.
func BenchmarkWarp1000x1000(b *testing.B) {
	c, err := testchain.Generate(testchain.Config{Seed: "bench-warp", Blocks: 1000, SetLength: 1, Voters: 1000, Rotate: 1, Signers: 667, JustifyEvery: -1})
	if err != nil {
		b.Fatal(err)
	}
	start, set0, head := c.Blocks[0].Header, c.Set(0), c.Head().Hash
	srv := &server{c: c, Visible: 1000, MaxFragments: 90}
	dir := b.TempDir()
	pages := map[header.Hash]string{} // the block a page starts from → its file
	for n := uint32(0); n < 1000; n += 90 {
		p, err := srv.warp(c.Blocks[n].Hash)
		if err != nil {
			b.Fatal(err)
		}
		name := filepath.Join(dir, fmt.Sprintf("page-%d", n))
		if err := os.WriteFile(name, p, 0o600); err != nil {
			b.Fatal(err)
		}
		pages[c.Blocks[n].Hash] = name
	}
	c, srv = nil, nil
	b.ResetTimer()
	var peak, base uint64
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	for i := 0; i < b.N; i++ {
		runtime.GC()
		base = heapObjects()
		stop := sampleHeap(base, &peak)
		m, err := New(Config{Header: start, Set: set0})
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
				page, err := os.ReadFile(pages[r.Block])
				if err != nil {
					b.Fatal(err)
				}
				if err := m.OnResponseAt(r.ID, page, now); err != nil {
					b.Fatal(err)
				}
				if h := heapObjects(); h > base {
					peak = max(peak, h-base)
				}
			}
			m.Events()
		}
		stop()
		if f, hash, _ := m.Finalized(); f.Number != 1000 || hash != head {
			b.Fatalf("synced at %d", f.Number)
		}
	}
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano()+ru1.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano()) / time.Duration(b.N)
	b.ReportMetric(cpu.Seconds(), "cpu-s/sync")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(base)/(1<<20), "base-heap-MiB")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/sync")
}

// heapObjects is the bytes of heap objects, live or not yet collected
// (runtime.MemStats.HeapAlloc, read without stopping the world).
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap raises *peak to the heap growth above base every 100 µs until
// the returned function is called (which waits for the sampler to end).
func sampleHeap(base uint64, peak *uint64) (stop func()) {
	done, ended := make(chan struct{}), make(chan struct{})
	local := uint64(0) // read after ended is closed
	go func() {
		defer close(ended)
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if h := heapObjects(); h > base {
					local = max(local, h-base)
				}
			}
		}
	}()
	return func() {
		close(done)
		<-ended
		*peak = max(*peak, local)
	}
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
