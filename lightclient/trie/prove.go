package trie

import (
	"maps"
	"slices"
)

// Build computes the trie of entries under layout l and returns its root and
// every node a proof may need: each node referenced by hash (the root
// included) and, in V1, each hashed value, keyed by blake2b-256.
func Build(l Layout, entries []KV) (Hash, map[Hash][]byte) {
	db := make(map[Hash][]byte)
	b := &builder{layout: l, store: func(enc []byte) { db[hashOf(enc)] = enc }}
	sorted := RootNode(l, nil)
	if len(entries) > 0 {
		sorted = b.root(entries)
	}
	root := hashOf(sorted)
	db[root] = sorted
	return root, db
}

// Prove returns the root of entries under layout l and a minimal proof of
// keys (their values or their absence), as a full node would serve it. With a
// nil keys it proves nothing but the root node. Entries in the proof are in
// no particular order.
func Prove(l Layout, entries []KV, keys [][]byte) (Hash, [][]byte) {
	return ProveWith(l, entries, keys, nil)
}

// ProveWith is Prove that also covers every key under each of prefixes.
func ProveWith(l Layout, entries []KV, keys, prefixes [][]byte) (Hash, [][]byte) {
	v := NewProver(l, entries)
	return v.root, v.prove(keys, prefixes)
}

// proofOfNodes checks every node of db against root, allowing nodes that
// nothing references.
func proofOfNodes(root Hash, db map[Hash][]byte) (*Proof, error) {
	return NewProofWith(root, slices.Collect(maps.Values(db)), Options{AllowUnused: true})
}
