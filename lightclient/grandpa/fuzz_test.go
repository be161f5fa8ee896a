package grandpa

import (
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func seedJustification() *Justification {
	return &Justification{
		Round:  7,
		Commit: Commit{TargetNumber: 9, Precommits: []SignedPrecommit{{Precommit: Precommit{TargetNumber: 10}}}},
		VotesAncestries: []*header.Header{{Number: 10, Digest: []header.DigestItem{
			{Kind: header.DigestPreRuntime, Engine: header.EngineBABE, Data: []byte{2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}},
		}}},
	}
}

func FuzzDecodeJustification(f *testing.F) {
	if _, ok := testenv.SharedDir(f); ok {
		f.Add(testenv.ReadShared(f, "grandpa", "polkadot-b4635975-justification.scale"))
		c, err := DecodeCompactCommit(testenv.ReadShared(f, "grandpa", "westend-b5105457-commit.scale"))
		if err == nil {
			f.Add(c.Justification().Encode())
		}
	}
	f.Add(seedJustification().Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		j, ok := testenv.RoundTrip(t, b, DecodeJustification, (*Justification).Encode)
		if !ok {
			return
		}
		// Verification of arbitrary input must not panic.
		set := &AuthoritySet{SetID: 1, Authorities: []Authority{{Key: [32]byte{1}, Weight: 1}}}
		if len(j.Commit.Precommits) > 0 {
			set.Authorities[0].Key = j.Commit.Precommits[0].ID
		}
		_, _ = VerifyJustification(j, set)
	})
}

func FuzzDecodeCompactCommit(f *testing.F) {
	if _, ok := testenv.SharedDir(f); ok {
		f.Add(testenv.ReadShared(f, "grandpa", "westend-b5105457-commit.scale"))
	}
	f.Add((&CompactCommit{Round: 1, Precommits: []Precommit{{}}, AuthData: []AuthData{{}}}).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.RoundTrip(t, b, DecodeCompactCommit, (*CompactCommit).Encode)
	})
}

func FuzzDecodeWarpProof(f *testing.F) {
	j := seedJustification()
	f.Add((&WarpProof{Fragments: []Fragment{{Header: &header.Header{Number: 9}, Justification: j}}, IsFinished: true}).Encode())
	f.Add([]byte{0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, ok := testenv.RoundTrip(t, b, DecodeWarpProof, (*WarpProof).Encode)
		if !ok {
			return
		}
		_, _ = VerifyWarpProof(p, AuthoritySet{Authorities: []Authority{{Key: [32]byte{1}, Weight: 1}}}, WarpOptions{})
	})
}
