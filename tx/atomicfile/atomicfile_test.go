package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// entries lists dir's file names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteFileReplacesWith0600(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "new" {
		t.Fatalf("content %q, want new", got)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
		}
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v, want only state.json", names)
	}
}

func TestWritePermAndMakeDirs(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("POSIX modes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "out.txt")
	if err := WriteFile(path, []byte("x")); err == nil {
		t.Fatal("write into a missing directory succeeded without MakeDirs")
	}
	if err := Write(path, []byte("x"), Options{Perm: 0o640, MakeDirs: true}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v, want 0640", fi.Mode().Perm())
	}
	di, err := os.Stat(filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Fatalf("created directory mode %v, want 0700", di.Mode().Perm())
	}
}

// A write that fails at any step leaves the old file as it was and no
// temporary file behind.
func TestFailedWriteKeepsOldFileAndCleansUp(t *testing.T) {
	t.Parallel()
	errDisk := errors.New("disk full")
	tests := []struct {
		name string
		d    disk
		opts Options
		// target, when set, makes the target path a non-empty directory so
		// that the rename fails.
		targetIsDir bool
	}{
		{name: "sync fails", d: disk{syncFile: func(*os.File) error { return errDisk }, syncDir: syncDir}},
		{name: "verify refuses", d: osDisk, opts: Options{Verify: func(string) error { return errDisk }}},
		{name: "rename fails", d: osDisk, targetIsDir: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "keys.json")
			if tt.targetIsDir {
				if err := os.MkdirAll(filepath.Join(path, "inside"), 0o700); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			before := entries(t, dir)
			err := tt.d.write(path, []byte("new"), tt.opts)
			if err == nil {
				t.Fatal("write succeeded")
			}
			if !tt.targetIsDir {
				if !errors.Is(err, errDisk) {
					t.Fatalf("error %v does not wrap the cause", err)
				}
				if got := readString(t, path); got != "old" {
					t.Fatalf("old file changed to %q", got)
				}
			}
			if after := entries(t, dir); strings.Join(after, ",") != strings.Join(before, ",") {
				t.Fatalf("directory %v after a failed write, want %v (temporary file left?)", after, before)
			}
		})
	}
}

func TestVerifySeesSyncedTempContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	var seen string
	err := Write(path, []byte("payload"), Options{Verify: func(tmp string) error {
		if filepath.Dir(tmp) != dir {
			t.Errorf("temporary file %s not in the target's directory", tmp)
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("target exists before verification: %v", err)
		}
		seen = readString(t, tmp)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if seen != "payload" {
		t.Fatalf("Verify read %q", seen)
	}
}

func TestExclusive(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "alice.json")
	if err := Write(path, []byte("first"), Options{Exclusive: true}); err != nil {
		t.Fatal(err)
	}
	err := Write(path, []byte("second"), Options{Exclusive: true})
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second exclusive write: %v, want fs.ErrExist", err)
	}
	if got := readString(t, path); got != "first" {
		t.Fatalf("content %q after a refused exclusive write", got)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v, want only alice.json", names)
	}
}

// The directory is synced after the rename, so the new name survives a
// power loss; a failing directory sync is reported.
func TestDirectorySynced(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	var synced []string
	d := disk{syncFile: (*os.File).Sync, syncDir: func(dir string) error {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("directory synced before the rename: %v", err)
		}
		synced = append(synced, dir)
		return nil
	}}
	if err := d.write(path, []byte("x"), Options{}); err != nil {
		t.Fatal(err)
	}
	if len(synced) != 1 || synced[0] != dir {
		t.Fatalf("synced directories %v, want [%s]", synced, dir)
	}
	errDir := errors.New("EIO")
	d.syncDir = func(string) error { return errDir }
	if err := d.write(path, []byte("y"), Options{}); !errors.Is(err, errDir) {
		t.Fatalf("directory sync failure reported as %v", err)
	}
	if err := SyncDir(dir); err != nil {
		t.Fatalf("SyncDir on a real directory: %v", err)
	}
}

// A caller's TempPattern names the temporary file, so that it can recognise
// the leftovers of an interrupted write.
func TestTempPattern(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var tmpName string
	err := Write(filepath.Join(dir, "k.json"), []byte("x"), Options{TempPattern: ".tmp-*.json", Verify: func(tmp string) error {
		tmpName = filepath.Base(tmp)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tmpName, ".tmp-") || !strings.HasSuffix(tmpName, ".json") {
		t.Fatalf("temporary file %q does not follow the pattern", tmpName)
	}
}

func TestSteps(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var steps []string
	if err := Write(filepath.Join(dir, "f"), []byte("x"), Options{Exclusive: true, Step: func(s string) { steps = append(steps, s) }}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(steps, ","); got != "temp-created,temp-written,linked" {
		t.Fatalf("steps %s", got)
	}
}
