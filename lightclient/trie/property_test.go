package trie

import (
	"bytes"
	"errors"
	"math/rand"
	"testing"
)

// Soundness on random tries and partial proofs: whatever a proof answers
// agrees with the full state; a complete prefix scan equals the state's
// entries under the prefix.
func TestProofSoundness(t *testing.T) {
	for _, l := range []Layout{V0, V1} {
		for seed := int64(1); seed <= 20; seed++ {
			r := rand.New(rand.NewSource(seed))
			kvs := genEntries(50+r.Intn(300), seed*7, true)
			truth := map[string][]byte{}
			for _, kv := range kvs {
				truth[string(kv.Key)] = kv.Value
			}
			var keys, prefixes [][]byte
			for i := 0; i < 5; i++ {
				keys = append(keys, kvs[r.Intn(len(kvs))].Key)
			}
			pre := kvs[r.Intn(len(kvs))].Key
			prefixes = append(prefixes, pre[:r.Intn(len(pre)+1)])
			root, nodes := ProveWith(l, kvs, keys, prefixes)
			p, err := NewProof(root, nodes)
			if err != nil {
				t.Fatal(err)
			}
			// Random questions, including keys the proof was not made for.
			questions := append([][]byte(nil), keys...)
			for i := 0; i < 200; i++ {
				q := kvs[r.Intn(len(kvs))].Key
				switch r.Intn(3) {
				case 0:
					q = q[:r.Intn(len(q)+1)]
				case 1:
					q = append(append([]byte(nil), q...), byte(r.Intn(256)))
				}
				questions = append(questions, q)
			}
			complete := 0
			for _, q := range questions {
				v, found, err := p.Get(q)
				if err != nil {
					if !errors.Is(err, ErrIncompleteProof) {
						t.Fatalf("key %x: %v", q, err)
					}
					continue
				}
				complete++
				want, ok := truth[string(q)]
				if found != ok || !bytes.Equal(v, want) {
					t.Fatalf("%v seed %d key %x: got %x/%v, truth %x/%v", l, seed, q, v, found, want, ok)
				}
			}
			for _, k := range keys {
				if _, _, err := p.Get(k); err != nil {
					t.Fatalf("proven key %x: %v", k, err)
				}
			}
			for i := 0; i < 30; i++ {
				q := prefixes[0]
				if i > 0 {
					k := kvs[r.Intn(len(kvs))].Key
					q = k[:r.Intn(min(len(k), 3)+1)]
				}
				got, err := p.Prefix(q)
				want := 0
				for k := range truth {
					if bytes.HasPrefix([]byte(k), q) {
						want++
					}
				}
				for _, kv := range got {
					if tv, ok := truth[string(kv.Key)]; !ok || !bytes.Equal(tv, kv.Value) || !bytes.HasPrefix(kv.Key, q) {
						t.Fatalf("prefix %x: bogus entry %x", q, kv.Key)
					}
				}
				if err == nil && len(got) != want {
					t.Fatalf("%v seed %d prefix %x: complete scan gave %d entries, truth %d", l, seed, q, len(got), want)
				}
				if i == 0 && err != nil {
					t.Fatalf("proven prefix %x: %v", q, err)
				}
			}
			_ = complete
		}
	}
}
