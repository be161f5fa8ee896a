package scale

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/big"
	"testing"
)

func TestCompactRoundTrip(t *testing.T) {
	tests := []struct {
		v   uint64
		hex string
	}{
		{0, "00"}, {1, "04"}, {63, "fc"}, {64, "0101"}, {16383, "fdff"},
		{16384, "02000100"}, {1<<30 - 1, "feffffff"}, {1 << 30, "0300000040"},
		{1<<32 - 1, "03ffffffff"}, {1 << 32, "070000000001"},
		{1<<64 - 1, "13ffffffffffffffff"},
	}
	for _, tt := range tests {
		enc := AppendCompact(nil, tt.v)
		if hex.EncodeToString(enc) != tt.hex {
			t.Errorf("AppendCompact(%d) = %x, want %s", tt.v, enc, tt.hex)
		}
		if CompactLen(tt.v) != len(enc) {
			t.Errorf("CompactLen(%d) = %d, want %d", tt.v, CompactLen(tt.v), len(enc))
		}
		d := NewDecoder(enc)
		got, err := d.CompactU64()
		if err != nil || got != tt.v || d.Finish() != nil {
			t.Errorf("CompactU64(%s) = %d, %v", tt.hex, got, err)
		}
		gb, err := NewDecoder(enc).Compact()
		if err != nil || gb.Uint64() != tt.v {
			t.Errorf("Compact(%s) = %v, %v", tt.hex, gb, err)
		}
	}
}

func TestCompactRefusesNonCanonical(t *testing.T) {
	for _, h := range []string{"0100", "02000000", "0300000000", "03ffffff3f", "070000000000"} {
		b, _ := hex.DecodeString(h)
		if _, err := NewDecoder(b).CompactU64(); !errors.Is(err, ErrNonCanonical) {
			t.Errorf("CompactU64(%s) err = %v, want ErrNonCanonical", h, err)
		}
		if _, err := NewDecoder(b).Compact(); !errors.Is(err, ErrNonCanonical) {
			t.Errorf("Compact(%s) err = %v, want ErrNonCanonical", h, err)
		}
	}
}

func TestCompactBig(t *testing.T) {
	v, _ := new(big.Int).SetString("340282366920938463463374607431768211455", 10) // u128 max
	enc, err := AppendCompactBig(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	got, err := NewDecoder(enc).Compact()
	if err != nil || got.Cmp(v) != 0 {
		t.Fatalf("round trip = %v, %v", got, err)
	}
	if _, err := NewDecoder(enc).CompactU64(); !errors.Is(err, ErrOverflow) {
		t.Errorf("CompactU64 of u128 max: err = %v, want ErrOverflow", err)
	}
}

func TestSignedInts(t *testing.T) {
	for _, s := range []int64{0, 1, -1, 127, -128, 1 << 40, -(1 << 40)} {
		enc, err := AppendInt(nil, big.NewInt(s), 16)
		if err != nil {
			t.Fatal(err)
		}
		got, err := NewDecoder(enc).Int(16)
		if err != nil || got.Int64() != s {
			t.Errorf("i128 %d round trip = %v, %v", s, got, err)
		}
	}
	if _, err := AppendInt(nil, big.NewInt(128), 1); !errors.Is(err, ErrOverflow) {
		t.Errorf("i8 128: err = %v", err)
	}
	if _, err := AppendUint(nil, big.NewInt(-1), 4); !errors.Is(err, ErrOverflow) {
		t.Errorf("u32 -1: err = %v", err)
	}
}

func TestLengthPrefixIsChecked(t *testing.T) {
	// Claims 2^30 items with 4 bytes of input: must fail before allocating.
	b := AppendCompact(nil, 1<<30)
	if _, err := NewDecoder(b).Bytes(); !errors.Is(err, ErrLengthTooLarge) {
		t.Errorf("Bytes err = %v, want ErrLengthTooLarge", err)
	}
	if _, err := NewDecoder(append(AppendCompact(nil, 3), 1, 2, 3, 4)).Len(2); !errors.Is(err, ErrLengthTooLarge) {
		t.Errorf("Len(2) err = %v, want ErrLengthTooLarge", err)
	}
}

func TestBoolOptionString(t *testing.T) {
	if _, err := NewDecoder([]byte{2}).Bool(); !errors.Is(err, ErrInvalidBool) {
		t.Errorf("Bool(2) err = %v", err)
	}
	if _, err := NewDecoder([]byte{2}).OptionTag(); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("OptionTag(2) err = %v", err)
	}
	enc := AppendString(nil, "Kusama")
	s, err := NewDecoder(enc).String()
	if err != nil || s != "Kusama" {
		t.Errorf("String = %q, %v", s, err)
	}
	if _, err := NewDecoder(AppendBytes(nil, []byte{0xff})).String(); !errors.Is(err, ErrInvalidUTF8) {
		t.Errorf("String(0xff) err = %v", err)
	}
	if !bytes.Equal(AppendBytes(nil, []byte{1, 2}), []byte{8, 1, 2}) {
		t.Error("AppendBytes")
	}
}

func FuzzCompact(f *testing.F) {
	for _, s := range []string{"00", "0101", "02000100", "0300000040", "13ffffffffffffffff", "ff"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d := NewDecoder(b)
		v, err := d.Compact()
		if err != nil {
			return
		}
		enc, err := AppendCompactBig(nil, v)
		if err != nil {
			t.Fatalf("re-encode %v: %v", v, err)
		}
		if !bytes.Equal(enc, b[:d.Offset()]) {
			t.Fatalf("decode(%x) = %v re-encodes to %x", b[:d.Offset()], v, enc)
		}
	})
}
