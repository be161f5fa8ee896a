package scale

import (
	"errors"
	"fmt"
)

// ErrBitPadding means the unused bits of a bit sequence's last store word
// were not zero (bitvec never produces that, so it is refused as
// non-canonical).
var ErrBitPadding = errors.New("scale: non-zero padding bits in bit sequence")

// BitOrder is the bit order of a bitvec::BitVec: which bit of a store word
// holds the first element.
type BitOrder uint8

// Bit orders, as bitvec's Lsb0 and Msb0.
const (
	Lsb0 BitOrder = iota
	Msb0
)

// bitPos returns the byte offset and mask of bit i for a store word of
// storeBytes bytes (little-endian) and the given order.
func bitPos(i, storeBytes int, order BitOrder) (int, byte) {
	w := 8 * storeBytes
	p := i % w
	if order == Msb0 {
		p = w - 1 - p
	}
	return (i/w)*storeBytes + p/8, 1 << uint(p%8)
}

func validStore(storeBytes int) bool {
	return storeBytes == 1 || storeBytes == 2 || storeBytes == 4 || storeBytes == 8
}

// BitSequence decodes a bitvec::BitVec<Store, Order> as SCALE encodes it: a
// compact number of bits, then the store words holding them (storeBytes 1,
// 2, 4 or 8 for u8, u16, u32, u64), each little-endian.
func (d *Decoder) BitSequence(storeBytes int, order BitOrder) ([]bool, error) {
	if !validStore(storeBytes) {
		return nil, fmt.Errorf("%w: bit store of %d bytes", ErrOverflow, storeBytes)
	}
	start := d.off
	n, err := d.CompactU64()
	if err != nil {
		return nil, err
	}
	wbits := uint64(8 * storeBytes)
	words := (n + wbits - 1) / wbits
	if words > uint64(d.Remaining()/storeBytes) {
		d.off = start
		return nil, fmt.Errorf("%w: %d bits at offset %d, %d bytes remain", ErrLengthTooLarge, n, start, d.Remaining())
	}
	raw, err := d.Take(int(words) * storeBytes)
	if err != nil {
		return nil, err
	}
	bits := make([]bool, n)
	for i := range bits {
		off, mask := bitPos(i, storeBytes, order)
		bits[i] = raw[off]&mask != 0
	}
	for i := int(n); i < int(words*wbits); i++ {
		off, mask := bitPos(i, storeBytes, order)
		if raw[off]&mask != 0 {
			return nil, fmt.Errorf("%w at offset %d", ErrBitPadding, start)
		}
	}
	return bits, nil
}

// AppendBitSequence appends bits as a bitvec::BitVec<Store, Order> with
// store words of storeBytes bytes (1, 2, 4 or 8); unused bits are zero.
func AppendBitSequence(dst []byte, bits []bool, storeBytes int, order BitOrder) ([]byte, error) {
	if !validStore(storeBytes) {
		return dst, fmt.Errorf("%w: bit store of %d bytes", ErrOverflow, storeBytes)
	}
	dst = AppendCompact(dst, uint64(len(bits)))
	wbits := 8 * storeBytes
	words := (len(bits) + wbits - 1) / wbits
	base := len(dst)
	dst = append(dst, make([]byte, words*storeBytes)...)
	for i, b := range bits {
		if b {
			off, mask := bitPos(i, storeBytes, order)
			dst[base+off] |= mask
		}
	}
	return dst, nil
}
