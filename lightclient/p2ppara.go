package lightclient

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// ErrNotParachain means a chain spec or profile describes no parachain
// (it names no relay chain and para id).
var ErrNotParachain = errors.New("lightclient: not a parachain")

// ParaNetwork is what a light client needs to join a parachain's own p2p
// network, read from the parachain's chain spec. Substrate names a chain's
// protocols after its genesis hash ("/<genesis hex>/light/2", with legacy
// "/<protocolId>/light/2"); a parachain's full nodes (cumulus) speak the
// same block-announces, transactions, /sync/2, /light/2 and /kad protocols
// as a relay node, but no GRANDPA: its blocks are finalized by the relay
// chain (Paras::Heads), which the relay light client proves.
type ParaNetwork struct {
	// ParaID is the parachain's id on its relay chain (para_id).
	ParaID uint32
	// Relay is the relay chain's spec id (relay_chain).
	Relay string
	// Genesis is the parachain's genesis hash: it names the protocols and
	// is checked in every block-announces handshake.
	Genesis header.Hash
	// ProtocolID is the spec's protocolId ("" when absent: the legacy
	// names then use Substrate's default, "sup").
	ProtocolID string
	// Bootnodes are the spec's bootNodes.
	Bootnodes []string
}

// ParaNetworkFromSpec reads the parachain network of a chain spec. A spec
// without relay_chain and para_id fails with ErrNotParachain.
func ParaNetworkFromSpec(s *chainspec.Spec) (*ParaNetwork, error) {
	if !s.IsParachain() {
		return nil, fmt.Errorf("chain spec %q: %w", s.ID, ErrNotParachain)
	}
	g, err := s.GenesisHash()
	if err != nil {
		return nil, fmt.Errorf("chain spec %q: genesis: %w", s.ID, err)
	}
	return &ParaNetwork{ParaID: *s.ParaID, Relay: s.RelayChain, Genesis: g, ProtocolID: s.ProtocolID,
		Bootnodes: append([]string(nil), s.BootNodes...)}, nil
}

// ParaNetworkOf reads the parachain network of an embedded profile (for
// example kusama-asset-hub). The spec's genesis must be the profile's.
func ParaNetworkOf(p *chainspec.Profile) (*ParaNetwork, error) {
	if p.IsRelay() {
		return nil, fmt.Errorf("network %s: %w", p.Name, ErrNotParachain)
	}
	s, err := p.Spec()
	if err != nil {
		return nil, fmt.Errorf("network %s: %w", p.Name, err)
	}
	n, err := ParaNetworkFromSpec(s)
	if err != nil {
		return nil, fmt.Errorf("network %s: %w", p.Name, err)
	}
	if n.Genesis != p.GenesisHash || n.ParaID != p.ParaID {
		return nil, fmt.Errorf("network %s: embedded spec is of genesis %s para %d, want %s para %d",
			p.Name, n.Genesis, n.ParaID, p.GenesisHash, p.ParaID)
	}
	return n, nil
}

// HostConfig returns base set up for a light host on the parachain
// network: its genesis and protocol id, the light role, no GRANDPA. The
// rest of base (timeouts, identity, listen addresses, ...) is kept.
func (n *ParaNetwork) HostConfig(base p2p.Config) p2p.Config {
	base.Genesis, base.ProtocolID, base.ForkID = n.Genesis, n.ProtocolID, ""
	base.Roles = wire.RoleLight
	base.NoGrandpa = true
	base.Best = nil
	return base
}

// Open starts a light libp2p host on the parachain network (base as for
// HostConfig) and wraps it in a P2PParaSource dialing bootnodes (nil: the
// network's). Close the source to close the host.
func (n *ParaNetwork) Open(base p2p.Config, bootnodes []string) (*P2PParaSource, error) {
	h, err := p2p.New(n.HostConfig(base))
	if err != nil {
		return nil, fmt.Errorf("parachain %d: start libp2p: %w", n.ParaID, err)
	}
	if bootnodes == nil {
		bootnodes = n.Bootnodes
	}
	return NewP2PParaSource(h, bootnodes, n.ParaID), nil
}

// P2PParaSource adapts a libp2p host joined to a parachain's own network
// (see ParaNetwork.HostConfig): every full peer with a completed
// block-announces handshake (of the parachain's genesis: the host refuses
// and bans any other) is reported as para-capable, chainsync.PeerCaps{Kinds:
// CanStorage|CanCallProof, Para: true, ParaID}, and serves storage proofs
// and call proofs at parachain blocks as /light/2 remote reads and calls.
// The machine checks them against the state roots of the para heads the
// relay chain proves, and a peer that lies is banned on the host. The
// source takes no part in relay sync: its peers' best numbers and
// announcements are not relay numbers and are not reported. It sends
// transactions only when asked (SendTransaction, used by ParaSubmitter),
// never as a Submitter of the relay client.
type P2PParaSource struct {
	// Discover, when positive, is how many more para peers to look for
	// with a Kademlia walk of the parachain's DHT after the bootnodes
	// answered (set before Start).
	Discover int
	// Redial is how long the source waits, once it has no full peer left,
	// before dialing the bootnodes again (0: 5 s, doubling up to a minute
	// while none answers; negative: never). Set before Start.
	Redial time.Duration

	h         *p2p.Host
	bootnodes []string
	paraID    uint32
	caps      chainsync.PeerCaps
	prefix    string
	ev        chan SourceEvent

	hostRun
}

// NewP2PParaSource wraps a host of parachain paraID's network; Start dials
// bootnodes (which may be empty when the caller connected peers itself).
// Close closes the host.
func NewP2PParaSource(h *p2p.Host, bootnodes []string, paraID uint32) *P2PParaSource {
	return &P2PParaSource{h: h, bootnodes: bootnodes, paraID: paraID,
		caps:   chainsync.PeerCaps{Kinds: chainsync.CanStorage | chainsync.CanCallProof, Para: true, ParaID: paraID},
		prefix: "para" + strconv.FormatUint(uint64(paraID), 10) + "/",
		ev:     make(chan SourceEvent, 256)}
}

// Host returns the wrapped host.
func (s *P2PParaSource) Host() *p2p.Host { return s.h }

// ParaID is the parachain the source serves.
func (s *P2PParaSource) ParaID() uint32 { return s.paraID }

// PeerID is the machine's name of para peer p: the libp2p id prefixed with
// "para<id>/", so a node that is also a relay peer of the client (another
// host) is never mistaken for it.
func (s *P2PParaSource) PeerID(p peer.ID) chainsync.PeerID {
	return chainsync.PeerID(s.prefix + p.String())
}

func (s *P2PParaSource) libp2pID(p chainsync.PeerID) (peer.ID, error) {
	rest, ok := strings.CutPrefix(string(p), s.prefix)
	if !ok {
		return "", fmt.Errorf("p2p para source: peer %q is not of parachain %d", p, s.paraID)
	}
	id, err := peer.Decode(rest)
	if err != nil {
		return "", fmt.Errorf("p2p para source: peer %q: %w", p, err)
	}
	return id, nil
}

// Start dials the bootnodes (error wrapping ErrUnreachable and
// p2p.ErrNoBootnode when none answers with the parachain's handshake),
// reports the connected full peers and forwards peer events.
func (s *P2PParaSource) Start(ctx context.Context) error {
	if len(s.bootnodes) > 0 {
		if _, err := s.h.ConnectBootnodes(ctx, s.bootnodes); err != nil {
			return fmt.Errorf("%w: parachain %d: %w", ErrUnreachable, s.paraID, err)
		}
	}
	for _, p := range s.h.Peers() {
		if p.Handshake != nil && p.Handshake.Roles.IsFull() && !s.h.Banned(p.ID) {
			s.ev <- SourceEvent{Peer: s.PeerID(p.ID), Caps: s.caps}
		}
	}
	if s.fullPeers() == 0 {
		return fmt.Errorf("%w: parachain %d: no full node: %w", ErrUnreachable, s.paraID, p2p.ErrNoBootnode)
	}
	fctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(1)
	go s.forward(fctx)
	if s.Discover > 0 {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			discoverPeers(fctx, s.h, s.Discover)
		}()
	}
	if len(s.bootnodes) > 0 && s.Redial >= 0 {
		s.wg.Add(1)
		go s.keepPeers(fctx)
	}
	return nil
}

// maxRedial bounds the wait between two dials of the bootnodes.
const maxRedial = time.Minute

// fullPeers counts the connected full peers not banned.
func (s *P2PParaSource) fullPeers() int {
	n := 0
	for _, p := range s.h.Peers() {
		if p.Handshake != nil && p.Handshake.Roles.IsFull() && !s.h.Banned(p.ID) {
			n++
		}
	}
	return n
}

// keepPeers dials the bootnodes again whenever no full peer is left (they
// arrive as PeerConnected events), backing off while none answers.
func (s *P2PParaSource) keepPeers(ctx context.Context) {
	defer s.wg.Done()
	base := s.Redial
	if base == 0 {
		base = 5 * time.Second
	}
	wait := base
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		if s.fullPeers() > 0 {
			wait = base
			continue
		}
		if _, err := s.h.ConnectBootnodes(ctx, s.bootnodes); err != nil {
			wait = min(2*wait, max(base, maxRedial))
			continue
		}
		wait = base
	}
}

// forward turns host peer events into source events. Announcements,
// GRANDPA gossip (a parachain has none) and transactions are drained
// unread: para block numbers are no relay sync target.
func (s *P2PParaSource) forward(ctx context.Context) {
	defer s.wg.Done()
	forwardEvents(ctx, s.h, s.ev, forwardPolicy{
		connected: func(pe p2p.PeerEvent) (SourceEvent, bool) {
			return SourceEvent{Peer: s.PeerID(pe.Peer), Caps: s.caps}, pe.Handshake.Roles.IsFull()
		},
		gone:              func(p peer.ID) SourceEvent { return SourceEvent{Peer: s.PeerID(p), Gone: true} },
		drainTransactions: true,
	})
}

// Events delivers peer changes.
func (s *P2PParaSource) Events() <-chan SourceEvent { return s.ev }

// Do performs a storage request at a block of the source's parachain (a
// /light/2 remote read) or a call proof request (a /light/2 remote call);
// any other request is refused.
func (s *P2PParaSource) Do(ctx context.Context, r chainsync.Request) ([]byte, error) {
	p, err := s.libp2pID(r.Peer)
	if err != nil {
		return nil, err
	}
	if (r.Kind != chainsync.KindStorage && r.Kind != chainsync.KindCallProof) || !r.Para || r.ParaID != s.paraID {
		return nil, fmt.Errorf("p2p para source: parachain %d peers serve only its storage and call proofs, not %s requests (para %v, id %d)",
			s.paraID, r.Kind, r.Para, r.ParaID)
	}
	if r.Kind == chainsync.KindCallProof {
		nodes, err := s.h.RemoteCall(ctx, p, r.Block, r.Method, r.Data)
		if err != nil {
			return nil, fmt.Errorf("parachain %d: %w", s.paraID, err)
		}
		return trie.EncodeProofSCALE(nodes), nil
	}
	nodes, err := s.h.RemoteRead(ctx, p, r.Block, r.Keys)
	if err != nil {
		return nil, fmt.Errorf("parachain %d: %w", s.paraID, err)
	}
	return trie.EncodeProofSCALE(nodes), nil
}

// Ban bans the peer on the host.
func (s *P2PParaSource) Ban(p chainsync.PeerID, reason error) {
	if id, err := s.libp2pID(p); err == nil {
		s.h.Ban(id, reason.Error())
	}
}

// Close stops forwarding and closes the host.
func (s *P2PParaSource) Close() error {
	return s.stop(s.h)
}

// ServesPara names the parachain the source serves (it always serves one).
func (s *P2PParaSource) ServesPara() (uint32, bool) { return s.paraID, true }
