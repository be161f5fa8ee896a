package app

import "errors"

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
