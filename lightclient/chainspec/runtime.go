package chainspec

import (
	"bytes"
	"errors"
	"fmt"
	"golang.org/x/crypto/blake2b"
	"io"

	"github.com/klauspost/compress/zstd"

	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// ErrBadRuntime means the runtime code cannot be read for its version.
var ErrBadRuntime = errors.New("chainspec: unreadable runtime code")

// zstdPrefix marks zstd-compressed runtime code (sp-maybe-compressed-blob).
var zstdPrefix = []byte{0x52, 0xbc, 0x53, 0x76, 0x46, 0xdb, 0x8e, 0x05}

// maxCodeSize bounds decompressed runtime code (Substrate's bomb limit is 50 MiB).
const maxCodeSize = 50 << 20

// maxZstdWindow is the largest zstd window accepted (runtimes declare 128 MiB).
const maxZstdWindow = 256 << 20

// RuntimeVersion is the part of a runtime's RuntimeVersion ksm reads from the
// "runtime_version" custom section of its Wasm code.
type RuntimeVersion struct {
	SpecName           string
	ImplName           string
	AuthoringVersion   uint32
	SpecVersion        uint32
	ImplVersion        uint32
	TransactionVersion uint32
	StateVersion       uint8
	CoreVersion        uint32 // version of the Core runtime API, which decides the fields present
}

// coreAPIID is blake2b-64("Core"), the id of the Core runtime API.
var coreAPIID = func() (id [8]byte) {
	h := blake2b64([]byte("Core"))
	copy(id[:], h)
	return id
}()

// DecompressCode returns runtime code without its zstd compression, refusing
// more than 50 MiB.
func DecompressCode(code []byte) ([]byte, error) {
	if !bytes.HasPrefix(code, zstdPrefix) {
		return code, nil
	}
	dec, err := zstd.NewReader(bytes.NewReader(code[len(zstdPrefix):]), zstd.WithDecoderMaxMemory(maxZstdWindow), zstd.WithDecoderMaxWindow(maxZstdWindow), zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadRuntime, err)
	}
	defer dec.Close()
	out, err := io.ReadAll(io.LimitReader(dec, maxCodeSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: zstd: %w", ErrBadRuntime, err)
	}
	if len(out) > maxCodeSize {
		return nil, fmt.Errorf("%w: decompressed code exceeds %d bytes", ErrBadRuntime, maxCodeSize)
	}
	return out, nil
}

// ReadRuntimeVersion reads the "runtime_version" custom section of (possibly
// compressed) Wasm runtime code, with the Core API version from the
// "runtime_apis" section deciding which trailing fields it holds (as
// sc-executor's read_embedded_version does). found is false when the code
// has no such section (runtimes before 2021).
func ReadRuntimeVersion(code []byte) (v RuntimeVersion, found bool, err error) {
	wasm, err := DecompressCode(code)
	if err != nil {
		return v, false, err
	}
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], []byte("\x00asm")) {
		return v, false, fmt.Errorf("%w: not a Wasm module", ErrBadRuntime)
	}
	var versionSec, apisSec []byte
	p := wasm[8:]
	for len(p) > 0 {
		id := p[0]
		size, n := uleb(p[1:])
		if n == 0 || uint64(len(p)-1-n) < size {
			return v, false, fmt.Errorf("%w: truncated Wasm section", ErrBadRuntime)
		}
		body := p[1+n : 1+n+int(size)]
		p = p[1+n+int(size):]
		if id != 0 {
			continue
		}
		nl, m := uleb(body)
		if m == 0 || uint64(len(body)-m) < nl {
			return v, false, fmt.Errorf("%w: bad custom section name", ErrBadRuntime)
		}
		switch string(body[m : m+int(nl)]) {
		case "runtime_version":
			versionSec = body[m+int(nl):]
		case "runtime_apis":
			apisSec = body[m+int(nl):]
		}
	}
	if versionSec == nil {
		return v, false, nil
	}
	if len(apisSec)%12 != 0 {
		return v, false, fmt.Errorf("%w: runtime_apis section of %d bytes", ErrBadRuntime, len(apisSec))
	}
	for i := 0; i+12 <= len(apisSec); i += 12 {
		if [8]byte(apisSec[i:i+8]) == coreAPIID {
			v.CoreVersion = uint32(apisSec[i+8]) | uint32(apisSec[i+9])<<8 | uint32(apisSec[i+10])<<16 | uint32(apisSec[i+11])<<24
		}
	}
	v, err = decodeRuntimeVersion(versionSec, v.CoreVersion)
	return v, err == nil, err
}

func uleb(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

func decodeRuntimeVersion(b []byte, core uint32) (RuntimeVersion, error) {
	v := RuntimeVersion{CoreVersion: core}
	d := scale.NewDecoder(b)
	var err error
	fail := func(what string, err error) (RuntimeVersion, error) {
		return v, fmt.Errorf("%w: runtime_version %s: %w", ErrBadRuntime, what, err)
	}
	if v.SpecName, err = d.String(); err != nil {
		return fail("spec_name", err)
	}
	if v.ImplName, err = d.String(); err != nil {
		return fail("impl_name", err)
	}
	if v.AuthoringVersion, err = d.U32(); err != nil {
		return fail("authoring_version", err)
	}
	if v.SpecVersion, err = d.U32(); err != nil {
		return fail("spec_version", err)
	}
	if v.ImplVersion, err = d.U32(); err != nil {
		return fail("impl_version", err)
	}
	n, err := d.Len(12)
	if err != nil {
		return fail("apis", err)
	}
	for i := 0; i < n; i++ {
		var id [8]byte
		if err := d.Fixed(id[:]); err != nil {
			return fail("apis", err)
		}
		ver, err := d.U32()
		if err != nil {
			return fail("apis", err)
		}
		if id == coreAPIID && v.CoreVersion == 0 {
			v.CoreVersion = ver
		}
	}
	if v.CoreVersion >= 3 {
		if v.TransactionVersion, err = d.U32(); err != nil {
			return fail("transaction_version", err)
		}
	}
	if v.CoreVersion >= 4 {
		if v.StateVersion, err = d.U8(); err != nil {
			return fail("state_version", err)
		}
	}
	return v, nil
}

// StateVersion returns the trie layout of the genesis: the state_version the
// runtime in ":code" declares, V0 when it declares none.
func (r *RawGenesis) StateVersion() (trie.Layout, error) {
	code, ok := r.Code()
	if !ok {
		return trie.V0, nil
	}
	v, found, err := ReadRuntimeVersion(code)
	if err != nil {
		return 0, err
	}
	if !found {
		return trie.V0, nil
	}
	switch v.StateVersion {
	case 0:
		return trie.V0, nil
	case 1:
		return trie.V1, nil
	}
	return 0, fmt.Errorf("%w: state version %d", ErrBadRuntime, v.StateVersion)
}

func blake2b64(b []byte) []byte {
	h, _ := blake2b.New(8, nil)
	h.Write(b)
	return h.Sum(nil)
}
