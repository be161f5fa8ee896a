package executor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Storage is the state a runtime call reads: the top trie of one block,
// usually backed by storage proofs the caller verified.
type Storage interface {
	// Get returns the value at key, and whether there is one.
	Get(key []byte) ([]byte, bool, error)
	// NextKey returns the smallest key strictly greater than key, and
	// whether there is one.
	NextKey(key []byte) ([]byte, bool, error)
}

// ChildStorage is optionally implemented by a Storage that can also read
// default child tries (childKey is the child trie's key without the
// ":child_storage:default:" prefix). Without it, the child-storage host
// functions fail the call with ErrHostFunction.
type ChildStorage interface {
	ChildGet(childKey, key []byte) ([]byte, bool, error)
	ChildNextKey(childKey, key []byte) ([]byte, bool, error)
}

// MapStorage is a Storage over an in-memory map (key string -> value), for
// tests and for state held entirely in memory (e.g. a chain spec's genesis).
type MapStorage struct {
	m    map[string][]byte
	keys []string // sorted
}

// NewMapStorage returns a Storage over m (not copied; do not modify it afterwards).
func NewMapStorage(m map[string][]byte) *MapStorage {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return &MapStorage{m: m, keys: keys}
}

// Get implements Storage.
func (s *MapStorage) Get(key []byte) ([]byte, bool, error) {
	v, ok := s.m[string(key)]
	return v, ok, nil
}

// NextKey implements Storage.
func (s *MapStorage) NextKey(key []byte) ([]byte, bool, error) {
	k := string(key)
	lo, hi := 0, len(s.keys)
	for lo < hi {
		mid := (lo + hi) / 2
		if s.keys[mid] <= k {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == len(s.keys) {
		return nil, false, nil
	}
	return []byte(s.keys[lo]), true, nil
}

// ovKey names one entry of the overlay: a top-trie key (child == "") or a
// key of the default child trie named child (prefixed with "c" to keep it
// distinct from the top trie's "").
type ovKey struct {
	child string
	key   string
}

type ovEntry struct {
	value   []byte
	deleted bool
}

// undo remembers an overlay entry as it was before a transaction changed it.
type undo struct {
	had   bool
	entry ovEntry
}

// overlay holds the writes of one call over Storage, with nested
// transactions (ext_storage_start/commit/rollback_transaction).
type overlay struct {
	ctx     context.Context
	st      Storage
	entries map[ovKey]ovEntry
	txs     []map[ovKey]undo
}

func newOverlay(ctx context.Context, st Storage) *overlay {
	return &overlay{ctx: ctx, st: st, entries: map[ovKey]ovEntry{}}
}

func childNS(child []byte) string { return "c" + string(child) }

// ErrStorage wraps an error of the Storage (or the call's context) met
// while reading state; the original error stays in the chain.
var ErrStorage = errors.New("executor: storage read failed")

func (o *overlay) storageErr(op string, key []byte, err error) error {
	return fmt.Errorf("%w: %s %x: %w", ErrStorage, op, truncKey(key), err)
}

func truncKey(k []byte) []byte {
	if len(k) > 64 {
		return k[:64]
	}
	return k
}

func (o *overlay) checkCtx() error {
	if err := o.ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrStorage, err)
	}
	return nil
}

// childBackend returns the ChildStorage, or ErrHostFunction.
func (o *overlay) childBackend(fn string) (ChildStorage, error) {
	cs, ok := o.st.(ChildStorage)
	if !ok {
		return nil, fmt.Errorf("%w: %s: the storage cannot read child tries", ErrHostFunction, fn)
	}
	return cs, nil
}

// get reads a key of the top trie (child nil) or of a child trie.
func (o *overlay) get(fn string, child, key []byte, isChild bool) ([]byte, bool, error) {
	ns := ""
	if isChild {
		ns = childNS(child)
	}
	if e, ok := o.entries[ovKey{ns, string(key)}]; ok {
		if e.deleted {
			return nil, false, nil
		}
		return e.value, true, nil
	}
	if err := o.checkCtx(); err != nil {
		return nil, false, err
	}
	return o.backendGet(fn, child, key, isChild)
}

func (o *overlay) record(k ovKey) {
	if len(o.txs) == 0 {
		return
	}
	top := o.txs[len(o.txs)-1]
	if _, ok := top[k]; ok {
		return
	}
	e, had := o.entries[k]
	top[k] = undo{had: had, entry: e}
}

func (o *overlay) set(child, key, value []byte, isChild bool) {
	k := ovKey{key: string(key)}
	if isChild {
		k.child = childNS(child)
	}
	o.record(k)
	o.entries[k] = ovEntry{value: append([]byte{}, value...)}
}

func (o *overlay) clear(child, key []byte, isChild bool) {
	k := ovKey{key: string(key)}
	if isChild {
		k.child = childNS(child)
	}
	o.record(k)
	o.entries[k] = ovEntry{deleted: true}
}

// nextKey returns the smallest key > key present in the merged view.
func (o *overlay) nextKey(fn string, child, key []byte, isChild bool) ([]byte, bool, error) {
	ns := ""
	if isChild {
		ns = childNS(child)
	}
	// Backend: skip keys the overlay deleted.
	cur := key
	bk, bok, err := o.backendNext(fn, child, cur, isChild)
	for ; err == nil && bok; bk, bok, err = o.backendNext(fn, child, cur, isChild) {
		if e, ok := o.entries[ovKey{ns, string(bk)}]; !ok || !e.deleted {
			break
		}
		cur = bk
	}
	if err != nil {
		return nil, false, err
	}
	// Overlay: smallest live key > key.
	var ok2 bool
	var best string
	for k, e := range o.entries {
		if k.child != ns || e.deleted || k.key <= string(key) {
			continue
		}
		if !ok2 || k.key < best {
			best, ok2 = k.key, true
		}
	}
	switch {
	case bok && ok2:
		if best < string(bk) {
			return []byte(best), true, nil
		}
		return bk, true, nil
	case bok:
		return bk, true, nil
	case ok2:
		return []byte(best), true, nil
	}
	return nil, false, nil
}

// backendGet and backendNext read the Storage (or a child trie) directly,
// ignoring the overlay.
func (o *overlay) backendGet(fn string, child, key []byte, isChild bool) ([]byte, bool, error) {
	if err := o.checkCtx(); err != nil {
		return nil, false, err
	}
	if isChild {
		cs, err := o.childBackend(fn)
		if err != nil {
			return nil, false, err
		}
		v, ok, err := cs.ChildGet(child, key)
		if err != nil {
			return nil, false, o.storageErr("child get", key, err)
		}
		return v, ok, nil
	}
	v, ok, err := o.st.Get(key)
	if err != nil {
		return nil, false, o.storageErr("get", key, err)
	}
	return v, ok, nil
}

func (o *overlay) backendNext(fn string, child, key []byte, isChild bool) ([]byte, bool, error) {
	if err := o.checkCtx(); err != nil {
		return nil, false, err
	}
	var (
		k   []byte
		ok  bool
		err error
	)
	if isChild {
		cs, cerr := o.childBackend(fn)
		if cerr != nil {
			return nil, false, cerr
		}
		k, ok, err = cs.ChildNextKey(child, key)
	} else {
		k, ok, err = o.st.NextKey(key)
	}
	if err != nil {
		return nil, false, o.storageErr("next key", key, err)
	}
	if ok && bytes.Compare(k, key) <= 0 {
		return nil, false, o.storageErr("next key", key, errors.New("storage returned a key that is not greater"))
	}
	return k, ok, nil
}

// clearPrefix deletes the keys starting with prefix the way sp-state-machine
// does (Ext::clear_prefix, kill_child_storage): every overlay key with the
// prefix is deleted; then the Storage's keys with the prefix are visited, at
// most limit of them (limit < 0: all), deleting those not already pending
// deletion. It reports how many keys that second step deleted and whether
// unvisited keys remain.
func (o *overlay) clearPrefix(fn string, child, prefix []byte, isChild bool, limit int64) (deleted uint32, more bool, err error) {
	ns := ""
	if isChild {
		ns = childNS(child)
	}
	for k, e := range o.entries {
		if k.child == ns && !e.deleted && strings.HasPrefix(k.key, string(prefix)) {
			o.record(k)
			o.entries[k] = ovEntry{deleted: true}
		}
	}
	var loops int64
	visit := func(k []byte) bool {
		if limit >= 0 && loops == limit {
			more = true
			return false
		}
		if e, ok := o.entries[ovKey{ns, string(k)}]; !ok || !e.deleted {
			o.clear(child, k, isChild)
			deleted++
		}
		loops++
		return true
	}
	// The prefix itself is the first key it covers.
	_, ok, err := o.backendGet(fn, child, prefix, isChild)
	if err != nil {
		return 0, false, err
	}
	if ok && !visit(prefix) {
		return deleted, more, nil
	}
	cur := prefix
	for {
		k, ok, err := o.backendNext(fn, child, cur, isChild)
		if err != nil {
			return 0, false, err
		}
		if !ok || !bytes.HasPrefix(k, prefix) || !visit(k) {
			return deleted, more, nil
		}
		cur = k
	}
}

func (o *overlay) start() {
	o.txs = append(o.txs, map[ovKey]undo{})
}

func (o *overlay) rollback() error {
	if len(o.txs) == 0 {
		return errors.New("no storage transaction to roll back")
	}
	top := o.txs[len(o.txs)-1]
	o.txs = o.txs[:len(o.txs)-1]
	for k, u := range top {
		if u.had {
			o.entries[k] = u.entry
		} else {
			delete(o.entries, k)
		}
	}
	return nil
}

func (o *overlay) commit() error {
	if len(o.txs) == 0 {
		return errors.New("no storage transaction to commit")
	}
	top := o.txs[len(o.txs)-1]
	o.txs = o.txs[:len(o.txs)-1]
	if len(o.txs) > 0 {
		parent := o.txs[len(o.txs)-1]
		for k, u := range top {
			if _, ok := parent[k]; !ok {
				parent[k] = u
			}
		}
	}
	return nil
}
