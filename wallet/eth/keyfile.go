package eth

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/pbkdf2"
	"golang.org/x/crypto/scrypt"

	"github.com/ksm-wallet/ksm/tx/hash"
)

// Key file errors.
var (
	// ErrKeyFile means a key file that is neither keystore v3 JSON nor a
	// 32-byte hex private key, or whose parameters are out of bounds.
	ErrKeyFile = errors.New("invalid Ethereum key file")
	// ErrWrongPassword means the keystore's MAC does not match: the
	// password is wrong (or the file corrupt).
	ErrWrongPassword = errors.New("wrong password for the Ethereum keystore")
)

// Bounds on key derivation parameters read from a file, so that a hostile
// file cannot make ksm spend unbounded memory or time.
const (
	maxScryptN    = 1 << 20 // geth's standard is 1<<18
	maxScryptR    = 32
	maxScryptP    = 16
	maxScryptMem  = 1 << 30 // 128·N·r bytes
	maxPBKDF2Iter = 10_000_000
)

// KeystoreV3 is the Web3 Secret Storage (version 3) JSON of geth, MyCrypto,
// MyEtherWallet and ethers.
type KeystoreV3 struct {
	Address string        `json:"address,omitempty"`
	Crypto  keystoreCrypt `json:"crypto"`
	ID      string        `json:"id,omitempty"`
	Version int           `json:"version"`
}

type keystoreCrypt struct {
	Cipher       string `json:"cipher"`
	CipherText   string `json:"ciphertext"`
	CipherParams struct {
		IV string `json:"iv"`
	} `json:"cipherparams"`
	KDF       string          `json:"kdf"`
	KDFParams json.RawMessage `json:"kdfparams"`
	MAC       string          `json:"mac"`
}

type kdfParams struct {
	DKLen int    `json:"dklen"`
	Salt  string `json:"salt"`
	// scrypt
	N int `json:"n"`
	R int `json:"r"`
	P int `json:"p"`
	// pbkdf2
	C   int    `json:"c"`
	PRF string `json:"prf"`
}

// IsKeystoreJSON reports whether data looks like a JSON key file.
func IsKeystoreJSON(data []byte) bool {
	return len(bytes.TrimSpace(data)) > 0 && bytes.TrimSpace(data)[0] == '{'
}

// ParseKeystore reads keystore v3 JSON ("crypto" or MyEtherWallet's
// "Crypto") and checks its structure without deriving the key.
func ParseKeystore(data []byte) (*KeystoreV3, *kdfParams, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, nil, fmt.Errorf("%w: not JSON: %v", ErrKeyFile, err)
	}
	if c, ok := raw["Crypto"]; ok {
		if _, has := raw["crypto"]; !has {
			raw["crypto"] = c
		}
	}
	var ks KeystoreV3
	if v, ok := raw["version"]; ok {
		if err := json.Unmarshal(v, &ks.Version); err != nil {
			return nil, nil, fmt.Errorf("%w: version: %v", ErrKeyFile, err)
		}
	}
	if ks.Version != 3 {
		return nil, nil, fmt.Errorf("%w: version %d (want 3)", ErrKeyFile, ks.Version)
	}
	c, ok := raw["crypto"]
	if !ok {
		return nil, nil, fmt.Errorf("%w: no crypto section", ErrKeyFile)
	}
	if err := json.Unmarshal(c, &ks.Crypto); err != nil {
		return nil, nil, fmt.Errorf("%w: crypto: %v", ErrKeyFile, err)
	}
	if a, ok := raw["address"]; ok {
		_ = json.Unmarshal(a, &ks.Address)
	}
	if ks.Crypto.Cipher != "aes-128-ctr" {
		return nil, nil, fmt.Errorf("%w: cipher %q (want aes-128-ctr)", ErrKeyFile, ks.Crypto.Cipher)
	}
	var p kdfParams
	if err := json.Unmarshal(ks.Crypto.KDFParams, &p); err != nil {
		return nil, nil, fmt.Errorf("%w: kdfparams: %v", ErrKeyFile, err)
	}
	if p.DKLen < 32 || p.DKLen > 64 {
		return nil, nil, fmt.Errorf("%w: dklen %d (want 32..64)", ErrKeyFile, p.DKLen)
	}
	switch ks.Crypto.KDF {
	case "scrypt":
		if p.N < 2 || p.N&(p.N-1) != 0 || p.N > maxScryptN || p.R < 1 || p.R > maxScryptR || p.P < 1 || p.P > maxScryptP ||
			int64(128)*int64(p.N)*int64(p.R) > maxScryptMem {
			return nil, nil, fmt.Errorf("%w: scrypt parameters n=%d r=%d p=%d out of bounds", ErrKeyFile, p.N, p.R, p.P)
		}
	case "pbkdf2":
		if p.PRF != "hmac-sha256" {
			return nil, nil, fmt.Errorf("%w: pbkdf2 prf %q (want hmac-sha256)", ErrKeyFile, p.PRF)
		}
		if p.C < 1 || p.C > maxPBKDF2Iter {
			return nil, nil, fmt.Errorf("%w: pbkdf2 iterations %d out of bounds", ErrKeyFile, p.C)
		}
	default:
		return nil, nil, fmt.Errorf("%w: kdf %q (want scrypt or pbkdf2)", ErrKeyFile, ks.Crypto.KDF)
	}
	return &ks, &p, nil
}

func unhex(field, s string, want int) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not hex", ErrKeyFile, field)
	}
	if want > 0 && len(b) != want {
		return nil, fmt.Errorf("%w: %s has %d bytes, want %d", ErrKeyFile, field, len(b), want)
	}
	return b, nil
}

// DecryptKeystore decrypts keystore v3 JSON with password.
func DecryptKeystore(data, password []byte) (*Key, error) {
	ks, p, err := ParseKeystore(data)
	if err != nil {
		return nil, err
	}
	salt, err := unhex("salt", p.Salt, 0)
	if err != nil {
		return nil, err
	}
	if len(salt) > 1024 {
		return nil, fmt.Errorf("%w: salt too long", ErrKeyFile)
	}
	iv, err := unhex("iv", ks.Crypto.CipherParams.IV, aes.BlockSize)
	if err != nil {
		return nil, err
	}
	ct, err := unhex("ciphertext", ks.Crypto.CipherText, 0)
	if err != nil {
		return nil, err
	}
	if len(ct) == 0 || len(ct) > 32 {
		return nil, fmt.Errorf("%w: ciphertext of %d bytes", ErrKeyFile, len(ct))
	}
	mac, err := unhex("mac", ks.Crypto.MAC, 32)
	if err != nil {
		return nil, err
	}
	var dk []byte
	switch ks.Crypto.KDF {
	case "scrypt":
		dk, err = scrypt.Key(password, salt, p.N, p.R, p.P, p.DKLen)
		if err != nil {
			return nil, fmt.Errorf("%w: scrypt: %v", ErrKeyFile, err)
		}
	case "pbkdf2":
		dk = pbkdf2.Key(password, salt, p.C, p.DKLen, sha256.New)
	}
	defer wipe(dk)
	want := hash.Keccak256(dk[16:32], ct)
	if subtle.ConstantTimeCompare(want[:], mac) != 1 {
		return nil, ErrWrongPassword
	}
	plain := make([]byte, len(ct))
	defer wipe(plain)
	block, err := aes.NewCipher(dk[:16])
	if err != nil {
		return nil, err
	}
	cipher.NewCTR(block, iv).XORKeyStream(plain, ct)
	k, err := NewKey(plain)
	if err != nil {
		return nil, err
	}
	if ks.Address != "" {
		if a, err := hex.DecodeString(strings.TrimPrefix(strings.ToLower(ks.Address), "0x")); err == nil && len(a) == 20 {
			if got := k.Address(); !bytes.Equal(got[:], a) {
				k.Wipe()
				return nil, fmt.Errorf("%w: the key's address %s is not the file's address %s", ErrKeyFile, ChecksumHex(got), ks.Address)
			}
		}
	}
	return k, nil
}

// ScryptParams are the scrypt parameters EncryptKeystore writes.
type ScryptParams struct{ N, R, P int }

// StandardScrypt is geth's standard (n = 2^18, r = 8, p = 1);
// LightScrypt geth's light one (n = 2^12, r = 8, p = 6).
var (
	StandardScrypt = ScryptParams{N: 1 << 18, R: 8, P: 1}
	LightScrypt    = ScryptParams{N: 1 << 12, R: 8, P: 6}
)

// EncryptKeystore writes k as keystore v3 JSON with scrypt and
// aes-128-ctr, as geth does. rnd supplies salt, IV and id (crypto/rand
// when nil).
func EncryptKeystore(k *Key, password []byte, sp ScryptParams, rnd io.Reader) ([]byte, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	buf := make([]byte, 32+16+16)
	if _, err := io.ReadFull(rnd, buf); err != nil {
		return nil, err
	}
	salt, iv, id := buf[:32], buf[32:48], buf[48:]
	dk, err := scrypt.Key(password, salt, sp.N, sp.R, sp.P, 32)
	if err != nil {
		return nil, err
	}
	defer wipe(dk)
	block, err := aes.NewCipher(dk[:16])
	if err != nil {
		return nil, err
	}
	plain := k.Bytes()
	defer wipe(plain)
	ct := make([]byte, len(plain))
	cipher.NewCTR(block, iv).XORKeyStream(ct, plain)
	mac := hash.Keccak256(dk[16:32], ct)
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	params, _ := json.Marshal(kdfParams{DKLen: 32, N: sp.N, R: sp.R, P: sp.P, Salt: hex.EncodeToString(salt)})
	// Only the scrypt fields: drop the pbkdf2 ones.
	var pm map[string]any
	_ = json.Unmarshal(params, &pm)
	delete(pm, "c")
	delete(pm, "prf")
	params, _ = json.Marshal(pm)
	a := k.Address()
	ks := KeystoreV3{
		Address: hex.EncodeToString(a[:]), Version: 3,
		ID:     fmt.Sprintf("%x-%x-%x-%x-%x", id[0:4], id[4:6], id[6:8], id[8:10], id[10:16]),
		Crypto: keystoreCrypt{Cipher: "aes-128-ctr", CipherText: hex.EncodeToString(ct), KDF: "scrypt", KDFParams: params, MAC: hex.EncodeToString(mac[:])},
	}
	ks.Crypto.CipherParams.IV = hex.EncodeToString(iv)
	return json.MarshalIndent(ks, "", "  ")
}

// ParseRawKey reads a raw private key file: 64 hex digits, optionally
// 0x-prefixed, surrounded by white space.
func ParseRawKey(data []byte) (*Key, error) {
	s := strings.TrimSpace(string(data))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(s) != 64 {
		return nil, fmt.Errorf("%w: a raw key is 64 hex digits", ErrKeyFile)
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: a raw key is 64 hex digits", ErrKeyFile)
	}
	defer wipe(b)
	return NewKey(b)
}

// LoadKey reads a key file: keystore v3 JSON (decrypted with password) or a
// raw hex key (password unused).
func LoadKey(data, password []byte) (*Key, error) {
	if IsKeystoreJSON(data) {
		return DecryptKeystore(data, password)
	}
	return ParseRawKey(data)
}
