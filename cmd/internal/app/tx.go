package app

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/value"
)

// DefaultEraPeriod is the validity window ksm signs with, in blocks.
const DefaultEraPeriod = 64

// Request is a transaction to prepare.
type Request struct {
	// From is the sender's account; Scheme its key's signature scheme
	// ("sr25519" when empty), for the fee estimate's placeholder signature.
	From   [32]byte
	Scheme string
	// Call is the encoded RuntimeCall (use Runtime.Calls; several calls
	// go into Calls.BatchAll).
	Call []byte
	// Spend is what leaves the sender besides the fee (the amount of a
	// transfer, a deposit), for the balance effect and the checks; nil is 0.
	Spend *big.Int
	// SpendAll marks a transfer of everything transferable (no balance checks).
	SpendAll bool
	// AllowDeath allows the sender to end below the existential deposit.
	AllowDeath bool
	// Tip for the block author (nil: none).
	Tip *big.Int
	// EraPeriod in blocks (0: DefaultEraPeriod); Immortal signs without era.
	EraPeriod uint64
	Immortal  bool
	// SkipChecks skips the balance and existential-deposit checks (the
	// chain still refuses what it must).
	SkipChecks bool
	// SkipDryRun skips the dry runs: a call that fails is then included,
	// pays its fee and fails on chain.
	SkipDryRun bool

	// nonce, when set, is the nonce to sign with, not reserved (a batch's
	// dry run numbering a sender's rows after its first).
	nonce *uint64
}

// Prepared is a transaction ready to be shown, signed and submitted. Shown
// and Call are decoded from Payload, the exact bytes that will be signed.
type Prepared struct {
	Request
	Runtime *Runtime
	// At is the block the era starts at (the finalized head).
	At     chainclient.Header
	Params extrinsic.Params
	// Payload is the signing payload; Decoded its parts and Call its call.
	Payload []byte
	Decoded *extrinsic.Payload
	Call    *value.Call
	// MetadataHash reports whether CheckMetadataHash is enabled (mode 1).
	MetadataHash bool
	// MetadataHashNote explains why a runtime with CheckMetadataHash is
	// signed for with mode 0 ("" otherwise).
	MetadataHashNote string
	// MetadataDigest is the runtime's RFC-0078 digest as ksm computes it,
	// when the runtime has CheckMetadataHash (even if signed with mode 0).
	MetadataDigest *[32]byte
	// Fee is the estimated fee (TransactionPaymentApi_query_info's
	// partial_fee), nil when unknown; FeeErr says why.
	Fee    *big.Int
	FeeErr error
	// Weight is the transaction's weight by the same query (nil when
	// unknown).
	Weight *Weight
	// Balance is the sender's balance at At; After its free balance after
	// Spend and Fee.
	Balance *Balance
	After   *big.Int
	// DryRun is the result of a dry run before signing (nil when the
	// runtime has no DryRunApi; the signed transaction is then dry-run by
	// Check).
	DryRun *DryRunResult
	// reserved says the nonce was reserved for this transaction.
	reserved bool
}

// Prepare builds the signing payload of req on the finalized head: routing
// of every pallet the call touches, nonce from the chain and this machine's
// pending transactions, a mortal era, CheckMetadataHash when the runtime has
// it, the fee estimate, the balance effect and checks, and a dry run when
// the runtime can do one without a signature.
//
// The nonce is reserved (NonceStore.Next) so that no other command takes it
// meanwhile: Submit turns the reservation into a pending transaction;
// a caller that will not submit calls Release. When Prepare fails the
// reservation is released already.
func (s *Session) Prepare(ctx context.Context, req Request) (*Prepared, error) {
	p, err := s.prepare(ctx, req)
	if err != nil && p != nil {
		s.Release(p)
	}
	return p, err
}

// Release gives back the nonce reserved for p when p was not submitted (a
// dry run, a cancelled confirmation, a failure before sending); after
// Submit it does nothing.
func (s *Session) Release(p *Prepared) {
	if p != nil && p.reserved {
		_ = s.Nonces.Release(s.NonceGenesis(), p.From, p.Params.Nonce)
	}
}

func (s *Session) prepare(ctx context.Context, req Request) (*Prepared, error) {
	head, err := s.Chain.FinalizedHead(ctx)
	if err != nil {
		return nil, err
	}
	best, err := s.Chain.BestHead(ctx)
	if err != nil {
		return nil, err
	}
	rt, err := s.Runtime(ctx, head.Hash)
	if err != nil {
		return nil, err
	}
	inner, err := rt.Calls.Split(req.Call)
	if err != nil {
		return nil, fmt.Errorf("the call does not decode with this runtime's metadata: %w", err)
	}
	for _, c := range inner {
		if err := s.Route(c.Pallet); err != nil {
			return nil, err
		}
	}
	p := &Prepared{Request: req, Runtime: rt, At: *head}
	var nonce uint64
	if req.nonce != nil {
		nonce = *req.nonce
	} else {
		chainNonce, err := s.Chain.NextNonce(ctx, req.From)
		if err != nil {
			return nil, err
		}
		if nonce, err = s.Nonces.Next(s.NonceGenesis(), req.From, chainNonce, best.Number); err != nil {
			return nil, err
		}
		p.reserved = true
	}
	p.Params = extrinsic.Params{
		SpecVersion: rt.Version.SpecVersion, TxVersion: rt.Version.TransactionVersion,
		GenesisHash: s.Genesis, Nonce: nonce, Tip: req.Tip,
	}
	if req.Immortal {
		p.Params.BlockHash = s.Genesis
	} else {
		period := req.EraPeriod
		if period == 0 {
			period = DefaultEraPeriod
		}
		p.Params.Era = extrinsic.MortalEra(period, head.Number)
		p.Params.BlockHash = head.Hash
	}
	if rt.HasExtension("CheckMetadataHash") {
		d, err := rt.MetadataDigest()
		if err != nil {
			return nil, fmt.Errorf("CheckMetadataHash: %w", err)
		}
		p.Params.MetadataHash = &d
		p.MetadataHash = true
		p.MetadataDigest = &d
		ok, err := s.metadataHashBuiltIn(ctx, p)
		if err != nil {
			return nil, err
		}
		if !ok {
			p.Params.MetadataHash = nil
			p.MetadataHash = false
			p.MetadataHashNote = "this runtime was built without its metadata hash (it refuses CheckMetadataHash mode 1 with UnknownTransaction::CannotLookup whatever the digest), so ksm signs with mode 0"
		}
	}
	if p.Payload, err = rt.Format.SigningPayload(req.Call, &p.Params); err != nil {
		return nil, err
	}
	// What is shown is decoded from the payload itself.
	if p.Decoded, err = rt.Format.DecodePayload(p.Payload); err != nil {
		return nil, fmt.Errorf("decode the signing payload: %w", err)
	}
	if p.Call, err = rt.Codec.DecodeCall(p.Decoded.Call); err != nil {
		return nil, fmt.Errorf("decode the signed call: %w", err)
	}
	p.Fee, p.Weight, p.FeeErr = s.estimateFee(ctx, p)
	if p.Balance, err = s.BalanceAt(ctx, rt, *head, req.From); err != nil {
		return nil, err
	}
	if err := p.checkBalance(s); err != nil {
		return p, err
	}
	if req.SkipDryRun {
		return p, nil
	}
	if p.DryRun, err = s.dryRunCall(ctx, p); err != nil {
		return p, err
	}
	if p.DryRun != nil && p.DryRun.Error != nil {
		return p, &WouldFailError{Err: p.DryRun.Error, Stage: "dry run"}
	}
	return p, nil
}

// Total is Spend plus the estimated fee and the tip.
func (p *Prepared) Total() *big.Int {
	t := new(big.Int)
	if p.Spend != nil {
		t.Add(t, p.Spend)
	}
	if p.Fee != nil {
		t.Add(t, p.Fee)
	}
	if p.Tip != nil {
		t.Add(t, p.Tip)
	}
	return t
}

// ErrInsufficientBalance means the account cannot pay the amount and the fee.
var ErrInsufficientBalance = errors.New("insufficient balance")

// ErrExistentialDeposit means the transaction would leave an account
// below the existential deposit (reaped) and the user did not allow it.
var ErrExistentialDeposit = errors.New("below the existential deposit")

func (p *Prepared) checkBalance(s *Session) error {
	b := p.Balance
	total := p.Total()
	p.After = new(big.Int).Sub(b.Free, total)
	if p.SkipChecks || p.SpendAll {
		return nil
	}
	if total.Cmp(b.Transferable) > 0 {
		return fmt.Errorf("%w: %s needs %s (%s and a fee of about %s) but has %s transferable (free %s)",
			ErrInsufficientBalance, s.Account(p.From), s.FormatAmount(total), s.FormatAmount(nz(p.Spend)), s.FormatAmount(nz(p.Fee)),
			s.FormatAmount(b.Transferable), s.FormatAmount(b.Free))
	}
	ed := b.ExistentialDeposit
	if !p.AllowDeath && ed != nil && ed.Sign() > 0 && p.After.Cmp(ed) < 0 {
		return fmt.Errorf("%w: this would leave %s with %s, below the existential deposit of %s: the account would be reaped and the rest lost. Send less, or pass --allow-death (or --all to send everything)",
			ErrExistentialDeposit, s.Account(p.From), s.FormatAmount(p.After), s.FormatAmount(ed))
	}
	return nil
}

func nz(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

// placeholderSignature is a signature of the right size for fee estimates.
func placeholderSignature(scheme string) extrinsic.Signature {
	switch scheme {
	case "ecdsa":
		return extrinsic.Signature{Scheme: "ecdsa", Bytes: make([]byte, 65)}
	case "ed25519":
		return extrinsic.Signature{Scheme: "ed25519", Bytes: make([]byte, 64)}
	}
	return extrinsic.Signature{Scheme: "sr25519", Bytes: make([]byte, 64)}
}

// estimateFee asks TransactionPaymentApi_query_info about the transaction
// with a placeholder signature of the right size.
func (s *Session) estimateFee(ctx context.Context, p *Prepared) (*big.Int, *Weight, error) {
	extra, err := p.Runtime.Format.AppendExtra(nil, &p.Params)
	if err != nil {
		return nil, nil, err
	}
	ext, err := p.Runtime.Format.Assemble(p.Request.Call, extrinsic.IDAddress(p.From), placeholderSignature(p.Scheme), extra)
	if err != nil {
		return nil, nil, err
	}
	return s.QueryInfo(ctx, p.Runtime, p.At.Hash, ext)
}

// Weight is a transaction's weight: computation time (picoseconds) and
// proof size (bytes).
type Weight struct {
	RefTime, ProofSize uint64
}

// QueryFee estimates the fee of an extrinsic (TransactionPaymentApi_query_info).
func (s *Session) QueryFee(ctx context.Context, rt *Runtime, at chainclient.Hash, ext []byte) (*big.Int, error) {
	fee, _, err := s.QueryInfo(ctx, rt, at, ext)
	return fee, err
}

// QueryInfo estimates the fee and weight of an extrinsic
// (TransactionPaymentApi_query_info); the weight is nil when the answer
// has none.
func (s *Session) QueryInfo(ctx context.Context, rt *Runtime, at chainclient.Hash, ext []byte) (*big.Int, *Weight, error) {
	v, err := s.CallAPI(ctx, rt, at, "TransactionPaymentApi", "query_info", RawArg(ext), uint64(len(ext)))
	if err != nil {
		return nil, nil, fmt.Errorf("fee estimate: %w", err)
	}
	fee := Get(v, "partial_fee")
	if fee == nil {
		return nil, nil, fmt.Errorf("fee estimate: no partial_fee in %v", v)
	}
	f, err := value.BigInt(fee)
	if err != nil {
		return nil, nil, err
	}
	var w *Weight
	if rt, err := value.BigInt(Get(v, "weight", "ref_time")); err == nil && rt.IsUint64() {
		w = &Weight{RefTime: rt.Uint64()}
		if ps, err := value.BigInt(Get(v, "weight", "proof_size")); err == nil && ps.IsUint64() {
			w.ProofSize = ps.Uint64()
		}
	}
	return f, w, nil
}

// ErrSignerMismatch means the key given does not belong to the sender.
var ErrSignerMismatch = errors.New("the signing key is not the sender's")

// Sign has signer sign the prepared payload and returns the signed
// extrinsic. The signer must be the sender.
func (p *Prepared) Sign(signer extrinsic.Signer) ([]byte, error) {
	if signer.AccountID() != p.From {
		return nil, ErrSignerMismatch
	}
	sig, err := signer.Sign(extrinsic.SigningBytes(p.Payload))
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	extra, err := p.Runtime.Format.AppendExtra(nil, &p.Params)
	if err != nil {
		return nil, err
	}
	return p.Runtime.Format.Assemble(p.Request.Call, extrinsic.IDAddress(p.From), extrinsic.Signature{Scheme: signer.SignatureScheme(), Bytes: sig}, extra)
}

// ErrWouldFail means a dry run of the transaction says it would fail.
var ErrWouldFail = errors.New("the transaction would fail")

// WouldFailError is a dry run saying the transaction would fail; Err is
// the decoded reason.
type WouldFailError struct {
	Stage string // "dry run"
	Err   *DispatchError
	// Invalid is set instead of Err when the transaction itself is invalid
	// (nonce, payment, signature, ...).
	Invalid string
}

func (e *WouldFailError) Error() string {
	if e.Invalid != "" {
		return fmt.Sprintf("%v: the %s says the transaction is invalid: %s", ErrWouldFail, e.Stage, e.Invalid)
	}
	return fmt.Sprintf("%v: the %s fails with %v", ErrWouldFail, e.Stage, e.Err)
}

func (e *WouldFailError) Unwrap() error { return ErrWouldFail }

// IsDisconnected reports whether err is the backend going away.
func IsDisconnected(err error) bool { return errors.Is(err, chainclient.ErrDisconnected) }

// validate asks TaggedTransactionQueue_validate_transaction about ext at
// block at and returns the TransactionValidity as value JSON.
func (s *Session) validate(ctx context.Context, rt *Runtime, at chainclient.Hash, ext []byte) (any, error) {
	m, err := rt.Meta.APIMethod("TaggedTransactionQueue", "validate_transaction")
	if err != nil {
		return nil, err
	}
	var args []any
	switch len(m.Inputs) {
	case 3:
		args = []any{"External", RawArg(ext), at.String()}
	case 2:
		args = []any{"External", RawArg(ext)}
	default:
		return nil, fmt.Errorf("TaggedTransactionQueue_validate_transaction takes %d arguments", len(m.Inputs))
	}
	return s.CallAPI(ctx, rt, at, "TaggedTransactionQueue", "validate_transaction", args...)
}

// metadataHashBuiltIn reports whether the runtime accepts CheckMetadataHash
// mode 1 at all. A runtime built without RUNTIME_METADATA_HASH refuses every
// mode 1 transaction with UnknownTransaction::CannotLookup before looking at
// the signature; ksm asks once per runtime by validating the transaction
// with a placeholder signature through TaggedTransactionQueue_validate_transaction
// (a runtime with the hash refuses it with BadProof instead). When it cannot
// ask, it assumes the hash is built in.
//
// The answer decides whether the user is protected by the digest, so it is
// never taken from where it could be forged into a downgrade: a known
// network's runtimes (the embedded profiles' genesis hashes) are built with
// the hash and always get mode 1, without asking; an unverified backend's
// answer holds for this session only and is not kept on disk.
func (s *Session) metadataHashBuiltIn(ctx context.Context, p *Prepared) (bool, error) {
	if s.Profile != nil {
		return true, nil
	}
	rt := p.Runtime
	rt.mhMu.Lock()
	defer rt.mhMu.Unlock()
	if rt.mhKnown {
		return rt.mhBuiltIn, nil
	}
	extra, err := rt.Format.AppendExtra(nil, &p.Params)
	if err != nil {
		return false, err
	}
	ext, err := rt.Format.Assemble(p.Request.Call, extrinsic.IDAddress(p.From), placeholderSignature(p.Scheme), extra)
	if err != nil {
		return false, err
	}
	out, err := s.validate(ctx, rt, p.At.Hash, ext)
	if err != nil {
		if chainclient.IsDisconnectedErr(err) {
			return false, err
		}
		return true, nil
	}
	rt.mhKnown = true
	rt.mhBuiltIn = true
	state := mhBuiltIn
	if inv, bad := resultErr(out); bad && EnumPath(inv) == "Unknown.CannotLookup" {
		rt.mhBuiltIn = false
		state = mhAbsent
	}
	v := rt.Version
	s.cache.storeMetadataHashSupport(s.Genesis, &v, state)
	return rt.mhBuiltIn, nil
}
