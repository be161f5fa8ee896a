package keys

import (
	"crypto/sha512"
	"errors"
	"fmt"
	"strings"

	"github.com/tyler-smith/go-bip39"
	"golang.org/x/crypto/pbkdf2"
)

// ErrInvalidMnemonic means a phrase that is not valid BIP39 English
// (unknown word, wrong word count or bad checksum).
var ErrInvalidMnemonic = errors.New("invalid mnemonic")

// NewMnemonic returns a fresh random English BIP39 mnemonic of words words
// (12, 15, 18, 21 or 24).
func NewMnemonic(words int) (string, error) {
	switch words {
	case 12, 15, 18, 21, 24:
	default:
		return "", fmt.Errorf("%w: %d words (want 12, 15, 18, 21 or 24)", ErrInvalidMnemonic, words)
	}
	entropy, err := bip39.NewEntropy(words / 3 * 32)
	if err != nil {
		return "", err
	}
	defer wipe(entropy)
	return bip39.NewMnemonic(entropy)
}

// NormalizePhrase collapses runs of white space in a phrase to single spaces.
func NormalizePhrase(phrase string) string {
	return strings.Join(strings.Fields(phrase), " ")
}

// MnemonicEntropy returns the BIP39 entropy of an English mnemonic, checking
// its words and checksum.
func MnemonicEntropy(phrase string) ([]byte, error) {
	words := strings.Fields(phrase)
	switch len(words) {
	case 12, 15, 18, 21, 24:
	default:
		return nil, fmt.Errorf("%w: %d words (want 12, 15, 18, 21 or 24)", ErrInvalidMnemonic, len(words))
	}
	for i, w := range words {
		if _, ok := bip39.GetWordIndex(w); !ok {
			return nil, fmt.Errorf("%w: word %d is not in the BIP39 English list", ErrInvalidMnemonic, i+1)
		}
	}
	e, err := bip39.EntropyFromMnemonic(strings.Join(words, " "))
	if err != nil {
		return nil, fmt.Errorf("%w: checksum does not match", ErrInvalidMnemonic)
	}
	return e, nil
}

// SeedFromEntropy is substrate-bip39's seed: PBKDF2-HMAC-SHA512 of the
// entropy with salt "mnemonic"+password, 2048 rounds, 64 bytes.
func SeedFromEntropy(entropy []byte, password string) ([64]byte, error) {
	var out [64]byte
	if len(entropy) < 16 || len(entropy) > 32 || len(entropy)%4 != 0 {
		return out, fmt.Errorf("%w: entropy of %d bytes", ErrInvalidMnemonic, len(entropy))
	}
	k := pbkdf2.Key(entropy, []byte("mnemonic"+password), 2048, 64, sha512.New)
	copy(out[:], k)
	wipe(k)
	return out, nil
}

// MiniSecretFromMnemonic returns the 32-byte mini secret (the seed of every
// scheme) of a mnemonic and optional password, as substrate-bip39 does.
func MiniSecretFromMnemonic(phrase, password string) ([32]byte, error) {
	var mini [32]byte
	entropy, err := MnemonicEntropy(phrase)
	if err != nil {
		return mini, err
	}
	defer wipe(entropy)
	seed, err := SeedFromEntropy(entropy, password)
	if err != nil {
		return mini, err
	}
	copy(mini[:], seed[:32])
	wipe(seed[:])
	return mini, nil
}
