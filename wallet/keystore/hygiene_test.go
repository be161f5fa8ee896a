package keystore

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/wallet/keys"
)

// TestOpenRemovesStaleTemps: Open deletes the temporary files of writes that
// crashed long ago, and nothing else: not a fresh temporary file (a
// concurrent ksm may be writing it), not a file of another pattern.
func TestOpenRemovesStaleTemps(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	s, err := Open(home)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * StaleTempAge)
	files := []struct {
		name    string
		mtime   time.Time
		removed bool
	}{
		{".tmp-123456.json", old, true},
		{".tmp-42.json", time.Now(), false}, // fresh: maybe a write in progress
		{".tmp-notes.json", old, false},     // not CreateTemp's output
		{".tmp-123.json.bak", old, false},   // another suffix
		{"tmp-123.json", old, false},        // not hidden: not ours
		{".pending-123", old, false},        // another tool's pattern
		{".tmp-.json", old, false},          // no digits
		{".tmp-9999999999.json", old, true}, // any number of digits
	}
	// Open creates nothing; the directory is there once a key was written.
	if err := os.MkdirAll(s.Dir(), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(s.Dir(), f.name)
		if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, f.mtime, f.mtime); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Open(home); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		_, err := os.Stat(filepath.Join(s.Dir(), f.name))
		if gone := errors.Is(err, os.ErrNotExist); gone != f.removed {
			t.Errorf("%s: removed %v, want %v", f.name, gone, f.removed)
		}
	}
}

// TestRemoveLeavesNoCopy: a write that crashed after installing the key but
// before removing its temporary link leaves a second copy of the encrypted
// key; removing the key removes that copy too.
func TestRemoveLeavesNoCopy(t *testing.T) {
	t.Parallel()
	if os.Getenv("KSM_TEST_CRASH_AT") != "" {
		return
	}
	home := t.TempDir()
	if _, err := Open(home); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDuringWrite$")
	cmd.Env = append(os.Environ(), "KSM_TEST_CRASH_AT=linked", "KSM_TEST_CRASH_HOME="+home)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 77 {
		t.Fatalf("child did not crash after linking: %v\n%s", err, out)
	}
	s, err := Open(home)
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := keys.FromURI("//Bob", keys.Sr25519)
	if n := filesHolding(t, s.Dir(), bob.PublicKey()); n != 2 {
		t.Fatalf("after the crash %d files hold bob's key, want 2 (the key and its temporary link)", n)
	}
	if err := s.Remove("bob"); err != nil {
		t.Fatal(err)
	}
	if n := filesHolding(t, s.Dir(), bob.PublicKey()); n != 0 {
		t.Fatalf("after key remove %d files still hold bob's encrypted key", n)
	}
}

// filesHolding counts the files in dir that are keystore files of public.
func filesHolding(t *testing.T, dir string, public []byte) int {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, de := range des {
		b, err := os.ReadFile(filepath.Join(dir, de.Name()))
		if err != nil {
			continue
		}
		if f, err := ParseFile(b); err == nil {
			if pub, err := f.PublicKey(); err == nil && bytes.Equal(pub, public) {
				n++
			}
		}
	}
	return n
}

func TestScryptParams(t *testing.T) {
	t.Parallel()
	s, e := fastStoreWithAlice(t)
	p, err := e.File.ScryptParams()
	if err != nil || p != s.WriteParams() || p.String() != "N=2^10 p=1 r=8" {
		t.Fatalf("params %v (%s) %v, want %v", p, p, err, s.WriteParams())
	}
	w, _ := s.AddWatch("w", keys.Sr25519, e.PublicKey)
	if _, err := w.File.ScryptParams(); !errors.Is(err, ErrWatchOnly) {
		t.Fatalf("watch-only params: %v", err)
	}
}
