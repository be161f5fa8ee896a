package chainsync_test

import (
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// A call proof fetched from a peer that serves /light/2 remote calls: the
// peer's answer is checked against the block's state root before the
// caller gets the nodes.
func ExampleMachine_FetchCallProof() {
	c, _ := testchain.Generate(testchain.Config{Seed: "example-call", Blocks: 3})
	m, _ := chainsync.New(chainsync.Config{Header: c.Blocks[3].Header, Set: c.Set(c.SetIDAt(4))})
	m.AddPeer("node", chainsync.PeerCaps{Kinds: chainsync.CanCallProof})
	b := c.Blocks[3]
	m.FetchCallProof(b.Header, b.Hash, "Core_version", nil, func(nodes [][]byte, err error) {
		p, _ := trie.NewProof(trie.Hash(b.Header.StateRoot), nodes)
		v, _, _ := p.Get(testchain.KeySystemNumber)
		fmt.Printf("%d nodes, System.Number = %x, %v\n", len(nodes), v, err)
	})
	now := time.Unix(1_700_000_000, 0)
	for _, r := range m.Desired(now) {
		// What the peer sends: the proof of the keys the call read.
		_, nodes := trie.Prove(*c.Config.Layout, c.State(3), [][]byte{testchain.KeySystemNumber})
		fmt.Println(r.Kind, r.Method, chainsync.VerdictOf(m.OnResponseAt(r.ID, trie.EncodeProofSCALE(nodes), now)))
	}
	// Output:
	// 2 nodes, System.Number = 03000000, <nil>
	// call proof Core_version ok
}
