package lightclient

import (
	"context"
	"fmt"
	gosync "sync"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/lightclient/sync"
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

	once   gosync.Once
	cancel context.CancelFunc
	wg     gosync.WaitGroup
}

// NewP2PSource wraps a host; Start dials bootnodes (which may be empty when
// the caller connected peers itself). Close closes the host.
func NewP2PSource(h *p2p.Host, bootnodes []string) *P2PSource {
	return &P2PSource{h: h, bootnodes: bootnodes, ev: make(chan SourceEvent, 256)}
}

// Host returns the wrapped host.
func (s *P2PSource) Host() *p2p.Host { return s.h }

var p2pCaps = sync.PeerCaps{Kinds: sync.CanWarp | sync.CanStorage}

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
			s.ev <- SourceEvent{Peer: sync.PeerID(p.ID.String()), Caps: p2pCaps, Best: p.Handshake.BestNumber}
		}
	}
	fctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(1)
	go s.forward(fctx)
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
	found, err := s.h.Discover(ctx, 8)
	if err != nil && len(found) == 0 {
		return
	}
	known := map[peer.ID]bool{s.h.ID(): true}
	for _, p := range s.h.Peers() {
		known[p.ID] = true
	}
	dialed := 0
	for _, ai := range found {
		if dialed >= s.Discover || ctx.Err() != nil {
			return
		}
		if known[ai.ID] || s.h.Banned(ai.ID) {
			continue
		}
		known[ai.ID] = true
		dialed++
		_, _ = s.h.Connect(ctx, ai)
	}
}

func (s *P2PSource) forward(ctx context.Context) {
	defer s.wg.Done()
	send := func(e SourceEvent) bool {
		select {
		case s.ev <- e:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case pe := <-s.h.Events():
			switch pe.Kind {
			case p2p.PeerConnected:
				if pe.Handshake.Roles.IsFull() && !send(SourceEvent{Peer: sync.PeerID(pe.Peer.String()), Caps: p2pCaps, Best: pe.Handshake.BestNumber}) {
					return
				}
			case p2p.PeerDisconnected, p2p.PeerBanned:
				if !send(SourceEvent{Peer: sync.PeerID(pe.Peer.String()), Gone: true}) {
					return
				}
			}
		case a := <-s.h.Announces():
			if a.Announce != nil && a.Announce.Header != nil {
				if !send(SourceEvent{Peer: sync.PeerID(a.Peer.String()), Caps: p2pCaps, Best: a.Announce.Header.Number}) {
					return
				}
			}
		}
	}
}

// Events delivers peer changes.
func (s *P2PSource) Events() <-chan SourceEvent { return s.ev }

// Do performs a warp or storage request.
func (s *P2PSource) Do(ctx context.Context, r sync.Request) ([]byte, error) {
	p, err := peer.Decode(string(r.Peer))
	if err != nil {
		return nil, fmt.Errorf("p2p source: peer %q: %w", r.Peer, err)
	}
	switch r.Kind {
	case sync.KindWarp:
		return s.h.Request(ctx, p, wire.KindWarp, wire.EncodeWarpRequest(r.Block))
	case sync.KindStorage:
		nodes, err := s.h.RemoteRead(ctx, p, r.Block, r.Keys)
		if err != nil {
			return nil, err
		}
		return trie.EncodeProofSCALE(nodes), nil
	}
	return nil, fmt.Errorf("p2p source: %s requests not supported", r.Kind)
}

// Ban bans the peer on the host.
func (s *P2PSource) Ban(p sync.PeerID, reason error) {
	if id, err := peer.Decode(string(p)); err == nil {
		s.h.Ban(id, reason.Error())
	}
}

// Close stops forwarding and closes the host.
func (s *P2PSource) Close() error {
	var err error
	s.once.Do(func() {
		if s.cancel != nil {
			s.cancel()
		}
		s.wg.Wait()
		err = s.h.Close()
	})
	return err
}
