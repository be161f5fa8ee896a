package trie

import (
	"bytes"
	"testing"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func FuzzDecodeNode(f *testing.F) {
	kvs := genEntries(40, 9, true)
	for _, l := range []Layout{V0, V1} {
		_, db := Build(l, kvs)
		for _, n := range db {
			f.Add(n)
		}
	}
	f.Add([]byte{0})
	f.Add([]byte{0x7f, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := decodeNode(b)
		if err != nil || n.kind == kindEmpty {
			return
		}
		// Re-encoding a decoded node gives back the input (canonical form).
		var enc []byte
		if n.kind == kindLeaf {
			enc = encodeLeaf(n.partial, n.value, n.hashedValue)
		} else {
			enc = encodeBranch(n.partial, n.hasValue, n.value, n.hashedValue, &n.children)
		}
		if !bytes.Equal(enc, b) {
			t.Fatalf("re-encoding %x gives %x", b, enc)
		}
	})
}

func FuzzProof(f *testing.F) {
	f.Add(testenv.ReadShared(f, "proofs", "polkadot-genesis-claims-preclaims-proof.json"), []byte{0x9c, 0x5d})
	f.Add(testenv.ReadShared(f, "proofs", "polkadot-system-account-readproof.json"), []byte{0x26, 0xaa})
	kvs := genEntries(30, 5, true)
	_, nodes := Prove(V1, kvs, [][]byte{kvs[3].Key})
	f.Add(EncodeProofSCALE(nodes), kvs[3].Key)
	f.Fuzz(func(t *testing.T, b, key []byte) {
		nodes, err := ParseProof(b)
		if err != nil || len(nodes) == 0 {
			return
		}
		// Try every entry as the root: the checks must never panic.
		for _, n := range nodes {
			p, err := NewProofWith(hash.Blake2b256(n), nodes, Options{AllowUnused: true})
			if err != nil {
				continue
			}
			v, found, gerr := p.Get(key)
			h, hfound, herr := p.ValueHash(key)
			// Where the value is proven, its hash is the value's hash.
			if gerr == nil && herr == nil && (found != hfound || found && h != Hash(hash.Blake2b256(v))) {
				t.Fatalf("Get %x found=%v, ValueHash %x found=%v", v, found, h, hfound)
			}
			_, _ = p.Prefix(key)
			_, _ = NewProof(p.Root(), nodes)
		}
	})
}
