package executor

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// zstdPrefix marks zstd-compressed code (sp-maybe-compressed-blob).
var zstdPrefix = []byte{0x52, 0xbc, 0x53, 0x76, 0x46, 0xdb, 0x8e, 0x05}

func compileModule(t *testing.T, m *wModule) *Runtime {
	t.Helper()
	rt, err := Compile(context.Background(), m.encode(), Options{HeapPages: 16})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	t.Cleanup(func() { rt.Close(context.Background()) })
	return rt
}

func zstdBlob(t testing.TB, b []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest))
	if err != nil {
		t.Fatal(err)
	}
	return append(bytes.Clone(zstdPrefix), enc.EncodeAll(b, nil)...)
}

var (
	typeVoid   = wType{}
	typeI64I64 = wType{[]byte{wI64}, []byte{wI64}}
	typeI64I32 = wType{[]byte{wI64}, []byte{wI32}}
	typeI64    = wType{[]byte{wI64}, nil}
	typeI32I32 = wType{[]byte{wI32}, []byte{wI32}}
	typeI32    = wType{[]byte{wI32}, nil}
	typeRetI64 = wType{nil, []byte{wI64}}
)

// unimplementedModule calls ext_offchain_timestamp_version_1, which a
// read-only executor does not provide. testdata/unimplemented.wasm holds
// its encoding.
func unimplementedModule() *wModule {
	return callModule("ext_offchain_timestamp_version_1", typeRetI64, nil)
}

func TestTestdataModule(t *testing.T) {
	want := unimplementedModule().encode()
	path := filepath.Join("testdata", "unimplemented.wasm")
	if os.Getenv("KSM_UPDATE_TESTDATA") != "" {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the assembler's output (KSM_UPDATE_TESTDATA=1 rewrites it)", path)
	}
}

func TestUnimplementedHostFunction(t *testing.T) {
	code, err := os.ReadFile(filepath.Join("testdata", "unimplemented.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		code []byte
		fn   string
	}{
		{"testdata", code, "ext_offchain_timestamp_version_1"},
		{"zstd testdata", zstdBlob(t, code), "ext_offchain_timestamp_version_1"},
		{"unknown import", callModule("ext_made_up_version_9", typeVoid, nil).encode(), "ext_made_up_version_9"},
		{"state root", callModule("ext_storage_root_version_2", wType{[]byte{wI32}, []byte{wI64}}, iConst32(1)).encode(), "ext_storage_root_version_2"},
		{"keystore", callModule("ext_crypto_sr25519_generate_version_1", wType{[]byte{wI32, wI64}, []byte{wI32}}, cat(iConst32(0), iConst64(0))).encode(), "ext_crypto_sr25519_generate_version_1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rt, err := Compile(context.Background(), c.code, Options{HeapPages: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer rt.Close(context.Background())
			_, err = rt.Call(context.Background(), "run", nil, nil)
			if !errors.Is(err, ErrHostFunction) || !strings.Contains(err.Error(), c.fn) {
				t.Fatalf("got %v, want ErrHostFunction naming %s", err, c.fn)
			}
			if errors.Is(err, ErrTrap) {
				t.Fatalf("%v is also ErrTrap", err)
			}
		})
	}
}

func TestCompileBadCode(t *testing.T) {
	good := callModule("ext_allocator_malloc_version_1", typeI32I32, iConst32(8)).encode()
	bomb := zstdBlob(t, make([]byte, MaxCodeSize+1))
	zgood := zstdBlob(t, good)
	noMem := callModule("ext_allocator_malloc_version_1", typeI32I32, iConst32(8))
	noMem.importMemory, noMem.noMemory = false, true
	mOther := callModule("ext_allocator_malloc_version_1", typeI32I32, iConst32(8))
	mOther.imports[0].module = "wasi"
	mSig := callModule("ext_storage_get_version_1", typeI32I32, iConst32(8))
	tooBig := callModule("ext_allocator_malloc_version_1", typeI32I32, iConst32(8))
	tooBig.memPages = MaxMemoryPages - 100
	for _, c := range []struct {
		name string
		code []byte
		opts Options
	}{
		{"empty", nil, Options{}},
		{"garbage", []byte("not a runtime at all"), Options{}},
		{"magic only", []byte("\x00asm"), Options{}},
		{"wasm v2", []byte("\x00asm\x02\x00\x00\x00"), Options{}},
		{"truncated section", good[:len(good)-3], Options{}},
		{"zstd garbage", append(bytes.Clone(zstdPrefix), "garbage garbage"...), Options{}},
		{"zstd truncated", zgood[:len(zgood)-6], Options{}},
		{"zstd bomb", bomb, Options{}},
		{"no memory", noMem.encode(), Options{}},
		{"foreign import", mOther.encode(), Options{}},
		{"wrong signature", mSig.encode(), Options{}},
		{"too many pages", tooBig.encode(), Options{HeapPages: 101}},
		{"huge heap", good, Options{HeapPages: 1 << 40}},
		{"overflowing heap", good, Options{HeapPages: ^uint64(0)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rt, err := Compile(context.Background(), c.code, c.opts)
			if err == nil {
				rt.Close(context.Background())
				t.Fatal("compiled")
			}
			if !errors.Is(err, ErrInvalidCode) {
				t.Fatalf("%v is not ErrInvalidCode", err)
			}
		})
	}
	// The good module compiles, compressed or not.
	for _, code := range [][]byte{good, zgood} {
		rt, err := Compile(context.Background(), code, Options{HeapPages: 1})
		if err != nil {
			t.Fatal(err)
		}
		if rt.MemoryPages() != 3 {
			t.Errorf("memory pages %d, want 2 declared + 1 heap", rt.MemoryPages())
		}
		rt.Close(context.Background())
	}
}

func TestMissingHeapBase(t *testing.T) {
	m := callModule("ext_allocator_malloc_version_1", typeI32I32, iConst32(8))
	m.noHeapBase = true
	rt := compileModule(t, m)
	if _, err := rt.Call(context.Background(), "run", nil, nil); !errors.Is(err, ErrInvalidCode) {
		t.Fatalf("got %v, want ErrInvalidCode", err)
	}
}

func TestTraps(t *testing.T) {
	msg := []byte("assertion failed: ok")
	cases := []struct {
		name    string
		m       *wModule
		args    []byte
		contain string
	}{
		{"unreachable", &wModule{types: []wType{entryType}, importMemory: true, memPages: 1, heapBase: 1024,
			funcs: []wFunc{{name: "run", typ: 0, body: []byte{0x00}}}}, nil, "unreachable"},
		{"result out of bounds", &wModule{types: []wType{entryType}, importMemory: true, memPages: 1, heapBase: 1024,
			funcs: []wFunc{{name: "run", typ: 0, body: iConst64(ptrSize(0xfffffff0, 100))}}}, nil, "out-of-bounds"},
		{"hash of bad pointer", callModule("ext_hashing_blake2_256_version_1", typeI64I32, iConst64(ptrSize(0xffffff00, 0x1000))), nil, "out-of-bounds"},
		{"hash of bad length", callModule("ext_hashing_blake2_256_version_1", typeI64I32, iConst64(ptrSize(16, 0xffffffff))), nil, "out-of-bounds"},
		{"panic", callModule("ext_panic_handler_abort_on_panic_version_1", typeI64, iConst64(ptrSize(100, uint32(len(msg)))), wData{100, msg}), nil, "assertion failed: ok"},
		{"huge malloc", callModule("ext_allocator_malloc_version_1", typeI32I32, iConst32(1<<26)), nil, "32 MiB"},
		{"heap exhausted", callModule("ext_allocator_malloc_version_1", typeI32I32, iConst32(1<<22)), nil, "out of heap"},
		{"free of non-allocation", callModule("ext_allocator_free_version_1", typeI32, iConst32(5000)), nil, "not an allocation"},
		{"free below heap", callModule("ext_allocator_free_version_1", typeI32, iConst32(8)), nil, "not an allocation"},
		{"commit without transaction", callModule("ext_storage_commit_transaction_version_1", typeVoid, nil), nil, "no storage transaction"},
		{"rollback without transaction", callModule("ext_storage_rollback_transaction_version_1", typeVoid, nil), nil, "no storage transaction"},
		{"bad limit", callModule("ext_storage_clear_prefix_version_2", wType{[]byte{wI64, wI64}, []byte{wI64}}, cat(iConst64(ptrSize(100, 1)), iConst64(ptrSize(100, 3))), wData{100, []byte{7, 7, 7}}), nil, "limit"},
		{"bad trie input", callModule("ext_trie_blake2_256_ordered_root_version_2", wType{[]byte{wI64, wI32}, []byte{wI32}}, cat(iConst64(ptrSize(100, 1)), iConst32(0)), wData{100, []byte{0x08}}), nil, "input"},
		{"bad state version", callModule("ext_trie_blake2_256_ordered_root_version_2", wType{[]byte{wI64, wI32}, []byte{wI32}}, cat(iConst64(ptrSize(100, 1)), iConst32(7)), wData{100, []byte{0}}), nil, "state version"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt := compileModule(t, c.m)
			_, err := rt.Call(context.Background(), "run", c.args, nil)
			if !errors.Is(err, ErrTrap) {
				t.Fatalf("got %v, want ErrTrap", err)
			}
			if !strings.Contains(err.Error(), c.contain) {
				t.Fatalf("%v does not mention %q", err, c.contain)
			}
		})
	}
}

type failingStorage struct{ err error }

func (s failingStorage) Get([]byte) ([]byte, bool, error)     { return nil, false, s.err }
func (s failingStorage) NextKey([]byte) ([]byte, bool, error) { return nil, false, s.err }

var errBackend = errors.New("proof server unreachable")

func TestStorageErrorKeepsChain(t *testing.T) {
	key := []byte(":code")
	for _, c := range []struct {
		fn string
		t  wType
	}{
		{"ext_storage_get_version_1", typeI64I64},
		{"ext_storage_exists_version_1", typeI64I32},
		{"ext_storage_next_key_version_1", typeI64I64},
		{"ext_storage_clear_prefix_version_1", typeI64},
	} {
		t.Run(c.fn, func(t *testing.T) {
			rt := compileModule(t, callModule(c.fn, c.t, iConst64(ptrSize(100, uint32(len(key)))), wData{100, key}))
			for _, backend := range []error{errBackend, context.Canceled} {
				_, err := rt.Call(context.Background(), "run", nil, failingStorage{backend})
				if !errors.Is(err, ErrStorage) || !errors.Is(err, backend) {
					t.Fatalf("got %v, want ErrStorage wrapping %v", err, backend)
				}
			}
		})
	}
}

func TestContextCancel(t *testing.T) {
	loop := []byte{0x03, 0x40, 0x0c, 0x00, 0x0b, 0x00} // loop br 0 end unreachable
	rt := compileModule(t, &wModule{types: []wType{entryType}, importMemory: true, memPages: 1, heapBase: 1024,
		funcs: []wFunc{{name: "run", typ: 0, body: loop}}})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := rt.Call(ctx, "run", nil, nil)
		done <- err
	}()
	// The bound only keeps a broken cancellation from hanging the run; no
	// speed is asserted (a loaded machine may take seconds).
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want context.DeadlineExceeded", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("call still running a minute after its deadline")
	}
	// The runtime stays usable.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := rt.Call(ctx2, "run", nil, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestCallAfterClose(t *testing.T) {
	rt := compileModule(t, callModule("ext_allocator_malloc_version_1", typeI32I32, iConst32(8)))
	if err := rt.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := rt.Close(context.Background()); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, err := rt.Call(context.Background(), "run", nil, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("call after close: %v, want ErrClosed", err)
	}
}

// enteredStorage closes entered at the first storage read: the call is
// running inside the runtime.
type enteredStorage struct {
	entered chan struct{}
	once    sync.Once
}

func (s *enteredStorage) Get([]byte) ([]byte, bool, error) {
	s.once.Do(func() { close(s.entered) })
	return nil, false, nil
}

func (s *enteredStorage) NextKey([]byte) ([]byte, bool, error) { return nil, false, nil }

// TestCloseDuringCall closes the Runtime while a call loops: the call
// fails, nothing crashes (the call's memory stays mapped until it returns).
func TestCloseDuringCall(t *testing.T) {
	// run: ext_storage_exists(":code") (the test sees the call has begun),
	// then loop forever.
	key := []byte(":code")
	body := cat(iConst64(ptrSize(100, uint32(len(key)))), iCall(0), []byte{0x1a}, // drop
		[]byte{0x03, 0x40, 0x0c, 0x00, 0x0b, 0x00}) // loop br 0 end unreachable
	m := &wModule{types: []wType{typeI64I32, entryType}, imports: []wImport{{"env", "ext_storage_exists_version_1", 0}},
		importMemory: true, memPages: 2, heapBase: 4096, funcs: []wFunc{{name: "run", typ: 1, body: body}}, data: []wData{{100, key}}}
	rt, err := Compile(context.Background(), m.encode(), Options{HeapPages: 1})
	if err != nil {
		t.Fatal(err)
	}
	st := &enteredStorage{entered: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, err := rt.Call(context.Background(), "run", nil, st)
		done <- err
	}()
	select {
	case <-st.entered:
	case err := <-done:
		t.Fatalf("call returned before Close: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("the call did not read storage within a minute")
	}
	if err := rt.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("got %v, want ErrClosed", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("call still running a minute after Close")
	}
}

// TestCallTimeLimit: a runtime call that never ends (an infinite loop) is
// stopped by Options.CallTimeout even when the caller's context has no
// deadline, with an error saying so; the runtime stays usable.
func TestCallTimeLimit(t *testing.T) {
	loop := []byte{0x03, 0x40, 0x0c, 0x00, 0x0b, 0x00} // loop br 0 end unreachable
	m := &wModule{types: []wType{entryType}, importMemory: true, memPages: 1, heapBase: 1024,
		funcs: []wFunc{{name: "run", typ: 0, body: loop}}}
	const limit = 200 * time.Millisecond
	rt, err := Compile(context.Background(), m.encode(), Options{HeapPages: 1, CallTimeout: limit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(context.Background()) })
	for i := range 2 {
		done := make(chan error, 1)
		go func() {
			_, err := rt.Call(context.Background(), "run", nil, nil)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("call %d: got %v, want ErrTimeout (and not the caller's deadline)", i, err)
			}
			if !strings.Contains(err.Error(), "run") || !strings.Contains(err.Error(), limit.String()) {
				t.Fatalf("call %d: error %q names neither the method nor the limit", i, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("call %d: an infinite loop still runs 10 s into a %v call limit", i, limit)
		}
	}
	if DefaultCallTimeout <= 0 {
		t.Fatal("no default call time limit")
	}
}
