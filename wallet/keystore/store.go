package keystore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ksm-wallet/ksm/tx/atomicfile"
	"github.com/ksm-wallet/ksm/wallet/keys"
)

// Store is the key directory <home>/keys.
type Store struct {
	dir string
	// Prefix is the SS58 prefix written in the address field of new files.
	Prefix uint16
	// Now gives whenCreated; tests set it.
	Now func() time.Time
	// Scrypt are the parameters new files are encrypted with (zero:
	// DefaultParams); files at them also decrypt. Tests set cheap ones
	// (InsecureTestParams) on their own store.
	Scrypt Params
}

// WriteParams returns the scrypt parameters the store encrypts new files
// with; Import re-encrypts an imported file with them.
func (s *Store) WriteParams() Params {
	if s.Scrypt == (Params{}) {
		return DefaultParams
	}
	return s.Scrypt
}

// testHook is called at each step of a write; tests use it to simulate a
// crash between steps.
var testHook = func(step string) {}

// Open returns the store under home, <home>/keys. It creates nothing: the
// first key written creates the directory (and home) with mode 0700.
func Open(home string) (*Store, error) {
	dir := filepath.Join(home, "keys")
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Nothing is created until a key is written: reading an empty
		// or mistyped home leaves no directory behind.
	case err != nil:
		return nil, fmt.Errorf("key directory: %w", err)
	case !st.IsDir():
		return nil, fmt.Errorf("key directory %s is not a directory", dir)
	case st.Mode().Perm()&0o077 != 0:
		// Tighten a directory others can read (made by hand or by an
		// older tool); the key files themselves are 0600.
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("key directory: %w", err)
		}
	}
	s := &Store{dir: dir, Prefix: 42, Now: time.Now}
	s.removeStaleTemps()
	return s, nil
}

// StaleTempAge is how old a temporary file of an interrupted write must be
// before Open removes it; a write in progress takes well under a second, so
// a concurrent ksm's temporary file is never touched.
const StaleTempAge = time.Hour

// tempPattern is what os.CreateTemp is given for a key write; isTempName
// recognises its output: ".tmp-", decimal digits, ".json".
const tempPattern = ".tmp-*.json"

func isTempName(name string) bool {
	mid, ok := strings.CutPrefix(name, ".tmp-")
	if !ok {
		return false
	}
	mid, ok = strings.CutSuffix(mid, ".json")
	if !ok || mid == "" {
		return false
	}
	for _, r := range mid {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// tempFiles lists the temporary files of key writes in the directory.
func (s *Store) tempFiles() []fs.DirEntry {
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return nil
	}
	var out []fs.DirEntry
	for _, de := range des {
		if de.Type().IsRegular() && isTempName(de.Name()) {
			out = append(out, de)
		}
	}
	return out
}

// removeStaleTemps deletes the temporary files a crashed write left behind
// (they may hold an encrypted key): only files of ksm's own pattern, older
// than StaleTempAge. Failures are ignored; the next Open tries again.
func (s *Store) removeStaleTemps() {
	removed := false
	for _, de := range s.tempFiles() {
		info, err := de.Info()
		if err != nil || s.Now().Sub(info.ModTime()) < StaleTempAge {
			continue
		}
		if os.Remove(filepath.Join(s.dir, de.Name())) == nil {
			removed = true
		}
	}
	if removed {
		_ = syncDir(s.dir)
	}
}

// removeTempCopies deletes temporary files, whatever their age, that hold
// the key public (a crash between installing a key and removing its
// temporary link leaves such a copy).
func (s *Store) removeTempCopies(public []byte) error {
	for _, de := range s.tempFiles() {
		path := filepath.Join(s.dir, de.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		f, err := ParseFile(b)
		if err != nil {
			continue
		}
		if pub, err := f.PublicKey(); err == nil && string(pub) == string(public) {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove a temporary copy of the key: %w", err)
			}
		}
	}
	return nil
}

// Exists reports whether the store's directory exists (a key was ever
// written there).
func (s *Store) Exists() bool {
	st, err := os.Stat(s.dir)
	return err == nil && st.IsDir()
}

// ensureDir creates the store's directory, and the home above it, 0700.
func (s *Store) ensureDir() error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("create key directory: %w", err)
	}
	return nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// ErrBadName means a key name ksm does not accept.
var ErrBadName = errors.New("invalid key name")

// CheckName returns an error unless name is 1–64 characters of letters,
// digits, '.', '_' and '-', starting with a letter or digit.
func CheckName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("%w %q: 1 to 64 characters", ErrBadName, name)
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || i > 0 && (r == '.' || r == '_' || r == '-')
		if !ok {
			return fmt.Errorf("%w %q: use letters, digits, '.', '_' and '-', starting with a letter or digit", ErrBadName, name)
		}
	}
	return nil
}

func (s *Store) path(name string) string {
	return filepath.Join(s.dir, strings.ToLower(name)+".json")
}

// Entry is a key as listed: what the file states, nothing decrypted.
type Entry struct {
	Name      string
	Scheme    keys.Scheme
	PublicKey []byte
	WatchOnly bool
	File      *File
	Path      string
}

func (s *Store) load(path string) (*Entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := ParseFile(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	pub, err := f.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	name := f.Name()
	if !strings.EqualFold(name+".json", filepath.Base(path)) {
		return nil, fmt.Errorf("%s: %w: meta.name %q does not match the file name", filepath.Base(path), ErrCorrupt, name)
	}
	return &Entry{Name: name, Scheme: f.Scheme(), PublicKey: pub, WatchOnly: f.WatchOnly(), File: f, Path: path}, nil
}

// List returns all keys sorted by name, reading no secret. Files that do
// not parse are reported in the error along with the keys that do.
func (s *Store) List() ([]*Entry, error) {
	des, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read key directory: %w", err)
	}
	var out []*Entry
	var errs []error
	for _, de := range des {
		n := de.Name()
		if de.IsDir() || !strings.HasSuffix(n, ".json") || strings.HasPrefix(n, ".") {
			continue
		}
		e, err := s.load(filepath.Join(s.dir, n))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, errors.Join(errs...)
}

// ErrNotFound means no key of that name.
var ErrNotFound = errors.New("no such key")

// Get returns the key called name.
func (s *Store) Get(name string) (*Entry, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	e, err := s.load(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w %q", ErrNotFound, name)
	}
	return e, err
}

// Unlock decrypts the key called name.
func (s *Store) Unlock(name string, password []byte) (*keys.Pair, error) {
	e, err := s.Get(name)
	if err != nil {
		return nil, err
	}
	p, err := e.File.DecryptParams(password, s.WriteParams())
	if err != nil {
		return nil, fmt.Errorf("key %q: %w", name, err)
	}
	return p, nil
}

func (s *Store) newMeta(name string, extra map[string]any) map[string]any {
	m := copyMeta(extra)
	m["name"] = name
	m["whenCreated"] = s.Now().UnixMilli()
	return m
}

// Add stores pair under name, encrypted with password. extra meta (such
// as genesisHash) is kept.
func (s *Store) Add(name string, pair *keys.Pair, password []byte, extra map[string]any) (*Entry, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if err := s.absent(name); err != nil {
		return nil, err
	}
	f, err := EncryptParams(pair, password, s.newMeta(name, extra), s.Prefix, s.WriteParams())
	if err != nil {
		return nil, err
	}
	if err := s.write(name, f, password, false); err != nil {
		return nil, err
	}
	return s.Get(name)
}

// AddWatch stores a watch-only entry for a public key.
func (s *Store) AddWatch(name string, scheme keys.Scheme, public []byte) (*Entry, error) {
	return s.AddWatchMeta(name, scheme, public, nil)
}

// AddWatchMeta stores a watch-only entry for a public key with extra meta
// (a multisig's isMultisig, threshold and who; a pure proxy's isProxied).
func (s *Store) AddWatchMeta(name string, scheme keys.Scheme, public []byte, extra map[string]any) (*Entry, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if err := s.absent(name); err != nil {
		return nil, err
	}
	f, err := WatchFile(scheme, public, s.newMeta(name, extra), s.Prefix)
	if err != nil {
		return nil, err
	}
	if err := s.write(name, f, nil, false); err != nil {
		return nil, err
	}
	return s.Get(name)
}

// Import stores a polkadot-js keystore file under name after checking that
// password opens it. The file is re-encrypted with newPassword (the same
// password when newPassword is nil), in ksm's parameters; its meta is kept
// except for name.
func (s *Store) Import(name string, file []byte, password, newPassword []byte) (*Entry, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if err := s.absent(name); err != nil {
		return nil, err
	}
	f, err := ParseFile(file)
	if err != nil {
		return nil, err
	}
	if f.WatchOnly() {
		return nil, fmt.Errorf("%w: the file holds no secret", ErrWatchOnly)
	}
	pair, err := f.DecryptParams(password, s.WriteParams())
	if err != nil {
		return nil, err
	}
	defer pair.Wipe()
	if newPassword == nil {
		newPassword = password
	}
	meta := copyMeta(f.Meta)
	if _, ok := meta["whenCreated"]; !ok {
		meta["whenCreated"] = s.Now().UnixMilli()
	}
	meta["name"] = name
	nf, err := EncryptParams(pair, newPassword, meta, s.Prefix, s.WriteParams())
	if err != nil {
		return nil, err
	}
	if err := s.write(name, nf, newPassword, false); err != nil {
		return nil, err
	}
	return s.Get(name)
}

// Remove deletes the key called name, and any temporary copy of it an
// interrupted write left in the directory.
func (s *Store) Remove(name string) error {
	e, err := s.Get(name)
	if err != nil {
		return err
	}
	if err := os.Remove(e.Path); err != nil {
		return fmt.Errorf("remove key %q: %w", name, err)
	}
	if err := s.removeTempCopies(e.PublicKey); err != nil {
		return fmt.Errorf("remove key %q: %w", name, err)
	}
	return syncDir(s.dir)
}

// Rename renames a key; its secret is not touched.
func (s *Store) Rename(old, name string) (*Entry, error) {
	e, err := s.Get(old)
	if err != nil {
		return nil, err
	}
	if err := CheckName(name); err != nil {
		return nil, err
	}
	sameFile := strings.EqualFold(old, name)
	if !sameFile {
		if err := s.absent(name); err != nil {
			return nil, err
		}
	}
	f := *e.File
	f.Meta = copyMeta(e.File.Meta)
	f.Meta["name"] = name
	if err := s.write(name, &f, nil, sameFile); err != nil {
		return nil, err
	}
	if !sameFile {
		testHook("rename-before-remove")
		if err := os.Remove(e.Path); err != nil {
			return nil, fmt.Errorf("remove old file: %w", err)
		}
		if err := syncDir(s.dir); err != nil {
			return nil, err
		}
	}
	return s.Get(name)
}

// ErrExists means a key of that name exists already.
var ErrExists = errors.New("a key with that name exists")

func (s *Store) absent(name string) error {
	if _, err := os.Lstat(s.path(name)); err == nil {
		return fmt.Errorf("%w: %q", ErrExists, name)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// write puts f at name's path atomically (tx/atomicfile). With
// password it first checks that the written bytes decrypt to the same public
// key. replace allows overwriting an existing file; without it the name must
// be free, even against a concurrent ksm.
func (s *Store) write(name string, f *File, password []byte, replace bool) error {
	b, err := f.Marshal()
	if err != nil {
		return err
	}
	if err := s.ensureDir(); err != nil {
		return err
	}
	want, err := f.PublicKey()
	if err != nil {
		return err
	}
	// Re-read what is on disk and check it before it takes the name.
	verify := func(tmpName string) error {
		back, err := os.ReadFile(tmpName)
		if err != nil {
			return fmt.Errorf("re-read key file: %w", err)
		}
		g, err := ParseFile(back)
		if err != nil {
			return fmt.Errorf("written key file does not parse: %w", err)
		}
		if !g.WatchOnly() && password != nil {
			p, err := g.DecryptParams(password, s.WriteParams())
			if err != nil {
				return fmt.Errorf("written key file does not decrypt: %w", err)
			}
			got := p.PublicKey()
			p.Wipe()
			if string(got) != string(want) {
				return fmt.Errorf("written key file holds another key")
			}
		}
		testHook("verified")
		return nil
	}
	err = atomicfile.Write(s.path(name), b, atomicfile.Options{Exclusive: !replace, Verify: verify, TempPattern: tempPattern, Step: testHook})
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %q", ErrExists, name)
	}
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	testHook("installed")
	return nil
}

func syncDir(dir string) error {
	if err := atomicfile.SyncDir(dir); err != nil {
		return fmt.Errorf("sync key directory: %w", err)
	}
	return nil
}
