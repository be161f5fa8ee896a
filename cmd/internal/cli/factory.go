package cli

import (
	"encoding/json"
	"fmt"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"os"
	"path/filepath"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// GlobalOptions are the flags every command accepts (cli.md).
type GlobalOptions struct {
	Home          string
	Network       string
	RPC           string
	RelayRPC      string
	TrustRPC      bool
	JSON          bool
	Yes           bool
	PasswordFile  string
	PasswordStdin bool
}

// Factory carries what commands need, created lazily: streams, options and
// the environment. Tests build one with in-memory streams and a fake Getenv.
type Factory struct {
	IO     *iostreams.IOStreams
	Opts   *GlobalOptions
	Getenv func(string) string
	// Backend are the test seams of the chain backend (zero in production).
	Backend backend.Hooks
	// Scrypt are the scrypt parameters of the keystore's new files (zero in
	// production: keystore.DefaultParams); tests set cheap ones.
	Scrypt keystore.Params

	// keepState makes the backend keep its state (the verified chain,
	// caches) in a home that does not exist yet, creating it: chain sync
	// does; a command that only reads creates no directory.
	keepState bool

	// beforeNetwork, when set, checks the command's arguments offline; the
	// first step that would touch the network runs it first.
	beforeNetwork func() error
}

// NewFactory returns a Factory for a real process.
func NewFactory(io *iostreams.IOStreams) *Factory {
	return &Factory{IO: io, Opts: &GlobalOptions{}, Getenv: os.Getenv}
}

// HomeDir is the data directory: --home, else $KSM_HOME, else the OS config
// directory + "/ksm".
func (f *Factory) HomeDir() (string, error) {
	if f.Opts.Home != "" {
		return filepath.Abs(f.Opts.Home)
	}
	if h := f.Getenv("KSM_HOME"); h != "" {
		return filepath.Abs(h)
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no home directory: set --home or KSM_HOME: %w", err)
	}
	return filepath.Join(dir, "ksm"), nil
}

// openStore opens the keystore under home with the factory's scrypt
// parameters.
func (f *Factory) openStore(home string) (*keystore.Store, error) {
	st, err := keystore.Open(home)
	if err != nil {
		return nil, err
	}
	st.Scrypt = f.Scrypt
	return st, nil
}

// PrintJSON writes v to stdout as one indented JSON document.
func (f *Factory) PrintJSON(v any) error {
	enc := json.NewEncoder(f.IO.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// Warnf writes a warning line to stderr.
func (f *Factory) Warnf(format string, args ...any) {
	fmt.Fprintf(f.IO.ErrOut, "ksm: warning: "+format+"\n", args...)
}

// Infof writes a progress or informational line to stderr.
func (f *Factory) Infof(format string, args ...any) {
	fmt.Fprintf(f.IO.ErrOut, format+"\n", args...)
}
