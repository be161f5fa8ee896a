package backend

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/store"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// embeddedDate is the day of the embedded Kusama checkpoint (#31697400).
var embeddedDate = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// saveNewer saves under home a verified state of p's chain newer than its
// embedded checkpoint (the checkpoint's header with a higher number: the
// BABE slot, which dates it, is the checkpoint's).
func saveNewer(t *testing.T, home string, p *chainspec.Profile) *store.State {
	t.Helper()
	cp, err := p.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	h := *cp.Header
	h.Number += 1000
	st := &store.State{GenesisHash: p.GenesisHash, Header: &h, Set: cp.Grandpa.Set.Clone(), SavedAt: embeddedDate}
	if err := store.Save(home, st); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestStartAgePolicy: the checkpoint serves a first start only while it is
// younger than the network's maximum age (else an input error naming the
// ways on, unless accepted); a saved verified state is never refused for
// its age. The clock is fake: days after the embedded checkpoint.
func TestStartAgePolicy(t *testing.T) {
	t.Parallel()
	kusama := profile(t, "kusama")
	cp, err := kusama.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		days       int
		saved      bool
		accept     bool
		wantErr    bool
		wantSource store.Source
		wantWarn   string // in the warnings (Warnf)
		wantAgeW   string // in Age.Warning
	}{
		{name: "fresh checkpoint", days: 3, wantSource: store.FromCheckpoint},
		{name: "checkpoint past warning age", days: 30, wantSource: store.FromCheckpoint, wantAgeW: "unbonding"},
		{name: "first start past max age", days: 400, wantErr: true},
		{name: "first start past max age, accepted", days: 400, accept: true, wantSource: store.FromCheckpoint,
			wantWarn: "#31697400 " + cp.Hash.String(), wantAgeW: "unbonding"},
		{name: "saved state past max age", days: 800, saved: true, wantSource: store.FromSaved, wantAgeW: "saved under --home"},
		{name: "saved state, young", days: 2, saved: true, wantSource: store.FromSaved},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			if tc.saved {
				saveNewer(t, home, kusama)
			}
			var warns []string
			cfg := Config{Home: home, AcceptOldCheckpoint: tc.accept,
				Hooks: Hooks{Now: func() time.Time { return embeddedDate.Add(time.Duration(tc.days) * 24 * time.Hour) }}}
			cfg.Warnf = func(format string, args ...any) { warns = append(warns, fmt.Sprintf(format, args...)) }
			st, age, err := startOf(cfg, kusama)
			if tc.wantErr {
				if !errors.Is(err, chainspec.ErrCheckpointTooOld) || !app.IsInputError(err) {
					t.Fatalf("err %v, want an input error wrapping ErrCheckpointTooOld", err)
				}
				for _, w := range []string{"--checkpoint FILE", "--accept-old-checkpoint", "newer ksm", "#31697400", cp.Hash.String(), "2026-01-05", "limit of 365 days", "400 days old"} {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("message lacks %q:\n%v", w, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.Source != tc.wantSource {
				t.Errorf("source %s, want %s", st.Source, tc.wantSource)
			}
			if age == nil {
				t.Fatal("no age")
			}
			if (tc.wantAgeW == "") != (age.Warning == "") || !strings.Contains(age.Warning, tc.wantAgeW) {
				t.Errorf("age warning %q, want one with %q", age.Warning, tc.wantAgeW)
			}
			joined := strings.Join(warns, "\n")
			if (tc.wantWarn == "") != (joined == "") || !strings.Contains(joined, tc.wantWarn) {
				t.Errorf("warnings %q, want %q", joined, tc.wantWarn)
			}
		})
	}
}

// TestOpenRefusesOldFirstStart: Open stops a first start past the maximum
// age before any peer is dialled or anything is created under --home.
func TestOpenRefusesOldFirstStart(t *testing.T) {
	t.Parallel()
	kusama := profile(t, "kusama")
	ah := profile(t, "kusama-asset-hub")
	for _, p := range []*chainspec.Profile{kusama, ah} {
		home := filepath.Join(t.TempDir(), "home")
		_, err := Open(context.Background(), Config{Network: Network{Name: p.Name, Profile: p}, Home: home,
			Hooks: Hooks{Now: func() time.Time { return embeddedDate.AddDate(1, 1, 0) }}})
		if !errors.Is(err, ErrCheckpointTooOld) || !app.IsInputError(err) {
			t.Fatalf("%s: err %v, want an input error wrapping ErrCheckpointTooOld", p.Name, err)
		}
		if _, err := os.Stat(home); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: home was created (%v)", p.Name, err)
		}
	}
}

// TestCheckpointFile: --checkpoint reads a real chain spec with a
// lightSyncState of the network, refuses one of another chain, without a
// lightSyncState, or missing (input errors), and a newer saved state still
// wins over it.
func TestCheckpointFile(t *testing.T) {
	t.Parallel()
	dir := sharedChainspec(t)
	kusama := profile(t, "kusama")
	older := filepath.Join(dir, "kusama-lightsync-b28972375.json")
	cp, err := ReadCheckpointFile(older, kusama)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Header.Number != 28972375 || cp.Hash != mustHash(t, "0x71b94e12a54a85ce27826e795c55cc468b59bf2f57bc80c42ebaaf0d538d6914") {
		t.Errorf("checkpoint #%d %s", cp.Header.Number, cp.Hash)
	}
	for name, file := range map[string]string{
		"another chain":     filepath.Join(dir, "polkadot-lightsync-b26629221.json"),
		"no lightSyncState": filepath.Join(dir, "kusama-genesis-raw.json"),
		"missing":           filepath.Join(t.TempDir(), "none.json"),
	} {
		if _, err := ReadCheckpointFile(file, kusama); !app.IsInputError(err) {
			t.Errorf("%s: %v, want an input error", name, err)
		}
	}
	// The file's checkpoint, dated 2025-06: at 2025-07 it starts; a saved
	// state newer than it wins.
	now := func() time.Time { return time.Date(2025, 7, 15, 0, 0, 0, 0, time.UTC) }
	st, _, err := startOf(Config{Home: t.TempDir(), CheckpointFile: older, Hooks: Hooks{Now: now}}, kusama)
	if err != nil || st.Source != store.FromCheckpoint || st.Header.Number != 28972375 {
		t.Fatalf("start %s #%d, %v", st.Source, st.Header.Number, err)
	}
	home := t.TempDir()
	saved := saveNewer(t, home, kusama)
	st, _, err = startOf(Config{Home: home, CheckpointFile: older, Hooks: Hooks{Now: now}}, kusama)
	if err != nil || st.Source != store.FromSaved || st.Hash != saved.Hash() {
		t.Fatalf("start %s #%d, %v; want the saved state", st.Source, st.Header.Number, err)
	}
}

func mustHash(t *testing.T, s string) header.Hash {
	t.Helper()
	var h header.Hash
	if err := h.UnmarshalText([]byte(s)); err != nil {
		t.Fatal(err)
	}
	return h
}

// sharedChainspec is ../shared/testdata/chainspec (testenv skips when
// absent, fails under CI).
func sharedChainspec(t *testing.T) string { return testenv.Shared(t, "chainspec") }
