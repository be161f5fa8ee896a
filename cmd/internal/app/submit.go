package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
)

// InterruptedError means the backend went away during a submission. The
// transaction was not sent again; Sent says whether it reached the
// backend (true: accepted into its pool; false with MaybeSent: unknown).
type InterruptedError struct {
	Hash      chain.Hash
	Sent      bool
	MaybeSent bool
	// Last is the last status received ("" when none); Block the block it
	// named, if any.
	Last  chain.StatusKind
	Block *chain.Hash
	Err   error
}

func (e *InterruptedError) Error() string {
	var what string
	switch {
	case e.Block != nil:
		what = fmt.Sprintf("it was sent and reported %s in block %s, but the outcome could not be read", e.Last, e.Block)
	case e.Sent && e.Last != "":
		what = "it was sent and accepted by the endpoint (last status: " + string(e.Last) + "), but what became of it is unknown"
	case e.Sent:
		what = "it was sent and accepted by the endpoint, but what became of it is unknown"
	case e.MaybeSent:
		what = "it may have been sent before the connection was lost"
	default:
		what = "it was not sent"
	}
	lost := "the connection was lost"
	switch {
	case errors.Is(e.Err, ErrFollowTimeout):
		lost = "the endpoint stopped reporting"
	case !errors.Is(e.Err, chain.ErrDisconnected):
		lost = "following the transaction failed"
	}
	return fmt.Sprintf("%s during the submission of transaction %s: %s. ksm did not send it again; check the hash on a block explorer or with another endpoint before retrying (%v)", lost, e.Hash, what, e.Err)
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// NotIncludedError means the pool dropped or refused the transaction after
// accepting it, or the endpoint refused it outright.
type NotIncludedError struct {
	Hash   chain.Hash
	Status chain.StatusKind // dropped, invalid, usurped; "" for an outright refusal
	Reason string
}

func (e *NotIncludedError) Error() string {
	if e.Status == "" {
		return fmt.Sprintf("%v: %s (transaction %s)", ErrRejected, e.Reason, e.Hash)
	}
	if e.Reason != "" {
		return fmt.Sprintf("%v: the pool reported it %s: %s (transaction %s)", ErrRejected, e.Status, e.Reason, e.Hash)
	}
	return fmt.Sprintf("%v: the pool reported it %s (transaction %s)", ErrRejected, e.Status, e.Hash)
}

func (e *NotIncludedError) Unwrap() error { return ErrRejected }

// DefaultFollowTimeout is how long Submit waits for the next status of a
// transaction before giving up on following it.
const DefaultFollowTimeout = 3 * time.Minute

// ErrFollowTimeout means a submitted transaction gave no news for the
// session's FollowTimeout.
var ErrFollowTimeout = errors.New("gave up following the transaction")

// Progress receives each status of a submission.
type Progress func(chain.Status)

// Submit sends a prepared and signed transaction once, follows it until its
// block is final, and returns its outcome. The nonce is recorded as pending
// before sending and forgotten again when the chain refuses the transaction.
func (s *Session) Submit(ctx context.Context, p *Prepared, signed []byte, progress Progress) (*Outcome, error) {
	h := ExtrinsicHash(signed)
	var death uint64
	if p.Params.Era.Mortal {
		death = p.Params.Era.Death(p.At.Number)
	}
	if err := s.Nonces.Add(s.Genesis, p.From, PendingTx{Nonce: p.Params.Nonce, Hash: h.String(), Death: death}); err != nil {
		return nil, err
	}
	o, err := s.SubmitSigned(ctx, signed, progress)
	var ni *NotIncludedError
	var ie *InterruptedError
	switch {
	case errors.As(err, &ni):
		_ = s.Nonces.Remove(s.Genesis, p.From, p.Params.Nonce)
	case errors.As(err, &ie) && !ie.Sent && !ie.MaybeSent:
		_ = s.Nonces.Remove(s.Genesis, p.From, p.Params.Nonce)
	}
	return o, err
}

// SubmitSigned sends any signed extrinsic once and follows it (see Submit).
func (s *Session) SubmitSigned(ctx context.Context, ext []byte, progress Progress) (*Outcome, error) {
	h := ExtrinsicHash(ext)
	if progress == nil {
		progress = func(chain.Status) {}
	}
	w, err := s.Chain.Submit(ctx, ext)
	if err != nil {
		var se *chain.SubmitError
		var re *chain.RejectedError
		switch {
		case errors.As(err, &re):
			reason := re.Message
			if re.Data != "" {
				reason += ": " + re.Data
			}
			return nil, &NotIncludedError{Hash: h, Reason: reason}
		case errors.As(err, &se):
			return nil, &InterruptedError{Hash: h, MaybeSent: se.MaybeSent, Err: se.Err}
		}
		return nil, &InterruptedError{Hash: h, MaybeSent: true, Err: err}
	}
	defer w.Close()
	var last chain.StatusKind
	var inBlock *chain.Hash
	idle := s.FollowTimeout
	if idle <= 0 {
		idle = DefaultFollowTimeout
	}
	for {
		nctx, cancel := context.WithTimeout(ctx, idle)
		st, err := w.Next(nctx)
		cancel()
		if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("%w: no news of the transaction for %v (it stays valid until its era ends; it may still be included)", ErrFollowTimeout, idle)
		}
		if err != nil {
			if inBlock != nil && !chain.IsDisconnectedErr(err) {
				break // the stream ended after inclusion: read the outcome
			}
			return nil, &InterruptedError{Hash: h, Sent: true, Last: last, Block: inBlock, Err: err}
		}
		last = st.Kind
		progress(st)
		switch st.Kind {
		case chain.StatusInBlock:
			b := st.Block
			inBlock = &b
		case chain.StatusRetracted:
			inBlock = nil
		case chain.StatusFinalized:
			b := st.Block
			inBlock = &b
		case chain.StatusDropped, chain.StatusInvalid, chain.StatusUsurped:
			return nil, &NotIncludedError{Hash: h, Status: st.Kind, Reason: st.Detail}
		}
		if st.Kind == chain.StatusFinalized || st.Kind == chain.StatusTimeout {
			break
		}
	}
	if inBlock == nil {
		return nil, &NotIncludedError{Hash: h, Status: last}
	}
	o, err := s.Outcome(ctx, *inBlock, h)
	if err != nil {
		if chain.IsDisconnectedErr(err) {
			return nil, &InterruptedError{Hash: h, Sent: true, Last: last, Block: inBlock, Err: err}
		}
		return nil, err
	}
	o.Finalized = last == chain.StatusFinalized
	return o, nil
}
