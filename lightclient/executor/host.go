package executor

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// callState is the per-call state host functions reach through the context.
type callState struct {
	mem      api.Memory
	alloc    *allocator
	ov       *overlay
	log      func(level int, target, msg string)
	maxLevel int
	err      error // the first error a host function failed the call with
}

// abort fails the call: the error is kept (so its chain survives) and the
// panic unwinds the Wasm stack through wazero.
func (s *callState) abort(err error) {
	if s.err == nil {
		s.err = err
	}
	panic(err)
}

func (s *callState) trapf(format string, a ...any) {
	s.abort(fmt.Errorf("%w: %s", ErrTrap, fmt.Sprintf(format, a...)))
}

// read returns the memory a pointer-size (ptr low 32 bits, length high 32)
// designates. The slice aliases memory: copy it before keeping it.
func (s *callState) read(fn string, ptrSize uint64) []byte {
	return s.readAt(fn, uint32(ptrSize), uint32(ptrSize>>32))
}

func (s *callState) readAt(fn string, ptr, n uint32) []byte {
	b, ok := s.mem.Read(ptr, n)
	if !ok {
		s.trapf("%s: runtime passed out-of-bounds memory %#x+%d", fn, ptr, n)
	}
	return b
}

func (s *callState) readCopy(fn string, ptrSize uint64) []byte {
	return append([]byte{}, s.read(fn, ptrSize)...)
}

func (s *callState) malloc(fn string, n int) uint32 {
	if n > allocMaxSize {
		s.trapf("%s: cannot return %d bytes: %v", fn, n, errAllocTooBig)
	}
	p, err := s.alloc.malloc(s.mem, uint32(n))
	if err != nil {
		s.trapf("%s: allocate %d bytes: %v", fn, n, err)
	}
	return p
}

// retPtr copies b into a new allocation and returns its address.
func (s *callState) retPtr(fn string, b []byte) uint64 {
	p := s.malloc(fn, len(b))
	if !s.mem.Write(p, b) {
		s.trapf("%s: write result", fn)
	}
	return uint64(p)
}

// retSlice copies b into a new allocation and returns its pointer-size.
func (s *callState) retSlice(fn string, b []byte) uint64 {
	return s.retPtr(fn, b) | uint64(len(b))<<32
}

func encodeOption(v []byte, ok bool) []byte {
	if !ok {
		return []byte{0}
	}
	out := make([]byte, 0, 1+scale.CompactLen(uint64(len(v)))+len(v))
	out = append(out, 1)
	return scale.AppendBytes(out, v)
}

// decodeOptionU32 decodes a SCALE Option<u32> limit; -1 means none.
func (s *callState) decodeLimit(fn string, b []byte) int64 {
	d := scale.NewDecoder(b)
	some, err := d.OptionTag()
	if err != nil {
		s.trapf("%s: limit: %v", fn, err)
	}
	if !some {
		if d.Finish() != nil {
			s.trapf("%s: limit: trailing bytes", fn)
		}
		return -1
	}
	v, err := d.U32()
	if err == nil {
		err = d.Finish()
	}
	if err != nil {
		s.trapf("%s: limit: %v", fn, err)
	}
	return int64(v)
}

func (s *callState) checkStorage(err error) {
	if err != nil {
		s.abort(err)
	}
}

// hostFunc is one host function: its Wasm signature and Go body.
type hostFunc struct {
	params, results []api.ValueType
	fn              func(s *callState, stack []uint64)
}

const (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

var hostFuncs = map[string]hostFunc{}

func def(name string, params []api.ValueType, results []api.ValueType, fn func(s *callState, stack []uint64)) {
	hostFuncs[name] = hostFunc{params: params, results: results, fn: fn}
}

func p(t ...api.ValueType) []api.ValueType { return t }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func init() {
	// Allocator.
	def("ext_allocator_malloc_version_1", p(i32), p(i32), func(s *callState, st []uint64) {
		ptr, err := s.alloc.malloc(s.mem, uint32(st[0]))
		if err != nil {
			s.trapf("ext_allocator_malloc_version_1(%d): %v", uint32(st[0]), err)
		}
		st[0] = uint64(ptr)
	})
	def("ext_allocator_free_version_1", p(i32), nil, func(s *callState, st []uint64) {
		if err := s.alloc.free(s.mem, uint32(st[0])); err != nil {
			s.trapf("ext_allocator_free_version_1: %v", err)
		}
	})

	// Storage.
	def("ext_storage_get_version_1", p(i64), p(i64), func(s *callState, st []uint64) {
		const fn = "ext_storage_get_version_1"
		v, ok, err := s.ov.get(fn, nil, s.read(fn, st[0]), false)
		s.checkStorage(err)
		st[0] = s.retSlice(fn, encodeOption(v, ok))
	})
	def("ext_storage_read_version_1", p(i64, i64, i32), p(i64), func(s *callState, st []uint64) {
		const fn = "ext_storage_read_version_1"
		v, ok, err := s.ov.get(fn, nil, s.read(fn, st[0]), false)
		s.checkStorage(err)
		st[0] = s.storageRead(fn, v, ok, st[1], uint32(st[2]))
	})
	def("ext_storage_set_version_1", p(i64, i64), nil, func(s *callState, st []uint64) {
		const fn = "ext_storage_set_version_1"
		s.ov.set(nil, s.read(fn, st[0]), s.read(fn, st[1]), false)
	})
	def("ext_storage_clear_version_1", p(i64), nil, func(s *callState, st []uint64) {
		const fn = "ext_storage_clear_version_1"
		s.ov.clear(nil, s.read(fn, st[0]), false)
	})
	def("ext_storage_exists_version_1", p(i64), p(i32), func(s *callState, st []uint64) {
		const fn = "ext_storage_exists_version_1"
		_, ok, err := s.ov.get(fn, nil, s.read(fn, st[0]), false)
		s.checkStorage(err)
		st[0] = b2u(ok)
	})
	def("ext_storage_clear_prefix_version_1", p(i64), nil, func(s *callState, st []uint64) {
		const fn = "ext_storage_clear_prefix_version_1"
		_, _, err := s.ov.clearPrefix(fn, nil, s.readCopy(fn, st[0]), false, -1)
		s.checkStorage(err)
	})
	def("ext_storage_clear_prefix_version_2", p(i64, i64), p(i64), func(s *callState, st []uint64) {
		const fn = "ext_storage_clear_prefix_version_2"
		prefix := s.readCopy(fn, st[0])
		limit := s.decodeLimit(fn, s.read(fn, st[1]))
		n, more, err := s.ov.clearPrefix(fn, nil, prefix, false, limit)
		s.checkStorage(err)
		st[0] = s.retSlice(fn, killResult(n, more))
	})
	def("ext_storage_append_version_1", p(i64, i64), nil, func(s *callState, st []uint64) {
		const fn = "ext_storage_append_version_1"
		key := s.readCopy(fn, st[0])
		item := s.read(fn, st[1])
		cur, ok, err := s.ov.get(fn, nil, key, false)
		s.checkStorage(err)
		s.ov.set(nil, key, appendItem(cur, ok, item), false)
	})
	def("ext_storage_next_key_version_1", p(i64), p(i64), func(s *callState, st []uint64) {
		const fn = "ext_storage_next_key_version_1"
		k, ok, err := s.ov.nextKey(fn, nil, s.readCopy(fn, st[0]), false)
		s.checkStorage(err)
		st[0] = s.retSlice(fn, encodeOption(k, ok))
	})
	def("ext_storage_start_transaction_version_1", nil, nil, func(s *callState, st []uint64) {
		s.ov.start()
	})
	def("ext_storage_commit_transaction_version_1", nil, nil, func(s *callState, st []uint64) {
		if err := s.ov.commit(); err != nil {
			s.trapf("ext_storage_commit_transaction_version_1: %v", err)
		}
	})
	def("ext_storage_rollback_transaction_version_1", nil, nil, func(s *callState, st []uint64) {
		if err := s.ov.rollback(); err != nil {
			s.trapf("ext_storage_rollback_transaction_version_1: %v", err)
		}
	})
	def("ext_storage_changes_root_version_1", p(i64), p(i64), func(s *callState, st []uint64) {
		// Changes tries are gone from Substrate; the answer is always None.
		st[0] = s.retSlice("ext_storage_changes_root_version_1", []byte{0})
	})
	def("ext_storage_proof_size_storage_proof_size_version_1", nil, p(i64), func(s *callState, st []uint64) {
		// No proof is being recorded: u64::MAX means "unknown".
		st[0] = ^uint64(0)
	})

	// Default child storage (needs a Storage that implements ChildStorage).
	def("ext_default_child_storage_get_version_1", p(i64, i64), p(i64), func(s *callState, st []uint64) {
		const fn = "ext_default_child_storage_get_version_1"
		v, ok, err := s.ov.get(fn, s.readCopy(fn, st[0]), s.read(fn, st[1]), true)
		s.checkStorage(err)
		st[0] = s.retSlice(fn, encodeOption(v, ok))
	})
	def("ext_default_child_storage_read_version_1", p(i64, i64, i64, i32), p(i64), func(s *callState, st []uint64) {
		const fn = "ext_default_child_storage_read_version_1"
		v, ok, err := s.ov.get(fn, s.readCopy(fn, st[0]), s.read(fn, st[1]), true)
		s.checkStorage(err)
		st[0] = s.storageRead(fn, v, ok, st[2], uint32(st[3]))
	})
	def("ext_default_child_storage_set_version_1", p(i64, i64, i64), nil, func(s *callState, st []uint64) {
		const fn = "ext_default_child_storage_set_version_1"
		s.ov.set(s.read(fn, st[0]), s.read(fn, st[1]), s.read(fn, st[2]), true)
	})
	def("ext_default_child_storage_clear_version_1", p(i64, i64), nil, func(s *callState, st []uint64) {
		const fn = "ext_default_child_storage_clear_version_1"
		s.ov.clear(s.read(fn, st[0]), s.read(fn, st[1]), true)
	})
	def("ext_default_child_storage_exists_version_1", p(i64, i64), p(i32), func(s *callState, st []uint64) {
		const fn = "ext_default_child_storage_exists_version_1"
		_, ok, err := s.ov.get(fn, s.readCopy(fn, st[0]), s.read(fn, st[1]), true)
		s.checkStorage(err)
		st[0] = b2u(ok)
	})
	def("ext_default_child_storage_next_key_version_1", p(i64, i64), p(i64), func(s *callState, st []uint64) {
		const fn = "ext_default_child_storage_next_key_version_1"
		k, ok, err := s.ov.nextKey(fn, s.readCopy(fn, st[0]), s.readCopy(fn, st[1]), true)
		s.checkStorage(err)
		st[0] = s.retSlice(fn, encodeOption(k, ok))
	})
	def("ext_default_child_storage_storage_kill_version_1", p(i64), nil, func(s *callState, st []uint64) {
		const fn = "ext_default_child_storage_storage_kill_version_1"
		_, _, err := s.ov.clearPrefix(fn, s.readCopy(fn, st[0]), nil, true, -1)
		s.checkStorage(err)
	})
	killLimited := func(fn string, s *callState, st []uint64) (uint32, bool) {
		child := s.readCopy(fn, st[0])
		limit := s.decodeLimit(fn, s.read(fn, st[1]))
		n, more, err := s.ov.clearPrefix(fn, child, nil, true, limit)
		s.checkStorage(err)
		return n, more
	}
	def("ext_default_child_storage_storage_kill_version_2", p(i64, i64), p(i32), func(s *callState, st []uint64) {
		_, more := killLimited("ext_default_child_storage_storage_kill_version_2", s, st)
		st[0] = b2u(!more)
	})
	def("ext_default_child_storage_storage_kill_version_3", p(i64, i64), p(i64), func(s *callState, st []uint64) {
		const fn = "ext_default_child_storage_storage_kill_version_3"
		n, more := killLimited(fn, s, st)
		st[0] = s.retSlice(fn, killResult(n, more))
	})
	def("ext_default_child_storage_clear_prefix_version_1", p(i64, i64), nil, func(s *callState, st []uint64) {
		const fn = "ext_default_child_storage_clear_prefix_version_1"
		_, _, err := s.ov.clearPrefix(fn, s.readCopy(fn, st[0]), s.readCopy(fn, st[1]), true, -1)
		s.checkStorage(err)
	})
	def("ext_default_child_storage_clear_prefix_version_2", p(i64, i64, i64), p(i64), func(s *callState, st []uint64) {
		const fn = "ext_default_child_storage_clear_prefix_version_2"
		child, prefix := s.readCopy(fn, st[0]), s.readCopy(fn, st[1])
		limit := s.decodeLimit(fn, s.read(fn, st[2]))
		n, more, err := s.ov.clearPrefix(fn, child, prefix, true, limit)
		s.checkStorage(err)
		st[0] = s.retSlice(fn, killResult(n, more))
	})

	// Hashing: the input is a pointer-size, the answer a pointer to a
	// fixed-size buffer.
	hashFn := func(name string, h func([]byte) []byte) {
		def(name, p(i64), p(i32), func(s *callState, st []uint64) {
			st[0] = s.retPtr(name, h(s.read(name, st[0])))
		})
	}
	hashFn("ext_hashing_blake2_128_version_1", func(b []byte) []byte { h := hash.Blake2b128(b); return h[:] })
	hashFn("ext_hashing_blake2_256_version_1", func(b []byte) []byte { h := hash.Blake2b256(b); return h[:] })
	hashFn("ext_hashing_twox_64_version_1", func(b []byte) []byte { h := hash.Twox64(b); return h[:] })
	hashFn("ext_hashing_twox_128_version_1", func(b []byte) []byte { h := hash.Twox128(b); return h[:] })
	hashFn("ext_hashing_twox_256_version_1", func(b []byte) []byte { h := hash.Twox256(b); return h[:] })
	hashFn("ext_hashing_keccak_256_version_1", func(b []byte) []byte { h := hash.Keccak256(b); return h[:] })
	hashFn("ext_hashing_keccak_512_version_1", keccak512)
	hashFn("ext_hashing_sha2_256_version_1", func(b []byte) []byte { h := sha256.Sum256(b); return h[:] })

	// Trie roots.
	root := func(name string, withVersion bool, ordered bool) {
		params := p(i64)
		if withVersion {
			params = p(i64, i32)
		}
		def(name, params, p(i32), func(s *callState, st []uint64) {
			layout := trie.V0
			if withVersion {
				switch uint32(st[1]) {
				case 0:
				case 1:
					layout = trie.V1
				default:
					s.trapf("%s: unknown state version %d", name, uint32(st[1]))
				}
			}
			in := s.read(name, st[0])
			var h trie.Hash
			if ordered {
				vals, err := decodeVecBytes(in)
				if err != nil {
					s.trapf("%s: input: %v", name, err)
				}
				h = trie.OrderedRoot(layout, vals)
			} else {
				kvs, err := decodeVecPairs(in)
				if err != nil {
					s.trapf("%s: input: %v", name, err)
				}
				h = trie.Root(layout, kvs)
			}
			st[0] = s.retPtr(name, h[:])
		})
	}
	root("ext_trie_blake2_256_root_version_1", false, false)
	root("ext_trie_blake2_256_root_version_2", true, false)
	root("ext_trie_blake2_256_ordered_root_version_1", false, true)
	root("ext_trie_blake2_256_ordered_root_version_2", true, true)

	defineCrypto()

	// Misc, logging, panics.
	def("ext_misc_print_num_version_1", p(i64), nil, func(s *callState, st []uint64) {
		s.emit(4, "runtime", fmt.Sprint(st[0]))
	})
	def("ext_misc_print_utf8_version_1", p(i64), nil, func(s *callState, st []uint64) {
		b := s.read("ext_misc_print_utf8_version_1", st[0])
		if utf8.Valid(b) {
			s.emit(4, "runtime", string(b))
		}
	})
	def("ext_misc_print_hex_version_1", p(i64), nil, func(s *callState, st []uint64) {
		s.emit(4, "runtime", fmt.Sprintf("%x", s.read("ext_misc_print_hex_version_1", st[0])))
	})
	def("ext_misc_runtime_version_version_1", p(i64), p(i64), func(s *callState, st []uint64) {
		const fn = "ext_misc_runtime_version_version_1"
		// The version embedded in the code's custom sections, as
		// sc-executor reads it first. Code without them would need
		// running Core_version in a nested instance, which this executor
		// does not do: like any unreadable code the answer is then None.
		enc, found, err := EmbeddedVersion(s.read(fn, st[0]))
		st[0] = s.retSlice(fn, encodeOption(enc, found && err == nil))
	})
	def("ext_logging_log_version_1", p(i32, i64, i64), nil, func(s *callState, st []uint64) {
		const fn = "ext_logging_log_version_1"
		level := int(uint32(st[0]))
		target := s.read(fn, st[1])
		msg := s.read(fn, st[2])
		if s.log != nil && level <= s.maxLevel {
			s.emit(level, strings.ToValidUTF8(string(target), "?"), strings.ToValidUTF8(string(msg), "?"))
		}
	})
	def("ext_logging_max_level_version_1", nil, p(i32), func(s *callState, st []uint64) {
		if s.log == nil {
			st[0] = 0
			return
		}
		st[0] = uint64(min(max(s.maxLevel, 0), 5))
	})
	def("ext_panic_handler_abort_on_panic_version_1", p(i64), nil, func(s *callState, st []uint64) {
		msg := s.read("ext_panic_handler_abort_on_panic_version_1", st[0])
		s.abort(fmt.Errorf("%w: runtime panicked: %s", ErrTrap, strings.ToValidUTF8(string(msg), "?")))
	})

	// No-ops in a read-only call (smoldot ignores them outside block building).
	def("ext_offchain_index_set_version_1", p(i64, i64), nil, func(s *callState, st []uint64) {
		s.read("ext_offchain_index_set_version_1", st[0])
		s.read("ext_offchain_index_set_version_1", st[1])
	})
	def("ext_offchain_index_clear_version_1", p(i64), nil, func(s *callState, st []uint64) {
		s.read("ext_offchain_index_clear_version_1", st[0])
	})
	def("ext_transaction_index_index_version_1", p(i32, i32, i32), nil, func(s *callState, st []uint64) {})
	def("ext_transaction_index_renew_version_1", p(i32, i32), nil, func(s *callState, st []uint64) {})
}

func (s *callState) emit(level int, target, msg string) {
	if s.log != nil {
		s.log(level, target, msg)
	}
}

// storageRead implements ext_storage_read: copy value[offset:] into the
// output buffer as far as it fits and answer Option<u32> of the bytes left
// from offset.
func (s *callState) storageRead(fn string, v []byte, ok bool, out uint64, offset uint32) uint64 {
	if !ok {
		return s.retSlice(fn, []byte{0})
	}
	dst := s.read(fn, out)
	v = v[min(int(offset), len(v)):]
	copy(dst, v)
	return s.retSlice(fn, scale.AppendU32([]byte{1}, uint32(len(v))))
}

// killResult encodes sp-io's KillStorageResult: AllRemoved(n) or SomeRemaining(n).
func killResult(n uint32, more bool) []byte {
	tag := byte(0)
	if more {
		tag = 1
	}
	return scale.AppendU32([]byte{tag}, n)
}

// appendItem implements ext_storage_append: the value is a SCALE Vec whose
// compact length grows by one; a missing or undecodable value restarts the Vec.
func appendItem(cur []byte, ok bool, item []byte) []byte {
	if ok {
		d := scale.NewDecoder(cur)
		if n, err := d.CompactU32(); err == nil && n < 0xffffffff {
			out := scale.AppendCompact(nil, uint64(n)+1)
			out = append(out, d.Rest()...)
			return append(out, item...)
		}
	}
	out := scale.AppendCompact(nil, 1)
	return append(out, item...)
}

func decodeVecBytes(b []byte) ([][]byte, error) {
	d := scale.NewDecoder(b)
	n, err := d.Len(1)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		v, err := d.Bytes()
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		out = append(out, v)
	}
	return out, d.Finish()
}

func decodeVecPairs(b []byte) ([]trie.KV, error) {
	d := scale.NewDecoder(b)
	n, err := d.Len(2)
	if err != nil {
		return nil, err
	}
	out := make([]trie.KV, 0, n)
	for i := 0; i < n; i++ {
		k, err := d.Bytes()
		if err != nil {
			return nil, fmt.Errorf("key %d: %w", i, err)
		}
		v, err := d.Bytes()
		if err != nil {
			return nil, fmt.Errorf("value %d: %w", i, err)
		}
		out = append(out, trie.KV{Key: k, Value: v})
	}
	return out, d.Finish()
}

// ErrHostFunction means the runtime called a host function this
// executor does not provide for read-only calls; the message names it.
var ErrHostFunction = errors.New("executor: unsupported host function")

// unsupported returns the body of a host function this executor does not
// provide: it fails the call with ErrHostFunction naming it.
func unsupported(name string) func(s *callState, stack []uint64) {
	return func(s *callState, _ []uint64) {
		s.abort(fmt.Errorf("%w: %s", ErrHostFunction, name))
	}
}

// unsupportedReasons explains some deliberate gaps.
var unsupportedReasons = map[string]string{
	"ext_storage_root_version_1":               "the state root needs the whole state",
	"ext_storage_root_version_2":               "the state root needs the whole state",
	"ext_default_child_storage_root_version_1": "the state root needs the whole state",
	"ext_default_child_storage_root_version_2": "the state root needs the whole state",
}

// instantiateHost registers the "env" host module with every function the
// compiled runtime imports: the implemented ones (whose signature must
// match) and stubs failing with ErrHostFunction for the rest.
func instantiateHost(ctx context.Context, rt wazero.Runtime, compiled wazero.CompiledModule) error {
	b := rt.NewHostModuleBuilder("env")
	imports := compiled.ImportedFunctions()
	sort.Slice(imports, func(i, j int) bool {
		_, a, _ := imports[i].Import()
		_, c, _ := imports[j].Import()
		return a < c
	})
	seen := map[string]bool{}
	for _, imp := range imports {
		mod, name, _ := imp.Import()
		if mod != "env" {
			return fmt.Errorf("%w: imports %s.%s (only \"env\" is provided)", ErrInvalidCode, mod, name)
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		params, results := imp.ParamTypes(), imp.ResultTypes()
		body := unsupported(name)
		if why, ok := unsupportedReasons[name]; ok {
			n := name
			body = func(s *callState, _ []uint64) {
				s.abort(fmt.Errorf("%w: %s (%s)", ErrHostFunction, n, why))
			}
		}
		if hf, ok := hostFuncs[name]; ok {
			if !slices.Equal(hf.params, params) || !slices.Equal(hf.results, results) {
				return fmt.Errorf("%w: import %s has signature %s, want %s", ErrInvalidCode, name,
					sigString(params, results), sigString(hf.params, hf.results))
			}
			body = hf.fn
		}
		f := body
		b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, stack []uint64) {
			s, ok := ctx.Value(stateKey{}).(*callState)
			if !ok || s == nil {
				panic(errors.New("executor: host function called outside a call"))
			}
			f(s, stack)
		}), params, results).Export(name)
	}
	if _, err := b.Instantiate(ctx); err != nil {
		return fmt.Errorf("executor: host module: %w", err)
	}
	return nil
}

func sigString(params, results []api.ValueType) string {
	name := func(ts []api.ValueType) string {
		s := make([]string, len(ts))
		for i, t := range ts {
			s[i] = api.ValueTypeName(t)
		}
		return "(" + strings.Join(s, ",") + ")"
	}
	return name(params) + "->" + name(results)
}

// HostFunctions lists the host functions this executor implements.
func HostFunctions() []string {
	out := make([]string, 0, len(hostFuncs))
	for k := range hostFuncs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
