package app

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/value"
)

// Event is a runtime event of a transaction, decoded from metadata.
type Event struct {
	Pallet string `json:"pallet"`
	Name   string `json:"name"`
	// Fields is value JSON: an object for named fields, an array for
	// several unnamed ones, the value of a single unnamed one, null for none.
	Fields any `json:"fields"`
}

// DispatchError explains why a call failed: a pallet's error (Pallet, Name
// and Docs from metadata) or a general dispatch error (Pallet empty; Name
// such as "BadOrigin" or "Token.FundsUnavailable").
type DispatchError struct {
	Pallet string   `json:"pallet"`
	Name   string   `json:"name"`
	Docs   string   `json:"docs"`
	Fields any      `json:"-"`
	Raw    any      `json:"-"` // the DispatchError as value JSON
	docs   []string // unjoined
}

func (e *DispatchError) Error() string {
	name := e.Name
	if e.Pallet != "" {
		name = e.Pallet + "." + e.Name
	}
	if e.Docs != "" {
		return fmt.Sprintf("%s: %s", name, e.Docs)
	}
	return name
}

// Outcome is what became of an included transaction.
type Outcome struct {
	ExtrinsicHash chainclient.Hash
	BlockHash     chainclient.Hash
	BlockNumber   uint64
	// Index is the transaction's position in the block.
	Index int
	// Finalized says whether BlockHash was reported final.
	Finalized bool
	Success   bool
	// Fee is the fee paid (TransactionPayment.TransactionFeePaid's
	// actual_fee), nil when the runtime did not say; Tip likewise.
	Fee    *big.Int
	Tip    *big.Int
	Events []Event
	// Error is set when the call failed (Success false).
	Error *DispatchError
	// Chain names the chain it was sent on (Session.ChainID).
	Chain string
	// Verified says the outcome is proven: read by the light client in a
	// block it proved final. It is false, with a warning in Warnings, when
	// it is an endpoint's word only (a trusted endpoint; a parachain
	// block the relay chain did not prove) or the block was not reported
	// final. Session.Outcome decides it, for every submitting command.
	Verified bool
	Warnings []string
	// InnerFailed says the transaction succeeded but the call it
	// dispatched for another account failed (InnerFailure): Success is
	// then false and Error that call's error.
	InnerFailed bool
}

// ExtrinsicHash is blake2b-256 of an extrinsic (with its length prefix).
func ExtrinsicHash(ext []byte) chainclient.Hash { return chainclient.Hash(hash.Blake2b256(ext)) }

// FindExtrinsic returns the index of the extrinsic with hash h in block at.
func (s *Session) FindExtrinsic(ctx context.Context, at chainclient.Hash, h chainclient.Hash) (int, error) {
	body, err := s.Chain.BlockBody(ctx, at)
	if err != nil {
		return 0, err
	}
	for i, x := range body {
		if ExtrinsicHash(x) == h {
			return i, nil
		}
	}
	return 0, fmt.Errorf("transaction %s is not in block %s", h, at)
}

// Outcome reads what became of extrinsic h in block at: its events
// (System.Events with phase ApplyExtrinsic(index)), success or the decoded
// dispatch error, and the fee paid.
func (s *Session) Outcome(ctx context.Context, at chainclient.Hash, h chainclient.Hash) (*Outcome, error) {
	hdr, err := s.Chain.Header(ctx, at)
	if err != nil {
		return nil, err
	}
	idx, err := s.FindExtrinsic(ctx, at, h)
	if err != nil {
		return nil, err
	}
	rt, err := s.Runtime(ctx, at)
	if err != nil {
		return nil, err
	}
	evs, _, err := s.Read(ctx, rt, at, "System", "Events")
	if err != nil {
		return nil, fmt.Errorf("events of block %s: %w", at, err)
	}
	o := &Outcome{ExtrinsicHash: h, BlockHash: at, BlockNumber: hdr.Number, Index: idx, Chain: s.ChainID(), Events: []Event{}}
	s.decideVerified(ctx, o)
	records, _ := evs.([]any)
	for _, r := range records {
		n, ok := applyExtrinsicPhase(Get(r, "phase"))
		if !ok || n != uint64(idx) {
			continue
		}
		ev, ok := splitEvent(Get(r, "event"))
		if !ok {
			continue
		}
		o.Events = append(o.Events, ev)
		switch {
		case ev.Pallet == "System" && ev.Name == "ExtrinsicSuccess":
			o.Success = true
		case ev.Pallet == "System" && ev.Name == "ExtrinsicFailed":
			o.Error = DecodeDispatchError(rt, Get(ev.Fields, "dispatch_error"))
		case ev.Pallet == "TransactionPayment" && ev.Name == "TransactionFeePaid":
			o.Fee = BigAt(ev.Fields, "actual_fee")
			o.Tip = BigAt(ev.Fields, "tip")
		}
	}
	if !o.Success && o.Error == nil {
		o.Error = &DispatchError{Name: "Unknown", Docs: "no ExtrinsicSuccess or ExtrinsicFailed event for the transaction"}
	}
	if o.Success {
		if e := InnerFailure(rt, o.Events); e != nil {
			o.Success, o.Error, o.InnerFailed = false, e, true
		}
	}
	return o, nil
}

// decideVerified is the one place an outcome's Verified is decided: true
// only when the chain proves what it answers and the including block is
// proven, not merely claimed by the endpoint that sent the transaction
// (a parachain endpoint whose block the relay chain did not prove in
// time, or a block it invented, for which the proof failed).
func (s *Session) decideVerified(ctx context.Context, o *Outcome) {
	o.Verified = s.Chain.Verified()
	if !o.Verified {
		return
	}
	if c, ok := s.Chain.(interface {
		Claimed(context.Context, chainclient.Hash) (string, bool)
	}); ok {
		if reason, claimed := c.Claimed(ctx, o.BlockHash); claimed {
			o.unverified(fmt.Sprintf("%s: the outcome is what the endpoint claims, NOT verified: %s", s.ChainName(), reason))
		}
	}
}

// unverified marks an outcome not proven, saying why.
func (o *Outcome) unverified(why string) {
	o.Verified = false
	o.Warnings = append(o.Warnings, why)
}

// InnerFailure returns why a call dispatched for another account failed
// although the transaction around it succeeded: the result of a
// Proxy.ProxyExecuted or Multisig.MultisigExecuted event that is an Err
// (a call the proxy type filters, or that fails inside a multisig). nil
// when every such result is Ok.
func InnerFailure(rt *Runtime, evs []Event) *DispatchError {
	for _, ev := range evs {
		if !(ev.Pallet == "Proxy" && ev.Name == "ProxyExecuted") && !(ev.Pallet == "Multisig" && ev.Name == "MultisigExecuted") {
			continue
		}
		if e, failed := resultErr(Get(ev.Fields, "result")); failed {
			d := DecodeDispatchError(rt, e)
			d.Docs = strings.TrimSpace(d.Docs + " (the call dispatched by " + ev.Pallet + "." + ev.Name + " failed; the transaction around it succeeded and paid its fee)")
			return d
		}
	}
	return nil
}

// applyExtrinsicPhase reads Phase::ApplyExtrinsic(n).
func applyExtrinsicPhase(v any) (uint64, bool) {
	o, ok := v.(value.Object)
	if !ok || len(o) != 1 || o[0].Name != "ApplyExtrinsic" {
		return 0, false
	}
	n, err := value.Uint64(o[0].Value)
	return n, err == nil
}

// splitEvent reads a RuntimeEvent value {"Pallet": {"Name": fields}} or
// {"Pallet": "Name"}.
func splitEvent(v any) (Event, bool) {
	o, ok := v.(value.Object)
	if !ok || len(o) != 1 {
		return Event{}, false
	}
	ev := Event{Pallet: o[0].Name}
	switch x := o[0].Value.(type) {
	case string:
		ev.Name = x
	case value.Object:
		if len(x) != 1 {
			return Event{}, false
		}
		ev.Name, ev.Fields = x[0].Name, x[0].Value
	default:
		return Event{}, false
	}
	return ev, true
}

// DecodeDispatchError explains a DispatchError given as value JSON.
func DecodeDispatchError(rt *Runtime, v any) *DispatchError {
	switch x := v.(type) {
	case string:
		return &DispatchError{Name: x, Raw: v, Docs: generalDocs[x]}
	case value.Object:
		if len(x) != 1 {
			break
		}
		if x[0].Name == "Module" {
			idx := BigAt(x[0].Value, "index")
			var errBytes []byte
			switch e := Get(x[0].Value, "error").(type) {
			case string:
				errBytes, _ = hexBytes(e)
			default:
				errBytes = []byte{byte(BigAt(x[0].Value, "error").Uint64())}
			}
			if idx.IsUint64() && idx.Uint64() < 256 && len(errBytes) > 0 {
				if pe, err := rt.Codec.DecodeModuleError(uint8(idx.Uint64()), errBytes); err == nil {
					return &DispatchError{Pallet: pe.Pallet, Name: pe.Name, Docs: joinDocs(pe.Docs), Fields: pe.Fields, Raw: v, docs: pe.Docs}
				}
			}
			return &DispatchError{Name: "Module", Raw: v, Docs: fmt.Sprintf("pallet %s, error %x (not in this runtime's metadata)", idx, errBytes)}
		}
		name := x[0].Name
		if s := EnumPath(x[0].Value); s != "" {
			name += "." + s
		}
		return &DispatchError{Name: name, Raw: v, Docs: generalDocs[x[0].Name]}
	}
	return &DispatchError{Name: "Unknown", Raw: v, Docs: fmt.Sprintf("%v", v)}
}

var generalDocs = map[string]string{
	"BadOrigin":         "the call needs an origin this account does not have",
	"CannotLookup":      "an account lookup failed",
	"Other":             "an error the runtime did not classify",
	"ConsumerRemaining": "the account still has consumers (other pallets rely on it)",
	"NoProviders":       "the account has no providers (it does not exist)",
	"TooManyConsumers":  "too many consumers of the account",
	"Token":             "a balance or asset rule was broken",
	"Arithmetic":        "an arithmetic overflow or underflow",
	"Transactional":     "too deeply nested transactional layers",
	"Exhausted":         "resources exhausted",
	"Corruption":        "the state is corrupt",
	"Unavailable":       "a resource is unavailable",
	"RootNotAllowed":    "the root origin is not allowed here",
}

func joinDocs(d []string) string {
	var parts []string
	for _, l := range d {
		l = strings.TrimSpace(l)
		if l == "" {
			break // the first paragraph
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, " ")
}

// hexBytes decodes hex with or without 0x (an odd last digit is ignored).
func hexBytes(s string) ([]byte, error) {
	s = strings.TrimPrefix(s, "0x")
	b, err := hex.DecodeString(s[:len(s)/2*2])
	if err != nil {
		return nil, fmt.Errorf("not hex: %q", s)
	}
	return b, nil
}
