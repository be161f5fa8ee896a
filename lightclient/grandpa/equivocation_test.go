package grandpa_test

import (
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// TestJustificationEquivocations checks the justifications finality-grandpa
// makes when a voter equivocates: Round::finalizing_precommits puts both of
// its precommits in the commit, wherever they point on the chain, and
// Substrate's GrandpaJustification::verify_with_voter_set accepts them when
// both signatures verify and the votes ancestries route every precommit
// target to the lowest one, counting the voter's weight once.
func TestJustificationEquivocations(t *testing.T) {
	c := chain3000(t)
	end, ok := c.SetEnd(4)
	if !ok {
		t.Fatal("no set 4 end")
	}
	n := end - 10
	setID := c.Blocks[n].SetID
	set := c.Set(setID)
	justify := func(opts testchain.JustifyOptions) *grandpa.Justification {
		t.Helper()
		j, err := c.Justify(n, opts)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	eq := func(signer int, number uint32) testchain.Equivocation {
		return testchain.Equivocation{Signer: signer, Number: number}
	}

	accepted := []struct {
		name string
		opts testchain.JustifyOptions
	}{
		{"second vote on a descendant", testchain.JustifyOptions{Equivocations: []testchain.Equivocation{eq(0, n+1)}}},
		{"second vote on an ancestor", testchain.JustifyOptions{Equivocations: []testchain.Equivocation{eq(0, n-2)}}},
		{"votes ahead and two equivocators", testchain.JustifyOptions{VoteAhead: 2, Equivocations: []testchain.Equivocation{eq(1, n-1), eq(4, n+3)}}},
	}
	for _, tt := range accepted {
		j := justify(tt.opts)
		res, err := grandpa.VerifyJustification(j, &set)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if res.Weight != set.TotalWeight() {
			t.Errorf("%s: weight %d, want %d (each voter once)", tt.name, res.Weight, set.TotalWeight())
		}
	}

	// The threshold is not reached by counting an equivocator twice: the
	// voters just short of it, one of whom equivocates.
	{
		var signers []int
		var w uint64
		heaviest := -1
		for i, a := range set.Authorities {
			if w+a.Weight >= set.Threshold() {
				break
			}
			w += a.Weight
			signers = append(signers, i)
			if heaviest < 0 || a.Weight > set.Authorities[heaviest].Weight {
				heaviest = i
			}
		}
		if w+set.Authorities[heaviest].Weight < set.Threshold() {
			t.Fatalf("test chain: weight %d + %d does not reach %d", w, set.Authorities[heaviest].Weight, set.Threshold())
		}
		j := justify(testchain.JustifyOptions{Signers: signers, Equivocations: []testchain.Equivocation{eq(heaviest, n+1)}})
		if _, err := grandpa.VerifyJustification(j, &set); !errors.Is(err, grandpa.ErrNotEnoughWeight) {
			t.Errorf("equivocator counted twice: %v, want %v", err, grandpa.ErrNotEnoughWeight)
		}
	}

	refused := []struct {
		name   string
		opts   testchain.JustifyOptions
		mutate func(j *grandpa.Justification)
		want   error
	}{
		{"three precommits by one voter", testchain.JustifyOptions{Equivocations: []testchain.Equivocation{eq(0, n+1), eq(0, n-1)}}, nil, grandpa.ErrEquivocation},
		{"second vote badly signed", testchain.JustifyOptions{Equivocations: []testchain.Equivocation{eq(0, n-1)}}, func(j *grandpa.Justification) {
			j.Commit.Precommits[len(j.Commit.Precommits)-1].Signature[9] ^= 1
		}, grandpa.ErrBadSignature},
		{"second vote on an ancestor without its ancestry", testchain.JustifyOptions{Equivocations: []testchain.Equivocation{eq(0, n-2)}}, func(j *grandpa.Justification) {
			j.VotesAncestries = j.VotesAncestries[1:]
		}, grandpa.ErrNotDescendant},
		{"second vote on another fork", testchain.JustifyOptions{}, func(j *grandpa.Justification) {
			fork := grandpa.Precommit{TargetHash: header.Hash{1, 2, 3}, TargetNumber: n - 1}
			j.Commit.Precommits = append(j.Commit.Precommits, c.SignPrecommit(setID, 0, fork, j.Round))
		}, grandpa.ErrNotDescendant},
		{"second vote on another fork above the target", testchain.JustifyOptions{}, func(j *grandpa.Justification) {
			fork := grandpa.Precommit{TargetHash: header.Hash{1, 2, 3}, TargetNumber: n + 1}
			j.Commit.Precommits = append(j.Commit.Precommits, c.SignPrecommit(setID, 0, fork, j.Round))
		}, grandpa.ErrNotDescendant},
		{"an ancestor header nobody needs", testchain.JustifyOptions{Equivocations: []testchain.Equivocation{eq(0, n+1)}}, func(j *grandpa.Justification) {
			j.VotesAncestries = append(j.VotesAncestries, c.Blocks[n].Header)
		}, grandpa.ErrUnusedAncestry},
	}
	for _, tt := range refused {
		j := justify(tt.opts)
		if tt.mutate != nil {
			tt.mutate(j)
		}
		if _, err := grandpa.VerifyJustification(j, &set); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestWarpProofWithEquivocation checks that a set-ending justification
// carrying an equivocation, as an honest full node serves it, is accepted.
func TestWarpProofWithEquivocation(t *testing.T) {
	c := chain3000(t)
	proof, err := c.WarpProof(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	proof = cloneProof(t, proof)
	for i := range 3 {
		f := &proof.Fragments[i]
		j, err := c.Justify(f.Header.Number, testchain.JustifyOptions{VoteAhead: 2,
			Equivocations: []testchain.Equivocation{{Signer: i, Number: f.Header.Number - 1}, {Signer: i + 3, Number: f.Header.Number + 3}}})
		if err != nil {
			t.Fatal(err)
		}
		f.Justification = j
	}
	res, err := grandpa.VerifyWarpProof(proof, c.Set(0), grandpa.WarpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Header.Number != c.Head().Header.Number {
		t.Errorf("warped to #%d, want #%d", res.Header.Number, c.Head().Header.Number)
	}
}
