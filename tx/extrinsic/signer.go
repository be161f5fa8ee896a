package extrinsic

// Signer signs signing payloads for one account. ksm's wallet implements it
// without importing this package.
//
// Sign receives the exact bytes to sign: the signing payload, or its
// blake2b-256 when the payload is longer than 256 bytes (see SigningBytes).
// It returns a raw signature: 64 bytes for sr25519 and ed25519, 65 bytes
// (r ‖ s ‖ recovery id) for ecdsa over blake2b-256 of the bytes.
type Signer interface {
	AccountID() [32]byte
	SignatureScheme() string /* "sr25519"|"ed25519"|"ecdsa" */
	Sign(payload []byte) ([]byte, error)
}
