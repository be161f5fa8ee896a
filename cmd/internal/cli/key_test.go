package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	goio "io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

type keyRunOpts struct {
	stdin string
	tty   bool
	env   map[string]string
}

// keyRun runs ksm --home home args... with in-memory streams.
func keyRun(t testing.TB, home string, o keyRunOpts, args ...string) (int, string, string) {
	t.Helper()
	io, in, out, errOut := iostreams.Test()
	in.WriteString(o.stdin)
	io.SetTTY(o.tty, o.tty, o.tty)
	f := newTestFactory(t, io)
	f.Getenv = func(k string) string { return o.env[k] }
	code := Run(context.Background(), f, append([]string{"--home", home}, args...))
	return code, out.String(), errOut.String()
}

// importKey imports the secret URI suri into home as key name, the
// password from env (KSM_PASSWORD), with more of key import's flags (such
// as --scheme); t fails when that does not succeed.
func importKey(t testing.TB, home, name, suri string, env map[string]string, flags ...string) {
	t.Helper()
	args := append([]string{"key", "import", "--name", name, "--suri-stdin"}, flags...)
	if code, _, errOut := keyRun(t, home, keyRunOpts{stdin: suri + "\n", env: env}, args...); code != 0 {
		t.Fatalf("key import %s: exit %d %s", name, code, errOut)
	}
}

// watchKey adds address to home as the watch-only key name.
func watchKey(t testing.TB, home, name, address string) {
	t.Helper()
	if code, _, errOut := keyRun(t, home, keyRunOpts{}, "key", "watch", "--name", name, address); code != 0 {
		t.Fatalf("key watch %s: exit %d %s", name, code, errOut)
	}
}

func pwEnv(pw string) keyRunOpts { return keyRunOpts{env: map[string]string{"KSM_PASSWORD": pw}} }

// snapshot returns name → content of every file under home.
func snapshot(t *testing.T, home string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.Walk(home, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			m[p] = string(b)
		}
		return nil
	})
	return m
}

func sameSnapshot(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("JSON %q: %v", s, err)
	}
}

func TestKeyInspectVectors(t *testing.T) {
	t.Parallel()
	var doc struct {
		Vectors []struct {
			SURI, Type, PublicKey, Address string
			SS58Format                     *int
		}
	}
	mustJSON(t, string(testenv.ReadShared(t, "keys", "derivation-vectors-documented.json")), &doc)
	home := t.TempDir()
	n := 0
	for _, v := range doc.Vectors {
		if v.SURI == "" || v.SS58Format == nil {
			continue
		}
		code, out, errOut := keyRun(t, home, keyRunOpts{}, "--json", "key", "inspect", "--scheme", v.Type, "--prefix", fmt.Sprint(*v.SS58Format), v.SURI)
		if code != 0 {
			t.Fatalf("inspect %q: exit %d %s", v.SURI, code, errOut)
		}
		var got inspectJSON
		mustJSON(t, out, &got)
		if got.PublicKey != v.PublicKey || got.SS58Address != v.Address || got.Scheme != v.Type || got.AccountID != v.PublicKey {
			t.Errorf("inspect %q: %+v", v.SURI, got)
		}
		// The address gives back the same public data.
		code, out, errOut = keyRun(t, home, keyRunOpts{}, "--json", "key", "inspect", "--scheme", v.Type, "--prefix", fmt.Sprint(*v.SS58Format), v.Address)
		var back inspectJSON
		mustJSON(t, out, &back)
		if code != 0 || back.PublicKey != v.PublicKey || back.SecretSeed != "" || back.SecretPhrase != "" {
			t.Errorf("inspect address %s: %d %+v %s", v.Address, code, back, errOut)
		}
		n++
	}
	if n < 10 {
		t.Fatalf("only %d vectors", n)
	}
}

func TestKeyInspectFields(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	phrase := "bottom drive obey lake curtain smoke basket hold race lonely fit walk"
	_, out, _ := keyRun(t, home, keyRunOpts{}, "--json", "key", "inspect", phrase)
	var m map[string]any
	mustJSON(t, out, &m)
	keysOf := []string{}
	for k := range m {
		keysOf = append(keysOf, k)
	}
	sort.Strings(keysOf)
	if strings.Join(keysOf, ",") != "accountId,networkId,publicKey,scheme,secretPhrase,secretSeed,ss58Address,ss58PublicKey" {
		t.Fatalf("fields %v", keysOf)
	}
	if m["networkId"] != "kusama" || m["secretPhrase"] != phrase || m["secretSeed"] != "0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e" {
		t.Fatalf("inspect %v", m)
	}
	// Soft junction: no secretSeed. Polkadot network: its prefix.
	_, out, _ = keyRun(t, home, keyRunOpts{}, "--json", "--network", "polkadot", "key", "inspect", "//Alice/soft")
	m = nil
	mustJSON(t, out, &m)
	if _, ok := m["secretSeed"]; ok || m["networkId"] != "polkadot" || !strings.HasPrefix(m["ss58Address"].(string), "1") {
		t.Fatalf("soft inspect %v", m)
	}
	// The human form.
	code, out, _ := keyRun(t, home, keyRunOpts{tty: true}, "key", "inspect", "//Alice")
	if code != 0 || !strings.Contains(out, "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F") || !strings.Contains(out, "Secret seed") {
		t.Fatalf("human inspect:\n%s", out)
	}
	// Reading the URI from stdin.
	code, out, _ = keyRun(t, home, keyRunOpts{stdin: "//Alice\n"}, "--json", "key", "inspect", "-")
	if code != 0 || !strings.Contains(out, "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F") {
		t.Fatalf("inspect -: %d %s", code, out)
	}
}

func TestKeyLifecycle(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	pw := pwEnv("s3cret")
	// import from a URI on stdin with the password on the next line
	code, out, errOut := keyRun(t, home, keyRunOpts{stdin: "//Alice\ns3cret\n"}, "--json", "--password-stdin", "key", "import", "--name", "alice", "--suri-stdin")
	if code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	var k keyJSON
	mustJSON(t, out, &k)
	if k.Name != "alice" || k.SS58Address != "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F" || k.WatchOnly || k.Scheme != "sr25519" {
		t.Fatalf("import JSON %+v", k)
	}
	if code, _, _ := keyRun(t, home, keyRunOpts{stdin: "//Bob\n", env: pw.env}, "key", "import", "--name", "bob", "--scheme", "ed25519", "--suri-stdin"); code != 0 {
		t.Fatal("import bob")
	}
	if code, _, errOut := keyRun(t, home, keyRunOpts{}, "key", "watch", "--name", "dave", "FoQJpPyadYccjavVdTWxpxU7rUEaYhfLCPwXgkfD6Zat9QP"); code != 0 {
		t.Fatalf("watch: %s", errOut)
	}
	// list: JSON and the two human forms
	code, out, _ = keyRun(t, home, keyRunOpts{}, "--json", "key", "list")
	var list []keyJSON
	mustJSON(t, out, &list)
	if code != 0 || len(list) != 3 || list[0].Name != "alice" || list[1].Scheme != "ed25519" || !list[2].WatchOnly {
		t.Fatalf("list %+v", list)
	}
	_, out, _ = keyRun(t, home, keyRunOpts{tty: true}, "key", "list")
	if !strings.HasPrefix(out, "NAME") || !strings.Contains(out, "watch-only") {
		t.Fatalf("TTY list:\n%s", out)
	}
	_, out, _ = keyRun(t, home, keyRunOpts{}, "key", "list")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[0], "alice\tsr25519\tHNZata7") {
		t.Fatalf("plain list:\n%s", out)
	}
	for _, s := range []string{"s3cret", "bottom", "0x"} {
		if s != "0x" && strings.Contains(out, s) {
			t.Fatalf("list shows a secret %q", s)
		}
	}
	// polkadot network changes the shown address
	_, out, _ = keyRun(t, home, keyRunOpts{}, "--json", "--network", "polkadot", "key", "show", "alice")
	mustJSON(t, out, &k)
	if k.SS58Address != "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5" {
		t.Fatalf("show on polkadot %+v", k)
	}
	// sign and verify, all schemes
	for _, tc := range []struct{ name, scheme string }{{"alice", "sr25519"}, {"bob", "ed25519"}} {
		code, out, errOut = keyRun(t, home, pw, "--json", "key", "sign", tc.name, "hello kusama")
		var sig struct{ Signature string }
		mustJSON(t, out, &sig)
		_, showOut, _ := keyRun(t, home, keyRunOpts{}, "--json", "key", "show", tc.name)
		mustJSON(t, showOut, &k)
		if code != 0 || len(sig.Signature) != 130 {
			t.Fatalf("sign %s: %d %s %s", tc.name, code, out, errOut)
		}
		if code, out, _ := keyRun(t, home, keyRunOpts{}, "--json", "key", "verify", "--scheme", tc.scheme, "--public", k.PublicKey, "--signature", sig.Signature, "hello kusama"); code != 0 || !strings.Contains(out, "true") {
			t.Fatalf("verify %s: %d %s", tc.name, code, out)
		}
		if code, out, _ := keyRun(t, home, keyRunOpts{}, "--json", "key", "verify", "--scheme", tc.scheme, "--public", k.PublicKey, "--signature", sig.Signature, "hello polkadot"); code != ExitVerification || !strings.Contains(out, "false") {
			t.Fatalf("verify wrong message %s: %d %s", tc.name, code, out)
		}
	}
	// derive: same as importing the URI with the path
	if code, _, errOut := keyRun(t, home, pw, "key", "derive", "alice", "//stash/0", "--name", "alice-stash"); code != 0 {
		t.Fatalf("derive: %s", errOut)
	}
	_, out, _ = keyRun(t, home, keyRunOpts{}, "--json", "key", "show", "alice-stash")
	mustJSON(t, out, &k)
	_, want, _ := keyRun(t, home, keyRunOpts{}, "--json", "key", "inspect", "//Alice//stash/0")
	var ins inspectJSON
	mustJSON(t, want, &ins)
	if k.PublicKey != ins.PublicKey {
		t.Fatalf("derived %s, inspect says %s", k.PublicKey, ins.PublicKey)
	}
	// rename, export, remove
	if code, _, errOut := keyRun(t, home, keyRunOpts{}, "key", "rename", "alice-stash", "stash"); code != 0 {
		t.Fatalf("rename: %s", errOut)
	}
	exported := filepath.Join(t.TempDir(), "stash.json")
	if code, _, errOut := keyRun(t, home, keyRunOpts{}, "key", "export", "stash", "--keystore", exported); code != 0 {
		t.Fatalf("export: %s", errOut)
	}
	if code, _, _ := keyRun(t, home, keyRunOpts{}, "key", "export", "stash", "--keystore", exported); code == 0 {
		t.Fatal("export overwrote a file without --yes")
	}
	if code, _, _ := keyRun(t, home, keyRunOpts{}, "key", "remove", "stash"); code != ExitUsage {
		t.Fatal("remove without --yes and without a terminal")
	}
	if code, _, _ := keyRun(t, home, keyRunOpts{tty: true, stdin: "n\n"}, "key", "remove", "stash"); code != ExitCancelled {
		t.Fatal("remove answered no")
	}
	if code, _, errOut := keyRun(t, home, keyRunOpts{tty: true, stdin: "y\n"}, "key", "remove", "stash"); code != 0 {
		t.Fatalf("remove: %s", errOut)
	}
	if code, _, errOut := keyRun(t, home, keyRunOpts{stdin: "s3cret\n"}, "--password-stdin", "key", "import", "--name", "back", "--keystore", exported); code != 0 {
		t.Fatalf("re-import: %s", errOut)
	}
	_, out, _ = keyRun(t, home, keyRunOpts{}, "--json", "key", "show", "back")
	mustJSON(t, out, &k)
	if k.PublicKey != ins.PublicKey {
		t.Fatal("exported and re-imported key differs")
	}
	// A file of another home's directory is there with the right modes.
	st, _ := os.Stat(filepath.Join(home, "keys", "back.json"))
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
}

func TestKeyNewTTY(t *testing.T) {
	home := t.TempDir()
	keyBackupWord = func(n int) (int, error) { return 2, nil }
	defer func() { keyBackupWord = func(n int) (int, error) { return 0, errors.New("unset") } }()
	// password, repeat (mismatch), password, repeat, then a wrong and a right word 3
	stdin := "pw1\npw2\npw1\npw1\nwrong\n"
	code, out, errOut := keyRun(t, home, keyRunOpts{tty: true, stdin: stdin + "WORD\nnope\n"}, "key", "new", "--name", "fresh", "--scheme", "ed25519", "--words", "15")
	if code != ExitCancelled || !strings.Contains(errOut, "passwords differ") {
		t.Fatalf("new with a bad backup answer: %d\n%s", code, errOut)
	}
	if snap := snapshot(t, home); len(snap) != 0 {
		t.Fatalf("a failed backup check saved something: %v", snap)
	}
	// Now answer right: read the phrase from stderr of a first run is not
	// possible with a prefilled stdin, so the hook tells the word index and
	// the test answers from a --json run's phrase instead.
	code, out, errOut = keyRun(t, home, keyRunOpts{env: map[string]string{"KSM_PASSWORD": "pw1"}}, "--json", "key", "new", "--name", "fresh", "--words", "24", "--show-secret")
	if code != 0 {
		t.Fatalf("new --json: %s", errOut)
	}
	var k keyJSON
	mustJSON(t, out, &k)
	words := strings.Fields(k.SecretPhrase)
	if len(words) != 24 || k.Name != "fresh" {
		t.Fatalf("new JSON %+v", k)
	}
	// The phrase reproduces the stored key.
	_, insOut, _ := keyRun(t, home, keyRunOpts{}, "--json", "key", "inspect", k.SecretPhrase)
	var ins inspectJSON
	mustJSON(t, insOut, &ins)
	if ins.PublicKey != k.PublicKey {
		t.Fatal("mnemonic does not give the stored key")
	}
	if strings.Contains(errOut, words[0]+" "+words[1]) {
		t.Fatal("--json also printed the phrase on stderr")
	}
	// TTY run with the right word: stdin answers with the word the prompt
	// asks for, read from the phrase shown on stderr.
	keyBackupWord = func(n int) (int, error) { return n - 1, nil }
	io, _, outBuf, errBuf := iostreams.Test()
	io.SetTTY(true, true, true)
	io.In = &scriptedIn{lines: []string{"pw\n", "pw\n"}, answer: func() string {
		text := errBuf.String()
		i := strings.Index(text, "only now:")
		if i < 0 {
			return "?"
		}
		ws := strings.Fields(strings.SplitN(strings.TrimSpace(text[i+len("only now:"):]), "\n", 2)[0])
		return ws[len(ws)-1]
	}}
	f := newTestFactory(t, io)
	code = Run(context.Background(), f, []string{"--home", home, "key", "new", "--name", "second"})
	if code != 0 || !strings.Contains(errBuf.String(), "Correct.") || !strings.Contains(errBuf.String(), "word #12") || !strings.HasPrefix(outBuf.String(), "H") && !strings.HasPrefix(outBuf.String(), "C") && !strings.HasPrefix(outBuf.String(), "D") && !strings.HasPrefix(outBuf.String(), "E") && !strings.HasPrefix(outBuf.String(), "F") && !strings.HasPrefix(outBuf.String(), "G") && !strings.HasPrefix(outBuf.String(), "J") {
		t.Fatalf("TTY new: %d\n%s\n%s", code, errBuf.String(), outBuf.String())
	}
	if _, err := keystoreUnlock(home, "second", "pw"); err != nil {
		t.Fatal(err)
	}
}

// scriptedIn gives one line per Read, then one computed answer.
type scriptedIn struct {
	lines  []string
	answer func() string
	done   bool
}

func (s *scriptedIn) Read(p []byte) (int, error) {
	if len(s.lines) > 0 {
		n := copy(p, s.lines[0])
		s.lines = s.lines[1:]
		return n, nil
	}
	if !s.done {
		s.done = true
		return copy(p, s.answer()+"\n"), nil
	}
	return 0, goio.EOF
}

func keystoreUnlock(home, name, pw string) (any, error) {
	st, err := keystore.Open(home)
	if err != nil {
		return nil, err
	}
	st.Scrypt = testScrypt
	return st.Unlock(name, []byte(pw))
}

func TestKeyImportPrompts(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	code, out, errOut := keyRun(t, home, keyRunOpts{tty: true, stdin: "//Alice\npw\npw\n"}, "key", "import", "--name", "alice", "--scheme", "ecdsa")
	if code != 0 || !strings.Contains(errOut, "Secret URI") || !strings.Contains(errOut, "Repeat the password") || strings.Contains(errOut, "//Alice") {
		t.Fatalf("prompted import: %d\n%s", code, errOut)
	}
	if !strings.HasPrefix(out, "Cc") { // ecdsa //Alice on Kusama: CcogsRk8x...
		t.Fatalf("output %q", out)
	}
	// Without a terminal the URI must come from stdin.
	if code, _, errOut := keyRun(t, home, pwEnv("pw"), "key", "import", "--name", "bob"); code != ExitUsage || !strings.Contains(errOut, "--suri-stdin") {
		t.Fatalf("non-TTY import without --suri-stdin: %d %s", code, errOut)
	}
	// A keystore file's password is asked for on a terminal.
	path := testenv.Shared(t, "keys", "keystore-sr25519-alice.json")
	code, _, errOut = keyRun(t, home, keyRunOpts{tty: true, stdin: "test\n"}, "key", "import", "--name", "pjs", "--keystore", path)
	if code != 0 || !strings.Contains(errOut, "Password of ") {
		t.Fatalf("keystore import prompt: %d %s", code, errOut)
	}
	// The password file source, and the TTY show.
	pwFile := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pwFile, []byte("test\n"), 0o600)
	if code, _, errOut := keyRun(t, home, keyRunOpts{}, "--password-file", pwFile, "key", "sign", "pjs", "x"); code != 0 {
		t.Fatalf("--password-file: %s", errOut)
	}
	code, out, _ = keyRun(t, home, keyRunOpts{tty: true}, "key", "show", "pjs")
	if code != 0 || !strings.Contains(out, "Address:     HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F (kusama)") {
		t.Fatalf("TTY show:\n%s", out)
	}
}
