package keys

import (
	"crypto/sha512"
	"errors"
	"fmt"

	schnorrkel "github.com/ChainSafe/go-schnorrkel"
	"github.com/gtank/merlin"
	"github.com/ksm-wallet/ksm/tx/hash"
)

// signingContext is the schnorrkel context Substrate signs in.
var signingContext = []byte("substrate")

// expandEd25519 is schnorrkel's MiniSecretKey::expand(ExpansionMode::Ed25519):
// sha512 of the mini secret, the first half clamped as ed25519 does and
// divided by the cofactor (the scalar), the second half the nonce.
func expandEd25519(mini [32]byte) (key, nonce [32]byte) {
	h := sha512.Sum512(mini[:])
	defer wipe(h[:])
	copy(key[:], h[:32])
	key[0] &= 248
	key[31] &= 63
	key[31] |= 64
	divideByCofactor(&key)
	copy(nonce[:], h[32:])
	return key, nonce
}

// divideByCofactor shifts a little-endian 256-bit number right by 3 bits.
func divideByCofactor(s *[32]byte) {
	var low byte
	for i := 31; i >= 0; i-- {
		r := s[i] & 7
		s[i] = s[i]>>3 | low
		low = r << 5
	}
}

// multiplyByCofactor shifts a little-endian 256-bit number left by 3 bits
// (schnorrkel's to_ed25519_bytes form of the scalar).
func multiplyByCofactor(s *[32]byte) {
	var high byte
	for i := 0; i < 32; i++ {
		r := s[i] >> 5
		s[i] = s[i]<<3 | high
		high = r
	}
}

func srSecret(key, nonce [32]byte) *schnorrkel.SecretKey {
	return schnorrkel.NewSecretKey(key, nonce)
}

// ErrInvalidPublicKey means bytes that are not a public key of the scheme.
var ErrInvalidPublicKey = errors.New("invalid public key")

func srPublic(key [32]byte) ([]byte, error) {
	pub, err := srSecret(key, [32]byte{}).Public()
	if err != nil {
		return nil, fmt.Errorf("%w: sr25519 scalar is not canonical", ErrInvalidSecret)
	}
	b := pub.Encode()
	return b[:], nil
}

// srDerive applies one junction as Substrate's sr25519 Pair::derive: a hard
// junction is schnorrkel's hard_derive_mini_secret_key(Some(cc), b"")
// expanded in Ed25519 mode, a soft one derived_key_simple(cc, b"").
func (p *Pair) srDerive(j Junction) error {
	if j.Hard {
		mini, _, err := srSecret(p.srKey, p.srNonce).HardDeriveMiniSecretKey(nil, j.Code)
		if err != nil {
			return err
		}
		p.seed = mini.Encode()
		p.hasSeed = true
		p.srKey, p.srNonce = expandEd25519(p.seed)
		p.public, err = srPublic(p.srKey)
		return err
	}
	pub, err := schnorrkel.NewPublicKey([32]byte(p.public))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidPublicKey, err)
	}
	t := softTranscript()
	sc, _, err := pub.DeriveScalarAndChaincode(t, j.Code)
	if err != nil {
		return err
	}
	k, err := schnorrkel.ScalarFromBytes(p.srKey)
	if err != nil {
		return fmt.Errorf("%w: sr25519 scalar is not canonical", ErrInvalidSecret)
	}
	k.Add(k, sc)
	// schnorrkel draws the new nonce from a transcript RNG with fresh
	// randomness; the nonce only guards signatures against a bad RNG, so a
	// deterministic function of the old secret serves as well and makes
	// derivation reproducible.
	nonce := hash.Blake2b256([]byte("ksm-sr25519-HDKD-nonce"), p.srNonce[:], p.srKey[:], j.Code[:])
	copy(p.srKey[:], k.Encode(nil))
	p.srNonce = nonce
	wipe(p.seed[:])
	p.hasSeed = false
	p.public, err = srPublic(p.srKey)
	return err
}

// softTranscript is the transcript of schnorrkel's derived_key_simple with
// an empty index; the chain code and public key are appended by
// DeriveScalarAndChaincode.
func softTranscript() *merlin.Transcript {
	t := merlin.NewTranscript("SchnorrRistrettoHDKD")
	t.AppendMessage([]byte("sign-bytes"), nil)
	return t
}

func srSign(key, nonce [32]byte, message []byte) ([]byte, error) {
	sk := srSecret(key, nonce)
	sig, err := sk.Sign(schnorrkel.NewSigningContext(signingContext, message))
	if err != nil {
		return nil, err
	}
	b := sig.Encode()
	return b[:], nil
}

func srVerify(public, message, sig []byte) bool {
	if len(public) != 32 || len(sig) != 64 {
		return false
	}
	pub, err := schnorrkel.NewPublicKey([32]byte(public))
	if err != nil {
		return false
	}
	var s schnorrkel.Signature
	if err := s.Decode([64]byte(sig)); err != nil {
		return false // includes the missing marker of deprecated signatures
	}
	ok, err := pub.Verify(&s, schnorrkel.NewSigningContext(signingContext, message))
	return err == nil && ok
}
