package p2p_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/libp2p/go-libp2p/core/peer"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
)

var genesis = header.Hash{0xb0, 0xa8, 0xd4, 0x93}

// chain is a small test chain: blocks 1..n after genesis, with bodies and
// justifications on every 4th block.
type chain struct {
	blocks []p2ptest.Block
	src    *p2ptest.MemSource
	warp   *wire.WarpResponse
	proof  [][]byte
}

func newChain(n int) *chain {
	c := &chain{}
	parent := genesis
	for i := 1; i <= n; i++ {
		h := &header.Header{ParentHash: parent, Number: uint32(i), StateRoot: header.Hash{byte(i), 1}, ExtrinsicsRoot: header.Hash{byte(i), 2},
			Digest: []header.DigestItem{{Kind: header.DigestOther, Data: []byte{byte(i)}}}}
		b := p2ptest.Block{Header: h, Body: [][]byte{scale.AppendBytes(nil, []byte{byte(i), 4, 5})}}
		if i%4 == 0 {
			j := &grandpa.Justification{Round: uint64(i), Commit: grandpa.Commit{TargetHash: h.Hash(), TargetNumber: uint32(i),
				Precommits: []grandpa.SignedPrecommit{{Precommit: grandpa.Precommit{TargetHash: h.Hash(), TargetNumber: uint32(i)}}}}}
			b.Justification = j.Encode()
		}
		c.blocks = append(c.blocks, b)
		parent = h.Hash()
	}
	c.src = p2ptest.NewMemSource(c.blocks)
	c.warp = &wire.WarpResponse{IsFinished: true}
	for _, b := range c.blocks {
		if b.Justification != nil {
			c.warp.Fragments = append(c.warp.Fragments, wire.WarpFragment{Header: b.Header.Encode(), Justification: b.Justification})
		}
	}
	c.src.SetWarp(genesis, c.warp)
	c.proof = [][]byte{{0x80, 1, 2}, {0x42, 9, 9, 9}}
	c.src.SetProof(c.blocks[n-1].Header.Hash(), c.proof)
	c.src.SetCallProof(c.blocks[n-1].Header.Hash(), [][]byte{{7, 7}})
	return c
}

// waitLimit bounds the waits of these tests. It is a safety net, not a
// speed requirement: on a loaded machine (the suite next to other builds on
// two cores) what takes milliseconds alone can take seconds.
const waitLimit = time.Minute

// clientConfig is the light client's configuration. Its timeouts are
// generous: a test that wants one to fire (a stalling peer) sets its own,
// and no honest exchange times out on a loaded machine.
func clientConfig() p2p.Config {
	return p2p.Config{
		Genesis: genesis, ProtocolID: "ksmcc3", AllowAddr: p2ptest.Loopback, Resolver: p2ptest.NoDNS(),
		RequestTimeout: 30 * time.Second, DialTimeout: 30 * time.Second, HandshakeTimeout: 30 * time.Second,
	}
}

// net is one test network: a full node and a light client.
type testNet struct {
	node   *p2ptest.Node
	client *p2p.Host
	chain  *chain
	mn     mocknet.Mocknet
}

func (n *testNet) nodeInfo() peer.AddrInfo { return n.node.AddrInfo() }

// newNet builds a node and a client over "mock", "tcp" or "ws".
func newNet(t testing.TB, transport string, tweak func(*p2p.Config)) *testNet {
	t.Helper()
	c := newChain(20)
	tn := &testNet{chain: c}
	ccfg := clientConfig()
	if tweak != nil {
		tweak(&ccfg)
	}
	ncfg := p2ptest.FullConfig(genesis, c.src)
	var err error
	switch transport {
	case "mock":
		tn.mn = mocknet.New()
		t.Cleanup(func() { tn.mn.Close() })
		if tn.node, err = p2ptest.NewMock(tn.mn, ncfg, c.src); err != nil {
			t.Fatal(err)
		}
		lh, err := tn.mn.GenPeer()
		if err != nil {
			t.Fatal(err)
		}
		ccfg.AllowAddr = nil // mocknet addresses are not IP loopback
		if tn.client, err = p2p.Wrap(lh, ccfg); err != nil {
			t.Fatal(err)
		}
		if err := tn.mn.LinkAll(); err != nil {
			t.Fatal(err)
		}
	default:
		if tn.node, err = p2ptest.NewLoopback(transport, ncfg, c.src); err != nil {
			t.Fatal(err)
		}
		if tn.client, err = p2p.New(ccfg); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { tn.client.Close(); tn.node.Close() })
	return tn
}

func (tn *testNet) connect(t testing.TB) wire.Handshake {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	hs, err := tn.client.Connect(ctx, tn.nodeInfo())
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

// eventually polls f until it returns nil or waitLimit passes.
func eventually(t *testing.T, f func() error) {
	t.Helper()
	d := waitLimit
	deadline := time.Now().Add(d)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not reached in %v: %v", d, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// within runs f and returns its error, failing the test if f has not
// returned within waitLimit: a safety net for a deadline or a cancellation
// that does not work, not a speed bound.
func within(t *testing.T, what string, f func() error) error {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- f() }()
	select {
	case err := <-errc:
		return err
	case <-time.After(waitLimit):
		t.Fatalf("%s has not returned within %v", what, waitLimit)
		return nil
	}
}

func waitEvent(t *testing.T, h *p2p.Host, kind p2p.PeerEventKind, p peer.ID) p2p.PeerEvent {
	t.Helper()
	timeout := time.After(waitLimit)
	for {
		select {
		case ev := <-h.Events():
			if ev.Kind == kind && ev.Peer == p {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %v event for %s", kind, p)
		}
	}
}

var errNotYet = errors.New("not yet")

func notYet(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errNotYet}, args...)...)
}

// settle waits for the node's regular outbound substream of kind k to the
// client: a second inbound substream of the same kind replaces (resets) the
// previous one, so a test's raw substream must come after it.
func (tn *testNet) settle(t *testing.T, k wire.Kind) {
	t.Helper()
	eventually(t, func() error {
		for _, pi := range tn.node.Peers() {
			if pi.ID == tn.client.ID() && slices.Contains(pi.Open, k) {
				return nil
			}
		}
		return notYet("node has no %v substream", k)
	})
}

// nodeHandshake is the node's handshake for a notification substream of kind k.
func (tn *testNet) nodeHandshake(k wire.Kind) []byte {
	if k == wire.KindBlockAnnounces {
		return tn.node.OwnHandshake(genesis)
	}
	return []byte{byte(wire.RoleFull)}
}
