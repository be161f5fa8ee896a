package backend

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/store"
)

// The checkpoint lifecycle.
//
// After the first sync the verified finalized state kept under --home is the
// trust root: a start from it is never refused for its age (a warning past
// the unbonding period says it is old). The checkpoint (embedded, or
// --checkpoint FILE) serves only a start without a newer saved state; past
// the network's maximum age such a start stops with a usage error (exit 2)
// before any peer is dialled, naming the ways on, unless --accept-old-checkpoint, which prints the
// checkpoint's number and hash for the user to compare with an explorer.

// ErrCheckpointTooOld is wrapped by the error of a first start from a
// checkpoint past the network's maximum age.
var ErrCheckpointTooOld = chainspec.ErrCheckpointTooOld

// now is the clock of the age policy (Hooks.Now in tests).
func (c Config) now() time.Time {
	if c.Hooks.Now != nil {
		return c.Hooks.Now()
	}
	return time.Now()
}

// ReadCheckpointFile reads --checkpoint FILE: a chain spec with a
// lightSyncState whose genesis is want's. Every failure is an input error
// (exit 2).
func ReadCheckpointFile(path string, want *chainspec.Profile) (*chainspec.Checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, inputErrorf("--checkpoint: %v", err)
	}
	spec, err := chainspec.Parse(b)
	if err != nil {
		return nil, inputErrorf("--checkpoint %s: %v", path, err)
	}
	if gh, err := spec.GenesisHash(); err == nil && want != nil && gh != want.GenesisHash {
		return nil, inputErrorf("--checkpoint %s is a checkpoint of another chain (genesis %s, %s's is %s)", path, gh, want.Name, want.GenesisHash)
	} else if err != nil {
		return nil, inputErrorf("--checkpoint %s: %v", path, err)
	}
	cp, err := spec.Checkpoint()
	if err != nil {
		if errors.Is(err, chainspec.ErrNoCheckpoint) {
			return nil, inputErrorf("--checkpoint %s has no lightSyncState (a node gives one with the RPC method sync_state_genSyncSpec, ksm with chain checkpoint export)", path)
		}
		return nil, inputErrorf("--checkpoint %s: %v", path, err)
	}
	return cp, nil
}

// startOf chooses where the light client of relay profile p starts (the
// saved state under home, or the checkpoint: --checkpoint FILE, else the
// embedded one) and applies the age policy. It touches no network and
// creates nothing under home.
func startOf(cfg Config, p *chainspec.Profile) (store.Start, *chainspec.Age, error) {
	var cp *chainspec.Checkpoint
	var err error
	what := fmt.Sprintf("the embedded %s checkpoint", p.DisplayName)
	if cfg.CheckpointFile != "" {
		if cp, err = ReadCheckpointFile(cfg.CheckpointFile, p); err != nil {
			return store.Start{}, nil, err
		}
		what = fmt.Sprintf("the %s checkpoint of %s", p.DisplayName, cfg.CheckpointFile)
	} else if cp, err = p.Checkpoint(); err != nil {
		return store.Start{}, nil, fmt.Errorf("network %s: checkpoint: %w", p.Name, err)
	}
	st := store.FromCheckpointStart(cp)
	if cfg.Home != "" {
		st = store.Resume(cfg.Home, p.GenesisHash, cp)
	}
	if p.Age.SlotDuration <= 0 {
		return st, nil, nil
	}
	policy := p.Age
	if st.Source == store.FromSaved {
		// The verified state of an earlier run: its age never stops a start.
		policy.Max = 0
	}
	age, err := st.CheckAge(cfg.now(), policy, cfg.AcceptOldCheckpoint)
	if errors.Is(err, chainspec.ErrCheckpointTooOld) {
		return st, nil, &tooOld{what: what, start: st, age: age, max: p.Age.Max}
	}
	if err != nil {
		return st, nil, verificationErr(err)
	}
	if st.Source == store.FromSaved && age.Warning != "" {
		age.Warning = fmt.Sprintf("the verified state saved under --home (#%d) is %s old, more than the %s unbonding period: syncing brings it forward",
			st.Header.Number, days(age.Age), days(p.Age.Warn))
	}
	if st.Source == store.FromCheckpoint && p.Age.Max > 0 && age.Age > p.Age.Max {
		cfg.warnf("--accept-old-checkpoint: starting from %s #%d %s of %s, %s old; compare this number and hash with a block explorer you trust",
			what, st.Header.Number, st.Hash, age.Time.Format("2006-01-02"), days(age.Age))
	}
	return st, &age, nil
}

// tooOld is the refusal of a first start from a checkpoint past the maximum
// age: an input error (exit 2) that names the ways on.
type tooOld struct {
	what  string
	start store.Start
	age   chainspec.Age
	max   time.Duration
}

func (e *tooOld) Error() string {
	return fmt.Sprintf(`%s (#%d %s, %s) is %s old, more than the limit of %s, and no verified state is kept under --home yet; ways on:
  --checkpoint FILE          start from a newer chain spec with a lightSyncState (ksm chain checkpoint export FILE
                             on a synced ksm, or the RPC method sync_state_genSyncSpec of a node you run)
  --accept-old-checkpoint    start from it anyway; its number and hash are printed to compare with a block explorer
  or install a newer ksm, whose embedded checkpoint is newer`,
		e.what, e.start.Header.Number, e.start.Hash, e.age.Time.Format("2006-01-02"), daysUp(e.age.Age), days(e.max))
}

func (e *tooOld) Unwrap() []error { return []error{chainspec.ErrCheckpointTooOld, app.ErrUsage} }

func days(d time.Duration) string { return fmt.Sprintf("%d days", int(d/(24*time.Hour))) }

// daysUp is days rounded up: an age just past a limit never reads as the
// limit itself.
func daysUp(d time.Duration) string {
	return fmt.Sprintf("%d days", int((d+24*time.Hour-1)/(24*time.Hour)))
}

// CheckpointInfo names an embedded checkpoint: its network, block and day
// (from its BABE slot).
type CheckpointInfo struct {
	Network string `json:"network"`
	Number  uint32 `json:"number"`
	Hash    string `json:"hash"`
	Date    string `json:"date"`
}

// EmbeddedCheckpoints lists the checkpoints of the embedded relay chains.
func EmbeddedCheckpoints() ([]CheckpointInfo, error) {
	var out []CheckpointInfo
	for _, p := range chainspec.Profiles() {
		if !p.IsRelay() {
			continue
		}
		cp, err := p.Checkpoint()
		if err != nil {
			return nil, fmt.Errorf("embedded %s checkpoint: %w", p.Name, err)
		}
		info := CheckpointInfo{Network: p.Name, Number: cp.Header.Number, Hash: cp.Hash.String()}
		if slot, err := cp.Slot(); err == nil {
			if a, err := chainspec.CheckSlotAge(slot, time.Time{}, chainspec.AgePolicy{SlotDuration: p.Age.SlotDuration}, false); err == nil {
				info.Date = a.Time.Format("2006-01-02")
			}
		}
		out = append(out, info)
	}
	return out, nil
}

// ErrNoSavedState means no verified state of the chain is kept under home.
var ErrNoSavedState = store.ErrNotFound

// Exported is a checkpoint written by ExportCheckpoint.
type Exported struct {
	// Network is the relay chain's profile name.
	Network string
	Number  uint32
	Hash    string
	SetID   uint64
	// SavedAt is when the state was saved; Date the day of its block (BABE slot).
	SavedAt time.Time
	Date    string
}

// ExportCheckpoint builds a chain spec (the embedded one of n's relay chain)
// whose lightSyncState is the verified finalized state kept under home, the
// format --checkpoint and verify checkpoint read. It reads nothing from the
// network and writes nothing: the caller writes the bytes. Without a saved
// state it fails with an error wrapping ErrNoSavedState.
func ExportCheckpoint(home string, n Network) ([]byte, *Exported, error) {
	if n.Profile == nil {
		return nil, nil, inputErrorf("network %s: checkpoints are exported for the embedded networks (kusama, polkadot, westend, paseo)", n.Name)
	}
	p := n.Profile.RelayProfile()
	st, err := store.Load(home, p.GenesisHash)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil, fmt.Errorf("no verified state of %s is kept under %s yet (ksm chain sync makes one): %w", p.DisplayName, home, err)
		}
		return nil, nil, err
	}
	spec, err := p.SpecJSON()
	if err != nil {
		return nil, nil, err
	}
	out, err := chainspec.WithLightSyncState(spec, st.Header, chainspec.NewGrandpaState(st.Header.Number, st.Set, st.Pending))
	if err != nil {
		return nil, nil, fmt.Errorf("export %s checkpoint: %w", p.Name, err)
	}
	e := &Exported{Network: p.Name, Number: st.Header.Number, Hash: st.Hash().String(), SetID: st.Set.SetID, SavedAt: st.SavedAt}
	if slot, err := st.Header.BABESlot(); err == nil {
		if a, err := chainspec.CheckSlotAge(slot, time.Time{}, chainspec.AgePolicy{SlotDuration: p.Age.SlotDuration}, false); err == nil {
			e.Date = a.Time.Format("2006-01-02")
		}
	}
	return out, e, nil
}
