package p2ptest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/libp2p/go-libp2p/core/protocol"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
)

var (
	paraOnce  sync.Once
	paraChain *testchain.Chain
	paraErr   error
)

func testPara(t *testing.T) *testchain.Chain {
	t.Helper()
	paraOnce.Do(func() { paraChain, paraErr = testchain.Generate(testchain.Config{Seed: "p2ptest-para", Blocks: 12}) })
	if paraErr != nil {
		t.Fatal(paraErr)
	}
	return paraChain
}

func paraCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// lightParaHost is a light host of the parachain's network on mn.
func lightParaHost(t *testing.T, mn mocknet.Mocknet, genesis header.Hash, protocolID string) *p2p.Host {
	t.Helper()
	lh, err := mn.GenPeer()
	if err != nil {
		t.Fatal(err)
	}
	h, err := p2p.Wrap(lh, p2p.Config{Genesis: genesis, ProtocolID: protocolID, NoGrandpa: true, RequestTimeout: 5 * time.Second,
		DialTimeout: 5 * time.Second, HandshakeTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// verifyRead checks a read proof of keys at block n of c against the
// header's state root and returns the error of the first failing lookup.
func verifyRead(c *testchain.Chain, n uint32, keys [][]byte, nodes [][]byte) error {
	pr, err := trie.NewProofWith(trie.Hash(c.Blocks[n].Header.StateRoot), nodes, trie.Options{AllowUnused: true})
	if err != nil {
		return err
	}
	want := map[string][]byte{}
	for _, kv := range c.State(n) {
		want[string(kv.Key)] = kv.Value
	}
	for _, k := range keys {
		v, found, err := pr.Get(k)
		if err != nil {
			return err
		}
		w, ok := want[string(k)]
		if found != ok || !bytes.Equal(v, w) {
			return errors.New("value differs from the state")
		}
	}
	return nil
}

func TestParaNodeMock(t *testing.T) {
	c := testPara(t)
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	src := NewParaSource(NewLiveChain(c, 10))
	node, err := NewParaMock(mn, "", src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { node.Close() })
	h := lightParaHost(t, mn, src.Genesis(), "")
	if err := mn.LinkAll(); err != nil {
		t.Fatal(err)
	}
	ctx := paraCtx(t)
	hs, err := h.Connect(ctx, node.AddrInfo())
	if err != nil {
		t.Fatal(err)
	}
	if hs.GenesisHash != c.Blocks[0].Hash || hs.BestNumber != 10 || hs.BestHash != c.Blocks[10].Hash || !hs.Roles.IsFull() {
		t.Fatalf("handshake %+v", hs)
	}
	// The node speaks no GRANDPA; the light host refuses to gossip.
	grandpa := protocol.ID(node.Names().Grandpa)
	if slices.Contains(node.LibP2P().Mux().Protocols(), grandpa) {
		t.Fatal("para node registered GRANDPA")
	}
	if err := h.SendGossip(ctx, node.ID(), &wire.Gossip{Kind: wire.GossipNeighbor, Neighbor: &wire.Neighbor{Round: 1}}); !errors.Is(err, p2p.ErrNotConnected) {
		t.Fatalf("gossip on a para network: %v", err)
	}
	// A cumulus node's announcements carry BlockAnnounceData (candidate
	// receipt and statement, opaque here): they decode, nobody is banned.
	data := bytes.Repeat([]byte{0xab}, 300)
	if sent := node.Announce(ctx, &wire.Announce{Header: c.Blocks[10].Header, State: wire.StateBest, Data: data}); sent != 1 {
		t.Fatalf("announced to %d peers", sent)
	}
	select {
	case a := <-h.Announces():
		if a.Peer != node.ID() || a.Announce.Hash() != c.Blocks[10].Hash || !bytes.Equal(a.Announce.Data, data) {
			t.Fatalf("announce %+v", a.Announce)
		}
	case <-ctx.Done():
		t.Fatal("no announcement")
	}
	if h.Banned(node.ID()) {
		t.Fatal("announcer banned")
	}
	keys := [][]byte{testchain.KeySystemNumber, []byte("absent-key")}
	for _, n := range []uint32{0, 4, 10} {
		nodes, err := h.RemoteRead(ctx, node.ID(), c.Blocks[n].Hash, keys)
		if err != nil {
			t.Fatalf("read at %d: %v", n, err)
		}
		if err := verifyRead(c, n, keys, nodes); err != nil {
			t.Fatalf("read at %d: %v", n, err)
		}
	}
	// Beyond the visible head: no proof.
	if _, err := h.RemoteRead(ctx, node.ID(), c.Blocks[11].Hash, keys); !errors.Is(err, p2p.ErrNoProof) {
		t.Fatalf("read past the head: %v", err)
	}
	// Lies: a proof of another state fails against the root; no proof.
	src.SetLie(ParaWrongRoot)
	nodes, err := h.RemoteRead(ctx, node.ID(), c.Blocks[7].Hash, keys)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyRead(c, 7, keys, nodes); err == nil {
		t.Fatal("wrong-root proof verified")
	}
	src.SetLie(ParaNoProof)
	if _, err := h.RemoteRead(ctx, node.ID(), c.Blocks[7].Hash, keys); !errors.Is(err, p2p.ErrNoProof) {
		t.Fatalf("no-proof lie: %v", err)
	}
	if got := src.Reads.Load(); got != 6 {
		t.Fatalf("%d reads served, want 6", got)
	}
	// No warp proofs; blocks without justifications.
	if _, err := h.Request(ctx, node.ID(), wire.KindWarp, wire.EncodeWarpRequest(c.Blocks[0].Hash)); err == nil {
		t.Fatal("para node answered a warp request")
	}
	resp, err := h.RequestBlocks(ctx, node.ID(), &wire.BlockRequest{Fields: wire.FieldHeader | wire.FieldJustification, FromNumber: 1, MaxBlocks: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Blocks) != 10 {
		t.Fatalf("%d blocks, want 10 (1..10)", len(resp.Blocks))
	}
	for i, b := range resp.Blocks {
		if b.HasJustification || b.Hash != c.Blocks[i+1].Hash {
			t.Fatalf("block %d: %x justification %v", i+1, b.Hash, b.HasJustification)
		}
	}
}

func TestParaNodeLoopbackTCP(t *testing.T) {
	c := testPara(t)
	src := NewParaSource(NewLiveChain(c, 12))
	node, err := NewParaLoopback("tcp", "para-test", src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { node.Close() })
	h, err := p2p.New(p2p.Config{Genesis: src.Genesis(), ProtocolID: "para-test", NoGrandpa: true, AllowAddr: Loopback, Resolver: NoDNS(),
		DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	var boot []string
	for _, a := range node.Multiaddrs() {
		boot = append(boot, a.String())
	}
	ctx := paraCtx(t)
	res, err := h.ConnectBootnodes(ctx, boot)
	if err != nil || len(res) != 1 || res[0].Handshake.GenesisHash != src.Genesis() {
		t.Fatalf("bootnodes %+v %v", res, err)
	}
	keys := [][]byte{testchain.KeySystemNumber, testchain.KeySystemNumber[:16]}
	nodes, err := h.RemoteRead(ctx, node.ID(), c.Blocks[12].Hash, keys)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyRead(c, 12, keys, nodes); err != nil {
		t.Fatal(err)
	}
}

// A light host of another chain (another genesis) is refused: with the
// same protocol id the legacy names meet and the handshakes' genesis
// hashes differ (a ban); with another id no protocol is shared.
func TestParaNodeOtherGenesis(t *testing.T) {
	c := testPara(t)
	other, err := testchain.Generate(testchain.Config{Seed: "p2ptest-para-other", Blocks: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, nodeID, hostID string }{{"same-protocol-id", "", ""}, {"other-protocol-id", "other", ""}} {
		t.Run(tc.name, func(t *testing.T) {
			mn := mocknet.New()
			t.Cleanup(func() { mn.Close() })
			node, err := NewParaMock(mn, tc.nodeID, NewParaSource(NewLiveChain(other, 3)))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { node.Close() })
			h := lightParaHost(t, mn, c.Blocks[0].Hash, tc.hostID)
			if err := mn.LinkAll(); err != nil {
				t.Fatal(err)
			}
			_, err = h.Connect(paraCtx(t), node.AddrInfo())
			if err == nil {
				t.Fatal("peer of another genesis accepted")
			}
			if len(h.Peers()) != 0 {
				t.Fatalf("peers %+v", h.Peers())
			}
			// The node reads the light host's handshake first and refuses
			// (bans) it; either side refusing ends the substream.
			if tc.nodeID == tc.hostID && (!errors.Is(err, p2p.ErrHandshake) || !(h.Banned(node.ID()) || node.Banned(h.ID()))) {
				t.Fatalf("genesis mismatch: %v, banned %v/%v", err, h.Banned(node.ID()), node.Banned(h.ID()))
			}
		})
	}
}
