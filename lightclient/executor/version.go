package executor

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/scale"
)

// coreAPIID is blake2b-64("Core"), the id of the Core runtime API.
var coreAPIID = [8]byte{0xdf, 0x6a, 0xcb, 0x68, 0x99, 0x07, 0x60, 0x9b}

// EmbeddedVersion returns the SCALE-encoded sp_version::RuntimeVersion of
// runtime code (raw or compressed) as sc-executor's read_embedded_version
// reads it from the "runtime_version" and "runtime_apis" custom sections:
// the Core API version decides which trailing fields the section holds, the
// runtime_apis section replaces the API list, and the result is re-encoded
// with every field, as Core_version answers. found is false when the code
// has no such section.
func EmbeddedVersion(code []byte) (enc []byte, found bool, err error) {
	wasm, err := Unpack(code)
	if err != nil {
		return nil, false, err
	}
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], []byte("\x00asm")) {
		return nil, false, fmt.Errorf("%w: not a Wasm module", ErrInvalidCode)
	}
	var versionSec, apisSec []byte
	haveAPIs := false
	r := &wasmReader{b: wasm, off: 8}
	for r.off < len(r.b) && r.err == nil {
		id := r.byte()
		body := r.take(r.u32())
		if r.err != nil || id != 0 {
			continue
		}
		br := &wasmReader{b: body}
		name := br.take(br.u32())
		if br.err != nil {
			return nil, false, fmt.Errorf("%w: custom section name: %w", ErrInvalidCode, br.err)
		}
		switch string(name) {
		case "runtime_version":
			if versionSec == nil {
				versionSec = body[br.off:]
			}
		case "runtime_apis":
			if !haveAPIs {
				apisSec, haveAPIs = body[br.off:], true
			}
		}
	}
	if r.err != nil {
		return nil, false, fmt.Errorf("%w: section list: %w", ErrInvalidCode, r.err)
	}
	if versionSec == nil {
		return nil, false, nil
	}
	if len(apisSec)%12 != 0 {
		return nil, false, fmt.Errorf("%w: runtime_apis section of %d bytes", ErrInvalidCode, len(apisSec))
	}
	var core uint32
	haveCore := false
	for i := 0; i+12 <= len(apisSec); i += 12 {
		if [8]byte(apisSec[i:i+8]) == coreAPIID {
			core, _ = scale.NewDecoder(apisSec[i+8 : i+12]).U32()
			haveCore = true
		}
	}
	enc, err = reencodeVersion(versionSec, core, haveCore, apisSec, haveAPIs)
	if err != nil {
		return nil, false, fmt.Errorf("%w: runtime_version section: %w", ErrInvalidCode, err)
	}
	return enc, true, nil
}

// reencodeVersion decodes a runtime_version section (RuntimeVersion's
// decode_with_version_hint) and encodes it in full.
func reencodeVersion(sec []byte, core uint32, haveCore bool, apis []byte, haveAPIs bool) ([]byte, error) {
	d := scale.NewDecoder(sec)
	specName, err := d.String()
	if err != nil {
		return nil, err
	}
	implName, err := d.String()
	if err != nil {
		return nil, err
	}
	nums := make([]uint32, 3) // authoring, spec, impl
	for i := range nums {
		if nums[i], err = d.U32(); err != nil {
			return nil, err
		}
	}
	n, err := d.Len(12)
	if err != nil {
		return nil, err
	}
	secAPIs, err := d.Take(12 * n)
	if err != nil {
		return nil, err
	}
	if !haveCore {
		for i := 0; i+12 <= len(secAPIs); i += 12 {
			if [8]byte(secAPIs[i:i+8]) == coreAPIID {
				core, _ = scale.NewDecoder(secAPIs[i+8 : i+12]).U32()
				haveCore = true
			}
		}
	}
	txVersion, stateVersion := uint32(1), uint8(0)
	if haveCore && core >= 3 {
		if txVersion, err = d.U32(); err != nil {
			return nil, err
		}
	}
	if haveCore && core >= 4 {
		if stateVersion, err = d.U8(); err != nil {
			return nil, err
		}
	}
	if !haveAPIs {
		apis = secAPIs
	}
	if len(apis)%12 != 0 {
		return nil, errors.New("bad API list")
	}
	out := scale.AppendString(nil, specName)
	out = scale.AppendString(out, implName)
	for _, v := range nums {
		out = scale.AppendU32(out, v)
	}
	out = scale.AppendCompact(out, uint64(len(apis)/12))
	out = append(out, apis...)
	out = scale.AppendU32(out, txVersion)
	return append(out, stateVersion), nil
}
