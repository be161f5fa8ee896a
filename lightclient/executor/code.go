package executor

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
)

// MaxCodeSize bounds the decompressed runtime code (sp-maybe-compressed-blob's
// CODE_BLOB_BOMB_LIMIT).
const MaxCodeSize = 50 << 20

// MaxMemoryPages bounds a call's memory (declared pages plus heap pages):
// 1 GiB, far above what relay and system-parachain runtimes use (about 2100
// pages with the default heap), well below the 4 GiB Wasm limit.
const MaxMemoryPages = 16384

// ErrInvalidCode means the runtime code is not a usable Substrate
// runtime: not Wasm, a bad or oversized zstd blob, no memory, imports
// from modules other than "env" or with wrong signatures.
var ErrInvalidCode = errors.New("executor: invalid runtime code")

// Unpack returns runtime code without its zstd compression (code without the
// prefix is returned as is): chainspec.DecompressCode, whose limit is the
// same MaxCodeSize, with its errors wrapped in ErrInvalidCode.
func Unpack(code []byte) ([]byte, error) {
	out, err := chainspec.DecompressCode(code)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidCode, err)
	}
	return out, nil
}

// wasmReader reads the LEB128 and byte fields of a Wasm binary; every read is
// bounds-checked and the first error sticks.
type wasmReader struct {
	b   []byte
	off int
	err error
}

var errWasmTruncated = errors.New("truncated")

func (r *wasmReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *wasmReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail(errWasmTruncated)
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

// u32 reads an unsigned LEB128 of at most 5 bytes.
func (r *wasmReader) u32() uint32 {
	var v uint64
	for i := 0; i < 5; i++ {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			if v > 0xffffffff {
				r.fail(errors.New("LEB128 overflows u32"))
				return 0
			}
			return uint32(v)
		}
	}
	r.fail(errors.New("LEB128 too long"))
	return 0
}

func (r *wasmReader) take(n uint32) []byte {
	if r.err != nil {
		return nil
	}
	if uint64(n) > uint64(len(r.b)-r.off) {
		r.fail(errWasmTruncated)
		return nil
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return s
}

// limits reads memory limits (flags 0 or 1; shared or 64-bit memories are refused).
func (r *wasmReader) limits() (min uint32, max uint32, hasMax bool) {
	flags := r.byte()
	switch flags {
	case 0:
		return r.u32(), 0, false
	case 1:
		return r.u32(), r.u32(), true
	}
	r.fail(fmt.Errorf("unsupported limits flags %#x", flags))
	return 0, 0, false
}

func appendLEB(dst []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			dst = append(dst, c|0x80)
			continue
		}
		return append(dst, c)
	}
}

func appendSection(dst []byte, id byte, body []byte) []byte {
	dst = append(dst, id)
	dst = appendLEB(dst, uint32(len(body)))
	return append(dst, body...)
}

// prepared is a runtime module ready for wazero.
type prepared struct {
	wasm  []byte // the rewritten module
	pages uint32 // memory size in pages (minimum = maximum)
}

// prepareModule applies Substrate's static heap strategy to a Wasm module:
// an imported "env"."memory" becomes a memory defined by the module (smoldot
// and sc-executor do the same); the memory's minimum becomes its declared
// minimum plus heapPages and its maximum the same value, so the heap cannot
// grow past what the chain's ":heappages" allows.
func prepareModule(wasm []byte, heapPages uint64) (*prepared, error) {
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], []byte("\x00asm")) {
		return nil, fmt.Errorf("%w: not a Wasm module", ErrInvalidCode)
	}
	if !bytes.Equal(wasm[4:8], []byte{1, 0, 0, 0}) {
		return nil, fmt.Errorf("%w: unsupported Wasm version %x", ErrInvalidCode, wasm[4:8])
	}
	type section struct {
		id   byte
		body []byte
	}
	var sections []section
	r := &wasmReader{b: wasm, off: 8}
	for r.off < len(r.b) && r.err == nil {
		id := r.byte()
		size := r.u32()
		body := r.take(size)
		sections = append(sections, section{id, body})
	}
	if r.err != nil {
		return nil, fmt.Errorf("%w: section list: %w", ErrInvalidCode, r.err)
	}

	var (
		memMin, memMax uint32
		memHasMax      bool
		haveMem        bool
		imported       bool
	)
	for i, s := range sections {
		switch s.id {
		case 2: // imports
			body, mn, mx, hasMx, found, err := dropMemoryImport(s.body)
			if err != nil {
				return nil, fmt.Errorf("%w: import section: %w", ErrInvalidCode, err)
			}
			if found {
				sections[i].body = body
				memMin, memMax, memHasMax, haveMem, imported = mn, mx, hasMx, true, true
			}
		case 5: // memories defined by the module
			mr := &wasmReader{b: s.body}
			n := mr.u32()
			if n == 0 {
				continue
			}
			if n > 1 || haveMem {
				return nil, fmt.Errorf("%w: more than one memory", ErrInvalidCode)
			}
			memMin, memMax, memHasMax = mr.limits()
			if mr.err == nil && mr.off != len(mr.b) {
				mr.fail(errors.New("trailing bytes"))
			}
			if mr.err != nil {
				return nil, fmt.Errorf("%w: memory section: %w", ErrInvalidCode, mr.err)
			}
			haveMem = true
		}
	}
	if !haveMem {
		return nil, fmt.Errorf("%w: module has no memory", ErrInvalidCode)
	}
	pages := uint64(memMin) + min(heapPages, MaxMemoryPages+1)
	if pages > MaxMemoryPages {
		return nil, fmt.Errorf("%w: memory of %d declared + %d heap pages exceeds %d pages", ErrInvalidCode, memMin, heapPages, MaxMemoryPages)
	}
	// Like sc-executor's static strategy, the declared maximum is replaced.
	_, _ = memMax, memHasMax
	mem := appendLEB(nil, 1)
	mem = append(mem, 1)
	mem = appendLEB(mem, uint32(pages))
	mem = appendLEB(mem, uint32(pages))

	out := make([]byte, 0, len(wasm)+16)
	out = append(out, wasm[:8]...)
	inserted := false
	for _, s := range sections {
		if imported && !inserted && s.id != 0 && s.id > 4 {
			out = appendSection(out, 5, mem)
			inserted = true
		}
		if s.id == 5 && imported {
			continue // empty (checked above); replaced by the inserted one
		}
		if s.id == 5 {
			mr := &wasmReader{b: s.body}
			if mr.u32() == 1 {
				out = appendSection(out, 5, mem)
				continue
			}
		}
		out = appendSection(out, s.id, s.body)
	}
	if imported && !inserted {
		out = appendSection(out, 5, mem)
	}
	return &prepared{wasm: out, pages: uint32(pages)}, nil
}

// dropMemoryImport removes the memory import from an import section body.
func dropMemoryImport(body []byte) (out []byte, min, max uint32, hasMax, found bool, err error) {
	r := &wasmReader{b: body}
	n := r.u32()
	var kept []byte
	keptN := uint32(0)
	for i := uint32(0); i < n && r.err == nil; i++ {
		start := r.off
		mod := r.take(r.u32())
		name := r.take(r.u32())
		kind := r.byte()
		switch kind {
		case 0: // function
			r.u32()
		case 1: // table
			r.byte()
			r.limits()
		case 2: // memory
			mn, mx, hm := r.limits()
			if r.err != nil {
				break
			}
			if found {
				return nil, 0, 0, false, false, errors.New("more than one imported memory")
			}
			if string(mod) != "env" || string(name) != "memory" {
				return nil, 0, 0, false, false, fmt.Errorf("memory imported as %q.%q, want \"env\".\"memory\"", mod, name)
			}
			min, max, hasMax, found = mn, mx, hm, true
			continue
		case 3: // global
			r.byte()
			r.byte()
		default:
			r.fail(fmt.Errorf("import kind %#x", kind))
		}
		if r.err == nil {
			kept = append(kept, r.b[start:r.off]...)
			keptN++
		}
	}
	if r.err == nil && r.off != len(r.b) {
		r.fail(errors.New("trailing bytes"))
	}
	if r.err != nil {
		return nil, 0, 0, false, false, r.err
	}
	out = appendLEB(out, keptN)
	out = append(out, kept...)
	return out, min, max, hasMax, found, nil
}
