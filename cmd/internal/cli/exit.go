package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/eth"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// Exit codes of the command-line contract (docs/cli.md).
const (
	ExitOK           = 0
	ExitFailure      = 1
	ExitUsage        = 2
	ExitVerification = 3 // bad proof, justification or signature
	ExitTxFailed     = 4 // transaction included but failed on chain
	ExitNetwork      = 5 // network unreachable or timed out
	ExitCancelled    = 130
)

// ErrCancelled means the user declined a prompt or interrupted ksm.
var ErrCancelled = app.ErrCancelled

// exitTable is the one mapping from errors to exit codes. Errors are typed
// where they arise (the kinds of package app, the sentinels of wallet; the
// light client's are recognised by app/backend); the first row with a kind
// the error matches (or whose match reports it) gives the code, so a bad
// signature inside a file the user named is 3, not 2. Any other error is 1.
var exitTable = []struct {
	code  int
	kinds []error
	match func(error) bool
}{
	{ExitCancelled, []error{app.ErrCancelled, context.Canceled}, nil},
	{ExitVerification, []error{app.ErrVerification, app.ErrClaimSignature}, backend.IsVerification},
	{ExitTxFailed, []error{app.ErrTxFailed}, nil},
	{ExitUsage, []error{app.ErrUsage, app.ErrWrongChain, value.ErrAmount,
		keys.ErrUnknownScheme, keys.ErrInvalidURI, keys.ErrInvalidMnemonic, keys.ErrInvalidSeed,
		keys.ErrSoftDerivation, keys.ErrInvalidPublicKey, keys.ErrNotDerivable,
		ss58.ErrBadBase58, ss58.ErrBadLength, ss58.ErrBadPrefix, ss58.ErrBadChecksum, ss58.ErrWrongNetwork,
		keystore.ErrBadName, keystore.ErrNotFound, keystore.ErrWatchOnly, eth.ErrBadAddress}, nil},
	{ExitNetwork, []error{app.ErrNetwork}, backend.IsNetwork},
}

// ExitCode returns the process exit code for err.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	for _, row := range exitTable {
		if row.match != nil && row.match(err) {
			return row.code
		}
		for _, k := range row.kinds {
			if errors.Is(err, k) {
				return row.code
			}
		}
	}
	if cobraUsageError(err) {
		return ExitUsage
	}
	return ExitFailure
}

// syntaxError is a malformed command line (unknown command or flag, wrong
// number of arguments): exit 2, with the usage hint printed after it.
type syntaxError struct {
	err error
	// cmd is the command whose help the hint names ("" for ksm's).
	cmd string
}

func (e *syntaxError) Error() string        { return e.err.Error() }
func (e *syntaxError) Unwrap() error        { return e.err }
func (e *syntaxError) Is(target error) bool { return target == app.ErrUsage }

// syntaxErrorf reports a malformed command line.
func syntaxErrorf(format string, args ...any) error {
	return &syntaxError{err: fmt.Errorf(format, args...)}
}

// commandSyntaxErrorf reports a malformed command line of the command
// path cmd, whose help the usage hint names.
func commandSyntaxErrorf(cmd, format string, args ...any) error {
	return &syntaxError{err: fmt.Errorf(format, args...), cmd: cmd}
}

// usageHint is the line printed after a malformed command line, "" for
// other errors.
func usageHint(err error) string {
	var se *syntaxError
	switch {
	case errors.As(err, &se) && se.cmd != "":
		return fmt.Sprintf("Run '%s --help' for usage.", se.cmd)
	case se != nil || cobraUsageError(err):
		return "Run 'ksm --help' for usage."
	}
	return ""
}

// cobraUsageError recognises the plain errors cobra returns for unknown
// commands and bad arguments.
func cobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires at most", "invalid argument", "flag needs an argument", "required flag", "if any flags in the group"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// errorJSONLine is what a failure prints on stderr under --json.
type errorJSONLine struct {
	Error struct {
		Message  string `json:"message"`
		ExitCode int    `json:"exitCode"`
	} `json:"error"`
}

// writeJSONError writes a failure as one JSON line.
func writeJSONError(w io.Writer, err error, code int) {
	var line errorJSONLine
	line.Error.Message = err.Error()
	line.Error.ExitCode = code
	b, _ := json.Marshal(line)
	fmt.Fprintf(w, "%s\n", b)
}
