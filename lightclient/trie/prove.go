package trie

import "sort"

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
	root, db := Build(l, entries)
	all := make([][]byte, 0, len(db))
	for _, e := range db {
		all = append(all, e)
	}
	p, err := NewProofWith(root, all, Options{AllowUnused: true})
	if err != nil {
		panic("trie: proof of a trie just built: " + err.Error()) // unreachable
	}
	need := map[Hash]bool{root: true}
	p.record = func(h Hash) { need[h] = true }
	for _, k := range keys {
		_, _, _ = p.Get(k)
	}
	for _, pre := range prefixes {
		_, _ = p.Prefix(pre)
	}
	out := make([][]byte, 0, len(need))
	hs := make([]Hash, 0, len(need))
	for h := range need {
		hs = append(hs, h)
	}
	sort.Slice(hs, func(i, j int) bool { return string(hs[i][:]) < string(hs[j][:]) })
	for _, h := range hs {
		out = append(out, db[h])
	}
	return root, out
}
