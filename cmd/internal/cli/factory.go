package cli

import (
	"encoding/json"
	"fmt"
	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"os"
	"path/filepath"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
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

	// beforeNetwork, when set, checks the command's arguments offline; the
	// first step that would touch the network runs it first.
	beforeNetwork func() error

	// collect, when set (ksm batch parsing a row), receives the plan of a
	// submitting command instead of it being executed: nothing is read
	// from the chain, signed or sent. keyring is where the plan resolves
	// key names then.
	collect func(*app.Plan) error
	keyring app.Keyring
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
