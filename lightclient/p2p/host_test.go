package p2p_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

var transports = []string{"mock", "tcp", "ws"}

// TestProtocols runs every protocol against an honest node over mocknet,
// loopback TCP and loopback WebSocket.
func TestProtocols(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			tn := newNet(t, tr, nil)
			c, node, ch := tn.client, tn.node, tn.chain
			hs := tn.connect(t)
			best := ch.blocks[len(ch.blocks)-1].Header
			if hs.BestNumber != best.Number || hs.BestHash != best.Hash() || hs.GenesisHash != genesis || !hs.Roles.IsFull() {
				t.Fatalf("handshake %+v", hs)
			}
			ev := waitEvent(t, c, p2p.PeerConnected, node.ID())
			if ev.Handshake != hs {
				t.Fatalf("event handshake %+v", ev.Handshake)
			}
			nev := waitEvent(t, node.Host, p2p.PeerConnected, c.ID())
			if !nev.Handshake.Roles.IsLight() || nev.Handshake.GenesisHash != genesis {
				t.Fatalf("node saw handshake %+v", nev.Handshake)
			}
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()

			// /sync/2 by number, ascending, headers + bodies + justifications.
			resp, err := c.RequestBlocks(ctx, node.ID(), &wire.BlockRequest{Fields: wire.FieldHeader | wire.FieldBody | wire.FieldJustification,
				FromNumber: 3, MaxBlocks: 5, MultipleJustifications: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Blocks) != 5 {
				t.Fatalf("%d blocks", len(resp.Blocks))
			}
			for i, b := range resp.Blocks {
				want := ch.blocks[2+i]
				if b.Hash != want.Header.Hash() || !bytes.Equal(b.Header, want.Header.Encode()) || len(b.Body) != 1 || !bytes.Equal(b.Body[0], want.Body[0]) {
					t.Fatalf("block %d differs", i)
				}
				j, ok := b.GrandpaJustification()
				if ok != (want.Justification != nil) || !bytes.Equal(j, want.Justification) {
					t.Fatalf("block %d justification %v", i, ok)
				}
			}
			// By hash, descending, headers only, legacy single justification.
			resp, err = c.RequestBlocks(ctx, node.ID(), &wire.BlockRequest{Fields: wire.FieldHeader | wire.FieldJustification,
				HasHash: true, FromHash: ch.blocks[7].Header.Hash(), Direction: wire.Descending, MaxBlocks: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Blocks) != 3 || resp.Blocks[2].Hash != ch.blocks[5].Header.Hash() || resp.Blocks[0].Body != nil {
				t.Fatalf("descending: %d blocks", len(resp.Blocks))
			}
			if j, ok := resp.Blocks[0].GrandpaJustification(); !ok || !bytes.Equal(j, ch.blocks[7].Justification) {
				t.Fatal("legacy justification missing")
			}

			// /sync/warp.
			w, err := c.RequestWarp(ctx, node.ID(), genesis)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(w.Encode(), ch.warp.Encode()) || len(w.Fragments) != 5 || !w.IsFinished {
				t.Fatalf("warp: %d fragments", len(w.Fragments))
			}
			if p, err := grandpa.DecodeWarpProof(w.Encode()); err != nil || len(p.Fragments) != 5 {
				t.Fatalf("warp proof decode: %v", err)
			}

			// /light/2 remote read and call.
			at := ch.blocks[len(ch.blocks)-1].Header.Hash()
			nodes, err := c.RemoteRead(ctx, node.ID(), at, [][]byte{{1, 2, 3}})
			if err != nil {
				t.Fatal(err)
			}
			if len(nodes) != 2 || !bytes.Equal(nodes[1], ch.proof[1]) {
				t.Fatalf("read proof %x", nodes)
			}
			if _, err := c.RemoteRead(ctx, node.ID(), genesis, [][]byte{{1}}); !errors.Is(err, p2p.ErrNoProof) {
				t.Fatalf("unknown block: %v", err)
			}
			if nodes, err := c.RemoteCall(ctx, node.ID(), at, "Core_version", nil); err != nil || len(nodes) != 1 {
				t.Fatalf("call: %v", err)
			}
			// A request the node cannot answer is refused, not a ban.
			if _, err := c.RequestWarp(ctx, node.ID(), at); !errors.Is(err, p2p.ErrRefused) {
				t.Fatalf("unknown warp start: %v", err)
			}
			if c.Banned(node.ID()) {
				t.Fatal("honest node banned")
			}

			// Block announces (node → client).
			ann := &wire.Announce{Header: ch.blocks[19].Header, State: wire.StateBest, Data: []byte{}}
			eventually(t, func() error {
				if node.Announce(ctx, ann) == 0 {
					return notYet("no announce substream")
				}
				select {
				case ev := <-c.Announces():
					if ev.Peer != node.ID() || ev.Announce.Hash() != ann.Header.Hash() || !ev.Announce.IsBest() {
						t.Fatalf("announce %+v", ev)
					}
					return nil
				case <-time.After(200 * time.Millisecond):
					return notYet("announce not received")
				}
			})

			// Transactions (client → node).
			xts := [][]byte{{0x0c, 1, 2, 3}, {0x04, 9}}
			if err := c.SendTransactions(ctx, node.ID(), xts); err != nil {
				t.Fatal(err)
			}
			select {
			case ev := <-node.Transactions():
				if ev.Peer != c.ID() || len(ev.Transactions) != 2 || !bytes.Equal(ev.Transactions[0], xts[0]) {
					t.Fatalf("transactions %+v", ev)
				}
			case <-time.After(waitLimit):
				t.Fatal("transactions not received")
			}

			// GRANDPA commit (node → client): the captured Westend commit.
			raw := testenv.ReadShared(t, "grandpa", "westend-b5105457-commit.scale")
			g, err := wire.DecodeGossip(append([]byte{1}, raw...))
			if err != nil {
				t.Fatal(err)
			}
			eventually(t, func() error {
				if err := node.SendGossip(ctx, c.ID(), g); err != nil {
					return err
				}
				select {
				case ev := <-c.Gossip():
					if ev.Commit() == nil || ev.Commit().TargetNumber != 5105457 {
						t.Fatalf("gossip %+v", ev.Message)
					}
					return nil
				case <-time.After(200 * time.Millisecond):
					return notYet("commit not received")
				}
			})
			// Five good answers (+1 each) and one refusal (-20).
			if r := c.Reputation(node.ID()); r != 5-20 {
				t.Errorf("reputation %d, want -15", r)
			}
		})
	}
}

// TestLegacyNames checks that a node serving only the legacy names is
// reached through the fallback.
func TestLegacyNames(t *testing.T) {
	tn := newNet(t, "mock", nil)
	n := tn.client.Names()
	tn.node.LibP2P().RemoveStreamHandler(protocolID(n.Sync))
	tn.connect(t)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	// The node's identify snapshot is refreshed asynchronously after the
	// handler removal, so the first attempt may still try the main name.
	eventually(t, func() error {
		resp, err := tn.client.RequestBlocks(ctx, tn.node.ID(), &wire.BlockRequest{Fields: wire.FieldHeader, FromNumber: 1, MaxBlocks: 2})
		if err != nil {
			return err
		}
		if len(resp.Blocks) != 2 {
			t.Fatalf("legacy /ksmcc3/sync/2: %d blocks", len(resp.Blocks))
		}
		return nil
	})
}
