// Package hash provides the hash functions Substrate chains use: blake2b at
// 128, 256 and 512 bits, xxHash-based twox at 64, 128 and 256 bits, keccak-256,
// and the storage hashers that build storage keys.
package hash

import (
	"encoding/binary"
	"fmt"

	"github.com/cespare/xxhash/v2"
	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/sha3"
)

// Blake2b128 returns the 16-byte blake2b digest of data.
func Blake2b128(data ...[]byte) [16]byte {
	var out [16]byte
	blake2bInto(out[:], data)
	return out
}

// Blake2b256 returns the 32-byte blake2b digest of data.
func Blake2b256(data ...[]byte) [32]byte {
	var out [32]byte
	blake2bInto(out[:], data)
	return out
}

// Blake2b512 returns the 64-byte blake2b digest of data.
func Blake2b512(data ...[]byte) [64]byte {
	var out [64]byte
	blake2bInto(out[:], data)
	return out
}

func blake2bInto(out []byte, data [][]byte) {
	h, err := blake2b.New(len(out), nil)
	if err != nil {
		panic(err) // unreachable: sizes are constants in 1..64
	}
	for _, d := range data {
		h.Write(d)
	}
	h.Sum(out[:0])
}

// Twox64 returns xxHash64 of data with seed 0, little-endian.
func Twox64(data []byte) [8]byte {
	var out [8]byte
	twoxInto(out[:], data)
	return out
}

// Twox128 returns xxHash64 with seeds 0 and 1, concatenated little-endian.
func Twox128(data []byte) [16]byte {
	var out [16]byte
	twoxInto(out[:], data)
	return out
}

// Twox256 returns xxHash64 with seeds 0..3, concatenated little-endian.
func Twox256(data []byte) [32]byte {
	var out [32]byte
	twoxInto(out[:], data)
	return out
}

func twoxInto(out []byte, data []byte) {
	for i := 0; i*8 < len(out); i++ {
		d := xxhash.NewWithSeed(uint64(i))
		d.Write(data)
		binary.LittleEndian.PutUint64(out[i*8:], d.Sum64())
	}
}

// Keccak256 returns the legacy Keccak-256 digest (as Ethereum uses it) of data.
func Keccak256(data ...[]byte) [32]byte {
	h := sha3.NewLegacyKeccak256()
	for _, d := range data {
		h.Write(d)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// Hasher is a storage hasher as named in runtime metadata.
type Hasher uint8

// The storage hashers, in the order of their metadata enum indices.
const (
	Blake2_128 Hasher = iota
	Blake2_256
	Blake2_128Concat
	Twox128Hasher
	Twox256Hasher
	Twox64Concat
	Identity
)

var hasherNames = [...]string{"Blake2_128", "Blake2_256", "Blake2_128Concat", "Twox128", "Twox256", "Twox64Concat", "Identity"}

// String returns the metadata name of h.
func (h Hasher) String() string {
	if int(h) < len(hasherNames) {
		return hasherNames[h]
	}
	return fmt.Sprintf("Hasher(%d)", uint8(h))
}

// HasherByName returns the hasher with the given metadata name.
func HasherByName(name string) (Hasher, error) {
	for i, n := range hasherNames {
		if n == name {
			return Hasher(i), nil
		}
	}
	return 0, fmt.Errorf("unknown storage hasher %q", name)
}

// Valid reports whether h is a known hasher.
func (h Hasher) Valid() bool { return int(h) < len(hasherNames) }

// HashLen is the length of the hash part (without the concatenated input).
func (h Hasher) HashLen() int {
	switch h {
	case Blake2_128, Blake2_128Concat, Twox128Hasher:
		return 16
	case Blake2_256, Twox256Hasher:
		return 32
	case Twox64Concat:
		return 8
	}
	return 0
}

// Concat reports whether the hasher appends its input after the hash, so the
// input can be read back from a storage key.
func (h Hasher) Concat() bool {
	return h == Blake2_128Concat || h == Twox64Concat || h == Identity
}

// Append appends the hash of data (and data itself for concat hashers) to dst.
func (h Hasher) Append(dst, data []byte) []byte {
	switch h {
	case Blake2_128:
		s := Blake2b128(data)
		return append(dst, s[:]...)
	case Blake2_256:
		s := Blake2b256(data)
		return append(dst, s[:]...)
	case Blake2_128Concat:
		s := Blake2b128(data)
		return append(append(dst, s[:]...), data...)
	case Twox128Hasher:
		s := Twox128(data)
		return append(dst, s[:]...)
	case Twox256Hasher:
		s := Twox256(data)
		return append(dst, s[:]...)
	case Twox64Concat:
		s := Twox64(data)
		return append(append(dst, s[:]...), data...)
	case Identity:
		return append(dst, data...)
	}
	panic(fmt.Sprintf("hash: invalid hasher %d", uint8(h)))
}
