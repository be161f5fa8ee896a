package scale

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"unicode/utf8"
)

// Decoder reads SCALE values from an in-memory byte slice.
// The zero value decodes nothing; use NewDecoder.
type Decoder struct {
	buf []byte
	off int
}

// NewDecoder returns a Decoder reading b. The Decoder does not copy b; slices
// it returns alias b unless documented otherwise.
func NewDecoder(b []byte) *Decoder { return &Decoder{buf: b} }

// Offset is the number of bytes consumed so far.
func (d *Decoder) Offset() int { return d.off }

// Remaining is the number of bytes not yet consumed.
func (d *Decoder) Remaining() int { return len(d.buf) - d.off }

// Rest returns the unconsumed bytes without consuming them.
func (d *Decoder) Rest() []byte { return d.buf[d.off:] }

// ErrTrailingBytes means input remained after a complete value.
var ErrTrailingBytes = errors.New("scale: trailing bytes after value")

// Finish returns ErrTrailingBytes if any input remains.
func (d *Decoder) Finish() error {
	if n := d.Remaining(); n != 0 {
		return fmt.Errorf("%w: %d bytes at offset %d", ErrTrailingBytes, n, d.off)
	}
	return nil
}

// ErrUnexpectedEOF means the input ended before the value did.
var ErrUnexpectedEOF = errors.New("scale: unexpected end of input")

// Take consumes and returns the next n bytes (aliasing the input).
func (d *Decoder) Take(n int) ([]byte, error) {
	if n < 0 || n > d.Remaining() {
		return nil, fmt.Errorf("%w: need %d bytes at offset %d, have %d", ErrUnexpectedEOF, n, d.off, d.Remaining())
	}
	b := d.buf[d.off : d.off+n]
	d.off += n
	return b, nil
}

// Fixed consumes exactly len(dst) bytes into dst.
func (d *Decoder) Fixed(dst []byte) error {
	b, err := d.Take(len(dst))
	if err != nil {
		return err
	}
	copy(dst, b)
	return nil
}

// U8 decodes a u8.
func (d *Decoder) U8() (uint8, error) {
	b, err := d.Take(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// U16 decodes a little-endian u16.
func (d *Decoder) U16() (uint16, error) {
	b, err := d.Take(2)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint16(b), nil
}

// U32 decodes a little-endian u32.
func (d *Decoder) U32() (uint32, error) {
	b, err := d.Take(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

// U64 decodes a little-endian u64.
func (d *Decoder) U64() (uint64, error) {
	b, err := d.Take(8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

// Uint decodes an unsigned little-endian integer of size bytes (16 for u128,
// 32 for u256) as a big.Int.
func (d *Decoder) Uint(size int) (*big.Int, error) {
	b, err := d.Take(size)
	if err != nil {
		return nil, err
	}
	return LEToBig(b), nil
}

// Int decodes a two's-complement signed little-endian integer of size bytes.
func (d *Decoder) Int(size int) (*big.Int, error) {
	b, err := d.Take(size)
	if err != nil {
		return nil, err
	}
	v := LEToBig(b)
	if size > 0 && b[size-1]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*size)))
	}
	return v, nil
}

// ErrInvalidBool means a bool byte was neither 0 nor 1.
var ErrInvalidBool = errors.New("scale: invalid bool byte")

// Bool decodes a bool, refusing bytes other than 0 and 1.
func (d *Decoder) Bool() (bool, error) { return d.flag(ErrInvalidBool) }

// ErrInvalidOption means an option tag was neither 0 nor 1.
var ErrInvalidOption = errors.New("scale: invalid option tag")

// OptionTag decodes the tag of an Option: false for None, true for Some.
func (d *Decoder) OptionTag() (bool, error) { return d.flag(ErrInvalidOption) }

// flag decodes a byte that must be 0 (false) or 1 (true), failing with
// invalid otherwise.
func (d *Decoder) flag(invalid error) (bool, error) {
	b, err := d.U8()
	if err != nil {
		return false, err
	}
	switch b {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, fmt.Errorf("%w: 0x%02x at offset %d", invalid, b, d.off-1)
}

// ErrNonCanonical means a compact integer was not in its shortest form.
var ErrNonCanonical = errors.New("scale: non-canonical compact encoding")

// Compact decodes a compact integer of any size as a big.Int, refusing
// non-canonical encodings.
func (d *Decoder) Compact() (*big.Int, error) {
	start := d.off
	b0, err := d.U8()
	if err != nil {
		return nil, err
	}
	n := int(b0>>2) + 4
	if b0&3 != 3 || n <= 8 {
		d.off = start
		v, err := d.CompactU64()
		if err != nil {
			return nil, err
		}
		return new(big.Int).SetUint64(v), nil
	}
	// More than 8 bytes: at least 2^64, canonical unless the top byte is 0.
	b, err := d.bigModeBytes(n, start)
	if err != nil {
		return nil, err
	}
	return LEToBig(b), nil
}

// bigModeBytes takes the n bytes of a compact integer in big-integer mode
// that started at offset start, refusing a zero top byte (non-canonical).
func (d *Decoder) bigModeBytes(n, start int) ([]byte, error) {
	b, err := d.Take(n)
	if err != nil {
		return nil, err
	}
	if b[n-1] == 0 {
		return nil, fmt.Errorf("%w: big-integer mode with a zero top byte at offset %d", ErrNonCanonical, start)
	}
	return b, nil
}

// CompactU64 decodes a compact integer that must fit a u64, refusing
// non-canonical encodings.
func (d *Decoder) CompactU64() (uint64, error) {
	start := d.off
	b0, err := d.U8()
	if err != nil {
		return 0, err
	}
	mode := b0 & 3
	if mode == 0 {
		return uint64(b0 >> 2), nil
	}
	if mode == 1 || mode == 2 {
		// Two-byte or four-byte mode: little-endian, the mode in the low two bits.
		size := 2 * int(mode)
		rest, err := d.Take(size - 1)
		if err != nil {
			return 0, err
		}
		v := (uint64(b0) | leUint64(rest)<<8) >> 2
		if v < 1<<(4*size-2) {
			return 0, fmt.Errorf("%w: %d in %s mode at offset %d", ErrNonCanonical, v, [3]string{1: "two-byte", 2: "four-byte"}[mode], start)
		}
		return v, nil
	}
	n := int(b0>>2) + 4
	if n > 8 {
		return 0, fmt.Errorf("%w: compact of %d bytes does not fit u64 at offset %d", ErrOverflow, n, start)
	}
	b, err := d.bigModeBytes(n, start)
	if err != nil {
		return 0, err
	}
	v := leUint64(b)
	if v < 1<<30 {
		return 0, fmt.Errorf("%w: %d in big-integer mode at offset %d", ErrNonCanonical, v, start)
	}
	return v, nil
}

// leUint64 reads up to 8 little-endian bytes.
func leUint64(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// CompactU32 decodes a compact integer that must fit a u32.
func (d *Decoder) CompactU32() (uint32, error) {
	start := d.off
	v, err := d.CompactU64()
	if err != nil {
		return 0, err
	}
	if v > 0xffffffff {
		return 0, fmt.Errorf("%w: compact %d does not fit u32 at offset %d", ErrOverflow, v, start)
	}
	return uint32(v), nil
}

// ErrLengthTooLarge means a length prefix claims more items than the input can hold.
var ErrLengthTooLarge = errors.New("scale: length prefix larger than remaining input")

// Len decodes a compact length prefix for a sequence whose items occupy at
// least minItemSize bytes each, and refuses lengths the remaining input cannot
// hold. Use minItemSize 0 only for sequences of zero-sized items, whose length
// is then capped at maxZeroSized.
func (d *Decoder) Len(minItemSize int) (int, error) {
	start := d.off
	v, err := d.CompactU64()
	if err != nil {
		return 0, err
	}
	const maxZeroSized = 1 << 20
	limit := uint64(maxZeroSized)
	if minItemSize > 0 {
		limit = uint64(d.Remaining() / minItemSize)
	}
	if v > limit {
		return 0, fmt.Errorf("%w: %d items at offset %d, %d bytes remain", ErrLengthTooLarge, v, start, d.Remaining())
	}
	return int(v), nil
}

// Bytes decodes a compact-length-prefixed byte vector (Vec<u8>), aliasing the input.
func (d *Decoder) Bytes() ([]byte, error) {
	n, err := d.Len(1)
	if err != nil {
		return nil, err
	}
	return d.Take(n)
}

// ErrInvalidUTF8 means a str value was not valid UTF-8.
var ErrInvalidUTF8 = errors.New("scale: string is not valid UTF-8")

// String decodes a str (compact-length-prefixed UTF-8).
func (d *Decoder) String() (string, error) {
	start := d.off
	b, err := d.Bytes()
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("%w at offset %d", ErrInvalidUTF8, start)
	}
	return string(b), nil
}

// LEToBig interprets b as an unsigned little-endian integer.
func LEToBig(b []byte) *big.Int {
	be := make([]byte, len(b))
	for i := range b {
		be[len(b)-1-i] = b[i]
	}
	return new(big.Int).SetBytes(be)
}
