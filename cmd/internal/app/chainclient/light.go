package chainclient

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// LightClient is what Light needs of the light client (*lightclient.Client
// has these methods): verified headers it keeps, storage proven at one of
// them, verified key enumeration, and bodies checked against their headers.
type LightClient interface {
	// WaitSynced waits until the client reached the finalized head its
	// peers know.
	WaitSynced(ctx context.Context) error
	// Finalized is the latest verified finalized header and its hash.
	Finalized() (*header.Header, header.Hash, uint64)
	// Header returns a kept verified header.
	Header(hash header.Hash) (*header.Header, bool)
	// ReadStorageAt proves keys against the state root of block.
	ReadStorageAt(ctx context.Context, block header.Hash, keys [][]byte) (*lightclient.StorageResult, error)
	// StorageKeys lists up to count keys with prefix after startKey, verified.
	StorageKeys(ctx context.Context, block header.Hash, prefix []byte, count int, startKey []byte) ([][]byte, error)
	// NextKey is the key following key in the whole state, verified.
	NextKey(ctx context.Context, block header.Hash, key []byte) ([]byte, bool, error)
	// BlockBody returns the extrinsics of a kept block, checked against its
	// extrinsics root.
	BlockBody(ctx context.Context, block header.Hash) ([][]byte, error)
}

// StateReader is the state a runtime call reads: values and the next key,
// both proven (the executor's Storage).
type StateReader interface {
	Get(key []byte) ([]byte, bool, error)
	NextKey(key []byte) ([]byte, bool, error)
}

// Program is a compiled runtime.
type Program interface {
	// Call runs a runtime API method over st and returns its SCALE output.
	Call(ctx context.Context, method string, args []byte, st StateReader) ([]byte, error)
	// Close releases the compiled code.
	Close(ctx context.Context) error
}

// Compiler compiles runtime code (possibly zstd-compressed) with the given
// number of heap pages (0: the executor's default).
type Compiler func(ctx context.Context, code []byte, heapPages uint64) (Program, error)

// LightOptions configure a Light chain.
type LightOptions struct {
	// Genesis is the chain's genesis hash.
	Genesis Hash
	// Properties are the chain's token properties (its chain spec's).
	Properties Properties
	// Compile compiles runtimes for RuntimeCall (nil: RuntimeCall is
	// ErrUnsupported).
	Compile Compiler
	// Submit sends a transaction and follows it (nil: ErrUnsupported).
	Submit func(ctx context.Context, extrinsic []byte) (Watch, error)
	// Close is called by Close (the client's owner closes it).
	Close func() error
	// KeepStates is how many blocks' read caches are kept (default 8).
	KeepStates int
	// NoPrefetch runs runtime calls without first fetching the storage
	// they read (call proofs, remembered read sets): every miss is then
	// one request. For measurements.
	NoPrefetch bool
	// ReadSets is a directory where the keys each runtime method read are
	// kept for the next command ("": this process only). Keys are public
	// (storage locations, no values).
	ReadSets string
}

// Light is a Chain whose every answer is verified: headers are GRANDPA-final
// headers the light client verified, storage is proven against their state
// roots, and runtime calls execute the runtime — its ":code" proven like any
// value — over proven storage. Nothing unverified is used: the best block is
// the finalized block.
type Light struct {
	c    LightClient
	opts LightOptions

	mu       sync.Mutex
	states   map[Hash]*blockState
	order    []Hash
	programs map[programKey]*programEntry
	versions map[Hash]*RuntimeVersion // by code hash
	pinned   *Header
	closed   bool
	calls    callMemory // keys each method read last (light_exec.go)
}

type programKey struct {
	code      Hash
	heapPages uint64
}

type programEntry struct {
	once sync.Once
	p    Program
	err  error
}

// NewLight wraps a started light client.
func NewLight(c LightClient, o LightOptions) *Light {
	if o.KeepStates <= 0 {
		o.KeepStates = 8
	}
	return &Light{c: c, opts: o, states: map[Hash]*blockState{}, programs: map[programKey]*programEntry{}, versions: map[Hash]*RuntimeVersion{}}
}

// Verified is true.
func (l *Light) Verified() bool { return true }

// GenesisHash is the configured genesis hash (the light client checks its
// peers serve that chain).
func (l *Light) GenesisHash(context.Context) (Hash, error) { return l.opts.Genesis, nil }

// Properties are the configured properties.
func (l *Light) Properties(context.Context) (Properties, error) { return l.opts.Properties, nil }

// Close releases the compiled runtimes and calls LightOptions.Close.
func (l *Light) Close() error {
	l.mu.Lock()
	progs := l.programs
	l.programs = map[programKey]*programEntry{}
	l.states = map[Hash]*blockState{}
	l.closed = true
	l.mu.Unlock()
	for _, e := range progs {
		e.once.Do(func() {}) // a compile in progress finishes first
		if e.p != nil {
			_ = e.p.Close(context.Background())
		}
	}
	if l.opts.Close != nil {
		return l.opts.Close()
	}
	return nil
}

// lightErr classifies light-client errors as the chain sentinels, keeping
// the original chain for errors.Is.
func lightErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrDisconnected), errors.Is(err, ErrNotFound), errors.Is(err, ErrUnsupported):
		return fmt.Errorf("%s: %w", what, err)
	case errors.Is(err, lightclient.ErrUnknownBlock):
		return fmt.Errorf("%s: %w: %w", what, ErrNotFound, err)
	case errors.Is(err, chainsync.ErrQueryFailed) && !errors.Is(err, chainsync.ErrMalicious):
		// No peer answered: a network failure, not a lie.
		return fmt.Errorf("%s: %w: %w", what, ErrDisconnected, err)
	case errors.Is(err, lightclient.ErrUnreachable), errors.Is(err, lightclient.ErrClosed):
		return fmt.Errorf("%s: %w: %w", what, ErrDisconnected, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func toLightHeader(h *header.Header, hh header.Hash) *Header {
	return &Header{Hash: Hash(hh), ParentHash: Hash(h.ParentHash), Number: uint64(h.Number),
		StateRoot: Hash(h.StateRoot), ExtrinsicsRoot: Hash(h.ExtrinsicsRoot)}
}

// FinalizedHead is the latest verified finalized header (after the client
// synced), or the pinned one (Pin).
func (l *Light) FinalizedHead(ctx context.Context) (*Header, error) {
	l.mu.Lock()
	p := l.pinned
	l.mu.Unlock()
	if p != nil {
		c := *p
		return &c, nil
	}
	return l.latest(ctx)
}

// Pin makes FinalizedHead and BestHead return the current finalized head
// until Unpin, so that every read of a command comes from one block (the
// light client keeps that block's header while finality moves on, for at
// least 256 blocks).
func (l *Light) Pin(ctx context.Context) (*Header, error) {
	h, err := l.latest(ctx)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	c := *h
	l.pinned = &c
	l.mu.Unlock()
	return h, nil
}

// Unpin lets FinalizedHead follow finality again.
func (l *Light) Unpin() {
	l.mu.Lock()
	l.pinned = nil
	l.mu.Unlock()
}

func (l *Light) latest(ctx context.Context) (*Header, error) {
	if err := l.c.WaitSynced(ctx); err != nil {
		return nil, lightErr("sync", err)
	}
	h, hh, _ := l.c.Finalized()
	if h == nil {
		return nil, fmt.Errorf("finalized head: %w", ErrNotFound)
	}
	return toLightHeader(h, hh), nil
}

// BestHead is the finalized head: nothing unverified is used.
func (l *Light) BestHead(ctx context.Context) (*Header, error) { return l.FinalizedHead(ctx) }

// Header returns a verified header the client keeps; ErrNotFound otherwise.
func (l *Light) Header(ctx context.Context, at Hash) (*Header, error) {
	h, ok := l.c.Header(header.Hash(at))
	if !ok {
		return nil, fmt.Errorf("header %s: %w (not among the verified headers kept)", at, ErrNotFound)
	}
	return toLightHeader(h, header.Hash(at)), nil
}

// BlockBody returns the block's extrinsics, verified against its header.
func (l *Light) BlockBody(ctx context.Context, at Hash) ([][]byte, error) {
	b, err := l.c.BlockBody(ctx, header.Hash(at))
	return b, lightErr("block body "+at.String(), err)
}

// Storage reads one value proven at block at.
func (l *Light) Storage(ctx context.Context, key []byte, at Hash) ([]byte, bool, error) {
	st, err := l.state(at)
	if err != nil {
		return nil, false, err
	}
	return st.get(ctx, l.c, key)
}

// StorageKeys lists keys by verified enumeration.
func (l *Light) StorageKeys(ctx context.Context, prefix []byte, count int, startKey []byte, at Hash) ([][]byte, error) {
	if _, err := l.state(at); err != nil {
		return nil, err
	}
	k, err := l.c.StorageKeys(ctx, header.Hash(at), prefix, count, startKey)
	return k, lightErr("storage keys", err)
}

// blockState caches what was proven at one block.
type blockState struct {
	at     header.Hash
	mu     sync.Mutex
	values map[string]value
	next   map[string]value
	// code is the block's runtime once proven (Light.code).
	code *runtimeCode
}

// runtimeCode is a block's proven runtime code, its hash and heap pages.
type runtimeCode struct {
	code      []byte
	hash      Hash
	heapPages uint64
}

type value struct {
	v     []byte
	found bool
}

// state returns the read cache of block at, which must be a kept header.
func (l *Light) state(at Hash) (*blockState, error) {
	if _, ok := l.c.Header(header.Hash(at)); !ok {
		return nil, fmt.Errorf("block %s: %w (not among the verified headers kept)", at, ErrNotFound)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if st := l.states[at]; st != nil {
		return st, nil
	}
	st := &blockState{at: header.Hash(at), values: map[string]value{}, next: map[string]value{}}
	l.states[at] = st
	l.order = append(l.order, at)
	for len(l.order) > l.opts.KeepStates {
		delete(l.states, l.order[0])
		l.order = l.order[1:]
	}
	return st, nil
}

// prefetch proves every key not yet known in one request.
func (st *blockState) prefetch(ctx context.Context, c LightClient, keys [][]byte) error {
	st.mu.Lock()
	var miss [][]byte
	for _, k := range keys {
		if _, ok := st.values[string(k)]; !ok {
			miss = append(miss, k)
		}
	}
	st.mu.Unlock()
	if len(miss) == 0 {
		return nil
	}
	res, err := c.ReadStorageAt(ctx, st.at, miss)
	if err != nil {
		return lightErr("storage", err)
	}
	if len(res.Values) != len(miss) {
		return fmt.Errorf("storage: %d values for %d keys", len(res.Values), len(miss))
	}
	st.mu.Lock()
	for i, k := range miss {
		st.values[string(k)] = value{res.Values[i].Value, res.Values[i].Found}
	}
	st.mu.Unlock()
	return nil
}

func (st *blockState) get(ctx context.Context, c LightClient, key []byte) ([]byte, bool, error) {
	st.mu.Lock()
	v, ok := st.values[string(key)]
	st.mu.Unlock()
	if !ok {
		if err := st.prefetch(ctx, c, [][]byte{key}); err != nil {
			return nil, false, err
		}
		st.mu.Lock()
		v = st.values[string(key)]
		st.mu.Unlock()
	}
	return bytes.Clone(v.v), v.found, nil
}

func (st *blockState) nextKey(ctx context.Context, c LightClient, key []byte) ([]byte, bool, error) {
	st.mu.Lock()
	v, ok := st.next[string(key)]
	st.mu.Unlock()
	if ok {
		return bytes.Clone(v.v), v.found, nil
	}
	k, found, err := c.NextKey(ctx, st.at, key)
	if err != nil {
		return nil, false, lightErr("next key", err)
	}
	st.mu.Lock()
	st.next[string(key)] = value{k, found}
	st.mu.Unlock()
	return bytes.Clone(k), found, nil
}

// reader is the StateReader of one runtime call.
type reader struct {
	ctx context.Context
	c   LightClient
	st  *blockState
}

func (r *reader) Get(key []byte) ([]byte, bool, error) { return r.st.get(r.ctx, r.c, key) }
func (r *reader) NextKey(key []byte) ([]byte, bool, error) {
	return r.st.nextKey(r.ctx, r.c, key)
}

// Well-known keys of the runtime.
var (
	keyCode      = []byte(":code")
	keyHeapPages = []byte(":heappages")
	// keyBelowCode is the key just below ":code": a proof of its absence
	// carries the trie node that references the code by hash (trie layout
	// V1) but not the code, a megabyte or more.
	keyBelowCode = []byte(":code\x00")
)

// codeHash is the hash of the runtime code of block st.at, proven without
// the code when the state stores it by hash (from a proof of keyBelowCode's
// absence, verified against the block's state root); ok false when that
// proof does not reach it (a source that proves otherwise): read the code.
func (l *Light) codeHash(ctx context.Context, st *blockState) (ch Hash, ok bool, err error) {
	st.mu.Lock()
	rc := st.code
	st.mu.Unlock()
	if rc != nil {
		return rc.hash, true, nil
	}
	h, known := l.c.Header(st.at)
	if !known {
		return Hash{}, false, fmt.Errorf("block %s: %w (not among the verified headers kept)", Hash(st.at), ErrNotFound)
	}
	// :heappages rides along: what running the code needs besides it.
	res, err := l.c.ReadStorageAt(ctx, st.at, [][]byte{keyBelowCode, keyHeapPages})
	if err != nil {
		return Hash{}, false, lightErr("storage", err)
	}
	if len(res.Values) == 2 && res.Values[1].Err == nil {
		st.mu.Lock()
		st.values[string(keyHeapPages)] = value{res.Values[1].Value, res.Values[1].Found}
		st.mu.Unlock()
	}
	p, err := trie.NewProofWith(h.StateRoot, res.Proof, trie.Options{AllowUnused: true})
	if err != nil {
		return Hash{}, false, nil
	}
	vh, found, err := p.ValueHash(keyCode)
	if err != nil || !found {
		// Not reached (or :code absent, which reading it reports).
		return Hash{}, false, nil
	}
	if v, found, err := p.Get(keyCode); err == nil && found {
		// Stored inline (layout V0): the proof carried the code itself.
		st.mu.Lock()
		st.values[string(keyCode)] = value{v, true}
		st.mu.Unlock()
	}
	return Hash(vh), true, nil
}

// code returns the proven runtime code of block at, its hash and heap
// pages, proven once per block. Code kept by an earlier command (ReadSets)
// is used when its hash is the one proven at the block (codeHash); else the
// code is proven and kept.
func (l *Light) code(ctx context.Context, st *blockState) (*runtimeCode, error) {
	st.mu.Lock()
	rc := st.code
	st.mu.Unlock()
	if rc != nil {
		return rc, nil
	}
	keys := [][]byte{keyCode, keyHeapPages}
	var kept []byte
	var ch Hash
	if keptAnyCode(l.opts.ReadSets) {
		var ok bool
		var err error
		if ch, ok, err = l.codeHash(ctx, st); err != nil {
			return nil, err
		}
		if ok {
			if kept = loadCode(l.opts.ReadSets, ch); kept != nil {
				keys = keys[1:]
			}
		}
	}
	if err := st.prefetch(ctx, l.c, keys); err != nil {
		return nil, err
	}
	st.mu.Lock()
	c, hp := st.values[string(keyCode)], st.values[string(keyHeapPages)]
	st.mu.Unlock()
	switch {
	case kept != nil:
		c = value{kept, true}
	case !c.found:
		return nil, fmt.Errorf("block %s: no :code in its state", Hash(st.at))
	default: // proven just now: kept for the next command
		ch = Hash(hash.Blake2b256(c.v))
		storeCode(l.opts.ReadSets, ch, c.v)
	}
	rc = &runtimeCode{code: c.v, hash: ch}
	if hp.found {
		if len(hp.v) != 8 {
			return nil, fmt.Errorf("block %s: :heappages of %d bytes", Hash(st.at), len(hp.v))
		}
		rc.heapPages = binary.LittleEndian.Uint64(hp.v)
	}
	st.mu.Lock()
	st.code = rc
	st.mu.Unlock()
	return rc, nil
}

// program compiles code once per code hash and heap pages.
func (l *Light) program(ctx context.Context, rc *runtimeCode) (Program, error) {
	if l.opts.Compile == nil {
		return nil, fmt.Errorf("runtime call: %w (no runtime executor)", ErrUnsupported)
	}
	key := programKey{rc.hash, rc.heapPages}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil, fmt.Errorf("runtime call: %w: closed", ErrDisconnected)
	}
	e := l.programs[key]
	if e == nil {
		e = &programEntry{}
		l.programs[key] = e
	}
	l.mu.Unlock()
	e.once.Do(func() { e.p, e.err = l.opts.Compile(ctx, rc.code, rc.heapPages) })
	if e.err != nil {
		err := e.err
		if ctx.Err() != nil {
			// A cancelled compile is not the code's fault: try again next time.
			l.mu.Lock()
			if l.programs[key] == e {
				delete(l.programs, key)
			}
			l.mu.Unlock()
		}
		return nil, fmt.Errorf("compile the runtime %s: %w", key.code, err)
	}
	return e.p, nil
}

// RuntimeCall executes method of the runtime of block at over the state
// proven at that block.
func (l *Light) RuntimeCall(ctx context.Context, method string, args []byte, at Hash) ([]byte, error) {
	st, err := l.state(at)
	if err != nil {
		return nil, err
	}
	rc, err := l.code(ctx, st)
	if err != nil {
		return nil, err
	}
	p, err := l.program(ctx, rc)
	if err != nil {
		return nil, err
	}
	rd := &reader{ctx: ctx, c: l.c, st: st}
	if l.opts.NoPrefetch {
		out, err := p.Call(ctx, method, args, rd)
		return out, lightErr(method, err)
	}
	k := callKey{rc.hash, method}
	l.prefetchCall(ctx, st, k, args)
	rec := &recorder{r: rd}
	out, err := p.Call(ctx, method, args, rec)
	if err != nil {
		return nil, lightErr(method, err)
	}
	l.calls.put(k, rec.keys, l.opts.ReadSets)
	return out, nil
}

// RuntimeVersion is the version of the runtime of block at: the
// "runtime_version" section of its proven code when it has one (as
// Substrate reads it), else Core_version executed.
func (l *Light) RuntimeVersion(ctx context.Context, at Hash) (*RuntimeVersion, error) {
	st, err := l.state(at)
	if err != nil {
		return nil, err
	}
	// The version is known by the code's hash (in this process, or by an
	// earlier one): prove the hash alone, not the code.
	ch, ok, err := l.codeHash(ctx, st)
	if err != nil {
		return nil, err
	}
	if ok {
		if v := l.knownVersion(ch); v != nil {
			return v, nil
		}
	}
	rc, err := l.code(ctx, st)
	if err != nil {
		return nil, err
	}
	ch = rc.hash
	if v := l.knownVersion(ch); v != nil {
		return v, nil
	}
	var v *RuntimeVersion
	rv, found, err := chainspec.ReadRuntimeVersion(rc.code)
	if err != nil {
		return nil, fmt.Errorf("runtime version at %s: %w", at, err)
	}
	if found {
		v = &RuntimeVersion{SpecName: rv.SpecName, ImplName: rv.ImplName, SpecVersion: rv.SpecVersion, TransactionVersion: rv.TransactionVersion}
	} else {
		out, err := l.RuntimeCall(ctx, "Core_version", nil, at)
		if err != nil {
			return nil, err
		}
		if v, err = DecodeRuntimeVersion(out); err != nil {
			return nil, fmt.Errorf("Core_version at %s: %w", at, err)
		}
	}
	l.mu.Lock()
	l.versions[ch] = v
	l.mu.Unlock()
	storeVersion(l.opts.ReadSets, ch, v)
	c := *v
	return &c, nil
}

// knownVersion is the runtime version learned from the code of hash ch, in
// this process or by an earlier one (ReadSets); nil when unknown.
func (l *Light) knownVersion(ch Hash) *RuntimeVersion {
	l.mu.Lock()
	v := l.versions[ch]
	l.mu.Unlock()
	if v == nil {
		if v = loadVersion(l.opts.ReadSets, ch); v == nil {
			return nil
		}
		l.mu.Lock()
		l.versions[ch] = v
		l.mu.Unlock()
	}
	c := *v
	return &c
}

// DecodeRuntimeVersion decodes the SCALE RuntimeVersion Core_version
// returns: spec_name, impl_name, authoring_version, spec_version,
// impl_version, apis, and transaction_version when present (Core API 3+).
func DecodeRuntimeVersion(b []byte) (*RuntimeVersion, error) {
	d := scale.NewDecoder(b)
	var v RuntimeVersion
	var err error
	if v.SpecName, err = d.String(); err != nil {
		return nil, fmt.Errorf("spec_name: %w", err)
	}
	if v.ImplName, err = d.String(); err != nil {
		return nil, fmt.Errorf("impl_name: %w", err)
	}
	if _, err = d.U32(); err != nil {
		return nil, fmt.Errorf("authoring_version: %w", err)
	}
	if v.SpecVersion, err = d.U32(); err != nil {
		return nil, fmt.Errorf("spec_version: %w", err)
	}
	if _, err = d.U32(); err != nil {
		return nil, fmt.Errorf("impl_version: %w", err)
	}
	n, err := d.Len(12)
	if err != nil {
		return nil, fmt.Errorf("apis: %w", err)
	}
	if _, err := d.Take(12 * n); err != nil {
		return nil, fmt.Errorf("apis: %w", err)
	}
	if d.Remaining() >= 4 {
		if v.TransactionVersion, err = d.U32(); err != nil {
			return nil, fmt.Errorf("transaction_version: %w", err)
		}
	}
	return &v, nil
}

// MaxMetadataVersion is the newest metadata version ksm decodes.
const MaxMetadataVersion = 16

// BestMetadataVersion picks the newest version ksm decodes (at most
// MaxMetadataVersion) from Metadata_metadata_versions' answer, a SCALE
// Vec<u32>; 0 when none is.
func BestMetadataVersion(versions []byte) (uint32, error) {
	d := scale.NewDecoder(versions)
	n, err := d.Len(4)
	best := uint32(0)
	for i := 0; err == nil && i < n; i++ {
		var v uint32
		if v, err = d.U32(); err == nil && v <= MaxMetadataVersion && v > best {
			best = v
		}
	}
	return best, err
}

// Metadata executes Metadata_metadata_at_version with the newest version
// the runtime offers up to 16 (the Option<OpaqueMetadata> it returns), or
// Metadata_metadata (OpaqueMetadata) for runtimes without versions.
func (l *Light) Metadata(ctx context.Context, at Hash) ([]byte, error) {
	vs, err := l.RuntimeCall(ctx, "Metadata_metadata_versions", nil, at)
	if err == nil {
		best, err := BestMetadataVersion(vs)
		if err == nil && best > 0 {
			return l.RuntimeCall(ctx, "Metadata_metadata_at_version", scale.AppendU32(nil, best), at)
		}
	} else if errors.Is(err, ErrDisconnected) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnsupported) || ctx.Err() != nil {
		return nil, err
	}
	return l.RuntimeCall(ctx, "Metadata_metadata", nil, at)
}

// NextNonce executes AccountNonceApi_account_nonce at the finalized head
// (the pinned one, if any).
// A light client has no transaction pool: ksm's own pending transactions
// are counted by the use cases.
func (l *Light) NextNonce(ctx context.Context, account [32]byte) (uint64, error) {
	h, err := l.FinalizedHead(ctx)
	if err != nil {
		return 0, err
	}
	out, err := l.RuntimeCall(ctx, "AccountNonceApi_account_nonce", account[:], h.Hash)
	if err != nil {
		return 0, err
	}
	switch len(out) {
	case 4:
		return uint64(binary.LittleEndian.Uint32(out)), nil
	case 8:
		return binary.LittleEndian.Uint64(out), nil
	}
	return 0, fmt.Errorf("AccountNonceApi_account_nonce: %d bytes, want a u32 or u64", len(out))
}

// DryRun is ErrUnsupported: the use cases dry-run through runtime calls
// (DryRunApi, TaggedTransactionQueue) instead.
func (l *Light) DryRun(context.Context, []byte, Hash) ([]byte, error) {
	return nil, fmt.Errorf("system_dryRun: %w (the light client runs runtime APIs instead)", ErrUnsupported)
}

// Submit sends the transaction through the light client's peers.
func (l *Light) Submit(ctx context.Context, extrinsic []byte) (Watch, error) {
	if l.opts.Submit == nil {
		return nil, &SubmitError{MaybeSent: false, Err: fmt.Errorf("submit: %w", ErrUnsupported)}
	}
	return l.opts.Submit(ctx, extrinsic)
}
