package eth

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/ksm-wallet/ksm/tx/hash"
)

// Signature errors.
var (
	// ErrBadSignature means text or bytes that are not a 65-byte recoverable
	// signature r ‖ s ‖ v with v in 0, 1, 27 or 28.
	ErrBadSignature = errors.New("invalid Ethereum signature")
	// ErrRecover means no public key recovers from the signature.
	ErrRecover = errors.New("the signature recovers no public key")
)

// SignatureLen is the length of a recoverable signature r ‖ s ‖ v.
const SignatureLen = 65

// PersonalMessage is the text an Ethereum wallet signs for "personal_sign"
// (EIP-191 version 0x45): "\x19Ethereum Signed Message:\n" + decimal
// length + message.
func PersonalMessage(msg []byte) []byte {
	out := []byte("\x19Ethereum Signed Message:\n" + strconv.Itoa(len(msg)))
	return append(out, msg...)
}

// PersonalHash is keccak-256 of PersonalMessage(msg).
func PersonalHash(msg []byte) [32]byte { return hash.Keccak256(PersonalMessage(msg)) }

// ParseSignature reads a 0x-hex (or bare hex) 65-byte signature r ‖ s ‖ v
// and returns it with v normalised to 0 or 1.
func ParseSignature(s string) ([65]byte, error) {
	var sig [65]byte
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(s) != 2*SignatureLen {
		return sig, fmt.Errorf("%w: want 65 bytes (130 hex digits), got %d hex digits", ErrBadSignature, len(s))
	}
	if _, err := hex.Decode(sig[:], []byte(s)); err != nil {
		return sig, fmt.Errorf("%w: not hex", ErrBadSignature)
	}
	return NormalizeSignature(sig)
}

// NormalizeSignature maps v = 27/28 to 0/1 and refuses other values of v.
func NormalizeSignature(sig [65]byte) ([65]byte, error) {
	switch v := sig[64]; v {
	case 0, 1:
	case 27, 28:
		sig[64] = v - 27
	default:
		return sig, fmt.Errorf("%w: v = %d (want 0, 1, 27 or 28)", ErrBadSignature, v)
	}
	return sig, nil
}

// RecoverPublicKey returns the public key that made sig over the 32-byte
// digest (v 0/1 or 27/28).
func RecoverPublicKey(digest [32]byte, sig [65]byte) (*secp256k1.PublicKey, error) {
	sig, err := NormalizeSignature(sig)
	if err != nil {
		return nil, err
	}
	// decred's compact form: recovery code (27 + v, +4 for a compressed
	// key) ‖ r ‖ s.
	var compact [65]byte
	compact[0] = 27 + sig[64]
	copy(compact[1:], sig[:64])
	pk, _, err := ecdsa.RecoverCompact(compact[:], digest[:])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRecover, err)
	}
	return pk, nil
}

// Recover returns the Ethereum address that signed digest.
func Recover(digest [32]byte, sig [65]byte) ([20]byte, error) {
	pk, err := RecoverPublicKey(digest, sig)
	if err != nil {
		return [20]byte{}, err
	}
	return AddressFromPublicKey(pk.SerializeUncompressed())
}

// RecoverPersonal returns the address that personal-signed msg.
func RecoverPersonal(msg []byte, sig [65]byte) ([20]byte, error) {
	return Recover(PersonalHash(msg), sig)
}

// Key is a secp256k1 private key used as an Ethereum account.
type Key struct {
	priv *secp256k1.PrivateKey
}

// ErrBadKey means bytes that are not a valid secp256k1 private key.
var ErrBadKey = errors.New("invalid secp256k1 private key")

// NewKey makes a key from a 32-byte big-endian scalar (shorter input is
// left-padded with zeros, as geth does for keys with leading zero bytes).
func NewKey(secret []byte) (*Key, error) {
	if len(secret) == 0 || len(secret) > 32 {
		return nil, fmt.Errorf("%w: %d bytes", ErrBadKey, len(secret))
	}
	var b [32]byte
	copy(b[32-len(secret):], secret)
	var s secp256k1.ModNScalar
	overflow := s.SetBytes(&b)
	wipe(b[:])
	if overflow != 0 || s.IsZero() {
		return nil, fmt.Errorf("%w: out of range", ErrBadKey)
	}
	return &Key{priv: secp256k1.NewPrivateKey(&s)}, nil
}

// Address is the key's Ethereum address.
func (k *Key) Address() [20]byte {
	a, _ := AddressFromPublicKey(k.priv.PubKey().SerializeUncompressed())
	return a
}

// Bytes returns the 32-byte private scalar (the caller wipes it).
func (k *Key) Bytes() []byte { return k.priv.Serialize() }

// Sign signs a 32-byte digest (RFC 6979 nonces) and returns r ‖ s ‖ v with
// v = 0 or 1 and s in the lower half.
func (k *Key) Sign(digest [32]byte) [65]byte {
	c := ecdsa.SignCompact(k.priv, digest[:], false)
	var sig [65]byte
	copy(sig[:64], c[1:])
	sig[64] = c[0] - 27
	return sig
}

// SignPersonal signs PersonalHash(msg), as personal_sign and MyCrypto's
// "Sign Message" do; v is 27 or 28 there: add 27 to sig[64] for that form.
func (k *Key) SignPersonal(msg []byte) [65]byte { return k.Sign(PersonalHash(msg)) }

// Wipe clears the private key.
func (k *Key) Wipe() {
	if k != nil && k.priv != nil {
		k.priv.Zero()
	}
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
