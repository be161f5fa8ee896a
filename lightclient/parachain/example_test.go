package parachain_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

func Example() {
	// Asset Hub state and its head, held by the relay chain.
	ahState := []trie.KV{{Key: []byte("balance/alice"), Value: []byte{100}}}
	ahHead := &header.Header{Number: 7, StateRoot: header.Hash(trie.Root(trie.V1, ahState))}
	relayState := []trie.KV{{Key: parachain.HeadsKey(1000), Value: parachain.EncodeHeadData(ahHead)}}

	// A full node serves two proofs; the light client trusts only the relay state root.
	relayRoot, relayProof := trie.Prove(trie.V1, relayState, [][]byte{parachain.HeadsKey(1000)})
	_, ahProof := trie.Prove(trie.V1, ahState, [][]byte{[]byte("balance/alice")})

	v, found, head, err := parachain.Read(header.Hash(relayRoot), relayProof, 1000, ahProof, []byte("balance/alice"))
	fmt.Println(v, found, head.Header.Number, err)
	// Output: [100] true 7 <nil>
}
