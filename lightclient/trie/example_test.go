package trie_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/trie"
)

func Example() {
	state := []trie.KV{
		{Key: []byte("alice"), Value: []byte{1}},
		{Key: []byte("bob"), Value: []byte{2}},
		{Key: []byte("carol"), Value: make([]byte, 40)}, // hashed in V1
	}
	// A full node proves two keys; the light client trusts only the root.
	root, proof := trie.Prove(trie.V1, state, [][]byte{[]byte("bob"), []byte("dave")})
	p, err := trie.NewProof(root, proof)
	if err != nil {
		fmt.Println(err)
		return
	}
	v, found, _ := p.Get([]byte("bob"))
	fmt.Println("bob:", v, found)
	_, found, _ = p.Get([]byte("dave"))
	fmt.Println("dave present:", found)
	_, _, err = p.Get([]byte("carol"))
	fmt.Println("carol:", err != nil)
	fmt.Printf("extrinsics root of nothing: %x\n", trie.OrderedRoot(trie.V0, nil))
	// Output:
	// bob: [2] true
	// dave present: false
	// carol: true
	// extrinsics root of nothing: 03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314
}
