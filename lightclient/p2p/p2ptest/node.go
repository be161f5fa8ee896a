// Package p2ptest provides an in-process Substrate full node for testing
// lightclient/p2p and its users: it serves /sync/2 blocks, /sync/warp proofs
// and /light/2 proofs from a Source, answers Kademlia FIND_NODE, exchanges
// notification handshakes, and can misbehave on demand (stall, disconnect
// mid-response, oversized or garbage responses, announcement floods).
//
// Nodes run over go-libp2p's in-memory mocknet or over real loopback TCP or
// WebSocket on 127.0.0.1; nothing else is ever contacted.
package p2ptest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
)

// Mode is how a Node answers requests.
type Mode int32

// Modes.
const (
	// Honest answers from the Source.
	Honest Mode = iota
	// Stall reads the request and never answers (until StallFor elapses).
	Stall
	// Refuse resets the stream without answering.
	Refuse
	// Truncate sends the length prefix and half of the honest response, then
	// closes the connection.
	Truncate
	// Oversize announces a response one byte over the protocol limit.
	Oversize
	// Garbage answers with random bytes in a well-formed frame.
	Garbage
)

// StallFor bounds how long a stalling handler holds its stream.
var StallFor = 30 * time.Second

// Node is a test full node.
type Node struct {
	*p2p.Host
	src  Source
	mode atomic.Int32
	// Requests counts the requests received.
	Requests atomic.Int64
	done     chan struct{}
}

// Loopback reports whether a is an address on 127.0.0.1 (or ::1) or an
// in-memory address; tests pass it as Config.AllowAddr.
func Loopback(a ma.Multiaddr) bool {
	ip, err := manet.ToIP(a)
	if err != nil {
		return false
	}
	return ip.IsLoopback()
}

// NoDNS is a resolver that sends DNS queries to 127.0.0.1:53 only, where
// nothing answers: name resolution fails fast and nothing leaves the machine.
func NoDNS() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, "127.0.0.1:53")
	}}
}

// FullConfig returns a config for a full node of genesis serving src.
func FullConfig(genesis header.Hash, src Source) p2p.Config {
	return p2p.Config{Genesis: genesis, Roles: wire.RoleFull, Best: src.Best, ProtocolID: "ksmcc3", AllowAddr: Loopback, Resolver: NoDNS()}
}

// NewMock starts a node on mocknet mn.
func NewMock(mn mocknet.Mocknet, cfg p2p.Config, src Source) (*Node, error) {
	lh, err := mn.GenPeer()
	if err != nil {
		return nil, err
	}
	h, err := p2p.Wrap(lh, cfg)
	if err != nil {
		return nil, err
	}
	return newNode(h, src), nil
}

// NewLoopback starts a node listening on 127.0.0.1 with transport "tcp" or "ws".
func NewLoopback(transport string, cfg p2p.Config, src Source) (*Node, error) {
	addr := "/ip4/127.0.0.1/tcp/0"
	switch transport {
	case "tcp":
	case "ws":
		addr += "/ws"
	default:
		return nil, fmt.Errorf("p2ptest: unknown transport %q", transport)
	}
	cfg.ListenAddrs = []string{addr}
	h, err := p2p.New(cfg)
	if err != nil {
		return nil, err
	}
	return newNode(h, src), nil
}

func newNode(h *p2p.Host, src Source) *Node {
	n := &Node{Host: h, src: src, done: make(chan struct{})}
	for _, k := range []wire.Kind{wire.KindSync, wire.KindWarp, wire.KindLight} {
		main, legacy := h.Names().Pair(k)
		for _, name := range []string{main, legacy} {
			h.LibP2P().SetStreamHandler(protocol.ID(name), func(s network.Stream) { n.handle(k, s) })
		}
	}
	return n
}

// Close stops the node.
func (n *Node) Close() error {
	select {
	case <-n.done:
	default:
		close(n.done)
	}
	return n.Host.Close()
}

// SetMode changes how the node answers requests.
func (n *Node) SetMode(m Mode) { n.mode.Store(int32(m)) }

// Mode returns the current mode.
func (n *Node) Mode() Mode { return Mode(n.mode.Load()) }

func (n *Node) handle(k wire.Kind, s network.Stream) {
	defer s.Reset()
	p := s.Conn().RemotePeer()
	_ = s.SetDeadline(time.Now().Add(StallFor + 5*time.Second))
	maxReq, maxResp := k.RequestLimits()
	req, err := wire.ReadFrame(s, maxReq)
	if err != nil {
		return
	}
	n.Requests.Add(1)
	switch n.Mode() {
	case Stall:
		select {
		case <-time.After(StallFor):
		case <-n.done:
		}
		return
	case Refuse:
		return
	case Oversize:
		b := wire.AppendUvarint(nil, uint64(maxResp)+1)
		_, _ = s.Write(append(b, make([]byte, 64)...))
		_ = s.Close()
		return
	case Garbage:
		junk := make([]byte, 200)
		_, _ = rand.Read(junk)
		junk[0] = 0xff // never a valid protobuf tag or SCALE start
		_ = wire.WriteFrame(s, junk)
		_ = s.Close()
		return
	}
	resp, err := n.answer(k, req)
	if err != nil {
		return
	}
	if n.Mode() == Truncate {
		b := wire.AppendFrame(nil, resp)
		_, _ = s.Write(b[:len(b)/2])
		_ = n.LibP2P().Network().ClosePeer(p)
		return
	}
	if err := wire.WriteFrame(s, resp); err != nil {
		return
	}
	_ = s.Close()
}

var errNoAnswer = errors.New("p2ptest: no answer")

func (n *Node) answer(k wire.Kind, req []byte) ([]byte, error) {
	switch k {
	case wire.KindSync:
		return serve(req, wire.DecodeBlockRequest, n.src.Blocks, func(blocks []wire.BlockData) []byte {
			return (&wire.BlockResponse{Blocks: blocks}).Encode()
		})
	case wire.KindWarp:
		return serve(req, wire.DecodeWarpRequest, n.src.Warp, (*wire.WarpResponse).Encode)
	case wire.KindLight:
		r, err := wire.DecodeLightRequest(req)
		if err != nil {
			return nil, err
		}
		var nodes [][]byte
		var ok bool
		if r.Kind == wire.LightCall {
			nodes, ok, err = n.src.CallProof(r.Block, r.Method, r.Data)
		} else {
			nodes, ok, err = n.src.ReadProof(r.Block, r.Keys)
		}
		if err != nil {
			return nil, err
		}
		resp := &wire.LightResponse{Kind: r.Kind, HasProof: ok}
		if ok {
			resp.Proof = wire.EncodeProof(nodes)
		}
		return resp.Encode(), nil
	}
	return nil, errNoAnswer
}

// serve decodes req with decode, answers it with handle and encodes the
// answer with encode.
func serve[R, A any](req []byte, decode func([]byte) (R, error), handle func(R) (A, error), encode func(A) []byte) ([]byte, error) {
	r, err := decode(req)
	if err != nil {
		return nil, err
	}
	a, err := handle(r)
	if err != nil {
		return nil, err
	}
	return encode(a), nil
}

// FloodAnnounces sends count copies of announcement a to p as fast as the
// substream allows and returns how many were written.
func (n *Node) FloodAnnounces(ctx context.Context, p peer.ID, a *wire.Announce, count int) (int, error) {
	msg := a.Encode()
	for i := 0; i < count; i++ {
		if err := n.SendNotification(ctx, p, wire.KindBlockAnnounces, msg); err != nil {
			return i, err
		}
	}
	return count, nil
}

// RawNotifications opens a fresh inbound notification substream of kind k
// at p with handshake hs, then writes the given raw bytes (not framed), for
// sending oversized or malformed frames.
func (n *Node) RawNotifications(ctx context.Context, p peer.ID, k wire.Kind, hs []byte, raw []byte) error {
	s, err := n.RawSubstream(ctx, p, k, hs)
	if err != nil {
		return err
	}
	defer s.Close()
	_, err = s.Write(raw)
	return err
}

// RawSubstream opens a fresh inbound notification substream of kind k at p,
// exchanges handshakes (ours is hs) and returns the open stream, for a test
// that writes to it as it likes (or not at all) and watches p close it.
func (n *Node) RawSubstream(ctx context.Context, p peer.ID, k wire.Kind, hs []byte) (network.Stream, error) {
	main, legacy := n.Names().Pair(k)
	s, err := n.LibP2P().NewStream(ctx, p, protocol.ID(main), protocol.ID(legacy))
	if err != nil {
		return nil, err
	}
	if err := wire.WriteFrame(s, hs); err != nil {
		s.Reset()
		return nil, err
	}
	if _, err := wire.ReadFrame(s, p2p.MaxHandshakeSize); err != nil {
		s.Reset()
		return nil, fmt.Errorf("read handshake: %w", err)
	}
	return s, nil
}

// OwnHandshake returns the node's block-announces handshake for genesis.
func (n *Node) OwnHandshake(genesis header.Hash) []byte {
	num, best := n.src.Best()
	return wire.Handshake{Roles: wire.RoleFull, BestNumber: num, BestHash: best, GenesisHash: genesis}.Encode()
}
