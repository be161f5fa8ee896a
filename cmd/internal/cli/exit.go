package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

// Exit codes of the command-line contract (shared/docs/cli.md).
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

// ExitError attaches an exit code to an error.
type ExitError struct {
	Code int
	Err  error
	// syntax marks a mistake in the command line itself (unknown command or
	// flag, wrong number of arguments): the usage hint is printed after it.
	syntax bool
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// UsageErrorf reports a mistake in how ksm was called (exit 2).
func UsageErrorf(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// VerificationError marks err as a failed verification (exit 3).
func VerificationError(err error) error { return &ExitError{Code: ExitVerification, Err: err} }

// TxFailedError marks err as an on-chain failure of an included transaction (exit 4).
func TxFailedError(err error) error { return &ExitError{Code: ExitTxFailed, Err: err} }

// NetworkError marks err as a network failure or timeout (exit 5).
func NetworkError(err error) error { return &ExitError{Code: ExitNetwork, Err: err} }

// exitClasses maps domain sentinel errors to exit codes. It is the one place
// where errors of other packages are given a code; commands may also wrap
// errors with the constructors above.
var exitClasses = []struct {
	target error
	code   int
}{
	{ErrCancelled, ExitCancelled},
	{context.Canceled, ExitCancelled},
	{context.DeadlineExceeded, ExitNetwork},
}

// syntaxErrorf reports a malformed command line (exit 2, with a usage hint).
func syntaxErrorf(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...), syntax: true}
}

// isSyntaxError reports whether err is a malformed command line.
func isSyntaxError(err error) bool {
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.syntax
	}
	return cobraUsageError(err)
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

// ExitCode returns the process exit code for err.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	for _, c := range exitClasses {
		if errors.Is(err, c.target) {
			return c.code
		}
	}
	if cobraUsageError(err) || app.IsInputError(err) {
		return ExitUsage
	}
	return ExitFailure
}
