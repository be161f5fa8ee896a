package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWeakPassword(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pw   string
		weak bool
	}{
		{"pw", true}, {"1234567", true}, {"Password", true}, {"polkadot", true}, {"12345678", true},
		{"87654321", true}, {"zzzzzzzzzz", true}, {"abcdefgh", true},
		{"correct horse", false}, {"Tr0ub4dor&3", false}, {"kusama-vote-2026", false}, {"ääääääää", false},
	} {
		if why := weakPassword([]byte(tc.pw)); (why != "") != tc.weak {
			t.Errorf("weakPassword(%q) = %q, want weak %v", tc.pw, why, tc.weak)
		}
	}
}

// TestKeyNewSecretOutput: under --json the phrase is printed only with
// --show-secret, or written to --secret-file (0600); without either the
// command is refused with exit 2 before anything is written.
func TestKeyNewSecretOutput(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	pw := pwEnv("correct horse battery")
	code, out, errOut := keyRun(t, home, pw, "--json", "key", "new", "--name", "a")
	if code != ExitUsage || out != "" || !strings.Contains(errOut, "--show-secret") || !strings.Contains(errOut, "--secret-file") {
		t.Fatalf("--json without --show-secret: exit %d out %q err %q", code, out, errOut)
	}
	if snap := snapshot(t, home); len(snap) != 0 {
		t.Fatalf("a refused key new wrote %v", snap)
	}
	code, out, errOut = keyRun(t, home, pw, "--json", "key", "new", "--name", "a", "--show-secret")
	var k keyJSON
	mustJSON(t, out, &k)
	if code != 0 || len(strings.Fields(k.SecretPhrase)) != 12 {
		t.Fatalf("--show-secret: %d %s %s", code, out, errOut)
	}
	secret := filepath.Join(t.TempDir(), "b.phrase")
	code, out, errOut = keyRun(t, home, pw, "--json", "key", "new", "--name", "b", "--secret-file", secret)
	k = keyJSON{}
	mustJSON(t, out, &k)
	if code != 0 || k.SecretPhrase != "" || k.SecretFile != secret {
		t.Fatalf("--secret-file: %d %s %s", code, out, errOut)
	}
	st, err := os.Stat(secret)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode %v %v", st.Mode().Perm(), err)
	}
	phrase, _ := os.ReadFile(secret)
	if strings.Contains(errOut, strings.Fields(string(phrase))[0]+" ") {
		t.Fatalf("the phrase was also printed: %s", errOut)
	}
	_, insOut, _ := keyRun(t, home, keyRunOpts{}, "--json", "key", "inspect", strings.TrimSpace(string(phrase)))
	var ins inspectJSON
	mustJSON(t, insOut, &ins)
	if ins.PublicKey != k.PublicKey {
		t.Fatal("the secret file's phrase does not give the stored key")
	}
	// An existing secret file is never overwritten, and no key is made.
	code, _, errOut = keyRun(t, home, pw, "key", "new", "--name", "c", "--secret-file", secret)
	if after, _ := os.ReadFile(secret); code != ExitUsage || string(after) != string(phrase) || !strings.Contains(errOut, "exists") {
		t.Fatalf("over an existing secret file: %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(home, "keys", "c.json")); err == nil {
		t.Fatal("key c was made")
	}
}

// TestNewPasswordWarnings: a weak new password and a password file others
// can read are warned about; a good one in a 0600 file is not.
func TestNewPasswordWarnings(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	dir := t.TempDir()
	write := func(name, pw string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(pw+"\n"), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	for _, tc := range []struct {
		name, file       string
		weak, accessible bool
	}{
		{"good", write("good", "correct horse battery", 0o600), false, false},
		{"weak", write("weak", "password", 0o600), true, false},
		{"short", write("short", "abc", 0o600), true, false},
		{"open", write("open", "correct horse battery", 0o644), false, true},
		{"group", write("group", "correct horse battery", 0o640), false, true},
	} {
		code, _, errOut := keyRun(t, home, keyRunOpts{stdin: "//Alice\n"}, "--password-file", tc.file, "key", "import", "--name", tc.name, "--suri-stdin")
		if code != 0 {
			t.Fatalf("%s: %s", tc.name, errOut)
		}
		if got := strings.Contains(errOut, "weak password"); got != tc.weak {
			t.Errorf("%s: weak warning %v, want %v: %q", tc.name, got, tc.weak, errOut)
		}
		if got := strings.Contains(errOut, "accessible by others"); got != tc.accessible {
			t.Errorf("%s: permission warning %v, want %v: %q", tc.name, got, tc.accessible, errOut)
		}
		if strings.Contains(errOut, "correct horse") || strings.Contains(errOut, "abc\n") {
			t.Errorf("%s: the password appears in a message: %q", tc.name, errOut)
		}
	}
}
