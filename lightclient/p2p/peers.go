package p2p

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Reputation changes.
const (
	repSuccess      = 1
	repTimeout      = -10
	repFailure      = -20
	repBanThreshold = -100
	repMax          = 100
)

// PeerEventKind says what happened to a peer.
type PeerEventKind uint8

// Peer event kinds.
const (
	// PeerConnected: the block-announces handshake completed; Handshake is set.
	PeerConnected PeerEventKind = iota + 1
	// PeerDisconnected: the last connection to the peer closed.
	PeerDisconnected
	// PeerBanned: the peer was banned; Reason says why.
	PeerBanned
)

func (k PeerEventKind) String() string {
	switch k {
	case PeerConnected:
		return "connected"
	case PeerDisconnected:
		return "disconnected"
	case PeerBanned:
		return "banned"
	}
	return "unknown"
}

// PeerEvent reports a peer's connection state.
type PeerEvent struct {
	Kind      PeerEventKind
	Peer      peer.ID
	Handshake wire.Handshake
	Reason    string
}

// AnnounceEvent is a block announcement from a peer.
type AnnounceEvent struct {
	Peer     peer.ID
	Announce *wire.Announce
}

// GossipEvent is a GRANDPA notification from a peer.
type GossipEvent struct {
	Peer    peer.ID
	Message *wire.Gossip
}

// Commit returns the message's commit, or nil.
func (e GossipEvent) Commit() *grandpa.CompactCommit { return e.Message.Commit }

// TransactionsEvent is a transactions notification from a peer; each
// extrinsic includes its compact length prefix.
type TransactionsEvent struct {
	Peer         peer.ID
	Transactions [][]byte
}

// Stats counts dropped and refused traffic.
type Stats struct {
	DroppedEvents, DroppedAnnounces, DroppedGossip, DroppedTransactions atomic.Int64
	DiscardedTransactions                                               atomic.Int64
	Bans                                                                atomic.Int64
}

// Stats returns the host's counters.
func (h *Host) Stats() *Stats { return &h.stats }

// PeerInfo is a snapshot of a peer's state.
type PeerInfo struct {
	ID         peer.ID
	Handshake  *wire.Handshake
	Reputation int
	// Open lists the notification protocols with an open outbound substream.
	Open []wire.Kind
}

type banEntry struct {
	until  time.Time
	reason string
}

type peerState struct {
	handshake *wire.Handshake
	announced bool // PeerConnected sent
	rep       int
	out       map[wire.Kind]*outSub
	opening   map[wire.Kind]chan struct{}
	inbound   map[wire.Kind]network.Stream
	buckets   map[wire.Kind]*bucket
	inflight  int
}

// peer returns (creating) the state of p. Callers hold h.mu.
func (h *Host) peerLocked(p peer.ID) *peerState {
	ps := h.peers[p]
	if ps == nil {
		ps = &peerState{
			out:     make(map[wire.Kind]*outSub),
			opening: make(map[wire.Kind]chan struct{}),
			inbound: make(map[wire.Kind]network.Stream),
			buckets: make(map[wire.Kind]*bucket),
		}
		h.peers[p] = ps
	}
	return ps
}

// Peers returns the peers with a completed block-announces handshake.
func (h *Host) Peers() []PeerInfo {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []PeerInfo
	for id, ps := range h.peers {
		if ps.handshake == nil {
			continue
		}
		hs := *ps.handshake
		pi := PeerInfo{ID: id, Handshake: &hs, Reputation: ps.rep}
		for k := range ps.out {
			pi.Open = append(pi.Open, k)
		}
		out = append(out, pi)
	}
	return out
}

// Handshake returns the peer's block-announces handshake, if completed.
func (h *Host) Handshake(p peer.ID) (wire.Handshake, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ps := h.peers[p]; ps != nil && ps.handshake != nil {
		return *ps.handshake, true
	}
	return wire.Handshake{}, false
}

// Reputation returns the peer's score (0 for unknown peers).
func (h *Host) Reputation(p peer.ID) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ps := h.peers[p]; ps != nil {
		return ps.rep
	}
	return 0
}

// ErrBanned means the peer is banned.
var ErrBanned = errors.New("p2p: peer is banned")

// Banned reports whether p is banned now.
func (h *Host) Banned(p peer.ID) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	b, ok := h.bans[p]
	if ok && time.Now().After(b.until) {
		delete(h.bans, p)
		return false
	}
	return ok
}

// banBadFrame bans p when err is an oversized or malformed frame (what
// names the frame in the ban reason).
func (h *Host) banBadFrame(p peer.ID, what string, err error) {
	if errors.Is(err, wire.ErrTooLarge) || errors.Is(err, wire.ErrVarint) {
		h.Ban(p, fmt.Sprintf("%s: %v", what, err))
	}
}

// BanReason returns why p is banned.
func (h *Host) BanReason(p peer.ID) (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	b, ok := h.bans[p]
	return b.reason, ok && time.Now().Before(b.until)
}

// Ban bans p for Config.BanDuration: its connections are closed, and it can
// neither reconnect nor be dialed until the ban expires.
func (h *Host) Ban(p peer.ID, reason string) {
	if p == h.h.ID() {
		return
	}
	h.mu.Lock()
	_, already := h.bans[p]
	h.bans[p] = banEntry{until: time.Now().Add(h.cfg.BanDuration), reason: reason}
	h.mu.Unlock()
	if !already {
		h.stats.Bans.Add(1)
		h.log.Debug("ban peer", "peer", p, "reason", reason)
		h.emit(PeerEvent{Kind: PeerBanned, Peer: p, Reason: reason})
	}
	_ = h.h.Network().ClosePeer(p)
}

// Unban lifts a ban.
func (h *Host) Unban(p peer.ID) {
	h.mu.Lock()
	delete(h.bans, p)
	h.mu.Unlock()
}

// adjust changes p's reputation and bans it below the threshold.
func (h *Host) adjust(p peer.ID, delta int, why string) {
	h.mu.Lock()
	ps := h.peerLocked(p)
	ps.rep = min(ps.rep+delta, repMax)
	ban := ps.rep <= repBanThreshold
	h.mu.Unlock()
	if ban {
		h.Ban(p, "reputation too low after "+why)
	}
}

func (h *Host) emit(ev PeerEvent) {
	select {
	case h.events <- ev:
	default:
		h.stats.DroppedEvents.Add(1)
	}
}

func (h *Host) onConnected(n network.Network, c network.Conn) {
	p := c.RemotePeer()
	if h.Banned(p) {
		h.goTracked(func() { _ = c.Close() })
		return
	}
	// MaxPeers is a hard cap in both directions (the gater already refuses
	// most inbound excess before the upgrade; this catches the rest). Peers
	// are admitted in the order their connections are announced, so of two
	// connections racing for the last slot exactly one is closed: the later.
	h.mu.Lock()
	_, known := h.admitted[p]
	full := !known && len(h.admitted) >= h.cfg.MaxPeers
	if !known && !full {
		h.admitted[p] = struct{}{}
	}
	h.mu.Unlock()
	if full {
		h.log.Debug("too many peers, closing connection", "peer", p)
		h.goTracked(func() { _ = c.Close() })
	}
}

func (h *Host) onDisconnected(n network.Network, c network.Conn) {
	p := c.RemotePeer()
	if n.Connectedness(p) == network.Connected {
		return
	}
	h.mu.Lock()
	delete(h.admitted, p)
	ps := h.peers[p]
	var ev *PeerEvent
	if ps != nil {
		if ps.announced {
			ev = &PeerEvent{Kind: PeerDisconnected, Peer: p, Handshake: *ps.handshake}
		}
		for _, o := range ps.out {
			o.s.Reset()
		}
		for _, s := range ps.inbound {
			s.Reset()
		}
		// Keep the reputation of a peer that may come back; forget the rest.
		delete(h.peers, p)
		if ps.rep != 0 {
			h.peerLocked(p).rep = ps.rep
		}
	}
	h.mu.Unlock()
	if ev != nil {
		h.emit(*ev)
	}
}

// bucket is a token bucket.
type bucket struct {
	tokens float64
	last   time.Time
}

// allow takes one token from p's bucket for kind k.
func (h *Host) allow(p peer.ID, k wire.Kind) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	ps := h.peerLocked(p)
	b := ps.buckets[k]
	now := time.Now()
	if b == nil {
		b = &bucket{tokens: float64(h.cfg.NotificationBurst), last: now}
		ps.buckets[k] = b
	}
	b.tokens = min(float64(h.cfg.NotificationBurst), b.tokens+now.Sub(b.last).Seconds()*h.cfg.NotificationRate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
