package lightclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// P2PSource adapts the libp2p host: every full peer with a completed
// block-announces handshake serves warp proofs (/sync/warp) and storage
// proofs (/light/2 remote reads); handshakes and announcements give the
// sync target.
type P2PSource struct {
	// Discover, when positive, is how many more peers to look for with a
	// Kademlia walk after the bootnodes answered (set before Start).
	Discover int

	h         *p2p.Host
	bootnodes []string
	ev        chan SourceEvent

	hostRun

	// neighbor is the GRANDPA neighbor packet announcing our state (nil
	// until SetGrandpaState); neighborCh wakes the sender.
	nmu        sync.Mutex
	neighbor   *wire.Neighbor
	neighborCh chan struct{}
}

// NewP2PSource wraps a host; Start dials bootnodes (which may be empty when
// the caller connected peers itself). Close closes the host.
func NewP2PSource(h *p2p.Host, bootnodes []string) *P2PSource {
	return &P2PSource{h: h, bootnodes: bootnodes, ev: make(chan SourceEvent, 256), neighborCh: make(chan struct{}, 1)}
}

// Host returns the wrapped host.
func (s *P2PSource) Host() *p2p.Host { return s.h }

var p2pCaps = chainsync.PeerCaps{Kinds: chainsync.CanWarp | chainsync.CanStorage | chainsync.CanHeaders | chainsync.CanBody | chainsync.CanCallProof}

// Start dials the bootnodes (error wrapping ErrUnreachable and
// p2p.ErrNoBootnode when none answers), reports the connected peers and
// forwards peer events and announcements.
func (s *P2PSource) Start(ctx context.Context) error {
	if len(s.bootnodes) > 0 {
		if _, err := s.h.ConnectBootnodes(ctx, s.bootnodes); err != nil {
			return fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
	}
	peers := s.h.Peers()
	if len(peers) == 0 {
		return fmt.Errorf("%w: %w", ErrUnreachable, p2p.ErrNoBootnode)
	}
	for _, p := range peers {
		if p.Handshake != nil && p.Handshake.Roles.IsFull() {
			s.ev <- SourceEvent{Peer: chainsync.PeerID(p.ID.String()), Caps: p2pCaps, Best: p.Handshake.BestNumber}
		}
	}
	fctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(2)
	go s.forward(fctx)
	go s.neighbors(fctx)
	if s.Discover > 0 {
		s.wg.Add(1)
		go s.discover(fctx)
	}
	return nil
}

// discover walks the DHT once and dials up to Discover new peers; those that
// complete the block-announces handshake arrive as PeerConnected events.
func (s *P2PSource) discover(ctx context.Context) {
	defer s.wg.Done()
	discoverPeers(ctx, s.h, s.Discover)
}

// discoverPeers walks h's DHT once and dials up to max peers it is not
// connected to and has not banned.
func discoverPeers(ctx context.Context, h *p2p.Host, max int) {
	found, err := h.Discover(ctx, 8)
	if err != nil && len(found) == 0 {
		return
	}
	known := map[peer.ID]bool{h.ID(): true}
	for _, p := range h.Peers() {
		known[p.ID] = true
	}
	dialed := 0
	for _, ai := range found {
		if dialed >= max || ctx.Err() != nil {
			return
		}
		if known[ai.ID] || h.Banned(ai.ID) {
			continue
		}
		known[ai.ID] = true
		dialed++
		_, _ = h.Connect(ctx, ai)
	}
}

func (s *P2PSource) forward(ctx context.Context) {
	defer s.wg.Done()
	forwardEvents(ctx, s.h, s.ev, forwardPolicy{
		connected: func(pe p2p.PeerEvent) (SourceEvent, bool) {
			s.wakeNeighbors()
			return SourceEvent{Peer: chainsync.PeerID(pe.Peer.String()), Caps: p2pCaps, Best: pe.Handshake.BestNumber}, pe.Handshake.Roles.IsFull()
		},
		gone: func(p peer.ID) SourceEvent { return SourceEvent{Peer: chainsync.PeerID(p.String()), Gone: true} },
		gossip: func(g p2p.GossipEvent) (SourceEvent, bool) {
			if g.Message != nil && g.Message.Kind == wire.GossipCommit && g.Message.Commit != nil {
				return SourceEvent{Peer: chainsync.PeerID(g.Peer.String()), Commit: g.Message.Commit}, true
			}
			return SourceEvent{}, false
		},
		announce: func(a p2p.AnnounceEvent) (SourceEvent, bool) {
			if a.Announce != nil && a.Announce.Header != nil {
				return SourceEvent{Peer: chainsync.PeerID(a.Peer.String()), Caps: p2pCaps, Best: a.Announce.Header.Number}, true
			}
			return SourceEvent{}, false
		},
	})
}

// forwardPolicy says which host events a source turns into source events
// and how. A nil gossip or announce func drains that channel unread;
// drainTransactions reads the host's transactions channel and drops them.
type forwardPolicy struct {
	// connected maps a new peer; false skips it (a peer that is not full).
	connected func(p2p.PeerEvent) (SourceEvent, bool)
	// gone maps a disconnected or banned peer.
	gone              func(peer.ID) SourceEvent
	gossip            func(p2p.GossipEvent) (SourceEvent, bool)
	announce          func(p2p.AnnounceEvent) (SourceEvent, bool)
	drainTransactions bool
}

// forwardEvents turns h's peer events into source events on ev, as policy
// says, until ctx ends.
func forwardEvents(ctx context.Context, h *p2p.Host, ev chan<- SourceEvent, policy forwardPolicy) {
	send := func(e SourceEvent, ok bool) bool {
		if !ok {
			return true
		}
		select {
		case ev <- e:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var txs <-chan p2p.TransactionsEvent // nil: never ready
	if policy.drainTransactions {
		txs = h.Transactions()
	}
	for {
		var cont bool
		select {
		case <-ctx.Done():
			return
		case pe := <-h.Events():
			switch pe.Kind {
			case p2p.PeerConnected:
				cont = send(policy.connected(pe))
			case p2p.PeerDisconnected, p2p.PeerBanned:
				cont = send(policy.gone(pe.Peer), true)
			default:
				cont = true
			}
		case g := <-h.Gossip():
			cont = policy.gossip == nil || send(policy.gossip(g))
		case a := <-h.Announces():
			cont = policy.announce == nil || send(policy.announce(a))
		case <-txs:
			cont = true
		}
		if !cont {
			return
		}
	}
}

// hostRun is the lifetime of a p2p source's goroutines: Start sets cancel
// and adds them to wg; stop ends them and closes the host, once.
type hostRun struct {
	once   sync.Once
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// stop cancels the goroutines, waits for them and closes h; later calls
// do nothing and return nil.
func (r *hostRun) stop(h *p2p.Host) error {
	var err error
	r.once.Do(func() {
		if r.cancel != nil {
			r.cancel()
		}
		r.wg.Wait()
		err = h.Close()
	})
	return err
}

// Events delivers peer changes.
func (s *P2PSource) Events() <-chan SourceEvent { return s.ev }

// Do performs a warp or storage request.
func (s *P2PSource) Do(ctx context.Context, r chainsync.Request) ([]byte, error) {
	p, err := peer.Decode(string(r.Peer))
	if err != nil {
		return nil, fmt.Errorf("p2p source: peer %q: %w", r.Peer, err)
	}
	switch r.Kind {
	case chainsync.KindWarp:
		return s.h.Request(ctx, p, wire.KindWarp, wire.EncodeWarpRequest(r.Block))
	case chainsync.KindStorage:
		nodes, err := s.h.RemoteRead(ctx, p, r.Block, r.Keys)
		if err != nil {
			return nil, err
		}
		return trie.EncodeProofSCALE(nodes), nil
	case chainsync.KindHeaders:
		return s.headers(ctx, p, r)
	case chainsync.KindBody:
		return s.body(ctx, p, r)
	case chainsync.KindCallProof:
		nodes, err := s.h.RemoteCall(ctx, p, r.Block, r.Method, r.Data)
		if err != nil {
			return nil, err
		}
		return trie.EncodeProofSCALE(nodes), nil
	}
	return nil, fmt.Errorf("p2p source: %s requests not supported", r.Kind)
}

// Ban bans the peer on the host.
func (s *P2PSource) Ban(p chainsync.PeerID, reason error) {
	if id, err := peer.Decode(string(p)); err == nil {
		s.h.Ban(id, reason.Error())
	}
}

// Close stops forwarding and closes the host.
func (s *P2PSource) Close() error {
	return s.stop(s.h)
}

// headers performs a KindHeaders request: a /sync/2 HEADER request for
// r.Count blocks descending from r.Block. The answer is re-encoded as the
// machine's payload (SCALE Vec<Header>), unverified: the machine checks the
// hash chain. A block without a header, or a header that does not decode,
// is a protocol violation (ErrInvalidResponse: the host bans the peer).
func (s *P2PSource) headers(ctx context.Context, p peer.ID, r chainsync.Request) ([]byte, error) {
	resp, err := s.h.RequestBlocks(ctx, p, &wire.BlockRequest{Fields: wire.FieldHeader, HasHash: true, FromHash: r.Block,
		Direction: wire.Descending, MaxBlocks: r.Count})
	if err != nil {
		return nil, err
	}
	hs := make([]*header.Header, 0, len(resp.Blocks))
	for i, b := range resp.Blocks {
		if b.Header == nil {
			return nil, fmt.Errorf("%w: /sync/2 block %d without the header asked for", p2p.ErrInvalidResponse, i)
		}
		h, err := header.Decode(b.Header)
		if err != nil {
			err = fmt.Errorf("%w: /sync/2 block %d: %w", p2p.ErrInvalidResponse, i, err)
			s.h.Ban(p, err.Error())
			return nil, err
		}
		hs = append(hs, h)
	}
	return chainsync.EncodeHeaders(hs), nil
}

// body performs a KindBody request: a /sync/2 BODY request for block
// r.Block alone. A peer without the block answers no block: the request
// fails (another peer is asked).
func (s *P2PSource) body(ctx context.Context, p peer.ID, r chainsync.Request) ([]byte, error) {
	resp, err := s.h.RequestBlocks(ctx, p, &wire.BlockRequest{Fields: wire.FieldBody, HasHash: true, FromHash: r.Block,
		Direction: wire.Ascending, MaxBlocks: 1})
	if err != nil {
		return nil, err
	}
	if len(resp.Blocks) == 0 {
		return nil, fmt.Errorf("p2p source: peer %s has no block %s", p, r.Block)
	}
	b := resp.Blocks[0]
	if b.Hash != r.Block {
		return nil, fmt.Errorf("%w: /sync/2 body of block %s, asked for %s", p2p.ErrInvalidResponse, b.Hash, r.Block)
	}
	return chainsync.EncodeBody(b.Body), nil
}

// Submit sends ext (SCALE-encoded, with its compact length prefix) in a
// transactions notification to every full peer and returns how many it
// reached. It fails with an error wrapping ErrUnreachable when none.
func (s *P2PSource) Submit(ctx context.Context, ext []byte) (int, error) {
	sent := 0
	var errs []error
	for _, pi := range s.h.Peers() {
		if pi.Handshake == nil || !pi.Handshake.Roles.IsFull() || s.h.Banned(pi.ID) {
			continue
		}
		if err := s.h.SendTransactions(ctx, pi.ID, [][]byte{ext}); err != nil {
			errs = append(errs, err)
			continue
		}
		sent++
	}
	if sent == 0 {
		return 0, fmt.Errorf("%w: no full peer took the transaction: %w", ErrUnreachable, errors.Join(errs...))
	}
	return sent, nil
}

// SetGrandpaState announces the client's GRANDPA state to every peer in a
// neighbor packet (round 1, as smoldot: a light client takes part in no
// round), now and to peers that connect later. Full nodes only gossip
// commits of a set to peers whose neighbor packet shows that set.
func (s *P2PSource) SetGrandpaState(setID uint64, finalized uint32) {
	s.nmu.Lock()
	s.neighbor = &wire.Neighbor{Round: 1, SetID: setID, CommitFinalizedHeight: finalized}
	s.nmu.Unlock()
	s.wakeNeighbors()
}

func (s *P2PSource) wakeNeighbors() {
	select {
	case s.neighborCh <- struct{}{}:
	default:
	}
}

// neighborInterval is the least time between two neighbor broadcasts:
// changes in between are coalesced (a peer's notification rate limit must
// not see a flood when many blocks are finalized at once).
const neighborInterval = 250 * time.Millisecond

// neighbors sends the current neighbor packet to every full peer whenever
// it changes or a peer connects.
func (s *P2PSource) neighbors(ctx context.Context) {
	defer s.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.neighborCh:
		}
		s.nmu.Lock()
		n := s.neighbor
		s.nmu.Unlock()
		if n == nil {
			continue
		}
		msg := &wire.Gossip{Kind: wire.GossipNeighbor, Neighbor: n}
		for _, pi := range s.h.Peers() {
			if pi.Handshake == nil || !pi.Handshake.Roles.IsFull() || s.h.Banned(pi.ID) {
				continue
			}
			sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			_ = s.h.SendGossip(sctx, pi.ID, msg)
			cancel()
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(neighborInterval):
		}
	}
}
