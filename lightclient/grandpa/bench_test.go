package grandpa_test

import (
	"crypto/ed25519"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

var (
	benchOnce  sync.Once
	benchChain *testchain.Chain
	benchErr   error
)

// bench1000 is a chain of 100 sets of 1000 voters (one change per block),
// each block justified by 667 of them: the threshold of 1000.
func bench1000(b *testing.B) *testchain.Chain {
	benchOnce.Do(func() {
		benchChain, benchErr = testchain.Generate(testchain.Config{
			Seed: "bench", Blocks: 100, Voters: 1000, Signers: 667, SetLength: 1, JustifyEvery: -1,
		})
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchChain
}

// BenchmarkVerifyJustification1000 verifies one justification of a
// 1000-authority set carrying 667 precommits (the exact threshold) with the
// default checker: ed25519consensus batches on all cores.
func BenchmarkVerifyJustification1000(b *testing.B) {
	benchJustification(b, grandpa.Verifier{})
}

// BenchmarkVerifyJustification1000PippengerOneCore batches on one core.
func BenchmarkVerifyJustification1000PippengerOneCore(b *testing.B) {
	benchJustification(b, grandpa.Verifier{CheckSignatures: grandpa.PippengerChecker(1)})
}

// BenchmarkVerifyJustification1000Pippenger uses the opt-in hand-written
// Pippenger batch verifier on all cores.
func BenchmarkVerifyJustification1000Pippenger(b *testing.B) {
	benchJustification(b, grandpa.Verifier{CheckSignatures: grandpa.PippengerChecker(0)})
}

// BenchmarkVerifyJustification1000Sequential checks one ZIP-215 signature
// after another.
func BenchmarkVerifyJustification1000Sequential(b *testing.B) {
	benchJustification(b, grandpa.Verifier{CheckSignatures: grandpa.SequentialChecker})
}

// BenchmarkVerifyJustification1000KeyCache verifies with the voters' keys
// already decompressed (a client following one set).
func BenchmarkVerifyJustification1000KeyCache(b *testing.B) {
	benchJustification(b, grandpa.Verifier{KeyCache: grandpa.NewKeyCache(0)})
}

func benchJustification(b *testing.B, v grandpa.Verifier) {
	c := bench1000(b)
	blk := c.Blocks[1]
	set := c.Set(blk.SetID)
	if len(set.Authorities) != 1000 || len(blk.Justification.Commit.Precommits) != 667 || set.Threshold() != 667 {
		b.Fatalf("%d authorities, %d precommits", len(set.Authorities), len(blk.Justification.Commit.Precommits))
	}
	if _, err := v.VerifyJustification(blk.Justification, &set); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := v.VerifyJustification(blk.Justification, &set); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStdlibEd25519Sequential667 is the baseline: 667 crypto/ed25519
// verifications of precommit messages, one after another.
func BenchmarkStdlibEd25519Sequential667(b *testing.B) {
	c := bench1000(b)
	j := c.Blocks[1].Justification
	set := c.Set(c.Blocks[1].SetID)
	msgs := make([][]byte, len(j.Commit.Precommits))
	for i, p := range j.Commit.Precommits {
		msgs[i] = grandpa.SignedMessage(p.Precommit, j.Round, set.SetID)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, p := range j.Commit.Precommits {
			if !ed25519.Verify(p.ID[:], msgs[k], p.Signature[:]) {
				b.Fatal("invalid")
			}
		}
	}
}

// BenchmarkWarpProof100 decodes and verifies a warp proof of 100
// fragments, each a 1000-authority set change justified by 667 precommits,
// with the default checker (ed25519consensus batches on all cores).
func BenchmarkWarpProof100(b *testing.B) {
	benchWarp(b, grandpa.Verifier{})
}

// BenchmarkWarpProof100Pippenger is the same with the opt-in hand-written
// checker and a key cache (consecutive sets share 999 voters).
func BenchmarkWarpProof100Pippenger(b *testing.B) {
	benchWarp(b, grandpa.Verifier{KeyCache: grandpa.NewKeyCache(0)})
}

func benchWarp(b *testing.B, v grandpa.Verifier) {
	c := bench1000(b)
	p, err := c.WarpProof(0, 0)
	if err != nil {
		b.Fatal(err)
	}
	if len(p.Fragments) != 100 {
		b.Fatalf("%d fragments", len(p.Fragments))
	}
	enc := p.Encode()
	b.SetBytes(int64(len(enc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q, err := grandpa.DecodeWarpProof(enc)
		if err != nil {
			b.Fatal(err)
		}
		r, err := v.VerifyWarpProof(q, c.Set(0), grandpa.WarpOptions{})
		if err != nil || r.Set.SetID != 100 {
			b.Fatal(err)
		}
	}
}
