package trie

import (
	"testing"
)

// BenchmarkVerifyProof50 checks a 50-node storage proof and reads its keys.
func BenchmarkVerifyProof50(b *testing.B) {
	kvs := genEntries(20000, 77, true)
	root, db := Build(V1, kvs)
	full, err := proofOfNodes(root, db)
	if err != nil {
		b.Fatal(err)
	}
	need := map[Hash]bool{}
	full.record = func(h Hash) { need[h] = true }
	var keys [][]byte
	for i := 0; len(need) < 50; i++ {
		k := kvs[i*131%len(kvs)].Key
		keys = append(keys, k)
		_, _, _ = full.Get(k)
	}
	var nodes [][]byte
	for h := range need {
		nodes = append(nodes, db[h])
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := NewProof(root, nodes)
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range keys {
			if _, ok, err := p.Get(k); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	}
	b.ReportMetric(float64(len(nodes)), "nodes")
	b.ReportMetric(float64(len(keys)), "keys")
}

// BenchmarkKusamaGenesisRoot computes the V0 trie root of the Kusama genesis (3419 entries).
func BenchmarkKusamaGenesisRoot(b *testing.B) {
	kvs := kusamaGenesis(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Root(V0, kvs)
	}
}
