package lightclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// liveNet is a test network of full nodes serving one growing chain and a
// light client connected to all of them.
type liveNet struct {
	c     *testchain.Chain
	l     *p2ptest.LiveChain
	nodes []*p2ptest.Node
	srcs  []*p2ptest.ChainSource
	prod  *p2ptest.Producer
	host  *p2p.Host
	cl    *Client
}

// newLiveNet starts n full nodes over transport ("mock", "tcp" or "ws")
// serving c up to block visible, and a light client with them as peers.
// tune, when given, adjusts the client's config.
func newLiveNet(t testing.TB, c *testchain.Chain, visible uint32, n int, transport string, tune ...func(*Config)) *liveNet {
	t.Helper()
	ctx := ctxT(t)
	genesis := c.Blocks[0].Hash
	ln := &liveNet{c: c, l: p2ptest.NewLiveChain(c, visible)}
	var mn mocknet.Mocknet
	if transport == "mock" {
		mn = mocknet.New()
		t.Cleanup(func() { mn.Close() })
	}
	_, bench := t.(*testing.B)
	for i := 0; i < n; i++ {
		src := p2ptest.NewChainSource(ln.l)
		var node *p2ptest.Node
		var err error
		ncfg := p2ptest.FullConfig(genesis, src)
		if bench {
			ncfg.NotificationRate, ncfg.NotificationBurst = 1e6, 1<<20
		}
		if mn != nil {
			node, err = p2ptest.NewMock(mn, ncfg, src)
		} else {
			node, err = p2ptest.NewLoopback(transport, ncfg, src)
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { node.Close() })
		ln.nodes = append(ln.nodes, node)
		ln.srcs = append(ln.srcs, src)
	}
	hcfg := p2p.Config{Genesis: genesis, ProtocolID: "ksmcc3", RequestTimeout: 2 * time.Second, DialTimeout: 5 * time.Second,
		HandshakeTimeout: 5 * time.Second, AllowAddr: p2ptest.Loopback, Resolver: p2ptest.NoDNS()}
	if bench {
		// Benchmarks finalize hundreds of blocks a second: far above the
		// notification rate a real chain needs, which the host would
		// punish as flooding.
		hcfg.NotificationRate, hcfg.NotificationBurst = 1e6, 1<<20
	}
	var err error
	if mn != nil {
		lh, err := mn.GenPeer()
		if err != nil {
			t.Fatal(err)
		}
		if ln.host, err = p2p.Wrap(lh, hcfg); err != nil {
			t.Fatal(err)
		}
		if err := mn.LinkAll(); err != nil {
			t.Fatal(err)
		}
	} else if ln.host, err = p2p.New(hcfg); err != nil {
		t.Fatal(err)
	}
	for _, node := range ln.nodes {
		if _, err := ln.host.Connect(ctx, node.AddrInfo()); err != nil {
			t.Fatal(err)
		}
	}
	sc := fastSync()
	sc.FollowInterval = time.Minute // finality comes from commits; polls would hide a failure
	sc.RequestTimeout = 2 * time.Second
	cfg := Config{Genesis: genesis, Checkpoint: genesisCheckpoint(c), Sources: []Source{NewP2PSource(ln.host, nil)}, Sync: sc, Tick: 5 * time.Millisecond}
	for _, f := range tune {
		f(&cfg)
	}
	ln.cl, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.cl.Close() })
	ln.prod = &p2ptest.Producer{L: ln.l, Nodes: ln.nodes}
	pctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	go ln.prod.Run(pctx)
	if err := ln.cl.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ln.cl.WaitSynced(ctx); err != nil {
		t.Fatal(err)
	}
	if f, _, _ := ln.cl.Finalized(); f.Number != visible {
		t.Fatalf("synced at %d, want %d", f.Number, visible)
	}
	// Wait until every node has the notification substreams open to us
	// (gossip needs them).
	waitFor(t, "notification substreams open", func() bool {
		for _, node := range ln.nodes {
			if _, ok := node.Handshake(ln.host.ID()); !ok {
				return false
			}
		}
		return true
	})
	return ln
}

func (ln *liveNet) warps() int64 {
	var n int64
	for _, s := range ln.srcs {
		n += s.Warps.Load()
	}
	return n
}

func (ln *liveNet) finalized() uint32 {
	f, _, _ := ln.cl.Finalized()
	return f.Number
}

// follow produces blocks up to n and waits until the client finalized
// each. With gossipers nil every node gossips each commit to the peers whose
// neighbor packet is of its set (as Substrate does); else only gossipers
// send it, to every peer. A commit not followed is sent again now and then.
func (ln *liveNet) follow(t testing.TB, n uint32, gossipers []*p2ptest.Node) {
	t.Helper()
	ctx := ctxT(t)
	for ln.l.Visible() < n {
		var b *testchain.Block
		var cc *grandpa.CompactCommit
		var err error
		if gossipers == nil {
			b, cc, err = ln.prod.Step(ctx, nil)
		} else {
			b, cc, err = ln.l.Produce(nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		gossip := func() {
			if gossipers == nil {
				ln.prod.Gossip(ctx, b, cc)
			} else {
				p2ptest.Gossip(ctx, gossipers, b, cc)
			}
		}
		if gossipers != nil {
			gossip()
		}
		want := b.Header.Number
		deadline := time.Now().Add(waitLimit)
		again := time.Now().Add(300 * time.Millisecond)
		for ln.finalized() < want {
			if time.Now().After(deadline) {
				t.Fatalf("block %d not followed (at %d): %v", want, ln.finalized(), ln.cl.Err())
			}
			if time.Now().After(again) {
				gossip()
				again = time.Now().Add(300 * time.Millisecond)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// waitNeighbor waits until the nodes got the client's neighbor packet for
// its finalized block.
func (ln *liveNet) waitNeighbor(t testing.TB) {
	t.Helper()
	waitFor(t, "neighbor packet for the finalized block", func() bool {
		f, _, set := ln.cl.Finalized()
		nb, ok := ln.prod.Neighbor(ln.host.ID())
		return ok && nb.SetID == set && nb.CommitFinalizedHeight == f.Number && nb.Round == 1
	})
}

func liveTestChain(t testing.TB) *testchain.Chain {
	return genChain(t, testchain.Config{Seed: "lc-live", Blocks: 130, SetLength: 40, ForcedEvery: 3, Voters: 6})
}

func TestLiveFollowAndSubmit(t *testing.T) {
	for _, transport := range []string{"mock", "tcp", "ws"} {
		t.Run(transport, func(t *testing.T) {
			c := liveTestChain(t)
			ln := newLiveNet(t, c, 100, 3, transport)
			warps := ln.warps()
			if warps == 0 {
				t.Fatal("no warp request to sync")
			}
			// Follow from commits only, across the set change at 120 and
			// past the generated chain's end (new blocks). The nodes send
			// commits only after the client's neighbor packet.
			ln.waitNeighbor(t)
			ln.follow(t, 140, nil)
			ln.waitNeighbor(t)
			if got := ln.warps(); got != warps {
				t.Fatalf("%d warp requests while following commits", got-warps)
			}
			if s := ln.cl.Status(); s.SetID != c.SetIDAt(141) || s.Hash != c.Blocks[140].Hash {
				t.Fatalf("status %d set %d, want set %d", s.Finalized.Number, s.SetID, c.SetIDAt(141))
			}
			ctx := ctxT(t)
			// Three blocks, one commit for the last: three headers fetched.
			var last *testchain.Block
			var lastCommit *grandpa.CompactCommit
			for i := 0; i < 3; i++ {
				var err error
				if last, lastCommit, err = ln.l.Produce(nil); err != nil {
					t.Fatal(err)
				}
			}
			ln.prod.Gossip(ctx, last, lastCommit)
			waitFor(t, "finalized 143", func() bool { return ln.finalized() == 143 })
			for n := uint32(141); n <= 143; n++ {
				if _, ok := ln.cl.m.KnownHeader(ln.l.Block(n).Hash); !ok {
					t.Fatalf("block %d not kept", n)
				}
			}
			// Bodies of followed blocks, verified against their roots.
			for _, n := range []uint32{101, 120, 140} {
				body, err := ln.cl.BlockBody(ctx, c.Blocks[n].Hash)
				if err != nil {
					t.Fatalf("body %d: %v", n, err)
				}
				if len(body) != len(c.Blocks[n].Extrinsics) || !bytes.Equal(body[0], c.Blocks[n].Extrinsics[0]) {
					t.Fatalf("body %d: %x", n, body)
				}
			}
			if _, err := ln.cl.BlockBody(ctx, header.Hash{1}); !errors.Is(err, chainsync.ErrUnknownBlock) {
				t.Fatalf("unknown block: %v", err)
			}
			// A transaction: a node includes it, the client finds it.
			ext := scale.AppendBytes(nil, append([]byte{0x84}, bytes.Repeat([]byte{0xab}, 70)...))
			sub, err := ln.cl.Submit(ctx, ext)
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Close()
			st, err := sub.Next(ctx)
			if err != nil || st.Kind != StatusBroadcast {
				t.Fatalf("first status %+v %v", st, err)
			}
			st, err = sub.Next(ctx)
			if err != nil || st.Kind != StatusFinalized {
				t.Fatalf("second status %+v %v", st, err)
			}
			b := ln.l.Block(st.Number)
			if b == nil || b.Hash != st.Block || st.Index != 1 || !bytes.Equal(b.Extrinsics[st.Index], ext) {
				t.Fatalf("included at %d %s index %d", st.Number, st.Block, st.Index)
			}
			if _, err := sub.Next(ctx); err != io.EOF {
				t.Fatalf("after finalized: %v", err)
			}
			if got := ln.warps(); got != warps {
				t.Fatalf("%d warp requests while following commits", got-warps)
			}
		})
	}
}

func TestLiveSubmitDropped(t *testing.T) {
	c := liveTestChain(t)
	ln := newLiveNet(t, c, 100, 2, "mock")
	ln.waitNeighbor(t)
	defer func(v uint32) { SubmitWatchBlocks = v }(SubmitWatchBlocks)
	SubmitWatchBlocks = 4
	ln.prod.Hold.Store(true)
	ctx := ctxT(t)
	sub, err := ln.cl.Submit(ctx, scale.AppendBytes(nil, []byte{0x84, 7, 7}))
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if st, err := sub.Next(ctx); err != nil || st.Kind != StatusBroadcast || st.Detail != "sent to 2 peers" {
		t.Fatalf("%+v %v", st, err)
	}
	waitFor(t, "transaction at 2 peers", func() bool { return ln.prod.Received.Load() == 2 })
	ln.follow(t, 106, nil)
	st, err := sub.Next(ctx)
	if err != nil || st.Kind != StatusDropped {
		t.Fatalf("%+v %v", st, err)
	}
}

// TestLiveSubmitInWarpGap: finality follows warp polls only (no commit is
// gossiped), and a warp proof keeps only its fragment headers. The
// transaction is included in a block the proof jumps over: the watcher
// fetches the missing headers, hash-linked down from the finalized block,
// and finds it, instead of skipping the gap and reporting "dropped". One
// node alters the headers it serves; its answer does not link and is
// refused.
func TestLiveSubmitInWarpGap(t *testing.T) {
	c := liveTestChain(t)
	end := uint32(len(c.Blocks) - 1)
	ln := newLiveNet(t, c, end, 2, "mock", func(cfg *Config) { cfg.Sync.FollowInterval = 20 * time.Millisecond })
	ln.srcs[0].SetLie(p2ptest.LieHeaders)
	defer func(v uint32) { SubmitWatchBlocks = v }(SubmitWatchBlocks)
	SubmitWatchBlocks = 8
	ln.prod.Hold.Store(true)
	ctx := ctxT(t)
	ext := scale.AppendBytes(nil, append([]byte{0x84}, bytes.Repeat([]byte{0xcd}, 40)...))
	sub, err := ln.cl.Submit(ctx, ext)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if st, err := sub.Next(ctx); err != nil || st.Kind != StatusBroadcast {
		t.Fatalf("%+v %v", st, err)
	}
	waitFor(t, "transaction at 2 peers", func() bool { return ln.prod.Received.Load() == 2 })
	// Ten blocks, the transaction in the fourth, revealed at once: the
	// next warp poll finalizes the tenth with its header alone.
	var in *testchain.Block
	for i := 1; i <= 10; i++ {
		var xts [][]byte
		if i == 4 {
			xts = [][]byte{ext}
		}
		b, err := ln.l.Extend(xts)
		if err != nil {
			t.Fatal(err)
		}
		if i == 4 {
			in = b
		}
	}
	if _, ok := ln.cl.Header(in.Hash); ok {
		t.Fatal("the block with the transaction is known before the warp poll")
	}
	ln.l.SetVisible(end + 10)
	st, err := sub.Next(ctx)
	if err != nil || st.Kind != StatusFinalized || st.Block != in.Hash || st.Number != end+4 || !bytes.Equal(in.Extrinsics[st.Index], ext) {
		t.Fatalf("status %+v %v, want finalized in block %d %s", st, err, end+4, in.Hash)
	}
	// The block is kept: its storage can be proven (the outcome's events).
	if h, ok := ln.cl.Header(in.Hash); !ok || h.Number != end+4 {
		t.Fatalf("block %d not kept", end+4)
	}
}

func TestLiveAdversaries(t *testing.T) {
	c := liveTestChain(t)
	ln := newLiveNet(t, c, 100, 5, "mock")
	ctx := ctxT(t)
	forger, stall, liar, bodyLiar, honest := ln.nodes[0], ln.nodes[1], ln.nodes[2], ln.nodes[3], ln.nodes[4]
	banned := func(n *p2ptest.Node) bool { return ln.host.Banned(n.ID()) }

	// A forged commit (one signature byte): the gossiper is banned.
	b, cc, err := ln.l.Produce(nil)
	if err != nil {
		t.Fatal(err)
	}
	forged := *cc
	forged.AuthData = append(forged.AuthData[:0:0], cc.AuthData...)
	forged.AuthData[2].Signature[5] ^= 1
	p2ptest.Gossip(ctx, []*p2ptest.Node{forger}, b, &forged)
	waitFor(t, "forger banned", func() bool { return banned(forger) })
	if ln.finalized() != 100 {
		t.Fatal("finalized from a forged commit")
	}
	// Its honest commit from another node is followed.
	p2ptest.Gossip(ctx, []*p2ptest.Node{honest}, b, cc)
	waitFor(t, "finalized 101", func() bool { return ln.finalized() == 101 })

	// A commit whose sender stalls on the headers: another peer serves them.
	stall.SetMode(p2ptest.Stall)
	ln.follow(t, 102, []*p2ptest.Node{stall})
	stall.SetMode(p2ptest.Honest)

	// Headers that do not chain: the sender is banned, another peer serves.
	ln.srcs[2].SetLie(p2ptest.LieHeaders)
	b, cc, _ = ln.l.Produce(nil)
	b, cc, _ = ln.l.Produce(nil) // two blocks: the answer has two headers
	p2ptest.Gossip(ctx, []*p2ptest.Node{liar}, b, cc)
	waitFor(t, "finalized 104", func() bool { return ln.finalized() == 104 })
	if !banned(liar) {
		t.Fatal("header liar not banned")
	}

	// A body that does not match the root: banned, the body still comes.
	ln.srcs[3].SetLie(p2ptest.LieBody)
	for n := uint32(101); n <= 104 && !banned(bodyLiar); n++ {
		body, err := ln.cl.BlockBody(ctx, c.Blocks[n].Hash)
		if err != nil || !bytes.Equal(body[0], c.Blocks[n].Extrinsics[0]) {
			t.Fatalf("body %d: %v", n, err)
		}
	}
	if !banned(bodyLiar) {
		t.Fatal("body liar never asked or not banned")
	}

	// An announcement flood: the flooder is banned by the host.
	flooder := stall
	a := &wire.Announce{Header: c.Blocks[104].Header, State: wire.StateBest}
	_, _ = flooder.FloodAnnounces(ctx, ln.host.ID(), a, 2000)
	waitFor(t, "flooder banned", func() bool { return banned(flooder) })

	// The honest peer still serves: follow on.
	ln.follow(t, 110, []*p2ptest.Node{honest})
	if banned(honest) {
		t.Fatal("honest peer banned")
	}
	if err := ln.cl.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestRPCSubmitAndBody(t *testing.T) {
	c := genChain(t, testchain.Config{Seed: "lc-rpc-live", Blocks: 90, SetLength: 30, Voters: 5})
	srv := rpctest.New(c, 90)
	url, stop := srv.Start()
	t.Cleanup(stop)
	cl, _ := rpcClient(t, c, url, "")
	ctx := synced(t, cl)
	body, err := cl.BlockBody(ctx, header.Hash{})
	if err != nil || len(body) != 1 || !bytes.Equal(body[0], c.Blocks[90].Extrinsics[0]) {
		t.Fatalf("body of the head: %x %v", body, err)
	}
	ext := scale.AppendBytes(nil, []byte{0x84, 9, 9, 9})
	sub, err := cl.Submit(ctx, ext)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	var st SubmitStatus
	for st.Kind != StatusFinalized {
		if st, err = sub.Next(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if st.Number != 91 || st.Block != c.Blocks[91].Hash || st.Index != 1 {
		t.Fatalf("included %+v", st)
	}
	if srv.Calls("author_submitExtrinsic") != 1 || srv.Calls("chain_getBlock") < 2 {
		t.Fatalf("calls: submit %d, getBlock %d", srv.Calls("author_submitExtrinsic"), srv.Calls("chain_getBlock"))
	}
	// A refused transaction: ErrRejected with the endpoint's message.
	srv.SetReject(func([]byte) error { return fmt.Errorf("Invalid Transaction: Inability to pay some fees") })
	if _, err := cl.Submit(ctx, ext); !errors.Is(err, ErrRejected) || !bytes.Contains([]byte(err.Error()), []byte("Inability to pay")) {
		t.Fatalf("rejected: %v", err)
	}
	// A body that does not match the root: the endpoint is banned.
	srv.SetLie(func(method string, res any) any {
		if method == "chain_getBlock" {
			m := res.(map[string]any)["block"].(map[string]any)
			m["extrinsics"] = append(m["extrinsics"].([]string), "0x0c040000")
		}
		return res
	})
	if _, err := cl.BlockBody(ctx, c.Blocks[90].Hash); !errors.Is(err, chainsync.ErrBodyFailed) {
		t.Fatalf("forged body: %v", err)
	}
}

func TestSubmitClientClosed(t *testing.T) {
	c := genChain(t, testchain.Config{Seed: "lc-rpc-closed", Blocks: 40, SetLength: 30, Voters: 4})
	srv := rpctest.New(c, 40)
	srv.Hold = true
	url, stop := srv.Start()
	t.Cleanup(stop)
	cl, _ := rpcClient(t, c, url, "")
	ctx := started(t, cl)
	// The endpoint takes the transaction but never includes it.
	sub, err := cl.Submit(ctx, scale.AppendBytes(nil, []byte{0x84, 5}))
	if err != nil {
		t.Fatal(err)
	}
	if st, err := sub.Next(ctx); err != nil || st.Kind != StatusBroadcast {
		t.Fatalf("%+v %v", st, err)
	}
	cl.Close()
	if _, err := sub.Next(ctx); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	sub.Close()
}
