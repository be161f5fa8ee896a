package keystore

import (
	"errors"
	"fmt"

	"github.com/zalando/go-keyring"
)

// PasswordCache remembers keystore passwords in the operating system's
// keyring (macOS Keychain, Windows Credential Manager, the Secret Service
// on Linux).
type PasswordCache interface {
	Get(key string) (string, error)
	Set(key, password string) error
	Delete(key string) error
}

var (
	// ErrNoKeyring means the OS has no keyring service ksm can use
	// (headless Linux without a Secret Service, CI).
	ErrNoKeyring = errors.New("no OS keyring service available")
	// ErrNotRemembered means the keyring holds no password for the key.
	ErrNotRemembered = errors.New("password not remembered")
)

// keyringService is the service name ksm's entries carry.
const keyringService = "ksm"

// OSKeyring is the PasswordCache of the OS keyring.
type OSKeyring struct{}

func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotRemembered
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		return ErrNoKeyring
	}
	// go-keyring reports a missing D-Bus session or Secret Service with
	// plain errors; any other failure means there is no usable keyring.
	return fmt.Errorf("%w: %v", ErrNoKeyring, err)
}

// Get returns the remembered password for key.
func (OSKeyring) Get(key string) (string, error) {
	s, err := keyring.Get(keyringService, key)
	return s, classify(err)
}

// Set remembers password for key.
func (OSKeyring) Set(key, password string) error {
	return classify(keyring.Set(keyringService, key, password))
}

// Delete forgets the password for key.
func (OSKeyring) Delete(key string) error {
	err := classify(keyring.Delete(keyringService, key))
	if errors.Is(err, ErrNotRemembered) {
		return nil
	}
	return err
}
