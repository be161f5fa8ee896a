package scale

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
)

// AppendU8 appends a u8.
func AppendU8(dst []byte, v uint8) []byte { return append(dst, v) }

// AppendU16 appends a little-endian u16.
func AppendU16(dst []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(dst, v) }

// AppendU32 appends a little-endian u32.
func AppendU32(dst []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(dst, v) }

// AppendU64 appends a little-endian u64.
func AppendU64(dst []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(dst, v) }

// AppendBool appends a bool as one byte.
func AppendBool(dst []byte, v bool) []byte {
	if v {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// ErrOverflow means a value does not fit the requested Go type.
var ErrOverflow = errors.New("scale: value overflows target type")

// AppendUint appends a non-negative v as a little-endian integer of size bytes
// (16 for u128, 32 for u256). It fails when v is negative or does not fit.
func AppendUint(dst []byte, v *big.Int, size int) ([]byte, error) {
	if v.Sign() < 0 || v.BitLen() > 8*size {
		return dst, fmt.Errorf("%w: %s does not fit an unsigned %d-bit integer", ErrOverflow, v, 8*size)
	}
	return appendLE(dst, v, size), nil
}

// AppendInt appends v as a two's-complement little-endian integer of size bytes.
func AppendInt(dst []byte, v *big.Int, size int) ([]byte, error) {
	bits := uint(8 * size)
	lo := new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), bits-1))
	hi := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), bits-1), big.NewInt(1))
	if v.Cmp(lo) < 0 || v.Cmp(hi) > 0 {
		return dst, fmt.Errorf("%w: %s does not fit a signed %d-bit integer", ErrOverflow, v, bits)
	}
	u := new(big.Int).Set(v)
	if u.Sign() < 0 {
		u.Add(u, new(big.Int).Lsh(big.NewInt(1), bits))
	}
	return appendLE(dst, u, size), nil
}

func appendLE(dst []byte, v *big.Int, size int) []byte {
	be := v.Bytes()
	for i := 0; i < size; i++ {
		if i < len(be) {
			dst = append(dst, be[len(be)-1-i])
		} else {
			dst = append(dst, 0)
		}
	}
	return dst
}

// AppendCompact appends v as a compact integer.
func AppendCompact(dst []byte, v uint64) []byte {
	switch {
	case v < 1<<6:
		return append(dst, byte(v)<<2)
	case v < 1<<14:
		return binary.LittleEndian.AppendUint16(dst, uint16(v)<<2|1)
	case v < 1<<30:
		return binary.LittleEndian.AppendUint32(dst, uint32(v)<<2|2)
	}
	n := (bitsLen64(v) + 7) / 8
	dst = append(dst, byte(n-4)<<2|3)
	for i := 0; i < n; i++ {
		dst = append(dst, byte(v>>(8*i)))
	}
	return dst
}

// AppendCompactBig appends a non-negative v (up to 2^536-1) as a compact integer.
func AppendCompactBig(dst []byte, v *big.Int) ([]byte, error) {
	if v.Sign() < 0 {
		return dst, fmt.Errorf("%w: compact of negative %s", ErrOverflow, v)
	}
	if v.IsUint64() {
		return AppendCompact(dst, v.Uint64()), nil
	}
	n := (v.BitLen() + 7) / 8
	if n > 67 {
		return dst, fmt.Errorf("%w: %d-byte integer exceeds the compact limit", ErrOverflow, n)
	}
	dst = append(dst, byte(n-4)<<2|3)
	return appendLE(dst, v, n), nil
}

// AppendBytes appends b with its compact length prefix (Vec<u8>, str).
func AppendBytes(dst, b []byte) []byte {
	dst = AppendCompact(dst, uint64(len(b)))
	return append(dst, b...)
}

// AppendString appends s as a SCALE str.
func AppendString(dst []byte, s string) []byte {
	dst = AppendCompact(dst, uint64(len(s)))
	return append(dst, s...)
}

// CompactLen returns the encoded size of v as a compact integer.
func CompactLen(v uint64) int {
	switch {
	case v < 1<<6:
		return 1
	case v < 1<<14:
		return 2
	case v < 1<<30:
		return 4
	}
	return 1 + (bitsLen64(v)+7)/8
}

func bitsLen64(v uint64) int {
	n := 0
	for v != 0 {
		n++
		v >>= 1
	}
	return n
}
