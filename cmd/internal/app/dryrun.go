package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/value"
)

// DryRunResult is what a dry run said of a transaction.
type DryRunResult struct {
	// Method names the dry run used: "DryRunApi_dry_run_call" (before
	// signing) or "system_dryRun" (the signed transaction).
	Method string
	// Error is the dispatch error, nil when the call would succeed.
	Error *DispatchError
	// Events are the events the call would emit (DryRunApi only).
	Events []Event
}

// dryRunCall runs the call through DryRunApi_dry_run_call as a signed
// origin of the sender, when the runtime has that API. It needs no
// signature, so it catches filtered and failing calls before signing.
func (s *Session) dryRunCall(ctx context.Context, p *Prepared) (*DryRunResult, error) {
	rt := p.Runtime
	m, err := rt.Meta.APIMethod("DryRunApi", "dry_run_call")
	if err != nil || len(m.Inputs) < 2 || len(m.Inputs) > 3 {
		return nil, nil
	}
	origin, err := signedOrigin(rt, m.Inputs[0].Type, rt.Codec.FormatAccount(p.From))
	if err != nil {
		return nil, nil // an origin type ksm does not understand: skip
	}
	args := []any{origin, RawArg(p.Request.Call)}
	var out any
	if len(m.Inputs) == 3 {
		// The XCM version of the reported messages; try the newest first.
		for _, v := range []uint64{5, 4, 3} {
			out, err = s.CallAPI(ctx, rt, p.At.Hash, "DryRunApi", "dry_run_call", append(args, v)...)
			if err == nil && !isErrVariant(out, "VersionedConversionFailed") {
				break
			}
			if chainclient.IsDisconnectedErr(err) {
				return nil, err
			}
		}
	} else {
		out, err = s.CallAPI(ctx, rt, p.At.Hash, "DryRunApi", "dry_run_call", args...)
	}
	if err != nil {
		if chainclient.IsDisconnectedErr(err) {
			return nil, err
		}
		return nil, nil // the API exists but cannot run here: skip
	}
	res, ok := unwrapResult(out)
	if !ok {
		return nil, nil // DryRunApi error (unimplemented, ...): skip
	}
	r := &DryRunResult{Method: "DryRunApi_dry_run_call"}
	exec := Get(res, "execution_result")
	if errv, failed := resultErr(exec); failed {
		de := Get(errv, "error")
		if de == nil {
			de = errv
		}
		r.Error = DecodeDispatchError(rt, de)
	}
	if evs, ok := Get(res, "emitted_events").([]any); ok {
		for _, e := range evs {
			if ev, ok := splitEvent(e); ok {
				r.Events = append(r.Events, ev)
			}
		}
	}
	if r.Error == nil {
		r.Error = InnerFailure(rt, r.Events)
	}
	return r, nil
}

// signedOrigin builds OriginCaller::system(RawOrigin::Signed(who)) as value
// JSON, finding the variant names in metadata.
func signedOrigin(rt *Runtime, originType metadata.TypeID, who string) (any, error) {
	vs, err := rt.Meta.Types.Variants(originType)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if !strings.EqualFold(v.Name, "system") || len(v.Fields) != 1 {
			continue
		}
		inner, err := rt.Meta.Types.Variants(v.Fields[0].Type)
		if err != nil {
			return nil, err
		}
		for _, iv := range inner {
			if iv.Name == "Signed" {
				return value.Object{{Name: v.Name, Value: value.Object{{Name: "Signed", Value: who}}}}, nil
			}
		}
	}
	return nil, fmt.Errorf("no system Signed origin in %s", rt.Meta.Types.Name(originType))
}

// unwrapResult returns the Ok value of a Result given as value JSON.
func unwrapResult(v any) (any, bool) {
	o, ok := v.(value.Object)
	if !ok || len(o) != 1 || o[0].Name != "Ok" {
		return nil, false
	}
	return o[0].Value, true
}

// resultErr returns the Err value of a Result given as value JSON.
func resultErr(v any) (any, bool) {
	o, ok := v.(value.Object)
	if !ok || len(o) != 1 || o[0].Name != "Err" {
		return nil, false
	}
	return o[0].Value, true
}

func isErrVariant(v any, name string) bool {
	e, ok := resultErr(v)
	return ok && EnumPath(e) == name
}

// Check dry-runs a signed transaction (system_dryRun on the best block)
// when the runtime could not dry-run it before signing. It returns a
// *WouldFailError when the transaction is invalid or its call fails, nil
// when it would succeed or the backend cannot dry-run.
func (s *Session) Check(ctx context.Context, p *Prepared, signed []byte) error {
	if p.DryRun != nil || p.SkipDryRun {
		return nil
	}
	best, err := s.Chain.BestHead(ctx)
	if err != nil {
		return err
	}
	r, err := s.DryRunSigned(ctx, p.Runtime, best.Hash, signed)
	if err != nil || r == nil {
		return err
	}
	p.DryRun = r
	return nil
}

// DryRunSigned applies a signed extrinsic with system_dryRun at block at
// and decodes the ApplyExtrinsicResult. It returns nil, nil when the
// backend cannot dry-run.
func (s *Session) DryRunSigned(ctx context.Context, rt *Runtime, at chainclient.Hash, signed []byte) (*DryRunResult, error) {
	raw, err := s.Chain.DryRun(ctx, signed, at)
	if errors.Is(err, chainclient.ErrUnsupported) {
		return nil, nil
	}
	if err != nil {
		if chainclient.IsDisconnectedErr(err) {
			return nil, err
		}
		return nil, nil // a dry run the backend could not do is no verdict
	}
	out, err := decodeApplyResult(rt, raw)
	if err != nil {
		return nil, nil
	}
	r := &DryRunResult{Method: "system_dryRun"}
	if inv, bad := resultErr(out); bad {
		return r, &WouldFailError{Stage: "dry run", Invalid: InvalidReason(inv)}
	}
	ok, _ := unwrapResult(out)
	if e, failed := resultErr(ok); failed {
		r.Error = DecodeDispatchError(rt, e)
		return r, &WouldFailError{Stage: "dry run", Err: r.Error}
	}
	return r, nil
}

// decodeApplyResult decodes an ApplyExtrinsicResult with the type the
// metadata gives BlockBuilder_apply_extrinsic's output.
func decodeApplyResult(rt *Runtime, raw []byte) (any, error) {
	m, err := rt.Meta.APIMethod("BlockBuilder", "apply_extrinsic")
	if err != nil {
		return nil, err
	}
	return rt.Codec.Decode(m.Output, raw)
}

// InvalidReason explains a TransactionValidityError given as value JSON
// ({"Invalid": "Payment"}, {"Unknown": ...}).
func InvalidReason(v any) string {
	p := EnumPath(v)
	if why, ok := invalidDocs[p]; ok {
		return p + " (" + why + ")"
	}
	if p == "" {
		return fmt.Sprint(v)
	}
	return p
}

var invalidDocs = map[string]string{
	"Invalid.Payment":             "the account cannot pay the fee",
	"Invalid.Stale":               "the nonce was already used",
	"Invalid.Future":              "the nonce is ahead of the account's",
	"Invalid.BadProof":            "the signature or signed data is wrong",
	"Invalid.AncientBirthBlock":   "the era's birth block is too old",
	"Invalid.ExhaustsResources":   "the transaction does not fit in a block",
	"Invalid.Call":                "the call is not allowed",
	"Invalid.BadMandatory":        "a mandatory dispatch failed",
	"Invalid.MandatoryValidation": "mandatory dispatch as a transaction",
	"Invalid.BadSigner":           "the signer cannot sign this",
	"Unknown.CannotLookup":        "an account lookup failed",
	"Unknown.NoUnsignedValidator": "no validator for this unsigned transaction",
}
