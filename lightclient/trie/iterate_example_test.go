package trie_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// Verified key enumeration: walk the proof, ask a full node for the proofs
// of the paths the walk is missing, merge, walk again.
func ExampleProof_KeysAfter() {
	var state []trie.KV
	for i := 0; i < 40; i++ {
		state = append(state, trie.KV{Key: []byte(fmt.Sprintf("acct/%02d", i)), Value: []byte{byte(i)}})
	}
	state = append(state, trie.KV{Key: []byte("other"), Value: []byte{1}})
	root, nodes := trie.Prove(trie.V1, state, nil) // the root node only
	var keys [][]byte
	var start []byte
	for round := 1; ; round++ {
		p, err := trie.NewProofWith(root, nodes, trie.Options{AllowUnused: true})
		if err != nil {
			fmt.Println(err)
			return
		}
		got, missing, err := p.KeysAfter([]byte("acct/"), start, 5-len(keys))
		if err != nil {
			fmt.Println(err)
			return
		}
		keys = append(keys, got...)
		if len(got) > 0 {
			start = got[len(got)-1]
		}
		if len(missing) == 0 {
			fmt.Printf("%q after %d rounds\n", keys, round)
			return
		}
		var probe [][]byte
		for _, path := range missing {
			probe = append(probe, trie.PathKey(path))
		}
		_, more := trie.Prove(trie.V1, state, probe) // a full node's answer
		nodes = append(nodes, more...)
	}
	// Output: ["acct/00" "acct/01" "acct/02" "acct/03" "acct/04"] after 3 rounds
}
