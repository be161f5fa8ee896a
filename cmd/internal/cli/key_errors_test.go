package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// TestKeyBadInput: each bad input gives a one-line error naming the
// problem, the exit code of cli.md, and leaves the home untouched.
func TestKeyBadInput(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	pw := pwEnv("pw")
	if code, _, errOut := keyRun(t, home, keyRunOpts{stdin: "//Alice\n", env: pw.env}, "key", "import", "--name", "alice", "--suri-stdin"); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := keyRun(t, home, keyRunOpts{stdin: "//Eve\n", env: pw.env}, "key", "import", "--name", "eve", "--scheme", "ed25519", "--suri-stdin"); code != 0 {
		t.Fatal(errOut)
	}
	aliceFile := filepath.Join(home, "keys", "alice.json")
	good, _ := os.ReadFile(aliceFile)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	truncated := write("truncated.json", good[:len(good)/2])
	var f map[string]any
	json.Unmarshal(good, &f)
	enc := f["encoded"].(string)
	f["encoded"] = enc[:len(enc)-8]
	cutBytes, _ := json.Marshal(f)
	cut := write("cut.json", cutBytes)
	notKeystore := write("other.json", []byte(`{"hello": "world"}`))
	phrase := "legal winner thank year wave sausage worth useful legal winner thank yellow"
	badPhrase := "legal winner thank year wave sausage worth useful legal winner thank thank"
	homeFile := write("home-is-a-file", []byte("x"))

	tests := []struct {
		name  string
		home  string
		opts  keyRunOpts
		args  []string
		code  int
		want  string
		never string
	}{
		{"wrong password", home, pwEnv("nope"), []string{"key", "sign", "alice", "m"}, ExitFailure, "wrong password", "nope"},
		{"truncated keystore", home, pw, []string{"key", "import", "--name", "x", "--keystore", truncated}, ExitFailure, "corrupted keystore", ""},
		{"cut ciphertext", home, pw, []string{"key", "import", "--name", "x", "--keystore", cut}, ExitFailure, "truncated", ""},
		{"not a keystore", home, pw, []string{"key", "import", "--name", "x", "--keystore", notKeystore}, ExitFailure, "unsupported keystore", ""},
		{"bad checksum", home, keyRunOpts{}, []string{"key", "watch", "--name", "x", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74G"}, ExitUsage, "checksum", ""},
		{"wrong network inspect", home, keyRunOpts{}, []string{"key", "inspect", "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"}, ExitUsage, "prefix 0", ""},
		{"unknown scheme", home, pw, []string{"key", "inspect", "--scheme", "rsa", "//Alice"}, ExitUsage, "unknown scheme", ""},
		{"unknown scheme import", home, keyRunOpts{stdin: "//Alice\n", env: pw.env}, []string{"key", "import", "--name", "x", "--scheme", "bls", "--suri-stdin"}, ExitUsage, "unknown signature scheme", ""},
		{"soft path on ed25519", home, keyRunOpts{stdin: "//Alice/soft\n", env: pw.env}, []string{"key", "import", "--name", "x", "--scheme", "ed25519", "--suri-stdin"}, ExitUsage, "soft derivation", ""},
		{"soft derive on ed25519", home, pw, []string{"key", "derive", "eve", "/soft", "--name", "x"}, ExitUsage, "soft derivation", ""},
		{"bad mnemonic", home, keyRunOpts{stdin: badPhrase + "\n", env: pw.env}, []string{"key", "import", "--name", "x", "--suri-stdin"}, ExitUsage, "checksum", "legal"},
		{"mnemonic in error never", home, keyRunOpts{stdin: phrase + "//\n", env: pw.env}, []string{"key", "import", "--name", "x", "--suri-stdin"}, ExitUsage, "empty junction", "legal"},
		{"duplicate name", home, keyRunOpts{stdin: "//Bob\n", env: pw.env}, []string{"key", "import", "--name", "ALICE", "--suri-stdin"}, ExitFailure, "exists", ""},
		{"duplicate derive", home, pw, []string{"key", "derive", "alice", "//x", "--name", "eve"}, ExitFailure, "exists", ""},
		{"bad name", home, keyRunOpts{stdin: "//Bob\n", env: pw.env}, []string{"key", "import", "--name", "../evil", "--suri-stdin"}, ExitUsage, "invalid key name", ""},
		{"no such key", home, pw, []string{"key", "sign", "nobody", "m"}, ExitUsage, "no such key", ""},
		{"unwritable home", homeFile, keyRunOpts{stdin: "//Bob\n", env: pw.env}, []string{"key", "import", "--name", "x", "--suri-stdin"}, ExitFailure, "home", ""},
		{"no password source", home, keyRunOpts{}, []string{"key", "sign", "alice", "m"}, ExitUsage, "needs its password", ""},
		{"missing name", home, pw, []string{"key", "new"}, ExitUsage, "required flag", ""},
		{"invalid signature", home, keyRunOpts{}, []string{"key", "verify", "--public", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F", "--signature", "0x" + strings.Repeat("00", 64), "m"}, ExitVerification, "invalid sr25519 signature", ""},
		{"unknown network", home, keyRunOpts{}, []string{"--network", "mars", "key", "list"}, ExitUsage, "unknown network", ""},
	}
	for _, tt := range tests {
		before := snapshot(t, home)
		code, _, errOut := keyRun(t, tt.home, tt.opts, tt.args...)
		first := strings.SplitN(errOut, "\n", 2)[0]
		if code != tt.code || !strings.Contains(first, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tt.name, code, errOut, tt.code, tt.want)
		}
		if tt.never != "" && strings.Contains(errOut, tt.never) {
			t.Errorf("%s: stderr shows a secret: %q", tt.name, errOut)
		}
		if !sameSnapshot(before, snapshot(t, home)) {
			t.Errorf("%s: the home changed", tt.name)
		}
	}
	if after, _ := os.ReadFile(aliceFile); string(after) != string(good) {
		t.Fatal("alice.json changed")
	}
}

func TestKeySharedKeystoresCLI(t *testing.T) {
	t.Parallel()
	var m struct {
		Cases []struct {
			File, Password, Type string
			Expected             struct{ PublicKey, Address string }
		}
	}
	mustJSON(t, string(testenv.ReadShared(t, "keys", "keystores.manifest.json")), &m)
	home := t.TempDir()
	for i, c := range m.Cases {
		path := testenv.Shared(t, "keys", c.File)
		name := fmt.Sprintf("k%d", i)
		before := snapshot(t, home)
		if code, _, errOut := keyRun(t, home, pwEnv(c.Password+"x"), "key", "import", "--name", name, "--keystore", path); code != ExitFailure || !strings.Contains(errOut, "wrong password") {
			t.Fatalf("%s with a wrong password: %d %s", c.File, code, errOut)
		}
		if !sameSnapshot(before, snapshot(t, home)) {
			t.Fatalf("%s: failed import changed the home", c.File)
		}
		code, out, errOut := keyRun(t, home, pwEnv(c.Password), "--json", "key", "import", "--name", name, "--keystore", path)
		if code != 0 {
			t.Fatalf("%s: %s", c.File, errOut)
		}
		var k keyJSON
		mustJSON(t, out, &k)
		if k.PublicKey != c.Expected.PublicKey || k.Scheme != c.Type {
			t.Fatalf("%s: %+v", c.File, k)
		}
		if c.Type == "ethereum" && k.EthAddress != c.Expected.Address {
			t.Fatalf("ethereum address %s", k.EthAddress)
		}
		// sign with the imported key, verify through the CLI
		code, out, _ = keyRun(t, home, pwEnv(c.Password), "--json", "key", "sign", name, "0x1234", "--hex")
		var sig struct{ Signature string }
		mustJSON(t, out, &sig)
		if code, _, errOut := keyRun(t, home, keyRunOpts{}, "key", "verify", "--scheme", c.Type, "--public", k.PublicKey, "--signature", sig.Signature, "--hex", "0x1234"); code != 0 {
			t.Fatalf("%s verify: %s", c.File, errOut)
		}
	}
}

func TestKeyVerifyDeprecatedSignature(t *testing.T) {
	t.Parallel()
	var f struct {
		Vectors []struct{ PublicKey, Signature, MessageUtf8 string }
	}
	mustJSON(t, string(testenv.ReadShared(t, "keys", "sr25519-deprecated-signatures.json")), &f)
	for _, v := range f.Vectors {
		code, _, errOut := keyRun(t, t.TempDir(), keyRunOpts{}, "key", "verify", "--scheme", "sr25519", "--public", v.PublicKey, "--signature", v.Signature, v.MessageUtf8)
		if code != ExitVerification {
			t.Fatalf("deprecated signature: exit %d %s", code, errOut)
		}
	}
}

// fakeCache is an in-memory PasswordCache; err simulates a missing service.
type fakeCache struct {
	mu  sync.Mutex
	m   map[string]string
	err error
}

func (c *fakeCache) Get(k string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return "", c.err
	}
	v, ok := c.m[k]
	if !ok {
		return "", keystore.ErrNotRemembered
	}
	return v, nil
}
func (c *fakeCache) Set(k, v string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	c.m[k] = v
	return nil
}
func (c *fakeCache) Delete(k string) error { delete(c.m, k); return nil }

func TestKeyRememberPassword(t *testing.T) {
	old := passwordCache
	defer func() { passwordCache = old }()
	cache := &fakeCache{m: map[string]string{}}
	passwordCache = cache
	home := t.TempDir()
	if code, _, errOut := keyRun(t, home, keyRunOpts{stdin: "//Alice\n", env: pwEnv("pw").env}, "key", "import", "--name", "alice", "--suri-stdin", "--remember"); code != 0 {
		t.Fatal(errOut)
	}
	// No password source now: the keyring answers.
	if code, _, errOut := keyRun(t, home, keyRunOpts{}, "key", "sign", "alice", "m"); code != 0 {
		t.Fatalf("sign with a remembered password: %s", errOut)
	}
	// Removing the key forgets the password.
	keyRun(t, home, keyRunOpts{}, "--yes", "key", "remove", "alice")
	if len(cache.m) != 0 {
		t.Fatalf("password still remembered: %v", cache.m)
	}
	// Without a keyring service: one note on stderr, the command works.
	passwordCache = &fakeCache{err: keystore.ErrNoKeyring}
	noKeyringWarned = sync.Once{}
	code, _, errOut := keyRun(t, home, keyRunOpts{stdin: "//Bob\n", env: pwEnv("pw").env}, "key", "import", "--name", "bob", "--suri-stdin", "--remember")
	if code != 0 || strings.Count(errOut, "no OS keyring") != 1 {
		t.Fatalf("no keyring: %d %q", code, errOut)
	}
}

func TestKeyNetworkFromChainSpec(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.json")
	os.WriteFile(spec, []byte(`{"name":"Local","id":"local_testnet","properties":{"ss58Format":4242,"tokenDecimals":[18],"tokenSymbol":["LCL"]}}`), 0o600)
	io, _, _, _ := testStreams()
	f := newTestFactory(t, io)
	f.Opts.Network = spec
	n, err := f.Network()
	if err != nil || n.SS58Prefix != 4242 || n.Decimals != 18 || n.Symbol != "LCL" || n.Name != "local_testnet" {
		t.Fatalf("%+v %v", n, err)
	}
	code, out, errOut := keyRun(t, dir, keyRunOpts{}, "--json", "--network", spec, "key", "inspect", "//Alice")
	var ins inspectJSON
	mustJSON(t, out, &ins)
	if code != 0 || ins.NetworkID != "local_testnet" {
		t.Fatalf("%d %+v %s", code, ins, errOut)
	}
	for _, want := range []Network{
		{Name: "kusama", SS58Prefix: 2, Decimals: 12, Symbol: "KSM"},
		{Name: "polkadot", SS58Prefix: 0, Decimals: 10, Symbol: "DOT"},
		{Name: "westend", SS58Prefix: 42, Decimals: 12, Symbol: "WND"},
		{Name: "paseo", SS58Prefix: 0, Decimals: 10, Symbol: "PAS"},
		{Name: "kusama-asset-hub", SS58Prefix: 2, Decimals: 12, Symbol: "KSM"},
	} {
		f.Opts.Network = want.Name
		n, err := f.Network()
		if err != nil || n.Profile == nil || n.Name != want.Name || n.SS58Prefix != want.SS58Prefix || n.Decimals != want.Decimals || n.Symbol != want.Symbol {
			t.Fatalf("%s: %+v %v", want.Name, n, err)
		}
	}
	f.Opts.Network = "no-such-net"
	if _, err := f.Network(); ExitCode(err) != ExitUsage {
		t.Fatalf("unknown network: %v", err)
	}
	if real, err := os.ReadFile(filepath.Join(testenvSharedDir(t), "chainspec", "kusama-people.json")); err == nil {
		n, err := networkFromChainSpec(real, "kusama-people.json")
		if err != nil || n.SS58Prefix != 2 || n.Symbol != "KSM" || n.Decimals != 12 {
			t.Fatalf("kusama-people spec: %+v %v", n, err)
		}
	}
}

func BenchmarkKeyList100(b *testing.B) {
	home := b.TempDir()
	for i := 0; i < 100; i++ {
		if code, _, errOut := keyRun(b, home, keyRunOpts{stdin: fmt.Sprintf("//k%d\n", i), env: map[string]string{"KSM_PASSWORD": "pw"}}, "key", "import", "--name", fmt.Sprintf("k%03d", i), "--suri-stdin"); code != 0 {
			b.Fatal(errOut)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code, _, _ := keyRun(b, home, keyRunOpts{}, "--json", "key", "list"); code != 0 {
			b.Fatal("list")
		}
	}
}

func testStreams() (*iostreams.IOStreams, any, any, any) {
	io, in, out, e := iostreams.Test()
	return io, in, out, e
}

func testenvSharedDir(t *testing.T) string {
	dir, _ := testenv.SharedDir(t)
	return dir
}

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
