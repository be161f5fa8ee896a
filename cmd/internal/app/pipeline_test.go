package app

import (
	"context"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/value"
)

// submitTransfer prepares, signs and submits a transfer of amount.
func submitTransfer(t *testing.T, s *Session, from string, amount *big.Int) (*Prepared, *Outcome, error) {
	t.Helper()
	ctx := context.Background()
	pair := devKey(t, from)
	rt, err := s.Latest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	call, err := rt.Calls.TransferKeepAlive(devKey(t, "//Bob").AccountID(), amount)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Prepare(ctx, Request{From: pair.AccountID(), Call: call, Spend: amount})
	if err != nil {
		return p, nil, err
	}
	signed, err := p.Sign(pair)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx, p, signed); err != nil {
		t.Fatal(err)
	}
	o, err := s.Submit(ctx, p, signed, nil)
	return p, o, err
}

func TestNonceBackToBack(t *testing.T) {
	f := newFakeChain(t, devGenesis)
	alice := devKey(t, "//Alice").AccountID()
	f.setAccount(alice, 5, ksm(100), new(big.Int), new(big.Int))
	f.nonce[alice] = 5 // the endpoint does not see our pending transactions
	home := t.TempDir()
	s := openFake(t, f, home)

	var got []uint64
	for i := 0; i < 3; i++ {
		p, o, err := submitTransfer(t, s, "//Alice", ksm(1))
		if err != nil {
			t.Fatal(err)
		}
		if !o.Success {
			t.Fatalf("outcome %+v", o)
		}
		got = append(got, p.Params.Nonce)
	}
	if got[0] != 5 || got[1] != 6 || got[2] != 7 {
		t.Fatalf("nonces %v, want 5 6 7", got)
	}
	// A new process (another command) on the same home continues.
	s2 := openFake(t, f, home)
	p, _, err := submitTransfer(t, s2, "//Alice", ksm(1))
	if err != nil {
		t.Fatal(err)
	}
	if p.Params.Nonce != 8 {
		t.Fatalf("next command's nonce %d, want 8", p.Params.Nonce)
	}
	// The chain catches up: entries below its nonce are pruned.
	f.nonce[alice] = 8
	n, err := s2.Nonces.Next(s2.Genesis, alice, 8, f.number)
	if err != nil || n != 9 {
		t.Fatalf("next %d %v, want 9", n, err)
	}
	pend, _ := s2.Nonces.Pending(s2.Genesis, alice)
	if len(pend) != 1 || pend[0].Nonce != 8 {
		t.Fatalf("pending after prune %+v, want only nonce 8", pend)
	}
	// The file is private.
	st, err := os.Stat(filepath.Join(home, "pending"))
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("pending dir %v %v", st.Mode(), err)
	}
	files, _ := filepath.Glob(filepath.Join(home, "pending", "*.json"))
	if len(files) != 1 {
		t.Fatalf("pending files %v", files)
	}
	if st, _ := os.Stat(files[0]); st.Mode().Perm() != 0o600 {
		t.Fatalf("pending file mode %v", st.Mode())
	}
	// Once the chain has counted everything and the reservations are given
	// back the file goes away.
	if err := s2.Nonces.Release(s2.Genesis, alice, 9); err != nil {
		t.Fatal(err)
	}
	v, err := s2.Nonces.Next(s2.Genesis, alice, 9, f.number)
	if err != nil || v != 9 {
		t.Fatalf("next %d %v, want 9", v, err)
	}
	if err := s2.Nonces.Release(s2.Genesis, alice, 9); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(home, "pending", "*.json")); len(files) != 0 {
		t.Fatalf("pending files left %v", files)
	}
}

func TestNonceStoreRules(t *testing.T) {
	for _, home := range []string{"", t.TempDir()} {
		n := NewNonceStore(home)
		g := chainclient.Hash{1}
		a := [32]byte{2}
		b := [32]byte{3}
		for _, p := range []PendingTx{{Nonce: 10, Death: 200}, {Nonce: 12, Death: 200}, {Nonce: 11, Death: 150}} {
			if err := n.Add(g, a, p); err != nil {
				t.Fatal(err)
			}
		}
		// Another account and another chain are independent.
		if v, _ := n.Next(g, b, 10, 100); v != 10 {
			t.Fatalf("other account: %d", v)
		}
		if v, _ := n.Next(chainclient.Hash{9}, a, 10, 100); v != 10 {
			t.Fatalf("other chain: %d", v)
		}
		if v, _ := n.Next(g, a, 10, 100); v != 13 {
			t.Fatalf("next %d, want 13", v)
		}
		// Nonce 11's era ended at block 150: its nonce is free again.
		if v, _ := n.Next(g, a, 10, 150); v != 11 {
			t.Fatalf("after era end %d, want 11 (gap filled)", v)
		}
		// A refused transaction frees its nonce.
		if err := n.Remove(g, a, 10); err != nil {
			t.Fatal(err)
		}
		if v, _ := n.Next(g, a, 10, 150); v != 10 {
			t.Fatalf("after remove %d, want 10", v)
		}
		// Immortal (Death 0) entries stay until the chain nonce passes them;
		// so do the reservations of 11 and 13 (until they expire).
		_ = n.Add(g, a, PendingTx{Nonce: 10})
		if v, _ := n.Next(g, a, 10, 1<<40); v != 12 {
			t.Fatalf("immortal pending: next %d, want 12", v)
		}
	}
}

func TestNonceStoreDamagedFile(t *testing.T) {
	home := t.TempDir()
	n := NewNonceStore(home)
	g, a := chainclient.Hash{1}, [32]byte{2}
	if err := n.Add(g, a, PendingTx{Nonce: 4}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(home, "pending", "*.json"))
	if err := os.WriteFile(files[0], []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if v, err := n.Next(g, a, 3, 1); err != nil || v != 3 {
		t.Fatalf("damaged file: %d %v, want the chain's nonce", v, err)
	}
}

func TestPrepareBalanceChecks(t *testing.T) {
	f := newFakeChain(t, devGenesis)
	alice := devKey(t, "//Alice").AccountID()
	f.setAccount(alice, 0, ksm(10), ksm(1), ksm(3)) // frozen 3, reserved 1: 2 untouchable
	s := openFake(t, f, "")
	ctx := context.Background()
	rt, _ := s.Latest(ctx)
	ed, err := rt.ExistentialDeposit()
	if err != nil || ed.Sign() <= 0 {
		t.Fatalf("ED %v %v", ed, err)
	}
	b, err := s.Balance(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if b.Transferable.Cmp(ksm(8)) != 0 {
		t.Fatalf("transferable %s, want 8 KSM", b.Transferable)
	}
	bob := devKey(t, "//Bob").AccountID()
	fee := f.fee
	// Without frozen funds, the existential deposit is what must stay.
	f.setAccount(alice, 0, ksm(10), new(big.Int), new(big.Int))
	edCases := []struct {
		name       string
		amount     *big.Int
		allowDeath bool
		want       error
	}{
		{"keeps ED", new(big.Int).Sub(new(big.Int).Sub(ksm(10), fee), ed), false, nil},
		{"one planck below ED", new(big.Int).Sub(new(big.Int).Sub(ksm(10), fee), new(big.Int).Sub(ed, big.NewInt(1))), false, ErrExistentialDeposit},
		{"below ED allowed", new(big.Int).Sub(new(big.Int).Sub(ksm(10), fee), big.NewInt(1)), true, nil},
		{"everything plus one", new(big.Int).Sub(ksm(10), fee).Add(new(big.Int).Sub(ksm(10), fee), big.NewInt(1)), true, ErrInsufficientBalance},
	}
	for _, tc := range edCases {
		t.Run(tc.name, func(t *testing.T) {
			call, err := rt.Calls.TransferAllowDeath(bob, tc.amount)
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.Prepare(ctx, Request{From: alice, Call: call, Spend: tc.amount, AllowDeath: tc.allowDeath})
			if tc.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if p.Fee.Cmp(fee) != 0 {
					t.Fatalf("fee %s, want %s", p.Fee, fee)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if errors.Is(err, ErrExistentialDeposit) && !strings.Contains(err.Error(), "--allow-death") {
				t.Fatalf("no way out named: %v", err)
			}
		})
	}
	// Amounts in the chain's units.
	for in, want := range map[string]string{"1.5": "1500000000000", "1.5KSM": "1500000000000", "1500planck": "1500", "0.000000000001": "1"} {
		v, err := s.ParseAmount(in)
		if err != nil || v.String() != want {
			t.Fatalf("ParseAmount(%q) = %v %v, want %s", in, v, err, want)
		}
	}
	for _, bad := range []string{"1.5DOT", "-1", "0.0000000000001", "1,5", ""} {
		if _, err := s.ParseAmount(bad); !errors.Is(err, value.ErrAmount) {
			t.Fatalf("ParseAmount(%q) err %v", bad, err)
		}
	}
}

func TestPrepareShowsFinalPayload(t *testing.T) {
	f := newFakeChain(t, devGenesis)
	alice := devKey(t, "//Alice").AccountID()
	f.setAccount(alice, 3, ksm(10), new(big.Int), new(big.Int))
	f.nonce[alice] = 3
	s := openFake(t, f, "")
	ctx := context.Background()
	p, err := s.Prepare(ctx, Request{From: alice, Call: transferToBob(t, s), Spend: ksm(1), Tip: big.NewInt(7)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Call.Pallet != "Balances" || p.Call.Name != "transfer_keep_alive" {
		t.Fatalf("shown call %s.%s", p.Call.Pallet, p.Call.Name)
	}
	if !p.Decoded.Extra.HasNonce || p.Decoded.Extra.Nonce != 3 || p.Decoded.Extra.Tip.Int64() != 7 {
		t.Fatalf("payload extra %+v", p.Decoded.Extra)
	}
	if !p.Decoded.Extra.Era.Mortal || p.Decoded.Extra.Era.Period != DefaultEraPeriod || p.Decoded.Extra.Era.Phase != f.number%DefaultEraPeriod {
		t.Fatalf("era %+v at block %d", p.Decoded.Extra.Era, f.number)
	}
	if p.Decoded.Additional.BlockHash != f.head() || p.Decoded.Additional.GenesisHash != devGenesis {
		t.Fatal("era birth block or genesis wrong")
	}
	// Kusama 1009002 has CheckMetadataHash: mode 1 with ksm's digest.
	if !p.MetadataHash || p.Decoded.Additional.MetadataHash == nil || *p.Decoded.Additional.MetadataHash != *p.MetadataDigest {
		t.Fatalf("metadata hash mode %v", p.MetadataHash)
	}
	// Signing with another key is refused.
	if _, err := p.Sign(devKey(t, "//Bob")); !errors.Is(err, ErrSignerMismatch) {
		t.Fatalf("sign with bob: %v", err)
	}
}

func TestOutcomeDecoding(t *testing.T) {
	f := newFakeChain(t, devGenesis)
	alice := devKey(t, "//Alice").AccountID()
	f.setAccount(alice, 0, ksm(10), new(big.Int), new(big.Int))
	s := openFake(t, f, "")
	// Success: only the records of the transaction's index, fee from
	// TransactionFeePaid.
	_, o, err := submitTransfer(t, s, "//Alice", ksm(1))
	if err != nil {
		t.Fatal(err)
	}
	if !o.Success || o.Index != 1 || o.Fee.Int64() != 123456 || len(o.Events) != 2 || o.Error != nil || o.Verified || !o.Finalized {
		t.Fatalf("outcome %+v", o)
	}
	// Failure: the module error is decoded from metadata.
	bal, _ := f.md.Pallet("Balances")
	errIdx := -1
	for _, v := range f.md.Variants(bal, metadata.Errors) {
		if v.Name == "InsufficientBalance" {
			errIdx = int(v.Index)
		}
	}
	if errIdx < 0 {
		t.Fatal("no Balances.InsufficientBalance in metadata")
	}
	f.result = func([]byte) ([]any, error) {
		return []any{record(1, value.Object{{Name: "System", Value: value.Object{{Name: "ExtrinsicFailed", Value: value.Object{
			{Name: "dispatch_error", Value: value.Object{{Name: "Module", Value: value.Object{{Name: "index", Value: int(bal.Index)}, {Name: "error", Value: []byte{byte(errIdx), 0, 0, 0}}}}}},
			{Name: "dispatch_info", Value: value.Object{{Name: "weight", Value: value.Object{{Name: "ref_time", Value: 1}, {Name: "proof_size", Value: 2}}}, {Name: "class", Value: "Normal"}, {Name: "pays_fee", Value: "Yes"}}},
		}}}}})}, nil
	}
	_, o, err = submitTransfer(t, s, "//Alice", ksm(1))
	if err != nil {
		t.Fatal(err)
	}
	if o.Success || o.Error == nil || o.Error.Pallet != "Balances" || o.Error.Name != "InsufficientBalance" || o.Error.Docs == "" {
		t.Fatalf("failed outcome %+v %+v", o, o.Error)
	}
	// General dispatch errors.
	rt, _ := s.Latest(context.Background())
	for in, want := range map[string]string{"BadOrigin": "BadOrigin"} {
		if d := DecodeDispatchError(rt, in); d.Name != want || d.Pallet != "" || d.Docs == "" {
			t.Fatalf("%s: %+v", in, d)
		}
	}
	if d := DecodeDispatchError(rt, value.Object{{Name: "Token", Value: "FundsUnavailable"}}); d.Name != "Token.FundsUnavailable" {
		t.Fatalf("token error %+v", d)
	}
}

func TestSubmitFailures(t *testing.T) {
	f := newFakeChain(t, devGenesis)
	alice := devKey(t, "//Alice").AccountID()
	f.setAccount(alice, 0, ksm(10), new(big.Int), new(big.Int))
	s := openFake(t, f, t.TempDir())

	// Refused outright by an unverified endpoint: the refusal is reported,
	// but unproven (TestSubmitRefusalSettled), so the nonce stays reserved.
	f.result = func([]byte) ([]any, error) {
		return nil, &chainclient.RejectedError{Code: 1010, Message: "Invalid Transaction", Data: "Inability to pay some fees"}
	}
	_, _, err := submitTransfer(t, s, "//Alice", ksm(1))
	var ue *UnsettledError
	if !errors.As(err, &ue) || ue.Said == nil || errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "pay some fees") {
		t.Fatalf("rejected: %v", err)
	}
	if p, _ := s.Nonces.Pending(s.NonceGenesis(), alice); len(p) != 1 {
		t.Fatalf("pending after an unproven refusal: %+v", p)
	}
	if err := s.Nonces.Remove(s.NonceGenesis(), alice, 0); err != nil {
		t.Fatal(err)
	}

	// Lost before sending: not sent, nonce free.
	f.result = func([]byte) ([]any, error) {
		return nil, &chainclient.SubmitError{MaybeSent: false, Err: chainclient.ErrDisconnected}
	}
	_, _, err = submitTransfer(t, s, "//Alice", ksm(1))
	var ie *InterruptedError
	if !errors.As(err, &ie) || ie.Sent || ie.MaybeSent || !strings.Contains(err.Error(), "not sent") || !IsDisconnected(err) {
		t.Fatalf("lost before sending: %v", err)
	}

	// Lost after "ready": sent once, reported, nonce kept pending.
	f.result = func([]byte) ([]any, error) { return f.successEvents(), nil }
	f.dropAfterReady = true
	before := len(f.submitted)
	_, _, err = submitTransfer(t, s, "//Alice", ksm(1))
	if !errors.As(err, &ie) || !ie.Sent || !strings.Contains(err.Error(), "did not send it again") || !IsDisconnected(err) {
		t.Fatalf("lost after ready: %v", err)
	}
	if len(f.submitted) != before+1 {
		t.Fatalf("submitted %d times, want once", len(f.submitted)-before)
	}
	if p, _ := s.Nonces.Pending(s.NonceGenesis(), alice); len(p) != 1 || p[0].Nonce != 0 || p[0].Hash != ie.Hash.String() {
		t.Fatalf("pending after a lost submission: %+v", p)
	}

	// An endpoint that accepts and then says nothing: ksm gives up after
	// FollowTimeout, saying the transaction was sent.
	f.dropAfterReady = false
	f.silent = true
	s.FollowTimeout = 50 * time.Millisecond
	_, _, err = submitTransfer(t, s, "//Alice", ksm(1))
	if !errors.As(err, &ie) || !ie.Sent || !errors.Is(err, ErrFollowTimeout) || !strings.Contains(err.Error(), "stopped reporting") {
		t.Fatalf("silent endpoint: %v", err)
	}
	// The pending nonce is kept: the next transaction does not reuse it.
	if p, _ := s.Nonces.Pending(s.NonceGenesis(), alice); len(p) != 2 || p[1].Nonce != 1 {
		t.Fatalf("pending %+v", p)
	}
}

// TestOpenFollowTimeout: Options.FollowTimeout (the CLI's --follow-timeout)
// bounds the wait for news of a submitted transaction.
func TestOpenFollowTimeout(t *testing.T) {
	f := newFakeChain(t, devGenesis)
	f.setAccount(devKey(t, "//Alice").AccountID(), 0, ksm(10), new(big.Int), new(big.Int))
	f.silent = true
	s, err := Open(context.Background(), f, Options{Home: t.TempDir(), FollowTimeout: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = submitTransfer(t, s, "//Alice", ksm(1))
	if !errors.Is(err, ErrFollowTimeout) || !strings.Contains(err.Error(), "30ms") {
		t.Fatalf("silent endpoint with a 30 ms follow timeout: %v", err)
	}
}
