package lightclient

import (
	"context"
	"runtime"
	"testing"
	"time"

	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// maxWarpResponse is the size at which a Substrate node stops adding
// fragments to a warp proof (polkadot-sdk's MAX_WARP_RESPONSE_SIZE, 8 MiB)
// and answers is_finished = false.
const maxWarpResponse = 8 << 20

// sizedWarpSource is chainSource with Substrate's response-size rule, so a
// long warp sync takes several requests.
type sizedWarpSource struct{ *chainSource }

func (s sizedWarpSource) Warp(begin header.Hash) (*wire.WarpResponse, error) {
	n, ok := s.number(begin)
	if !ok {
		return nil, p2ptest.ErrUnknownBlock
	}
	p := &grandpa.WarpProof{IsFinished: true}
	size := 0
	for _, ch := range s.c.Changes {
		if ch.Enact <= n || ch.Enact > s.visible {
			continue
		}
		b := s.c.Blocks[ch.Enact]
		f := grandpa.Fragment{Header: b.Header, Justification: b.Justification}
		fs := len((&grandpa.WarpProof{Fragments: []grandpa.Fragment{f}}).Encode())
		if size+fs > maxWarpResponse && len(p.Fragments) > 0 {
			p.IsFinished = false
			break
		}
		size += fs
		p.Fragments = append(p.Fragments, f)
	}
	return wire.DecodeWarpResponse(p.Encode())
}

// BenchmarkWarpP2P1000x1000 is a cold warp sync from genesis across 1,000
// authority-set changes of 1,000 authorities each (667 signatures per
// fragment) from two full nodes over the in-memory libp2p network, through
// the whole client: p2p requests of at most 8 MiB, verification, state
// kept. It reports the wall time per sync, the peak heap growth sampled
// every 5 ms and the process's resident memory after the sync.
func BenchmarkWarpP2P1000x1000(b *testing.B) {
	c, err := testchain.Generate(testchain.Config{Seed: "bench-warp-p2p", Blocks: 1000, SetLength: 1, Voters: 1000, Signers: 667, JustifyEvery: -1})
	if err != nil {
		b.Fatal(err)
	}
	head := uint32(len(c.Blocks) - 1)
	genesis := c.Blocks[0].Hash
	src := sizedWarpSource{&chainSource{c: c, visible: head}}
	mn := mocknet.New()
	b.Cleanup(func() { mn.Close() })
	var nodes []*p2ptest.Node
	for range 2 {
		n, err := p2ptest.NewMock(mn, p2ptest.FullConfig(genesis, src), src)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { n.Close() })
		nodes = append(nodes, n)
	}
	cp := genesisCheckpoint(c)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		lh, err := mn.GenPeer()
		if err != nil {
			b.Fatal(err)
		}
		host, err := p2p.Wrap(lh, p2p.Config{Genesis: genesis, ProtocolID: "ksmcc3", RequestTimeout: 60 * time.Second, DialTimeout: 5 * time.Second, HandshakeTimeout: 5 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		if err := mn.LinkAll(); err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		for _, n := range nodes {
			if _, err := host.Connect(ctx, n.AddrInfo()); err != nil {
				b.Fatal(err)
			}
		}
		sc := fastSync()
		sc.RequestTimeout = 60 * time.Second
		cl, err := New(Config{Genesis: genesis, Checkpoint: cp, Sources: []Source{NewP2PSource(host, nil)}, Sync: sc, Tick: 5 * time.Millisecond})
		if err != nil {
			b.Fatal(err)
		}
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			var ms runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					runtime.ReadMemStats(&ms)
					if ms.HeapAlloc > base.HeapAlloc && ms.HeapAlloc-base.HeapAlloc > peak {
						peak = ms.HeapAlloc - base.HeapAlloc
					}
				}
			}
		}()
		if err := cl.Start(ctx); err != nil {
			b.Fatal(err)
		}
		if err := cl.WaitSynced(ctx); err != nil {
			b.Fatal(err)
		}
		if h, _, set := cl.Finalized(); h.Number != head || set != c.SetIDAt(head+1) {
			b.Fatalf("synced to #%d set %d, want #%d set %d", h.Number, set, head, c.SetIDAt(head+1))
		}
		close(stop)
		<-sampled
		cl.Close()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(rssMiB(), "rss-MiB")
}
