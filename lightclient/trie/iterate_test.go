package trie

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"sort"
	"testing"
)

// wantKeys is the reference answer: sorted unique keys under prefix, > start.
func wantKeys(entries []KV, prefix, start []byte, count int) [][]byte {
	seen := map[string]bool{}
	var out [][]byte
	for _, e := range entries {
		if seen[string(e.Key)] || !bytes.HasPrefix(e.Key, prefix) || (start != nil && bytes.Compare(e.Key, start) <= 0) {
			continue
		}
		seen[string(e.Key)] = true
		out = append(out, e.Key)
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i], out[j]) < 0 })
	if len(out) > count {
		out = out[:count]
	}
	return out
}

// enumerate pages through keys the way the light client does: starting from
// a proof of the root only, it asks a full node (Prove) for the missing paths
// of each round and merges the answers.
func enumerate(t testing.TB, l Layout, entries []KV, prefix, start []byte, count int) (keys [][]byte, rounds int) {
	t.Helper()
	root, nodes := Prove(l, entries, nil)
	have := map[Hash][]byte{}
	merge := func(ns [][]byte) int {
		added := 0
		for _, n := range ns {
			h := hashOf(n)
			if _, ok := have[h]; !ok {
				have[h] = n
				added++
			}
		}
		return added
	}
	merge(nodes)
	for rounds = 0; rounds < 200; rounds++ {
		p, err := proofOfNodes(root, have)
		if err != nil {
			t.Fatal(err)
		}
		got, missing, err := p.KeysAfter(prefix, start, count-len(keys))
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, got...)
		if len(got) > 0 {
			start = got[len(got)-1]
		}
		if len(missing) == 0 {
			return keys, rounds
		}
		probe := make([][]byte, len(missing))
		for i, m := range missing {
			probe[i] = PathKey(m)
		}
		_, more := Prove(l, entries, probe)
		if merge(more) == 0 {
			t.Fatalf("round %d: proofs of %d missing paths brought no new node", rounds, len(missing))
		}
	}
	t.Fatal("too many rounds")
	return nil, 0
}

func keysEqual(a, b [][]byte) bool { return slices.EqualFunc(a, b, bytes.Equal) }

func TestKeysAfterHandmade(t *testing.T) {
	long := bytes.Repeat([]byte{0xab}, 40) // hashed in V1
	entries := []KV{
		{[]byte{}, []byte("empty key")},
		{[]byte{0x01}, []byte("a")},
		{[]byte{0x01, 0x02}, long},
		{[]byte{0x01, 0x02, 0x03}, []byte("c")},
		{[]byte{0x01, 0x02, 0x04}, long},
		{[]byte{0x01, 0x12}, []byte("e")},
		{[]byte{0x10}, []byte("f")},
		{[]byte{0x10, 0x00}, long},
		{[]byte{0xf0, 0x0f, 0xff}, []byte("h")},
		{[]byte{0xff}, []byte("i")},
	}
	type tc struct {
		prefix, start []byte
		count         int
	}
	cases := []tc{
		{nil, nil, 100},
		{nil, nil, 1},
		{nil, []byte{}, 100},
		{[]byte{0x01}, nil, 100},
		{[]byte{0x01}, []byte{0x01}, 100},
		{[]byte{0x01}, []byte{0x01, 0x02}, 2},
		{[]byte{0x01, 0x02}, nil, 100},
		{[]byte{0x01, 0x02}, []byte{0x00}, 100},  // start below the prefix
		{[]byte{0x01, 0x02}, []byte{0x05}, 100},  // start above the prefix
		{[]byte{0x01}, []byte{0x01, 0x05}, 100},  // start between keys inside
		{[]byte{0x01}, []byte{0x01, 0x12, 0}, 9}, // start after the last key of the prefix
		{[]byte{0x10}, []byte{0x10}, 100},
		{[]byte{0xf0}, nil, 100},
		{[]byte{0xf0, 0x0f, 0xff, 0x00}, nil, 100}, // prefix longer than any key
		{[]byte{0x77}, nil, 100},                   // nothing there
		{nil, []byte{0xff}, 100},                   // nothing after the last key
		{nil, []byte{0xff, 0xff, 0xff}, 100},
		{nil, []byte{0x01, 0x02, 0x03, 0x00}, 3},
	}
	for _, l := range []Layout{V0, V1} {
		root, db := Build(l, entries)
		full, err := NewProof(root, slices.Collect(maps.Values(db)))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			name := fmt.Sprintf("%s/prefix=%x/start=%x/n=%d", l, c.prefix, c.start, c.count)
			want := wantKeys(entries, c.prefix, c.start, c.count)
			got, missing, err := full.KeysAfter(c.prefix, c.start, c.count)
			if err != nil || len(missing) != 0 || !keysEqual(got, want) {
				t.Fatalf("%s: full proof gave %x missing %x err %v, want %x", name, got, missing, err, want)
			}
			got, _ = enumerate(t, l, entries, c.prefix, c.start, c.count)
			if !keysEqual(got, want) {
				t.Fatalf("%s: rounds gave %x, want %x", name, got, want)
			}
		}
	}
}

func TestKeysAfterRandom(t *testing.T) {
	for seed := int64(0); seed < 12; seed++ {
		l := Layout(seed % 2)
		entries := genEntries(300, seed, true)
		r := rand.New(rand.NewSource(seed))
		for i := 0; i < 20; i++ {
			var prefix, start []byte
			if i%3 != 0 {
				prefix = entries[r.Intn(len(entries))].Key
				prefix = prefix[:r.Intn(min(len(prefix), 2)+1)]
			}
			if i%2 == 0 {
				start = entries[r.Intn(len(entries))].Key
				if i%4 == 0 {
					start = append(append([]byte(nil), start...), byte(r.Intn(256)))
				}
			}
			count := 1 + r.Intn(400)
			want := wantKeys(entries, prefix, start, count)
			got, _ := enumerate(t, l, entries, prefix, start, count)
			if !keysEqual(got, want) {
				t.Fatalf("seed %d case %d prefix %x start %x count %d: got %d keys, want %d", seed, i, prefix, start, count, len(got), len(want))
			}
		}
	}
}

func TestKeysAfterPaging(t *testing.T) {
	entries := genEntries(2000, 42, true)
	want := wantKeys(entries, nil, nil, len(entries))
	var got [][]byte
	var start []byte
	pages := 0
	for {
		page, _ := enumerate(t, V1, entries, nil, start, 512)
		got = append(got, page...)
		pages++
		if len(page) < 512 {
			break
		}
		start = page[len(page)-1]
	}
	if !keysEqual(got, want) || pages != len(want)/512+1 {
		t.Fatalf("paged %d keys in %d pages, want %d", len(got), pages, len(want))
	}
}

// A missing value node does not stop the key walk.
func TestKeysAfterWithoutValues(t *testing.T) {
	long := bytes.Repeat([]byte{7}, 64)
	entries := []KV{{[]byte("aa"), long}, {[]byte("ab"), long[:40]}, {[]byte("b"), []byte("x")}}
	root, db := Build(V1, entries)
	var nodes [][]byte
	for h, n := range db {
		if h == hashOf(long) || h == hashOf(long[:40]) {
			continue
		}
		nodes = append(nodes, n)
	}
	p, err := NewProof(root, nodes)
	if err != nil {
		t.Fatal(err)
	}
	keys, missing, err := p.KeysAfter(nil, nil, 10)
	if err != nil || len(missing) != 0 || !keysEqual(keys, [][]byte{[]byte("aa"), []byte("ab"), []byte("b")}) {
		t.Fatalf("%q %x %v", keys, missing, err)
	}
}

func TestKeysAfterReportsGaps(t *testing.T) {
	entries := genEntries(500, 7, false)
	root, nodes := Prove(V0, entries, nil) // the root node alone
	p, err := NewProof(root, nodes)
	if err != nil {
		t.Fatal(err)
	}
	keys, missing, err := p.KeysAfter(nil, nil, 5)
	if err != nil || len(missing) == 0 {
		t.Fatalf("root-only proof: keys %x missing %x err %v", keys, missing, err)
	}
	// Five surely non-empty subtrees are enough for five keys.
	if len(missing) > 5 {
		t.Fatalf("%d gaps reported for 5 keys", len(missing))
	}
	for i := 1; i < len(missing); i++ {
		if bytes.Compare(missing[i-1], missing[i]) >= 0 {
			t.Fatalf("gaps out of order: %x", missing)
		}
	}
	// Many keys: the gaps are capped.
	if _, missing, _ := p.KeysAfter(nil, nil, 1<<20); len(missing) > MaxWalkGaps {
		t.Fatalf("%d gaps", len(missing))
	}
	// NextKey on the root-only proof needs the first subtree.
	if _, found, missing, err := p.NextKey(nil); found || len(missing) != 1 || err != nil {
		t.Fatalf("NextKey: %v %x %v", found, missing, err)
	}
}

func TestNextKey(t *testing.T) {
	entries := []KV{{[]byte("a"), []byte("1")}, {[]byte("ab"), []byte("2")}, {[]byte("b"), []byte("3")}}
	root, db := Build(V0, entries)
	p, err := NewProof(root, slices.Collect(maps.Values(db)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key, want string
		found     bool
	}{{"", "a", true}, {"a", "ab", true}, {"aa", "ab", true}, {"ab", "b", true}, {"abc", "b", true}, {"b", "", false}, {"zz", "", false}} {
		next, found, missing, err := p.NextKey([]byte(c.key))
		if err != nil || len(missing) > 0 || found != c.found || string(next) != c.want {
			t.Fatalf("NextKey(%q) = %q %v %x %v", c.key, next, found, missing, err)
		}
	}
	empty, _ := NewProof(EmptyRoot, nil)
	if _, found, missing, err := empty.NextKey(nil); found || missing != nil || err != nil {
		t.Fatal("next key of the empty trie")
	}
}

func TestPathKey(t *testing.T) {
	for _, c := range []struct{ path, key []byte }{
		{nil, []byte{}},
		{[]byte{1}, []byte{0x10}},
		{[]byte{1, 2}, []byte{0x12}},
		{[]byte{0xa, 0xb, 0xc}, []byte{0xab, 0xc0}},
	} {
		if got := PathKey(c.path); !bytes.Equal(got, c.key) {
			t.Fatalf("PathKey(%x) = %x", c.path, got)
		}
	}
}

// A value at an odd nibble depth cannot be a key: the walk refuses the trie.
func TestKeysAfterOddValue(t *testing.T) {
	leaf := encodeLeaf([]byte{1, 2, 3}, []byte("v"), false)
	p, err := NewProof(hashOf(leaf), [][]byte{leaf})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.KeysAfter(nil, nil, 5); !errors.Is(err, ErrBadNode) {
		t.Fatalf("odd value: %v", err)
	}
}

func BenchmarkKeysAfterRounds(b *testing.B) {
	entries := genEntries(2000, 1, true)
	var rounds int
	for i := 0; i < b.N; i++ {
		_, rounds = enumerate(b, V1, entries, nil, nil, 2000)
	}
	b.ReportMetric(float64(rounds), "rounds")
}

func TestProofOf(t *testing.T) {
	entries := genEntries(400, 3, true)
	for _, l := range []Layout{V0, V1} {
		root, db := Build(l, entries)
		full, err := NewProof(root, slices.Collect(maps.Values(db)))
		if err != nil {
			t.Fatal(err)
		}
		keys := [][]byte{entries[5].Key, entries[99].Key, []byte("absent"), entries[300].Key}
		sub, err := full.ProofOf(keys)
		if err != nil {
			t.Fatal(err)
		}
		// The same nodes a full node proves, and they stand alone.
		_, want := Prove(l, entries, keys)
		if len(sub) != len(want) {
			t.Fatalf("%s: %d nodes, want %d", l, len(sub), len(want))
		}
		p, err := NewProof(root, sub)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		for _, k := range keys {
			v1, ok1, err1 := p.Get(k)
			v2, ok2, _ := full.Get(k)
			if err1 != nil || ok1 != ok2 || !bytes.Equal(v1, v2) {
				t.Fatalf("%s: key %x", l, k)
			}
		}
		// Not covered.
		if _, err := p.ProofOf([][]byte{entries[200].Key}); !errors.Is(err, ErrIncompleteProof) {
			t.Fatalf("%s: uncovered key: %v", l, err)
		}
	}
}

func TestProverMatchesProve(t *testing.T) {
	for seed := int64(0); seed < 4; seed++ {
		l := Layout(seed % 2)
		entries := genEntries(300, seed, true)
		pv := NewProver(l, entries)
		for i := 0; i < 10; i++ {
			keys := [][]byte{entries[i*7].Key, entries[i*13+1].Key, []byte{byte(i)}}
			root, want := Prove(l, entries, keys)
			got := pv.Prove(keys)
			if root != pv.Root() || len(got) != len(want) {
				t.Fatalf("seed %d: %d nodes, want %d", seed, len(got), len(want))
			}
			for j := range got {
				if !bytes.Equal(got[j], want[j]) {
					t.Fatalf("seed %d: node %d differs", seed, j)
				}
			}
		}
	}
}

func TestMerge(t *testing.T) {
	entries := genEntries(500, 9, true)
	keys := [][]byte{entries[3].Key, entries[77].Key, entries[400].Key, []byte("absent")}
	root, first := Prove(V1, entries, keys[:1])
	p, err := NewProof(root, first)
	if err != nil {
		t.Fatal(err)
	}
	_, more := Prove(V1, entries, keys[1:])
	junk := [][]byte{{0xff, 0x01}, []byte("not a node")}
	m := p.Merge(append(more, junk...))
	union, err := NewProofWith(root, append(first, more...), Options{AllowUnused: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		v1, ok1, err1 := m.Get(k)
		v2, ok2, err2 := union.Get(k)
		if err1 != nil || err2 != nil || ok1 != ok2 || !bytes.Equal(v1, v2) {
			t.Fatalf("key %x: merged %x %v %v, union %x %v %v", k, v1, ok1, err1, v2, ok2, err2)
		}
	}
	if _, _, err := p.Get(keys[1]); !errors.Is(err, ErrIncompleteProof) {
		t.Fatalf("the original proof changed: %v", err)
	}
	k1, g1, err1 := m.KeysAfter(nil, nil, 600)
	k2, g2, err2 := union.KeysAfter(nil, nil, 600)
	if err1 != nil || err2 != nil || !keysEqual(k1, k2) || len(g1) != len(g2) {
		t.Fatalf("walks differ: %d/%d keys, %d/%d gaps", len(k1), len(k2), len(g1), len(g2))
	}
	if m.Len() != p.Len()+len(more)+len(junk)-overlap(first, more) {
		t.Fatalf("%d entries", m.Len())
	}
}

func overlap(a, b [][]byte) int {
	seen := map[Hash]bool{}
	for _, e := range a {
		seen[hashOf(e)] = true
	}
	n := 0
	for _, e := range b {
		if seen[hashOf(e)] {
			n++
		}
	}
	return n
}

// BenchmarkKeysAfterWalk walks 2000 keys of a complete proof (no network):
// the cost of the walk itself.
func BenchmarkKeysAfterWalk(b *testing.B) {
	entries := genEntries(2000, 1, true)
	root, db := Build(V1, entries)
	p, err := NewProof(root, slices.Collect(maps.Values(db)))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		keys, missing, err := p.KeysAfter(nil, nil, 5000)
		if err != nil || len(missing) > 0 || len(keys) < 1900 {
			b.Fatalf("%d keys %d gaps %v", len(keys), len(missing), err)
		}
	}
}
