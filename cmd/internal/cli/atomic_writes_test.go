package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// key export goes through internal/atomicfile: an existing file is kept
// without --yes, replaced whole with it, the result is 0600 and no temporary
// file is left next to it.
func TestKeyExportAtomic(t *testing.T) {
	home := t.TempDir()
	o := pwEnv("pw")
	o.stdin = "//Alice\n"
	if code, _, errOut := keyRun(t, home, o, "key", "import", "--name", "alice", "--suri-stdin"); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	outDir := t.TempDir()
	file := filepath.Join(outDir, "alice.json")
	if err := os.WriteFile(file, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := keyRun(t, home, keyRunOpts{}, "key", "export", "alice", "--keystore", file); code == 0 {
		t.Fatal("export over an existing file without --yes succeeded")
	}
	if b, _ := os.ReadFile(file); string(b) != "old" {
		t.Fatalf("refused export changed the file to %q", b)
	}
	if code, _, errOut := keyRun(t, home, keyRunOpts{}, "--yes", "key", "export", "alice", "--keystore", file); code != 0 {
		t.Fatalf("export --yes: exit %d: %s", code, errOut)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("exported file mode %v, want 0600", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(file); len(b) < 100 {
		t.Fatalf("exported file %q", b)
	}
	if des, _ := os.ReadDir(outDir); len(des) != 1 {
		t.Fatalf("%d files next to the export, want 1 (a temporary file left?)", len(des))
	}
}
