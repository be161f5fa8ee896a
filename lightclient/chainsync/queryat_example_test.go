package chainsync_test

import (
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// Reading storage at an older verified block: after a warp sync the machine
// keeps the fragment headers, and proofs at them verify against their roots.
func ExampleMachine_QueryAt() {
	c, _ := testchain.Generate(testchain.Config{Seed: "example-at", Blocks: 300, SetLength: 100})
	m, _ := chainsync.New(chainsync.Config{Header: c.Blocks[0].Header, Set: c.Set(0)})
	m.AddPeer("node", chainsync.PeerCaps{Kinds: chainsync.CanWarp | chainsync.CanStorage})
	now := time.Unix(1_700_000_000, 0)
	var id chainsync.QueryID
	for done := false; !done; now = now.Add(time.Second) {
		if m.Synced() && id == 0 {
			id = m.QueryAt(c.Blocks[200].Hash, [][]byte{testchain.KeySystemNumber})
		}
		for _, r := range m.Desired(now) {
			var payload []byte
			switch r.Kind {
			case chainsync.KindWarp:
				proof, _ := c.WarpProof(0, 0)
				payload = proof.Encode()
			case chainsync.KindStorage: // the peer proves the keys at r.Block
				_, nodes := trie.Prove(*c.Config.Layout, c.State(r.Number), r.Keys)
				payload = trie.EncodeProofSCALE(nodes)
			}
			_ = m.OnResponseAt(r.ID, payload, now)
		}
		for _, ev := range m.Events() {
			if q, ok := ev.(chainsync.QueryResult); ok && q.ID == id {
				fmt.Printf("System.Number at block %d: %x (%d proof nodes)\n", q.Number, q.Values[0].Value, len(q.Proof))
				done = true
			}
		}
	}
	_, known := m.KnownHeader(c.Blocks[150].Hash)
	fmt.Println("block 150 kept:", known)
	// Output:
	// System.Number at block 200: c8000000 (2 proof nodes)
	// block 150 kept: false
}
