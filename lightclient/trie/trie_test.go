package trie

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"testing"

	"github.com/ksm-wallet/ksm/tx/hash"
)

func genEntries(n int, seed int64, bigValues bool) []KV {
	r := rand.New(rand.NewSource(seed))
	var kvs []KV
	for i := 0; i < n; i++ {
		k := make([]byte, 1+r.Intn(40))
		r.Read(k)
		if i%7 == 0 && len(kvs) > 0 { // keys that are prefixes of others
			prev := kvs[r.Intn(len(kvs))].Key
			k = append(append([]byte(nil), prev...), k[:1+r.Intn(len(k))]...)
		}
		vl := r.Intn(20)
		if bigValues && i%3 == 0 {
			vl = 33 + r.Intn(100)
		}
		v := make([]byte, vl)
		r.Read(v)
		kvs = append(kvs, KV{k, v})
	}
	return kvs
}

func TestEmptyTrie(t *testing.T) {
	if Root(V0, nil) != EmptyRoot || Root(V1, nil) != EmptyRoot {
		t.Fatal("empty root")
	}
	p, err := NewProof(EmptyRoot, [][]byte{{0}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := p.Get([]byte("x")); ok || err != nil {
		t.Fatalf("empty trie get: %v %v", ok, err)
	}
	// The empty trie needs no proof entry.
	p, err = NewProof(EmptyRoot, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := p.Get([]byte("x")); ok || err != nil {
		t.Fatalf("empty proof get: %v %v", ok, err)
	}
	if kvs, err := p.Prefix(nil); len(kvs) != 0 || err != nil {
		t.Fatalf("empty prefix: %v %v", kvs, err)
	}
}

// A known small vector: the ordered root of no extrinsics and of one.
func TestOrderedRootSmall(t *testing.T) {
	// Leaf for key Compact(0)=0x00 -> nibbles [0,0], value "a" with its length prefix 0x04 'a'.
	enc := encodeLeaf([]byte{0, 0}, []byte{0x04, 'a'}, false)
	want := []byte{0x42, 0x00, 0x08, 0x04, 'a'}
	if !bytes.Equal(enc, want) {
		t.Fatalf("leaf %x want %x", enc, want)
	}
	if OrderedRoot(V0, [][]byte{{0x04, 'a'}}) != hash.Blake2b256(want) {
		t.Fatal("ordered root of one")
	}
	if OrderedRoot(V0, nil) != EmptyRoot {
		t.Fatal("ordered root of none")
	}
}

func TestNodeRoundTripLongPartial(t *testing.T) {
	for _, n := range []int{0, 1, 2, 15, 16, 30, 31, 62, 63, 64, 125, 300, 317, 318, 600} {
		partial := make([]byte, n)
		for i := range partial {
			partial[i] = byte(i*7) & 15
		}
		for _, hashed := range []bool{false, true} {
			val := []byte("v")
			if hashed {
				val = bytes.Repeat([]byte{9}, 32)
			}
			enc := encodeLeaf(partial, val, hashed)
			nd, err := decodeNode(enc)
			if err != nil || nd.kind != kindLeaf || !bytes.Equal(nd.partial, partial) || !bytes.Equal(nd.value, val) || nd.hashedValue != hashed {
				t.Fatalf("leaf n=%d hashed=%v: %+v %v", n, hashed, nd, err)
			}
			var ch [16][]byte
			ch[3] = []byte{0x41, 0x01, 0x04, 0x07} // inline leaf
			ch[15] = bytes.Repeat([]byte{1}, 32)
			enc = encodeBranch(partial, true, val, hashed, &ch)
			nd, err = decodeNode(enc)
			if err != nil || nd.kind != kindBranch || !bytes.Equal(nd.partial, partial) || !bytes.Equal(nd.children[3], ch[3]) || !bytes.Equal(nd.children[15], ch[15]) {
				t.Fatalf("branch n=%d: %v", n, err)
			}
		}
	}
}

func TestBadNodes(t *testing.T) {
	tests := []struct {
		name string
		enc  []byte
	}{
		{"empty input", nil},
		{"empty with trailing", []byte{0, 0}},
		{"escape header", []byte{0x01}},
		{"truncated partial", []byte{0x44, 0x12}},
		{"nonzero padding", []byte{0x41, 0x31, 0x00}},
		{"truncated value", []byte{0x42, 0x12, 0x08, 0x01}},
		{"trailing bytes", []byte{0x42, 0x12, 0x04, 0x01, 0x99}},
		{"branch without children", []byte{0x80, 0x00, 0x00}},
		{"child too long", append([]byte{0x80, 0x01, 0x00, 0x84}, make([]byte, 33)...)},
		{"empty child", []byte{0x80, 0x01, 0x00, 0x00}},
		{"truncated nibble count", []byte{0x7f}},
		{"hashed leaf short hash", []byte{0x20, 1, 2, 3}},
		{"huge nibble count", append([]byte{0x7f}, bytes.Repeat([]byte{255}, 300)...)},
	}
	for _, tt := range tests {
		if _, err := decodeNode(tt.enc); !errors.Is(err, ErrBadNode) {
			t.Errorf("%s: err %v, want ErrBadNode", tt.name, err)
		}
	}
}

// Generated tries in both layouts: every key answers, absent keys are absent,
// prefix scans match, proofs round-trip through SCALE.
func TestGeneratedTries(t *testing.T) {
	for _, l := range []Layout{V0, V1} {
		for seed := int64(1); seed <= 5; seed++ {
			kvs := genEntries(300, seed, true)
			want := map[string][]byte{}
			for _, kv := range kvs {
				want[string(kv.Key)] = kv.Value
			}
			var keys [][]byte
			for i, kv := range kvs {
				if i%5 == 0 {
					keys = append(keys, kv.Key)
				}
			}
			absent := [][]byte{{0xff, 0xff, 0xff, 0xff, 0xff}, append(append([]byte(nil), kvs[0].Key...), 0x00, 0x01, 0x02, 0x03, 0x04)}
			root, nodes := Prove(l, kvs, append(keys, absent...))
			if root != Root(l, kvs) {
				t.Fatal("Prove root differs from Root")
			}
			nodes2, err := DecodeProofSCALE(EncodeProofSCALE(nodes))
			if err != nil {
				t.Fatal(err)
			}
			p, err := NewProof(root, nodes2)
			if err != nil {
				t.Fatalf("%v seed %d: %v", l, seed, err)
			}
			for _, k := range keys {
				v, ok, err := p.Get(k)
				if err != nil || !ok || !bytes.Equal(v, want[string(k)]) {
					t.Fatalf("%v: key %x: ok=%v err=%v", l, k, ok, err)
				}
			}
			for _, k := range absent {
				if _, ok := want[string(k)]; ok {
					continue
				}
				if _, ok, err := p.Get(k); ok || err != nil {
					t.Fatalf("%v: absent key %x: ok=%v err=%v", l, k, ok, err)
				}
			}
			// Prefix scan on a full-prefix proof.
			pre := kvs[0].Key[:1]
			root2, pnodes := ProveWith(l, kvs, nil, [][]byte{pre})
			pp, err := NewProof(root2, pnodes)
			if err != nil {
				t.Fatal(err)
			}
			got, err := pp.Prefix(pre)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for k := range want {
				if bytes.HasPrefix([]byte(k), pre) {
					n++
				}
			}
			if len(got) != n {
				t.Fatalf("%v: prefix %x: %d entries, want %d", l, pre, len(got), n)
			}
			for _, kv := range got {
				if !bytes.Equal(want[string(kv.Key)], kv.Value) {
					t.Fatalf("prefix entry %x value", kv.Key)
				}
			}
		}
	}
}

// The adversarial table: altered proofs give the right typed error.
func TestAdversarialProofs(t *testing.T) {
	kvs := genEntries(200, 42, true)
	target := kvs[10].Key
	for _, l := range []Layout{V0, V1} {
		root, nodes := Prove(l, kvs, [][]byte{target})
		// A node of another trie: valid, but unreachable from this root.
		_, db := Build(l, genEntries(50, 43, true))
		var extra []byte
		for _, n := range db {
			if len(n) > 40 && (extra == nil || bytes.Compare(n, extra) < 0) {
				extra = n
			}
		}
		rootIdx0 := map[Hash]bool{}
		for _, n := range nodes {
			rootIdx0[hash.Blake2b256(n)] = true
		}
		if rootIdx0[hash.Blake2b256(extra)] {
			t.Fatal("extra node already in proof")
		}
		// The deepest node of the path: the one holding the value (a leaf, or the value node in V1).
		leafIdx := -1
		for i, n := range nodes {
			if nd, err := decodeNode(n); err == nil && nd.kind == kindLeaf && nd.hasValue {
				if bytes.Contains(n, kvs[10].Value) || nd.hashedValue {
					leafIdx = i
				}
			}
		}
		if leafIdx < 0 {
			// value node (V1) or leaf inline in its parent: remove the last path node instead.
			leafIdx = 0
		}
		without := func(i int) [][]byte {
			out := append([][]byte(nil), nodes[:i]...)
			return append(out, nodes[i+1:]...)
		}
		rootIdx := -1
		for i, n := range nodes {
			if hash.Blake2b256(n) == root {
				rootIdx = i
			}
		}
		// A node with one byte of its value changed.
		swapped := func() [][]byte {
			out := make([][]byte, len(nodes))
			copy(out, nodes)
			for i, n := range nodes {
				if i == rootIdx {
					continue
				}
				if j := bytes.Index(n, kvs[10].Value); j >= 0 && len(kvs[10].Value) > 0 {
					m := append([]byte(nil), n...)
					m[j] ^= 0xff
					out[i] = m
					return out
				}
			}
			// Value held in the root (inline): alter a non-root node instead.
			for i, n := range nodes {
				if i != rootIdx {
					m := append([]byte(nil), n...)
					m[len(m)-1] ^= 0xff
					out[i] = m
					return out
				}
			}
			return out
		}()
		// Missing node: drop a node that leaves no orphans — the last one on the path.
		var missing [][]byte
		for i := range nodes {
			if i == rootIdx {
				continue
			}
			cand := without(i)
			if p, err := NewProof(root, cand); err == nil {
				if _, _, err := p.Get(target); errors.Is(err, ErrMissingNode) {
					missing = cand
					break
				}
			}
		}
		if missing == nil {
			t.Fatalf("%v: could not build a missing-node case from %d nodes", l, len(nodes))
		}
		tests := []struct {
			name  string
			root  Hash
			nodes [][]byte
			want  error
		}{
			{"extra node", root, append(append([][]byte(nil), nodes...), extra), ErrUnusedNode},
			{"missing node", root, missing, ErrMissingNode},
			{"missing root", root, without(rootIdx), ErrRootMismatch},
			{"swapped value", root, swapped, ErrHashMismatch},
			{"wrong root", hash.Blake2b256([]byte("other")), nodes, ErrRootMismatch},
			{"garbage node", root, append(append([][]byte(nil), nodes...), []byte{0x01, 0x02}), ErrUnusedNode},
		}
		for _, tt := range tests {
			err := func() error {
				p, err := NewProof(tt.root, tt.nodes)
				if err != nil {
					return err
				}
				_, _, err = p.Get(target)
				return err
			}()
			if !errors.Is(err, tt.want) {
				t.Errorf("%v %s: err %v, want %v", l, tt.name, err, tt.want)
			}
		}
		// Lenient mode accepts the extra node and still answers.
		p, err := NewProofWith(root, append(append([][]byte(nil), nodes...), extra), Options{AllowUnused: true})
		if err != nil {
			t.Fatal(err)
		}
		if v, ok, err := p.Get(target); err != nil || !ok || !bytes.Equal(v, kvs[10].Value) {
			t.Fatalf("lenient: %v %v", ok, err)
		}
		_ = leafIdx
	}
}

func TestParseProofForms(t *testing.T) {
	kvs := genEntries(20, 3, false)
	_, nodes := Prove(V0, kvs, [][]byte{kvs[0].Key})
	scaleBytes := EncodeProofSCALE(nodes)
	var js bytes.Buffer
	js.WriteString("[")
	for i, n := range nodes {
		if i > 0 {
			js.WriteString(",")
		}
		fmt.Fprintf(&js, "%q", "0x"+hexs(n))
	}
	js.WriteString("]")
	forms := map[string][]byte{
		"json":     js.Bytes(),
		"object":   []byte(`{"at":"0x00","proof":` + js.String() + `}`),
		"hex":      []byte("0x" + hexs(scaleBytes) + "\n"),
		"raw":      scaleBytes,
		"jsonlead": append([]byte("  \n"), js.Bytes()...),
	}
	for name, b := range forms {
		got, err := ParseProof(b)
		if err != nil || len(got) != len(nodes) {
			t.Errorf("%s: %d entries, %v", name, len(got), err)
		}
	}
	for _, bad := range []string{"[1,2]", `["0xzz"]`, "0x123", `{"x":1}`, "\x05\x01"} {
		if _, err := ParseProof([]byte(bad)); !errors.Is(err, ErrBadProofEncoding) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestChildTrieCountsAsUsed(t *testing.T) {
	child := []KV{{[]byte("a"), bytes.Repeat([]byte{1}, 40)}, {[]byte("b"), []byte{2}}}
	croot, cnodes := Prove(V1, child, [][]byte{[]byte("a")})
	top := []KV{{ChildStorageKey([]byte("x")), croot[:]}, {[]byte("zz"), []byte{3}}}
	root, tnodes := Prove(V1, top, [][]byte{top[0].Key, ChildStorageKey([]byte("y"))})
	p, err := NewProof(root, append(tnodes, cnodes...))
	if err != nil {
		t.Fatal(err)
	}
	v, ok, _ := p.Get(top[0].Key)
	if !ok {
		t.Fatal("child root not found")
	}
	var ch Hash
	copy(ch[:], v)
	cp, err := p.WithRoot(ch)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok, err := cp.Get([]byte("a")); err != nil || !ok || len(v) != 40 {
		t.Fatalf("child get: %v %v", ok, err)
	}
	if v, ok, err := p.ChildGet([]byte("x"), []byte("a")); err != nil || !ok || len(v) != 40 {
		t.Fatalf("ChildGet: %v %v", ok, err)
	}
	if _, ok, err := p.ChildGet([]byte("x"), []byte("c")); err != nil || ok {
		t.Fatalf("ChildGet absent key: %v %v", ok, err)
	}
	if v, ok, err := p.ChildGet([]byte("x"), []byte("b")); err != nil || !ok || !bytes.Equal(v, []byte{2}) {
		t.Fatalf("ChildGet of a key inline in the child root: %x %v %v", v, ok, err)
	}
	// Without the child nodes: the child root is shown but its trie is not.
	q, err := NewProof(root, tnodes)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := q.ChildGet([]byte("x"), []byte("a")); !errors.Is(err, ErrIncompleteProof) {
		t.Fatalf("ChildGet without child nodes: %v", err)
	}
	if _, ok, err := q.ChildGet([]byte("y"), []byte("a")); err != nil || ok {
		t.Fatalf("ChildGet of an absent child trie: %v %v", ok, err)
	}
}

func TestStateRootWithChildren(t *testing.T) {
	top := []KV{{[]byte("a"), []byte{1}}}
	child := []KV{{[]byte("k"), []byte{2}}}
	cr := Root(V0, child)
	want := Root(V0, append(append([]KV(nil), top...), KV{ChildStorageKey([]byte("c")), cr[:]}))
	if got := StateRoot(V0, top, map[string][]KV{"c": child, "empty": nil}); got != want {
		t.Fatalf("state root %x want %x", got, want)
	}
	if StateRoot(V1, top, nil) != Root(V1, top) {
		t.Fatal("no children")
	}
}

// ValueHash proves the hash of a value from a proof of the absent key just
// below it: under V1 that proof does not carry a large value, yet its hash
// is proven; under V0 the value is inline and hashed.
func TestValueHashWithoutTheValue(t *testing.T) {
	for _, l := range []Layout{V0, V1} {
		kvs := genEntries(300, 7, true)
		want := map[string][]byte{}
		for _, kv := range kvs {
			want[string(kv.Key)] = kv.Value
		}
		checked := 0
		for _, kv := range kvs {
			if len(kv.Value) < 33 || checked == 20 {
				continue
			}
			below := append(append([]byte(nil), kv.Key...), 0x00)
			if _, ok := want[string(below)]; ok {
				continue
			}
			checked++
			root, nodes := Prove(l, kvs, [][]byte{below})
			p, err := NewProof(root, nodes)
			if err != nil {
				t.Fatal(err)
			}
			h, found, err := p.ValueHash(kv.Key)
			if err != nil || !found || h != Hash(hash.Blake2b256(kv.Value)) {
				t.Fatalf("%v: ValueHash(%x) = %x %v %v, want %x", l, kv.Key, h, found, err, hash.Blake2b256(kv.Value))
			}
			_, _, err = p.Get(kv.Key)
			if l == V1 && !errors.Is(err, ErrIncompleteProof) {
				t.Fatalf("V1: the proof of %x||00 carries the value (Get: %v)", kv.Key, err)
			}
			if l == V0 && err != nil {
				t.Fatalf("V0: inline value not readable: %v", err)
			}
			// A proof of something else entirely does not reach the key.
			root, nodes = Prove(l, kvs, [][]byte{{0xff, 0xff, 0xff}})
			if p, err = NewProof(root, nodes); err != nil {
				t.Fatal(err)
			}
			if _, _, err := p.ValueHash(kv.Key); err != nil && !errors.Is(err, ErrIncompleteProof) {
				t.Fatalf("%v: unrelated proof: %v", l, err)
			}
		}
		if checked == 0 {
			t.Fatalf("%v: no large value to check", l)
		}
		root, nodes := Prove(l, kvs, [][]byte{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}})
		p, err := NewProof(root, nodes)
		if err != nil {
			t.Fatal(err)
		}
		if _, found, err := p.ValueHash([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}); found || err != nil {
			t.Fatalf("%v: absent key: found=%v err=%v", l, found, err)
		}
	}
}
