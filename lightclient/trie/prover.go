package trie

import "sort"

// Prover serves minimal proofs of one state, as a full node does, building
// the trie once (Prove builds it at every call). It is safe for concurrent use.
type Prover struct {
	root Hash
	db   map[Hash][]byte
	p    *Proof
}

// NewProver builds the trie of entries under layout l.
func NewProver(l Layout, entries []KV) *Prover {
	root, db := Build(l, entries)
	p, err := proofOfNodes(root, db)
	if err != nil {
		panic("trie: proof of a trie just built: " + err.Error()) // unreachable
	}
	return &Prover{root: root, db: db, p: p}
}

// Root is the state root.
func (v *Prover) Root() Hash { return v.root }

// Prove returns the minimal proof of keys (values or absence), sorted by
// node hash like Prove.
func (v *Prover) Prove(keys [][]byte) [][]byte {
	return v.prove(keys, nil)
}

// prove returns the minimal proof of keys and of every key under each of
// prefixes, sorted by node hash.
func (v *Prover) prove(keys, prefixes [][]byte) [][]byte {
	need := map[Hash]bool{v.root: true}
	// A view recording what it reads, so that concurrent callers do not
	// share a record.
	q := &Proof{root: v.root, entries: v.p.entries, decoded: v.p.decoded, record: func(h Hash) { need[h] = true }}
	for _, k := range keys {
		_, _, _ = q.Get(k)
	}
	for _, pre := range prefixes {
		_, _ = q.Prefix(pre)
	}
	hs := make([]Hash, 0, len(need))
	for h := range need {
		hs = append(hs, h)
	}
	sort.Slice(hs, func(i, j int) bool { return string(hs[i][:]) < string(hs[j][:]) })
	out := make([][]byte, 0, len(hs))
	for _, h := range hs {
		out = append(out, v.db[h])
	}
	return out
}
