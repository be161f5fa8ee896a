package chainsync

import (
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

func orderedRoot(v int, body [][]byte) header.Hash {
	if v == 0 {
		return trie.OrderedRoot(trie.V0, body)
	}
	return trie.OrderedRoot(trie.V1, body)
}
