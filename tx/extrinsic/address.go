package extrinsic

import (
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/scale"
)

// MultiAddress variant indices (sp_runtime::MultiAddress).
const (
	AddressID        = 0 // AccountId32
	AddressIndex     = 1 // Compact<AccountIndex>
	AddressRaw       = 2 // Vec<u8>
	AddressAddress32 = 3 // [u8; 32]
	AddressAddress20 = 4 // [u8; 20]
)

// Address is a decoded sp_runtime::MultiAddress. Kind is one of the Address*
// constants; ID holds the 32 bytes of Id and Address32 variants, Index the
// account index, Raw the bytes of Raw and Address20.
type Address struct {
	Kind  uint8
	ID    [32]byte
	Index uint64
	Raw   []byte
}

// IDAddress is MultiAddress::Id(id), the address ksm signs with.
func IDAddress(id [32]byte) Address { return Address{Kind: AddressID, ID: id} }

// AccountID returns the 32-byte account of Id and Address32 addresses.
func (a Address) AccountID() ([32]byte, bool) {
	if a.Kind == AddressID || a.Kind == AddressAddress32 {
		return a.ID, true
	}
	return [32]byte{}, false
}

// ErrUnsupportedAddress means an address variant or type ksm cannot use.
var ErrUnsupportedAddress = errors.New("extrinsic: unsupported address")

// AppendAddress appends the SCALE encoding of a.
func AppendAddress(dst []byte, a Address) ([]byte, error) {
	switch a.Kind {
	case AddressID, AddressAddress32:
		dst = append(dst, a.Kind)
		return append(dst, a.ID[:]...), nil
	case AddressIndex:
		return scale.AppendCompact(append(dst, a.Kind), a.Index), nil
	case AddressRaw:
		return scale.AppendBytes(append(dst, a.Kind), a.Raw), nil
	case AddressAddress20:
		if len(a.Raw) != 20 {
			return dst, fmt.Errorf("%w: Address20 with %d bytes", ErrUnsupportedAddress, len(a.Raw))
		}
		return append(append(dst, a.Kind), a.Raw...), nil
	}
	return dst, fmt.Errorf("%w: variant %d", ErrUnsupportedAddress, a.Kind)
}

// DecodeAddress reads a MultiAddress.
func DecodeAddress(d *scale.Decoder) (Address, error) {
	kind, err := d.U8()
	if err != nil {
		return Address{}, err
	}
	a := Address{Kind: kind}
	switch kind {
	case AddressID, AddressAddress32:
		err = d.Fixed(a.ID[:])
	case AddressIndex:
		a.Index, err = d.CompactU64()
	case AddressRaw:
		var b []byte
		b, err = d.Bytes()
		a.Raw = append([]byte(nil), b...)
	case AddressAddress20:
		var b []byte
		b, err = d.Take(20)
		a.Raw = append([]byte(nil), b...)
	default:
		return Address{}, fmt.Errorf("%w: variant %d", ErrUnsupportedAddress, kind)
	}
	return a, err
}

// ErrUnsupportedSignature means a signature variant or scheme ksm cannot use.
var ErrUnsupportedSignature = errors.New("extrinsic: unsupported signature")

// Signature schemes of sp_runtime::MultiSignature, by variant index.
var signatureSchemes = [...]struct {
	name string
	size int
}{{"ed25519", 64}, {"sr25519", 64}, {"ecdsa", 65}}

// Signature is a decoded sp_runtime::MultiSignature.
type Signature struct {
	Scheme string // "ed25519", "sr25519" or "ecdsa"
	Bytes  []byte // 64 bytes, or 65 for ecdsa
}

// SignatureType is the polkadot-js name of the variant: "Ed25519", "Sr25519", "Ecdsa".
func (s Signature) SignatureType() string {
	switch s.Scheme {
	case "ed25519":
		return "Ed25519"
	case "sr25519":
		return "Sr25519"
	case "ecdsa":
		return "Ecdsa"
	}
	return s.Scheme
}

// AppendSignature appends the MultiSignature encoding of s.
func AppendSignature(dst []byte, s Signature) ([]byte, error) {
	for i, sc := range signatureSchemes {
		if sc.name == s.Scheme {
			if len(s.Bytes) != sc.size {
				return dst, fmt.Errorf("%w: %s signature of %d bytes, want %d", ErrUnsupportedSignature, s.Scheme, len(s.Bytes), sc.size)
			}
			return append(append(dst, byte(i)), s.Bytes...), nil
		}
	}
	return dst, fmt.Errorf("%w: scheme %q", ErrUnsupportedSignature, s.Scheme)
}

// DecodeSignature reads a MultiSignature.
func DecodeSignature(d *scale.Decoder) (Signature, error) {
	v, err := d.U8()
	if err != nil {
		return Signature{}, err
	}
	if int(v) >= len(signatureSchemes) {
		return Signature{}, fmt.Errorf("%w: variant %d", ErrUnsupportedSignature, v)
	}
	sc := signatureSchemes[v]
	b, err := d.Take(sc.size)
	if err != nil {
		return Signature{}, err
	}
	return Signature{Scheme: sc.name, Bytes: append([]byte(nil), b...)}, nil
}
