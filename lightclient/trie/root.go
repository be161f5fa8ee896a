package trie

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Layout is the trie layout (state_version of the runtime).
type Layout uint8

const (
	// V0 stores every value inline in its node.
	V0 Layout = 0
	// V1 stores values of 33 bytes or more as a separate node referenced by hash.
	V1 Layout = 1
)

// valueHashThreshold is the value length from which layout V1 hashes values
// (sp-trie TRIE_VALUE_NODE_THRESHOLD).
const valueHashThreshold = 33

// String names the layout.
func (l Layout) String() string {
	switch l {
	case V0:
		return "V0"
	case V1:
		return "V1"
	}
	return fmt.Sprintf("Layout(%d)", uint8(l))
}

// EmptyRoot is the root of the empty trie: blake2b-256(0x00).
var EmptyRoot = hash.Blake2b256([]byte{0})

// KV is one storage entry.
type KV struct {
	Key, Value []byte
}

type nkv struct {
	key   []byte // nibbles
	value []byte
}

// Root returns the trie root of entries under layout l. Entries may come in
// any order; when a key repeats, the last value wins.
func Root(l Layout, entries []KV) Hash {
	enc := RootNode(l, entries)
	return hash.Blake2b256(enc)
}

// RootNode returns the encoding of the root node of entries (its blake2b-256
// hash is the root). It is the one proof entry of a trie holding one small value.
func RootNode(l Layout, entries []KV) []byte {
	if len(entries) == 0 {
		return []byte{0}
	}
	b := &builder{layout: l}
	return b.root(entries)
}

func hashOf(b []byte) Hash { return hash.Blake2b256(b) }

// root encodes the root node of non-empty entries.
func (b *builder) root(entries []KV) []byte {
	sorted := make([]KV, len(entries))
	copy(sorted, entries)
	sort.SliceStable(sorted, func(i, j int) bool { return bytes.Compare(sorted[i].Key, sorted[j].Key) < 0 })
	list := make([]nkv, 0, len(sorted))
	for i, e := range sorted {
		if i+1 < len(sorted) && bytes.Equal(e.Key, sorted[i+1].Key) {
			continue // the later one wins
		}
		list = append(list, nkv{toNibbles(e.Key), e.Value})
	}
	return b.encode(list, 0)
}

// MapRoot is Root over a map.
func MapRoot(l Layout, m map[string][]byte) Hash {
	entries := make([]KV, 0, len(m))
	for k, v := range m {
		entries = append(entries, KV{[]byte(k), v})
	}
	return Root(l, entries)
}

// StateRoot returns the state root of top-trie entries and default child
// tries (childKey → entries): each non-empty child trie's root is stored in
// the top trie at ChildStorageKey(childKey), as Substrate does.
func StateRoot(l Layout, top []KV, children map[string][]KV) Hash {
	if len(children) == 0 {
		return Root(l, top)
	}
	all := append([]KV(nil), top...)
	keys := make([]string, 0, len(children))
	for k := range children {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(children[k]) == 0 {
			continue
		}
		r := Root(l, children[k])
		all = append(all, KV{ChildStorageKey([]byte(k)), r[:]})
	}
	return Root(l, all)
}

// OrderedRoot returns the root of the trie mapping SCALE Compact(i) to
// values[i] — the extrinsics root of a block when values are the extrinsics
// with their length prefix.
func OrderedRoot(l Layout, values [][]byte) Hash {
	entries := make([]KV, len(values))
	for i, v := range values {
		entries[i] = KV{scale.AppendCompact(nil, uint64(i)), v}
	}
	return Root(l, entries)
}

// builder encodes nodes; store, when set, receives every hashed node (used to
// build proofs in tests and by ProofOf).
type builder struct {
	layout Layout
	store  func(enc []byte)
}

func (b *builder) valueHashed(v []byte) bool {
	return b.layout == V1 && len(v) >= valueHashThreshold
}

func (b *builder) value(v []byte) ([]byte, bool) {
	if b.valueHashed(v) {
		if b.store != nil {
			b.store(v)
		}
		h := hash.Blake2b256(v)
		return h[:], true
	}
	return v, false
}

// encode returns the node encoding for sorted, unique entries sharing the
// first depth nibbles.
func (b *builder) encode(list []nkv, depth int) []byte {
	first, last := list[0].key, list[len(list)-1].key
	cp := 0
	for depth+cp < len(first) && depth+cp < len(last) && first[depth+cp] == last[depth+cp] {
		cp++
	}
	if len(list) == 1 {
		v, hashed := b.value(list[0].value)
		return encodeLeaf(first[depth:], v, hashed)
	}
	pos := depth + cp
	partial := first[depth:pos]
	var hasValue, hashed bool
	var value []byte
	if len(first) == pos {
		hasValue = true
		value, hashed = b.value(list[0].value)
		list = list[1:]
	}
	var children [16][]byte
	for len(list) > 0 {
		nib := list[0].key[pos]
		j := 1
		for j < len(list) && list[j].key[pos] == nib {
			j++
		}
		enc := b.encode(list[:j], pos+1)
		if len(enc) >= 32 && b.store != nil {
			b.store(enc)
		}
		children[nib] = reference(enc)
		list = list[j:]
	}
	return encodeBranch(partial, hasValue, value, hashed, &children)
}
