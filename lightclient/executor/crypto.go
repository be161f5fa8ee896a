package executor

import (
	"crypto/ed25519"

	schnorrkel "github.com/ChainSafe/go-schnorrkel"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/hdevalence/ed25519consensus"
	"golang.org/x/crypto/sha3"

	"github.com/ksm-wallet/ksm/tx/hash"
)

func keccak512(b []byte) []byte {
	h := sha3.NewLegacyKeccak512()
	h.Write(b)
	return h.Sum(nil)
}

// verifyEd25519 checks a signature with the ZIP-215 rules sp-io uses
// (ed25519-zebra).
func verifyEd25519(sig, msg, pub []byte) bool {
	return ed25519consensus.Verify(ed25519.PublicKey(pub), msg, sig)
}

// verifySr25519 checks a schnorrkel signature in the "substrate" signing
// context. Signatures without schnorrkel's marker bit (pre-2019 format,
// accepted only by the deprecated ext_crypto_sr25519_verify_version_1) are
// refused.
func verifySr25519(sig, msg, pub []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	pk, err := schnorrkel.NewPublicKey([32]byte(pub))
	if err != nil {
		return false
	}
	var s schnorrkel.Signature
	if err := s.Decode([64]byte(sig)); err != nil {
		return false
	}
	ok, err = pk.Verify(&s, schnorrkel.NewSigningContext([]byte("substrate"), msg))
	return err == nil && ok
}

// ecdsaRecover recovers the public key of a 65-byte r||s||v signature over
// a 32-byte hash. The error code is sp-io's EcdsaVerifyError: 0 BadRS,
// 1 BadV, 2 BadSignature.
func ecdsaRecover(sig, msg []byte) (*secp256k1.PublicKey, byte, bool) {
	v := sig[64]
	if v > 26 {
		v -= 27
	}
	if v > 3 {
		return nil, 1, false
	}
	var r, s secp256k1.ModNScalar
	if r.SetByteSlice(sig[:32]) || s.SetByteSlice(sig[32:64]) || r.IsZero() || s.IsZero() {
		return nil, 0, false
	}
	compact := make([]byte, 65)
	compact[0] = 27 + 4 + v
	copy(compact[1:], sig[:64])
	pk, _, err := secpecdsa.RecoverCompact(compact, msg)
	if err != nil {
		return nil, 2, false
	}
	return pk, 0, true
}

func defineCrypto() {
	// verify defines a host function checking a signature (64 bytes), a
	// message and a public key (32 bytes) with check.
	verify := func(name string, check func(sig, msg, pub []byte) bool) {
		def(name, p(i32, i64, i32), p(i32), func(s *callState, st []uint64) {
			sig := s.readAt(name, uint32(st[0]), 64)
			msg := s.read(name, st[1])
			pub := s.readAt(name, uint32(st[2]), 32)
			st[0] = b2u(check(sig, msg, pub))
		})
	}
	verify("ext_crypto_ed25519_verify_version_1", verifyEd25519)
	verify("ext_crypto_ed25519_batch_verify_version_1", verifyEd25519)
	verify("ext_crypto_sr25519_verify_version_1", verifySr25519)
	verify("ext_crypto_sr25519_verify_version_2", verifySr25519)
	verify("ext_crypto_sr25519_batch_verify_version_1", verifySr25519)

	ecdsaVerify := func(name string, prehashed bool) {
		params := p(i32, i64, i32)
		if prehashed {
			params = p(i32, i32, i32)
		}
		def(name, params, p(i32), func(s *callState, st []uint64) {
			sig := s.readAt(name, uint32(st[0]), 65)
			var msg []byte
			if prehashed {
				msg = s.readAt(name, uint32(st[1]), 32)
			} else {
				h := hash.Blake2b256(s.read(name, st[1]))
				msg = h[:]
			}
			pub := s.readAt(name, uint32(st[2]), 33)
			pk, _, ok := ecdsaRecover(sig, msg)
			st[0] = b2u(ok && string(pk.SerializeCompressed()) == string(pub))
		})
	}
	ecdsaVerify("ext_crypto_ecdsa_verify_version_1", false)
	ecdsaVerify("ext_crypto_ecdsa_verify_version_2", false)
	ecdsaVerify("ext_crypto_ecdsa_batch_verify_version_1", false)
	ecdsaVerify("ext_crypto_ecdsa_verify_prehashed_version_1", true)

	recoverFn := func(name string, compressed bool) {
		def(name, p(i32, i32), p(i64), func(s *callState, st []uint64) {
			sig := s.readAt(name, uint32(st[0]), 65)
			msg := s.readAt(name, uint32(st[1]), 32)
			pk, code, ok := ecdsaRecover(sig, msg)
			if !ok {
				st[0] = s.retSlice(name, []byte{1, code})
				return
			}
			var out []byte
			if compressed {
				out = append([]byte{0}, pk.SerializeCompressed()...)
			} else {
				out = append([]byte{0}, pk.SerializeUncompressed()[1:]...)
			}
			st[0] = s.retSlice(name, out)
		})
	}
	recoverFn("ext_crypto_secp256k1_ecdsa_recover_version_1", false)
	recoverFn("ext_crypto_secp256k1_ecdsa_recover_version_2", false)
	recoverFn("ext_crypto_secp256k1_ecdsa_recover_compressed_version_1", true)
	recoverFn("ext_crypto_secp256k1_ecdsa_recover_compressed_version_2", true)

	// Signatures are checked at once; a batch therefore always succeeds
	// as a whole (the individual answers already told the runtime).
	def("ext_crypto_start_batch_verify_version_1", nil, nil, func(s *callState, st []uint64) {})
	def("ext_crypto_finish_batch_verify_version_1", nil, p(i32), func(s *callState, st []uint64) { st[0] = 1 })
}
