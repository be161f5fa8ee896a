package chainspec

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// maxForkDepth bounds the nesting of fork-tree nodes a decoder follows.
const maxForkDepth = 256

// ForkNode is a node of Substrate's fork tree (sc-fork-tree): data attached to
// a block, with children on descendant blocks.
type ForkNode[T any] struct {
	Hash     header.Hash
	Number   uint32
	Data     T
	Children []ForkNode[T]
}

// ForkTree is sc-fork-tree's ForkTree: roots and the number of the best
// finalized block the tree has seen.
type ForkTree[T any] struct {
	Roots               []ForkNode[T]
	BestFinalizedNumber *uint32
}

// Len counts the nodes of the tree.
func (t *ForkTree[T]) Len() int {
	var count func([]ForkNode[T]) int
	count = func(ns []ForkNode[T]) int {
		n := len(ns)
		for i := range ns {
			n += count(ns[i].Children)
		}
		return n
	}
	return count(t.Roots)
}

// minItem is a lower bound of the encoded size of one T, used to check
// length prefixes before allocating.
func decodeForkTree[T any](d *scale.Decoder, minItem int, item func(*scale.Decoder) (T, error)) (ForkTree[T], error) {
	var t ForkTree[T]
	var nodes func(depth int) ([]ForkNode[T], error)
	nodes = func(depth int) ([]ForkNode[T], error) {
		if depth > maxForkDepth {
			return nil, fmt.Errorf("%w: fork tree deeper than %d", ErrMalformed, maxForkDepth)
		}
		n, err := d.Len(32 + 4 + minItem + 1)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, nil
		}
		out := make([]ForkNode[T], n)
		for i := range out {
			if err := d.Fixed(out[i].Hash[:]); err != nil {
				return nil, err
			}
			if out[i].Number, err = d.U32(); err != nil {
				return nil, err
			}
			if out[i].Data, err = item(d); err != nil {
				return nil, fmt.Errorf("fork node %d: %w", i, err)
			}
			if out[i].Children, err = nodes(depth + 1); err != nil {
				return nil, fmt.Errorf("fork node %d children: %w", i, err)
			}
		}
		return out, nil
	}
	roots, err := nodes(0)
	if err != nil {
		return t, fmt.Errorf("fork tree roots: %w", err)
	}
	t.Roots = roots
	some, err := d.OptionTag()
	if err != nil {
		return t, fmt.Errorf("fork tree best finalized: %w", err)
	}
	if some {
		v, err := d.U32()
		if err != nil {
			return t, err
		}
		t.BestFinalizedNumber = &v
	}
	return t, nil
}

func appendForkTree[T any](dst []byte, t ForkTree[T], item func([]byte, T) []byte) []byte {
	var nodes func(dst []byte, ns []ForkNode[T]) []byte
	nodes = func(dst []byte, ns []ForkNode[T]) []byte {
		dst = scale.AppendCompact(dst, uint64(len(ns)))
		for _, n := range ns {
			dst = append(dst, n.Hash[:]...)
			dst = scale.AppendU32(dst, n.Number)
			dst = item(dst, n.Data)
			dst = nodes(dst, n.Children)
		}
		return dst
	}
	dst = nodes(dst, t.Roots)
	if t.BestFinalizedNumber == nil {
		return append(dst, 0)
	}
	return scale.AppendU32(append(dst, 1), *t.BestFinalizedNumber)
}

// PendingChange is sc-consensus-grandpa's PendingChange: a change to
// NextAuthorities signalled in block CanonHeight (CanonHash), enacted Delay
// blocks later. DelayKindBest marks a forced change, which also carries the
// median last finalized block.
type PendingChange struct {
	NextAuthorities     []grandpa.Authority
	Delay               uint32
	CanonHeight         uint32
	CanonHash           header.Hash
	Forced              bool // delay_kind Best
	MedianLastFinalized uint32
}

func decodePendingChange(d *scale.Decoder) (PendingChange, error) {
	var p PendingChange
	var err error
	if p.NextAuthorities, err = header.DecodeGrandpaAuthorities(d); err != nil {
		return p, err
	}
	if p.Delay, err = d.U32(); err != nil {
		return p, err
	}
	if p.CanonHeight, err = d.U32(); err != nil {
		return p, err
	}
	if err = d.Fixed(p.CanonHash[:]); err != nil {
		return p, err
	}
	kind, err := d.U8()
	if err != nil {
		return p, err
	}
	switch kind {
	case 0:
	case 1:
		p.Forced = true
		if p.MedianLastFinalized, err = d.U32(); err != nil {
			return p, err
		}
	default:
		return p, fmt.Errorf("%w: delay kind %d", ErrMalformed, kind)
	}
	return p, nil
}

func appendPendingChange(dst []byte, p PendingChange) []byte {
	dst = header.AppendGrandpaAuthorities(dst, p.NextAuthorities)
	dst = scale.AppendU32(dst, p.Delay)
	dst = scale.AppendU32(dst, p.CanonHeight)
	dst = append(dst, p.CanonHash[:]...)
	if p.Forced {
		return scale.AppendU32(append(dst, 1), p.MedianLastFinalized)
	}
	return append(dst, 0)
}

// Tracker converts the change to the form grandpa.Tracker takes.
func (p PendingChange) Tracker() grandpa.PendingChange {
	return grandpa.PendingChange{
		NextAuthorities: p.NextAuthorities, Delay: p.Delay, CanonHeight: p.CanonHeight,
		CanonHash: p.CanonHash, Forced: p.Forced, MedianLastFinalized: p.MedianLastFinalized,
	}
}

// SetChangeEntry is one entry of authority_set_changes: set SetID ended
// (its last block, whose justification is a warp-sync fragment) at Block.
type SetChangeEntry struct {
	SetID uint64
	Block uint32
}

// GrandpaState is sc-consensus-grandpa's persisted AuthoritySet.
type GrandpaState struct {
	Set                    grandpa.AuthoritySet
	PendingStandardChanges ForkTree[PendingChange]
	PendingForcedChanges   []PendingChange
	AuthoritySetChanges    []SetChangeEntry
}

// DecodeGrandpaState decodes a lightSyncState grandpaAuthoritySet value,
// refusing trailing bytes. It checks the structure, not the semantics (see
// Checkpoint.Validate).
func DecodeGrandpaState(b []byte) (*GrandpaState, error) {
	d := scale.NewDecoder(b)
	var g GrandpaState
	var err error
	if g.Set.Authorities, err = header.DecodeGrandpaAuthorities(d); err != nil {
		return nil, fmt.Errorf("%w: current authorities: %w", ErrMalformed, err)
	}
	if g.Set.SetID, err = d.U64(); err != nil {
		return nil, fmt.Errorf("%w: set id: %w", ErrMalformed, err)
	}
	minChange := 1 + 4 + 4 + 32 + 1
	if g.PendingStandardChanges, err = decodeForkTree(d, minChange, decodePendingChange); err != nil {
		return nil, fmt.Errorf("%w: pending standard changes: %w", ErrMalformed, err)
	}
	n, err := d.Len(minChange)
	if err != nil {
		return nil, fmt.Errorf("%w: pending forced changes: %w", ErrMalformed, err)
	}
	for i := 0; i < n; i++ {
		p, err := decodePendingChange(d)
		if err != nil {
			return nil, fmt.Errorf("%w: pending forced change %d: %w", ErrMalformed, i, err)
		}
		g.PendingForcedChanges = append(g.PendingForcedChanges, p)
	}
	if n, err = d.Len(12); err != nil {
		return nil, fmt.Errorf("%w: authority set changes: %w", ErrMalformed, err)
	}
	g.AuthoritySetChanges = make([]SetChangeEntry, n)
	for i := range g.AuthoritySetChanges {
		e := &g.AuthoritySetChanges[i]
		if e.SetID, err = d.U64(); err != nil {
			return nil, err
		}
		if e.Block, err = d.U32(); err != nil {
			return nil, err
		}
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: grandpa authority set: %w", ErrMalformed, err)
	}
	return &g, nil
}

// Encode returns the SCALE encoding of g.
func (g *GrandpaState) Encode() []byte {
	dst := header.AppendGrandpaAuthorities(nil, g.Set.Authorities)
	dst = scale.AppendU64(dst, g.Set.SetID)
	dst = appendForkTree(dst, g.PendingStandardChanges, appendPendingChange)
	dst = scale.AppendCompact(dst, uint64(len(g.PendingForcedChanges)))
	for _, p := range g.PendingForcedChanges {
		dst = appendPendingChange(dst, p)
	}
	dst = scale.AppendCompact(dst, uint64(len(g.AuthoritySetChanges)))
	for _, e := range g.AuthoritySetChanges {
		dst = scale.AppendU64(dst, e.SetID)
		dst = scale.AppendU32(dst, e.Block)
	}
	return dst
}

// BABEEpoch is sc-consensus-babe's Epoch.
type BABEEpoch struct {
	Index        uint64
	StartSlot    uint64
	Duration     uint64
	Authorities  []header.BABEAuthority
	Randomness   [32]byte
	C            [2]uint64
	AllowedSlots uint8 // 0 primary, 1 primary+secondary plain, 2 primary+secondary VRF
}

const minEpochSize = 8*3 + 1 + 32 + 16 + 1

func decodeBABEEpoch(d *scale.Decoder) (BABEEpoch, error) {
	var e BABEEpoch
	var err error
	if e.Index, err = d.U64(); err != nil {
		return e, err
	}
	if e.StartSlot, err = d.U64(); err != nil {
		return e, err
	}
	if e.Duration, err = d.U64(); err != nil {
		return e, err
	}
	n, err := d.Len(40)
	if err != nil {
		return e, fmt.Errorf("authorities: %w", err)
	}
	e.Authorities = make([]header.BABEAuthority, n)
	for i := range e.Authorities {
		if err := d.Fixed(e.Authorities[i].Key[:]); err != nil {
			return e, err
		}
		if e.Authorities[i].Weight, err = d.U64(); err != nil {
			return e, err
		}
	}
	if err := d.Fixed(e.Randomness[:]); err != nil {
		return e, err
	}
	if e.C[0], err = d.U64(); err != nil {
		return e, err
	}
	if e.C[1], err = d.U64(); err != nil {
		return e, err
	}
	if e.AllowedSlots, err = d.U8(); err != nil {
		return e, err
	}
	if e.AllowedSlots > 2 {
		return e, fmt.Errorf("%w: allowed slots %d", ErrMalformed, e.AllowedSlots)
	}
	return e, nil
}

func appendBABEEpoch(dst []byte, e BABEEpoch) []byte {
	dst = scale.AppendU64(dst, e.Index)
	dst = scale.AppendU64(dst, e.StartSlot)
	dst = scale.AppendU64(dst, e.Duration)
	dst = scale.AppendCompact(dst, uint64(len(e.Authorities)))
	for _, a := range e.Authorities {
		dst = append(dst, a.Key[:]...)
		dst = scale.AppendU64(dst, a.Weight)
	}
	dst = append(dst, e.Randomness[:]...)
	dst = scale.AppendU64(dst, e.C[0])
	dst = scale.AppendU64(dst, e.C[1])
	return append(dst, e.AllowedSlots)
}

// EpochHeader is the slot range of an epoch (sc-consensus-epochs EpochHeader).
type EpochHeader struct {
	StartSlot, EndSlot uint64
}

// PersistedEpochHeader is the fork-tree payload: Genesis holds two epoch
// headers (epoch 0 and 1), Regular one.
type PersistedEpochHeader struct {
	Genesis bool
	Headers []EpochHeader // 2 when Genesis, else 1
}

// PersistedEpoch is an epoch stored in the epochs map: Genesis holds epoch 0
// and 1, Regular one epoch.
type PersistedEpoch struct {
	Hash    header.Hash
	Number  uint32
	Genesis bool
	Epochs  []BABEEpoch
}

// BABEEpochChanges is sc-consensus-epochs' EpochChanges for BABE.
type BABEEpochChanges struct {
	Tree   ForkTree[PersistedEpochHeader]
	Epochs []PersistedEpoch
}

func decodeTwoOrOne[T any](d *scale.Decoder, f func(*scale.Decoder) (T, error)) (bool, []T, error) {
	tag, err := d.U8()
	if err != nil {
		return false, nil, err
	}
	count := 0
	switch tag {
	case 0:
		count = 2
	case 1:
		count = 1
	default:
		return false, nil, fmt.Errorf("%w: persisted epoch variant %d", ErrMalformed, tag)
	}
	out := make([]T, count)
	for i := range out {
		if out[i], err = f(d); err != nil {
			return false, nil, err
		}
	}
	return tag == 0, out, nil
}

func decodeEpochHeader(d *scale.Decoder) (EpochHeader, error) {
	var h EpochHeader
	var err error
	if h.StartSlot, err = d.U64(); err != nil {
		return h, err
	}
	h.EndSlot, err = d.U64()
	return h, err
}

// DecodeBABEEpochChanges decodes a lightSyncState babeEpochChanges value,
// refusing trailing bytes.
func DecodeBABEEpochChanges(b []byte) (*BABEEpochChanges, error) {
	d := scale.NewDecoder(b)
	var c BABEEpochChanges
	var err error
	c.Tree, err = decodeForkTree(d, 1+16, func(d *scale.Decoder) (PersistedEpochHeader, error) {
		g, hs, err := decodeTwoOrOne(d, decodeEpochHeader)
		return PersistedEpochHeader{Genesis: g, Headers: hs}, err
	})
	if err != nil {
		return nil, fmt.Errorf("%w: babe epoch tree: %w", ErrMalformed, err)
	}
	n, err := d.Len(32 + 4 + 1 + minEpochSize)
	if err != nil {
		return nil, fmt.Errorf("%w: babe epochs: %w", ErrMalformed, err)
	}
	c.Epochs = make([]PersistedEpoch, n)
	for i := range c.Epochs {
		e := &c.Epochs[i]
		if err := d.Fixed(e.Hash[:]); err != nil {
			return nil, fmt.Errorf("%w: babe epoch %d: %w", ErrMalformed, i, err)
		}
		if e.Number, err = d.U32(); err != nil {
			return nil, fmt.Errorf("%w: babe epoch %d: %w", ErrMalformed, i, err)
		}
		if e.Genesis, e.Epochs, err = decodeTwoOrOne(d, decodeBABEEpoch); err != nil {
			return nil, fmt.Errorf("%w: babe epoch %d: %w", ErrMalformed, i, err)
		}
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: babe epoch changes: %w", ErrMalformed, err)
	}
	return &c, nil
}

// Encode returns the SCALE encoding of c.
func (c *BABEEpochChanges) Encode() []byte {
	dst := appendForkTree(nil, c.Tree, func(dst []byte, h PersistedEpochHeader) []byte {
		if h.Genesis {
			dst = append(dst, 0)
		} else {
			dst = append(dst, 1)
		}
		for _, e := range h.Headers {
			dst = scale.AppendU64(scale.AppendU64(dst, e.StartSlot), e.EndSlot)
		}
		return dst
	})
	dst = scale.AppendCompact(dst, uint64(len(c.Epochs)))
	for _, e := range c.Epochs {
		dst = append(dst, e.Hash[:]...)
		dst = scale.AppendU32(dst, e.Number)
		if e.Genesis {
			dst = append(dst, 0)
		} else {
			dst = append(dst, 1)
		}
		for _, ep := range e.Epochs {
			dst = appendBABEEpoch(dst, ep)
		}
	}
	return dst
}
