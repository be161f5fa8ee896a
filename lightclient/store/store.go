// Package store persists the light client's verified state — the latest
// GRANDPA-finalized header and the authority set that finalizes its
// successors — so that a restart resumes where the last run stopped instead
// of at the (older) embedded checkpoint.
//
// The state of a chain lives in <home>/lightclient/<genesis-hex>/finalized.json,
// written atomically (temporary file in the same directory, fsync, rename,
// fsync of the directory) with mode 0600 in directories of mode 0700. Load
// re-checks what it reads: the header hashes to the recorded hash, the
// authority set is valid, the genesis matches the directory. Only verified
// state should be saved; the file is a cache of verification, not a source
// of trust beyond the user's own disk.
package store

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/atomicfile"
)

// Sentinel errors (possibly wrapped) of this package.
var (
	// ErrNotFound means no state was saved for the chain.
	ErrNotFound = errors.New("store: no saved state")
	// ErrCorrupt means a saved file does not decode or is inconsistent.
	ErrCorrupt = errors.New("store: saved state is corrupt")
)

const (
	fileName    = "finalized.json"
	fileVersion = 1
	maxFileSize = 16 << 20
)

// State is the verified state of one chain.
type State struct {
	GenesisHash header.Hash
	Header      *header.Header
	Set         grandpa.AuthoritySet
	Pending     []grandpa.PendingChange
	SavedAt     time.Time
}

// Hash is the hash of the finalized header.
func (s *State) Hash() header.Hash { return s.Header.Hash() }

// Dir returns the directory of a chain's state under home.
func Dir(home string, genesis header.Hash) string {
	return filepath.Join(home, "lightclient", strings.TrimPrefix(genesis.String(), "0x"))
}

// Path returns the state file of a chain under home.
func Path(home string, genesis header.Hash) string {
	return filepath.Join(Dir(home, genesis), fileName)
}

type fileAuthority struct {
	Key    string `json:"key"`
	Weight uint64 `json:"weight"`
}

type filePending struct {
	NextAuthorities     []fileAuthority `json:"nextAuthorities"`
	Delay               uint32          `json:"delay"`
	CanonHeight         uint32          `json:"canonHeight"`
	CanonHash           header.Hash     `json:"canonHash"`
	Forced              bool            `json:"forced"`
	MedianLastFinalized uint32          `json:"medianLastFinalized"`
}

type fileState struct {
	Version     int             `json:"version"`
	GenesisHash header.Hash     `json:"genesisHash"`
	Number      uint32          `json:"number"`
	Hash        header.Hash     `json:"hash"`
	Header      string          `json:"header"`
	SetID       uint64          `json:"setId"`
	Authorities []fileAuthority `json:"authorities"`
	Pending     []filePending   `json:"pending,omitempty"`
	SavedAt     time.Time       `json:"savedAt"`
}

func toFileAuths(a []grandpa.Authority) []fileAuthority {
	out := make([]fileAuthority, len(a))
	for i, x := range a {
		out[i] = fileAuthority{"0x" + hex.EncodeToString(x.Key[:]), x.Weight}
	}
	return out
}

func fromFileAuths(a []fileAuthority) ([]grandpa.Authority, error) {
	out := make([]grandpa.Authority, len(a))
	for i, x := range a {
		b, err := hex.DecodeString(strings.TrimPrefix(x.Key, "0x"))
		if err != nil || len(b) != 32 {
			return nil, fmt.Errorf("authority %d: bad key %q", i, x.Key)
		}
		copy(out[i].Key[:], b)
		out[i].Weight = x.Weight
	}
	return out, nil
}

// Save writes s atomically to its file under home.
func Save(home string, s *State) error {
	if s.Header == nil {
		return errors.New("store: no header to save")
	}
	if err := s.Set.Validate(); err != nil {
		return fmt.Errorf("store: refusing to save: %w", err)
	}
	f := fileState{
		Version: fileVersion, GenesisHash: s.GenesisHash, Number: s.Header.Number, Hash: s.Hash(),
		Header: "0x" + hex.EncodeToString(s.Header.Encode()), SetID: s.Set.SetID,
		Authorities: toFileAuths(s.Set.Authorities), SavedAt: s.SavedAt.UTC(),
	}
	for _, p := range s.Pending {
		f.Pending = append(f.Pending, filePending{toFileAuths(p.NextAuthorities), p.Delay, p.CanonHeight, p.CanonHash, p.Forced, p.MedianLastFinalized})
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(Path(home, s.GenesisHash), append(b, '\n'))
}

// WriteFileAtomic writes data to path so that readers see the old or the
// new content, never a mix (tx/atomicfile: a synced 0600 temporary
// file renamed over path, then the directory synced); parent directories
// are created 0700.
func WriteFileAtomic(path string, data []byte) error {
	if err := atomicfile.Write(path, data, atomicfile.Options{MakeDirs: true}); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// Load reads and checks the saved state of the chain with the given genesis.
// It returns ErrNotFound when nothing was saved.
func Load(home string, genesis header.Hash) (*State, error) {
	path := Path(home, genesis)
	fh, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w for %s", ErrNotFound, genesis)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer fh.Close()
	var f fileState
	dec := json.NewDecoder(&limitedReader{fh, maxFileSize})
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrCorrupt, path, err)
	}
	if f.Version != fileVersion {
		return nil, fmt.Errorf("%w: %s: version %d", ErrCorrupt, path, f.Version)
	}
	if f.GenesisHash != genesis {
		return nil, fmt.Errorf("%w: %s holds genesis %s", ErrCorrupt, path, f.GenesisHash)
	}
	raw, err := hex.DecodeString(strings.TrimPrefix(f.Header, "0x"))
	if err != nil {
		return nil, fmt.Errorf("%w: header hex: %w", ErrCorrupt, err)
	}
	h, err := header.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrCorrupt, err)
	}
	if h.Hash() != f.Hash || h.Number != f.Number {
		return nil, fmt.Errorf("%w: header hashes to %s #%d, file says %s #%d", ErrCorrupt, h.Hash(), h.Number, f.Hash, f.Number)
	}
	s := &State{GenesisHash: genesis, Header: h, SavedAt: f.SavedAt}
	s.Set.SetID = f.SetID
	if s.Set.Authorities, err = fromFileAuths(f.Authorities); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if err := s.Set.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	for i, p := range f.Pending {
		auths, err := fromFileAuths(p.NextAuthorities)
		if err != nil {
			return nil, fmt.Errorf("%w: pending %d: %w", ErrCorrupt, i, err)
		}
		s.Pending = append(s.Pending, grandpa.PendingChange{NextAuthorities: auths, Delay: p.Delay, CanonHeight: p.CanonHeight, CanonHash: p.CanonHash, Forced: p.Forced, MedianLastFinalized: p.MedianLastFinalized})
	}
	return s, nil
}

type limitedReader struct {
	f *os.File
	n int64
}

func (r *limitedReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, fmt.Errorf("file larger than %d bytes", maxFileSize)
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	n, err := r.f.Read(p)
	r.n -= int64(n)
	return n, err
}

// Source says where a start point came from.
type Source string

// Start point sources.
const (
	FromCheckpoint Source = "checkpoint"
	FromSaved      Source = "saved"
)

// Start is where a light client begins: a finalized header and the
// authority set (and pending changes) in force after it.
type Start struct {
	Source  Source
	Header  *header.Header
	Hash    header.Hash
	Set     grandpa.AuthoritySet
	Pending []grandpa.PendingChange
	// Note explains the choice when the saved state was ignored.
	Note string
}

// FromCheckpointStart converts an embedded or chain-spec checkpoint.
func FromCheckpointStart(c *chainspec.Checkpoint) Start {
	return Start{Source: FromCheckpoint, Header: c.Header, Hash: c.Hash, Set: c.Grandpa.Set.Clone(), Pending: c.TrackerPending()}
}

// ChooseStart picks the newer of the checkpoint and the saved state (nil
// when none): the saved state wins only when its block is higher and its
// authority set id is not lower than the checkpoint's. A saved state at the
// checkpoint's height with another hash is ignored (the checkpoint is what
// the user chose to trust) and Note says so.
func ChooseStart(cp *chainspec.Checkpoint, saved *State) Start {
	st := FromCheckpointStart(cp)
	if saved == nil {
		return st
	}
	switch {
	case saved.Header.Number == cp.Header.Number && saved.Hash() != cp.Hash:
		st.Note = fmt.Sprintf("saved state #%d %s conflicts with the checkpoint %s; ignored", saved.Header.Number, saved.Hash(), cp.Hash)
	case saved.Header.Number <= cp.Header.Number:
		st.Note = fmt.Sprintf("saved state #%d is not newer than the checkpoint #%d", saved.Header.Number, cp.Header.Number)
	case saved.Set.SetID < cp.Grandpa.Set.SetID:
		st.Note = fmt.Sprintf("saved state #%d has set id %d below the checkpoint's %d; ignored", saved.Header.Number, saved.Set.SetID, cp.Grandpa.Set.SetID)
	default:
		return Start{Source: FromSaved, Header: saved.Header, Hash: saved.Hash(), Set: saved.Set.Clone(), Pending: saved.Pending}
	}
	return st
}

// Resume loads the saved state of the checkpoint's chain from home and
// chooses the start point. A missing file is not an error; a corrupt one is
// reported in Note and ignored.
func Resume(home string, genesis header.Hash, cp *chainspec.Checkpoint) Start {
	saved, err := Load(home, genesis)
	if err != nil {
		st := ChooseStart(cp, nil)
		if !errors.Is(err, ErrNotFound) {
			st.Note = err.Error() + "; starting from the checkpoint"
		}
		return st
	}
	return ChooseStart(cp, saved)
}

// CheckAge dates the start point from the BABE slot of its header and
// applies the network's age policy (see chainspec.CheckSlotAge): a warning
// past the unbonding period, chainspec.ErrCheckpointTooOld past the hard
// limit unless override. The clock is the now argument.
func (s Start) CheckAge(now time.Time, p chainspec.AgePolicy, override bool) (chainspec.Age, error) {
	slot, err := s.Header.BABESlot()
	if err != nil {
		return chainspec.Age{}, fmt.Errorf("%w: start header: %w", chainspec.ErrBadCheckpoint, err)
	}
	return chainspec.CheckSlotAge(slot, now, p, override)
}
