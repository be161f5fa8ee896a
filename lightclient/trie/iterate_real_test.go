package trie

import (
	"bytes"
	"sort"
	"testing"
)

// The real proofs of a Staking.Validators prefix scan (smoldot's test
// vector, 922 keys): the verified walk lists exactly the expected keys.
func TestKeysAfterRealPrefixScan(t *testing.T) {
	f, root, prefix := readPrefixScan(t)
	var want [][]byte
	for _, e := range f.Expected {
		want = append(want, mustHex(t, e))
	}
	sort.Slice(want, func(i, j int) bool { return bytes.Compare(want[i], want[j]) < 0 })
	if len(want) != 922 {
		t.Fatalf("%d expected keys", len(want))
	}
	var union [][]byte
	for i, ps := range f.Proofs {
		nodes, err := ParseProof([]byte(ps))
		if err != nil {
			t.Fatalf("proof %d: %v", i, err)
		}
		union = append(union, nodes...)
		p, err := NewProofWith(root, union, Options{AllowUnused: true})
		if err != nil {
			t.Fatal(err)
		}
		keys, missing, err := p.KeysAfter(prefix, nil, 5000)
		if err != nil {
			t.Fatalf("proofs 0..%d: %v", i, err)
		}
		if !keysEqual(keys, want[:len(keys)]) {
			t.Fatalf("proofs 0..%d: %d keys, not the first expected ones", i, len(keys))
		}
		last := i == len(f.Proofs)-1
		if last != (len(missing) == 0) {
			t.Fatalf("proofs 0..%d: %d keys, %d gaps", i, len(keys), len(missing))
		}
		t.Logf("proofs 0..%d: %d keys before the first of %d gaps", i, len(keys), len(missing))
	}
	p, err := NewProofWith(root, union, Options{AllowUnused: true})
	if err != nil {
		t.Fatal(err)
	}
	// Pages of 100.
	var got [][]byte
	var start []byte
	for {
		keys, missing, err := p.KeysAfter(prefix, start, 100)
		if err != nil || len(missing) > 0 {
			t.Fatalf("page after %x: %v, %d gaps", start, err, len(missing))
		}
		got = append(got, keys...)
		if len(keys) < 100 {
			break
		}
		start = keys[len(keys)-1]
	}
	if !keysEqual(got, want) {
		t.Fatalf("paged %d keys", len(got))
	}
	// NextKey steps through the expected keys.
	for i := 0; i+1 < len(want); i += 37 {
		next, found, missing, err := p.NextKey(want[i])
		if err != nil || !found || len(missing) > 0 || !bytes.Equal(next, want[i+1]) {
			t.Fatalf("NextKey(%x) = %x %v %d %v", want[i], next, found, len(missing), err)
		}
	}
	// After the last key the walk leaves the prefix: the proofs do not
	// cover the rest of the state, so it names what it lacks.
	next, found, missing, err := p.NextKey(want[len(want)-1])
	if err != nil || (found && (bytes.HasPrefix(next, prefix) || bytes.Compare(next, want[len(want)-1]) <= 0)) || (!found && len(missing) == 0 && next != nil) {
		t.Fatalf("after the last key: %x %v %d %v", next, found, len(missing), err)
	}
}
