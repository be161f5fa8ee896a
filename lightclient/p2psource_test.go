package lightclient

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// chainSource serves a generated chain to p2ptest nodes: warp proofs up to
// visible, storage proofs of any block. forge corrupts warp proofs.
type chainSource struct {
	c       *testchain.Chain
	mu      sync.Mutex
	visible uint32
	forge   bool
}

func (s *chainSource) Best() (uint32, header.Hash) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.visible, s.c.Blocks[s.visible].Hash
}

func (s *chainSource) Blocks(*wire.BlockRequest) ([]wire.BlockData, error) { return nil, nil }

func (s *chainSource) CallProof(header.Hash, string, []byte) ([][]byte, bool, error) {
	return nil, false, nil
}

func (s *chainSource) number(h header.Hash) (uint32, bool) {
	for n, b := range s.c.Blocks {
		if b.Hash == h {
			return uint32(n), true
		}
	}
	return 0, false
}

func (s *chainSource) Warp(begin header.Hash) (*wire.WarpResponse, error) {
	s.mu.Lock()
	visible := s.visible
	s.mu.Unlock()
	n, ok := s.number(begin)
	if !ok {
		return nil, p2ptest.ErrUnknownBlock
	}
	p := &grandpa.WarpProof{IsFinished: true}
	for _, ch := range s.c.Changes {
		if ch.Enact > n && ch.Enact <= visible {
			b := s.c.Blocks[ch.Enact]
			p.Fragments = append(p.Fragments, grandpa.Fragment{Header: b.Header, Justification: b.Justification})
		}
	}
	if visible >= n && (len(p.Fragments) == 0 || p.Fragments[len(p.Fragments)-1].Header.Number != visible) {
		j, err := s.c.Justify(visible, testchain.JustifyOptions{})
		if err != nil {
			return nil, err
		}
		p.Fragments = append(p.Fragments, grandpa.Fragment{Header: s.c.Blocks[visible].Header, Justification: j})
	}
	if s.forge && len(p.Fragments) > 0 {
		f := p.Fragments[0]
		j := *f.Justification
		j.Commit.Precommits = append([]grandpa.SignedPrecommit(nil), j.Commit.Precommits...)
		j.Commit.Precommits[0].Signature[1] ^= 1
		p.Fragments[0] = grandpa.Fragment{Header: f.Header, Justification: &j}
	}
	return wire.DecodeWarpResponse(p.Encode())
}

func (s *chainSource) ReadProof(block header.Hash, keys [][]byte) ([][]byte, bool, error) {
	n, ok := s.number(block)
	if !ok {
		return nil, false, nil
	}
	_, nodes := trie.Prove(*s.c.Config.Layout, s.c.State(n), keys)
	return nodes, true, nil
}

func TestP2PMocknet(t *testing.T) {
	c := genChain(t, testchain.Config{Seed: "lc-p2p", Blocks: 300, SetLength: 25, ForcedEvery: 3})
	genesis := c.Blocks[0].Hash
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	honest := &chainSource{c: c, visible: 280}
	liar := &chainSource{c: c, visible: 300, forge: true} // always claims something newer
	host, nodes := relayNodes(t, mn, genesis, liar, honest, honest)
	ctx := ctxT(t)
	src := NewP2PSource(host, nil)
	src.Discover = 4 // the nodes know each other: nothing new, but the walk runs
	cl := startClient(t, c, src)
	waitFor(t, "forging peer banned", func() bool { return host.Banned(nodes[0].ID()) })
	if h, hash, _ := cl.Finalized(); h.Number != 280 || hash != c.Blocks[280].Hash {
		t.Fatalf("finalized %d", h.Number)
	}
	res, err := cl.ReadStorage(ctx, [][]byte{testchain.KeyTimestampNow})
	if err != nil {
		t.Fatal(err)
	}
	if want := stateOf(c, res.Number)[string(testchain.KeyTimestampNow)]; string(res.Values[0].Value) != string(want) {
		t.Fatalf("value %x want %x", res.Values[0].Value, want)
	}
	// Follow: the honest nodes' finality moves on.
	honest.mu.Lock()
	honest.visible = 300
	honest.mu.Unlock()
	waitFor(t, "follow to 300", func() bool { h, _, _ := cl.Finalized(); return h.Number == 300 })
}

func TestP2PNoBootnode(t *testing.T) {
	c := genChain(t, testchain.Config{Seed: "lc-p2p-none", Blocks: 10})
	host, err := p2p.New(p2p.Config{Genesis: c.Blocks[0].Hash, DialTimeout: time.Second, AllowAddr: p2ptest.Loopback, Resolver: p2ptest.NoDNS()})
	if err != nil {
		t.Fatal(err)
	}
	// A closed loopback port: nothing answers.
	src := NewP2PSource(host, []string{"/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"})
	cl, err := New(Config{Genesis: c.Blocks[0].Hash, Checkpoint: genesisCheckpoint(c), Sources: []Source{src}})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	start := time.Now()
	err = cl.Start(context.Background())
	if !errors.Is(err, ErrUnreachable) || !errors.Is(err, p2p.ErrNoBootnode) {
		t.Fatalf("Start: %v", err)
	}
	if d := time.Since(start); d > waitLimit { // a safety net: the dials fail at once on loopback
		t.Fatalf("took %v", d)
	}
}

// loopbackNode starts a full node serving src on a real loopback connection
// (transport "tcp" or "ws") and returns it, a host for a client to reach it
// and the node's addresses to boot from.
func loopbackNode(t testing.TB, transport string, genesis header.Hash, src p2ptest.Source) (*p2ptest.Node, *p2p.Host, []string) {
	t.Helper()
	node, err := p2ptest.NewLoopback(transport, p2ptest.FullConfig(genesis, src), src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { node.Close() })
	var boot []string
	for _, a := range node.Multiaddrs() {
		boot = append(boot, a.String())
	}
	host, err := p2p.New(p2p.Config{Genesis: genesis, ProtocolID: "ksmcc3", AllowAddr: p2ptest.Loopback, Resolver: p2ptest.NoDNS(), DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return node, host, boot
}

// TestP2PLoopback syncs over real loopback TCP and WebSocket connections,
// reaching the nodes through the bootnode path.
func TestP2PLoopback(t *testing.T) {
	c := genChain(t, testchain.Config{Seed: "lc-p2p-tcp", Blocks: 120, SetLength: 30})
	genesis := c.Blocks[0].Hash
	for _, transport := range []string{"tcp", "ws"} {
		t.Run(transport, func(t *testing.T) {
			node, host, boot := loopbackNode(t, transport, genesis, &chainSource{c: c, visible: 110})
			cl, err := New(Config{Genesis: genesis, Checkpoint: genesisCheckpoint(c), Sources: []Source{NewP2PSource(host, boot)}, Sync: fastSync(), Tick: 5 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cl.Close() })
			ctx := started(t, cl)
			res, err := cl.ReadStorage(ctx, [][]byte{testchain.KeySystemNumber})
			if err != nil {
				t.Fatal(err)
			}
			if res.Number != 110 || res.Block != c.Blocks[110].Hash || !res.Values[0].Found {
				t.Fatalf("read %+v", res)
			}
			// An announcement raises the sync target (a claim, used for progress only).
			if n := node.Announce(ctx, &wire.Announce{Header: c.Blocks[117].Header, State: wire.StateBest}); n != 1 {
				t.Fatalf("announce reached %d peers", n)
			}
			waitFor(t, "sync target 117 after an announcement", func() bool { return cl.Status().Target == 117 })
			if h, _, _ := cl.Finalized(); h.Number != 110 {
				t.Fatalf("an announcement moved finality to %d", h.Number)
			}
		})
	}
}

// relayNodes starts one relay full node on mn per source and a light host
// (testHostConfig for genesis) linked and connected to all of them.
func relayNodes[S p2ptest.Source](t testing.TB, mn mocknet.Mocknet, genesis header.Hash, srcs ...S) (*p2p.Host, []*p2ptest.Node) {
	t.Helper()
	var nodes []*p2ptest.Node
	for _, src := range srcs {
		n, err := p2ptest.NewMock(mn, p2ptest.FullConfig(genesis, src), src)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
		nodes = append(nodes, n)
	}
	lh, err := mn.GenPeer()
	if err != nil {
		t.Fatal(err)
	}
	cfg := testHostConfig()
	cfg.Genesis, cfg.ProtocolID = genesis, "ksmcc3"
	host, err := p2p.Wrap(lh, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := mn.LinkAll(); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if _, err := host.Connect(ctxT(t), n.AddrInfo()); err != nil {
			t.Fatal(err)
		}
	}
	return host, nodes
}

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
