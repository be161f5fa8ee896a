package trie

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Options tune NewProofWith.
type Options struct {
	// AllowUnused accepts proofs carrying entries not reachable from the root
	// (Substrate's read_proof_check behaviour). Off by default.
	AllowUnused bool
}

// Proof is a storage proof checked against a trusted root. Its methods answer
// questions about the state the root commits to, or say the proof does not
// cover them. A Proof is safe for concurrent reads.
type Proof struct {
	root    Hash
	entries map[Hash][]byte
	decoded map[Hash]*node
	record  func(Hash) // when set, called for every entry a query reads (proof generation)
}

// childStoragePrefix is where the top trie keeps child trie roots.
var childStoragePrefix = []byte(":child_storage:")

// NewProof checks proof entries against root with the default (strict) options.
func NewProof(root Hash, entries [][]byte) (*Proof, error) {
	return NewProofWith(root, entries, Options{})
}

// NewProofWith checks proof entries against root: the root must be one of
// them, every entry reachable from the root must decode, and (unless
// opts.AllowUnused) every entry must be reachable from the root, from a
// child-trie root stored under ":child_storage:", or be the preimage of a
// hashed value.
func NewProofWith(root Hash, entries [][]byte, opts Options) (*Proof, error) {
	p := &Proof{root: root, entries: make(map[Hash][]byte, len(entries)), decoded: make(map[Hash]*node, len(entries))}
	for _, e := range entries {
		p.entries[hash.Blake2b256(e)] = e
	}
	if _, ok := p.entries[root]; !ok && root == EmptyRoot {
		p.entries[root] = []byte{0} // the empty trie needs no proof
	}
	if _, ok := p.entries[root]; !ok {
		return nil, fmt.Errorf("%w: root 0x%x, %d entries", ErrRootMismatch, root, len(p.entries))
	}
	used := make(map[Hash]bool, len(p.entries))
	dangling := 0
	if err := p.mark(root, used, &dangling); err != nil {
		return nil, err
	}
	// Child tries whose roots the proof shows and holds.
	if kvs, _ := p.Prefix(childStoragePrefix); len(kvs) > 0 {
		for _, kv := range kvs {
			if len(kv.Value) != 32 {
				continue
			}
			var h Hash
			copy(h[:], kv.Value)
			if _, ok := p.entries[h]; ok && !used[h] {
				if err := p.mark(h, used, &dangling); err != nil {
					return nil, fmt.Errorf("child trie 0x%x: %w", h, err)
				}
			}
		}
	}
	if unused := len(p.entries) - len(used); unused > 0 && !opts.AllowUnused {
		if dangling > 0 {
			return nil, fmt.Errorf("%w: %d unreferenced entries, %d referenced nodes absent (%w)", ErrHashMismatch, unused, dangling, ErrUnusedNode)
		}
		return nil, fmt.Errorf("%w: %d of %d entries", ErrUnusedNode, unused, len(p.entries))
	}
	return p, nil
}

// mark decodes every node reachable from h, recording used entries and
// counting references to absent nodes.
func (p *Proof) mark(h Hash, used map[Hash]bool, dangling *int) error {
	stack := []Hash{h}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if used[cur] {
			continue
		}
		enc, ok := p.entries[cur]
		if !ok {
			*dangling++
			continue
		}
		used[cur] = true
		n, err := decodeNode(enc)
		if err != nil {
			return fmt.Errorf("proof entry 0x%x: %w", cur, err)
		}
		p.decoded[cur] = &n
		var visit func(n *node, depth int) error
		visit = func(n *node, depth int) error {
			if n.hashedValue {
				var vh Hash
				copy(vh[:], n.value)
				if _, ok := p.entries[vh]; ok {
					used[vh] = true
				}
			}
			for i, c := range n.children {
				switch {
				case c == nil:
				case len(c) == 32:
					var ch Hash
					copy(ch[:], c)
					stack = append(stack, ch)
				default:
					in, err := decodeNode(c)
					if err != nil {
						return fmt.Errorf("inline child %x of entry 0x%x: %w", i, cur, err)
					}
					if in.kind == kindEmpty {
						return fmt.Errorf("%w: inline empty node in entry 0x%x", ErrBadNode, cur)
					}
					if err := visit(&in, depth+1); err != nil {
						return err
					}
				}
			}
			return nil
		}
		if err := visit(&n, 0); err != nil {
			return err
		}
	}
	return nil
}

// Root is the trusted root this proof was checked against.
func (p *Proof) Root() Hash { return p.root }

// Len is the number of distinct proof entries.
func (p *Proof) Len() int { return len(p.entries) }

// WithRoot returns a view of the same entries rooted at another hash (a child
// trie root read from this proof, for instance). The new root must be one of
// the entries.
func (p *Proof) WithRoot(root Hash) (*Proof, error) {
	if _, ok := p.entries[root]; !ok {
		return nil, fmt.Errorf("%w: root 0x%x", ErrRootMismatch, root)
	}
	q := &Proof{root: root, entries: p.entries, decoded: make(map[Hash]*node)}
	return q, nil
}

// resolve returns the decoded node a child reference (hash or inline) points to.
func (p *Proof) resolve(ref []byte) (*node, bool, error) {
	if len(ref) == 32 {
		var h Hash
		copy(h[:], ref)
		return p.node(h)
	}
	n, err := decodeNode(ref)
	if err != nil {
		return nil, false, err
	}
	if n.kind == kindEmpty {
		return nil, false, fmt.Errorf("%w: inline empty node", ErrBadNode)
	}
	return &n, true, nil
}

func (p *Proof) node(h Hash) (*node, bool, error) {
	if p.record != nil {
		if _, ok := p.entries[h]; ok {
			p.record(h)
		}
	}
	if n, ok := p.decoded[h]; ok {
		return n, true, nil
	}
	enc, ok := p.entries[h]
	if !ok {
		return nil, false, nil
	}
	n, err := decodeNode(enc)
	if err != nil {
		return nil, false, fmt.Errorf("proof entry 0x%x: %w", h, err)
	}
	// Not cached: the map is read concurrently; views built by WithRoot
	// decode lazily.
	return &n, true, nil
}

// nodeValue returns the value a node holds, fetching a hashed value's preimage.
func (p *Proof) nodeValue(n *node) ([]byte, bool) {
	if !n.hashedValue {
		return n.value, true
	}
	var vh Hash
	copy(vh[:], n.value)
	v, ok := p.entries[vh]
	if ok && p.record != nil {
		p.record(vh)
	}
	return v, ok
}

// Get returns the value stored at key, or found=false when the proof shows
// the key absent. It fails with ErrIncompleteProof when the proof does not
// reach the key (or lacks the preimage of its hashed value).
func (p *Proof) Get(key []byte) (value []byte, found bool, err error) {
	n, err := p.lookup(key)
	if n == nil || err != nil {
		return nil, false, err
	}
	v, ok := p.nodeValue(n)
	if !ok {
		return nil, false, fmt.Errorf("%w: value node 0x%x of key 0x%x", ErrIncompleteProof, n.value, key)
	}
	return v, true, nil
}

// ValueHash returns the hash (Blake2-256) of the value stored at key, or
// found=false when the proof shows the key absent. A value the trie stores
// by hash (layout V1, 33 bytes or more) needs only the node that references
// it, not its preimage: a proof of a key just below it (key||0x00, absent)
// proves the hash of a large value, the runtime code for instance, without
// carrying the value. It fails with ErrIncompleteProof when the proof does
// not reach the key.
func (p *Proof) ValueHash(key []byte) (h Hash, found bool, err error) {
	n, err := p.lookup(key)
	if n == nil || err != nil {
		return Hash{}, false, err
	}
	if n.hashedValue {
		copy(h[:], n.value)
		return h, true, nil
	}
	return Hash(hash.Blake2b256(n.value)), true, nil
}

// lookup walks the proof to the node holding key's value: nil when the
// proof shows the key absent, ErrIncompleteProof when it does not reach it.
func (p *Proof) lookup(key []byte) (*node, error) {
	nib := toNibbles(key)
	n, ok, err := p.node(p.root)
	if err != nil || !ok {
		return nil, fmt.Errorf("%w: root node", ErrIncompleteProof)
	}
	depth := 0
	for {
		if n.kind == kindEmpty {
			if depth != 0 {
				return nil, fmt.Errorf("%w: empty node below the root", ErrBadNode)
			}
			return nil, nil
		}
		rest := nib[depth:]
		if len(rest) < len(n.partial) || !bytes.Equal(rest[:len(n.partial)], n.partial) {
			return nil, nil
		}
		depth += len(n.partial)
		if depth == len(nib) {
			if !n.hasValue {
				return nil, nil
			}
			return n, nil
		}
		if n.kind == kindLeaf {
			return nil, nil
		}
		ref := n.children[nib[depth]]
		if ref == nil {
			return nil, nil
		}
		depth++
		child, ok, err := p.resolve(ref)
		if err != nil {
			return nil, fmt.Errorf("key 0x%x at nibble %d: %w", key, depth, err)
		}
		if !ok {
			return nil, fmt.Errorf("%w: key 0x%x, node 0x%x at nibble %d", ErrIncompleteProof, key, ref, depth)
		}
		n = child
	}
}

// Lookup is the answer for one key of GetMany.
type Lookup struct {
	Key   []byte
	Value []byte // nil when absent
	Found bool
	Err   error // ErrIncompleteProof when the proof does not cover the key
}

// GetMany answers several keys from one proof.
func (p *Proof) GetMany(keys [][]byte) []Lookup {
	out := make([]Lookup, len(keys))
	for i, k := range keys {
		v, ok, err := p.Get(k)
		out[i] = Lookup{Key: k, Value: v, Found: ok, Err: err}
	}
	return out
}

// MaxPrefixEntries bounds the entries a prefix scan returns.
const MaxPrefixEntries = 1 << 20

// IncompleteError lists the parts of a prefix the proof does not cover.
type IncompleteError struct {
	Prefix []byte
	// Missing holds the nibble paths (one nibble per byte) of subtrees or
	// value nodes the proof does not contain.
	Missing [][]byte
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%v: prefix 0x%x: %d subtrees or values missing", ErrIncompleteProof, e.Prefix, len(e.Missing))
}

func (e *IncompleteError) add(path []byte, found int) error {
	if found+len(e.Missing) >= MaxPrefixEntries {
		return fmt.Errorf("%w: more than %d gaps and entries under one prefix", ErrTooManyEntries, MaxPrefixEntries)
	}
	e.Missing = append(e.Missing, path)
	return nil
}

// Unwrap makes errors.Is(err, ErrIncompleteProof) true.
func (e *IncompleteError) Unwrap() error { return ErrIncompleteProof }

// Prefix returns every key/value under prefix, in key order. When the proof
// does not cover all of the prefix it returns what it found together with an
// *IncompleteError (which wraps ErrIncompleteProof).
func (p *Proof) Prefix(prefix []byte) ([]KV, error) {
	pn := toNibbles(prefix)
	inc := &IncompleteError{Prefix: prefix}
	var out []KV
	n, ok, err := p.node(p.root)
	if err != nil {
		return nil, err
	}
	if !ok {
		inc.Missing = append(inc.Missing, []byte{})
		return nil, inc
	}
	path := []byte{}
	for {
		if n.kind == kindEmpty {
			return nil, nil
		}
		// Does this node's key range lie under the prefix?
		rest := pn[len(path):]
		m := min(len(rest), len(n.partial))
		if !bytes.Equal(rest[:m], n.partial[:m]) {
			return nil, nil
		}
		if len(rest) <= len(n.partial) {
			break // node n and its subtree are under the prefix
		}
		path = append(path, n.partial...)
		if n.kind == kindLeaf {
			return nil, nil
		}
		nib := pn[len(path)]
		ref := n.children[nib]
		if ref == nil {
			return nil, nil
		}
		path = append(path, nib)
		child, ok, err := p.resolve(ref)
		if err != nil {
			return nil, err
		}
		if !ok {
			inc.Missing = append(inc.Missing, append([]byte(nil), path...))
			return nil, inc
		}
		n = child
	}
	if err := p.walk(n, path, &out, inc); err != nil {
		return out, err
	}
	if len(inc.Missing) > 0 {
		return out, inc
	}
	return out, nil
}

// walk appends the entries of the subtree at n (whose parent path is path) in order.
func (p *Proof) walk(n *node, path []byte, out *[]KV, inc *IncompleteError) error {
	full := append(append([]byte(nil), path...), n.partial...)
	if n.hasValue {
		if len(full)%2 == 1 {
			return fmt.Errorf("%w: value at an odd nibble depth", ErrBadNode)
		}
		v, ok := p.nodeValue(n)
		if !ok {
			if err := inc.add(full, len(*out)); err != nil {
				return err
			}
		} else {
			if len(*out) >= MaxPrefixEntries {
				return fmt.Errorf("%w: more than %d under one prefix", ErrTooManyEntries, MaxPrefixEntries)
			}
			*out = append(*out, KV{Key: fromNibbles(full), Value: v})
		}
	}
	for i, ref := range n.children {
		if ref == nil {
			continue
		}
		cp := append(append([]byte(nil), full...), byte(i))
		child, ok, err := p.resolve(ref)
		if err != nil {
			return err
		}
		if !ok {
			if err := inc.add(cp, len(*out)); err != nil {
				return err
			}
			continue
		}
		if err := p.walk(child, cp, out, inc); err != nil {
			return err
		}
	}
	return nil
}

// DecodeProofSCALE decodes a SCALE Vec<Vec<u8>> of proof entries.
func DecodeProofSCALE(b []byte) ([][]byte, error) {
	d := scale.NewDecoder(b)
	n, err := d.Len(1)
	if err != nil {
		return nil, fmt.Errorf("%w: entry count: %v", ErrBadProofEncoding, err)
	}
	out := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		e, err := d.Bytes()
		if err != nil {
			return nil, fmt.Errorf("%w: entry %d: %v", ErrBadProofEncoding, i, err)
		}
		out = append(out, e)
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadProofEncoding, err)
	}
	return out, nil
}

// EncodeProofSCALE encodes entries as a SCALE Vec<Vec<u8>>.
func EncodeProofSCALE(entries [][]byte) []byte {
	out := scale.AppendCompact(nil, uint64(len(entries)))
	for _, e := range entries {
		out = scale.AppendBytes(out, e)
	}
	return out
}

// ParseProof reads proof entries in any of the forms ksm accepts: a JSON
// array of 0x-hex nodes, a JSON object with a "proof" array (a
// state_getReadProof result), 0x-hex text of a SCALE Vec<Vec<u8>>, or those
// SCALE bytes raw.
func ParseProof(b []byte) ([][]byte, error) {
	t := bytes.TrimSpace(b)
	var textErr error
	switch {
	case len(t) > 0 && (t[0] == '[' || t[0] == '{'):
		out, err := parseProofJSON(t)
		if err == nil {
			return out, nil
		}
		textErr = err
	case len(t) >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'):
		raw, err := DecodeHex(string(t))
		if err == nil {
			return DecodeProofSCALE(raw)
		}
		textErr = fmt.Errorf("%w: %v", ErrBadProofEncoding, err)
	}
	// Raw SCALE bytes, which may happen to look like text.
	out, err := DecodeProofSCALE(b)
	if err != nil && textErr != nil {
		return nil, textErr
	}
	return out, err
}

func parseProofJSON(t []byte) ([][]byte, error) {
	var list []string
	if t[0] == '{' {
		var obj struct {
			Proof []string `json:"proof"`
		}
		if err := json.Unmarshal(t, &obj); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadProofEncoding, err)
		}
		if obj.Proof == nil {
			return nil, fmt.Errorf("%w: JSON object without a \"proof\" array", ErrBadProofEncoding)
		}
		list = obj.Proof
	} else if err := json.Unmarshal(t, &list); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadProofEncoding, err)
	}
	out := make([][]byte, 0, len(list))
	for i, s := range list {
		e, err := DecodeHex(s)
		if err != nil {
			return nil, fmt.Errorf("%w: entry %d: %v", ErrBadProofEncoding, i, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// DecodeHex decodes 0x-prefixed (or bare) hex.
func DecodeHex(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	return hex.DecodeString(s)
}
