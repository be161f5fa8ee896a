package testchain

import (
	"crypto/ed25519"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// JustifyOptions chooses how Justify signs.
type JustifyOptions struct {
	// Signers are indexes into the finalizing set's voters (default: all).
	Signers []int
	// SetID overrides the set whose voters sign and whose id is signed
	// (default: the set that finalizes the block).
	SetID *uint64
	// Round is the round number (default: the block's offset in its set + 1).
	Round uint64
	// VoteAhead lets signer i precommit on the block i%(VoteAhead+1) after
	// the target (when it exists), adding the needed votes ancestries.
	VoteAhead int
	// Equivocations add a second precommit by a signer, for another block
	// of the chain (below or above the target), as finality-grandpa puts
	// both votes of an equivocating voter in the commits it makes.
	Equivocations []Equivocation
}

// Equivocation is a second precommit of voter Signer (an index into the
// set's voters), for block Number.
type Equivocation struct {
	Signer int
	Number uint32
}

// Justify returns a justification of block n signed by voters of the set
// that finalizes it (or of opts.SetID).
func (c *Chain) Justify(n uint32, opts JustifyOptions) (*grandpa.Justification, error) {
	if int(n) >= len(c.Blocks) || n == 0 {
		return nil, fmt.Errorf("%w: no block #%d to justify", ErrConfig, n)
	}
	setID := c.Blocks[n].SetID
	if opts.SetID != nil {
		setID = *opts.SetID
	}
	if setID >= uint64(len(c.Sets)) {
		return nil, fmt.Errorf("%w: no set %d", ErrConfig, setID)
	}
	voters := c.setVoters[setID]
	signers := opts.Signers
	if signers == nil {
		signers = make([]int, len(voters))
		for i := range signers {
			signers[i] = i
		}
	}
	round := opts.Round
	if round == 0 {
		round = uint64(n) + 1
		for _, ch := range c.Changes {
			if ch.Enact < n {
				round = uint64(n-ch.Enact) + 1
			}
		}
	}
	target := c.Blocks[n]
	j := &grandpa.Justification{Round: round, Commit: grandpa.Commit{TargetHash: target.Hash, TargetNumber: n}}
	lowest, highest := n, n
	sign := func(i int, vote uint32) {
		lowest, highest = min(lowest, vote), max(highest, vote)
		p := grandpa.Precommit{TargetHash: c.Blocks[vote].Hash, TargetNumber: vote}
		sp := grandpa.SignedPrecommit{Precommit: p}
		copy(sp.ID[:], voters[i].Public().(ed25519.PublicKey))
		copy(sp.Signature[:], ed25519.Sign(voters[i], grandpa.SignedMessage(p, round, setID)))
		j.Commit.Precommits = append(j.Commit.Precommits, sp)
	}
	for _, i := range signers {
		if i < 0 || i >= len(voters) {
			return nil, fmt.Errorf("%w: set %d has no voter %d", ErrConfig, setID, i)
		}
		vote := n
		if opts.VoteAhead > 0 {
			vote = min(n+uint32(i%(opts.VoteAhead+1)), uint32(len(c.Blocks)-1))
		}
		sign(i, vote)
	}
	for _, e := range opts.Equivocations {
		if e.Signer < 0 || e.Signer >= len(voters) || e.Number == 0 || int(e.Number) >= len(c.Blocks) {
			return nil, fmt.Errorf("%w: equivocation by voter %d of set %d on block %d", ErrConfig, e.Signer, setID, e.Number)
		}
		sign(e.Signer, e.Number)
	}
	// Votes ancestries as Substrate builds them: every header from each
	// precommit target down to the lowest one, that one excluded.
	for m := lowest + 1; m <= highest; m++ {
		j.VotesAncestries = append(j.VotesAncestries, cloneHeader(c.Blocks[m].Header))
	}
	return j, nil
}

// SignPrecommit signs p for (round, setID) with voter i of set setID.
func (c *Chain) SignPrecommit(setID uint64, i int, p grandpa.Precommit, round uint64) grandpa.SignedPrecommit {
	k := c.setVoters[setID][i]
	sp := grandpa.SignedPrecommit{Precommit: p}
	copy(sp.ID[:], k.Public().(ed25519.PublicKey))
	copy(sp.Signature[:], ed25519.Sign(k, grandpa.SignedMessage(p, round, setID)))
	return sp
}

func cloneHeader(h *header.Header) *header.Header {
	c := *h
	c.Digest = append([]header.DigestItem(nil), h.Digest...)
	return &c
}

// SetEnd returns the last block of set id (the block enacting change id+1),
// or false when the set is still in force at the head.
func (c *Chain) SetEnd(id uint64) (uint32, bool) {
	if id < uint64(len(c.Changes)) {
		return c.Changes[id].Enact, true
	}
	return 0, false
}

// WarpProof returns the warp-sync proof a full node would serve to a peer
// whose finalized authority set is fromSet: one fragment per set change
// from there on, at most maxFragments (0: no limit), then the justified head
// when the proof reaches it (IsFinished). It needs change delays of 0.
func (c *Chain) WarpProof(fromSet uint64, maxFragments int) (*grandpa.WarpProof, error) {
	p := &grandpa.WarpProof{}
	for id := fromSet; id < uint64(len(c.Changes)); id++ {
		if maxFragments > 0 && len(p.Fragments) == maxFragments {
			return p, nil
		}
		ch := c.Changes[id]
		if ch.Enact != ch.Signal {
			return nil, fmt.Errorf("%w: change %d has a delay; warp fragments need the change in the set's last header", ErrConfig, ch.SetID)
		}
		p.Fragments = append(p.Fragments, c.fragment(ch.Enact))
	}
	head := c.Head()
	if len(p.Fragments) == 0 || p.Fragments[len(p.Fragments)-1].Header.Number != head.Header.Number {
		if maxFragments > 0 && len(p.Fragments) == maxFragments {
			return p, nil
		}
		p.Fragments = append(p.Fragments, c.fragment(head.Header.Number))
	}
	p.IsFinished = true
	return p, nil
}

func (c *Chain) fragment(n uint32) grandpa.Fragment {
	b := c.Blocks[n]
	return grandpa.Fragment{Header: cloneHeader(b.Header), Justification: b.Justification}
}

// CompactCommit returns the gossip form of a commit for block n, as voters
// broadcast it at the end of a round (no votes ancestries).
func (c *Chain) CompactCommit(n uint32, opts JustifyOptions) (*grandpa.CompactCommit, error) {
	opts.VoteAhead = 0
	j, err := c.Justify(n, opts)
	if err != nil {
		return nil, err
	}
	setID := c.Blocks[n].SetID
	if opts.SetID != nil {
		setID = *opts.SetID
	}
	cc := &grandpa.CompactCommit{Round: j.Round, SetID: setID, TargetHash: j.Commit.TargetHash, TargetNumber: j.Commit.TargetNumber}
	for _, p := range j.Commit.Precommits {
		cc.Precommits = append(cc.Precommits, p.Precommit)
		cc.AuthData = append(cc.AuthData, grandpa.AuthData{Signature: p.Signature, ID: p.ID})
	}
	return cc, nil
}
