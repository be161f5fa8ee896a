package app

import (
	"context"
	"fmt"
)

// CallInput is one call given by pallet, name and value-JSON arguments.
type CallInput struct {
	Pallet, Name string
	Args         any
}

// TxCallInput is a call (or several, batched) given as JSON, as typed.
type TxCallInput struct {
	Signing
	Calls []CallInput
	// Batch allows several calls (one Utility.batch_all).
	Batch bool
	// Spend is what the calls take from the sender besides the fee, an
	// amount ("" : what a transfer among them moves).
	Spend string
}

// PlanTxCall checks a call given as JSON: at least one, several only with
// Batch, the spend well formed. Its composer encodes the calls with the
// runtime's metadata (an argument that does not fit is an InputError).
func PlanTxCall(kr Keyring, in TxCallInput) (*Plan, error) {
	if len(in.Calls) == 0 {
		return nil, inputErrorf("", "no call given: PALLET.CALL --args JSON, --call, or --calls-stdin")
	}
	if len(in.Calls) > 1 && !in.Batch {
		return nil, inputErrorf("", "%d calls given: pass --batch to send them as one Utility.batch_all", len(in.Calls))
	}
	if in.Spend != "" {
		if err := CheckAmount(in.Spend, true); err != nil {
			return nil, fieldError("--spend", err)
		}
	}
	// The first call's pallet routes the transaction to its chain.
	return NewPlan(kr, "tx call", in.Signing, in.Calls[0].Pallet, func(ctx context.Context, c *Composer) (*Draft, error) {
		encoded := make([][]byte, len(in.Calls))
		for i, s := range in.Calls {
			var err error
			if encoded[i], err = c.Rt.Calls.Call(s.Pallet, s.Name, s.Args); err != nil {
				return nil, fieldError(fmt.Sprintf("%s.%s", s.Pallet, s.Name), err)
			}
		}
		call, err := c.Rt.Calls.BatchAll(encoded)
		if err != nil {
			return nil, err
		}
		req := Request{Call: call, Spend: TransferredValue(c.Rt, call)}
		if in.Spend != "" {
			if req.Spend, err = c.Sess.ParseAmount(in.Spend); err != nil {
				return nil, fieldError("--spend", err)
			}
		}
		title := fmt.Sprintf("Call %s.%s", in.Calls[0].Pallet, in.Calls[0].Name)
		if len(in.Calls) > 1 {
			title = fmt.Sprintf("Batch of %d calls (Utility.batch_all)", len(in.Calls))
		}
		return &Draft{Request: req, Title: title}, nil
	})
}
