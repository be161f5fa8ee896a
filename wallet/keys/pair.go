package keys

import (
	"bytes"
	"crypto/ed25519"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/wallet/eth"
)

// Pair is a key pair of one scheme. Its zero value is not usable; make one
// with FromURI, FromSeed or FromPolkadotJS. Call Wipe when done with it.
type Pair struct {
	scheme Scheme
	public []byte

	// seed is the 32-byte seed the pair was made from (sr25519 mini
	// secret, ed25519 seed, secp256k1 secret), when known: it is lost by
	// sr25519 soft derivation and by importing an sr25519 secret key.
	seed    [32]byte
	hasSeed bool

	// sr25519 secret: the scalar (canonical, not multiplied by the
	// cofactor) and the signing nonce.
	srKey, srNonce [32]byte
}

// FromSeed returns the pair of scheme whose seed is seed (32 bytes).
func FromSeed(scheme Scheme, seed []byte) (*Pair, error) {
	if len(seed) != 32 {
		return nil, fmt.Errorf("%w: %d bytes, want 32", ErrInvalidSeed, len(seed))
	}
	p := &Pair{scheme: scheme, hasSeed: true}
	copy(p.seed[:], seed)
	var err error
	switch scheme {
	case Sr25519:
		p.srKey, p.srNonce = expandEd25519(p.seed)
		p.public, err = srPublic(p.srKey)
	case Ed25519:
		p.public = ed25519.NewKeyFromSeed(p.seed[:]).Public().(ed25519.PublicKey)
	case Ecdsa, Ethereum:
		p.public, err = secpPublic(p.seed)
	default:
		err = fmt.Errorf("%w %q", ErrUnknownScheme, scheme)
	}
	if err != nil {
		p.Wipe()
		return nil, err
	}
	return p, nil
}

// Scheme is the pair's signature scheme.
func (p *Pair) Scheme() Scheme { return p.scheme }

// PublicKey returns the public key: 32 bytes, or 33 (compressed) for
// ecdsa and ethereum.
func (p *Pair) PublicKey() []byte { return bytes.Clone(p.public) }

// AccountID is the 32-byte account id: the public key, or blake2b-256 of
// the compressed public key for ecdsa (and ethereum).
func (p *Pair) AccountID() [32]byte { return AccountID(p.scheme, p.public) }

// AccountID returns the account id of a public key of scheme.
func AccountID(scheme Scheme, public []byte) [32]byte {
	var id [32]byte
	if len(public) == 33 {
		return hash.Blake2b256(public)
	}
	copy(id[:], public)
	return id
}

// EthAddress returns the 20-byte Ethereum address of an ethereum or ecdsa pair.
func (p *Pair) EthAddress() ([20]byte, error) {
	if len(p.public) != 33 {
		return [20]byte{}, fmt.Errorf("%s keys have no Ethereum address", p.scheme)
	}
	return eth.AddressFromPublicKey(p.public)
}

// SignatureScheme names the scheme for the extrinsic's MultiSignature:
// "sr25519", "ed25519", "ecdsa" (or "ethereum", which no Substrate
// MultiSignature accepts).
func (p *Pair) SignatureScheme() string { return string(p.scheme) }

// Seed returns the 32-byte seed when it is known: the pair was made from a
// seed or mnemonic with hard junctions only.
func (p *Pair) Seed() ([]byte, bool) {
	if !p.hasSeed {
		return nil, false
	}
	return bytes.Clone(p.seed[:]), true
}

// Sign signs message: sr25519 in the "substrate" context, ed25519, or
// secp256k1 over blake2b-256 (ecdsa) or keccak-256 (ethereum) of message,
// 65 bytes r||s||v.
func (p *Pair) Sign(message []byte) ([]byte, error) {
	switch p.scheme {
	case Sr25519:
		return srSign(p.srKey, p.srNonce, message)
	case Ed25519:
		k := ed25519.NewKeyFromSeed(p.seed[:])
		defer wipe(k)
		return ed25519.Sign(k, message), nil
	case Ecdsa:
		h := hash.Blake2b256(message)
		return secpSign(p.seed, h)
	case Ethereum:
		h := hash.Keccak256(message)
		return secpSign(p.seed, h)
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownScheme, p.scheme)
}

// Derive returns the pair at path below p.
func (p *Pair) Derive(path []Junction) (*Pair, error) {
	c := p.clone()
	for _, j := range path {
		var err error
		switch c.scheme {
		case Sr25519:
			err = c.srDerive(j)
		case Ed25519:
			err = c.hardOnly(j, "Ed25519HDKD")
			if err == nil {
				c.public = ed25519.NewKeyFromSeed(c.seed[:]).Public().(ed25519.PublicKey)
			}
		case Ecdsa:
			err = c.hardOnly(j, "Secp256k1HDKD")
			if err == nil {
				c.public, err = secpPublic(c.seed)
			}
		default:
			err = fmt.Errorf("%w: %s keys have no derivation", ErrNotDerivable, c.scheme)
		}
		if err != nil {
			c.Wipe()
			return nil, err
		}
	}
	return c, nil
}

func (p *Pair) hardOnly(j Junction, domain string) error {
	if !j.Hard {
		return fmt.Errorf("%w, not %s", ErrSoftDerivation, p.scheme)
	}
	if !p.hasSeed {
		return fmt.Errorf("%w: no seed", ErrNotDerivable)
	}
	buf := scale.AppendString(nil, domain)
	buf = append(buf, p.seed[:]...)
	buf = append(buf, j.Code[:]...)
	p.seed = hash.Blake2b256(buf)
	wipe(buf)
	return nil
}

func (p *Pair) clone() *Pair {
	c := *p
	c.public = bytes.Clone(p.public)
	return &c
}

// Wipe overwrites the pair's secrets; the pair cannot sign afterwards.
func (p *Pair) Wipe() {
	wipe(p.seed[:])
	wipe(p.srKey[:])
	wipe(p.srNonce[:])
	p.hasSeed = false
}

// Verify reports whether sig is a valid signature of message by public
// under scheme. sr25519 signatures without schnorrkel's marker bit (the
// pre-0.8 "deprecated" format) are invalid, as in Substrate.
func Verify(scheme Scheme, public, message, sig []byte) bool {
	switch scheme {
	case Sr25519:
		return srVerify(public, message, sig)
	case Ed25519:
		return edVerify(public, message, sig)
	case Ecdsa:
		return secpVerify(public, hash.Blake2b256(message), sig)
	case Ethereum:
		return secpVerify(public, hash.Keccak256(message), sig)
	}
	return false
}
