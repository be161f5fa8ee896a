package app

import (
	"context"
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
)

// signedElsewhere prepares and signs a transfer as another tool would, and
// returns it with its decoding.
func signedElsewhere(t *testing.T, s *Session) ([]byte, *Prepared) {
	t.Helper()
	ctx := context.Background()
	pair := devKey(t, "//Alice")
	rt, err := s.Latest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	call, err := rt.Calls.TransferKeepAlive(devKey(t, "//Bob").AccountID(), ksm(1))
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Prepare(ctx, Request{From: pair.AccountID(), Call: call, Spend: ksm(1)})
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
// pending-nonce bookkeeping: recorded when sent, forgotten when refused.
func TestSubmitDecodedNonces(t *testing.T) {
	ctx := context.Background()
	f := newFakeChain(t, devGenesis)
	alice := devKey(t, "//Alice").AccountID()
	f.setAccount(alice, 3, ksm(100), ksm(0), ksm(0))
	f.nonce[alice] = 3
	s := openFake(t, f, t.TempDir())
	next := func() uint64 {
		t.Helper()
		n, err := s.Nonces.Next(s.Genesis, alice, 3, f.number)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	ext, p := signedElsewhere(t, s)
	x, err := p.Runtime.Format.Decode(ext)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitDecoded(ctx, ext, x, p.At, nil); err != nil {
		t.Fatal(err)
	}
	if n := next(); n != 4 {
		t.Fatalf("after a sent transaction with nonce 3 the next nonce is %d, want 4", n)
	}

	f.result = func([]byte) ([]any, error) {
		return nil, &chain.RejectedError{Code: 1010, Message: "Invalid Transaction", Data: "Inability to pay some fees"}
	}
	ext, p = signedElsewhere(t, s)
	if p.Params.Nonce != 4 {
		t.Fatalf("second nonce %d", p.Params.Nonce)
	}
	x, err = p.Runtime.Format.Decode(ext)
	if err != nil {
		t.Fatal(err)
	}
	var ni *NotIncludedError
	if _, err := s.SubmitDecoded(ctx, ext, x, p.At, nil); !errors.As(err, &ni) {
		t.Fatalf("err %v, want a refusal", err)
	}
	if n := next(); n != 4 {
		t.Fatalf("a refused nonce stays pending: next %d, want 4", n)
	}
}
