package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// fakeKeyring holds dev keys by name and counts unlocks.
type fakeKeyring struct {
	t       *testing.T
	pairs   map[string]*keys.Pair
	watch   map[string]bool
	unlocks int
}

func newFakeKeyring(t *testing.T) *fakeKeyring {
	return &fakeKeyring{t: t, pairs: map[string]*keys.Pair{"alice": devKey(t, "//Alice"), "bob": devKey(t, "//Bob"), "eve": devKey(t, "//Eve")},
		watch: map[string]bool{"eve": true}}
}

func (k *fakeKeyring) Get(name string) (*keystore.Entry, error) {
	p, ok := k.pairs[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", keystore.ErrNotFound, name)
	}
	return &keystore.Entry{Name: name, Scheme: p.Scheme(), PublicKey: p.PublicKey(), WatchOnly: k.watch[name]}, nil
}

func (k *fakeKeyring) Unlock(name string, pw []byte) (*keys.Pair, error) {
	k.unlocks++
	if string(pw) != "pw" {
		return nil, keystore.ErrWrongPassword
	}
	return devKey(k.t, "//"+strings.ToUpper(name[:1])+name[1:]), nil
}

// fakeAsker answers Execute's questions and records what it was told.
type fakeAsker struct {
	confirm   bool
	password  func(ctx context.Context) ([]byte, error)
	reviewed  []*Review
	statuses  []chainclient.StatusKind
	warnings  []string
	confirms  int
	passwords int
}

func (a *fakeAsker) Reviewed(r *Review)           { a.reviewed = append(a.reviewed, r) }
func (a *fakeAsker) Status(st chainclient.Status) { a.statuses = append(a.statuses, st.Kind) }
func (a *fakeAsker) Warn(msg string)              { a.warnings = append(a.warnings, msg) }
func (a *fakeAsker) Confirm(ctx context.Context, r *Review) (bool, error) {
	a.confirms++
	return a.confirm, nil
}
func (a *fakeAsker) Password(ctx context.Context, key KeyRef) ([]byte, error) {
	a.passwords++
	if a.password == nil {
		return []byte("pw"), nil
	}
	return a.password(ctx)
}

// transferFixture is a fake chain where alice has 100 KSM, a keyring and
// a plan to send 1 KSM to bob.
func transferFixture(t *testing.T, opts TxOptions) (*fakeChain, *Session, *fakeKeyring, *Plan) {
	t.Helper()
	f := newFakeChain(t, devGenesis)
	alice := devKey(t, "//Alice").AccountID()
	f.setAccount(alice, 0, ksm(100), ksm(0), ksm(0))
	f.setAccount(devKey(t, "//Bob").AccountID(), 0, ksm(1), ksm(0), ksm(0))
	s := openFake(t, f, t.TempDir())
	kr := newFakeKeyring(t)
	plan, err := PlanTransfer(kr, TransferInput{Signing: Signing{From: "alice", Options: opts}, To: "bob", Amount: "1.5"})
	if err != nil {
		t.Fatal(err)
	}
	return f, s, kr, plan
}

func TestExecuteSubmits(t *testing.T) {
	f, s, kr, plan := transferFixture(t, DefaultTxOptions())
	ask := &fakeAsker{confirm: true}
	res, err := Execute(context.Background(), s, kr, plan, ask)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome == nil || !res.Outcome.Success || len(f.submitted) != 1 || kr.unlocks != 1 {
		t.Fatalf("outcome %+v, %d submitted, %d unlocks", res.Outcome, len(f.submitted), kr.unlocks)
	}
	if len(ask.reviewed) != 1 || ask.confirms != 1 || ask.passwords != 1 {
		t.Fatalf("reviewed %d, confirms %d, passwords %d", len(ask.reviewed), ask.confirms, ask.passwords)
	}
	r := ask.reviewed[0]
	// What was shown is decoded from the payload that was signed.
	if r.Prepared.Call == nil || r.Prepared.Call.Pallet != "Balances" || !strings.Contains(r.Title, "1.5 KSM") || r.Key.Name != "alice" {
		t.Fatalf("review %q %+v", r.Title, r.Prepared.Call)
	}
	if r.Prepared.Fee == nil || r.Prepared.Balance == nil || r.Prepared.After == nil {
		t.Fatalf("review lacks fee or balance effect: %+v", r.Prepared)
	}
	if got := fmt.Sprint(ask.statuses); got != "[ready inBlock finalized]" {
		t.Fatalf("statuses %s", got)
	}
}

// TestExecuteDeclined: a declined confirmation signs nothing, asks no
// password and sends nothing.
func TestExecuteDeclined(t *testing.T) {
	f, s, kr, plan := transferFixture(t, DefaultTxOptions())
	ask := &fakeAsker{confirm: false}
	_, err := Execute(context.Background(), s, kr, plan, ask)
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("err %v, want ErrCancelled", err)
	}
	if ask.passwords != 0 || kr.unlocks != 0 || len(f.submitted) != 0 {
		t.Fatalf("declined, yet %d password prompts, %d unlocks, %d sent", ask.passwords, kr.unlocks, len(f.submitted))
	}
}

// TestExecutePasswordCancelled: Ctrl-C at the password prompt (the context
// ends) is a cancellation, with no key unlocked and nothing sent.
func TestExecutePasswordCancelled(t *testing.T) {
	f, s, kr, plan := transferFixture(t, DefaultTxOptions())
	ctx, cancel := context.WithCancel(context.Background())
	ask := &fakeAsker{confirm: true, password: func(ctx context.Context) ([]byte, error) {
		cancel()
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	_, err := Execute(ctx, s, kr, plan, ask)
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("err %v, want ErrCancelled", err)
	}
	if kr.unlocks != 0 || len(f.submitted) != 0 {
		t.Fatalf("cancelled, yet %d unlocks, %d sent", kr.unlocks, len(f.submitted))
	}
}

// TestExecuteCancelledAfterPassword: a context that ends once the password
// was given still sends nothing.
func TestExecuteCancelledAfterPassword(t *testing.T) {
	f, s, kr, plan := transferFixture(t, DefaultTxOptions())
	ctx, cancel := context.WithCancel(context.Background())
	ask := &fakeAsker{confirm: true, password: func(context.Context) ([]byte, error) {
		cancel()
		return []byte("pw"), nil
	}}
	_, err := Execute(ctx, s, kr, plan, ask)
	if !errors.Is(err, ErrCancelled) || len(f.submitted) != 0 {
		t.Fatalf("err %v, %d sent; want ErrCancelled and nothing sent", err, len(f.submitted))
	}
}

func TestExecuteDryRun(t *testing.T) {
	opts := DefaultTxOptions()
	opts.DryRun = true
	f, s, kr, plan := transferFixture(t, opts)
	ask := &fakeAsker{confirm: true}
	res, err := Execute(context.Background(), s, kr, plan, ask)
	if err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || res.Review == nil || ask.confirms != 0 || ask.passwords != 0 || len(f.submitted) != 0 {
		t.Fatalf("dry run: %+v, confirms %d, passwords %d, %d sent", res, ask.confirms, ask.passwords, len(f.submitted))
	}
}

func TestExecuteWrongPassword(t *testing.T) {
	f, s, kr, plan := transferFixture(t, DefaultTxOptions())
	ask := &fakeAsker{confirm: true, password: func(context.Context) ([]byte, error) { return []byte("nope"), nil }}
	_, err := Execute(context.Background(), s, kr, plan, ask)
	if !errors.Is(err, keystore.ErrWrongPassword) || len(f.submitted) != 0 {
		t.Fatalf("err %v, %d sent", err, len(f.submitted))
	}
	if strings.Contains(err.Error(), "nope") {
		t.Fatalf("the password is in the error: %v", err)
	}
}

// TestPlansRejectInput: every plan refuses bad input with an InputError;
// no session exists yet, so nothing can have touched a chain.
func TestPlansRejectInput(t *testing.T) {
	kr := newFakeKeyring(t)
	sg := Signing{From: "alice", Options: DefaultTxOptions()}
	dir := t.TempDir()
	missing, head, empty := filepath.Join(dir, "missing"), filepath.Join(dir, "head"), filepath.Join(dir, "empty")
	if err := os.WriteFile(head, []byte("0x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		plan func() (*Plan, error)
		want string
	}{
		{"transfer amount", func() (*Plan, error) { return PlanTransfer(kr, TransferInput{Signing: sg, To: "bob", Amount: "abc"}) }, "not an amount"},
		{"transfer zero", func() (*Plan, error) { return PlanTransfer(kr, TransferInput{Signing: sg, To: "bob", Amount: "0"}) }, "more than zero"},
		{"transfer negative", func() (*Plan, error) { return PlanTransfer(kr, TransferInput{Signing: sg, To: "bob", Amount: "-1"}) }, "not an amount"},
		{"transfer to", func() (*Plan, error) { return PlanTransfer(kr, TransferInput{Signing: sg, To: "nobody", Amount: "1"}) }, "neither a key name nor an address"},
		{"transfer hex", func() (*Plan, error) { return PlanTransfer(kr, TransferInput{Signing: sg, To: "0x1234", Amount: "1"}) }, "32-byte"},
		{"transfer modes", func() (*Plan, error) {
			return PlanTransfer(kr, TransferInput{Signing: sg, To: "bob", Amount: "1", KeepAlive: true, AllowDeath: true})
		}, "exclude"},
		{"unknown key", func() (*Plan, error) {
			return PlanTransfer(kr, TransferInput{Signing: Signing{From: "nope"}, To: "bob", Amount: "1"})
		}, "no such key"},
		{"no key", func() (*Plan, error) { return PlanTransfer(kr, TransferInput{To: "bob", Amount: "1"}) }, "--from"},
		{"watch-only", func() (*Plan, error) {
			return PlanTransfer(kr, TransferInput{Signing: Signing{From: "eve"}, To: "bob", Amount: "1"})
		}, "watch-only"},
		{"tip", func() (*Plan, error) {
			return PlanTransfer(kr, TransferInput{Signing: Signing{From: "alice", Options: TxOptions{Tip: "lots"}}, To: "bob", Amount: "1"})
		}, "--tip"},
		{"bond amount", func() (*Plan, error) {
			return PlanStakeBond(kr, StakeInput{Signing: sg, Amount: "1.2.3", Payee: "staked"})
		}, "amount"},
		{"bond payee", func() (*Plan, error) {
			return PlanStakeBond(kr, StakeInput{Signing: sg, Amount: "1", Payee: "elsewhere"})
		}, "--payee"},
		{"unbond", func() (*Plan, error) { return PlanStakeUnbond(kr, StakeInput{Signing: sg, Amount: "most"}) }, "amount"},
		{"nominate none", func() (*Plan, error) { return PlanStakeNominate(kr, StakeInput{Signing: sg}) }, "at least one"},
		{"nominate bad", func() (*Plan, error) {
			return PlanStakeNominate(kr, StakeInput{Signing: sg, Targets: []string{"bob", "xyz"}})
		}, "validator 2"},
		{"nominate twice", func() (*Plan, error) {
			return PlanStakeNominate(kr, StakeInput{Signing: sg, Targets: []string{"bob", ss58Of(t, "//Bob")}})
		}, "same validator"},
		{"payout era", func() (*Plan, error) { return PlanStakePayout(kr, StakeInput{Signing: sg, Validator: "bob", Era: "x"}) }, "ERA"},
		{"payout both", func() (*Plan, error) {
			return PlanStakePayout(kr, StakeInput{Signing: sg, Validator: "bob", Era: "1", All: true})
		}, "--all"},
		{"pool id", func() (*Plan, error) { return PlanPoolJoin(kr, PoolInput{Signing: sg, Amount: "1", Pool: "one"}) }, "POOL_ID"},
		{"pool bond-extra", func() (*Plan, error) { return PlanPoolBondExtra(kr, PoolInput{Signing: sg, Amount: "some"}) }, "amount"},
		{"claim attest key", func() (*Plan, error) { return PlanClaimAttest(kr, ClaimAttestInput{Signing: Signing{From: "nope"}}) }, "no such key"},
		{"claim attest watch-only", func() (*Plan, error) { return PlanClaimAttest(kr, ClaimAttestInput{Signing: Signing{From: "eve"}}) }, "watch-only"},
		{"para reserve key", func() (*Plan, error) { return PlanParaReserve(kr, ParaInput{Signing: Signing{From: "nope"}}) }, "no such key"},
		{"para register id", func() (*Plan, error) { return PlanParaRegister(kr, ParaInput{Signing: sg, ID: "x"}) }, "not a number"},
		{"para register head", func() (*Plan, error) { return PlanParaRegister(kr, ParaInput{Signing: sg, ID: "2000"}) }, "--genesis-head FILE is required"},
		{"para register missing file", func() (*Plan, error) {
			return PlanParaRegister(kr, ParaInput{Signing: sg, ID: "2000", GenesisHeadFile: missing, ValidationCodeFile: missing})
		}, "--genesis-head"},
		{"para register empty code", func() (*Plan, error) {
			return PlanParaRegister(kr, ParaInput{Signing: sg, ID: "2000", GenesisHeadFile: head, ValidationCodeFile: empty})
		}, "the file is empty"},
		{"para deregister id", func() (*Plan, error) { return PlanParaDeregister(kr, ParaInput{Signing: sg, ID: "-1"}) }, "not a number"},
		{"contribute id", func() (*Plan, error) {
			return PlanCrowdloanContribute(kr, ParaInput{Signing: sg, ID: "4294967296", Amount: "1"})
		}, "not a number"},
		{"contribute amount", func() (*Plan, error) {
			return PlanCrowdloanContribute(kr, ParaInput{Signing: sg, ID: "2000", Amount: "lots"})
		}, "not an amount"},
		{"contribute zero", func() (*Plan, error) {
			return PlanCrowdloanContribute(kr, ParaInput{Signing: sg, ID: "2000", Amount: "0"})
		}, "more than zero"},
		{"contribute key", func() (*Plan, error) {
			return PlanCrowdloanContribute(kr, ParaInput{Signing: Signing{From: "nope"}, ID: "2000", Amount: "1"})
		}, "no such key"},
		{"withdraw who", func() (*Plan, error) {
			return PlanCrowdloanWithdraw(kr, ParaInput{Signing: sg, ID: "2000", Who: "nobody"})
		}, "WHO"},
		{"refund id", func() (*Plan, error) { return PlanCrowdloanRefund(kr, ParaInput{Signing: sg, ID: "two"}) }, "not a number"},
	} {
		p, err := tc.plan()
		if p != nil || !IsInputError(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: plan %v, err %v; want an InputError with %q", tc.name, p, err, tc.want)
		}
	}
}

// TestClaimSubmitRejectsInput: PlanClaimSubmit refuses bad input with an
// InputError before any session exists.
func TestClaimSubmitRejectsInput(t *testing.T) {
	kr := newFakeKeyring(t)
	sig := "0x" + strings.Repeat("ab", 64) + "1b"
	for _, tc := range []struct {
		name string
		in   ClaimSubmitInput
		want string
	}{
		{"neither", ClaimSubmitInput{To: "bob"}, "give one of"},
		{"both", ClaimSubmitInput{To: "bob", EthSignature: sig, EthKeyFile: "k.json"}, "give one of"},
		{"no to", ClaimSubmitInput{EthSignature: sig}, "--to ADDRESS is required"},
		{"bad hex", ClaimSubmitInput{To: "bob", EthSignature: "0xzz"}, "--eth-signature"},
		{"short", ClaimSubmitInput{To: "bob", EthSignature: "0xabcd"}, "--eth-signature"},
		{"bad to", ClaimSubmitInput{To: "nobody", EthSignature: sig}, "neither a key name nor an address"},
	} {
		p, err := PlanClaimSubmit(kr, tc.in)
		if p != nil || !IsInputError(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: plan %v, err %v; want an InputError with %q", tc.name, p, err, tc.want)
		}
	}
	p, err := PlanClaimSubmit(kr, ClaimSubmitInput{To: "bob", EthKeyFile: "k.json"})
	if err != nil || !p.NeedsKey() || p.To.KeyName != "bob" {
		t.Fatalf("key file: %+v %v", p, err)
	}
	if p, err = PlanClaimSubmit(kr, ClaimSubmitInput{To: "bob", EthSignature: sig}); err != nil || p.NeedsKey() {
		t.Fatalf("signature: %+v %v", p, err)
	}
}

func ss58Of(t *testing.T, uri string) string {
	id := devKey(t, uri).AccountID()
	s := &Session{Token: Token{SS58Prefix: 2}}
	return s.Account(id)
}

func TestCheckAmount(t *testing.T) {
	for text, ok := range map[string]bool{
		"1": true, "1.5": true, "1.5KSM": true, "1.5 DOT": true, "1_000": true, "150planck": true, "0.000000000001": true,
		"": false, "abc": false, "-1": false, "1.5.1": false, "1.5planck": false, "0": false, "KSM": false, "1e3": false,
	} {
		if err := CheckAmount(text, false); (err == nil) != ok {
			t.Errorf("CheckAmount(%q) = %v, want ok %v", text, err, ok)
		}
	}
}
