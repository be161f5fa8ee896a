package p2p_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
)

func mockHosts(t *testing.T, n int, tweak func(i int, c *p2p.Config)) []*p2p.Host {
	t.Helper()
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	var hs []*p2p.Host
	for i := 0; i < n; i++ {
		lh, err := mn.GenPeer()
		if err != nil {
			t.Fatal(err)
		}
		cfg := clientConfig()
		cfg.AllowAddr = nil
		if tweak != nil {
			tweak(i, &cfg)
		}
		h, err := p2p.Wrap(lh, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		hs = append(hs, h)
	}
	if err := mn.LinkAll(); err != nil {
		t.Fatal(err)
	}
	return hs
}

func TestInboundRequestLimit(t *testing.T) {
	hs := mockHosts(t, 2, func(i int, c *p2p.Config) {
		if i == 0 {
			c.MaxInboundRequests, c.Roles = 1, wire.RoleFull
		}
	})
	server, client := hs[0], hs[1]
	release := make(chan struct{})
	entered := make(chan struct{}, 4)
	server.Serve(wire.KindWarp, func(ctx context.Context, _ peer.ID, _ []byte) ([]byte, error) {
		entered <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return (&wire.WarpResponse{}).Encode(), nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if _, err := client.Connect(ctx, server.AddrInfo()); err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() {
		_, err := client.RequestWarp(ctx, server.ID(), header.Hash{})
		first <- err
	}()
	<-entered
	// The second concurrent request is over the per-peer limit: refused at once.
	if _, err := client.RequestWarp(ctx, server.ID(), header.Hash{}); !errors.Is(err, p2p.ErrRefused) {
		t.Fatalf("second request: %v", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("first request: %v", err)
	}
	// With the slot free again, requests pass.
	if _, err := client.RequestWarp(ctx, server.ID(), header.Hash{}); err != nil {
		t.Fatal(err)
	}
}

func TestMaxPeers(t *testing.T) {
	hs := mockHosts(t, 3, func(i int, c *p2p.Config) {
		if i == 0 {
			c.MaxPeers, c.Roles = 1, wire.RoleFull
		}
	})
	server := hs[0]
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	// The server learns of an inbound connection asynchronously (its
	// connectedness event follows its own connection notification): wait
	// for it, so that the first peer is known to have taken the only slot.
	sub, err := server.LibP2P().EventBus().Subscribe(new(event.EvtPeerConnectednessChanged))
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if _, err := hs[1].Connect(ctx, server.AddrInfo()); err != nil {
		t.Fatal(err)
	}
	for admitted := false; !admitted; {
		select {
		case e := <-sub.Out():
			ev := e.(event.EvtPeerConnectednessChanged)
			admitted = ev.Peer == hs[1].ID() && ev.Connectedness == network.Connected
		case <-ctx.Done():
			t.Fatal("the server never saw the first peer connect")
		}
	}
	_, _ = hs[2].Connect(ctx, server.AddrInfo())
	eventually(t, func() error {
		if n := len(server.LibP2P().Network().Peers()); n != 1 {
			return notYet("server has %d peers", n)
		}
		return nil
	})
	if len(server.LibP2P().Network().ConnsToPeer(hs[1].ID())) == 0 {
		t.Fatal("the first peer was dropped")
	}
}

// maxPeersServer starts a full node of a two-block chain on loopback TCP
// that takes at most maxPeers peers.
func maxPeersServer(t *testing.T, maxPeers int) *p2ptest.Node {
	t.Helper()
	c := newChain(2)
	cfg := p2ptest.FullConfig(genesis, c.src)
	cfg.MaxPeers = maxPeers
	server, err := p2ptest.NewLoopback("tcp", cfg, c.src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	return server
}

func TestMaxPeersTCPGater(t *testing.T) {
	server := maxPeersServer(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	var clients []*p2p.Host
	for i := 0; i < 2; i++ {
		cl, err := p2p.New(clientConfig())
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		clients = append(clients, cl)
	}
	if _, err := clients[0].Connect(ctx, server.AddrInfo()); err != nil {
		t.Fatal(err)
	}
	if _, err := clients[1].Connect(ctx, server.AddrInfo()); err == nil {
		t.Fatal("second peer accepted over MaxPeers=1")
	}
	if _, err := clients[0].RequestBlocks(ctx, server.ID(), blockReq()); err != nil {
		t.Fatalf("first peer: %v", err)
	}
}

// Peers racing for the last slots: the cap holds and exactly MaxPeers of
// them stay (closing every connection that saw the count over the cap
// could leave fewer).
func TestMaxPeersConcurrent(t *testing.T) {
	const slots, dialers = 2, 6
	server := maxPeersServer(t, slots)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	done := make(chan struct{}, dialers)
	for range dialers {
		cl, err := p2p.New(clientConfig())
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		go func() {
			_, _ = cl.Connect(ctx, server.AddrInfo())
			done <- struct{}{}
		}()
	}
	for range dialers {
		<-done
	}
	eventually(t, func() error {
		if n := len(server.LibP2P().Network().Peers()); n != slots {
			return notYet("server has %d peers, want %d", n, slots)
		}
		return nil
	})
}
