package cli

import (
	"time"

	"bytes"
	"encoding/json"
	"fmt"
	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/cmd/internal/config"
	"os"
	"path/filepath"
	"sync"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// GlobalOptions are the flags every command accepts (cli.md).
type GlobalOptions struct {
	Home        string
	Network     string
	RPC         string
	RelayRPC    string
	AssetHubRPC string
	// FollowTimeout is --follow-timeout.
	FollowTimeout time.Duration
	// Chain is --chain of a submitting command: "", "relay" or "asset-hub".
	Chain         string
	TrustRPC      bool
	JSON          bool
	Yes           bool
	PasswordFile  string
	PasswordStdin bool
	// Checkpoint is --checkpoint FILE; AcceptOldCheckpoint
	// --accept-old-checkpoint.
	Checkpoint          string
	AcceptOldCheckpoint bool
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

	// config is the configuration file read by applySettings.
	config *config.File

	// warnings are the warnings of this command (Warnf), added to its JSON
	// document by PrintJSON.
	warnMu   sync.Mutex
	warnings []string

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

// PrintJSON writes v to stdout as one indented JSON document. When v is
// an object and the command warned (Warnf) since the last document, the
// warnings are its "warnings" array too, unless v has its own "warnings"
// field.
func (f *Factory) PrintJSON(v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	// The warnings since the last document go into this one (a command
	// that prints several, one per line, gives each its own).
	f.warnMu.Lock()
	ws := f.warnings
	b, added := withWarnings(bytes.TrimSpace(buf.Bytes()), ws)
	if added {
		f.warnings = nil
	}
	f.warnMu.Unlock()
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err := f.IO.Out.Write(out.Bytes())
	return err
}

// printJSONOr prints v as JSON under --json or when standard output is not
// a terminal (a program reads it), else writes it for people with human.
func printJSONOr(f *Factory, v any, human func() error) error {
	if f.Opts.JSON || !f.IO.IsStdoutTTY() {
		return f.PrintJSON(v)
	}
	return human()
}

// withWarnings adds "warnings": ws as the last member of the JSON object
// doc (added true); any other document, or an object with its own
// "warnings", is returned as it is.
func withWarnings(doc []byte, ws []string) ([]byte, bool) {
	if len(ws) == 0 || len(doc) < 2 || doc[0] != '{' || doc[len(doc)-1] != '}' {
		return doc, false
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(doc, &members) != nil {
		return doc, false
	}
	if _, own := members["warnings"]; own {
		return doc, false
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(ws) != nil {
		return doc, false
	}
	out := append([]byte(nil), doc[:len(doc)-1]...)
	if len(members) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"warnings":`...)
	out = append(out, bytes.TrimSpace(b.Bytes())...)
	return append(out, '}'), true
}

// Warnf writes a warning line to stderr; under --json the warning also
// goes into the command's JSON document (PrintJSON).
func (f *Factory) Warnf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	f.warnMu.Lock()
	f.warnings = append(f.warnings, msg)
	f.warnMu.Unlock()
	fmt.Fprintf(f.IO.ErrOut, "ksm: warning: %s\n", msg)
}

// Infof writes a progress or informational line to stderr.
func (f *Factory) Infof(format string, args ...any) {
	fmt.Fprintf(f.IO.ErrOut, format+"\n", args...)
}
