package trie

import (
	"bytes"
	"testing"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// checkWalk checks the invariants of any KeysAfter answer.
func checkWalk(t *testing.T, keys, missing [][]byte, prefix, start []byte, count int) {
	t.Helper()
	if len(keys) > count {
		t.Fatalf("%d keys for count %d", len(keys), count)
	}
	for i, k := range keys {
		if !bytes.HasPrefix(k, prefix) || (start != nil && bytes.Compare(k, start) <= 0) || (i > 0 && bytes.Compare(keys[i-1], k) >= 0) {
			t.Fatalf("key %d %x out of order or range (prefix %x start %x)", i, k, prefix, start)
		}
	}
	if len(missing) > MaxWalkGaps {
		t.Fatalf("%d gaps", len(missing))
	}
	pn := toNibbles(prefix)
	for _, m := range missing {
		n := min(len(m), len(pn))
		if !bytes.Equal(m[:n], pn[:n]) {
			t.Fatalf("gap %x outside prefix %x", m, prefix)
		}
	}
}

// FuzzKeysAfter walks arbitrary proofs (every entry tried as the root): the
// walk never panics and its answers keep their invariants.
func FuzzKeysAfter(f *testing.F) {
	f.Add(testenv.ReadShared(f, "proofs", "polkadot-system-account-readproof.json"), []byte{0x26, 0xaa}, []byte{0x26, 0xaa, 0x39}, uint16(10))
	kvs := genEntries(60, 11, true)
	_, nodes := Prove(V1, kvs, [][]byte{kvs[3].Key, kvs[40].Key})
	f.Add(EncodeProofSCALE(nodes), []byte{}, kvs[3].Key, uint16(5))
	_, nodes = Prove(V0, kvs, [][]byte{kvs[7].Key})
	f.Add(EncodeProofSCALE(nodes), kvs[7].Key[:1], []byte(nil), uint16(500))
	f.Fuzz(func(t *testing.T, b, prefix, start []byte, count uint16) {
		nodes, err := ParseProof(b)
		if err != nil || len(nodes) == 0 || len(nodes) > 1000 {
			return
		}
		if len(start) == 0 {
			start = nil
		}
		for _, n := range nodes {
			p, err := NewProofWith(hash.Blake2b256(n), nodes, Options{AllowUnused: true})
			if err != nil {
				continue
			}
			keys, missing, err := p.KeysAfter(prefix, start, int(count))
			if err != nil {
				continue
			}
			checkWalk(t, keys, missing, prefix, start, int(count))
		}
	})
}

// FuzzKeysAfterPartial builds a trie from the input, proves a few of its
// keys, and checks that the walk over that partial proof agrees with the
// full answer: its keys are a prefix of it, and complete when no gap is left.
func FuzzKeysAfterPartial(f *testing.F) {
	f.Add([]byte("\x01\x02\x03abcdefghij\x00\x10\x11\x12"), []byte{0x61}, []byte{}, uint8(3), uint8(20))
	f.Add(bytes.Repeat([]byte{0xaa, 0x01, 0x55, 0xff}, 30), []byte{}, []byte{0xaa, 0x01}, uint8(5), uint8(3))
	f.Fuzz(func(t *testing.T, data, prefix, start []byte, probes, count uint8) {
		if len(data) > 4000 {
			return
		}
		// Keys of 1..4 bytes cut from data, values of varied length.
		var entries []KV
		for i := 0; i+1 < len(data); {
			kl := 1 + int(data[i])%4
			i++
			if i+kl > len(data) {
				break
			}
			k := data[i : i+kl]
			i += kl
			entries = append(entries, KV{k, bytes.Repeat(k, 1+len(entries)%20)})
		}
		if len(start) == 0 {
			start = nil
		}
		l := Layout(len(data) % 2)
		var keys [][]byte
		for i := 0; i < int(probes)%8 && i < len(entries); i++ {
			keys = append(keys, entries[(i*7)%len(entries)].Key)
		}
		root, nodes := Prove(l, entries, keys)
		p, err := NewProof(root, nodes)
		if err != nil {
			t.Fatal(err)
		}
		n := 1 + int(count)
		got, missing, err := p.KeysAfter(prefix, start, n)
		if err != nil {
			t.Fatal(err)
		}
		checkWalk(t, got, missing, prefix, start, n)
		want := wantKeys(entries, prefix, start, n)
		if len(missing) == 0 && !keysEqual(got, want) {
			t.Fatalf("complete walk %x, want %x", got, want)
		}
		if len(got) > len(want) || !keysEqual(got, want[:len(got)]) {
			t.Fatalf("partial walk %x is not a prefix of %x", got, want)
		}
	})
}
