package extrinsic

import (
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Decoded is an extrinsic taken apart.
type Decoded struct {
	// Version is the extrinsic format version, 4 or 5.
	Version uint8
	// Signed is true for a v4 signed extrinsic.
	Signed bool
	// General is true for a v5 general transaction (extensions, no signature
	// in the envelope); ExtensionVersion is then its extension version.
	General          bool
	ExtensionVersion uint8
	// Address and Signature of a signed extrinsic (MultiAddress and
	// MultiSignature runtimes); AddressRaw and SignatureRaw hold their
	// encodings in every case.
	Address      *Address
	Signature    *Signature
	AddressRaw   []byte
	SignatureRaw []byte
	// Extra holds what the extensions carried (signed and general only).
	Extra Extra
	// ExtraRaw is the encoding of each extension's data, in order.
	ExtraRaw [][]byte
	// Call is the encoded call.
	Call []byte
}

// Payload is a v4 signing payload taken apart.
type Payload struct {
	Call       []byte
	Extra      Extra
	Additional Additional
}

// ErrUnsupportedVersion means an extrinsic version or format the metadata does not declare.
var ErrUnsupportedVersion = errors.New("extrinsic: unsupported extrinsic version")

// ErrBadLength means an extrinsic's length prefix disagrees with its content.
var ErrBadLength = errors.New("extrinsic: length prefix does not match content")

// Decode decodes an extrinsic as found in a block body: its compact length
// prefix, which must match the rest exactly, then the content.
func (f *Format) Decode(b []byte) (*Decoded, error) {
	d := scale.NewDecoder(b)
	n, err := d.CompactU64()
	if err != nil {
		return nil, fmt.Errorf("extrinsic length: %w", err)
	}
	if n != uint64(d.Remaining()) {
		return nil, fmt.Errorf("%w: prefix %d, %d bytes follow", ErrBadLength, n, d.Remaining())
	}
	return f.DecodeBody(d.Rest())
}

// DecodeBody decodes an extrinsic without its length prefix.
func (f *Format) DecodeBody(b []byte) (*Decoded, error) {
	reg := &f.md.Types
	d := scale.NewDecoder(b)
	vb, err := d.U8()
	if err != nil {
		return nil, fmt.Errorf("extrinsic version: %w", err)
	}
	x := &Decoded{Version: vb & 0x3f}
	if !f.supports(x.Version) {
		return nil, fmt.Errorf("%w: version byte 0x%02x (runtime supports %v)", ErrUnsupportedVersion, vb, f.md.Extrinsic.Versions)
	}
	exts := f.exts
	switch vb {
	case v4Unsigned, v5Bare:
	case v4Signed:
		x.Signed = true
		if x.AddressRaw, x.Address, err = f.readAddress(d); err != nil {
			return nil, fmt.Errorf("extrinsic signer: %w", err)
		}
		if x.SignatureRaw, x.Signature, err = f.readSignature(d); err != nil {
			return nil, fmt.Errorf("extrinsic signature: %w", err)
		}
	case v5General:
		x.General = true
		if x.ExtensionVersion, err = d.U8(); err != nil {
			return nil, fmt.Errorf("extension version: %w", err)
		}
		var ok bool
		if exts, ok = f.byVersion[x.ExtensionVersion]; !ok {
			return nil, fmt.Errorf("%w: extension version %d", ErrUnsupportedVersion, x.ExtensionVersion)
		}
	default:
		return nil, fmt.Errorf("%w: version byte 0x%02x", ErrUnsupportedVersion, vb)
	}
	if x.Signed || x.General {
		x.ExtraRaw = make([][]byte, len(exts))
		for i := range exts {
			before := d.Rest()
			if err := exts[i].readExtra(reg, d, &x.Extra); err != nil {
				return nil, fmt.Errorf("extension %s: %w", exts[i].id, err)
			}
			x.ExtraRaw[i] = before[:len(before)-d.Remaining()]
		}
	}
	before := d.Rest()
	if err := skipValue(reg, d, f.callType, 0); err != nil {
		return nil, fmt.Errorf("call: %w", err)
	}
	x.Call = before[:len(before)-d.Remaining()]
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("after call: %w", err)
	}
	return x, nil
}

func (f *Format) readAddress(d *scale.Decoder) ([]byte, *Address, error) {
	return readKnown(f, d, f.multiAddr, DecodeAddress, f.md.Extrinsic.AddressType)
}

func (f *Format) readSignature(d *scale.Decoder) ([]byte, *Signature, error) {
	return readKnown(f, d, f.multiSig, DecodeSignature, f.md.Extrinsic.SignatureType)
}

// readKnown reads a value of the metadata type typ and returns its bytes:
// decoded by decode when known is set (the type is the one decode knows),
// skipped by its type otherwise (nil value).
func readKnown[T any](f *Format, d *scale.Decoder, known bool, decode func(*scale.Decoder) (T, error), typ metadata.TypeID) ([]byte, *T, error) {
	before := d.Rest()
	var v *T
	if known {
		x, err := decode(d)
		if err != nil {
			return nil, nil, err
		}
		v = &x
	} else if err := skipValue(&f.md.Types, d, typ, 0); err != nil {
		return nil, nil, err
	}
	return before[:len(before)-d.Remaining()], v, nil
}

// Encode re-encodes a decoded extrinsic, with its length prefix. The known
// extensions' data is rebuilt from x.Extra, the others' from x.ExtraRaw.
func (f *Format) Encode(x *Decoded) ([]byte, error) {
	var body []byte
	exts := f.exts
	switch {
	case x.Version == 4 && x.Signed:
		body = append(body, v4Signed)
		var err error
		if x.Address != nil {
			if body, err = AppendAddress(body, *x.Address); err != nil {
				return nil, err
			}
		} else {
			body = append(body, x.AddressRaw...)
		}
		if x.Signature != nil {
			if body, err = AppendSignature(body, *x.Signature); err != nil {
				return nil, err
			}
		} else {
			body = append(body, x.SignatureRaw...)
		}
	case x.Version == 4:
		body = append(body, v4Unsigned)
	case x.Version == 5 && x.General:
		body = append(body, v5General, x.ExtensionVersion)
		exts = f.byVersion[x.ExtensionVersion]
	case x.Version == 5:
		body = append(body, v5Bare)
	default:
		return nil, fmt.Errorf("%w: version %d", ErrUnsupportedVersion, x.Version)
	}
	if x.Signed || x.General {
		if len(x.ExtraRaw) != len(exts) {
			return nil, fmt.Errorf("%w: %d extension parts for %d extensions", ErrMetadata, len(x.ExtraRaw), len(exts))
		}
		p := &Params{Era: x.Extra.Era, Nonce: x.Extra.Nonce, Tip: x.Extra.Tip}
		if x.Extra.MetadataHashMode == 1 {
			p.MetadataHash = &[32]byte{}
		}
		for i := range exts {
			e := &exts[i]
			if e.kind == extOther || e.kind == extAssetTip || e.extraLeaf == nil || (e.kind == extMetadataHash && x.Extra.MetadataHashMode > 1) {
				body = append(body, x.ExtraRaw[i]...)
				continue
			}
			var err error
			if body, err = e.appendExtra(&f.md.Types, body, p); err != nil {
				return nil, fmt.Errorf("extension %s: %w", e.id, err)
			}
		}
	}
	body = append(body, x.Call...)
	return withLength(body), nil
}

// DecodePayload decodes a v4 signing payload: call ‖ extra ‖ additional (not
// its hash), which must end exactly after the additional data.
func (f *Format) DecodePayload(b []byte) (*Payload, error) {
	reg := &f.md.Types
	d := scale.NewDecoder(b)
	p := &Payload{}
	if err := skipValue(reg, d, f.callType, 0); err != nil {
		return nil, fmt.Errorf("call: %w", err)
	}
	p.Call = b[:d.Offset()]
	for i := range f.exts {
		if err := f.exts[i].readExtra(reg, d, &p.Extra); err != nil {
			return nil, fmt.Errorf("extension %s: %w", f.exts[i].id, err)
		}
	}
	for i := range f.exts {
		if err := f.exts[i].readImplicit(reg, d, &p.Additional); err != nil {
			return nil, fmt.Errorf("extension %s additional data: %w", f.exts[i].id, err)
		}
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("signing payload: %w", err)
	}
	return p, nil
}

// Params returns the signing parameters a payload carries, so the same
// payload can be rebuilt with SigningPayload.
func (p *Payload) Params() *Params {
	out := &Params{
		SpecVersion: p.Additional.SpecVersion, TxVersion: p.Additional.TxVersion,
		GenesisHash: p.Additional.GenesisHash, BlockHash: p.Additional.BlockHash,
		Era: p.Extra.Era, Nonce: p.Extra.Nonce, Tip: p.Extra.Tip, MetadataHash: p.Additional.MetadataHash,
	}
	if !p.Additional.HasBlockHash {
		out.BlockHash = out.GenesisHash
	}
	return out
}
