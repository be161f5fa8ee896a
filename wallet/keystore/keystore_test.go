package keystore

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

type manifestCase struct {
	File       string
	Password   string
	Type       string
	SS58Format *int
	Expected   struct {
		PublicKey             string
		Address               string
		DecryptedPkcs8Length  int
		WrongPasswordRejected bool
	}
}

func loadManifest(t *testing.T) []manifestCase {
	var m struct{ Cases []manifestCase }
	if err := json.Unmarshal(testenv.ReadShared(t, "keys", "keystores.manifest.json"), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Cases) != 3 {
		t.Fatalf("%d manifest cases", len(m.Cases))
	}
	return m.Cases
}

func TestSharedKeystores(t *testing.T) {
	t.Parallel()
	for _, c := range loadManifest(t) {
		t.Run(c.File, func(t *testing.T) {
			raw := testenv.ReadShared(t, "keys", c.File)
			f, err := ParseFile(raw)
			if err != nil {
				t.Fatal(err)
			}
			if string(f.Scheme()) != c.Type {
				t.Fatalf("scheme %s, want %s", f.Scheme(), c.Type)
			}
			p, err := f.Decrypt([]byte(c.Password))
			if err != nil {
				t.Fatal(err)
			}
			if got := "0x" + hex.EncodeToString(p.PublicKey()); got != c.Expected.PublicKey {
				t.Fatalf("public key %s, want %s", got, c.Expected.PublicKey)
			}
			switch {
			case c.Type == "ethereum":
				a, err := p.EthAddress()
				if err != nil || !strings.EqualFold(fmt.Sprintf("0x%x", a), c.Expected.Address) {
					t.Errorf("eth address %x %v, want %s", a, err, c.Expected.Address)
				}
				if got, _ := f.EthAddress(); got != c.Expected.Address {
					t.Errorf("EIP-55 address %s, want %s", got, c.Expected.Address)
				}
			default:
				if got := ss58.MustEncode(p.AccountID(), uint16(*c.SS58Format)); got != c.Expected.Address {
					t.Errorf("address %s, want %s", got, c.Expected.Address)
				}
			}
			// The envelope has the length polkadot-js decrypted.
			sk, _ := p.PolkadotJSSecret()
			if n := len(pkcs8Header) + len(sk) + len(pkcs8Divider) + len(p.PublicKey()); n != c.Expected.DecryptedPkcs8Length {
				t.Errorf("envelope length %d, want %d", n, c.Expected.DecryptedPkcs8Length)
			}
			if _, err := f.Decrypt([]byte(c.Password + "x")); !errors.Is(err, ErrWrongPassword) {
				t.Errorf("wrong password: %v", err)
			}
			// Re-encrypt and read back: same key.
			g, err := Encrypt(p, []byte("new"), f.Meta, 2)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := g.Marshal()
			h, err := ParseFile(b)
			if err != nil {
				t.Fatal(err)
			}
			q, err := h.Decrypt([]byte("new"))
			if err != nil || !bytes.Equal(q.PublicKey(), p.PublicKey()) {
				t.Fatalf("round trip: %v", err)
			}
		})
	}
}

func TestCorruptFiles(t *testing.T) {
	t.Parallel()
	raw := testenv.ReadShared(t, "keys", "keystore-sr25519-alice.json")
	f, err := ParseFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := base64.StdEncoding.DecodeString(f.Encoded)
	mutate := func(fn func(*File)) []byte {
		g := *f
		fn(&g)
		b, _ := g.Marshal()
		return b
	}
	tests := []struct {
		name string
		file []byte
		err  error
	}{
		{"truncated JSON", raw[:len(raw)/2], ErrCorrupt},
		{"not JSON", []byte("hello"), ErrCorrupt},
		{"two objects", append(append([]byte{}, raw...), raw...), ErrCorrupt},
		{"version 2", mutate(func(g *File) { g.Encoding.Version = "2" }), ErrUnsupported},
		{"unknown type", mutate(func(g *File) { g.Encoding.Content = stringList{"pkcs8", "rsa"} }), ErrUnsupported},
		{"no encryption", mutate(func(g *File) { g.Encoding.Type = stringList{"none"} }), ErrUnsupported},
		{"truncated encoded", mutate(func(g *File) { g.Encoded = base64.StdEncoding.EncodeToString(enc[:60]) }), ErrCorrupt},
		{"cut ciphertext", mutate(func(g *File) { g.Encoded = base64.StdEncoding.EncodeToString(enc[:len(enc)-1]) }), ErrCorrupt},
		{"flipped byte", mutate(func(g *File) {
			e := bytes.Clone(enc)
			e[len(e)-5] ^= 1
			g.Encoded = base64.StdEncoding.EncodeToString(e)
		}), ErrWrongPassword},
		{"bad base64", mutate(func(g *File) { g.Encoded = "!!!" }), ErrCorrupt},
		{"huge N", mutate(func(g *File) {
			e := bytes.Clone(enc)
			e[35] = 0x7f
			g.Encoded = base64.StdEncoding.EncodeToString(e)
		}), ErrUnsupported},
		{"other address", mutate(func(g *File) { g.Address = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty" }), ErrCorrupt},
	}
	for _, tt := range tests {
		g, err := ParseFile(tt.file)
		if err == nil {
			_, err = g.Decrypt([]byte("test"))
		}
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.err)
		}
		if err != nil && strings.Contains(err.Error(), "test") && tt.err == ErrWrongPassword {
			t.Errorf("%s: error mentions the password", tt.name)
		}
	}
}

// fastParams are the cheap scrypt parameters of the stores of tests that
// do not test the parameters themselves.
var fastParams = InsecureTestParams(10)

// fastStoreWithAlice is a fastStore holding //Alice as "alice" (password
// "pw").
func fastStoreWithAlice(t testing.TB) (*Store, *Entry) {
	t.Helper()
	s := fastStore(t)
	alice, _ := keys.FromURI("//Alice", keys.Sr25519)
	e, err := s.Add("alice", alice, []byte("pw"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, e
}

// fastStore is newStore with cheap scrypt parameters.
func fastStore(t testing.TB) *Store {
	s := newStore(t)
	s.Scrypt = fastParams
	return s
}

func newStore(t testing.TB) *Store {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return time.UnixMilli(1700000000000) }
	return s
}

func TestStoreLifecycle(t *testing.T) {
	t.Parallel()
	s := fastStore(t)
	alice, _ := keys.FromURI("//Alice", keys.Sr25519)
	bob, _ := keys.FromURI("//Bob", keys.Ed25519)
	if _, err := s.Add("alice", alice, []byte("pw"), map[string]any{"genesisHash": "0xb0a8"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add("Alice", bob, []byte("pw"), nil); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := s.Add("bob", bob, []byte("pw2"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddWatch("carol", keys.Sr25519, alice.PublicKey()); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "../x", "a/b", ".hidden", "sp ace", strings.Repeat("a", 65)} {
		if _, err := s.AddWatch(bad, keys.Sr25519, alice.PublicKey()); !errors.Is(err, ErrBadName) {
			t.Errorf("name %q: %v", bad, err)
		}
	}
	list, err := s.List()
	if err != nil || len(list) != 3 {
		t.Fatalf("list %d %v", len(list), err)
	}
	if list[0].Name != "alice" || list[2].Name != "carol" || !list[2].WatchOnly || list[1].Scheme != keys.Ed25519 {
		t.Fatalf("list %+v", list)
	}
	// Files 0600, directory 0700.
	st, _ := os.Stat(s.Dir())
	if st.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", st.Mode())
	}
	for _, e := range list {
		st, _ := os.Stat(e.Path)
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", e.Path, st.Mode())
		}
	}
	if _, err := s.Unlock("alice", []byte("nope")); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := s.Unlock("carol", []byte("pw")); !errors.Is(err, ErrWatchOnly) {
		t.Fatalf("watch-only unlock: %v", err)
	}
	p, err := s.Unlock("alice", []byte("pw"))
	if err != nil || !bytes.Equal(p.PublicKey(), alice.PublicKey()) {
		t.Fatalf("unlock: %v", err)
	}
	e, _ := s.Get("alice")
	if e.File.Meta["genesisHash"] != "0xb0a8" || e.File.Meta["whenCreated"].(float64) != 1700000000000 {
		t.Errorf("meta %v", e.File.Meta)
	}
	if _, err := s.Rename("alice", "bob"); !errors.Is(err, ErrExists) {
		t.Fatalf("rename onto existing: %v", err)
	}
	if _, err := s.Rename("alice", "stash"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old name after rename: %v", err)
	}
	if p, err := s.Unlock("stash", []byte("pw")); err != nil || !bytes.Equal(p.PublicKey(), alice.PublicKey()) {
		t.Fatalf("unlock renamed: %v", err)
	}
	if _, err := s.Rename("stash", "STASH"); err != nil {
		t.Fatalf("case rename: %v", err)
	}
	if err := s.Remove("stash"); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("stash"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("remove twice: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(s.Dir(), ".tmp-*"))
	if len(leftovers) != 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
}

// TestListDecryptsNothing: list works on files whose ciphertext is garbage
// and whose scrypt parameters would take very long, so it cannot decrypt.
func TestListDecryptsNothing(t *testing.T) {
	t.Parallel()
	s, e := fastStoreWithAlice(t)
	f := *e.File
	f.Encoded = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xff}, 200))
	b, _ := f.Marshal()
	if err := os.WriteFile(e.Path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	list, err := s.List()
	if err != nil || len(list) != 1 || !bytes.Equal(list[0].PublicKey, e.PublicKey) {
		t.Fatalf("list %v %v", list, err)
	}
	if _, err := s.Unlock("alice", []byte("pw")); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("unlock of garbage: %v", err)
	}
	// A looser directory is tightened on open.
	os.Chmod(s.Dir(), 0o755)
	if _, err := Open(filepath.Dir(s.Dir())); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(s.Dir()); st.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v", st.Mode())
	}
}

func TestImportSharedKeystores(t *testing.T) {
	t.Parallel()
	for _, c := range loadManifest(t) {
		s := newStore(t)
		raw := testenv.ReadShared(t, "keys", c.File)
		if _, err := s.Import("k", raw, []byte(c.Password+"!"), nil); !errors.Is(err, ErrWrongPassword) {
			t.Fatalf("%s wrong password: %v", c.File, err)
		}
		if list, _ := s.List(); len(list) != 0 {
			t.Fatalf("%s: failed import left a key", c.File)
		}
		e, err := s.Import("k", raw, []byte(c.Password), nil)
		if err != nil {
			t.Fatalf("%s: %v", c.File, err)
		}
		if "0x"+hex.EncodeToString(e.PublicKey) != c.Expected.PublicKey {
			t.Fatalf("%s: stored public %x", c.File, e.PublicKey)
		}
		// The stored file uses ksm's (polkadot-js compatible) parameters.
		enc, _ := base64.StdEncoding.DecodeString(e.File.Encoded)
		if n := uint32(enc[32]) | uint32(enc[33])<<8 | uint32(enc[34])<<16; n != 1<<15 {
			t.Fatalf("%s: N = %d", c.File, n)
		}
	}
}

func TestUnwritableHome(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := Open(file); err == nil {
		t.Fatal("opened a store under a regular file")
	}
	if os.Geteuid() == 0 {
		t.Skip("root can write anywhere")
	}
	home := t.TempDir()
	if err := os.Chmod(home, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(home, 0o700)
	s, err := Open(home)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ensureDir(); err == nil {
		t.Fatal("created the key directory in an unwritable home")
	}
}

// TestOpenCreatesNothing: reading a home that does not exist (a typo in
// KSM_HOME) lists no keys and leaves no directory behind; the first key
// written creates the home and its keys directory, both 0700.
func TestOpenCreatesNothing(t *testing.T) {
	t.Parallel()
	home := filepath.Join(t.TempDir(), "typo")
	s, err := Open(home)
	if err != nil {
		t.Fatal(err)
	}
	s.Scrypt = fastParams
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Fatalf("list of a missing home: %v %v", list, err)
	}
	if _, err := s.Get("alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get in a missing home: %v", err)
	}
	if _, err := os.Stat(home); !errors.Is(err, fs.ErrNotExist) || s.Exists() {
		t.Fatalf("reading created the home: %v", err)
	}
	alice, _ := keys.FromURI("//Alice", keys.Sr25519)
	if _, err := s.Add("alice", alice, []byte("pw"), nil); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{home, s.Dir()} {
		if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
			t.Fatalf("%s after the first write: %v %v", dir, st, err)
		}
	}
}

// TestCrashDuringWrite re-runs this test binary with KSM_TEST_CRASH_AT set;
// the child exits abruptly at that step of a write. The parent checks that
// the store still holds exactly the old keys, readable.
func TestCrashDuringWrite(t *testing.T) {
	t.Parallel()
	if os.Getenv("KSM_TEST_CRASH_AT") != "" {
		return // the child's work is in TestMain
	}
	steps := []string{"temp-created", "temp-written", "verified", "rename-before-remove"}
	for _, step := range steps {
		t.Run(step, func(t *testing.T) {
			home := t.TempDir()
			s, _ := Open(home)
			s.Scrypt = fastParams
			alice, _ := keys.FromURI("//Alice", keys.Sr25519)
			if _, err := s.Add("alice", alice, []byte("pw"), nil); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(filepath.Join(s.Dir(), "alice.json"))
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDuringWrite$")
			cmd.Env = append(os.Environ(), "KSM_TEST_CRASH_AT="+step, "KSM_TEST_CRASH_HOME="+home)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 77 {
				t.Fatalf("child did not crash at %s: %v\n%s", step, err, out)
			}
			after, err := os.ReadFile(filepath.Join(s.Dir(), "alice.json"))
			if err != nil || !bytes.Equal(before, after) {
				t.Fatalf("alice.json changed by a crash at %s: %v", step, err)
			}
			list, err := s.List()
			if err != nil {
				t.Fatalf("store unreadable after crash: %v", err)
			}
			for _, e := range list {
				if e.Name != "alice" && !(step == "rename-before-remove" && e.Name == "renamed") {
					t.Fatalf("half-written key %q visible after crash at %s", e.Name, step)
				}
			}
			if _, err := s.Unlock("alice", []byte("pw")); err != nil {
				t.Fatalf("old key unreadable after crash at %s: %v", step, err)
			}
		})
	}
}

func TestMain(m *testing.M) {
	if step := os.Getenv("KSM_TEST_CRASH_AT"); step != "" {
		testHook = func(s string) {
			if s == step {
				os.Exit(77)
			}
		}
		s, err := Open(os.Getenv("KSM_TEST_CRASH_HOME"))
		if err != nil {
			os.Exit(1)
		}
		s.Scrypt = fastParams
		if step == "rename-before-remove" {
			s.Rename("alice", "renamed")
		} else {
			// Overwrite-free writes: a new key, then (were it to get that
			// far) a rename of the old one.
			bob, _ := keys.FromURI("//Bob", keys.Sr25519)
			s.Add("bob", bob, []byte("pw"), nil)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func FuzzParseFile(f *testing.F) {
	for _, name := range []string{"keystore-sr25519-alice.json", "keystore-ecdsa-kusama.json", "keystore-ethereum.json"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "testdata", "keys", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"address":"x","encoded":"","encoding":{"content":["pkcs8","sr25519"],"type":["none"],"version":"3"},"meta":{}}`))
	cheap := InsecureTestParams(4)
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := ParseFile(b)
		if err != nil {
			return
		}
		_, _ = g.PublicKey()
		_, _ = g.EthAddress()
		// Decrypt only cheap files: the parameter check runs before scrypt.
		raw, err := g.rawEncoded()
		if err == nil && len(raw) >= scryptLen && raw[32] == 16 && raw[33] == 0 {
			_, _ = g.DecryptParams([]byte("pw"), cheap)
		}
	})
}

func BenchmarkList100(b *testing.B) {
	s := fastStore(b)
	for i := 0; i < 100; i++ {
		p, _ := keys.FromURI(fmt.Sprintf("//k%d", i), keys.Sr25519)
		if _, err := s.Add(fmt.Sprintf("k%d", i), p, []byte("pw"), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l, err := s.List()
		if err != nil || len(l) != 100 {
			b.Fatal(err)
		}
	}
}

func ExampleEncrypt() {
	cheap := InsecureTestParams(10) // in tests only: DefaultParams otherwise
	alice, _ := keys.FromURI("//Alice", keys.Sr25519)
	f, _ := EncryptParams(alice, []byte("password"), map[string]any{"name": "alice"}, 2, cheap)
	p, _ := f.DecryptParams([]byte("password"), cheap)
	fmt.Println(f.Address, f.Encoding.Content, p.Scheme())
	// Output: HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F [pkcs8 sr25519] sr25519
}

// A base64 "encoded" field may begin with "0x" (a salt starting D3 1x):
// it is still base64, as polkadot-js decides (isHex), not corrupt hex.
func TestEncodedBase64StartingWith0x(t *testing.T) {
	first := true
	randRead = func(b []byte) (int, error) {
		n, err := rand.Read(b)
		if first && len(b) >= 2 {
			b[0], b[1] = 0xD3, 0x10|b[1]&0x0f
			first = false
		}
		return n, err
	}
	t.Cleanup(func() { randRead = rand.Read })
	alice, _ := keys.FromURI("//Alice", keys.Sr25519)
	f, err := EncryptParams(alice, []byte("pw"), nil, 2, fastParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(f.Encoded, "0x") {
		t.Fatalf("encoded %.8q… does not begin with 0x", f.Encoded)
	}
	p, err := f.DecryptParams([]byte("pw"), fastParams)
	if err != nil {
		t.Fatalf("decrypt: %v", err)
	}
	defer p.Wipe()
	if string(p.PublicKey()) != string(alice.PublicKey()) {
		t.Fatal("another key")
	}
	// Real 0x-hex still reads as hex; text that is neither is corrupt.
	raw, _ := f.rawEncoded()
	h := *f
	h.Encoded = "0x" + hex.EncodeToString(raw)
	if q, err := h.DecryptParams([]byte("pw"), fastParams); err != nil {
		t.Fatalf("hex form: %v", err)
	} else {
		q.Wipe()
	}
	h.Encoded = "0xzz!"
	if _, err := h.DecryptParams([]byte("pw"), fastParams); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("garbage: %v", err)
	}
}

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
