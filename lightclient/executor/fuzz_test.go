package executor

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func fuzzSeeds(f *testing.F) [][]byte {
	seeds := [][]byte{
		nil,
		[]byte("\x00asm\x01\x00\x00\x00"),
		unimplementedModule().encode(),
		callModule("ext_hashing_blake2_256_version_1", typeI64I32, iConst64(ptrSize(100, 5))).encode(),
		callModule("ext_storage_get_version_1", typeI64I64, iConst64(ptrSize(100, 5)), wData{100, []byte("hello")}).encode(),
		(&wModule{types: []wType{entryType}, memPages: 1, heapBase: 1024, funcs: []wFunc{{name: "run", typ: 0, body: []byte{0}}}}).encode(),
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "unimplemented.wasm")); err == nil {
		seeds = append(seeds, b)
	}
	return seeds
}

func FuzzUnpack(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
		f.Add(zstdBlob(f, s))
	}
	if g, ok := tryGenesisCode(f); ok {
		f.Add(g) // a real compressed runtime, truncated
	}
	f.Add(append(bytes.Clone(zstdPrefix), 0x28, 0xb5, 0x2f, 0xfd))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := Unpack(b)
		if !testenv.Accepted(t, err, ErrInvalidCode) {
			return
		}
		if len(out) > MaxCodeSize {
			t.Fatalf("%d bytes out", len(out))
		}
		if !bytes.HasPrefix(b, zstdPrefix) && !bytes.Equal(out, b) {
			t.Fatal("uncompressed code changed")
		}
		if !bytes.HasPrefix(b, zstdPrefix) && len(b) < 1<<16 {
			// Round trip through compression.
			back, err := Unpack(zstdBlob(t, b))
			if err != nil || !bytes.Equal(back, b) {
				t.Fatalf("round trip: %v", err)
			}
		}
	})
}

// tryGenesisCode returns the first 4 KiB of Kusama's compressed genesis
// runtime when the shared test data is present (found by its ":code" key in
// the chain spec, without parsing all of it).
func tryGenesisCode(f *testing.F) ([]byte, bool) {
	dir, ok := testenv.SharedDir(f)
	if !ok {
		return nil, false
	}
	b, err := os.ReadFile(filepath.Join(dir, "chainspec", "local", "kusama-local.json"))
	if err != nil {
		return nil, false
	}
	i := bytes.Index(b, []byte(`"0x3a636f6465": "0x`))
	if i < 0 || len(b) < i+19+8192 {
		return nil, false
	}
	code, err := hex.DecodeString(string(b[i+19 : i+19+8192]))
	if err != nil || !bytes.HasPrefix(code, zstdPrefix) {
		return nil, false
	}
	return code, true
}

func FuzzPrepareModule(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, uint16(3))
	}
	f.Fuzz(func(t *testing.T, b []byte, heap uint16) {
		p, err := prepareModule(b, uint64(heap))
		if !testenv.Accepted(t, err, ErrInvalidCode) {
			return
		}
		// The result defines its memory: preparing it again with no
		// heap keeps the size.
		q, err := prepareModule(p.wasm, 0)
		if err != nil {
			t.Fatalf("prepared module does not parse: %v", err)
		}
		if q.pages != p.pages {
			t.Fatalf("pages %d then %d", p.pages, q.pages)
		}
	})
}

// FuzzCompile compiles arbitrary bytes and, when that works, calls "run":
// neither may panic, and failures carry this package's sentinel errors.
func FuzzCompile(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx := context.Background()
		rt, err := Compile(ctx, b, Options{HeapPages: 1})
		if !testenv.Accepted(t, err, ErrInvalidCode) {
			return
		}
		defer rt.Close(ctx)
		_, err = rt.Call(ctx, "run", []byte("args"), NewMapStorage(map[string][]byte{"hello": []byte("world")}))
		if err != nil && !errors.Is(err, ErrTrap) && !errors.Is(err, ErrHostFunction) && !errors.Is(err, ErrUnknownMethod) && !errors.Is(err, ErrInvalidCode) {
			t.Fatalf("untyped call error %v", err)
		}
	})
}

// FuzzEmbeddedVersion reads custom sections of arbitrary code: no panic,
// typed errors, and a found version re-decodes to the same encoding.
func FuzzEmbeddedVersion(f *testing.F) {
	base := callModule("ext_allocator_malloc_version_1", typeI32I32, iConst32(8)).encode()
	v := scale.AppendString(nil, "rt")
	v = scale.AppendString(v, "i")
	v = append(v, make([]byte, 12)...)
	v = append(v, 0, 1, 0, 0, 0, 1)
	apis := append(coreAPIID[:], 4, 0, 0, 0)
	f.Add(withCustomSection(withCustomSection(base, "runtime_version", v), "runtime_apis", apis))
	f.Add(withCustomSection(base, "runtime_version", v))
	f.Fuzz(func(t *testing.T, b []byte) {
		enc, found, err := EmbeddedVersion(b)
		if !testenv.Accepted(t, err, ErrInvalidCode) {
			return
		}
		if !found {
			return
		}
		// The full encoding is a Core v4+ encoding of itself.
		again, err := reencodeVersion(enc, 4, true, nil, false)
		if err != nil || !bytes.Equal(again, enc) {
			t.Fatalf("re-encoding %x: %x, %v", enc, again, err)
		}
	})
}
