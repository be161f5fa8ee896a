package p2p_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// TestStalledNotificationSubstreamClosed: a peer that completes the
// handshake and then sends nothing, or starts a frame and stalls, has its
// inbound substream closed after Config.NotificationIdleTimeout, so it
// cannot pin a reader (and its buffer) for ever.
func TestStalledNotificationSubstreamClosed(t *testing.T) {
	const idle = 300 * time.Millisecond
	cases := []struct {
		name string
		kind wire.Kind
		raw  []byte
	}{
		{"silent announces", wire.KindBlockAnnounces, nil},
		{"partial grandpa frame", wire.KindGrandpa, append(wire.AppendUvarint(nil, 1000), make([]byte, 10)...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tn := newNet(t, "tcp", func(cfg *p2p.Config) { cfg.NotificationIdleTimeout = idle })
			tn.connect(t)
			tn.settle(t, c.kind)
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			s, err := tn.node.RawSubstream(ctx, tn.client.ID(), c.kind, tn.nodeHandshake(c.kind))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Reset()
			if _, err := s.Write(c.raw); err != nil {
				t.Fatal(err)
			}
			// Generous bound: the client must close the substream long before it.
			_ = s.SetReadDeadline(time.Now().Add(10 * time.Second))
			var buf [1]byte
			_, err = s.Read(buf[:])
			var timeout interface{ Timeout() bool }
			if err == nil || errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &timeout) && timeout.Timeout() {
				t.Fatalf("stalled substream still open after 10s with a %v idle timeout (read: %v)", idle, err)
			}
			if tn.client.Banned(tn.node.ID()) {
				t.Fatal("an idle substream is not a ban")
			}
		})
	}
}

// TestLightClientDiscardsTransactions: a light client relays no
// transactions, so inbound transaction gossip is skipped unread (not
// decoded, not queued, not buffered); only a frame over the protocol limit
// is still a protocol violation.
func TestLightClientDiscardsTransactions(t *testing.T) {
	tn := newNet(t, "mock", nil)
	tn.connect(t)
	tn.settle(t, wire.KindTransactions)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	xts := [][]byte{scale.AppendBytes(nil, []byte{1, 2, 3}), scale.AppendBytes(nil, bytes.Repeat([]byte{9}, 100))}
	good, err := wire.EncodeTransactions(xts)
	if err != nil {
		t.Fatal(err)
	}
	if err := tn.node.SendTransactions(ctx, tn.client.ID(), xts[:1]); err != nil {
		t.Fatal(err)
	}
	discarded := func(want int64) {
		t.Helper()
		eventually(t, func() error {
			if n := tn.client.Stats().DiscardedTransactions.Load(); n < want {
				return notYet("%d transaction notifications discarded, want %d", n, want)
			}
			return nil
		})
	}
	discarded(1)
	// A fresh substream carries a malformed one (a relaying full node would
	// ban for it; we never decode it) and then a good one.
	raw := append(wire.AppendFrame(nil, []byte{8, 1}), wire.AppendFrame(nil, good)...)
	if err := tn.node.RawNotifications(ctx, tn.client.ID(), wire.KindTransactions, tn.nodeHandshake(wire.KindTransactions), raw); err != nil {
		t.Fatal(err)
	}
	discarded(3)
	if n := len(tn.client.Transactions()); n != 0 {
		t.Fatalf("light client queued %d transaction notifications", n)
	}
	if tn.client.Banned(tn.node.ID()) {
		r, _ := tn.client.BanReason(tn.node.ID())
		t.Fatalf("banned for discarded gossip: %s", r)
	}
	// Over the limit is still refused.
	if err := tn.node.RawNotifications(ctx, tn.client.ID(), wire.KindTransactions, tn.nodeHandshake(wire.KindTransactions),
		wire.AppendUvarint(nil, p2p.MaxTransactionsSize+1)); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() error {
		if !tn.client.Banned(tn.node.ID()) {
			return notYet("not banned for an oversized frame")
		}
		return nil
	})
}
