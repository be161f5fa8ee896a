package app

import (
	"errors"
	"fmt"
)

// Kinds of failure. A front end needs one thing of an error besides its
// message: whose fault it is (the CLI's exit code). An error of a kind
// matches it with errors.Is; the constructors below, each next to its kind,
// mark an error with its kind where it arises, keeping its message and its
// chain.

// ErrUsage is the kind of every mistake in what the user typed or in
// the files they named: unknown key, malformed address, amount or
// index, unreadable or undecodable input file, bad flag combination.
var ErrUsage = errors.New("bad input")

// InputError is a mistake in what the user typed or the files they named
// (kind ErrUsage). A use case returns one before any network step.
type InputError struct{ Err error }

func (e *InputError) Error() string        { return e.Err.Error() }
func (e *InputError) Unwrap() error        { return e.Err }
func (e *InputError) Is(target error) bool { return target == ErrUsage }

// Usagef returns an InputError with a formatted message (%w wraps).
func Usagef(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// Input marks err as caused by the user's input; nil stays nil.
func Input(err error) error {
	if err == nil {
		return nil
	}
	return &InputError{Err: err}
}

// kindError gives an error one of the kinds above.
type kindError struct {
	kind error
	err  error
}

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.err, e.kind} }

func withKind(kind, err error) error {
	if err == nil {
		return nil
	}
	return &kindError{kind: kind, err: err}
}

// ErrVerification is the kind of a proof, justification or signature
// that does not verify, including one inside a file the user named.
var ErrVerification = errors.New("verification failed")

// Unverified marks err as a failed verification (kind ErrVerification).
func Unverified(err error) error { return withKind(ErrVerification, err) }

// ErrNetwork is the kind of an unreachable network or a timeout.
var ErrNetwork = errors.New("network unreachable")

// Unreachable marks err as a network failure or timeout (kind ErrNetwork).
func Unreachable(err error) error { return withKind(ErrNetwork, err) }

// ErrTxFailed is the kind of a transaction included in a block whose
// call failed on chain (it paid its fee).
var ErrTxFailed = errors.New("transaction failed on chain")

// FailedOnChain marks err as the on-chain failure of an included
// transaction (kind ErrTxFailed).
func FailedOnChain(err error) error { return withKind(ErrTxFailed, err) }

// ErrCancelled means the user declined a prompt or interrupted ksm.
var ErrCancelled = errors.New("cancelled")
