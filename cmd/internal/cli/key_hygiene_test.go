package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// TestKeyExportOverwriteMode: `key export --yes` over an existing file
// leaves a 0600 file whatever the old file's mode was; without --yes an
// existing file is refused (exit 2) and left as it was.
func TestKeyExportOverwriteMode(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	pw := pwEnv("pw")
	pw.stdin = "//Alice\n"
	if code, _, errOut := keyRun(t, home, pw, "key", "import", "--name", "alice", "--suri-stdin"); code != 0 {
		t.Fatal(errOut)
	}
	file := filepath.Join(t.TempDir(), "alice.json")
	if err := os.WriteFile(file, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(file, 0o644) // past the umask
	code, _, errOut := keyRun(t, home, keyRunOpts{}, "key", "export", "alice", "--keystore", file)
	if b, _ := os.ReadFile(file); code != ExitUsage || string(b) != "old" || !strings.Contains(errOut, "--yes") {
		t.Fatalf("export over a file without --yes: exit %d, %q, file %q", code, errOut, b)
	}
	if code, _, errOut := keyRun(t, home, keyRunOpts{}, "--yes", "key", "export", "alice", "--keystore", file); code != 0 {
		t.Fatal(errOut)
	}
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("exported file mode %v %v, want 0600", st.Mode().Perm(), err)
	}
	if b, _ := os.ReadFile(file); !strings.Contains(string(b), `"encoded"`) {
		t.Fatalf("exported file: %s", b)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".ksm-write-*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

// TestKeyImportReencryptNote: importing a file encrypted with other scrypt
// parameters than ksm writes says so on stderr and in the JSON.
func TestKeyImportReencryptNote(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	file := testenv.Shared(t, "keys", "keystore-sr25519-alice.json") // N=2^15; the tests write 2^10
	code, out, errOut := keyRun(t, home, pwEnv("test"), "--json", "key", "import", "--name", "alice", "--keystore", file)
	if code != 0 {
		t.Fatal(errOut)
	}
	var k keyJSON
	mustJSON(t, out, &k)
	if k.Reencrypted == nil || k.Reencrypted.From.N != 1<<15 || k.Reencrypted.To.N != 1<<10 || k.Reencrypted.From.R != 8 {
		t.Fatalf("reencrypted: %+v", k.Reencrypted)
	}
	if !strings.Contains(errOut, "N=2^15 p=1 r=8") || !strings.Contains(errOut, "re-encrypted with N=2^10") {
		t.Fatalf("no note on stderr: %q", errOut)
	}
	// Exported and imported again: the same parameters, no note.
	exported := filepath.Join(t.TempDir(), "a.json")
	if code, _, errOut := keyRun(t, home, keyRunOpts{}, "key", "export", "alice", "--keystore", exported); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut = keyRun(t, home, pwEnv("test"), "--json", "key", "import", "--name", "again", "--keystore", exported)
	if code != 0 || strings.Contains(out, "reencrypted") || strings.Contains(errOut, "re-encrypted") {
		t.Fatalf("same parameters: exit %d %s %s", code, out, errOut)
	}
}
