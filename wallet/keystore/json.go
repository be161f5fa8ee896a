package keystore

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/scrypt"

	"github.com/ksm-wallet/ksm/wallet/eth"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// The polkadot-js "PKCS8" envelope of generation 3.
var (
	pkcs8Header  = []byte{48, 83, 2, 1, 1, 48, 5, 6, 3, 43, 101, 112, 4, 34, 4, 32}
	pkcs8Divider = []byte{161, 35, 3, 33, 0}
)

const (
	saltLen      = 32
	scryptLen    = saltLen + 12
	nonceLen     = 24
	maxFileBytes = 64 << 10
)

// Params are scrypt parameters.
type Params struct{ N, P, R uint32 }

// DefaultParams are what ksm writes: N=2^15, p=1, r=8, one of the sets
// polkadot-js accepts.
var DefaultParams = Params{N: 1 << 15, P: 1, R: 8}

// allowedParams are the sets polkadot-js accepts on import (util-crypto
// scrypt/defaults ALLOWED_PARAMS); ksm accepts the same.
var allowedParams = []Params{
	{1 << 13, 10, 8}, {1 << 14, 5, 8}, {1 << 15, 3, 8}, {1 << 15, 1, 8}, {1 << 16, 2, 8}, {1 << 17, 1, 8},
}

// InsecureTestParams are scrypt N=2^logN, p=1, r=8: cheap parameters that
// tests give a Store (Store.Scrypt) so that they run fast, each store its
// own, in parallel. Files written with them do not import into
// polkadot-js. Never use them outside tests.
func InsecureTestParams(logN int) Params { return Params{N: 1 << logN, P: 1, R: 8} }

// paramsAllowed reports whether a file at p may be decrypted: one of the
// sets polkadot-js accepts, or own (the parameters of the store reading it).
func paramsAllowed(p, own Params) bool {
	if p == own {
		return true
	}
	for _, a := range allowedParams {
		if a == p {
			return true
		}
	}
	return false
}

// stringList is a JSON string or array of strings (old polkadot-js files
// have "type": "scrypt").
type stringList []string

func (s *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

// Encoding is the "encoding" object of a polkadot-js keystore file.
type Encoding struct {
	Content stringList `json:"content"`
	Type    stringList `json:"type"`
	Version string     `json:"version"`
}

// File is a polkadot-js keystore file (JSON, version 3). Meta keeps every
// field polkadot-js or other tools put there.
type File struct {
	Address  string         `json:"address"`
	Encoded  string         `json:"encoded"`
	Encoding Encoding       `json:"encoding"`
	Meta     map[string]any `json:"meta"`
}

// ErrCorrupt means a file that is not a well-formed keystore file.
var ErrCorrupt = errors.New("corrupted keystore file")

// ErrUnsupported means a keystore file of a version, key type or
// encryption ksm does not read.
var ErrUnsupported = errors.New("unsupported keystore file")

// ParseFile parses a keystore file without decrypting it and checks its
// shape: version 3, a known key type, scrypt + xsalsa20-poly1305 (or a
// watch-only entry).
func ParseFile(b []byte) (*File, error) {
	if len(b) > maxFileBytes {
		return nil, fmt.Errorf("%w: file of %d bytes", ErrCorrupt, len(b))
	}
	var f File
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrCorrupt)
	}
	if f.Encoding.Version != "3" {
		return nil, fmt.Errorf("%w: encoding version %q (want \"3\")", ErrUnsupported, f.Encoding.Version)
	}
	if len(f.Encoding.Content) != 2 || f.Encoding.Content[0] != "pkcs8" {
		return nil, fmt.Errorf("%w: content %q", ErrUnsupported, []string(f.Encoding.Content))
	}
	if _, err := keys.ParseScheme(f.Encoding.Content[1]); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if f.Meta == nil {
		f.Meta = map[string]any{}
	}
	switch t := []string(f.Encoding.Type); {
	case len(t) == 2 && t[0] == "scrypt" && t[1] == "xsalsa20-poly1305":
		if f.Encoded == "" {
			return nil, fmt.Errorf("%w: no encrypted data", ErrCorrupt)
		}
	case f.WatchOnly():
	default:
		return nil, fmt.Errorf("%w: encryption %q (want scrypt, xsalsa20-poly1305)", ErrUnsupported, t)
	}
	return &f, nil
}

// Scheme is the key type of the file.
func (f *File) Scheme() keys.Scheme { return keys.Scheme(f.Encoding.Content[1]) }

// ErrWatchOnly means a secret was needed from a watch-only entry.
var ErrWatchOnly = errors.New("watch-only key has no secret")

// WatchOnly reports whether the file holds an address only.
func (f *File) WatchOnly() bool {
	t := []string(f.Encoding.Type)
	return len(t) == 1 && t[0] == "none" && f.Encoded == ""
}

// Name is meta.name.
func (f *File) Name() string { s, _ := f.Meta["name"].(string); return s }

// PublicKey returns the public key the file states in its address (SS58
// or hex), without decrypting anything.
func (f *File) PublicKey() ([]byte, error) {
	if strings.HasPrefix(f.Address, "0x") {
		b, err := hex.DecodeString(f.Address[2:])
		if err == nil && len(b) == f.Scheme().PublicKeyLen() {
			return b, nil
		}
		return nil, fmt.Errorf("%w: address is not a public key", ErrCorrupt)
	}
	payload, _, err := ss58.Decode(f.Address)
	if err != nil {
		return nil, fmt.Errorf("%w: address: %v", ErrCorrupt, err)
	}
	if len(payload) != f.Scheme().PublicKeyLen() {
		return nil, fmt.Errorf("%w: address is not a %s public key", ErrCorrupt, f.Scheme())
	}
	return payload, nil
}

// rawEncoded decodes the encoded field as polkadot-js does: hex when it is
// 0x-prefixed hex (isHex), else base64 — a base64 text may itself begin
// with "0x" (about one file in 4,096).
func (f *File) rawEncoded() ([]byte, error) {
	if strings.HasPrefix(f.Encoded, "0x") {
		if b, err := hex.DecodeString(f.Encoded[2:]); err == nil {
			return b, nil
		}
	}
	b, err := base64.StdEncoding.DecodeString(f.Encoded)
	if err != nil {
		return nil, fmt.Errorf("%w: encoded is neither 0x-hex nor base64", ErrCorrupt)
	}
	return b, nil
}

// encrypted returns the decoded encrypted data and its scrypt parameters.
func (f *File) encrypted() ([]byte, Params, error) {
	raw, err := f.rawEncoded()
	if err != nil {
		return nil, Params{}, err
	}
	if len(raw) < scryptLen+nonceLen+secretbox.Overhead {
		return nil, Params{}, fmt.Errorf("%w: encrypted data of %d bytes is truncated", ErrCorrupt, len(raw))
	}
	p := Params{
		N: binary.LittleEndian.Uint32(raw[32:]),
		P: binary.LittleEndian.Uint32(raw[36:]),
		R: binary.LittleEndian.Uint32(raw[40:]),
	}
	return raw, p, nil
}

// ScryptParams returns the scrypt parameters the file's secret is
// encrypted with (an error for a watch-only or damaged file).
func (f *File) ScryptParams() (Params, error) {
	if f.WatchOnly() {
		return Params{}, ErrWatchOnly
	}
	_, p, err := f.encrypted()
	return p, err
}

// String gives the parameters as N=2^k p=.. r=.. (N as a power of two when
// it is one).
func (p Params) String() string {
	n := fmt.Sprint(p.N)
	if p.N != 0 && p.N&(p.N-1) == 0 {
		n = fmt.Sprintf("2^%d", bits.TrailingZeros32(p.N))
	}
	return fmt.Sprintf("N=%s p=%d r=%d", n, p.P, p.R)
}

// ErrWrongPassword means the password does not open the file (the
// authenticated encryption cannot tell this from a damaged ciphertext).
var ErrWrongPassword = errors.New("wrong password (or damaged key file)")

// Decrypt decrypts the file with password and returns its key pair,
// checked against the public key the file states. The caller wipes it.
func (f *File) Decrypt(password []byte) (*keys.Pair, error) {
	return f.DecryptParams(password, DefaultParams)
}

// DecryptParams is Decrypt that also accepts a file encrypted at own, the
// parameters of the store reading it (Store.Scrypt).
func (f *File) DecryptParams(password []byte, own Params) (*keys.Pair, error) {
	if f.WatchOnly() {
		return nil, ErrWatchOnly
	}
	raw, p, err := f.encrypted()
	if err != nil {
		return nil, err
	}
	if !paramsAllowed(p, own) {
		return nil, fmt.Errorf("%w: scrypt parameters N=%d p=%d r=%d are not allowed", ErrUnsupported, p.N, p.P, p.R)
	}
	key, err := scrypt.Key(password, raw[:saltLen], int(p.N), int(p.R), int(p.P), 32)
	if err != nil {
		return nil, fmt.Errorf("scrypt: %w", err)
	}
	defer wipe(key)
	var k [32]byte
	var nonce [24]byte
	copy(k[:], key)
	defer wipe(k[:])
	copy(nonce[:], raw[scryptLen:])
	box := raw[scryptLen+nonceLen:]
	if !knownEnvelopeLen(len(box) - secretbox.Overhead) {
		return nil, fmt.Errorf("%w: encrypted key of %d bytes is truncated or padded", ErrCorrupt, len(box))
	}
	plain, ok := secretbox.Open(nil, box, &nonce, &k)
	if !ok {
		return nil, ErrWrongPassword
	}
	defer wipe(plain)
	secret, public, err := splitPKCS8(plain)
	if err != nil {
		return nil, err
	}
	pair, err := keys.FromPolkadotJS(f.Scheme(), secret, public)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if stated, err := f.PublicKey(); err == nil && !bytes.Equal(stated, pair.PublicKey()) {
		pair.Wipe()
		return nil, fmt.Errorf("%w: the address does not belong to the encrypted key", ErrCorrupt)
	}
	return pair, nil
}

// knownEnvelopeLen reports whether n is the length of an envelope with a
// 64- or 32-byte secret and a 32- or 33-byte public key.
func knownEnvelopeLen(n int) bool {
	for _, sec := range []int{64, 32} {
		for _, pub := range []int{32, 33} {
			if n == len(pkcs8Header)+sec+len(pkcs8Divider)+pub {
				return true
			}
		}
	}
	return false
}

// splitPKCS8 splits the decrypted envelope as polkadot-js decodePair does:
// a 64-byte secret, else (older files) a 32-byte one, then the divider and
// the public key.
func splitPKCS8(plain []byte) (secret, public []byte, err error) {
	if len(plain) < len(pkcs8Header) || !bytes.Equal(plain[:len(pkcs8Header)], pkcs8Header) {
		return nil, nil, fmt.Errorf("%w: bad key envelope header", ErrCorrupt)
	}
	body := plain[len(pkcs8Header):]
	for _, n := range []int{64, 32} {
		if len(body) >= n+len(pkcs8Divider) && bytes.Equal(body[n:n+len(pkcs8Divider)], pkcs8Divider) {
			public = body[n+len(pkcs8Divider):]
			if len(public) != 32 && len(public) != 33 {
				return nil, nil, fmt.Errorf("%w: public key of %d bytes in envelope", ErrCorrupt, len(public))
			}
			// polkadot-js reads 32 bytes of public key (of 33 for
			// secp256k1); compare what it compares.
			return body[:n], public[:32], nil
		}
	}
	return nil, nil, fmt.Errorf("%w: bad key envelope divider", ErrCorrupt)
}

// randRead fills salts and nonces (tests replace it).
var randRead = rand.Read

// Encrypt makes a polkadot-js keystore file of pair under password with
// meta (name, whenCreated, ...), at DefaultParams. Address is SS58 with
// prefix for sr25519 and ed25519 and the hex public key for ecdsa and
// ethereum, as polkadot-js writes it.
func Encrypt(pair *keys.Pair, password []byte, meta map[string]any, prefix uint16) (*File, error) {
	return EncryptParams(pair, password, meta, prefix, DefaultParams)
}

// EncryptParams is Encrypt at scrypt parameters p.
func EncryptParams(pair *keys.Pair, password []byte, meta map[string]any, prefix uint16, p Params) (*File, error) {
	secret, err := pair.PolkadotJSSecret()
	if err != nil {
		return nil, err
	}
	defer wipe(secret)
	pub := pair.PublicKey()
	plain := make([]byte, 0, len(pkcs8Header)+len(secret)+len(pkcs8Divider)+len(pub))
	plain = append(append(append(append(plain, pkcs8Header...), secret...), pkcs8Divider...), pub...)
	defer wipe(plain)

	salt := make([]byte, saltLen)
	var nonce [24]byte
	if _, err := randRead(salt); err != nil {
		return nil, err
	}
	if _, err := randRead(nonce[:]); err != nil {
		return nil, err
	}
	key, err := scrypt.Key(password, salt, int(p.N), int(p.R), int(p.P), 32)
	if err != nil {
		return nil, fmt.Errorf("scrypt: %w", err)
	}
	var k [32]byte
	copy(k[:], key)
	wipe(key)
	defer wipe(k[:])
	out := make([]byte, 0, scryptLen+nonceLen+len(plain)+secretbox.Overhead)
	out = append(out, salt...)
	out = binary.LittleEndian.AppendUint32(out, p.N)
	out = binary.LittleEndian.AppendUint32(out, p.P)
	out = binary.LittleEndian.AppendUint32(out, p.R)
	out = append(out, nonce[:]...)
	out = secretbox.Seal(out, plain, &nonce, &k)

	f := &File{
		Encoded: base64.StdEncoding.EncodeToString(out),
		Encoding: Encoding{
			Content: stringList{"pkcs8", string(pair.Scheme())},
			Type:    stringList{"scrypt", "xsalsa20-poly1305"},
			Version: "3",
		},
		Meta: copyMeta(meta),
	}
	f.Address, err = addressField(pair.Scheme(), pub, prefix)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// WatchFile makes a watch-only entry: an address, no secret.
func WatchFile(scheme keys.Scheme, public []byte, meta map[string]any, prefix uint16) (*File, error) {
	addr, err := addressField(scheme, public, prefix)
	if err != nil {
		return nil, err
	}
	m := copyMeta(meta)
	m["isExternal"] = true
	return &File{
		Address:  addr,
		Encoding: Encoding{Content: stringList{"pkcs8", string(scheme)}, Type: stringList{"none"}, Version: "3"},
		Meta:     m,
	}, nil
}

func addressField(scheme keys.Scheme, public []byte, prefix uint16) (string, error) {
	if scheme == keys.Ecdsa || scheme == keys.Ethereum {
		return "0x" + hex.EncodeToString(public), nil
	}
	return ss58.Encode(public, prefix)
}

// EthAddress returns the EIP-55 address of an ethereum file's key.
func (f *File) EthAddress() (string, error) {
	pub, err := f.PublicKey()
	if err != nil {
		return "", err
	}
	a, err := eth.AddressFromPublicKey(pub)
	if err != nil {
		return "", err
	}
	return eth.ChecksumHex(a), nil
}

// Marshal encodes the file as polkadot-js writes it.
func (f *File) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func copyMeta(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
