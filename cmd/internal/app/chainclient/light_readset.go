package chainclient

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"

	"github.com/ksm-wallet/ksm/tx/atomicfile"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Bounds of the read sets remembered per (runtime, method).
const (
	maxCallMemory   = 64
	maxRememberKeys = 4096
	// maxReadSetFile bounds a read-set file (4096 keys of 256 bytes).
	maxReadSetFile = 1 << 20
)

// readSetMagic starts a read-set file.
var readSetMagic = []byte("ksm-readset-1\n")

// ErrReadSet means a read-set file does not decode (it is then ignored and
// rewritten).
var ErrReadSet = errors.New("chain: malformed read-set file")

// callKey names the read set of one method of one runtime.
type callKey struct {
	code   Hash
	method string
}

// file is the read set's file name under dir ("" when the method's name
// is not a plain identifier).
func (k callKey) file(dir string) string {
	if dir == "" || k.method == "" || len(k.method) > 128 {
		return ""
	}
	for _, r := range k.method {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return ""
		}
	}
	return filepath.Join(dir, hex.EncodeToString(k.code[:])+"-"+k.method+".keys")
}

// callMemory remembers which keys the last execution of each (runtime,
// method) read: values change between blocks, but a call reads mostly the
// same keys, so the next execution proves them all in one request first.
// With a directory, the sets outlive the process (one file per set).
type callMemory struct {
	mu    sync.Mutex
	sets  map[callKey][][]byte
	order []callKey
}

// get returns the remembered read set of k (known false: none), loading
// it from dir when this process has none.
func (m *callMemory) get(k callKey, dir string) (keys [][]byte, known bool) {
	m.mu.Lock()
	keys, known = m.sets[k]
	m.mu.Unlock()
	if known {
		return keys, true
	}
	name := k.file(dir)
	if name == "" {
		return nil, false
	}
	b, err := readLimited(name, maxReadSetFile)
	if err != nil {
		return nil, false
	}
	if keys, err = DecodeReadSet(b); err != nil {
		return nil, false
	}
	m.remember(k, keys)
	return keys, true
}

// put remembers the read set of k, and writes it under dir when it
// changed.
func (m *callMemory) put(k callKey, keys [][]byte, dir string) {
	if len(keys) > maxRememberKeys {
		keys = keys[:maxRememberKeys]
	}
	m.mu.Lock()
	old, had := m.sets[k]
	m.mu.Unlock()
	if had && sameKeyList(old, keys) {
		return
	}
	m.remember(k, keys)
	if name := k.file(dir); name != "" {
		_ = writeAtomic(name, EncodeReadSet(keys)) // a cache: failing to keep it costs time only
	}
}

func (m *callMemory) remember(k callKey, keys [][]byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sets == nil {
		m.sets = map[callKey][][]byte{}
	}
	if _, ok := m.sets[k]; !ok {
		m.order = append(m.order, k)
		for len(m.order) > maxCallMemory {
			delete(m.sets, m.order[0])
			m.order = m.order[1:]
		}
	}
	m.sets[k] = keys
}

func sameKeyList(a, b [][]byte) bool { return slices.EqualFunc(a, b, bytes.Equal) }

// EncodeReadSet returns the file form of a read set: a magic line, then
// the keys as a SCALE Vec<Vec<u8>>.
func EncodeReadSet(keys [][]byte) []byte {
	b := append([]byte(nil), readSetMagic...)
	b = scale.AppendCompact(b, uint64(len(keys)))
	for _, k := range keys {
		b = scale.AppendBytes(b, k)
	}
	return b
}

// DecodeReadSet decodes a read-set file (EncodeReadSet): at most
// maxRememberKeys keys, nothing after them.
func DecodeReadSet(b []byte) ([][]byte, error) {
	if !bytes.HasPrefix(b, readSetMagic) {
		return nil, fmt.Errorf("%w: no magic", ErrReadSet)
	}
	d := scale.NewDecoder(b[len(readSetMagic):])
	n, err := d.Len(1)
	if err != nil {
		return nil, fmt.Errorf("%w: key count: %w", ErrReadSet, err)
	}
	if n > maxRememberKeys {
		return nil, fmt.Errorf("%w: %d keys", ErrReadSet, n)
	}
	keys := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		k, err := d.Bytes()
		if err != nil {
			return nil, fmt.Errorf("%w: key %d: %w", ErrReadSet, i, err)
		}
		keys = append(keys, append([]byte(nil), k...))
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrReadSet, err)
	}
	return keys, nil
}

// readLimited reads a file of at most max bytes.
func readLimited(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("%s: %d bytes", name, fi.Size())
	}
	b := make([]byte, fi.Size())
	if _, err := f.ReadAt(b, 0); err != nil && fi.Size() > 0 {
		return nil, err
	}
	return b, nil
}

// writeAtomic writes a file (0600, its directory 0700) atomically.
func writeAtomic(name string, b []byte) error {
	return atomicfile.Write(name, b, atomicfile.Options{MakeDirs: true})
}

// maxVersionFile bounds a runtime version file.
const maxVersionFile = 4096

// maxCodeFile bounds a kept runtime code file (Substrate's runtimes are a
// few megabytes, compressed).
const maxCodeFile = 64 << 20

// keptCodes is how many runtime codes a directory keeps (the others, the
// oldest written, are removed when one is added).
const keptCodes = 4

// codeFile is where the runtime code hashing to code is kept under dir ""
// without a directory.
func codeFile(dir string, code Hash) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, hex.EncodeToString(code[:])+".code")
}

// keptAnyCode reports whether dir keeps some runtime code (a fresh home
// keeps none: proving the code's hash first would cost a request for
// nothing).
func keptAnyCode(dir string) bool {
	if dir == "" {
		return false
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.code"))
	return len(files) > 0
}

// loadCode returns the runtime code kept under dir whose hash is code: nil
// when none is kept, or when the file does not hash to code (damaged or
// replaced: the code is then proven again, as if never kept).
func loadCode(dir string, code Hash) []byte {
	name := codeFile(dir, code)
	if name == "" {
		return nil
	}
	b, err := readLimited(name, maxCodeFile)
	if err != nil || Hash(hash.Blake2b256(b)) != code {
		return nil
	}
	return b
}

// storeCode keeps proven runtime code (hashing to ch) under dir, and no
// more than keptCodes codes.
func storeCode(dir string, ch Hash, code []byte) {
	name := codeFile(dir, ch)
	if name == "" {
		return
	}
	if err := atomicfile.Write(name, code, atomicfile.Options{MakeDirs: true}); err != nil {
		return
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.code"))
	if len(files) <= keptCodes {
		return
	}
	type kept struct {
		name string
		mod  int64
	}
	var ks []kept
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			ks = append(ks, kept{f, fi.ModTime().UnixNano()})
		}
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].mod < ks[j].mod })
	for _, k := range ks[:max(0, len(ks)-keptCodes)] {
		if k.name != name {
			_ = os.Remove(k.name)
		}
	}
}

// versionFile is where the version of the runtime whose code hashes to
// code is kept under dir (the read sets' directory: what ksm learned of a
// runtime, by its code hash), "" without a directory.
func versionFile(dir string, code Hash) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, hex.EncodeToString(code[:])+".version")
}

// loadVersion returns the runtime version kept for code (nil: none, or a
// file that does not decode). A warm start then reads the version without
// decompressing and scanning the code again; the code itself is still
// proven at the block, and its hash picks the file.
func loadVersion(dir string, code Hash) *RuntimeVersion {
	name := versionFile(dir, code)
	if name == "" {
		return nil
	}
	b, err := readLimited(name, maxVersionFile)
	if err != nil {
		return nil
	}
	var v RuntimeVersion
	if err := json.Unmarshal(b, &v); err != nil || v.SpecName == "" {
		return nil
	}
	return &v
}

// storeVersion keeps v for code; failures only lose the cache.
func storeVersion(dir string, code Hash, v *RuntimeVersion) {
	name := versionFile(dir, code)
	if name == "" || v == nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	_ = atomicfile.Write(name, b, atomicfile.Options{MakeDirs: true})
}
