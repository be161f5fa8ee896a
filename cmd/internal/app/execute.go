package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// Keyring is where plans resolve key names and Execute unlocks the signing
// key (a *keystore.Store).
type Keyring interface {
	Get(name string) (*keystore.Entry, error)
	Unlock(name string, password []byte) (*keys.Pair, error)
}

var _ Keyring = (*keystore.Store)(nil)

// Review is what the caller is shown before it confirms: the call decoded
// from the exact signing payload (Prepared.Call), the chain, the fee, the
// balance before and after (Prepared.Balance, Prepared.After) and warnings.
type Review struct {
	// Title is a one-line summary ("Transfer 1.5 KSM to …").
	Title    string
	Details  string
	Key      KeyRef
	Chain    string
	Prepared *Prepared
	Warnings []string
	// Unsigned is the transaction of an unsigned plan (ExecuteUnsigned;
	// Prepared and Key are then empty).
	Unsigned *UnsignedDraft
	// Acting is set when the call acts for another account: the inner
	// call, who it acts for, and how (the signer pays the fee).
	Acting *Acting
}

// Confirmer is asked whether to sign and submit a reviewed transaction.
type Confirmer interface {
	Confirm(ctx context.Context, r *Review) (bool, error)
}

// PasswordPrompter is asked for the password of a key; it returns an error
// (context.Canceled or ErrCancelled when the user gave up) when ctx ends.
type PasswordPrompter interface {
	Password(ctx context.Context, key KeyRef) ([]byte, error)
}

// ProgressReporter is told what Execute is doing.
type ProgressReporter interface {
	// Reviewed receives the prepared transaction: before Confirm, for a dry
	// run, and when the checks refuse it (then with the refusal following).
	Reviewed(r *Review)
	// Status receives each status of the submitted transaction.
	Status(st chainclient.Status)
	// Warn receives what the user should know but does not stop anything.
	Warn(msg string)
}

// Asker is everything Execute asks its caller (the CLI, the TUI, a batch
// runner).
type Asker interface {
	Confirmer
	PasswordPrompter
	ProgressReporter
}

// Result is what Execute did: the review of the prepared transaction
// (nil when it failed before one was prepared), and the outcome when it was
// submitted (nil for a dry run).
type Result struct {
	Review *Review
	DryRun bool
	// Nothing says why there was nothing to submit (no call was made).
	Nothing string
	Outcome *Outcome
}

// Execute runs a plan on an open session: compose the call (the chain
// reads and checks of the verb), prepare it (nonce, era, fee, balance
// checks, dry run), let the caller review and confirm it, unlock the key,
// sign, check the signed transaction, submit it once and follow it to its
// outcome. A declined confirmation or a cancelled password prompt returns an
// error wrapping ErrCancelled, with nothing signed or sent.
func Execute(ctx context.Context, s *Session, kr Keyring, plan *Plan, ask Asker) (*Result, error) {
	draft, err := plan.compose(ctx, s, kr)
	if err != nil {
		return nil, err
	}
	if draft.Nothing != "" {
		return &Result{Nothing: draft.Nothing}, nil
	}
	req := draft.Request
	req.From = plan.From.Account
	req.Scheme = plan.From.Scheme
	if err := plan.Options.apply(s, &req); err != nil {
		return nil, err
	}
	for _, w := range draft.Warnings {
		ask.Warn(w)
	}
	p, err := s.Prepare(ctx, req)
	defer s.Release(p) // the nonce reservation, unless submitted
	res := &Result{}
	if p != nil && p.Call != nil {
		res.Review = &Review{Title: draft.Title, Details: draft.Details, Key: plan.From, Chain: s.ChainName(), Prepared: p, Warnings: draft.Warnings, Acting: draft.Acting}
		ask.Reviewed(res.Review)
	}
	if err != nil {
		return res, err
	}
	if plan.Options.DryRun {
		res.DryRun = true
		return res, nil
	}
	if err := confirmed(ctx, s, res.Review, ask, "the transaction was not signed"); err != nil {
		return res, err
	}
	pw, err := ask.Password(ctx, plan.From)
	if err != nil {
		return res, cancelled(ctx, err)
	}
	pair, err := kr.Unlock(plan.From.Name, pw)
	wipe(pw)
	if err != nil {
		return res, fmt.Errorf("unlock key %q: %w", plan.From.Name, err)
	}
	signed, err := p.Sign(pair)
	pair.Wipe()
	if err != nil {
		return res, err
	}
	if err := s.Check(ctx, p, signed); err != nil {
		return res, err
	}
	// Ctrl-C until here sends nothing.
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("%w before sending: %w", ErrCancelled, err)
	}
	out, err := s.Submit(ctx, p, signed, ask.Status)
	if res.Outcome, err = settled(ctx, s, signed, out, err, ask); err != nil {
		return res, err
	}
	return res, nil
}

// SentError is a failure after the transaction was sent, other than a
// refusal or an interruption: reading or checking its outcome failed.
type SentError struct {
	Hash chainclient.Hash
	Err  error
}

func (e *SentError) Error() string {
	return fmt.Sprintf("transaction %s was sent, but its outcome could not be established: %v", e.Hash, e.Err)
}

func (e *SentError) Unwrap() error { return e.Err }

// cancelled wraps err in ErrCancelled when the user gave up (ctx ended or
// the prompt said so).
func cancelled(ctx context.Context, err error) error {
	if errors.Is(err, ErrCancelled) {
		return err
	}
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return fmt.Errorf("%w: %w", ErrCancelled, err)
	}
	return err
}

// ErrCannotSubmit means the backend can read the chain but not send it
// transactions (a parachain read through the relay light client with
// neither its own endpoint nor its own libp2p network).
var ErrCannotSubmit = fmt.Errorf("cannot submit: %w", chainclient.ErrUnsupported)

// canSubmit refuses, before a password is asked for and anything signed, a
// chain that cannot send transactions: a parachain read through the relay
// light client with neither a parachain endpoint nor the parachain's own
// libp2p network joined (its transactions must reach its collators).
func canSubmit(s *Session) error {
	c, ok := s.Chain.(interface{ CanSubmit() bool })
	if !ok || c.CanSubmit() {
		return nil
	}
	name := s.ChainName()
	if p, ok := s.Chain.(interface{ ParaID() uint32 }); ok && s.Profile == nil && s.display == "" {
		name = fmt.Sprintf("parachain %d", p.ParaID())
	}
	return fmt.Errorf("%w: ksm reads %s through the relay chain's proofs but has no way to send it transactions "+
		"(they must reach its collators: through an endpoint or its own libp2p network, which ksm did not join); nothing was signed or sent. Pass %s URL of a %s endpoint to submit "+
		"through it (what it says of the inclusion is checked against the relay chain); --dry-run shows the transaction, its fee and "+
		"its dry run, verified", ErrCannotSubmit, name, s.endpointFlag, name)
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
