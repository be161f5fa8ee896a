package app

import (
	"errors"
	"fmt"
)

// Sentinel errors of the use cases, possibly wrapped with an explanation.
var (
	// ErrWrongChain means the pallet's calls are made on another chain of
	// the network today; the message names it.
	ErrWrongChain = errors.New("wrong chain")
	// ErrInsufficientBalance means the account cannot pay the amount and the fee.
	ErrInsufficientBalance = errors.New("insufficient balance")
	// ErrExistentialDeposit means the transaction would leave an account
	// below the existential deposit (reaped) and the user did not allow it.
	ErrExistentialDeposit = errors.New("below the existential deposit")
	// ErrWouldFail means a dry run of the transaction says it would fail.
	ErrWouldFail = errors.New("the transaction would fail")
	// ErrRejected means the chain refused the transaction; it was not included.
	ErrRejected = errors.New("transaction rejected")
	// ErrSignerMismatch means the key given does not belong to the sender.
	ErrSignerMismatch = errors.New("the signing key is not the sender's")
)

// Kinds of failure. A front end needs one thing of an error besides its
// message: whose fault it is (the CLI's exit code). An error of a kind
// matches it with errors.Is; the constructors below mark an error with its
// kind where it arises, keeping its message and its chain.
var (
	// ErrUsage is the kind of every mistake in what the user typed or in
	// the files they named: unknown key, malformed address, amount or
	// index, unreadable or undecodable input file, bad flag combination.
	ErrUsage = errors.New("bad input")
	// ErrVerification is the kind of a proof, justification or signature
	// that does not verify, including one inside a file the user named.
	ErrVerification = errors.New("verification failed")
	// ErrNetwork is the kind of an unreachable network or a timeout.
	ErrNetwork = errors.New("network unreachable")
	// ErrTxFailed is the kind of a transaction included in a block whose
	// call failed on chain (it paid its fee).
	ErrTxFailed = errors.New("transaction failed on chain")
	// ErrCancelled means the user declined a prompt or interrupted ksm.
	ErrCancelled = errors.New("cancelled")
)

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

// Unverified marks err as a failed verification (kind ErrVerification).
func Unverified(err error) error { return withKind(ErrVerification, err) }

// Unreachable marks err as a network failure or timeout (kind ErrNetwork).
func Unreachable(err error) error { return withKind(ErrNetwork, err) }

// FailedOnChain marks err as the on-chain failure of an included
// transaction (kind ErrTxFailed).
func FailedOnChain(err error) error { return withKind(ErrTxFailed, err) }
