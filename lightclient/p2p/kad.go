package p2p

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

const (
	kadReplyPeers     = 20
	kadMaxPerStream   = 8
	discoveredAddrTTL = 10 * time.Minute
)

// FindNode sends a Kademlia FIND_NODE for key to p and returns the closer
// peers it reports, with the addresses Config.AllowAddr admits. A malformed
// reply or an invalid peer id bans p; unparsable addresses are skipped.
func (h *Host) FindNode(ctx context.Context, p peer.ID, key []byte) ([]peer.AddrInfo, error) {
	raw, err := h.Request(ctx, p, wire.KindKad, wire.FindNodeRequest(key).Encode())
	if err != nil {
		return nil, err
	}
	m, err := wire.DecodeKadMessage(raw)
	if err != nil {
		return nil, h.invalid(p, wire.KindKad, err)
	}
	if m.Type != wire.KadFindNode {
		return nil, h.invalid(p, wire.KindKad, fmt.Errorf("reply of type %d to FIND_NODE", m.Type))
	}
	out := make([]peer.AddrInfo, 0, len(m.CloserPeers))
	for i, kp := range m.CloserPeers {
		id, err := peer.IDFromBytes(kp.ID)
		if err != nil {
			return nil, h.invalid(p, wire.KindKad, fmt.Errorf("closer peer %d: %w", i, err))
		}
		ai := peer.AddrInfo{ID: id}
		for _, ab := range kp.Addrs {
			a, err := ma.NewMultiaddrBytes(ab)
			if err != nil {
				continue
			}
			if h.cfg.AllowAddr != nil && !h.cfg.AllowAddr(a) {
				continue
			}
			ai.Addrs = append(ai.Addrs, a)
		}
		out = append(out, ai)
	}
	h.adjust(p, repSuccess, "")
	return out, nil
}

// Discover runs a Kademlia walk seeded from the connected peers: it sends
// FIND_NODE (for the host's own id, then random keys) to up to maxQueries
// peers, adds every new peer's addresses to the peerstore and returns the
// peers found. It does not keep routing tables; call it again to refresh.
func (h *Host) Discover(ctx context.Context, maxQueries int) ([]peer.AddrInfo, error) {
	self := h.h.ID()
	seen := map[peer.ID]bool{self: true}
	var queue []peer.ID
	for _, p := range h.h.Network().Peers() {
		seen[p] = true
		queue = append(queue, p)
	}
	if len(queue) == 0 {
		return nil, errors.New("p2p: discovery needs a connected peer (dial the bootnodes first)")
	}
	var found []peer.AddrInfo
	var lastErr error
	for q := 0; q < maxQueries && len(queue) > 0; q++ {
		if ctx.Err() != nil {
			return found, ctxErr(ctx.Err())
		}
		p := queue[0]
		queue = queue[1:]
		if h.Banned(p) {
			continue
		}
		key := []byte(self)
		if q > 0 {
			key = make([]byte, 32)
			_, _ = rand.Read(key)
		}
		res, err := h.FindNode(ctx, p, key)
		if err != nil {
			lastErr = err
			continue
		}
		for _, ai := range res {
			if seen[ai.ID] || h.Banned(ai.ID) || len(ai.Addrs) == 0 {
				continue
			}
			seen[ai.ID] = true
			h.h.Peerstore().AddAddrs(ai.ID, ai.Addrs, discoveredAddrTTL)
			found = append(found, ai)
			queue = append(queue, ai.ID)
		}
	}
	if len(found) == 0 && lastErr != nil {
		return nil, fmt.Errorf("p2p: discovery found no peer: %w", lastErr)
	}
	return found, nil
}

// handleKadStream answers FIND_NODE requests with the host's connected
// peers (it serves no records or providers).
func (h *Host) handleKadStream(_ wire.Kind, s network.Stream, p peer.ID) {
	_ = s.SetDeadline(time.Now().Add(h.cfg.RequestTimeout))
	for i := 0; i < kadMaxPerStream; i++ {
		b, err := wire.ReadFrame(s, wire.MaxKadMessageSize)
		if err != nil {
			h.banBadFrame(p, "kademlia request", err)
			if errors.Is(err, io.EOF) {
				_ = s.Close() // the requester is done: end gracefully so it reads our replies
				return
			}
			break
		}
		m, err := wire.DecodeKadMessage(b)
		if err != nil || m.Type != wire.KadFindNode {
			break
		}
		reply := &wire.KadMessage{Type: wire.KadFindNode, Key: m.Key}
		for _, q := range h.h.Network().Peers() {
			if q == p || h.Banned(q) || len(reply.CloserPeers) >= kadReplyPeers {
				continue
			}
			kp := wire.KadPeer{ID: []byte(q), Connection: wire.KadConnected}
			for _, a := range h.h.Peerstore().Addrs(q) {
				kp.Addrs = append(kp.Addrs, a.Bytes())
				if len(kp.Addrs) >= wire.MaxKadAddrs {
					break
				}
			}
			reply.CloserPeers = append(reply.CloserPeers, kp)
		}
		if err := wire.WriteFrame(s, reply.Encode()); err != nil {
			break
		}
	}
	s.Reset()
}
