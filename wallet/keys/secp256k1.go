package keys

import (
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// secpKey returns the private key of a 32-byte secret, refusing zero and
// values not below the group order (as libsecp256k1 does).
func secpKey(seed [32]byte) (*secp256k1.PrivateKey, error) {
	var s secp256k1.ModNScalar
	if overflow := s.SetBytes(&seed); overflow != 0 || s.IsZero() {
		s.Zero()
		return nil, fmt.Errorf("%w: not a valid secp256k1 secret", ErrInvalidSeed)
	}
	return secp256k1.NewPrivateKey(&s), nil
}

func secpPublic(seed [32]byte) ([]byte, error) {
	k, err := secpKey(seed)
	if err != nil {
		return nil, err
	}
	defer k.Zero()
	return k.PubKey().SerializeCompressed(), nil
}

// secpSign signs a 32-byte digest: RFC 6979 nonce, low s, 65 bytes r||s||v.
func secpSign(seed [32]byte, digest [32]byte) ([]byte, error) {
	k, err := secpKey(seed)
	if err != nil {
		return nil, err
	}
	defer k.Zero()
	c := ecdsa.SignCompact(k, digest[:], true) // v+27+4 || r || s
	out := make([]byte, 65)
	copy(out, c[1:])
	out[64] = c[0] - 27 - 4
	return out, nil
}

// RecoverSecp256k1 returns the compressed public key that signed digest
// with sig (r||s||v, v in 0..3 or 27..30).
func RecoverSecp256k1(digest [32]byte, sig []byte) ([]byte, error) {
	if len(sig) != 65 {
		return nil, fmt.Errorf("signature of %d bytes, want 65", len(sig))
	}
	v := sig[64]
	if v >= 27 {
		v -= 27
	}
	if v > 3 {
		return nil, fmt.Errorf("bad recovery id %d", sig[64])
	}
	c := make([]byte, 65)
	c[0] = 27 + 4 + v
	copy(c[1:], sig[:64])
	pub, _, err := ecdsa.RecoverCompact(c, digest[:])
	if err != nil {
		return nil, err
	}
	return pub.SerializeCompressed(), nil
}

// secpVerify checks a signature as Substrate's ecdsa verify does: recover
// the key (high s is accepted, as libsecp256k1's recovery does) and
// compare; the recovery id must be 0..3 (Substrate refuses 27/28).
func secpVerify(public []byte, digest [32]byte, sig []byte) bool {
	if len(public) != 33 || len(sig) != 65 || sig[64] > 3 {
		return false
	}
	got, err := RecoverSecp256k1(digest, sig)
	if err != nil {
		return false
	}
	return string(got) == string(public)
}
