// Package ss58 encodes and decodes SS58 addresses, the base58 account format
// of Substrate chains.
//
// An address is base58(prefix || payload || checksum) where prefix is the
// network identifier in one byte (0–63) or two bytes (64–16383), payload is
// usually a 32-byte account id (33 bytes for a raw ecdsa public key), and
// checksum is the first bytes of blake2b-512("SS58PRE" || prefix || payload).
// Decode always verifies the checksum; DecodeFor also refuses an address of
// another network and names both prefixes in its error.
package ss58

import (
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/hash"
)

// MaxPrefix is the largest network identifier SS58 can express.
const MaxPrefix = 16383

var (
	// ErrBadLength means the decoded address has a length SS58 does not define.
	ErrBadLength = errors.New("invalid SS58 address length")
	// ErrBadPrefix means the network identifier bytes are malformed or out of range.
	ErrBadPrefix = errors.New("invalid SS58 network prefix")
)

var ss58Pre = []byte("SS58PRE")

// checksumLen is the checksum length for a payload of n bytes, 0 if n is not
// a length SS58 defines.
func checksumLen(n int) int {
	switch n {
	case 1, 2, 4, 8:
		return 1
	case 32, 33:
		return 2
	}
	return 0
}

// prefixBytes encodes a network identifier.
func prefixBytes(prefix uint16) ([]byte, error) {
	switch {
	case prefix < 64:
		return []byte{byte(prefix)}, nil
	case prefix <= MaxPrefix:
		first := byte((prefix&0xfc)>>2) | 0x40
		second := byte(prefix>>8) | byte(prefix&0x03)<<6
		return []byte{first, second}, nil
	}
	return nil, fmt.Errorf("%w: %d is above %d", ErrBadPrefix, prefix, MaxPrefix)
}

func checksum(prefixAndPayload []byte) [64]byte {
	return hash.Blake2b512(ss58Pre, prefixAndPayload)
}

// Encode returns the SS58 address of payload (an account id, usually 32
// bytes) on the network with the given prefix.
func Encode(payload []byte, prefix uint16) (string, error) {
	cl := checksumLen(len(payload))
	if cl == 0 {
		return "", fmt.Errorf("%w: payload of %d bytes", ErrBadLength, len(payload))
	}
	p, err := prefixBytes(prefix)
	if err != nil {
		return "", err
	}
	buf := append(p, payload...)
	sum := checksum(buf)
	buf = append(buf, sum[:cl]...)
	return base58Encode(buf), nil
}

// MustEncode is Encode for a 32-byte account id, which cannot fail for a
// prefix up to MaxPrefix; it panics on a larger prefix.
func MustEncode(accountID [32]byte, prefix uint16) string {
	s, err := Encode(accountID[:], prefix)
	if err != nil {
		panic(err)
	}
	return s
}

// ErrBadChecksum means the checksum does not match: a typo or a truncated address.
var ErrBadChecksum = errors.New("SS58 checksum mismatch")

// Decode parses an SS58 address, verifying its checksum, and returns its
// payload and network prefix.
func Decode(addr string) (payload []byte, prefix uint16, err error) {
	raw, err := base58Decode(addr)
	if err != nil {
		return nil, 0, err
	}
	if len(raw) < 2 {
		return nil, 0, fmt.Errorf("%w: %d bytes", ErrBadLength, len(raw))
	}
	var plen int
	switch b0 := raw[0]; {
	case b0 < 64:
		plen, prefix = 1, uint16(b0)
	case b0 < 128:
		plen = 2
		lower := (b0 << 2) | (raw[1] >> 6)
		upper := raw[1] & 0x3f
		prefix = uint16(lower) | uint16(upper)<<8
		// The two-byte form is only for identifiers that do not fit one byte.
		if prefix < 64 {
			return nil, 0, fmt.Errorf("%w: two-byte form of %d", ErrBadPrefix, prefix)
		}
	default:
		return nil, 0, fmt.Errorf("%w: first byte 0x%02x", ErrBadPrefix, b0)
	}
	rest := len(raw) - plen
	var n, cl int
	for _, l := range []int{1, 2, 4, 8, 32, 33} {
		if c := checksumLen(l); l+c == rest {
			n, cl = l, c
		}
	}
	if cl == 0 {
		return nil, 0, fmt.Errorf("%w: %d bytes", ErrBadLength, len(raw))
	}
	sum := checksum(raw[:plen+n])
	for i := 0; i < cl; i++ {
		if sum[i] != raw[plen+n+i] {
			return nil, 0, ErrBadChecksum
		}
	}
	payload = append([]byte(nil), raw[plen:plen+n]...)
	return payload, prefix, nil
}

// DecodeAccountID parses an address whose payload is a 32-byte account id.
func DecodeAccountID(addr string) (id [32]byte, prefix uint16, err error) {
	payload, prefix, err := Decode(addr)
	if err != nil {
		return id, 0, err
	}
	if len(payload) != 32 {
		return id, 0, fmt.Errorf("%w: payload of %d bytes is not an account id", ErrBadLength, len(payload))
	}
	copy(id[:], payload)
	return id, prefix, nil
}

// ErrWrongNetwork means a valid address carries another network's prefix.
var ErrWrongNetwork = errors.New("address of another network")

// DecodeFor parses an account address that must belong to the network with
// the given prefix; an address of another network is an error naming both.
func DecodeFor(addr string, want uint16) ([32]byte, error) {
	id, prefix, err := DecodeAccountID(addr)
	if err != nil {
		return id, err
	}
	if prefix != want {
		return [32]byte{}, fmt.Errorf("%w: address has SS58 prefix %d, the active network uses %d", ErrWrongNetwork, prefix, want)
	}
	return id, nil
}
