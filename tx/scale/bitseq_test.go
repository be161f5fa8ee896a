package scale

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func bitsOf(s string) []bool {
	out := make([]bool, len(s))
	for i := range s {
		out[i] = s[i] == '1'
	}
	return out
}

// Vectors follow bitvec's layout as parity-scale-codec encodes it:
// bitvec![u8, Lsb0; 0, 0, 1] = 0x0c04 (3 bits, element 2 at bit 2);
// bitvec![u8, Msb0; 0, 0, 1] = 0x0c20 (element 2 at bit 5);
// a u32 store is written little-endian.
func TestBitSequenceVectors(t *testing.T) {
	tests := []struct {
		bits  string
		store int
		order BitOrder
		hex   string
	}{
		{"", 1, Lsb0, "00"},
		{"001", 1, Lsb0, "0c04"},
		{"001", 1, Msb0, "0c20"},
		{"10000000" + "1", 1, Lsb0, "240101"},
		{"10000000" + "1", 1, Msb0, "248080"},
		{"1", 4, Lsb0, "0401000000"},
		{"1", 4, Msb0, "0400000080"},
		{"0000000001", 2, Msb0, "284000"},
		{"1", 8, Lsb0, "040100000000000000"},
	}
	for _, tt := range tests {
		enc, err := AppendBitSequence(nil, bitsOf(tt.bits), tt.store, tt.order)
		if err != nil || hex.EncodeToString(enc) != tt.hex {
			t.Errorf("%s/%d/%d: %x, %v; want %s", tt.bits, tt.store, tt.order, enc, err, tt.hex)
			continue
		}
		d := NewDecoder(enc)
		got, err := d.BitSequence(tt.store, tt.order)
		if err != nil || d.Finish() != nil || len(got) != len(tt.bits) {
			t.Errorf("decode %s: %v %v", tt.hex, got, err)
			continue
		}
		for i := range got {
			if got[i] != (tt.bits[i] == '1') {
				t.Errorf("decode %s: bit %d", tt.hex, i)
			}
		}
	}
}

func TestBitSequenceErrors(t *testing.T) {
	for _, c := range []struct {
		hex   string
		store int
		want  error
	}{
		{"0c0f", 1, ErrBitPadding},         // bit 3 set beyond 3 bits
		{"24ff", 1, ErrLengthTooLarge},     // 9 bits need 2 bytes
		{"0401", 2, ErrLengthTooLarge},     // u16 store needs 2 bytes
		{"0b", 1, ErrUnexpectedEOF},        // truncated compact
		{"feffffff", 8, ErrLengthTooLarge}, // huge bit count
		{"00", 3, ErrOverflow},             // invalid store width
	} {
		b, _ := hex.DecodeString(c.hex)
		if _, err := NewDecoder(b).BitSequence(c.store, Lsb0); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.hex, err, c.want)
		}
	}
}

func FuzzBitSequence(f *testing.F) {
	f.Add([]byte{0x0c, 0x04}, uint8(0), false)
	f.Add([]byte{0x24, 0x01, 0x01}, uint8(0), true)
	f.Add([]byte{0x04, 0, 0, 0, 0x80}, uint8(2), true)
	f.Fuzz(func(t *testing.T, b []byte, storeSel uint8, msb bool) {
		store := 1 << (storeSel % 4)
		order := Lsb0
		if msb {
			order = Msb0
		}
		d := NewDecoder(b)
		bits, err := d.BitSequence(store, order)
		if err != nil {
			return
		}
		enc, err := AppendBitSequence(nil, bits, store, order)
		if err != nil || !bytes.Equal(enc, b[:d.Offset()]) {
			t.Fatalf("round trip %x -> %x (%v)", b[:d.Offset()], enc, err)
		}
	})
}
