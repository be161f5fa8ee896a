package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

func kusama(t *testing.T) (*chainspec.Profile, *chainspec.Checkpoint) {
	t.Helper()
	return embedded(t, "kusama")
}

// embedded is the embedded profile of network name and its checkpoint.
func embedded(t testing.TB, name string) (*chainspec.Profile, *chainspec.Checkpoint) {
	t.Helper()
	p, err := chainspec.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	return p, c
}

// later returns a state n blocks after the checkpoint (a child chain of fake headers).
func later(p *chainspec.Profile, c *chainspec.Checkpoint, n uint32, setDelta uint64) *State {
	h := *c.Header
	h.ParentHash = c.Hash
	h.Number += n
	set := c.Grandpa.Set.Clone()
	set.SetID += setDelta
	return &State{GenesisHash: p.GenesisHash, Header: &h, Set: set, SavedAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		Pending: []grandpa.PendingChange{{NextAuthorities: set.Authorities[:3], Delay: 2, CanonHeight: h.Number, CanonHash: h.Hash()}}}
}

func TestSaveLoad(t *testing.T) {
	p, c := kusama(t)
	home := t.TempDir()
	if _, err := Load(home, p.GenesisHash); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty home: %v", err)
	}
	s := later(p, c, 100, 1)
	if err := Save(home, s); err != nil {
		t.Fatal(err)
	}
	path := Path(home, p.GenesisHash)
	if !strings.HasSuffix(path, filepath.Join("lightclient", "b0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe", "finalized.json")) {
		t.Fatalf("path %s", path)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v %v", st.Mode(), err)
	}
	for _, d := range []string{filepath.Dir(path), filepath.Join(home, "lightclient")} {
		if st, err := os.Stat(d); err != nil || st.Mode().Perm() != 0o700 {
			t.Fatalf("dir %s mode %v", d, st.Mode())
		}
	}
	got, err := Load(home, p.GenesisHash)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hash() != s.Hash() || got.Set.SetID != s.Set.SetID || len(got.Set.Authorities) != len(s.Set.Authorities) ||
		got.Set.Authorities[5] != s.Set.Authorities[5] || len(got.Pending) != 1 || got.Pending[0].CanonHash != s.Pending[0].CanonHash || !got.SavedAt.Equal(s.SavedAt) {
		t.Fatalf("loaded %+v", got)
	}
	// Overwrite: no temporary files left behind.
	s2 := later(p, c, 200, 1)
	if err := Save(home, s2); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("%d files in state dir", len(entries))
	}
	if got, _ := Load(home, p.GenesisHash); got.Header.Number != s2.Header.Number {
		t.Fatal("overwrite not seen")
	}
	// Another chain's genesis does not see it.
	if _, err := Load(home, header.Hash{1}); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}

func TestLoadCorrupt(t *testing.T) {
	p, c := kusama(t)
	home := t.TempDir()
	if err := Save(home, later(p, c, 1, 0)); err != nil {
		t.Fatal(err)
	}
	path := Path(home, p.GenesisHash)
	orig, _ := os.ReadFile(path)
	hashField := `"hash": "` + later(p, c, 1, 0).Hash().String() + `"`
	if !strings.Contains(string(orig), hashField) {
		t.Fatalf("file lacks %s", hashField)
	}
	tests := map[string]string{
		"truncated":     string(orig[:len(orig)/2]),
		"wrong hash":    strings.Replace(string(orig), hashField, `"hash": "`+c.Hash.String()+`"`, 1),
		"wrong genesis": strings.Replace(string(orig), p.GenesisHash.String(), header.Hash{9}.String(), 1),
		"version":       strings.Replace(string(orig), `"version": 1`, `"version": 2`, 1),
		"unknown field": strings.Replace(string(orig), `"version": 1`, `"version": 1, "x": 1`, 1),
		"bad key":       strings.Replace(string(orig), `"key": "0x`, `"key": "0xzz`, 1),
	}
	for name, content := range tests {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(home, p.GenesisHash); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v", name, err)
		}
		st := Resume(home, p.GenesisHash, c)
		if st.Source != FromCheckpoint || st.Note == "" {
			t.Errorf("%s: resume %v %q", name, st.Source, st.Note)
		}
	}
}

func TestChooseStart(t *testing.T) {
	p, c := kusama(t)
	conflict := later(p, c, 0, 0)
	conflict.Header.ParentHash = header.Hash{0xff}
	older := later(p, c, 0, 0)
	older.Header.Number = c.Header.Number - 5
	lowSet := later(p, c, 50, 0)
	lowSet.Set.SetID = c.Grandpa.Set.SetID - 1
	tests := []struct {
		name  string
		saved *State
		want  Source
		note  bool
	}{
		{"nothing saved", nil, FromCheckpoint, false},
		{"newer saved", later(p, c, 1000, 2), FromSaved, false},
		{"newer saved same set", later(p, c, 10, 0), FromSaved, false},
		{"older saved", later(p, c, 0, 0), FromCheckpoint, true},
		{"conflicting saved", conflict, FromCheckpoint, true},
		{"lower saved", older, FromCheckpoint, true},
		{"lower set id", lowSet, FromCheckpoint, true},
	}
	for _, tt := range tests {
		st := ChooseStart(c, tt.saved)
		if st.Source != tt.want || (st.Note != "") != tt.note {
			t.Errorf("%s: %v note %q", tt.name, st.Source, st.Note)
		}
		if st.Source == FromSaved && (st.Header.Number != tt.saved.Header.Number || st.Set.SetID != tt.saved.Set.SetID) {
			t.Errorf("%s: wrong start %+v", tt.name, st)
		}
		if st.Source == FromCheckpoint && st.Hash != c.Hash {
			t.Errorf("%s: start hash %s", tt.name, st.Hash)
		}
	}
	// Resume end to end: a restart resumes from the newer saved state.
	home := t.TempDir()
	if st := Resume(home, p.GenesisHash, c); st.Source != FromCheckpoint || st.Note != "" {
		t.Fatalf("fresh home: %+v", st)
	}
	s := later(p, c, 500, 1)
	if err := Save(home, s); err != nil {
		t.Fatal(err)
	}
	if st := Resume(home, p.GenesisHash, c); st.Source != FromSaved || st.Hash != s.Hash() {
		t.Fatalf("resume: %v %s", st.Source, st.Note)
	}
	if _, err := grandpa.NewTracker(s.Set, s.Hash(), s.Header.Number, s.Pending...); err != nil {
		t.Fatal(err)
	}
}

func TestSaveRefusesInvalidSet(t *testing.T) {
	p, c := kusama(t)
	s := later(p, c, 1, 0)
	s.Set.Authorities = nil
	if err := Save(t.TempDir(), s); err == nil {
		t.Fatal("saved an empty set")
	}
}

func TestStartCheckAge(t *testing.T) {
	p, c := kusama(t)
	st := ChooseStart(c, nil)
	slot, _ := c.Slot()
	at := time.UnixMilli(int64(slot * 6000))
	if a, err := st.CheckAge(at.Add(time.Hour), p.Age, false); err != nil || a.Warning != "" {
		t.Fatalf("fresh: %v %q", err, a.Warning)
	}
	if _, err := st.CheckAge(at.Add(400*24*time.Hour), p.Age, false); !errors.Is(err, chainspec.ErrCheckpointTooOld) {
		t.Fatalf("old: %v", err)
	}
	if a, err := st.CheckAge(at.Add(400*24*time.Hour), p.Age, true); err != nil || a.Warning == "" {
		t.Fatalf("override: %v %q", err, a.Warning)
	}
}
