package keys

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrInvalidSecret means a stored secret of the wrong length or form.
var ErrInvalidSecret = errors.New("invalid secret key")

// PolkadotJSSecret returns the secret in the form a polkadot-js keystore
// holds it: sr25519 64 bytes (scalar times the cofactor || nonce, schnorrkel's
// to_ed25519_bytes), ed25519 64 bytes (seed || public key), ecdsa and
// ethereum the 32-byte secret. The caller wipes the result.
func (p *Pair) PolkadotJSSecret() ([]byte, error) {
	switch p.scheme {
	case Sr25519:
		k := p.srKey
		multiplyByCofactor(&k)
		out := append(k[:], p.srNonce[:]...)
		wipe(k[:])
		return out, nil
	case Ed25519:
		if !p.hasSeed {
			return nil, fmt.Errorf("%w: no seed", ErrInvalidSecret)
		}
		return append(bytes.Clone(p.seed[:]), p.public...), nil
	case Ecdsa, Ethereum:
		return bytes.Clone(p.seed[:]), nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownScheme, p.scheme)
}

// ErrPublicMismatch means a stored secret does not belong to the stored public key.
var ErrPublicMismatch = errors.New("secret key does not match the public key")

// FromPolkadotJS rebuilds a pair from a polkadot-js keystore secret (see
// PolkadotJSSecret; ed25519 also in the older 32-byte seed form) and checks
// it against public when public is not nil. polkadot-js keeps only the
// first 32 bytes of a 33-byte public key in its files, so for secp256k1
// schemes a 32-byte public is compared with the first 32 bytes.
func FromPolkadotJS(scheme Scheme, secret, public []byte) (*Pair, error) {
	var p *Pair
	var err error
	switch scheme {
	case Sr25519:
		if len(secret) != 64 {
			return nil, fmt.Errorf("%w: sr25519 secret of %d bytes, want 64", ErrInvalidSecret, len(secret))
		}
		p = &Pair{scheme: scheme}
		copy(p.srKey[:], secret[:32])
		divideByCofactor(&p.srKey)
		copy(p.srNonce[:], secret[32:])
		p.public, err = srPublic(p.srKey)
	case Ed25519:
		if len(secret) != 64 && len(secret) != 32 {
			return nil, fmt.Errorf("%w: ed25519 secret of %d bytes, want 64 or 32", ErrInvalidSecret, len(secret))
		}
		p, err = FromSeed(scheme, secret[:32])
		if err == nil && len(secret) == 64 && !bytes.Equal(secret[32:], p.public) {
			err = ErrPublicMismatch
		}
	case Ecdsa, Ethereum:
		if len(secret) != 32 {
			return nil, fmt.Errorf("%w: %s secret of %d bytes, want 32", ErrInvalidSecret, scheme, len(secret))
		}
		p, err = FromSeed(scheme, secret)
	default:
		return nil, fmt.Errorf("%w %q", ErrUnknownScheme, scheme)
	}
	if err == nil && public != nil {
		mine := p.public
		if len(public) == 32 && len(mine) == 33 {
			mine = mine[:32]
		}
		if !bytes.Equal(mine, public) {
			err = ErrPublicMismatch
		}
	}
	if err != nil {
		if p != nil {
			p.Wipe()
		}
		return nil, err
	}
	return p, nil
}
