// Package eth holds the little of Ethereum that ksm's keys need: the
// 20-byte address of a secp256k1 public key (keccak-256 of the uncompressed
// key) and its EIP-55 mixed-case hex form, as polkadot-js shows "ethereum"
// keystore entries.
package eth

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/ksm-wallet/ksm/tx/hash"
)

// ErrBadAddress means text that is not a 0x-prefixed 20-byte hex address,
// or whose mixed case fails the EIP-55 checksum.
var ErrBadAddress = errors.New("invalid Ethereum address")

// AddressFromPublicKey returns the Ethereum address of a compressed (33
// bytes) or uncompressed (65 bytes) secp256k1 public key.
func AddressFromPublicKey(public []byte) ([20]byte, error) {
	var a [20]byte
	pk, err := secp256k1.ParsePubKey(public)
	if err != nil {
		return a, fmt.Errorf("secp256k1 public key: %w", err)
	}
	h := hash.Keccak256(pk.SerializeUncompressed()[1:])
	copy(a[:], h[12:])
	return a, nil
}

// ChecksumHex returns the EIP-55 mixed-case hex form of an address.
func ChecksumHex(a [20]byte) string {
	lower := hex.EncodeToString(a[:])
	h := hash.Keccak256([]byte(lower))
	out := []byte(lower)
	for i, c := range out {
		nibble := h[i/2] >> 4
		if i%2 == 1 {
			nibble = h[i/2] & 0x0f
		}
		if c >= 'a' && nibble >= 8 {
			out[i] = c - 'a' + 'A'
		}
	}
	return "0x" + string(out)
}

// ParseAddress parses a 0x-hex address; a mixed-case address must carry a
// valid EIP-55 checksum.
func ParseAddress(s string) ([20]byte, error) {
	var a [20]byte
	if !strings.HasPrefix(s, "0x") || len(s) != 42 {
		return a, fmt.Errorf("%w: want 0x and 40 hex digits", ErrBadAddress)
	}
	if _, err := hex.Decode(a[:], []byte(s[2:])); err != nil {
		return a, fmt.Errorf("%w: not hex", ErrBadAddress)
	}
	body := s[2:]
	if body != strings.ToLower(body) && body != strings.ToUpper(body) && ChecksumHex(a) != s {
		return a, fmt.Errorf("%w: EIP-55 checksum mismatch", ErrBadAddress)
	}
	return a, nil
}
