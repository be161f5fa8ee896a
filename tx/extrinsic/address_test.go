package extrinsic_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/scale"
)

func TestAddressRoundTrip(t *testing.T) {
	addrs := []extrinsic.Address{
		extrinsic.IDAddress(id32(1)),
		{Kind: extrinsic.AddressIndex, Index: 300},
		{Kind: extrinsic.AddressRaw, Raw: []byte{1, 2, 3}},
		{Kind: extrinsic.AddressAddress32, ID: id32(9)},
		{Kind: extrinsic.AddressAddress20, Raw: bytes.Repeat([]byte{7}, 20)},
	}
	for _, a := range addrs {
		enc, err := extrinsic.AppendAddress(nil, a)
		if err != nil {
			t.Fatal(err)
		}
		d := scale.NewDecoder(enc)
		got, err := extrinsic.DecodeAddress(d)
		if err != nil || d.Remaining() != 0 || got.Kind != a.Kind || got.ID != a.ID || got.Index != a.Index || !bytes.Equal(got.Raw, a.Raw) {
			t.Errorf("%+v -> %x -> %+v (%v)", a, enc, got, err)
		}
	}
	if id, ok := addrs[0].AccountID(); !ok || id != id32(1) {
		t.Error("AccountID of Id")
	}
	if _, ok := addrs[1].AccountID(); ok {
		t.Error("AccountID of Index")
	}
	for _, bad := range [][]byte{{5}, {0, 1, 2}, {4, 1}} {
		if _, err := extrinsic.DecodeAddress(scale.NewDecoder(bad)); err == nil {
			t.Errorf("DecodeAddress(%x) succeeded", bad)
		}
	}
	if _, err := extrinsic.AppendAddress(nil, extrinsic.Address{Kind: 9}); !errors.Is(err, extrinsic.ErrUnsupportedAddress) {
		t.Errorf("variant 9: %v", err)
	}
}

func TestSignatureRoundTrip(t *testing.T) {
	for i, c := range []struct {
		scheme, pjs string
		size        int
	}{{"ed25519", "Ed25519", 64}, {"sr25519", "Sr25519", 64}, {"ecdsa", "Ecdsa", 65}} {
		s := extrinsic.Signature{Scheme: c.scheme, Bytes: bytes.Repeat([]byte{byte(i + 1)}, c.size)}
		enc, err := extrinsic.AppendSignature(nil, s)
		if err != nil || enc[0] != byte(i) || len(enc) != 1+c.size {
			t.Fatalf("%s: %x %v", c.scheme, enc, err)
		}
		got, err := extrinsic.DecodeSignature(scale.NewDecoder(enc))
		if err != nil || got.Scheme != c.scheme || !bytes.Equal(got.Bytes, s.Bytes) || got.SignatureType() != c.pjs {
			t.Errorf("%s: %+v %v", c.scheme, got, err)
		}
		s.Bytes = s.Bytes[1:]
		if _, err := extrinsic.AppendSignature(nil, s); !errors.Is(err, extrinsic.ErrUnsupportedSignature) {
			t.Errorf("%s with %d bytes: %v", c.scheme, len(s.Bytes), err)
		}
	}
	if _, err := extrinsic.DecodeSignature(scale.NewDecoder([]byte{3, 0})); !errors.Is(err, extrinsic.ErrUnsupportedSignature) {
		t.Errorf("variant 3: %v", err)
	}
	if _, err := extrinsic.AppendSignature(nil, extrinsic.Signature{Scheme: "bls"}); err == nil {
		t.Error("scheme bls accepted")
	}
}

// A signer that fails, or returns a signature of the wrong size, makes Sign fail.
type badSigner struct {
	edSigner
	sig []byte
	err error
}

func (b *badSigner) Sign([]byte) ([]byte, error) { return b.sig, b.err }

func TestSignErrors(t *testing.T) {
	f := loadFormat(t, "kusama-v15-spec1009002.scale")
	p := extrinsic.Params{GenesisHash: id32(1), BlockHash: id32(1)}
	call := []byte{0, 0, 0}
	if _, err := f.Sign(call, &p, &badSigner{edSigner: *newEdSigner("x"), err: errors.New("device unplugged")}); err == nil {
		t.Error("failing signer: no error")
	}
	if _, err := f.Sign(call, &p, &badSigner{edSigner: *newEdSigner("x"), sig: make([]byte, 63)}); !errors.Is(err, extrinsic.ErrUnsupportedSignature) {
		t.Errorf("short signature: %v", err)
	}
	p.BlockHash = id32(2) // immortal, but not the genesis hash
	if _, err := f.Sign(call, &p, newEdSigner("x")); !errors.Is(err, extrinsic.ErrMissingParam) {
		t.Errorf("immortal with a block hash: %v", err)
	}
	p = extrinsic.Params{GenesisHash: id32(1), BlockHash: id32(1), Era: extrinsic.Era{Mortal: true, Period: 5}}
	if _, err := f.Sign(call, &p, newEdSigner("x")); !errors.Is(err, extrinsic.ErrInvalidEra) {
		t.Errorf("bad era: %v", err)
	}
}
