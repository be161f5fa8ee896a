package grandpa

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

// Verifier verifies justifications and commits. The zero value is ready to
// use and checks signatures with ZIP215Checker(0): ed25519consensus batch
// verification (ZIP-215 rules, as Substrate's ed25519-zebra) split over the
// available cores. The hand-written PippengerChecker is faster but is used
// only when a caller opts in (CheckSignatures or KeyCache): a well-kept
// library decides by default whether a finality proof is valid.
type Verifier struct {
	// CheckSignatures replaces the signature checker (tests, benchmarks).
	CheckSignatures SignatureChecker
	// KeyCache, when set, selects CachedPippengerChecker, which keeps
	// decompressed voter keys between verifications (a client following
	// one authority set verifies many justifications with the same keys).
	KeyCache *KeyCache
	// AllowEquivocations accepts a signer's precommits for two different
	// targets, counting its weight once, as finality-grandpa's commit
	// validation does; both signatures must still verify. By default an
	// equivocation is refused with ErrEquivocation.
	AllowEquivocations bool
}

// Result describes a verified justification.
type Result struct {
	TargetHash   header.Hash
	TargetNumber uint32
	Round        uint64
	SetID        uint64
	Signatures   int
	Weight       uint64
	Threshold    uint64
}

var defaultChecker = ZIP215Checker(0)

// VerifyJustification verifies j with the zero Verifier.
func VerifyJustification(j *Justification, set *AuthoritySet) (*Result, error) {
	var v Verifier
	return v.VerifyJustification(j, set)
}

// VerifyJustification checks that j proves its target final for set, as
// Substrate's GrandpaJustification::verify does, and more strictly:
//
//   - the set is valid (ErrInvalidAuthoritySet);
//   - every signer is a member of the set (ErrUnknownAuthority) and signs
//     once (ErrDuplicateSignature, or ErrEquivocation for two targets unless
//     AllowEquivocations);
//   - the signers' weight reaches set.Threshold() (ErrNotEnoughWeight);
//   - every precommit target is the commit target or a descendant proven by
//     votes_ancestries (ErrNotDescendant), every ancestry header is used
//     (ErrUnusedAncestry) and none repeats (ErrDuplicateAncestry);
//   - every signature verifies over (precommit, round, set.SetID)
//     (ErrBadSignature). A wrong set id shows as bad signatures.
func (v *Verifier) VerifyJustification(j *Justification, set *AuthoritySet) (*Result, error) {
	index, err := set.index()
	if err != nil {
		return nil, err
	}
	c := &j.Commit
	type vote struct {
		id [32]byte
		p  Precommit
	}
	signed := make(map[[32]byte]int, len(c.Precommits))
	votes := make(map[vote]int, len(c.Precommits))
	var weight uint64
	for i, p := range c.Precommits {
		ai, ok := index[p.ID]
		if !ok {
			return nil, fmt.Errorf("precommit %d by 0x%x: %w", i, p.ID, ErrUnknownAuthority)
		}
		if prev, dup := votes[vote{p.ID, p.Precommit}]; dup {
			return nil, fmt.Errorf("precommits %d and %d by 0x%x: %w", prev, i, p.ID, ErrDuplicateSignature)
		}
		votes[vote{p.ID, p.Precommit}] = i
		if prev, dup := signed[p.ID]; dup {
			if !v.AllowEquivocations {
				return nil, fmt.Errorf("precommits %d and %d by 0x%x: %w", prev, i, p.ID, ErrEquivocation)
			}
			continue // an equivocator's weight counts once
		}
		signed[p.ID] = i
		weight += set.Authorities[ai].Weight // cannot overflow: index() bounds the total
	}
	threshold := set.Threshold()
	if weight < threshold {
		return nil, fmt.Errorf("%w: %d of %d needed (%d precommits, set %d)", ErrNotEnoughWeight, weight, threshold, len(c.Precommits), set.SetID)
	}
	if err := checkAncestry(j); err != nil {
		return nil, err
	}
	items := make([]SigItem, len(c.Precommits))
	msgs := make([]byte, 0, len(c.Precommits)*SignedMessageSize)
	for i, p := range c.Precommits {
		msgs = appendSignedMessage(msgs, p.Precommit, j.Round, set.SetID)
		items[i] = SigItem{Key: p.ID, Msg: msgs[i*SignedMessageSize : (i+1)*SignedMessageSize], Sig: p.Signature}
	}
	check := v.CheckSignatures
	if check == nil {
		check = defaultChecker
		if v.KeyCache != nil {
			check = CachedPippengerChecker(0, v.KeyCache)
		}
	}
	if bad := check(items); bad >= 0 {
		if bad >= len(items) {
			return nil, fmt.Errorf("round %d, set %d: %w", j.Round, set.SetID, ErrBadSignature)
		}
		return nil, fmt.Errorf("precommit %d by 0x%x (round %d, set %d): %w", bad, c.Precommits[bad].ID, j.Round, set.SetID, ErrBadSignature)
	}
	return &Result{
		TargetHash:   c.TargetHash,
		TargetNumber: c.TargetNumber,
		Round:        j.Round,
		SetID:        set.SetID,
		Signatures:   len(c.Precommits),
		Weight:       weight,
		Threshold:    threshold,
	}, nil
}

// checkAncestry checks that every precommit target is the commit target or
// descends from it through votes_ancestries, and that every ancestry header
// is on such a route.
func checkAncestry(j *Justification) error {
	c := &j.Commit
	type node struct {
		h       *header.Header
		visited bool
	}
	nodes := make(map[header.Hash]*node, len(j.VotesAncestries))
	for i, h := range j.VotesAncestries {
		hh := h.Hash()
		if _, dup := nodes[hh]; dup {
			return fmt.Errorf("votes ancestry %d (%s): %w", i, hh, ErrDuplicateAncestry)
		}
		nodes[hh] = &node{h: h}
	}
	for i, p := range c.Precommits {
		if p.TargetHash == c.TargetHash {
			if p.TargetNumber != c.TargetNumber {
				return fmt.Errorf("precommit %d targets %s as #%d, commit says #%d: %w", i, p.TargetHash, p.TargetNumber, c.TargetNumber, ErrNotDescendant)
			}
			continue
		}
		if p.TargetNumber <= c.TargetNumber {
			return fmt.Errorf("precommit %d targets #%d, not above commit target #%d: %w", i, p.TargetNumber, c.TargetNumber, ErrNotDescendant)
		}
		cur, number := p.TargetHash, p.TargetNumber
		for steps := 0; ; steps++ {
			if cur == c.TargetHash {
				if number != c.TargetNumber {
					return fmt.Errorf("precommit %d: route reaches the commit target at #%d: %w", i, number, ErrNotDescendant)
				}
				break
			}
			n, ok := nodes[cur]
			if !ok || steps > len(nodes) {
				return fmt.Errorf("precommit %d (%s #%d): no ancestry header for %s: %w", i, p.TargetHash, p.TargetNumber, cur, ErrNotDescendant)
			}
			if n.h.Number != number {
				return fmt.Errorf("precommit %d: ancestry header %s is #%d, expected #%d: %w", i, cur, n.h.Number, number, ErrNotDescendant)
			}
			if n.visited {
				break // already proven to descend from the commit target
			}
			n.visited = true
			if number == 0 {
				return fmt.Errorf("precommit %d: route passes genesis: %w", i, ErrNotDescendant)
			}
			cur, number = n.h.ParentHash, number-1
		}
	}
	for hh, n := range nodes {
		if !n.visited {
			return fmt.Errorf("votes ancestry %s #%d: %w", hh, n.h.Number, ErrUnusedAncestry)
		}
	}
	return nil
}

// VerifyCommit verifies a gossip commit for set: its set id must be set.SetID
// (ErrSetIDMismatch), then it is checked like a justification without
// ancestries.
func (v *Verifier) VerifyCommit(c *CompactCommit, set *AuthoritySet) (*Result, error) {
	if c.SetID != set.SetID {
		return nil, fmt.Errorf("%w: commit for set %d, authority set is %d", ErrSetIDMismatch, c.SetID, set.SetID)
	}
	if len(c.Precommits) != len(c.AuthData) {
		return nil, fmt.Errorf("%w: %d precommits but %d signatures", ErrMalformed, len(c.Precommits), len(c.AuthData))
	}
	return v.VerifyJustification(c.Justification(), set)
}
