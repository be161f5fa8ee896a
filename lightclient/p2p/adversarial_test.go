package p2p_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/libp2p/go-libp2p/core/peer"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
)

func blockReq() *wire.BlockRequest {
	return &wire.BlockRequest{Fields: wire.FieldHeader | wire.FieldBody, FromNumber: 1, MaxBlocks: 16}
}

func TestStallingPeerHitsDeadline(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			tn := newNet(t, tr, func(c *p2p.Config) { c.RequestTimeout = 300 * time.Millisecond })
			tn.connect(t)
			tn.node.SetMode(p2ptest.Stall)
			err := within(t, "a request to a stalling peer", func() error {
				_, err := tn.client.RequestBlocks(context.Background(), tn.node.ID(), blockReq())
				return err
			})
			if !errors.Is(err, p2p.ErrTimeout) {
				t.Fatalf("stall: %v", err)
			}
			if tn.client.Banned(tn.node.ID()) || tn.client.Reputation(tn.node.ID()) >= 0 {
				t.Fatalf("stall: banned=%v rep=%d", tn.client.Banned(tn.node.ID()), tn.client.Reputation(tn.node.ID()))
			}
			// Cancelling the context resets the stream at once.
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			err = within(t, "a cancelled request", func() error {
				_, err := tn.client.RequestWarp(ctx, tn.node.ID(), genesis)
				return err
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("cancel: %v", err)
			}
			// The node recovers when it behaves again.
			tn.node.SetMode(p2ptest.Honest)
			if _, err := tn.client.RequestBlocks(context.Background(), tn.node.ID(), blockReq()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDisconnectMidResponse(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			tn := newNet(t, tr, nil)
			tn.connect(t)
			waitEvent(t, tn.client, p2p.PeerConnected, tn.node.ID())
			tn.node.SetMode(p2ptest.Truncate)
			_, err := tn.client.RequestBlocks(context.Background(), tn.node.ID(), blockReq())
			if err == nil || errors.Is(err, p2p.ErrTimeout) {
				t.Fatalf("truncated response: %v", err)
			}
			// mocknet ignores network.WithNoDial, so a background substream of
			// the node may have redialed; only real transports are checked here.
			if tr != "mock" {
				waitEvent(t, tn.client, p2p.PeerDisconnected, tn.node.ID())
			}
			if tn.client.Banned(tn.node.ID()) {
				t.Fatal("a dropped connection is not a ban")
			}
		})
	}
}

func TestInvalidResponsesBan(t *testing.T) {
	for _, mode := range []p2ptest.Mode{p2ptest.Oversize, p2ptest.Garbage} {
		for _, tr := range transports {
			t.Run(tr, func(t *testing.T) {
				tn := newNet(t, tr, nil)
				tn.connect(t)
				tn.node.SetMode(mode)
				ctx := context.Background()
				var err error
				switch tr {
				case "mock":
					_, err = tn.client.RequestBlocks(ctx, tn.node.ID(), blockReq())
				case "tcp":
					_, err = tn.client.RequestWarp(ctx, tn.node.ID(), genesis)
				default:
					_, err = tn.client.RemoteRead(ctx, tn.node.ID(), genesis, [][]byte{{1}})
				}
				if !errors.Is(err, p2p.ErrInvalidResponse) {
					t.Fatalf("mode %d: %v", mode, err)
				}
				if !tn.client.Banned(tn.node.ID()) {
					t.Fatal("not banned")
				}
				waitEvent(t, tn.client, p2p.PeerBanned, tn.node.ID())
				// Banned: requests fail at once and reconnecting is refused.
				tn.node.SetMode(p2ptest.Honest)
				if _, err := tn.client.RequestBlocks(ctx, tn.node.ID(), blockReq()); !errors.Is(err, p2p.ErrBanned) {
					t.Fatalf("after ban: %v", err)
				}
				if _, err := tn.client.Connect(ctx, tn.nodeInfo()); !errors.Is(err, p2p.ErrBanned) {
					t.Fatalf("reconnect: %v", err)
				}
				eventually(t, func() error {
					if len(tn.client.LibP2P().Network().ConnsToPeer(tn.node.ID())) != 0 {
						return notYet("still connected")
					}
					return nil
				})
				tn.client.Unban(tn.node.ID())
				if _, err := tn.client.Connect(ctx, tn.nodeInfo()); err != nil {
					t.Fatalf("after unban: %v", err)
				}
			})
		}
	}
}

func TestAnnounceFloodBanned(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			tn := newNet(t, tr, func(c *p2p.Config) {
				c.NotificationBurst, c.NotificationRate, c.EventQueue = 50, 10, 32
			})
			tn.connect(t)
			ann := &wire.Announce{Header: tn.chain.blocks[0].Header, State: wire.StateNormal}
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			// Wait for the node's outbound announce substream, then flood.
			eventually(t, func() error {
				if tn.node.Announce(ctx, ann) == 0 {
					return notYet("no substream")
				}
				return nil
			})
			_, _ = tn.node.FloodAnnounces(ctx, tn.client.ID(), ann, 5000)
			eventually(t, func() error {
				if !tn.client.Banned(tn.node.ID()) {
					return notYet("flooder not banned")
				}
				return nil
			})
			reason, _ := tn.client.BanReason(tn.node.ID())
			if !strings.Contains(reason, "flooding") {
				t.Fatalf("ban reason %q", reason)
			}
			if n := len(tn.client.Announces()); n > 32 {
				t.Fatalf("queue holds %d", n)
			}
			if tn.client.Stats().DroppedAnnounces.Load() == 0 {
				t.Fatal("nothing dropped from a 32-slot queue")
			}
		})
	}
}

func TestBadNotificationsBan(t *testing.T) {
	cases := []struct {
		name string
		kind wire.Kind
		raw  []byte
	}{
		{"oversized announce", wire.KindBlockAnnounces, wire.AppendUvarint(nil, p2p.MaxAnnounceSize+1)},
		{"malformed announce", wire.KindBlockAnnounces, wire.AppendFrame(nil, []byte{1, 2, 3})},
		{"malformed grandpa", wire.KindGrandpa, wire.AppendFrame(nil, []byte{9, 9})},
		{"bad varint", wire.KindGrandpa, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tn := newNet(t, "mock", nil)
			tn.connect(t)
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			tn.settle(t, c.kind)
			if err := tn.node.RawNotifications(ctx, tn.client.ID(), c.kind, tn.nodeHandshake(c.kind), c.raw); err != nil {
				t.Fatal(err)
			}
			eventually(t, func() error {
				if !tn.client.Banned(tn.node.ID()) {
					return notYet("not banned")
				}
				return nil
			})
		})
	}
}

func TestGenesisMismatch(t *testing.T) {
	for _, tr := range []string{"mock", "tcp"} {
		t.Run(tr, func(t *testing.T) {
			tn := newNet(t, tr, nil)
			other := p2ptest.NewMemSource(nil)
			cfg := p2ptest.FullConfig(header.Hash{0xde, 0xad}, other)
			var stranger *p2ptest.Node
			var err error
			if tr == "mock" {
				stranger, err = p2ptest.NewMock(tn.mn, cfg, other)
				if err == nil {
					err = tn.mn.LinkAll()
				}
			} else {
				stranger, err = p2ptest.NewLoopback("tcp", cfg, other)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer stranger.Close()
			// We dial the stranger: it refuses our handshake and bans us.
			_, err = tn.client.Connect(context.Background(), stranger.AddrInfo())
			if !errors.Is(err, p2p.ErrHandshake) {
				t.Fatalf("genesis mismatch: %v", err)
			}
			eventually(t, func() error {
				if !stranger.Banned(tn.client.ID()) {
					return notYet("stranger did not ban us")
				}
				return nil
			})
			if tr != "mock" {
				return
			}
			// The stranger dials us (mocknet lets the client accept): we ban it.
			// The stranger's earlier ban closed the old connection asynchronously
			// (mocknet), which can reset a dial racing with it; so retry.
			eventually(t, func() error {
				stranger.Unban(tn.client.ID())
				if _, err = stranger.Connect(context.Background(), tn.client.AddrInfo()); err == nil {
					t.Fatal("stranger connected")
				}
				if r, ok := tn.client.BanReason(stranger.ID()); !ok || r != "genesis mismatch" {
					return notYet("client ban reason %q (stranger's dial: %v)", r, err)
				}
				return nil
			})
		})
	}
}

func TestServePanicsAndLimits(t *testing.T) {
	mn := mocknet.New()
	defer mn.Close()
	mk := func(roles wire.Roles) *p2p.Host {
		lh, err := mn.GenPeer()
		if err != nil {
			t.Fatal(err)
		}
		cfg := clientConfig()
		cfg.AllowAddr, cfg.Roles = nil, roles
		h, err := p2p.Wrap(lh, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h
	}
	server, client := mk(wire.RoleFull), mk(wire.RoleLight)
	if err := mn.LinkAll(); err != nil {
		t.Fatal(err)
	}
	server.Serve(wire.KindWarp, func(_ context.Context, _ peer.ID, req []byte) ([]byte, error) {
		if req[0] == 1 {
			panic("handler bug")
		}
		return (&wire.WarpResponse{IsFinished: true}).Encode(), nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if _, err := client.Connect(ctx, server.AddrInfo()); err != nil {
		t.Fatal(err)
	}
	if _, err := client.RequestWarp(ctx, server.ID(), header.Hash{1}); !errors.Is(err, p2p.ErrRefused) {
		t.Fatalf("panicking handler: %v", err)
	}
	w, err := client.RequestWarp(ctx, server.ID(), header.Hash{2})
	if err != nil || !w.IsFinished {
		t.Fatalf("after panic: %v", err)
	}
	// Unregistered protocol: refused.
	if _, err := client.RemoteRead(ctx, server.ID(), header.Hash{}, nil); err == nil {
		t.Fatal("light request to a host without a light handler succeeded")
	}
	// A request over the warp limit (32 bytes) gets the requester banned by the server.
	if _, err := client.Request(ctx, server.ID(), wire.KindWarp, make([]byte, 33)); err == nil {
		t.Fatal("oversized request answered")
	}
	if !server.Banned(client.ID()) {
		t.Fatal("server did not ban the oversized requester")
	}
}
