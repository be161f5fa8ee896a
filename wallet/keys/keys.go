// Package keys holds ksm's signing keys: sr25519 (schnorrkel, as Substrate
// uses it), ed25519 and ecdsa over secp256k1, plus the "ethereum" flavour of
// secp256k1 that polkadot-js keystores can hold.
//
// # Secrets
//
// A key is made from a secret URI (ParseURI, FromURI):
//
//	<mnemonic | 0x-seed>[//hard | /soft]*[///password]
//
// A mnemonic is BIP39 English (12–24 words). Its seed follows substrate-bip39,
// not BIP39: PBKDF2-HMAC-SHA512 over the mnemonic's ENTROPY with salt
// "mnemonic"+password, 2048 rounds; the first 32 bytes are the mini secret
// (the seed of every scheme). A bare path starts from DevPhrase.
//
// # Derivation
//
// Junctions are the chain codes of Substrate: a decimal u64 as 8 bytes
// little-endian, anything else SCALE-encoded as a string, hashed with
// blake2b-256 when longer than 32 bytes, and zero-padded to 32. sr25519 has
// hard and soft derivation exactly as schnorrkel's HDKD; ed25519 and ecdsa
// have only hard derivation (blake2b-256 of SCALE("Ed25519HDKD"|"Secp256k1HDKD",
// seed, chain code)); a soft junction on them is ErrSoftDerivation.
//
// # Signatures
//
// sr25519 signs in the "substrate" signing context; ed25519 is RFC 8032 and
// verifies under ZIP-215 rules like Substrate; ecdsa signs blake2b-256 of the
// message and gives 65 bytes r||s||v with v the recovery id 0 or 1. A *Pair
// satisfies the Signer interface of tx/extrinsic (AccountID, SignatureScheme,
// Sign) without this package importing it.
package keys

import (
	"errors"
	"fmt"
)

// Scheme names a signature scheme.
type Scheme string

// Schemes.
const (
	Sr25519 Scheme = "sr25519"
	Ed25519 Scheme = "ed25519"
	Ecdsa   Scheme = "ecdsa"
	// Ethereum is secp256k1 with keccak-256 message hashing and a 20-byte
	// address, as polkadot-js "ethereum" keystores hold. ksm imports,
	// exports and signs with such keys but does not derive them.
	Ethereum Scheme = "ethereum"
)

// ParseScheme returns the scheme named s (sr25519, ed25519, ecdsa, ethereum).
func ParseScheme(s string) (Scheme, error) {
	switch sc := Scheme(s); sc {
	case Sr25519, Ed25519, Ecdsa, Ethereum:
		return sc, nil
	}
	return "", fmt.Errorf("%w %q (want sr25519, ed25519 or ecdsa)", ErrUnknownScheme, s)
}

// PublicKeyLen is the length of a public key of the scheme.
func (s Scheme) PublicKeyLen() int {
	if s == Ecdsa || s == Ethereum {
		return 33
	}
	return 32
}

// DevPhrase is the well-known development mnemonic a bare derivation path
// starts from (Substrate's DEV_PHRASE).
const DevPhrase = "bottom drive obey lake curtain smoke basket hold race lonely fit walk"

var (
	// ErrUnknownScheme means a scheme name ksm does not know.
	ErrUnknownScheme = errors.New("unknown signature scheme")
	// ErrInvalidSeed means a hex seed that is not 32 bytes, or a secret that
	// is not a valid key of its scheme.
	ErrInvalidSeed = errors.New("invalid seed")
	// ErrSoftDerivation means a soft junction on a scheme without soft derivation.
	ErrSoftDerivation = errors.New("soft derivation is only possible for sr25519")
	// ErrNotDerivable means the key cannot be derived (ethereum keys).
	ErrNotDerivable = errors.New("key cannot be derived")
)

// wipe overwrites b with zeros.
func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
