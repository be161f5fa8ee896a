package p2p

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	"github.com/libp2p/go-libp2p/p2p/transport/websocket"
	ma "github.com/multiformats/go-multiaddr"
	madns "github.com/multiformats/go-multiaddr-dns"
)

// Config configures a Host. Zero values select the defaults noted.
type Config struct {
	// Genesis is the chain's genesis hash (required).
	Genesis header.Hash
	// ForkID is the chain spec's optional forkId.
	ForkID string
	// ProtocolID is the chain spec's protocolId for legacy names ("" → "sup";
	// Kusama nodes use "ksmcc3").
	ProtocolID string
	// Roles sent in handshakes (default wire.RoleLight).
	Roles wire.Roles
	// Best returns the best block for the block-announces handshake
	// (default: genesis, number 0).
	Best func() (uint32, header.Hash)
	// NoGrandpa leaves the GRANDPA notification protocol out: a
	// parachain's network runs no GRANDPA (smoldot opens it only for
	// chains finalized by GRANDPA).
	NoGrandpa bool

	// Identity is the node key (default: a fresh ed25519 key).
	Identity crypto.PrivKey
	// ListenAddrs are multiaddrs to listen on (default: none, dial only).
	ListenAddrs []string
	// Resolver resolves /dns addresses (default: the system resolver).
	Resolver *net.Resolver
	// AllowAddr filters the addresses the host may dial (default: all).
	AllowAddr func(ma.Multiaddr) bool

	DialTimeout      time.Duration // per dial (default 10s)
	RequestTimeout   time.Duration // per request when ctx has no earlier deadline (default 20s)
	HandshakeTimeout time.Duration // notification handshake (default 10s)
	// NotificationIdleTimeout closes an inbound notification substream that
	// delivers no complete message for this long (default 10 minutes; block
	// announces come every few seconds and GRANDPA neighbor packets every
	// few minutes), so a stalling peer cannot hold a reader and its buffer.
	NotificationIdleTimeout time.Duration
	BanDuration             time.Duration // default 30 minutes

	MaxPeers                 int // connected peers (default 32); extra inbound connections are closed
	MaxInboundRequests       int // concurrent inbound requests per peer (default 4)
	EventQueue               int // capacity of each event channel (default 256)
	MaxTransactionsPerNotify int // default 4096

	// NotificationRate and NotificationBurst bound each peer's notifications
	// per protocol (token bucket, default 64/s with a burst of 256); a peer
	// exceeding them is banned for flooding.
	NotificationRate  float64
	NotificationBurst int

	// Logger receives debug logs (default: discard).
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.Roles == 0 {
		c.Roles = wire.RoleLight
	}
	if c.Best == nil {
		g := c.Genesis
		c.Best = func() (uint32, header.Hash) { return 0, g }
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.DialTimeout, 10*time.Second)
	def(&c.RequestTimeout, 20*time.Second)
	def(&c.HandshakeTimeout, 10*time.Second)
	def(&c.NotificationIdleTimeout, 10*time.Minute)
	def(&c.BanDuration, 30*time.Minute)
	defInt := func(d *int, v int) {
		if *d <= 0 {
			*d = v
		}
	}
	defInt(&c.MaxPeers, 32)
	defInt(&c.MaxInboundRequests, 4)
	defInt(&c.EventQueue, 256)
	defInt(&c.MaxTransactionsPerNotify, 4096)
	defInt(&c.NotificationBurst, 256)
	if c.NotificationRate <= 0 {
		c.NotificationRate = 64
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Host is a libp2p host speaking one chain's Substrate protocols.
type Host struct {
	h     host.Host
	cfg   Config
	names wire.Names
	log   *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	peers    map[peer.ID]*peerState
	admitted map[peer.ID]struct{} // connected peers counted against MaxPeers, in order of their first connection
	bans     map[peer.ID]banEntry
	handlers map[wire.Kind]RequestHandler
	closed   bool

	events    chan PeerEvent
	announces chan AnnounceEvent
	gossip    chan GossipEvent
	txs       chan TransactionsEvent
	stats     Stats
}

// New starts a libp2p host with TCP and WebSocket transports, Noise, Yamux,
// identify and ping, and wraps it (see Wrap).
func New(cfg Config) (*Host, error) {
	cfg.setDefaults()
	id := cfg.Identity
	if id == nil {
		k, _, err := crypto.GenerateEd25519Key(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generate node key: %w", err)
		}
		id = k
	}
	g := &gater{}
	opts := []libp2p.Option{
		libp2p.Identity(id),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(websocket.New),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.Ping(true),
		libp2p.DisableRelay(),
		libp2p.DisableMetrics(),
		libp2p.UserAgent("ksm-light"),
		libp2p.ConnectionGater(g),
		libp2p.WithDialTimeout(cfg.DialTimeout),
	}
	if len(cfg.ListenAddrs) > 0 {
		opts = append(opts, libp2p.ListenAddrStrings(cfg.ListenAddrs...))
	} else {
		opts = append(opts, libp2p.NoListenAddrs)
	}
	if cfg.Resolver != nil {
		r, err := madns.NewResolver(madns.WithDefaultResolver(cfg.Resolver))
		if err != nil {
			return nil, fmt.Errorf("dns resolver: %w", err)
		}
		opts = append(opts, libp2p.MultiaddrResolver(swarm.ResolverFromMaDNS{Resolver: r}))
	}
	lh, err := libp2p.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("start libp2p host: %w", err)
	}
	h, err := Wrap(lh, cfg)
	if err != nil {
		lh.Close()
		return nil, err
	}
	g.h = h
	return h, nil
}

// Wrap makes a Host of an existing libp2p host (for example a mocknet one).
// The Host takes ownership: Close closes lh.
func Wrap(lh host.Host, cfg Config) (*Host, error) {
	cfg.setDefaults()
	if cfg.Genesis == (header.Hash{}) {
		return nil, errors.New("p2p: config needs the genesis hash")
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Host{
		h: lh, cfg: cfg, log: cfg.Logger,
		names:     wire.NewNames(cfg.Genesis, cfg.ForkID, cfg.ProtocolID),
		ctx:       ctx,
		cancel:    cancel,
		peers:     make(map[peer.ID]*peerState),
		admitted:  make(map[peer.ID]struct{}),
		bans:      make(map[peer.ID]banEntry),
		handlers:  make(map[wire.Kind]RequestHandler),
		events:    make(chan PeerEvent, cfg.EventQueue),
		announces: make(chan AnnounceEvent, cfg.EventQueue),
		gossip:    make(chan GossipEvent, cfg.EventQueue),
		txs:       make(chan TransactionsEvent, cfg.EventQueue),
	}
	for _, k := range h.notificationKinds() {
		h.setHandler(k, h.handleNotificationStream)
	}
	h.setHandler(wire.KindKad, h.handleKadStream)
	lh.Network().Notify(&network.NotifyBundle{
		ConnectedF:    h.onConnected,
		DisconnectedF: h.onDisconnected,
	})
	return h, nil
}

// notificationKinds are the notification protocols the host speaks.
func (h *Host) notificationKinds() []wire.Kind {
	if h.cfg.NoGrandpa {
		return []wire.Kind{wire.KindBlockAnnounces, wire.KindTransactions}
	}
	return []wire.Kind{wire.KindBlockAnnounces, wire.KindTransactions, wire.KindGrandpa}
}

// setHandler serves the inbound streams of protocol k (main and legacy
// names) with f, given the remote peer p, as a tracked handler (Close waits
// for it); the streams of banned peers, and those arriving once the host is
// closed, are reset instead.
func (h *Host) setHandler(k wire.Kind, f func(k wire.Kind, s network.Stream, p peer.ID)) {
	serve := func(s network.Stream) {
		p := s.Conn().RemotePeer()
		if h.Banned(p) || !h.enter() {
			s.Reset()
			return
		}
		defer h.wg.Done()
		f(k, s, p)
	}
	main, legacy := h.names.Pair(k)
	for _, name := range []string{main, legacy} {
		h.h.SetStreamHandler(protocol.ID(name), serve)
	}
}

// Names returns the protocol names the host speaks.
func (h *Host) Names() wire.Names { return h.names }

// ID is the host's peer id.
func (h *Host) ID() peer.ID { return h.h.ID() }

// LibP2P exposes the underlying libp2p host (for tests and diagnostics).
func (h *Host) LibP2P() host.Host { return h.h }

// AddrInfo returns the host's id and listen addresses.
func (h *Host) AddrInfo() peer.AddrInfo { return peer.AddrInfo{ID: h.h.ID(), Addrs: h.h.Addrs()} }

// Multiaddrs returns the host's listen addresses with its /p2p/ id appended.
func (h *Host) Multiaddrs() []ma.Multiaddr {
	addrs, _ := peer.AddrInfoToP2pAddrs(&peer.AddrInfo{ID: h.h.ID(), Addrs: h.h.Addrs()})
	return addrs
}

// Events delivers peer connected/disconnected events. If nobody reads and
// the queue is full, events are dropped (counted in Stats).
func (h *Host) Events() <-chan PeerEvent { return h.events }

// Announces delivers block announcements (bounded queue; drops when full).
func (h *Host) Announces() <-chan AnnounceEvent { return h.announces }

// Gossip delivers GRANDPA notifications (bounded queue; drops when full).
func (h *Host) Gossip() <-chan GossipEvent { return h.gossip }

// Transactions delivers transactions notifications (bounded queue; drops
// when full). Only a host with a full role receives any: a light host
// (the default) skips inbound transaction gossip unread and counts it in
// Stats().DiscardedTransactions.
func (h *Host) Transactions() <-chan TransactionsEvent { return h.txs }

// ErrClosed means the host is closed.
var ErrClosed = errors.New("p2p: host closed")

// Close shuts the host down: every stream and connection is closed and the
// background goroutines are waited for.
func (h *Host) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	h.mu.Unlock()
	h.cancel()
	err := h.h.Close()
	h.wg.Wait()
	return err
}

func (h *Host) isClosed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}

// enter registers a running handler unless the host is closed; the caller
// must call h.wg.Done when it returns true.
func (h *Host) enter() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.wg.Add(1)
	return true
}

// goTracked runs f in a tracked goroutine unless the host is closed.
func (h *Host) goTracked(f func()) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.wg.Add(1)
	h.mu.Unlock()
	go func() {
		defer h.wg.Done()
		f()
	}()
}

// gater refuses banned peers and addresses outside Config.AllowAddr.
type gater struct{ h *Host }

func (g *gater) InterceptPeerDial(p peer.ID) bool { return g.h == nil || !g.h.Banned(p) }
func (g *gater) InterceptAddrDial(_ peer.ID, a ma.Multiaddr) bool {
	return g.h == nil || g.h.cfg.AllowAddr == nil || g.h.cfg.AllowAddr(a)
}
func (g *gater) InterceptAccept(network.ConnMultiaddrs) bool { return true }
func (g *gater) InterceptSecured(dir network.Direction, p peer.ID, _ network.ConnMultiaddrs) bool {
	if g.h == nil {
		return true
	}
	if g.h.Banned(p) {
		return false
	}
	n := g.h.h.Network()
	if dir == network.DirInbound && len(n.ConnsToPeer(p)) == 0 && len(n.Peers()) >= g.h.cfg.MaxPeers {
		return false
	}
	return true
}
func (g *gater) InterceptUpgraded(network.Conn) (bool, control.DisconnectReason) { return true, 0 }
