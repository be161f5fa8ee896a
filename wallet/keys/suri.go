package keys

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Junction is one step of a derivation path: a 32-byte chain code, hard
// (//) or soft (/).
type Junction struct {
	Hard bool
	Code [32]byte
}

// NewJunction makes the junction Substrate makes from the text between
// slashes: a decimal u64 becomes 8 bytes little-endian, anything else the
// SCALE encoding of the string (blake2b-256 of it when longer than 32
// bytes); the result is zero-padded to 32 bytes.
func NewJunction(text string, hard bool) Junction {
	j := Junction{Hard: hard}
	digits := strings.TrimPrefix(text, "+") // Rust's u64 parser takes one leading '+'
	if n, err := strconv.ParseUint(digits, 10, 64); err == nil && digits != "" && digits[0] != '+' && digits[0] != '-' {
		binary.LittleEndian.PutUint64(j.Code[:], n)
		return j
	}
	enc := scale.AppendString(nil, text)
	if len(enc) > 32 {
		j.Code = hash.Blake2b256(enc)
	} else {
		copy(j.Code[:], enc)
	}
	return j
}

// URI is a parsed secret URI. Phrase is a mnemonic or a 0x-prefixed
// 32-byte hex seed; it is DevPhrase when the URI was a bare path.
type URI struct {
	Phrase      string
	Path        []Junction
	Password    string
	HasPassword bool
}

// Wipe drops the secret parts of u (Go strings cannot be overwritten; this
// only releases the references).
func (u *URI) Wipe() { u.Phrase, u.Password = "", "" }

// ErrInvalidURI means a secret URI that does not parse.
var ErrInvalidURI = errors.New("invalid secret URI")

// ParsePath parses a derivation path alone: ([//hard | /soft])*, no password.
func ParsePath(path string) ([]Junction, error) {
	js, rest, err := parseJunctions(path)
	if err != nil {
		return nil, err
	}
	if rest != nil {
		return nil, fmt.Errorf("%w: a derivation path cannot hold a password (///)", ErrInvalidURI)
	}
	return js, nil
}

func parseJunctions(s string) (js []Junction, password *string, err error) {
	for s != "" {
		if strings.HasPrefix(s, "///") {
			pw := s[3:]
			return js, &pw, nil
		}
		hard := strings.HasPrefix(s, "//")
		if hard {
			s = s[2:]
		} else if strings.HasPrefix(s, "/") {
			s = s[1:]
		} else {
			return nil, nil, fmt.Errorf("%w: path must start with / or //", ErrInvalidURI)
		}
		end := strings.IndexByte(s, '/')
		if end < 0 {
			end = len(s)
		}
		if end == 0 {
			return nil, nil, fmt.Errorf("%w: empty junction in path", ErrInvalidURI)
		}
		js = append(js, NewJunction(s[:end], hard))
		s = s[end:]
	}
	return js, nil, nil
}

// ParseURI parses a secret URI. Errors never quote the URI, which is secret.
func ParseURI(suri string) (*URI, error) {
	suri = strings.TrimSpace(suri)
	if suri == "" {
		return nil, fmt.Errorf("%w: empty", ErrInvalidURI)
	}
	u := &URI{}
	phrase, rest := suri, ""
	if i := strings.IndexByte(suri, '/'); i >= 0 {
		phrase, rest = suri[:i], suri[i:]
	}
	phrase = NormalizePhrase(phrase)
	if phrase == "" {
		phrase = DevPhrase
	}
	for _, r := range phrase {
		if !(r == ' ' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return nil, fmt.Errorf("%w: the phrase holds a character other than letters, digits and spaces", ErrInvalidURI)
		}
	}
	u.Phrase = phrase
	js, pw, err := parseJunctions(rest)
	if err != nil {
		return nil, err
	}
	u.Path = js
	if pw != nil {
		u.Password, u.HasPassword = *pw, true
	}
	return u, nil
}

// rootSeed returns the 32-byte seed of the URI's phrase: the hex seed itself
// (a password is ignored there, as Substrate and polkadot-js do) or the
// mini secret of the mnemonic with the password.
func (u *URI) rootSeed() ([32]byte, error) {
	var seed [32]byte
	if strings.HasPrefix(u.Phrase, "0x") {
		h := u.Phrase[2:]
		if len(h) != 64 {
			return seed, fmt.Errorf("%w: a hex seed must be 32 bytes", ErrInvalidSeed)
		}
		if _, err := hex.Decode(seed[:], []byte(h)); err != nil {
			return seed, fmt.Errorf("%w: not hex", ErrInvalidSeed)
		}
		return seed, nil
	}
	return MiniSecretFromMnemonic(u.Phrase, u.Password)
}

// FromURI returns the key pair of scheme that a secret URI names.
func FromURI(suri string, scheme Scheme) (*Pair, error) {
	u, err := ParseURI(suri)
	if err != nil {
		return nil, err
	}
	defer u.Wipe()
	return u.Pair(scheme)
}

// Pair returns the key pair of scheme that u names.
func (u *URI) Pair(scheme Scheme) (*Pair, error) {
	if scheme == Ethereum {
		return nil, fmt.Errorf("%w: ethereum keys come only from keystore files", ErrNotDerivable)
	}
	seed, err := u.rootSeed()
	if err != nil {
		return nil, err
	}
	defer wipe(seed[:])
	p, err := FromSeed(scheme, seed[:])
	if err != nil {
		return nil, err
	}
	if len(u.Path) == 0 {
		return p, nil
	}
	defer p.Wipe()
	return p.Derive(u.Path)
}
