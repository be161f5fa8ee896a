package p2p_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// A host with NoGrandpa (a parachain network) neither serves nor opens the
// GRANDPA protocol, even with a peer that speaks it; block announces and
// transactions work as usual.
func TestNoGrandpa(t *testing.T) {
	for _, noGrandpa := range []bool{false, true} {
		tn := newNet(t, "mock", func(c *p2p.Config) { c.NoGrandpa = noGrandpa })
		tn.connect(t)
		served := slices.Contains(tn.client.LibP2P().Mux().Protocols(), protocol.ID(tn.client.Names().Grandpa))
		if served == noGrandpa {
			t.Fatalf("NoGrandpa %v: GRANDPA handler registered %v", noGrandpa, served)
		}
		eventually(t, func() error {
			for _, pi := range tn.client.Peers() {
				if slices.Contains(pi.Open, wire.KindTransactions) && (noGrandpa || slices.Contains(pi.Open, wire.KindGrandpa)) {
					return nil
				}
			}
			return notYet("substreams not open")
		})
		// Connect opens the GRANDPA substream next to the transactions one;
		// with NoGrandpa there is none (and no handler for the node's).
		for _, pi := range tn.client.Peers() {
			if got := slices.Contains(pi.Open, wire.KindGrandpa); got == noGrandpa {
				t.Fatalf("NoGrandpa %v: GRANDPA substream open %v", noGrandpa, got)
			}
		}
		err := tn.client.SendGossip(t.Context(), tn.node.ID(), &wire.Gossip{Kind: wire.GossipNeighbor, Neighbor: &wire.Neighbor{Round: 1}})
		if noGrandpa != errors.Is(err, p2p.ErrNotConnected) || !noGrandpa && err != nil {
			t.Fatalf("NoGrandpa %v: gossip: %v", noGrandpa, err)
		}
	}
}
