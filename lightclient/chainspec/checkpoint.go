package chainspec

import (
	"errors"
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// Checkpoint is a decoded, self-consistent lightSyncState: a finalized
// header and the GRANDPA (and BABE) state at that block. A light client that
// trusts the chain spec starts from it instead of from genesis.
type Checkpoint struct {
	Header  *header.Header
	Hash    header.Hash
	Grandpa *GrandpaState
	BABE    *BABEEpochChanges
	// BABEFinalizedBlockWeight is the BABE chain weight (number of primary
	// slots) of the finalized block.
	BABEFinalizedBlockWeight uint64
}

// Errors of checkpoints (possibly wrapped).
var (
	// ErrNoCheckpoint means the spec has no lightSyncState.
	ErrNoCheckpoint = errors.New("chainspec: no lightSyncState checkpoint")
	// ErrBadCheckpoint means a checkpoint decodes but is inconsistent.
	ErrBadCheckpoint = errors.New("chainspec: inconsistent checkpoint")
	// ErrCheckpointTooOld means a checkpoint is older than the hard limit.
	ErrCheckpointTooOld = errors.New("chainspec: checkpoint too old")
)

// Checkpoint decodes and checks the spec's lightSyncState.
func (s *Spec) Checkpoint() (*Checkpoint, error) {
	if s.LightSync == nil {
		return nil, ErrNoCheckpoint
	}
	return DecodeCheckpoint(s.LightSync)
}

// DecodeCheckpoint decodes a lightSyncState and checks it with Validate.
func DecodeCheckpoint(l *LightSyncState) (*Checkpoint, error) {
	h, err := header.Decode(l.FinalizedBlockHeader)
	if err != nil {
		return nil, fmt.Errorf("%w: finalizedBlockHeader: %w", ErrMalformed, err)
	}
	g, err := DecodeGrandpaState(l.GrandpaAuthoritySet)
	if err != nil {
		return nil, fmt.Errorf("grandpaAuthoritySet: %w", err)
	}
	c := &Checkpoint{Header: h, Hash: h.Hash(), Grandpa: g, BABEFinalizedBlockWeight: l.BABEFinalizedBlockWeight}
	if len(l.BABEEpochChanges) > 0 {
		if c.BABE, err = DecodeBABEEpochChanges(l.BABEEpochChanges); err != nil {
			return nil, fmt.Errorf("babeEpochChanges: %w", err)
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Validate checks what can be checked without the chain: a valid GRANDPA
// set; authority_set_changes in increasing set-id order, all
// before the current set and at or below the checkpoint block; pending
// changes signalled at or below the checkpoint; BABE epochs well formed and
// the header carrying a BABE slot.
func (c *Checkpoint) Validate() error {
	g := c.Grandpa
	if err := g.Set.Validate(); err != nil {
		return fmt.Errorf("%w: current set: %w", ErrBadCheckpoint, err)
	}
	n := c.Header.Number
	for i, e := range g.AuthoritySetChanges {
		if e.SetID >= g.Set.SetID {
			return fmt.Errorf("%w: authority_set_changes[%d] set %d not before current set %d", ErrBadCheckpoint, i, e.SetID, g.Set.SetID)
		}
		if e.Block > n {
			return fmt.Errorf("%w: authority_set_changes[%d] block %d after checkpoint %d", ErrBadCheckpoint, i, e.Block, n)
		}
		if i > 0 {
			p := g.AuthoritySetChanges[i-1]
			// Set ids increase; block numbers usually do too, but a forced
			// change can end a set at a lower block (Westend set 5673).
			if e.SetID <= p.SetID {
				return fmt.Errorf("%w: authority_set_changes[%d] (%d, %d) does not follow (%d, %d)", ErrBadCheckpoint, i, e.SetID, e.Block, p.SetID, p.Block)
			}
		}
	}
	if b := g.PendingStandardChanges.BestFinalizedNumber; b != nil && *b > n {
		return fmt.Errorf("%w: pending changes tree finalized %d beyond checkpoint %d", ErrBadCheckpoint, *b, n)
	}
	for i, p := range g.PendingForcedChanges {
		set := grandpa.AuthoritySet{SetID: g.Set.SetID + 1, Authorities: p.NextAuthorities}
		if err := set.Validate(); err != nil {
			return fmt.Errorf("%w: forced change %d: %w", ErrBadCheckpoint, i, err)
		}
	}
	var check func([]ForkNode[PendingChange]) error
	check = func(ns []ForkNode[PendingChange]) error {
		for _, nd := range ns {
			set := grandpa.AuthoritySet{SetID: g.Set.SetID + 1, Authorities: nd.Data.NextAuthorities}
			if err := set.Validate(); err != nil {
				return fmt.Errorf("%w: pending change at #%d: %w", ErrBadCheckpoint, nd.Number, err)
			}
			if err := check(nd.Children); err != nil {
				return err
			}
		}
		return nil
	}
	if err := check(g.PendingStandardChanges.Roots); err != nil {
		return err
	}
	if c.BABE != nil {
		if err := c.BABE.Validate(); err != nil {
			return err
		}
	}
	return nil
}

type epochKey struct {
	hash   header.Hash
	number uint32
}

// Validate checks the BABE epoch changes: every fork-tree node has its
// epoch(s) in the epochs map and every map entry a tree node, with the same
// variant (Genesis or Regular); each epoch has authorities and a duration,
// and its slot range equals the tree's epoch header.
func (b *BABEEpochChanges) Validate() error {
	epochs := make(map[epochKey]*PersistedEpoch, len(b.Epochs))
	for i := range b.Epochs {
		e := &b.Epochs[i]
		k := epochKey{e.Hash, e.Number}
		if _, dup := epochs[k]; dup {
			return fmt.Errorf("%w: babe epoch #%d %s twice", ErrBadCheckpoint, e.Number, e.Hash)
		}
		epochs[k] = e
		for j, ep := range e.Epochs {
			if len(ep.Authorities) == 0 || ep.Duration == 0 {
				return fmt.Errorf("%w: babe epoch %d/%d: no authorities or zero duration", ErrBadCheckpoint, i, j)
			}
		}
	}
	seen := 0
	var walk func([]ForkNode[PersistedEpochHeader]) error
	walk = func(ns []ForkNode[PersistedEpochHeader]) error {
		for _, n := range ns {
			e, ok := epochs[epochKey{n.Hash, n.Number}]
			if !ok {
				return fmt.Errorf("%w: babe fork tree node #%d %s has no epoch", ErrBadCheckpoint, n.Number, n.Hash)
			}
			seen++
			if e.Genesis != n.Data.Genesis || len(e.Epochs) != len(n.Data.Headers) {
				return fmt.Errorf("%w: babe epoch #%d variant differs from its tree node", ErrBadCheckpoint, n.Number)
			}
			for i, h := range n.Data.Headers {
				ep := e.Epochs[i]
				if h.StartSlot != ep.StartSlot || h.EndSlot != ep.StartSlot+ep.Duration {
					return fmt.Errorf("%w: babe epoch #%d slots [%d, %d) differ from its tree node [%d, %d)", ErrBadCheckpoint, n.Number, ep.StartSlot, ep.StartSlot+ep.Duration, h.StartSlot, h.EndSlot)
				}
			}
			if err := walk(n.Children); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(b.Tree.Roots); err != nil {
		return err
	}
	if seen != len(epochs) {
		return fmt.Errorf("%w: %d babe epochs, %d fork tree nodes", ErrBadCheckpoint, len(epochs), seen)
	}
	return nil
}

// Slot returns the BABE slot of the checkpoint header.
func (c *Checkpoint) Slot() (uint64, error) { return c.Header.BABESlot() }

// AgePolicy says how old a checkpoint may be.
type AgePolicy struct {
	// SlotDuration converts BABE slots to time (6 s on Kusama, Polkadot, Westend, Paseo).
	SlotDuration time.Duration
	// Warn is the age past which a warning is due: the unbonding period, after
	// which validators who signed the checkpoint's set may have withdrawn
	// their stake (a long-range attack becomes free).
	Warn time.Duration
	// Max is the age past which the checkpoint is refused without an override.
	Max time.Duration
}

// Age is the outcome of CheckAge.
type Age struct {
	Time    time.Time     // the checkpoint's slot start
	Age     time.Duration // now − Time (negative for a slot in the future)
	Warning string        // non-empty when past the warning age
}

// CheckAge dates the checkpoint from its BABE slot (slot × SlotDuration since
// the Unix epoch) and compares it to now. Past p.Max it fails with
// ErrCheckpointTooOld unless override is set; past p.Warn it returns a
// warning.
func (c *Checkpoint) CheckAge(now time.Time, p AgePolicy, override bool) (Age, error) {
	slot, err := c.Slot()
	if err != nil {
		return Age{}, fmt.Errorf("%w: checkpoint header: %w", ErrBadCheckpoint, err)
	}
	return CheckSlotAge(slot, now, p, override)
}

// CheckSlotAge is CheckAge for a bare slot number.
func CheckSlotAge(slot uint64, now time.Time, p AgePolicy, override bool) (Age, error) {
	sd := p.SlotDuration
	if sd <= 0 {
		sd = 6 * time.Second
	}
	ms := uint64(sd / time.Millisecond)
	if ms == 0 || slot > uint64(1<<62)/ms {
		return Age{}, fmt.Errorf("%w: slot %d out of range", ErrBadCheckpoint, slot)
	}
	t := time.UnixMilli(int64(slot * ms)).UTC()
	a := Age{Time: t, Age: now.Sub(t)}
	if p.Max > 0 && a.Age > p.Max && !override {
		return a, fmt.Errorf("%w: %s old (limit %s); pass an override to use it anyway", ErrCheckpointTooOld, roundDays(a.Age), roundDays(p.Max))
	}
	if p.Warn > 0 && a.Age > p.Warn {
		a.Warning = fmt.Sprintf("checkpoint is %s old, more than the %s unbonding period: its authorities may no longer be bonded", roundDays(a.Age), roundDays(p.Warn))
	}
	return a, nil
}

func roundDays(d time.Duration) string {
	days := d.Hours() / 24
	if days >= 2 {
		return fmt.Sprintf("%.0f days", days)
	}
	return d.Round(time.Minute).String()
}

// TrackerPending returns the pending changes in the form grandpa.NewTracker takes.
func (c *Checkpoint) TrackerPending() []grandpa.PendingChange {
	var out []grandpa.PendingChange
	var walk func([]ForkNode[PendingChange])
	walk = func(ns []ForkNode[PendingChange]) {
		for _, n := range ns {
			out = append(out, n.Data.Tracker())
			walk(n.Children)
		}
	}
	walk(c.Grandpa.PendingStandardChanges.Roots)
	for _, p := range c.Grandpa.PendingForcedChanges {
		out = append(out, p.Tracker())
	}
	return out
}
