package app

import (
	"context"
	"testing"
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
