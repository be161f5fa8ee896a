package extrinsic

import (
	"errors"
	"fmt"
	"slices"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Extrinsic format bytes: the version in the low 6 bits, the kind in the top 2.
const (
	v4Unsigned = 0x04
	v4Signed   = 0x84
	v5Bare     = 0x05
	v5General  = 0x45
)

// MaxUnhashedPayload is the longest signing payload signed as is; longer
// payloads are signed as their blake2b-256 hash.
const MaxUnhashedPayload = 256

// SigningBytes returns what a signer signs for a signing payload: the payload
// itself, or its blake2b-256 hash when it is longer than 256 bytes.
func SigningBytes(payload []byte) []byte {
	if len(payload) > MaxUnhashedPayload {
		h := hash.Blake2b256(payload)
		return h[:]
	}
	return payload
}

// Format is the extrinsic format of one runtime, resolved from its metadata:
// the transaction extensions in metadata order, the call type and the address
// and signature types. A Format is immutable and safe for concurrent use.
type Format struct {
	md *metadata.Metadata
	// exts are the extensions of extension version 0 (the v4 signed ones).
	exts []extension
	// byVersion holds the extensions of each v5 extension version.
	byVersion map[uint8][]extension
	callType  metadata.TypeID
	multiAddr bool // address type is sp_runtime::MultiAddress
	multiSig  bool // signature type is sp_runtime::MultiSignature
}

// ErrMetadata means the metadata lacks something an extrinsic needs.
var ErrMetadata = errors.New("extrinsic: metadata does not describe extrinsics as expected")

// New resolves the extrinsic format described by md. Extensions whose name
// ksm does not know are accepted when zero-sized; one that carries data makes
// building fail with ErrUnknownExtension naming it (decoding still skips it
// by its type).
func New(md *metadata.Metadata) (*Format, error) {
	f := &Format{md: md, byVersion: map[uint8][]extension{}}
	ct, ok := md.CallType()
	if !ok {
		return nil, fmt.Errorf("%w: no call type", ErrMetadata)
	}
	f.callType = ct
	reg := &md.Types
	if md.Extrinsic.HasTypes || md.Version >= 15 {
		if t, err := reg.Type(md.Extrinsic.AddressType); err == nil {
			f.multiAddr = len(t.Path) > 0 && t.Path[len(t.Path)-1] == "MultiAddress"
		}
		if t, err := reg.Type(md.Extrinsic.SignatureType); err == nil {
			f.multiSig = len(t.Path) > 0 && t.Path[len(t.Path)-1] == "MultiSignature"
		}
	}
	for _, ev := range md.Extrinsic.ExtensionsByVersion {
		xs, err := md.Extrinsic.ExtensionsFor(ev.Version)
		if err != nil {
			return nil, err
		}
		var list []extension
		for _, x := range xs {
			e, err := resolveExtension(reg, x)
			if err != nil {
				return nil, err
			}
			list = append(list, e)
		}
		f.byVersion[ev.Version] = list
		if ev.Version == 0 {
			f.exts = list
		}
	}
	return f, nil
}

// Metadata returns the metadata f was built from.
func (f *Format) Metadata() *metadata.Metadata { return f.md }

// Extensions returns the identifiers of the v4 transaction extensions in order.
func (f *Format) Extensions() []string {
	out := make([]string, len(f.exts))
	for i, e := range f.exts {
		out[i] = e.id
	}
	return out
}

// CallType is the type id of the outer call enum.
func (f *Format) CallType() metadata.TypeID { return f.callType }

func (f *Format) supports(v uint8) bool {
	vs := f.md.Extrinsic.Versions
	return slices.Contains(vs, v)
}

// AppendExtra appends the extensions' extrinsic data (era, nonce, tip, ...).
func (f *Format) AppendExtra(dst []byte, p *Params) ([]byte, error) {
	return appendExtras(&f.md.Types, f.exts, dst, p)
}

func appendExtras(reg *metadata.Registry, exts []extension, dst []byte, p *Params) ([]byte, error) {
	var err error
	for i := range exts {
		if dst, err = exts[i].appendExtra(reg, dst, p); err != nil {
			return dst, fmt.Errorf("extension %s: %w", exts[i].id, err)
		}
	}
	return dst, nil
}

// AppendAdditional appends the extensions' signed-only data (spec and
// transaction version, genesis hash, birth block hash, metadata hash, ...).
func (f *Format) AppendAdditional(dst []byte, p *Params) ([]byte, error) {
	var err error
	for i := range f.exts {
		if dst, err = f.exts[i].appendImplicit(&f.md.Types, dst, p); err != nil {
			return dst, fmt.Errorf("extension %s: %w", f.exts[i].id, err)
		}
	}
	return dst, nil
}

// SigningPayload returns call ‖ extra ‖ additional for a v4 signed extrinsic.
// Sign SigningBytes of it.
func (f *Format) SigningPayload(call []byte, p *Params) ([]byte, error) {
	out := make([]byte, 0, len(call)+128)
	out = append(out, call...)
	out, err := f.AppendExtra(out, p)
	if err != nil {
		return nil, err
	}
	return f.AppendAdditional(out, p)
}

// Unsigned returns a v4 unsigned (bare) extrinsic for call, with its length prefix.
func (f *Format) Unsigned(call []byte) []byte {
	body := make([]byte, 0, 1+len(call))
	body = append(append(body, v4Unsigned), call...)
	return withLength(body)
}

func withLength(body []byte) []byte {
	out := make([]byte, 0, scale.CompactLen(uint64(len(body)))+len(body))
	return append(scale.AppendCompact(out, uint64(len(body))), body...)
}

// Assemble builds a v4 signed extrinsic (with its length prefix) from its parts.
func (f *Format) Assemble(call []byte, from Address, sig Signature, extra []byte) ([]byte, error) {
	body := make([]byte, 0, 1+33+66+len(extra)+len(call))
	body = append(body, v4Signed)
	body, err := AppendAddress(body, from)
	if err != nil {
		return nil, err
	}
	if body, err = AppendSignature(body, sig); err != nil {
		return nil, err
	}
	body = append(body, extra...)
	body = append(body, call...)
	return withLength(body), nil
}

// Sign builds the signing payload for call, has s sign it, and returns the
// signed v4 extrinsic with its length prefix.
func (f *Format) Sign(call []byte, p *Params, s Signer) ([]byte, error) {
	if !f.multiAddr || !f.multiSig {
		return nil, fmt.Errorf("%w: ksm signs only with MultiAddress and MultiSignature", ErrUnsupportedSignature)
	}
	extra, err := f.AppendExtra(make([]byte, 0, 64), p)
	if err != nil {
		return nil, err
	}
	payload := make([]byte, 0, len(call)+len(extra)+128)
	payload = append(append(payload, call...), extra...)
	if payload, err = f.AppendAdditional(payload, p); err != nil {
		return nil, err
	}
	sig, err := s.Sign(SigningBytes(payload))
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return f.Assemble(call, IDAddress(s.AccountID()), Signature{Scheme: s.SignatureScheme(), Bytes: sig}, extra)
}
