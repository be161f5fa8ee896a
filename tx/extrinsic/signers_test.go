package extrinsic_test

import (
	"crypto/ed25519"

	schnorrkel "github.com/ChainSafe/go-schnorrkel"
	"github.com/ksm-wallet/ksm/tx/hash"
)

// edSigner is a test Signer over crypto/ed25519.
type edSigner struct{ key ed25519.PrivateKey }

func newEdSigner(seed string) *edSigner {
	s := hash.Blake2b256([]byte(seed))
	return &edSigner{ed25519.NewKeyFromSeed(s[:])}
}

func (s *edSigner) AccountID() (id [32]byte) {
	copy(id[:], s.key.Public().(ed25519.PublicKey))
	return id
}
func (s *edSigner) SignatureScheme() string { return "ed25519" }
func (s *edSigner) Sign(p []byte) ([]byte, error) {
	return ed25519.Sign(s.key, p), nil
}

// srSigner is a test Signer over go-schnorrkel (context "substrate").
type srSigner struct {
	sk  *schnorrkel.SecretKey
	pub [32]byte
}

func newSrSigner(seed string) *srSigner {
	s := hash.Blake2b256([]byte(seed))
	mini, err := schnorrkel.NewMiniSecretKeyFromRaw(s)
	if err != nil {
		panic(err)
	}
	sk := mini.ExpandEd25519()
	pk, err := sk.Public()
	if err != nil {
		panic(err)
	}
	return &srSigner{sk: sk, pub: pk.Encode()}
}

func (s *srSigner) AccountID() [32]byte     { return s.pub }
func (s *srSigner) SignatureScheme() string { return "sr25519" }
func (s *srSigner) Sign(p []byte) ([]byte, error) {
	sig, err := s.sk.Sign(schnorrkel.NewSigningContext([]byte("substrate"), p))
	if err != nil {
		return nil, err
	}
	b := sig.Encode()
	return b[:], nil
}
