package wire

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// GossipKind is the tag of a GRANDPA gossip message (sc-consensus-grandpa GossipMessage).
type GossipKind uint8

// GRANDPA gossip message kinds.
const (
	GossipVote           GossipKind = 0
	GossipCommit         GossipKind = 1
	GossipNeighbor       GossipKind = 2
	GossipCatchUpRequest GossipKind = 3
	GossipCatchUp        GossipKind = 4
)

// VoteKind is the kind of a signed GRANDPA vote.
type VoteKind uint8

// Vote kinds.
const (
	VotePrevote        VoteKind = 0
	VotePrecommit      VoteKind = 1
	VotePrimaryPropose VoteKind = 2
)

// Vote is a signed round message: round ‖ set_id ‖ Message ‖ signature ‖ id.
type Vote struct {
	Round, SetID uint64
	Kind         VoteKind
	TargetHash   header.Hash
	TargetNumber uint32
	Signature    [64]byte
	ID           [32]byte
}

// Neighbor is a version-1 neighbor packet.
type Neighbor struct {
	Round, SetID          uint64
	CommitFinalizedHeight uint32
}

// CatchUpRequest asks a peer for a catch-up message.
type CatchUpRequest struct {
	Round, SetID uint64
}

// SignedVote is a prevote or precommit with its signature, as in a catch-up.
type SignedVote struct {
	TargetHash   header.Hash
	TargetNumber uint32
	Signature    [64]byte
	ID           [32]byte
}

// CatchUp is a catch-up response.
type CatchUp struct {
	SetID, Round uint64
	Prevotes     []SignedVote
	Precommits   []SignedVote
	BaseHash     header.Hash
	BaseNumber   uint32
}

// Gossip is one decoded GRANDPA notification; exactly the field matching Kind is set.
type Gossip struct {
	Kind           GossipKind
	Vote           *Vote
	Commit         *grandpa.CompactCommit
	Neighbor       *Neighbor
	CatchUpRequest *CatchUpRequest
	CatchUp        *CatchUp
}

const signedVoteSize = 32 + 4 + 64 + 32

// DecodeGossip decodes one GRANDPA notification, refusing trailing bytes.
func DecodeGossip(b []byte) (*Gossip, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty grandpa message", ErrMalformed)
	}
	g := &Gossip{Kind: GossipKind(b[0])}
	d := scale.NewDecoder(b[1:])
	var err error
	switch g.Kind {
	case GossipVote:
		g.Vote, err = decodeVote(d)
	case GossipCommit:
		g.Commit, err = grandpa.DecodeCompactCommit(b[1:])
		if err != nil {
			return nil, fmt.Errorf("%w: grandpa commit: %w", ErrMalformed, err)
		}
		return g, nil
	case GossipNeighbor:
		g.Neighbor, err = decodeNeighbor(d)
	case GossipCatchUpRequest:
		r := new(CatchUpRequest)
		if r.Round, err = d.U64(); err == nil {
			r.SetID, err = d.U64()
		}
		g.CatchUpRequest = r
	case GossipCatchUp:
		g.CatchUp, err = decodeCatchUp(d)
	default:
		return nil, fmt.Errorf("%w: unknown grandpa message kind %d", ErrMalformed, b[0])
	}
	if err == nil {
		err = d.Finish()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: grandpa message kind %d: %w", ErrMalformed, g.Kind, err)
	}
	return g, nil
}

func decodeVote(d *scale.Decoder) (*Vote, error) {
	v := new(Vote)
	var err error
	if v.Round, err = d.U64(); err != nil {
		return nil, err
	}
	if v.SetID, err = d.U64(); err != nil {
		return nil, err
	}
	k, err := d.U8()
	if err != nil {
		return nil, err
	}
	if k > uint8(VotePrimaryPropose) {
		return nil, fmt.Errorf("vote kind %d", k)
	}
	v.Kind = VoteKind(k)
	var sv SignedVote
	if err := decodeSignedVote(d, &sv); err != nil {
		return nil, err
	}
	v.TargetHash, v.TargetNumber, v.Signature, v.ID = sv.TargetHash, sv.TargetNumber, sv.Signature, sv.ID
	return v, nil
}

// decodeSignedVote reads a target (hash, number), a signature and the
// signer's id into v.
func decodeSignedVote(d *scale.Decoder, v *SignedVote) error {
	if err := d.Fixed(v.TargetHash[:]); err != nil {
		return err
	}
	var err error
	if v.TargetNumber, err = d.U32(); err != nil {
		return err
	}
	if err := d.Fixed(v.Signature[:]); err != nil {
		return err
	}
	return d.Fixed(v.ID[:])
}

// appendSignedVote appends the encoding decodeSignedVote reads.
func appendSignedVote(b []byte, v SignedVote) []byte {
	b = append(b, v.TargetHash[:]...)
	b = scale.AppendU32(b, v.TargetNumber)
	b = append(b, v.Signature[:]...)
	return append(b, v.ID[:]...)
}

func decodeNeighbor(d *scale.Decoder) (*Neighbor, error) {
	ver, err := d.U8()
	if err != nil {
		return nil, err
	}
	if ver != 1 {
		return nil, fmt.Errorf("neighbor packet version %d", ver)
	}
	n := new(Neighbor)
	if n.Round, err = d.U64(); err != nil {
		return nil, err
	}
	if n.SetID, err = d.U64(); err != nil {
		return nil, err
	}
	if n.CommitFinalizedHeight, err = d.U32(); err != nil {
		return nil, err
	}
	return n, nil
}

func decodeSignedVotes(d *scale.Decoder) ([]SignedVote, error) {
	n, err := d.Len(signedVoteSize)
	if err != nil {
		return nil, err
	}
	out := make([]SignedVote, n)
	for i := range out {
		if err := decodeSignedVote(d, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decodeCatchUp(d *scale.Decoder) (*CatchUp, error) {
	c := new(CatchUp)
	var err error
	if c.SetID, err = d.U64(); err != nil {
		return nil, err
	}
	if c.Round, err = d.U64(); err != nil {
		return nil, err
	}
	if c.Prevotes, err = decodeSignedVotes(d); err != nil {
		return nil, fmt.Errorf("prevotes: %w", err)
	}
	if c.Precommits, err = decodeSignedVotes(d); err != nil {
		return nil, fmt.Errorf("precommits: %w", err)
	}
	if err := d.Fixed(c.BaseHash[:]); err != nil {
		return nil, err
	}
	if c.BaseNumber, err = d.U32(); err != nil {
		return nil, err
	}
	return c, nil
}

func appendSignedVotes(b []byte, vs []SignedVote) []byte {
	b = scale.AppendCompact(b, uint64(len(vs)))
	for _, v := range vs {
		b = appendSignedVote(b, v)
	}
	return b
}

// Encode returns the encoding of g (kind byte first). It returns nil when the
// field matching g.Kind is nil.
func (g *Gossip) Encode() []byte {
	b := []byte{byte(g.Kind)}
	switch g.Kind {
	case GossipVote:
		v := g.Vote
		if v == nil {
			return nil
		}
		b = scale.AppendU64(b, v.Round)
		b = scale.AppendU64(b, v.SetID)
		b = append(b, byte(v.Kind))
		return appendSignedVote(b, SignedVote{TargetHash: v.TargetHash, TargetNumber: v.TargetNumber, Signature: v.Signature, ID: v.ID})
	case GossipCommit:
		if g.Commit == nil {
			return nil
		}
		return append(b, g.Commit.Encode()...)
	case GossipNeighbor:
		if g.Neighbor == nil {
			return nil
		}
		b = append(b, 1)
		b = scale.AppendU64(b, g.Neighbor.Round)
		b = scale.AppendU64(b, g.Neighbor.SetID)
		return scale.AppendU32(b, g.Neighbor.CommitFinalizedHeight)
	case GossipCatchUpRequest:
		if g.CatchUpRequest == nil {
			return nil
		}
		b = scale.AppendU64(b, g.CatchUpRequest.Round)
		return scale.AppendU64(b, g.CatchUpRequest.SetID)
	case GossipCatchUp:
		c := g.CatchUp
		if c == nil {
			return nil
		}
		b = scale.AppendU64(b, c.SetID)
		b = scale.AppendU64(b, c.Round)
		b = appendSignedVotes(b, c.Prevotes)
		b = appendSignedVotes(b, c.Precommits)
		b = append(b, c.BaseHash[:]...)
		return scale.AppendU32(b, c.BaseNumber)
	}
	return nil
}
