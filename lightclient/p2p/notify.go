package p2p

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// Notification size limits (Substrate's per-protocol maxima).
const (
	MaxHandshakeSize         = 1024
	MaxAnnounceSize          = 1 << 20
	MaxGrandpaMessageSize    = 1 << 20
	MaxTransactionsSize      = 16 << 20
	maxNotificationWriteWait = 10 * time.Second
)

func maxNotification(k wire.Kind) int {
	switch k {
	case wire.KindBlockAnnounces:
		return MaxAnnounceSize
	case wire.KindTransactions:
		return MaxTransactionsSize
	}
	return MaxGrandpaMessageSize
}

// outSub is an outbound notification substream: we write, the remote only
// sent its handshake.
type outSub struct {
	mu sync.Mutex
	s  network.Stream
}

func (h *Host) ourHandshake(k wire.Kind) []byte {
	if k == wire.KindBlockAnnounces {
		n, best := h.cfg.Best()
		return wire.Handshake{Roles: h.cfg.Roles, BestNumber: n, BestHash: best, GenesisHash: h.cfg.Genesis}.Encode()
	}
	return []byte{byte(h.cfg.Roles)}
}

// ErrHandshake means a notification substream handshake failed.
var ErrHandshake = errors.New("p2p: notification handshake failed")

// checkHandshake validates a peer's handshake for protocol k and records a
// block-announces one. A bad block-announces handshake (or a genesis
// mismatch) bans the peer.
func (h *Host) checkHandshake(p peer.ID, k wire.Kind, b []byte) error {
	if k != wire.KindBlockAnnounces {
		if _, err := wire.DecodeRoles(b); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrHandshake, k, err)
		}
		return nil
	}
	hs, err := wire.DecodeHandshake(b)
	if err != nil {
		h.Ban(p, "malformed block-announces handshake")
		return fmt.Errorf("%w: %w", ErrHandshake, err)
	}
	if hs.GenesisHash != h.cfg.Genesis {
		h.Ban(p, "genesis mismatch")
		return fmt.Errorf("%w: peer is on genesis %s, want %s", ErrHandshake, hs.GenesisHash, h.cfg.Genesis)
	}
	h.mu.Lock()
	ps := h.peerLocked(p)
	ps.handshake = &hs
	first := !ps.announced
	ps.announced = true
	h.mu.Unlock()
	if first {
		h.emit(PeerEvent{Kind: PeerConnected, Peer: p, Handshake: hs})
	}
	return nil
}

// openOut returns the outbound substream of kind k to p, opening it (with
// the handshake exchange) if needed.
func (h *Host) openOut(ctx context.Context, p peer.ID, k wire.Kind) (*outSub, error) {
	for {
		if h.Banned(p) {
			return nil, ErrBanned
		}
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			return nil, ErrClosed
		}
		ps := h.peerLocked(p)
		if o := ps.out[k]; o != nil {
			h.mu.Unlock()
			return o, nil
		}
		wait, busy := ps.opening[k]
		if !busy {
			done := make(chan struct{})
			ps.opening[k] = done
			h.mu.Unlock()
			o, err := h.doOpenOut(ctx, p, k)
			h.mu.Lock()
			ps = h.peerLocked(p)
			delete(ps.opening, k)
			if err == nil {
				ps.out[k] = o
			}
			h.mu.Unlock()
			close(done)
			if err == nil {
				h.goTracked(func() { h.watchOut(p, k, o) })
			}
			return o, err
		}
		h.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctxErr(ctx.Err())
		}
	}
}

func (h *Host) doOpenOut(ctx context.Context, p peer.ID, k wire.Kind) (*outSub, error) {
	main, legacy := h.names.Pair(k)
	ctx, cancel := context.WithTimeout(ctx, h.cfg.HandshakeTimeout)
	defer cancel()
	s, err := h.h.NewStream(ctx, p, protocol.ID(main), protocol.ID(legacy))
	if err != nil {
		return nil, fmt.Errorf("open %s substream to %s: %w", k, p, ctxOr(ctx, err))
	}
	stop := context.AfterFunc(ctx, func() { s.Reset() })
	defer stop()
	dl, _ := ctx.Deadline()
	_ = s.SetDeadline(dl)
	if err := wire.WriteFrame(s, h.ourHandshake(k)); err != nil {
		s.Reset()
		return nil, fmt.Errorf("%w: %s: send handshake to %s: %w", ErrHandshake, k, p, ctxOr(ctx, err))
	}
	b, err := wire.ReadFrame(s, MaxHandshakeSize)
	if err != nil {
		s.Reset()
		h.banBadFrame(p, "handshake", err)
		return nil, fmt.Errorf("%w: %s: read handshake from %s: %w", ErrHandshake, k, p, ctxOr(ctx, err))
	}
	if err := h.checkHandshake(p, k, b); err != nil {
		s.Reset()
		return nil, err
	}
	_ = s.SetDeadline(time.Time{})
	return &outSub{s: s}, nil
}

// watchOut waits for the remote to close an outbound substream (it may send
// nothing after its handshake) and forgets it.
func (h *Host) watchOut(p peer.ID, k wire.Kind, o *outSub) {
	var buf [1]byte
	n, _ := o.s.Read(buf[:])
	if n > 0 {
		h.Ban(p, fmt.Sprintf("data on outbound %s substream", k))
	}
	o.s.Reset()
	h.mu.Lock()
	if ps := h.peers[p]; ps != nil && ps.out[k] == o {
		delete(ps.out, k)
	}
	h.mu.Unlock()
}

// handleNotificationStream serves an inbound notification substream.
func (h *Host) handleNotificationStream(k wire.Kind, s network.Stream, p peer.ID) {
	_ = s.SetDeadline(time.Now().Add(h.cfg.HandshakeTimeout))
	b, err := wire.ReadFrame(s, MaxHandshakeSize)
	if err != nil {
		h.banBadFrame(p, "handshake", err)
		s.Reset()
		return
	}
	if err := h.checkHandshake(p, k, b); err != nil {
		h.log.Debug("inbound handshake", "peer", p, "kind", k, "err", err)
		s.Reset()
		return
	}
	// A newer inbound substream of the same protocol replaces the older one.
	h.mu.Lock()
	ps := h.peerLocked(p)
	if old := ps.inbound[k]; old != nil {
		old.Reset()
	}
	ps.inbound[k] = s
	needOut := ps.out[k] == nil && ps.opening[k] == nil
	h.mu.Unlock()
	defer func() {
		s.Reset()
		h.mu.Lock()
		if ps := h.peers[p]; ps != nil && ps.inbound[k] == s {
			delete(ps.inbound, k)
		}
		h.mu.Unlock()
	}()
	if err := wire.WriteFrame(s, h.ourHandshake(k)); err != nil {
		return
	}
	_ = s.SetDeadline(time.Time{})
	if needOut {
		h.goTracked(func() {
			// Never redial for a reciprocal substream: if the peer is gone, so be it.
			if _, err := h.openOut(network.WithNoDial(h.ctx, "reciprocal substream"), p, k); err != nil {
				h.log.Debug("open outbound after inbound", "peer", p, "kind", k, "err", err)
			}
		})
	}
	// A light client relays no transactions: their gossip is skipped unread.
	discard := k == wire.KindTransactions && !h.cfg.Roles.IsFull()
	for {
		// Each message must arrive within the idle timeout of the previous one.
		_ = s.SetReadDeadline(time.Now().Add(h.cfg.NotificationIdleTimeout))
		var msg []byte
		var err error
		if discard {
			_, err = wire.DiscardFrame(s, maxNotification(k))
		} else {
			msg, err = wire.ReadFrame(s, maxNotification(k))
		}
		if err != nil {
			h.banBadFrame(p, k.String()+" notification", err)
			return
		}
		if !h.allow(p, k) {
			h.Ban(p, fmt.Sprintf("flooding %s notifications", k))
			return
		}
		if discard {
			h.stats.DiscardedTransactions.Add(1)
			continue
		}
		if err := h.deliver(p, k, msg); err != nil {
			h.Ban(p, err.Error())
			return
		}
	}
}

func (h *Host) deliver(p peer.ID, k wire.Kind, msg []byte) error {
	switch k {
	case wire.KindBlockAnnounces:
		a, err := wire.DecodeAnnounce(msg)
		if err != nil {
			return err
		}
		select {
		case h.announces <- AnnounceEvent{Peer: p, Announce: a}:
		default:
			h.stats.DroppedAnnounces.Add(1)
		}
	case wire.KindGrandpa:
		g, err := wire.DecodeGossip(msg)
		if err != nil {
			return err
		}
		select {
		case h.gossip <- GossipEvent{Peer: p, Message: g}:
		default:
			h.stats.DroppedGossip.Add(1)
		}
	case wire.KindTransactions:
		xts, err := wire.DecodeTransactions(msg, h.cfg.MaxTransactionsPerNotify)
		if err != nil {
			return err
		}
		select {
		case h.txs <- TransactionsEvent{Peer: p, Transactions: xts}:
		default:
			h.stats.DroppedTransactions.Add(1)
		}
	}
	return nil
}

// SendNotification writes one raw notification of kind k to p, opening the
// outbound substream if needed. The bytes are sent as given.
func (h *Host) SendNotification(ctx context.Context, p peer.ID, k wire.Kind, msg []byte) error {
	o, err := h.openOut(ctx, p, k)
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(maxNotificationWriteWait)
	}
	_ = o.s.SetWriteDeadline(dl)
	if err := wire.WriteFrame(o.s, msg); err != nil {
		o.s.Reset()
		h.mu.Lock()
		if ps := h.peers[p]; ps != nil && ps.out[k] == o {
			delete(ps.out, k)
		}
		h.mu.Unlock()
		return fmt.Errorf("send %s notification to %s: %w", k, p, ctxOr(ctx, err))
	}
	return nil
}

// SendTransactions gossips extrinsics (each with its compact length prefix) to p.
func (h *Host) SendTransactions(ctx context.Context, p peer.ID, xts [][]byte) error {
	b, err := wire.EncodeTransactions(xts)
	if err != nil {
		return err
	}
	return h.SendNotification(ctx, p, wire.KindTransactions, b)
}

// ErrNotConnected means no notification substream is open to the peer.
var ErrNotConnected = errors.New("p2p: no open substream to peer")

// SendGossip sends a GRANDPA message to p.
func (h *Host) SendGossip(ctx context.Context, p peer.ID, g *wire.Gossip) error {
	if h.cfg.NoGrandpa {
		return fmt.Errorf("%w: this network runs no GRANDPA (Config.NoGrandpa)", ErrNotConnected)
	}
	b := g.Encode()
	if b == nil {
		return fmt.Errorf("%w: empty grandpa message", wire.ErrMalformed)
	}
	return h.SendNotification(ctx, p, wire.KindGrandpa, b)
}

// Announce sends a block announcement to every peer with a completed
// block-announces handshake and returns how many it reached.
func (h *Host) Announce(ctx context.Context, a *wire.Announce) int {
	msg := a.Encode()
	sent := 0
	for _, pi := range h.Peers() {
		if err := h.SendNotification(ctx, pi.ID, wire.KindBlockAnnounces, msg); err == nil {
			sent++
		}
	}
	return sent
}
