package grandpa

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Precommit is a vote to finalize a block and its ancestors.
type Precommit struct {
	TargetHash   header.Hash
	TargetNumber uint32
}

// SignedPrecommit is a precommit with its ed25519 signature and signer.
type SignedPrecommit struct {
	Precommit
	Signature [64]byte
	ID        [32]byte
}

// Commit is a set of signed precommits for a target block.
type Commit struct {
	TargetHash   header.Hash
	TargetNumber uint32
	Precommits   []SignedPrecommit
}

// Justification is a GRANDPA justification (sc_consensus_grandpa::GrandpaJustification):
// a commit of a round and the headers proving that every precommit target
// descends from the commit target.
type Justification struct {
	Round           uint64
	Commit          Commit
	VotesAncestries []*header.Header
}

const (
	precommitSize       = 32 + 4
	signedPrecommitSize = precommitSize + 64 + 32
	// SignedMessageSize is the length of the message a precommit signature covers.
	SignedMessageSize = 1 + precommitSize + 8 + 8
)

// DecodeJustification decodes exactly one SCALE justification from b.
func DecodeJustification(b []byte) (*Justification, error) {
	d := scale.NewDecoder(b)
	j, err := DecodeJustificationFrom(d)
	if err != nil {
		return nil, err
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: justification: %w", ErrMalformed, err)
	}
	return j, nil
}

// DecodeJustificationFrom decodes one SCALE justification from d.
func DecodeJustificationFrom(d *scale.Decoder) (*Justification, error) {
	j := new(Justification)
	var err error
	if j.Round, err = d.U64(); err != nil {
		return nil, fmt.Errorf("%w: justification round: %w", ErrMalformed, err)
	}
	if err := d.Fixed(j.Commit.TargetHash[:]); err != nil {
		return nil, fmt.Errorf("%w: commit target hash: %w", ErrMalformed, err)
	}
	if j.Commit.TargetNumber, err = d.U32(); err != nil {
		return nil, fmt.Errorf("%w: commit target number: %w", ErrMalformed, err)
	}
	n, err := d.Len(signedPrecommitSize)
	if err != nil {
		return nil, fmt.Errorf("%w: precommit count: %w", ErrMalformed, err)
	}
	j.Commit.Precommits = make([]SignedPrecommit, n)
	for i := range j.Commit.Precommits {
		p := &j.Commit.Precommits[i]
		if err := decodePrecommit(d, &p.Precommit); err != nil {
			return nil, fmt.Errorf("%w: precommit %d: %w", ErrMalformed, i, err)
		}
		if err := d.Fixed(p.Signature[:]); err != nil {
			return nil, fmt.Errorf("%w: precommit %d signature: %w", ErrMalformed, i, err)
		}
		if err := d.Fixed(p.ID[:]); err != nil {
			return nil, fmt.Errorf("%w: precommit %d signer: %w", ErrMalformed, i, err)
		}
	}
	// A header is at least 98 bytes (three hashes, number, digest length).
	na, err := d.Len(98)
	if err != nil {
		return nil, fmt.Errorf("%w: votes ancestries count: %w", ErrMalformed, err)
	}
	if na > 0 {
		j.VotesAncestries = make([]*header.Header, 0, na)
	}
	for i := 0; i < na; i++ {
		h, err := header.DecodeFrom(d)
		if err != nil {
			return nil, fmt.Errorf("%w: votes ancestry %d: %w", ErrMalformed, i, err)
		}
		j.VotesAncestries = append(j.VotesAncestries, h)
	}
	return j, nil
}

func decodePrecommit(d *scale.Decoder, p *Precommit) error {
	if err := d.Fixed(p.TargetHash[:]); err != nil {
		return err
	}
	var err error
	p.TargetNumber, err = d.U32()
	return err
}

// Encode returns the SCALE encoding of j.
func (j *Justification) Encode() []byte {
	dst := make([]byte, 0, 8+precommitSize+5+len(j.Commit.Precommits)*signedPrecommitSize+5)
	dst = scale.AppendU64(dst, j.Round)
	dst = append(dst, j.Commit.TargetHash[:]...)
	dst = scale.AppendU32(dst, j.Commit.TargetNumber)
	dst = scale.AppendCompact(dst, uint64(len(j.Commit.Precommits)))
	for _, p := range j.Commit.Precommits {
		dst = append(dst, p.TargetHash[:]...)
		dst = scale.AppendU32(dst, p.TargetNumber)
		dst = append(dst, p.Signature[:]...)
		dst = append(dst, p.ID[:]...)
	}
	dst = scale.AppendCompact(dst, uint64(len(j.VotesAncestries)))
	for _, h := range j.VotesAncestries {
		dst = h.AppendTo(dst)
	}
	return dst
}

// SignedMessage returns the bytes a precommit signature covers:
// SCALE((Message::Precommit = 1, precommit), round, set_id).
func SignedMessage(p Precommit, round, setID uint64) []byte {
	return appendSignedMessage(make([]byte, 0, SignedMessageSize), p, round, setID)
}

func appendSignedMessage(dst []byte, p Precommit, round, setID uint64) []byte {
	dst = append(dst, 1)
	dst = append(dst, p.TargetHash[:]...)
	dst = scale.AppendU32(dst, p.TargetNumber)
	dst = scale.AppendU64(dst, round)
	return scale.AppendU64(dst, setID)
}

// CompactCommit is the gossip (neighbour protocol) form of a commit message:
// round ‖ set_id ‖ target ‖ Vec<Precommit> ‖ Vec<(signature, id)>.
type CompactCommit struct {
	Round        uint64
	SetID        uint64
	TargetHash   header.Hash
	TargetNumber uint32
	Precommits   []Precommit
	AuthData     []AuthData
}

// AuthData is a signature and its signer, index-aligned with CompactCommit.Precommits.
type AuthData struct {
	Signature [64]byte
	ID        [32]byte
}

// DecodeCompactCommit decodes exactly one gossip commit message from b. The
// two vectors must have the same length.
func DecodeCompactCommit(b []byte) (*CompactCommit, error) {
	d := scale.NewDecoder(b)
	c := new(CompactCommit)
	var err error
	if c.Round, err = d.U64(); err != nil {
		return nil, fmt.Errorf("%w: commit round: %w", ErrMalformed, err)
	}
	if c.SetID, err = d.U64(); err != nil {
		return nil, fmt.Errorf("%w: commit set id: %w", ErrMalformed, err)
	}
	if err := d.Fixed(c.TargetHash[:]); err != nil {
		return nil, fmt.Errorf("%w: commit target hash: %w", ErrMalformed, err)
	}
	if c.TargetNumber, err = d.U32(); err != nil {
		return nil, fmt.Errorf("%w: commit target number: %w", ErrMalformed, err)
	}
	n, err := d.Len(precommitSize)
	if err != nil {
		return nil, fmt.Errorf("%w: precommit count: %w", ErrMalformed, err)
	}
	c.Precommits = make([]Precommit, n)
	for i := range c.Precommits {
		if err := decodePrecommit(d, &c.Precommits[i]); err != nil {
			return nil, fmt.Errorf("%w: precommit %d: %w", ErrMalformed, i, err)
		}
	}
	m, err := d.Len(96)
	if err != nil {
		return nil, fmt.Errorf("%w: auth data count: %w", ErrMalformed, err)
	}
	if m != n {
		return nil, fmt.Errorf("%w: %d precommits but %d signatures", ErrMalformed, n, m)
	}
	c.AuthData = make([]AuthData, m)
	for i := range c.AuthData {
		if err := d.Fixed(c.AuthData[i].Signature[:]); err != nil {
			return nil, fmt.Errorf("%w: signature %d: %w", ErrMalformed, i, err)
		}
		if err := d.Fixed(c.AuthData[i].ID[:]); err != nil {
			return nil, fmt.Errorf("%w: signer %d: %w", ErrMalformed, i, err)
		}
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: commit: %w", ErrMalformed, err)
	}
	return c, nil
}

// Encode returns the SCALE encoding of c.
func (c *CompactCommit) Encode() []byte {
	dst := make([]byte, 0, 8+8+precommitSize+10+len(c.Precommits)*(precommitSize+96))
	dst = scale.AppendU64(dst, c.Round)
	dst = scale.AppendU64(dst, c.SetID)
	dst = append(dst, c.TargetHash[:]...)
	dst = scale.AppendU32(dst, c.TargetNumber)
	dst = scale.AppendCompact(dst, uint64(len(c.Precommits)))
	for _, p := range c.Precommits {
		dst = append(dst, p.TargetHash[:]...)
		dst = scale.AppendU32(dst, p.TargetNumber)
	}
	dst = scale.AppendCompact(dst, uint64(len(c.AuthData)))
	for _, a := range c.AuthData {
		dst = append(dst, a.Signature[:]...)
		dst = append(dst, a.ID[:]...)
	}
	return dst
}

// Justification returns the commit as a justification without votes
// ancestries (gossip commits carry none).
func (c *CompactCommit) Justification() *Justification {
	j := &Justification{Round: c.Round, Commit: Commit{TargetHash: c.TargetHash, TargetNumber: c.TargetNumber}}
	n := min(len(c.Precommits), len(c.AuthData))
	j.Commit.Precommits = make([]SignedPrecommit, n)
	for i := 0; i < n; i++ {
		j.Commit.Precommits[i] = SignedPrecommit{Precommit: c.Precommits[i], Signature: c.AuthData[i].Signature, ID: c.AuthData[i].ID}
	}
	return j
}
