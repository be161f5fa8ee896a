package p2p

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// ParseBootnodes parses chain-spec bootnode multiaddrs ("/dns/host/tcp/30333/p2p/12D3...",
// ".../tcp/443/wss/p2p/...") into one AddrInfo per peer.
func ParseBootnodes(addrs []string) ([]peer.AddrInfo, error) {
	var mas []ma.Multiaddr
	var errs []error
	for _, s := range addrs {
		a, err := ma.NewMultiaddr(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("bootnode %q: %w", s, err))
			continue
		}
		if _, err := peer.AddrInfoFromP2pAddr(a); err != nil {
			errs = append(errs, fmt.Errorf("bootnode %q: %w", s, err))
			continue
		}
		mas = append(mas, a)
	}
	infos, err := peer.AddrInfosFromP2pAddrs(mas...)
	if err != nil {
		errs = append(errs, err)
	}
	return infos, errors.Join(errs...)
}

// Connect dials ai (bounded by Config.DialTimeout) and opens the
// block-announces substream; it returns the peer's handshake. GRANDPA
// (unless Config.NoGrandpa) and transactions substreams are opened in the
// background.
func (h *Host) Connect(ctx context.Context, ai peer.AddrInfo) (wire.Handshake, error) {
	if h.Banned(ai.ID) {
		return wire.Handshake{}, fmt.Errorf("connect %s: %w", ai.ID, ErrBanned)
	}
	dctx, cancel := context.WithTimeout(ctx, h.cfg.DialTimeout)
	err := h.h.Connect(dctx, ai)
	if err != nil {
		err = ctxOr(dctx, err)
	}
	cancel()
	if err != nil {
		return wire.Handshake{}, fmt.Errorf("dial %s: %w%s", ai.ID, err, h.dnsHint(ctx, ai))
	}
	if _, err := h.openOut(ctx, ai.ID, wire.KindBlockAnnounces); err != nil {
		return wire.Handshake{}, err
	}
	hs, _ := h.Handshake(ai.ID)
	for _, k := range h.notificationKinds()[1:] {
		h.goTracked(func() {
			if _, err := h.openOut(network.WithNoDial(h.ctx, "background substream"), ai.ID, k); err != nil {
				h.log.Debug("open substream", "peer", ai.ID, "kind", k, "err", err)
			}
		})
	}
	return hs, nil
}

// BootResult is the outcome of dialing one bootnode.
type BootResult struct {
	Peer      peer.ID
	Handshake wire.Handshake
	Err       error
}

// ErrNoBootnode means no bootnode could be reached.
var ErrNoBootnode = errors.New("p2p: no bootnode reachable")

// ConnectBootnodes dials the bootnodes concurrently, each bounded by
// Config.DialTimeout, and returns one result per peer. The error wraps
// ErrNoBootnode (with every dial's reason) when none could be reached.
func (h *Host) ConnectBootnodes(ctx context.Context, addrs []string) ([]BootResult, error) {
	infos, perr := ParseBootnodes(addrs)
	if len(infos) == 0 {
		return nil, fmt.Errorf("%w: no usable bootnode address: %w", ErrNoBootnode, perr)
	}
	res := make([]BootResult, len(infos))
	var wg sync.WaitGroup
	for i, ai := range infos {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hs, err := h.Connect(ctx, ai)
			res[i] = BootResult{Peer: ai.ID, Handshake: hs, Err: err}
		}()
	}
	wg.Wait()
	var errs []error
	ok := 0
	for _, r := range res {
		if r.Err == nil {
			ok++
		} else {
			errs = append(errs, r.Err)
		}
	}
	if ok == 0 {
		return res, fmt.Errorf("%w (%d tried): %w", ErrNoBootnode, len(infos), errors.Join(errs...))
	}
	return res, nil
}

// dnsHint explains a failed dial of DNS-only addresses: libp2p reports
// "no good addresses" when resolution fails, so resolve the first name
// again to give the reason.
func (h *Host) dnsHint(ctx context.Context, ai peer.AddrInfo) string {
	for _, a := range ai.Addrs {
		for _, code := range []int{ma.P_DNS, ma.P_DNS4, ma.P_DNS6} {
			name, err := a.ValueForProtocol(code)
			if err != nil {
				continue
			}
			r := h.cfg.Resolver
			if r == nil {
				r = net.DefaultResolver
			}
			rctx, cancel := context.WithTimeout(ctx, h.cfg.DialTimeout)
			defer cancel()
			if _, err := r.LookupIPAddr(rctx, name); err != nil {
				return fmt.Sprintf(" (DNS resolution failed: %v)", err)
			}
			return ""
		}
	}
	return ""
}
