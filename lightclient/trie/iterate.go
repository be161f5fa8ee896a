package trie

import (
	"bytes"
	"fmt"
)

// MaxWalkGaps bounds how many missing subtrees one KeysAfter call reports.
const MaxWalkGaps = 256

// KeysAfter walks the trie in key order and returns up to count keys that
// start with prefix and are strictly greater than start (a nil start, or one
// below prefix, starts at the first key under prefix). Values are not needed:
// a missing value node does not stop the walk.
//
// When the proof lacks nodes the walk needs, keys holds only the keys found
// before the first missing node — the first keys of the answer, complete and
// in order — and missing holds the nibble paths (one nibble per byte, the
// position of the absent child reference) of the subtrees the walk needs
// next, in key order: the first one and those after it that may hold the
// following keys, up to MaxWalkGaps, stopping as soon as the subtrees seen
// surely hold count keys. A proof of PathKey(path) contains the node at path,
// so a caller fetches those proofs, merges them and walks again from the last
// key it got (verified enumeration, as smoldot's prefix proofs do).
//
// It fails, wrapping ErrBadNode, when the trie the proof shows is not a valid
// Substrate trie (a malformed node, a value at an odd nibble depth).
func (p *Proof) KeysAfter(prefix, start []byte, count int) (keys, missing [][]byte, err error) {
	if count <= 0 {
		return nil, nil, nil
	}
	w := &walker{p: p, pre: toNibbles(prefix), count: count}
	var bounded bool
	if start != nil {
		w.start, bounded = toNibbles(start), true
	}
	root, ok, err := p.node(p.root)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, [][]byte{{}}, nil
	}
	if root.kind == kindEmpty {
		return nil, nil, nil
	}
	if err := w.visit(root, nil, bounded, 0); err != nil {
		return nil, nil, err
	}
	return w.keys, w.gaps, nil
}

// NextKey returns the first key of the trie strictly greater than key
// (found=false at the end of the trie), or the missing subtrees needed to
// know it (see KeysAfter).
func (p *Proof) NextKey(key []byte) (next []byte, found bool, missing [][]byte, err error) {
	if key == nil {
		key = []byte{}
	}
	keys, missing, err := p.KeysAfter(nil, key, 1)
	if err != nil || len(missing) > 0 {
		return nil, false, missing, err
	}
	if len(keys) == 0 {
		return nil, false, nil, nil
	}
	return keys[0], true, nil, nil
}

// PathKey returns the key whose proof contains the node at nibble path (one
// nibble per byte): the path padded with a zero nibble to whole bytes.
func PathKey(path []byte) []byte {
	out := make([]byte, 0, (len(path)+1)/2)
	for i := 0; i < len(path); i += 2 {
		b := (path[i] & 0x0f) << 4
		if i+1 < len(path) {
			b |= path[i+1] & 0x0f
		}
		out = append(out, b)
	}
	return out
}

type walker struct {
	p     *Proof
	pre   []byte // prefix nibbles
	start []byte // start nibbles (when bounded)
	count int

	keys [][]byte // keys before the first gap
	gaps [][]byte
	// credit counts the keys known to come: keys found (before or after the
	// first gap) and one per unbounded gap (a subtree holds a key at least).
	credit int
	done   bool
}

// maxWalkDepth bounds the recursion (a key of 64 KiB has 131072 nibbles;
// every node adds at least one).
const maxWalkDepth = 1 << 18

// visit walks node n whose parent path (up to and including the child
// index) is path. bounded says path is a prefix of the start key, so keys
// of this subtree may be at or below it.
func (w *walker) visit(n *node, path []byte, bounded bool, depth int) error {
	if w.done {
		return nil
	}
	if depth > maxWalkDepth {
		return fmt.Errorf("%w: trie deeper than %d nodes", ErrBadNode, maxWalkDepth)
	}
	if n.kind == kindEmpty {
		return fmt.Errorf("%w: empty node below the root", ErrBadNode)
	}
	full := make([]byte, 0, len(path)+len(n.partial)+1)
	full = append(append(full, path...), n.partial...)
	// Under the prefix (or leading to it)?
	m := min(len(full), len(w.pre))
	if !bytes.Equal(full[:m], w.pre[:m]) {
		return nil
	}
	if bounded {
		m := min(len(full), len(w.start))
		switch c := bytes.Compare(full[:m], w.start[:m]); {
		case c < 0:
			return nil // every key here is below start
		case c > 0 || len(full) > len(w.start):
			bounded = false // every key here is above start
		}
	}
	if n.hasValue && len(full) >= len(w.pre) && !bounded {
		if len(full)%2 == 1 {
			return fmt.Errorf("%w: value at odd nibble depth %d", ErrBadNode, len(full))
		}
		w.key(fromNibbles(full))
		if w.done {
			return nil
		}
	}
	if n.kind == kindLeaf {
		return nil
	}
	lo, hi := 0, 15
	if len(full) < len(w.pre) {
		lo, hi = int(w.pre[len(full)]), int(w.pre[len(full)])
	}
	childBounded := -1 // the child index still bounded by start
	if bounded && len(w.start) > len(full) {
		s := int(w.start[len(full)])
		lo = max(lo, s)
		childBounded = s
	}
	for i := lo; i <= hi && !w.done; i++ {
		ref := n.children[i]
		if ref == nil {
			continue
		}
		cp := append(full, byte(i))
		child, ok, err := w.p.resolve(ref)
		if err != nil {
			return fmt.Errorf("node at nibble path %x, child %x: %w", full, i, err)
		}
		if !ok {
			w.gap(cp, i == childBounded)
			continue
		}
		if err := w.visit(child, cp, i == childBounded, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) key(k []byte) {
	if len(w.gaps) == 0 {
		w.keys = append(w.keys, k)
	}
	w.credit++
	if w.credit >= w.count {
		w.done = true
	}
}

// gap records an absent subtree at path; it surely holds a key of the
// answer when it lies under the prefix and above start.
func (w *walker) gap(path []byte, bounded bool) {
	w.gaps = append(w.gaps, append([]byte(nil), path...))
	if !bounded && len(path) >= len(w.pre) {
		w.credit++
	}
	if w.credit >= w.count || len(w.gaps) >= MaxWalkGaps {
		w.done = true
	}
}

// ProofOf returns the entries of p that prove keys (their values, hashed
// values included, or their absence): a minimal proof to hand on. It fails
// with ErrIncompleteProof when p does not cover one of the keys.
func (p *Proof) ProofOf(keys [][]byte) ([][]byte, error) {
	need := map[Hash]bool{p.root: true}
	// A view recording what it reads; p itself is not changed, so that
	// concurrent readers of p are unaffected.
	q := &Proof{root: p.root, entries: p.entries, decoded: p.decoded, record: func(h Hash) { need[h] = true }}
	for _, k := range keys {
		if _, _, err := q.Get(k); err != nil {
			return nil, err
		}
	}
	out := make([][]byte, 0, len(need))
	for h := range need {
		if e, ok := p.entries[h]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// Merge returns a proof over p's entries and more, against the same root,
// for callers that gather proofs of one state round after round. Unlike
// NewProofWith it does not walk the whole trie again: it only hashes and
// decodes the new entries. Entries need no checking: every question is
// answered from nodes reached by hash from the trusted root, so an entry
// that nothing references is never read. p is not changed.
func (p *Proof) Merge(entries [][]byte) *Proof {
	q := &Proof{root: p.root, entries: make(map[Hash][]byte, len(p.entries)+len(entries)), decoded: make(map[Hash]*node, len(p.decoded)+len(entries))}
	for h, e := range p.entries {
		q.entries[h] = e
	}
	for h, n := range p.decoded {
		q.decoded[h] = n
	}
	for _, e := range entries {
		h := hashOf(e)
		if _, ok := q.entries[h]; ok {
			continue
		}
		q.entries[h] = e
		// Value preimages are entries too: keep only what decodes.
		if n, err := decodeNode(e); err == nil {
			q.decoded[h] = &n
		}
	}
	return q
}
