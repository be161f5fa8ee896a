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

// CheckItems checks signatures with the checker v selects: CheckSignatures
// when set, else CachedPippengerChecker when KeyCache is set, else the
// default ZIP215Checker(0). It returns the index of the first invalid
// signature, or -1.
func (v *Verifier) CheckItems(items []SigItem) int {
	switch {
	case v.CheckSignatures != nil:
		return v.CheckSignatures(items)
	case v.KeyCache != nil:
		return CachedPippengerChecker(0, v.KeyCache)(items)
	}
	return defaultChecker(items)
}

// VerifyJustification verifies j with the zero Verifier.
func VerifyJustification(j *Justification, set *AuthoritySet) (*Result, error) {
	var v Verifier
	return v.VerifyJustification(j, set)
}

// VerifyJustification checks that j proves its target final for set, as
// Substrate's GrandpaJustification::verify does, and more strictly:
//
//   - the set is valid (ErrInvalidAuthoritySet);
//   - every signer is a member of the set (ErrUnknownAuthority), never signs
//     the same precommit twice (ErrDuplicateSignature) and signs at most two
//     precommits (ErrEquivocation for a third);
//   - the signers' weight reaches set.Threshold() (ErrNotEnoughWeight), an
//     equivocator's weight counted once;
//   - every precommit target is the commit target or a descendant proven by
//     votes_ancestries, or, for a voter that equivocates, an ancestor of the
//     commit target proven by them (ErrNotDescendant); every ancestry header
//     is used (ErrUnusedAncestry) and none repeats (ErrDuplicateAncestry);
//   - every signature verifies over (precommit, round, set.SetID)
//     (ErrBadSignature). A wrong set id shows as bad signatures.
//
// Equivocations are accepted as finality-grandpa accepts them: a voter that
// signed precommits for two blocks of a round has both in the commits
// honest voters make (Round::finalizing_precommits includes an
// equivocator's votes wherever they point), and validate_commit counts its
// weight once, for every block. Substrate's justification check then
// requires every precommit target to descend from the lowest one through the
// votes ancestries. Precommits of voters that did not equivocate are always
// for the target or its descendants in such commits, and only those are
// accepted here.
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
	signed := make(map[[32]byte]int, len(c.Precommits)) // precommits per signer
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
		signed[p.ID]++
		switch signed[p.ID] {
		case 1:
			weight += set.Authorities[ai].Weight // cannot overflow: index() bounds the total
		case 2:
			// An equivocation: both votes stay, the weight counts once.
		default:
			return nil, fmt.Errorf("precommit %d is the third by 0x%x: %w", i, p.ID, ErrEquivocation)
		}
	}
	threshold := set.Threshold()
	if weight < threshold {
		return nil, fmt.Errorf("%w: %d of %d needed (%d precommits, set %d)", ErrNotEnoughWeight, weight, threshold, len(c.Precommits), set.SetID)
	}
	equivocators := make(map[[32]byte]bool)
	for id, n := range signed {
		if n > 1 {
			equivocators[id] = true
		}
	}
	if err := checkAncestry(j, equivocators); err != nil {
		return nil, err
	}
	items := make([]SigItem, len(c.Precommits))
	msgs := make([]byte, 0, len(c.Precommits)*SignedMessageSize)
	for i, p := range c.Precommits {
		msgs = appendSignedMessage(msgs, p.Precommit, j.Round, set.SetID)
		items[i] = SigItem{Key: p.ID, Msg: msgs[i*SignedMessageSize : (i+1)*SignedMessageSize], Sig: p.Signature}
	}
	if bad := v.CheckItems(items); bad >= 0 {
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
// descends from it through votes_ancestries, or is an ancestor of the commit
// target on the route the votes ancestries give (equivocators' precommits
// only), and that every ancestry header is on such a route.
func checkAncestry(j *Justification, equivocators map[[32]byte]bool) error {
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
	var below []int // precommits for ancestors of the commit target
	lowest := c.TargetNumber
	for i, p := range c.Precommits {
		if p.TargetHash == c.TargetHash {
			if p.TargetNumber != c.TargetNumber {
				return fmt.Errorf("precommit %d targets %s as #%d, commit says #%d: %w", i, p.TargetHash, p.TargetNumber, c.TargetNumber, ErrNotDescendant)
			}
			continue
		}
		if p.TargetNumber < c.TargetNumber && equivocators[p.ID] {
			below = append(below, i)
			lowest = min(lowest, p.TargetNumber)
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
	if len(below) > 0 {
		// The route from the commit target down to the lowest precommit
		// target: the commit target's header and its ancestors above it.
		route := make(map[uint32]header.Hash, c.TargetNumber-lowest)
		cur := c.TargetHash
		for number := c.TargetNumber; number > lowest; number-- {
			n, ok := nodes[cur]
			if !ok || n.h.Number != number {
				return fmt.Errorf("precommit %d (#%d below the commit target): no ancestry header for #%d %s: %w", below[0], lowest, number, cur, ErrNotDescendant)
			}
			n.visited = true
			cur = n.h.ParentHash
			route[number-1] = cur
		}
		for _, i := range below {
			p := c.Precommits[i]
			if route[p.TargetNumber] != p.TargetHash {
				return fmt.Errorf("precommit %d (%s #%d) is not an ancestor of the commit target: %w", i, p.TargetHash, p.TargetNumber, ErrNotDescendant)
			}
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
