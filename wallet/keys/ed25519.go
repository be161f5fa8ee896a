package keys

import (
	"crypto/ed25519"

	"github.com/hdevalence/ed25519consensus"
)

// edVerify verifies under ZIP-215 rules, as Substrate's ed25519-zebra does.
func edVerify(public, message, sig []byte) bool {
	if len(public) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return false
	}
	return ed25519consensus.Verify(ed25519.PublicKey(public), message, sig)
}
