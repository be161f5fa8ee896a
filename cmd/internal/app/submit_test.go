package app

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/value"
)

// signedElsewhere prepares and signs a transfer as another tool would, and
// returns it with its decoding.
func signedElsewhere(t *testing.T, s *Session) ([]byte, *Prepared) {
	t.Helper()
	ctx := context.Background()
	pair := devKey(t, "//Alice")
	p, err := s.Prepare(ctx, Request{From: pair.AccountID(), Call: transferToBob(t, s), Spend: ksm(1)})
	if err != nil {
		t.Fatal(err)
	}
	ext, err := p.Sign(pair)
	if err != nil {
		t.Fatal(err)
	}
	return ext, p
}

// TestSubmitDecodedNonces: a transaction signed elsewhere gets Submit's
// pending-nonce bookkeeping: its nonce, hash and era's end are recorded.
func TestSubmitDecodedNonces(t *testing.T) {
	ctx := context.Background()
	f := newFakeChain(t, devGenesis)
	alice := devKey(t, "//Alice").AccountID()
	f.setAccount(alice, 3, ksm(100), ksm(0), ksm(0))
	f.nonce[alice] = 3
	s := openFake(t, f, t.TempDir())

	ext, p := signedElsewhere(t, s)
	s.Release(p) // another tool signed it: no reservation of ours
	x, err := p.Runtime.Format.Decode(ext)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitDecoded(ctx, ext, x, p.At, nil); err != nil {
		t.Fatal(err)
	}
	pending, err := s.Nonces.Pending(s.NonceGenesis(), alice)
	if err != nil {
		t.Fatal(err)
	}
	want := PendingTx{Nonce: 3, Hash: ExtrinsicHash(ext).String(), Death: p.Params.Era.Death(p.At.Number)}
	if len(pending) != 1 || pending[0].Nonce != want.Nonce || pending[0].Hash != want.Hash || pending[0].Death != want.Death {
		t.Fatalf("pending %+v, want [%+v]", pending, want)
	}
}

// TestSubmitLyingEndpoint: an endpoint that includes a transaction but says
// it refused, dropped, invalidated or replaced it. ksm settles by the chain
// (the account's nonce moved; the transaction is in a block of its era) and
// reports it included; it never reports it lost nor frees its nonce.
func TestSubmitLyingEndpoint(t *testing.T) {
	for _, lie := range []any{
		&chainclient.RejectedError{Code: 1010, Message: "Invalid Transaction", Data: "Inability to pay some fees"},
		chainclient.StatusDropped, chainclient.StatusInvalid, chainclient.StatusUsurped,
	} {
		t.Run(lieName(lie), func(t *testing.T) {
			f := newFakeChain(t, devGenesis)
			alice := devKey(t, "//Alice").AccountID()
			f.setAccount(alice, 0, ksm(10), new(big.Int), new(big.Int))
			f.lie = lie
			f.onInclude = func() { f.setAccount(alice, 1, ksm(9), new(big.Int), new(big.Int)) }
			s := openFake(t, f, t.TempDir())
			p, o, err := submitTransfer(t, s, "//Alice", ksm(1))
			if err != nil {
				t.Fatalf("the endpoint lied and ksm believed it: %v", err)
			}
			if !o.Success || o.BlockNumber != 101 || o.Index != 1 || !o.Finalized {
				t.Fatalf("outcome %+v", o)
			}
			if pend, _ := s.Nonces.Pending(s.NonceGenesis(), alice); len(pend) != 1 || pend[0].Nonce != p.Params.Nonce {
				t.Fatalf("pending %+v", pend)
			}
		})
	}
	// Included with the same nonce, but not this transaction (a
	// replacement): "nonce used, inclusion not found", never "dropped".
	f := newFakeChain(t, devGenesis)
	alice := devKey(t, "//Alice").AccountID()
	f.setAccount(alice, 0, ksm(10), new(big.Int), new(big.Int))
	f.result = func([]byte) ([]any, error) {
		f.setAccount(alice, 1, ksm(9), new(big.Int), new(big.Int))
		return nil, &chainclient.RejectedError{Code: 1014, Message: "Priority is too low"}
	}
	s := openFake(t, f, t.TempDir())
	_, _, err := submitTransfer(t, s, "//Alice", ksm(1))
	var ue *UnsettledError
	if !errors.As(err, &ue) || !ue.NonceUsed || ue.ChainNonce != 1 || errors.Is(err, ErrRejected) || !errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), "nonce used, inclusion not found") {
		t.Fatalf("replaced: %v", err)
	}
}

func lieName(l any) string {
	if k, ok := l.(chainclient.StatusKind); ok {
		return string(k)
	}
	return "rejected"
}

// TestSubmitRefusalSettled: a refusal the chain does not bear out leaves
// the outcome unknown and the nonce reserved until the era ends; once the
// era has ended with the nonce unused, or when the runtime ksm runs on
// proven state refuses the transaction too, it is a refusal and the nonce
// is free again.
func TestSubmitRefusalSettled(t *testing.T) {
	refuse := &chainclient.RejectedError{Code: 1010, Message: "Invalid Transaction", Data: "Inability to pay some fees"}
	for _, tc := range []struct {
		name string
		// verified and validity configure the chain; eraEnds moves the
		// finalized head past the era before ksm settles.
		verified bool
		validity any
		eraEnds  bool
		unknown  bool
	}{
		{name: "unverified endpoint", unknown: true},
		{name: "verified, the runtime accepts it", verified: true, unknown: true,
			validity: value.Object{{Name: "Err", Value: value.Object{{Name: "Invalid", Value: "Future"}}}}},
		{name: "verified, the runtime refuses it", verified: true,
			validity: value.Object{{Name: "Err", Value: value.Object{{Name: "Invalid", Value: "Payment"}}}}},
		{name: "era ended", eraEnds: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeChain(t, devGenesis)
			alice := devKey(t, "//Alice").AccountID()
			f.setAccount(alice, 0, ksm(10), new(big.Int), new(big.Int))
			f.verified = tc.verified
			f.result = func([]byte) ([]any, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				f.validity = tc.validity
				if tc.eraEnds {
					f.number += 2 * DefaultEraPeriod
				}
				return nil, refuse
			}
			s := openFake(t, f, t.TempDir())
			_, _, err := submitTransfer(t, s, "//Alice", ksm(1))
			pend, _ := s.Nonces.Pending(s.NonceGenesis(), alice)
			var ue *UnsettledError
			var ni *NotIncludedError
			if tc.unknown {
				if !errors.As(err, &ue) || ue.NonceUsed || ue.Until == 0 || errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "may still be included") {
					t.Fatalf("want an unsettled outcome: %v", err)
				}
				if len(pend) != 1 || pend[0].Nonce != 0 {
					t.Fatalf("the nonce of a transaction that may still be included was freed: %+v", pend)
				}
				return
			}
			if errors.As(err, &ue) || !errors.As(err, &ni) || !strings.Contains(err.Error(), "pay some fees") {
				t.Fatalf("want a refusal: %v", err)
			}
			if len(pend) != 0 {
				t.Fatalf("pending after a settled refusal: %+v", pend)
			}
		})
	}
}
