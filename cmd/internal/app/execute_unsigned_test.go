package app

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
)

// remarkPlan is an unsigned plan sending an unsigned System.remark.
func remarkPlan(t *testing.T, dryRun bool) *UnsignedPlan {
	return NewUnsignedPlan("remark", dryRun, func(ctx context.Context, s *Session) (*UnsignedDraft, error) {
		rt, err := s.Latest(ctx)
		if err != nil {
			return nil, err
		}
		call, err := rt.Calls.Call("System", "remark", map[string]any{"remark": "0x0102"})
		if err != nil {
			t.Fatal(err)
		}
		dec, err := rt.Codec.DecodeCall(call)
		if err != nil {
			t.Fatal(err)
		}
		return &UnsignedDraft{Title: "Remark", Question: "Submit this remark?", Call: dec, Extrinsic: rt.Format.Unsigned(call),
			Warnings: []string{"a test remark"}}, nil
	})
}

// TestExecuteUnsigned: an unsigned plan goes through review, confirmation,
// one submission and its outcome, with no password asked; declined or a
// dry run, nothing is sent.
func TestExecuteUnsigned(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name            string
		dryRun, confirm bool
		sent            int
		err             error
	}{
		{name: "confirmed", confirm: true, sent: 1},
		{name: "declined", err: ErrCancelled},
		{name: "dry run", dryRun: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeChain(t, devGenesis)
			s := openFake(t, f, t.TempDir())
			ask := &fakeAsker{confirm: tt.confirm}
			res, err := ExecuteUnsigned(context.Background(), s, remarkPlan(t, tt.dryRun), ask)
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if len(f.submitted) != tt.sent || ask.passwords != 0 {
				t.Fatalf("%d sent, %d passwords asked", len(f.submitted), ask.passwords)
			}
			if len(ask.reviewed) != 1 || ask.reviewed[0].Unsigned == nil || ask.reviewed[0].Unsigned.Call.Name != "remark" || ask.reviewed[0].Prepared != nil {
				t.Fatalf("reviewed %+v", ask.reviewed)
			}
			if len(ask.warnings) != 1 {
				t.Fatalf("warnings %q", ask.warnings)
			}
			if wantConfirms := map[bool]int{true: 0, false: 1}[tt.dryRun]; ask.confirms != wantConfirms {
				t.Fatalf("%d confirmations, want %d", ask.confirms, wantConfirms)
			}
			if res.DryRun != tt.dryRun {
				t.Fatalf("dry run %v", res.DryRun)
			}
			if tt.sent == 1 {
				if res.Outcome == nil || !res.Outcome.Success || res.Outcome.ExtrinsicHash != ExtrinsicHash(f.submitted[0]) {
					t.Fatalf("outcome %+v", res.Outcome)
				}
				if got := fmt.Sprint(ask.statuses); got != "[ready inBlock finalized]" {
					t.Fatalf("statuses %s", got)
				}
			}
		})
	}
}

// TestExecuteUnsignedRefused: a transaction the chain refuses is a
// NotIncludedError, not a SentError (the same outcome handling as signed
// plans).
func TestExecuteUnsignedRefused(t *testing.T) {
	t.Parallel()
	f := newFakeChain(t, devGenesis)
	f.lie = &chainclient.RejectedError{Message: "Invalid Transaction", Data: "bad proof"}
	s := openFake(t, f, t.TempDir())
	_, err := ExecuteUnsigned(context.Background(), s, remarkPlan(t, false), &fakeAsker{confirm: true})
	var ni *NotIncludedError
	var se *SentError
	if !errors.As(err, &ni) || errors.As(err, &se) || ni.Reason != "Invalid Transaction: bad proof" {
		t.Fatalf("err %v (%T)", err, err)
	}
}
