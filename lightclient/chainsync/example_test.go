package chainsync_test

import (
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// A driver loop over one in-memory peer serving a generated chain.
func Example() {
	c, _ := testchain.Generate(testchain.Config{Seed: "example", Blocks: 300, SetLength: 100})
	m, _ := chainsync.New(chainsync.Config{Header: c.Blocks[0].Header, Set: c.Set(0)})
	m.AddPeer("node", chainsync.PeerCaps{Kinds: chainsync.CanWarp})
	now := time.Unix(1_700_000_000, 0)
	for !m.Synced() {
		for _, r := range m.Desired(now) {
			proof, _ := c.WarpProof(0, 0) // what the peer sends
			if err := m.OnResponseAt(r.ID, proof.Encode(), now); err != nil {
				fmt.Println("verdict:", chainsync.VerdictOf(err))
			}
		}
		for _, ev := range m.Events() {
			switch e := ev.(type) {
			case chainsync.SetChanged:
				fmt.Println("set", e.Set.SetID, "from block", e.Number)
			case chainsync.Finalized:
				fmt.Println("finalized", e.Header.Number)
			}
		}
		now = now.Add(time.Second)
	}
	_ = grandpa.AuthoritySet{}
	// Output:
	// set 1 from block 100
	// set 2 from block 200
	// set 3 from block 300
	// finalized 300
}
