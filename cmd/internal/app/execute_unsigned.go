package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/value"
)

// UnsignedPlan is a transaction no key of ksm signs (an unsigned
// Claims.claim or claim_attest: the Ethereum signature inside the call is
// its authority). ExecuteUnsigned runs it on the execution path of signed
// plans without the unlock and the signature: compose → review → confirm
// → submit → outcome.
type UnsignedPlan struct {
	Verb string
	// DryRun stops after the review: nothing is sent.
	DryRun  bool
	compose func(ctx context.Context, s *Session) (*UnsignedDraft, error)
}

// UnsignedDraft is an unsigned transaction composed on the chain.
type UnsignedDraft struct {
	Title, Details string
	Warnings       []string
	// Question is what the caller asks before sending ("Submit this
	// claim?").
	Question string
	// Call is the call decoded from Extrinsic's call bytes.
	Call      *value.Call
	Extrinsic []byte
	// Subject is what the verb composed, for its own views (a
	// *ClaimDraft for a claim).
	Subject any
}

// NewUnsignedPlan makes an unsigned plan whose compose reads the chain and
// builds the extrinsic.
func NewUnsignedPlan(verb string, dryRun bool, compose func(ctx context.Context, s *Session) (*UnsignedDraft, error)) *UnsignedPlan {
	return &UnsignedPlan{Verb: verb, DryRun: dryRun, compose: compose}
}

// ExecuteUnsigned runs an unsigned plan: compose the extrinsic, let the
// caller review it (Review.Unsigned; Review.Prepared is nil) and confirm,
// send it once and follow it to its outcome, as Execute does. No password
// is asked and nothing is signed. A declined confirmation returns an error
// wrapping ErrCancelled, with nothing sent.
func ExecuteUnsigned(ctx context.Context, s *Session, plan *UnsignedPlan, ask Asker) (*Result, error) {
	d, err := plan.compose(ctx, s)
	if err != nil {
		return nil, err
	}
	for _, w := range d.Warnings {
		ask.Warn(w)
	}
	res := &Result{Review: &Review{Title: d.Title, Details: d.Details, Chain: s.ChainName(), Warnings: d.Warnings, Unsigned: d}}
	ask.Reviewed(res.Review)
	if plan.DryRun {
		res.DryRun = true
		return res, nil
	}
	if err := confirmed(ctx, s, res.Review, ask, "the transaction was not sent"); err != nil {
		return res, err
	}
	// Ctrl-C until here sends nothing.
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("%w before sending: %w", ErrCancelled, err)
	}
	out, err := s.SubmitSigned(ctx, d.Extrinsic, ask.Status)
	if res.Outcome, err = settled(ctx, s, d.Extrinsic, out, err, ask); err != nil {
		return res, err
	}
	return res, nil
}

// confirmed checks that the chain can take transactions and asks the
// caller to confirm the review; declined is the ErrCancelled message.
func confirmed(ctx context.Context, s *Session, r *Review, ask Confirmer, declined string) error {
	if err := canSubmit(s); err != nil {
		return err
	}
	ok, err := ask.Confirm(ctx, r)
	if err != nil {
		return cancelled(ctx, err)
	}
	if !ok {
		return fmt.Errorf("%w: %s", ErrCancelled, declined)
	}
	return nil
}

// settled is the end of both execution paths: a failure after sending
// other than a refusal or an interruption becomes a SentError. (Whether
// the outcome is verified was decided where it was read: Session.Outcome.)
func settled(ctx context.Context, s *Session, ext []byte, out *Outcome, err error, ask ProgressReporter) (*Outcome, error) {
	if err != nil {
		var ni *NotIncludedError
		var ie *InterruptedError
		if !errors.As(err, &ni) && !errors.As(err, &ie) {
			err = &SentError{Hash: ExtrinsicHash(ext), Err: err}
		}
		return nil, err
	}
	return out, nil
}
