package executor

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// ErrTimeout means a call ran past Options.CallTimeout and was stopped
// (a runtime that loops, or far more work than any runtime API call
// needs); the caller's own deadline is reported as its context error.
var ErrTimeout = errors.New("executor: runtime call exceeded its time limit")

// DefaultCallTimeout is the time limit of one call when
// Options.CallTimeout is 0: generous (the heaviest calls a light client
// makes, metadata and dry runs, take about a second compiled and some
// tens of seconds under wazero's interpreter), but finite.
const DefaultCallTimeout = 2 * time.Minute

// DefaultHeapPages is the heap size, in 64 KiB pages, used when
// Options.HeapPages is 0 (Substrate's default when ":heappages" is absent).
const DefaultHeapPages = 2048

// HeapPagesKey is the storage key holding the chain's heap size in pages
// (a little-endian u64), read by HeapPages.
const HeapPagesKey = ":heappages"

// HeapPages returns the heap size the state st asks for, for
// Options.HeapPages: ":heappages" decoded as sc-executor does (its first 8
// bytes, little-endian), or DefaultHeapPages when absent or shorter.
func HeapPages(st Storage) (uint64, error) {
	v, ok, err := st.Get([]byte(HeapPagesKey))
	if err != nil {
		return 0, fmt.Errorf("%w: %s: %w", ErrStorage, HeapPagesKey, err)
	}
	if !ok || len(v) < 8 {
		return DefaultHeapPages, nil
	}
	return binary.LittleEndian.Uint64(v), nil
}

// Options configure Compile.
type Options struct {
	// HeapPages is the number of 64 KiB pages added to the runtime's
	// declared memory for its heap (the chain's ":heappages"); 0 means
	// DefaultHeapPages.
	HeapPages uint64
	// CacheDir, when set, keeps wazero's compiled code there so that the
	// next Compile of the same code is fast.
	CacheDir string
	// Log receives the runtime's log lines (ext_logging_log, level 1 error
	// .. 5 trace) and prints (level 4, target "runtime"). Nil drops them.
	// Concurrent calls may call it concurrently.
	Log func(level int, target, msg string)
	// MaxLogLevel is the most verbose level the runtime is told to log at
	// when Log is set (0 means 3, info).
	MaxLogLevel int
	// CallTimeout bounds each call's wall time besides its context (0
	// means DefaultCallTimeout, negative means no limit); a call over it
	// fails with ErrTimeout.
	CallTimeout time.Duration
}

// Runtime is a compiled runtime. Its methods may be called concurrently.
type Runtime struct {
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	cache    wazero.CompilationCache
	opts     Options
	pages    uint32

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// Compile prepares runtime code (raw or zstd-compressed Wasm, as stored at
// ":code") for calls.
func Compile(ctx context.Context, code []byte, opts Options) (*Runtime, error) {
	if opts.HeapPages == 0 {
		opts.HeapPages = DefaultHeapPages
	}
	wasm, err := Unpack(code)
	if err != nil {
		return nil, err
	}
	p, err := prepareModule(wasm, opts.HeapPages)
	if err != nil {
		return nil, err
	}
	cfg := wazero.NewRuntimeConfig().WithCloseOnContextDone(true).WithCustomSections(false)
	var cache wazero.CompilationCache
	if opts.CacheDir != "" {
		cache, err = wazero.NewCompilationCacheWithDir(opts.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("executor: compilation cache: %w", err)
		}
		cfg = cfg.WithCompilationCache(cache)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	fail := func(err error) (*Runtime, error) {
		_ = rt.Close(ctx)
		if cache != nil {
			_ = cache.Close(ctx)
		}
		return nil, err
	}
	compiled, err := rt.CompileModule(ctx, p.wasm)
	if err != nil {
		if ctx.Err() != nil {
			return fail(fmt.Errorf("executor: compile: %w", ctx.Err()))
		}
		return fail(fmt.Errorf("%w: %w", ErrInvalidCode, firstLine(err)))
	}
	if err := instantiateHost(ctx, rt, compiled); err != nil {
		return fail(err)
	}
	return &Runtime{rt: rt, compiled: compiled, cache: cache, opts: opts, pages: p.pages}, nil
}

// Close releases the compiled code. Calls in progress fail.
func (r *Runtime) Close(ctx context.Context) error {
	r.closeOnce.Do(func() {
		r.closed.Store(true)
		r.closeErr = r.rt.Close(ctx)
		if r.cache != nil {
			if err := r.cache.Close(ctx); r.closeErr == nil {
				r.closeErr = err
			}
		}
	})
	return r.closeErr
}

// MemoryPages is the size of a call's linear memory, in 64 KiB pages.
func (r *Runtime) MemoryPages() uint32 { return r.pages }

// CallStats describes one finished call.
type CallStats struct {
	// HeapPeak is the most heap memory, in bytes (headers included), the
	// runtime had allocated at once.
	HeapPeak uint64
}

// Errors (wrapped) Call and CallWithStats return, besides ErrTimeout,
// ErrStorage and ErrHostFunction.
var (
	// ErrUnknownMethod means the runtime does not export the method called.
	ErrUnknownMethod = errors.New("executor: runtime has no such method")
	// ErrTrap means the runtime failed: a Wasm trap, a panic
	// (ext_panic_handler), a bad pointer passed to the host, a storage
	// transaction misuse or an exhausted heap.
	ErrTrap = errors.New("executor: runtime trapped")
	// ErrClosed means the Runtime was closed before or during the call.
	ErrClosed = errors.New("executor: runtime closed")
)

// Call runs the runtime API function method (e.g. "Core_version") with
// SCALE-encoded args over st and returns its SCALE-encoded answer. Storage
// writes the runtime makes are discarded when the call returns.
func (r *Runtime) Call(ctx context.Context, method string, args []byte, st Storage) ([]byte, error) {
	out, _, err := r.CallWithStats(ctx, method, args, st)
	return out, err
}

type stateKey struct{}

// CallWithStats is Call, also returning statistics of the call.
func (r *Runtime) CallWithStats(ctx context.Context, method string, args []byte, st Storage) (out []byte, stats CallStats, err error) {
	if st == nil {
		st = NewMapStorage(nil)
	}
	if r.closed.Load() {
		return nil, stats, fmt.Errorf("%w: %s", ErrClosed, method)
	}
	limit := r.opts.CallTimeout
	if limit == 0 {
		limit = DefaultCallTimeout
	}
	if limit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, limit, fmt.Errorf("%w: %s ran %v", ErrTimeout, method, limit))
		defer cancel()
	}
	cs := &callState{ov: newOverlay(ctx, st), log: r.opts.Log, maxLevel: r.opts.MaxLogLevel}
	if cs.maxLevel == 0 {
		cs.maxLevel = 3
	}
	ctx = context.WithValue(ctx, stateKey{}, cs)
	cm := &callMemory{}
	defer cm.release() // after mod.Close below
	ctx = experimental.WithMemoryAllocator(ctx, cm.allocator())
	mod, err := r.rt.InstantiateModule(ctx, r.compiled, wazero.NewModuleConfig().WithName("").WithStartFunctions())
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, stats, ctxError(ctx, method)
		case r.closed.Load():
			return nil, stats, fmt.Errorf("%w: %s", ErrClosed, method)
		}
		return nil, stats, fmt.Errorf("%w: instantiate: %w", ErrInvalidCode, firstLine(err))
	}
	defer mod.Close(context.WithoutCancel(ctx))

	fn := mod.ExportedFunction(method)
	if fn == nil {
		return nil, stats, fmt.Errorf("%w: %q", ErrUnknownMethod, method)
	}
	def := fn.Definition()
	if !slices.Equal(def.ParamTypes(), []api.ValueType{api.ValueTypeI32, api.ValueTypeI32}) || !slices.Equal(def.ResultTypes(), []api.ValueType{api.ValueTypeI64}) {
		return nil, stats, fmt.Errorf("%w: %q is not a runtime API function (signature %v -> %v)", ErrUnknownMethod, method, def.ParamTypes(), def.ResultTypes())
	}
	g := mod.ExportedGlobal("__heap_base")
	if g == nil || g.Type() != api.ValueTypeI32 {
		return nil, stats, fmt.Errorf("%w: no exported i32 __heap_base", ErrInvalidCode)
	}
	cs.mem = mod.Memory()
	if cs.mem == nil {
		return nil, stats, fmt.Errorf("%w: module has no memory", ErrInvalidCode)
	}
	cs.alloc = newAllocator(uint32(g.Get()))
	if uint64(cs.alloc.heapBase) > uint64(cs.mem.Size()) {
		return nil, stats, fmt.Errorf("%w: __heap_base %#x beyond memory", ErrInvalidCode, cs.alloc.heapBase)
	}

	argPtr, err := cs.alloc.malloc(cs.mem, uint32(min(len(args), 1<<31)))
	if err != nil || uint64(len(args)) > 0xffffffff || !cs.mem.Write(argPtr, args) {
		return nil, stats, fmt.Errorf("%w: cannot pass %d bytes of arguments: %v", ErrTrap, len(args), err)
	}
	res, err := fn.Call(ctx, uint64(argPtr), uint64(len(args)))
	stats.HeapPeak = cs.alloc.peak
	if err != nil {
		switch {
		case errors.Is(context.Cause(ctx), ErrTimeout):
			return nil, stats, ctxError(ctx, method)
		case cs.err != nil:
			return nil, stats, fmt.Errorf("executor: %s: %w", method, cs.err)
		case ctx.Err() != nil:
			return nil, stats, ctxError(ctx, method)
		case r.closed.Load():
			return nil, stats, fmt.Errorf("%w: %s", ErrClosed, method)
		}
		return nil, stats, fmt.Errorf("%w: %s: %w", ErrTrap, method, firstLine(err))
	}
	if len(res) != 1 {
		return nil, stats, fmt.Errorf("%w: %s returned %d values", ErrTrap, method, len(res))
	}
	ptr, n := uint32(res[0]), uint32(res[0]>>32)
	b, ok := cs.mem.Read(ptr, n)
	if !ok {
		return nil, stats, fmt.Errorf("%w: %s returned out-of-bounds result %#x+%d", ErrTrap, method, ptr, n)
	}
	return append([]byte(nil), b...), stats, nil
}

// ctxError is the error of a call whose context ended: ErrTimeout when
// the call's own time limit ran out, else the caller's context error.
func ctxError(ctx context.Context, method string) error {
	if cause := context.Cause(ctx); errors.Is(cause, ErrTimeout) {
		return cause
	}
	return fmt.Errorf("executor: %s: %w", method, ctx.Err())
}

// wazeroErr keeps the first line of a wazero error (the rest is a stack
// trace) while leaving the chain intact.
type wazeroErr struct {
	msg string
	err error
}

func (e *wazeroErr) Error() string { return e.msg }
func (e *wazeroErr) Unwrap() error { return e.err }

func firstLine(err error) error {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return &wazeroErr{msg: msg, err: err}
}
