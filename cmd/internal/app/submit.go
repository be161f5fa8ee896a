package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
)

// InterruptedError means the backend went away during a submission. The
// transaction was not sent again; Sent says whether it reached the
// backend (true: accepted into its pool; false with MaybeSent: unknown).
type InterruptedError struct {
	Hash      chainclient.Hash
	Sent      bool
	MaybeSent bool
	// Last is the last status received ("" when none); Block the block it
	// named, if any.
	Last  chainclient.StatusKind
	Block *chainclient.Hash
	Err   error
}

func (e *InterruptedError) Error() string {
	var what string
	switch {
	case e.Block != nil:
		what = fmt.Sprintf("it was sent and reported %s in block %s, but the outcome could not be read", e.Last, e.Block)
	case e.Sent && e.Last == chainclient.StatusBroadcast:
		// Sent to peers over libp2p: no endpoint accepted it.
		what = "it was sent to the chain's peers (last status: " + string(e.Last) + "), but what became of it is unknown"
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
	case !errors.Is(e.Err, chainclient.ErrDisconnected):
		lost = "following the transaction failed"
	}
	return fmt.Sprintf("%s during the submission of transaction %s: %s. ksm did not send it again; check the hash on a block explorer or with another endpoint before retrying (%v)", lost, e.Hash, what, e.Err)
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// ErrRejected means the chain refused the transaction; it was not included.
var ErrRejected = errors.New("transaction rejected")

// NotIncludedError means the pool dropped or refused the transaction after
// accepting it, or the endpoint refused it outright.
type NotIncludedError struct {
	Hash   chainclient.Hash
	Status chainclient.StatusKind // dropped, invalid, usurped; "" for an outright refusal
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
type Progress func(chainclient.Status)

// UnsettledError means the backend said a transaction was refused or lost
// (Said), but the chain does not bear that out: either its nonce moved past
// the transaction's (NonceUsed: it, or another transaction with its nonce,
// was included, and ksm did not find which), or the transaction may still be
// included until its era ends at block Until (0: immortal, never). ksm
// keeps its nonce pending meanwhile. Sending it again is how one pays twice.
type UnsettledError struct {
	Hash  chainclient.Hash
	Nonce uint64
	Said  *NotIncludedError
	// At is the finalized block the chain's nonce, ChainNonce, was read at.
	At         uint64
	ChainNonce uint64
	NonceUsed  bool
	Until      uint64
}

func (e *UnsettledError) Error() string {
	said := "the endpoint refused it"
	if e.Said != nil && e.Said.Status != "" {
		said = "the endpoint reported it " + string(e.Said.Status)
	}
	if e.Said != nil && e.Said.Reason != "" {
		said += " (" + e.Said.Reason + ")"
	}
	if e.NonceUsed {
		return fmt.Sprintf("transaction %s: %s, but nonce %d was used: the account's nonce is %d at finalized block %d. It, or another transaction with the same nonce, was included; ksm did not find which (nonce used, inclusion not found). Check the account's history before sending it again",
			e.Hash, said, e.Nonce, e.ChainNonce, e.At)
	}
	until := "it is immortal: it stays valid until nonce " + fmt.Sprint(e.Nonce) + " is used"
	if e.Until != 0 {
		until = fmt.Sprintf("it stays valid until its era ends at block %d", e.Until)
	}
	return fmt.Sprintf("transaction %s: %s, but that is not proven: as of finalized block %d it is not on chain (the account's nonce is %d) and %s, so it may still be included. ksm keeps nonce %d reserved until then; check again before sending it again (a new transaction now would take the next nonce and could pay twice)",
		e.Hash, said, e.At, e.ChainNonce, until, e.Nonce)
}

// Unwrap gives ErrOutcomeUnknown, not the backend's claim (Said): the
// transaction must not be taken for refused.
func (e *UnsettledError) Unwrap() error { return ErrOutcomeUnknown }

// ErrOutcomeUnknown means ksm cannot tell whether a transaction was or will
// be included (*UnsettledError).
var ErrOutcomeUnknown = errors.New("transaction outcome unknown")

// Submit sends a prepared and signed transaction once, follows it until its
// block is final, and returns its outcome (see SubmitTracked).
func (s *Session) Submit(ctx context.Context, p *Prepared, signed []byte, progress Progress) (*Outcome, error) {
	snd := Sender{From: p.From, Nonce: p.Params.Nonce, Born: p.At.Number}
	if p.Params.Era.Mortal {
		snd.Death = p.Params.Era.Death(p.At.Number)
	}
	return s.SubmitTracked(ctx, signed, snd, progress)
}

// Sender is who sends a signed transaction and with which nonce and era:
// the transaction can be included only after block Born and before block
// Death (0: immortal).
type Sender struct {
	From        [32]byte
	Nonce       uint64
	Born, Death uint64
}

// SubmitTracked sends a signed transaction of snd once, follows it until its
// block is final, and returns its outcome. The nonce is recorded as pending
// before sending. What the backend says of a transaction it refused or lost
// is not taken on its word (settle): the nonce is forgotten, and the
// *NotIncludedError returned, only when the chain shows the transaction can
// no longer be included; when it cannot tell, an *UnsettledError.
func (s *Session) SubmitTracked(ctx context.Context, ext []byte, snd Sender, progress Progress) (*Outcome, error) {
	h := ExtrinsicHash(ext)
	if err := s.Nonces.Add(s.NonceGenesis(), snd.From, PendingTx{Nonce: snd.Nonce, Hash: h.String(), Death: snd.Death}); err != nil {
		return nil, err
	}
	o, err := s.SubmitSigned(ctx, ext, progress)
	var ni *NotIncludedError
	var ie *InterruptedError
	switch {
	case errors.As(err, &ni):
		return s.settle(ctx, ext, snd, ni)
	case errors.As(err, &ie) && !ie.Sent && !ie.MaybeSent:
		_ = s.Nonces.Remove(s.NonceGenesis(), snd.From, snd.Nonce)
	}
	return o, err
}

// settleSearchBlocks bounds the finalized blocks settle searches for an
// immortal transaction (a mortal one only in its era).
const settleSearchBlocks = 256

// settle decides what a refusal or a lost transaction (said) means by the
// chain itself, at the finalized head: the account's nonce (System.Account,
// proven in verified mode) and the transaction's era.
//   - The nonce moved past the transaction's: it or a replacement was
//     included. The blocks of its era are searched; found, its outcome is
//     returned, else an *UnsettledError with NonceUsed.
//   - The nonce did not move and the era has ended: it can never be
//     included. The pending nonce is forgotten; said is returned.
//   - Else, for a refusal only, when the chain is verified and the runtime,
//     run by ksm on the proven state, finds the transaction invalid too, the
//     refusal is borne out: the nonce is forgotten (a new transaction takes
//     the same nonce, so at most one of them can be included) and said is
//     returned.
//   - Else the outcome is unknown: an *UnsettledError, nonce kept.
func (s *Session) settle(ctx context.Context, ext []byte, snd Sender, said *NotIncludedError) (*Outcome, error) {
	h := said.Hash
	unsettled := &UnsettledError{Hash: h, Nonce: snd.Nonce, Said: said, Until: snd.Death}
	fin, err := s.Chain.FinalizedHead(ctx)
	if err != nil {
		return nil, &InterruptedError{Hash: h, Sent: true, Last: said.Status, Err: fmt.Errorf("%v; reading the chain's nonce to check: %w", said, err)}
	}
	rt, err := s.Runtime(ctx, fin.Hash)
	if err != nil {
		return nil, &InterruptedError{Hash: h, Sent: true, Last: said.Status, Err: fmt.Errorf("%v; reading the chain's nonce to check: %w", said, err)}
	}
	bal, err := s.BalanceAt(ctx, rt, *fin, snd.From)
	if err != nil {
		return nil, &InterruptedError{Hash: h, Sent: true, Last: said.Status, Err: fmt.Errorf("%v; reading the chain's nonce to check: %w", said, err)}
	}
	unsettled.At, unsettled.ChainNonce = fin.Number, bal.Nonce
	switch {
	case bal.Nonce > snd.Nonce:
		if o := s.searchIncluded(ctx, fin, snd.Born, snd.Death, h); o != nil {
			return o, nil
		}
		unsettled.NonceUsed = true
		return nil, unsettled
	case snd.Death != 0 && fin.Number >= snd.Death:
		_ = s.Nonces.Remove(s.NonceGenesis(), snd.From, snd.Nonce)
		return nil, said
	case said.Status == "" && s.Chain.Verified() && s.invalidHere(ctx, rt, fin.Hash, ext):
		_ = s.Nonces.Remove(s.NonceGenesis(), snd.From, snd.Nonce)
		return nil, said
	}
	return nil, unsettled
}

// invalidHere reports whether the runtime finds ext invalid at block at for
// a reason that is not an earlier nonce still missing (Future).
func (s *Session) invalidHere(ctx context.Context, rt *Runtime, at chainclient.Hash, ext []byte) bool {
	out, err := s.validate(ctx, rt, at, ext)
	if err != nil {
		return false
	}
	inv, bad := resultErr(out)
	return bad && EnumPath(inv) != "Invalid.Future"
}

// searchIncluded looks for transaction h in the finalized blocks after its
// era's birth block (number born) up to its death (0: immortal, the last
// settleSearchBlocks blocks), walking back from fin; it returns the outcome
// when found. A block it cannot read ends the search.
func (s *Session) searchIncluded(ctx context.Context, fin *chainclient.Header, born, death uint64, h chainclient.Hash) *Outcome {
	low := born + 1
	if death == 0 && fin.Number > settleSearchBlocks {
		low = max(low, fin.Number-settleSearchBlocks)
	}
	for cur := fin; cur.Number >= low; {
		if death == 0 || cur.Number < death {
			if _, err := s.FindExtrinsic(ctx, cur.Hash, h); err == nil {
				o, err := s.Outcome(ctx, cur.Hash, h)
				if err != nil {
					return nil
				}
				o.Finalized = true
				return o
			}
		}
		if cur.Number == 0 {
			break
		}
		parent, err := s.Chain.Header(ctx, cur.ParentHash)
		if err != nil {
			break
		}
		cur = parent
	}
	return nil
}

// SubmitSigned sends any signed extrinsic once and follows it (see Submit).
func (s *Session) SubmitSigned(ctx context.Context, ext []byte, progress Progress) (*Outcome, error) {
	h := ExtrinsicHash(ext)
	if progress == nil {
		progress = func(chainclient.Status) {}
	}
	w, err := s.Chain.Submit(ctx, ext)
	if err != nil {
		var se *chainclient.SubmitError
		var re *chainclient.RejectedError
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
	var last chainclient.StatusKind
	var inBlock *chainclient.Hash
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
			if inBlock != nil && !chainclient.IsDisconnectedErr(err) {
				break // the stream ended after inclusion: read the outcome
			}
			return nil, &InterruptedError{Hash: h, Sent: true, Last: last, Block: inBlock, Err: err}
		}
		last = st.Kind
		progress(st)
		switch st.Kind {
		case chainclient.StatusInBlock:
			b := st.Block
			inBlock = &b
		case chainclient.StatusRetracted:
			inBlock = nil
		case chainclient.StatusFinalized:
			b := st.Block
			inBlock = &b
		case chainclient.StatusDropped, chainclient.StatusInvalid, chainclient.StatusUsurped:
			return nil, &NotIncludedError{Hash: h, Status: st.Kind, Reason: st.Detail}
		}
		if st.Kind == chainclient.StatusFinalized || st.Kind == chainclient.StatusTimeout {
			break
		}
	}
	if inBlock == nil {
		return nil, &NotIncludedError{Hash: h, Status: last}
	}
	o, err := s.Outcome(ctx, *inBlock, h)
	if err != nil {
		if chainclient.IsDisconnectedErr(err) {
			return nil, &InterruptedError{Hash: h, Sent: true, Last: last, Block: inBlock, Err: err}
		}
		return nil, err
	}
	o.Finalized = last == chainclient.StatusFinalized
	if !o.Finalized && o.Verified {
		o.unverified(fmt.Sprintf("%s: block #%d %s was not reported final (last status %s): it may still be retracted; the outcome is NOT verified", s.ChainName(), o.BlockNumber, o.BlockHash, last))
	}
	return o, nil
}
