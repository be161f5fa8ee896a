package grandpa

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

// PendingChange is an authority-set change signalled in block CanonHeight
// (hash CanonHash) and enacted at CanonHeight+Delay. A forced change also
// carries the number of the last block the stalled set finalized.
type PendingChange struct {
	NextAuthorities     []Authority
	Delay               uint32
	CanonHeight         uint32
	CanonHash           header.Hash
	Forced              bool
	MedianLastFinalized uint32
}

// EffectiveNumber is the number of the block that enacts the change.
func (p *PendingChange) EffectiveNumber() uint64 { return uint64(p.CanonHeight) + uint64(p.Delay) }

// SetChange reports an enacted authority-set change.
type SetChange struct {
	// Number and Hash identify the block that enacted the change, the last
	// block of the previous set.
	Number uint32
	Hash   header.Hash
	Forced bool
	// MedianLastFinalized is, for a forced change, the last block the
	// previous set finalized: finality restarts from there.
	MedianLastFinalized uint32
	Set                 AuthoritySet
}

// Tracker follows the GRANDPA authority set along one chain of finalized
// headers: it is passive, pure and not safe for concurrent use.
//
// Feed it every header after its starting block, in order, with Import:
// the headers of the finalized chain. A ScheduledChange signalled at block N
// with delay d is enacted when block N+d is imported (d = 0: at N itself, so
// N is the last block the old set justifies). A ForcedChange is enacted the
// same way — Substrate enacts forced changes when their block is imported
// rather than finalized, so a caller following an unfinalized best chain may
// feed its headers too. Enacting any change increments the set id and
// discards other pending changes, as Substrate does when it starts a new
// set. Pause and Resume take effect after their delay.
type Tracker struct {
	set     AuthoritySet
	number  uint32
	hash    header.Hash
	pending []PendingChange
	paused  bool
	// pauseAt and resumeAt are the blocks where a signalled Pause or Resume
	// takes effect (valid when the matching flag is set).
	pauseAt, resumeAt uint64
	pausing, resuming bool
}

// NewTracker starts tracking at the finalized block (hash, number), whose
// authority set (after any change the block enacted) is set, with pending
// changes not yet enacted (for example from a lightSyncState checkpoint).
func NewTracker(set AuthoritySet, hash header.Hash, number uint32, pending ...PendingChange) (*Tracker, error) {
	if err := set.Validate(); err != nil {
		return nil, err
	}
	t := &Tracker{set: set.Clone(), number: number, hash: hash}
	for _, p := range pending {
		if err := t.addPending(p); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Set returns a copy of the current authority set.
func (t *Tracker) Set() AuthoritySet { return t.set.Clone() }

// Head returns the last imported block.
func (t *Tracker) Head() (header.Hash, uint32) { return t.hash, t.number }

// Pending returns the changes signalled but not yet enacted.
func (t *Tracker) Pending() []PendingChange { return append([]PendingChange(nil), t.pending...) }

// Paused reports whether a GRANDPA Pause took effect and no Resume since.
func (t *Tracker) Paused() bool { return t.paused }

func (t *Tracker) addPending(p PendingChange) error {
	a := AuthoritySet{SetID: t.set.SetID + 1, Authorities: p.NextAuthorities}
	if err := a.Validate(); err != nil {
		return fmt.Errorf("change signalled at #%d: %w", p.CanonHeight, err)
	}
	for _, q := range t.pending {
		if q.Forced == p.Forced {
			return fmt.Errorf("%w: change at #%d while one from #%d is pending", ErrConflictingChanges, p.CanonHeight, q.CanonHeight)
		}
	}
	t.pending = append(t.pending, p)
	return nil
}

// Import feeds the next header of the chain. It returns the change the
// header enacted, if any. Headers must follow each other (ErrNotFinalizedInOrder).
func (t *Tracker) Import(h *header.Header) (*SetChange, error) {
	if h.Number != t.number+1 || h.ParentHash != t.hash {
		return nil, fmt.Errorf("%w: #%d with parent %s after #%d %s", ErrNotFinalizedInOrder, h.Number, h.ParentHash, t.number, t.hash)
	}
	logs, err := h.GrandpaLogs()
	if err != nil {
		return nil, fmt.Errorf("%w: header #%d: %w", ErrMalformed, h.Number, err)
	}
	hh := h.Hash()
	var scheduled, forced int
	for _, l := range logs {
		switch l.Kind {
		case header.GrandpaScheduledChange, header.GrandpaForcedChange:
			isForced := l.Kind == header.GrandpaForcedChange
			if isForced {
				forced++
			} else {
				scheduled++
			}
			if scheduled > 1 || forced > 1 {
				return nil, fmt.Errorf("%w: header #%d signals two %s logs", ErrConflictingChanges, h.Number, l.Kind)
			}
			p := PendingChange{
				NextAuthorities:     l.Change.NextAuthorities,
				Delay:               l.Change.Delay,
				CanonHeight:         h.Number,
				CanonHash:           hh,
				Forced:              isForced,
				MedianLastFinalized: l.Median,
			}
			if err := t.addPending(p); err != nil {
				return nil, err
			}
		case header.GrandpaPause:
			t.pausing, t.pauseAt = true, uint64(h.Number)+uint64(l.Delay)
		case header.GrandpaResume:
			t.resuming, t.resumeAt = true, uint64(h.Number)+uint64(l.Delay)
		}
	}
	t.number, t.hash = h.Number, hh
	if t.pausing && t.pauseAt <= uint64(h.Number) {
		t.paused, t.pausing = true, false
	}
	if t.resuming && t.resumeAt <= uint64(h.Number) {
		t.paused, t.resuming = false, false
	}
	// Forced changes first: Substrate enacts them on import, before finality.
	for _, forcedFirst := range []bool{true, false} {
		for _, p := range t.pending {
			if p.Forced != forcedFirst || p.EffectiveNumber() > uint64(h.Number) {
				continue
			}
			t.set = AuthoritySet{SetID: t.set.SetID + 1, Authorities: append([]Authority(nil), p.NextAuthorities...)}
			t.pending = nil
			return &SetChange{Number: h.Number, Hash: hh, Forced: p.Forced, MedianLastFinalized: p.MedianLastFinalized, Set: t.set.Clone()}, nil
		}
	}
	return nil, nil
}
