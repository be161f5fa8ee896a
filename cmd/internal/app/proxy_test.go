package app

import (
	"context"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// put writes pallet.item[keys] = v (value JSON) into the fake's storage.
func (f *fakeChain) put(pallet, item string, v any, keyParts ...any) {
	f.t.Helper()
	e, err := storage.Lookup(f.codec, pallet, item)
	if err != nil {
		f.t.Fatal(err)
	}
	key, err := e.Key(keyParts...)
	if err != nil {
		f.t.Fatal(err)
	}
	b, err := f.codec.Encode(e.Meta.Value, v)
	if err != nil {
		f.t.Fatalf("encode %s.%s: %v", pallet, item, err)
	}
	f.mu.Lock()
	f.storage[hex.EncodeToString(key)] = b
	f.mu.Unlock()
}

// listKeyring is fakeKeyring with address book entries (watch-only, with
// meta) and List.
type listKeyring struct {
	*fakeKeyring
	book map[string]*keystore.Entry
}

func (k *listKeyring) Get(name string) (*keystore.Entry, error) {
	if e, ok := k.book[name]; ok {
		return e, nil
	}
	return k.fakeKeyring.Get(name)
}

func (k *listKeyring) List() ([]*keystore.Entry, error) {
	var out []*keystore.Entry
	for n := range k.pairs {
		e, _ := k.fakeKeyring.Get(n)
		out = append(out, e)
	}
	for _, e := range k.book {
		out = append(out, e)
	}
	return out, nil
}

// addBook adds a watch-only entry whose meta went through JSON, as from disk.
func (k *listKeyring) addBook(t *testing.T, name string, id [32]byte, meta map[string]any) {
	t.Helper()
	f, err := keystore.WatchFile(keys.Sr25519, id[:], meta, 2)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := keystore.ParseFile(b)
	if err != nil {
		t.Fatal(err)
	}
	pf.Meta["name"] = name
	k.book[name] = &keystore.Entry{Name: name, Scheme: keys.Sr25519, PublicKey: id[:], WatchOnly: true, File: pf}
}

func proxyDefs(f *fakeChain, defs ...ProxyDef) any {
	items := []any{}
	for _, d := range defs {
		items = append(items, value.Object{{Name: "delegate", Value: f.codec.FormatAccount(d.Delegate)}, {Name: "proxy_type", Value: d.Type}, {Name: "delay", Value: d.Delay}})
	}
	return []any{items, 1000}
}

// submittedCall decodes the call of the last submitted extrinsic.
func submittedCall(t *testing.T, f *fakeChain, s *Session) (*value.Call, []byte) {
	t.Helper()
	rt, err := s.Latest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	x, err := rt.Format.DecodeBody(f.submitted[len(f.submitted)-1][compactLen(f.submitted[len(f.submitted)-1]):])
	if err != nil {
		t.Fatal(err)
	}
	c, err := rt.Codec.DecodeCall(x.Call)
	if err != nil {
		t.Fatal(err)
	}
	return c, x.Call
}

func compactLen(b []byte) int {
	switch b[0] & 3 {
	case 0:
		return 1
	case 1:
		return 2
	case 2:
		return 4
	}
	return 1 + int(b[0]>>2) + 4
}

func TestActAsProxy(t *testing.T) {
	alice, bob, eve := devKey(t, "//Alice").AccountID(), devKey(t, "//Bob").AccountID(), devKey(t, "//Eve").AccountID()
	cases := []struct {
		name    string
		defs    []ProxyDef
		from    string
		wantErr string
		check   func(t *testing.T, c *value.Call)
	}{
		{name: "any proxy", defs: []ProxyDef{{Delegate: bob, Type: "Staking"}, {Delegate: bob, Type: "Any"}}, from: "bob", check: func(t *testing.T, c *value.Call) {
			if c.Pallet != "Proxy" || c.Name != "proxy" {
				t.Fatalf("outer call %s.%s", c.Pallet, c.Name)
			}
			if ft, _ := c.Args.Get("force_proxy_type"); ft != "Any" {
				t.Fatalf("force_proxy_type %v (Any preferred)", ft)
			}
			real, _ := c.Args.Get("real")
			inner, _ := c.Args.Get("call")
			o, _ := inner.(value.Object)
			ic, err := callOf(o)
			if err != nil || ic.Name != "transfer_keep_alive" || real == nil {
				t.Fatalf("inner %#v real %v", inner, real)
			}
		}},
		{name: "delayed proxy", defs: []ProxyDef{{Delegate: bob, Type: "Any", Delay: 10}}, from: "bob", wantErr: "delay of 10 blocks"},
		{name: "not a proxy", defs: []ProxyDef{{Delegate: eve, Type: "Any"}}, from: "bob", wantErr: "cannot act for"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := proxiedChain(t, ksm(100), ksm(10), tc.defs...)
			s := openFake(t, f, t.TempDir())
			kr := &listKeyring{fakeKeyring: newFakeKeyring(t), book: map[string]*keystore.Entry{}}
			plan, err := PlanTransfer(kr, TransferInput{Signing: Signing{From: tc.from, As: "alice", Options: DefaultTxOptions()}, To: "eve", Amount: "1"})
			if err != nil {
				t.Fatal(err)
			}
			ask := &fakeAsker{confirm: true}
			res, err := Execute(context.Background(), s, kr, plan, ask)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !IsInputError(err) {
					t.Fatalf("err %v, want input error with %q", err, tc.wantErr)
				}
				if len(f.submitted) != 0 {
					t.Fatal("something was submitted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			a := res.Review.Acting
			if a == nil || a.For != alice || a.Inner.Name != "transfer_keep_alive" || len(a.Path) != 1 || a.Path[0].By != bob {
				t.Fatalf("review acting %+v", a)
			}
			if res.Review.Prepared.From != bob || res.Review.Prepared.Spend != nil {
				t.Fatalf("the signer pays only the fee: from %x spend %v", res.Review.Prepared.From, res.Review.Prepared.Spend)
			}
			c, _ := submittedCall(t, f, s)
			tc.check(t, c)
		})
	}
}

// TestActAsBalanceOfActedFor: the amount must be in the account acted
// for, not in the signer's.
func TestActAsBalanceOfActedFor(t *testing.T) {
	bob := devKey(t, "//Bob").AccountID()
	f := proxiedChain(t, ksm(2), ksm(1000), ProxyDef{Delegate: bob, Type: "Any"})
	s := openFake(t, f, t.TempDir())
	kr := &listKeyring{fakeKeyring: newFakeKeyring(t), book: map[string]*keystore.Entry{}}
	_, err := transferToEveAs(t, s, kr, "bob", "alice", "5")
	if !errors.Is(err, ErrInsufficientBalance) || !strings.Contains(err.Error(), "acted for") {
		t.Fatalf("err %v", err)
	}
}

// proxiedChain is a fake chain where Alice (free balance alice) has the
// proxies defs and Bob has free balance bob.
func proxiedChain(t *testing.T, alice, bob *big.Int, defs ...ProxyDef) *fakeChain {
	f := newFakeChain(t, devGenesis)
	f.setAccount(devKey(t, "//Alice").AccountID(), 0, alice, ksm(0), ksm(0))
	f.setAccount(devKey(t, "//Bob").AccountID(), 0, bob, ksm(0), ksm(0))
	f.put("Proxy", "Proxies", proxyDefs(f, defs...), f.codec.FormatAccount(devKey(t, "//Alice").AccountID()))
	return f
}

// transferToEveAs plans a transfer of amount to eve by from acting as as
// and executes it, confirmed.
func transferToEveAs(t *testing.T, s *Session, kr Keyring, from, as, amount string) (*Result, error) {
	t.Helper()
	plan, err := PlanTransfer(kr, TransferInput{Signing: Signing{From: from, As: as, Options: DefaultTxOptions()}, To: "eve", Amount: amount})
	if err != nil {
		t.Fatal(err)
	}
	return Execute(context.Background(), s, kr, plan, &fakeAsker{confirm: true})
}

// TestInnerFailure: a transaction whose Proxy.ProxyExecuted result is an
// error is a failure with that error.
func TestInnerFailure(t *testing.T) {
	bob := devKey(t, "//Bob").AccountID()
	f := proxiedChain(t, ksm(100), ksm(10), ProxyDef{Delegate: bob, Type: "Staking"})
	f.result = func([]byte) ([]any, error) {
		evs := f.successEvents()
		return append(evs, record(1, value.Object{{Name: "Proxy", Value: value.Object{{Name: "ProxyExecuted", Value: value.Object{
			{Name: "result", Value: value.Object{{Name: "Err", Value: value.Object{{Name: "Module", Value: value.Object{{Name: "index", Value: 0}, {Name: "error", Value: "0x05000000"}}}}}}}}}}}})), nil
	}
	s := openFake(t, f, t.TempDir())
	kr := &listKeyring{fakeKeyring: newFakeKeyring(t), book: map[string]*keystore.Entry{}}
	res, err := transferToEveAs(t, s, kr, "bob", "alice", "1")
	if err != nil {
		t.Fatal(err)
	}
	o := res.Outcome
	if o.Success || !o.InnerFailed || o.Error == nil || o.Error.Pallet != "System" || !strings.Contains(o.Error.Docs, "Proxy.ProxyExecuted") {
		t.Fatalf("outcome %+v error %+v", o, o.Error)
	}
}

// multisigFixture: a 2-of-3 multisig of alice, bob and eve in the address
// book, alice and bob funded.
func multisigFixture(t *testing.T) (*fakeChain, *Session, *listKeyring, *Multisig) {
	t.Helper()
	alice, bob, eve := devKey(t, "//Alice").AccountID(), devKey(t, "//Bob").AccountID(), devKey(t, "//Eve").AccountID()
	f := newFakeChain(t, devGenesis)
	f.setAccount(alice, 0, ksm(100), ksm(0), ksm(0))
	f.setAccount(bob, 0, ksm(100), ksm(0), ksm(0))
	ms, err := NewMultisig("treasury", 2, [][32]byte{eve, bob, alice})
	if err != nil {
		t.Fatal(err)
	}
	f.setAccount(ms.Account, 0, ksm(50), ksm(0), ksm(0))
	kr := &listKeyring{fakeKeyring: newFakeKeyring(t), book: map[string]*keystore.Entry{}}
	kr.addBook(t, "treasury", ms.Account, ms.Meta(2))
	return f, openFake(t, f, t.TempDir()), kr, ms
}

func TestMultisigFromEntry(t *testing.T) {
	_, _, kr, ms := multisigFixture(t)
	got, err := ResolveMultisig(kr, "MULTISIG", "treasury")
	if err != nil || got.Account != ms.Account || got.Threshold != 2 || len(got.Signatories) != 3 {
		t.Fatalf("%+v %v", got, err)
	}
	// An entry whose meta does not derive its address is no multisig.
	meta := ms.Meta(2)
	meta["threshold"] = 3
	kr.addBook(t, "forged", ms.Account, meta)
	delete(kr.book, "treasury")
	if _, err := ResolveMultisig(kr, "MULTISIG", "forged"); err == nil {
		t.Fatal("a forged multisig entry was accepted")
	}
	if _, err := NewMultisig("x", 3, [][32]byte{ms.Signatories[0], ms.Signatories[0]}); err == nil {
		t.Fatal("threshold above the signatories accepted")
	}
	if _, err := NewMultisig("x", 1, [][32]byte{ms.Signatories[0], ms.Signatories[0]}); err == nil {
		t.Fatal("a duplicate signatory accepted")
	}
}

// TestActAsMultisig: the first approval carries the call (as_multi without
// a timepoint); with one approval on chain the next is the last and
// carries the call with the runtime's weight.
func TestActAsMultisig(t *testing.T) {
	f, s, kr, ms := multisigFixture(t)
	res, err := transferToEveAs(t, s, kr, "alice", "treasury", "1")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := submittedCall(t, f, s)
	if c.Name != "as_multi" {
		t.Fatalf("first approval %s", c.Name)
	}
	if tp, _ := c.Args.Get("maybe_timepoint"); tp != nil {
		t.Fatalf("first approval timepoint %v", tp)
	}
	if res.Review.Prepared.Spend == nil || res.Review.Prepared.Spend.Sign() <= 0 {
		t.Fatal("the deposit is not counted")
	}
	// The operation is open with alice's approval: bob's is the last.
	inner := res.Review.Acting.InnerCall
	h := calls.CallHash(inner)
	alice := devKey(t, "//Alice").AccountID()
	f.put("Multisig", "Multisigs", value.Object{{Name: "when", Value: value.Object{{Name: "height", Value: 90}, {Name: "index", Value: 1}}},
		{Name: "deposit", Value: 5}, {Name: "depositor", Value: f.codec.FormatAccount(alice)}, {Name: "approvals", Value: []any{f.codec.FormatAccount(alice)}}},
		f.codec.FormatAccount(ms.Account), "0x"+hex.EncodeToString(h[:]))
	// A second proposal by alice: refused, she approved already.
	if _, err := transferToEveAs(t, s, kr, "alice", "treasury", "1"); err == nil || !strings.Contains(err.Error(), "already approved") {
		t.Fatalf("double approval: %v", err)
	}
	// Bob: the runtime's weight is asked for (the fake has no
	// TransactionPaymentCallApi, so it fails saying so).
	if _, err := transferToEveAs(t, s, kr, "bob", "treasury", "1"); err == nil || !strings.Contains(err.Error(), "query_call_info") {
		t.Fatalf("last approval without a weight: %v", err)
	}
}

// rootedChain is the fake with headers that carry extrinsics roots.
type rootedChain struct {
	*fakeChain
	roots map[chainclient.Hash]chainclient.Hash
}

func (r *rootedChain) Header(ctx context.Context, at chainclient.Hash) (*chainclient.Header, error) {
	h, err := r.fakeChain.Header(ctx, at)
	if err == nil {
		h.ExtrinsicsRoot = r.roots[at]
	}
	return h, err
}

// TestProveCallData: the call data of a pending operation comes from the
// block its timepoint names, proven against the extrinsics root; a body
// that does not match or a call with another hash is exit 3.
func TestProveCallData(t *testing.T) {
	f, _, _, ms := multisigFixture(t)
	f.verified = true
	rc := &rootedChain{fakeChain: f, roots: map[chainclient.Hash]chainclient.Hash{}}
	s, err := Open(context.Background(), rc, Options{Home: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	rt, err := s.Latest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := devKey(t, "//Alice").AccountID(), devKey(t, "//Bob").AccountID()
	transfer, _ := rt.Calls.TransferKeepAlive(bob, ksm(3))
	other, _ := rt.Calls.TransferKeepAlive(bob, ksm(4))
	xt := func(call []byte) []byte {
		ext, err := rt.Format.Assemble(call, extrinsic.IDAddress(alice), placeholderSignature("sr25519"), mustExtra(t, rt))
		if err != nil {
			t.Fatal(err)
		}
		return ext
	}
	asMulti := func(call []byte) []byte {
		c, err := rt.Calls.AsMulti(2, ms.Others(alice), nil, call, calls.Weight{})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	h := calls.CallHash(transfer)
	approve, _ := rt.Calls.ApproveAsMulti(2, ms.Others(alice), nil, h, calls.Weight{})
	batch, _ := rt.Calls.BatchAll([][]byte{transfer, asMulti(transfer)})
	block := chainclient.Hash{0, 90, 31: 0xbb}
	cases := []struct {
		name     string
		body     [][]byte
		tamper   bool
		index    uint32
		wantErr  bool
		wantNote string
	}{
		{name: "as_multi", body: [][]byte{{0x04, 0x00}, xt(asMulti(transfer))}, index: 1},
		{name: "nested in a batch", body: [][]byte{{0x04, 0x00}, xt(batch)}, index: 1},
		{name: "approve_as_multi: not on chain", body: [][]byte{{0x04, 0x00}, xt(approve)}, index: 1, wantNote: "approve_as_multi"},
		{name: "body does not match the root", body: [][]byte{{0x04, 0x00}, xt(asMulti(transfer))}, index: 1, tamper: true, wantErr: true},
		{name: "call with another hash", body: [][]byte{{0x04, 0x00}, xt(asMulti(other))}, index: 1, wantErr: true},
		{name: "index beyond the body", body: [][]byte{{0x04, 0x00}}, index: 1, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rc.roots[block] = chainclient.Hash(trie.OrderedRoot(trie.V0, tc.body))
			body := tc.body
			if tc.tamper {
				body = append([][]byte{}, tc.body...)
				body[1] = xt(asMulti(other))
			}
			f.mu.Lock()
			f.bodies[block] = body
			f.mu.Unlock()
			f.put("System", "BlockHash", block.String(), 90)
			op := &MultisigOp{CallHash: h, Height: 90, Index: tc.index}
			err := s.ProveCallData(context.Background(), rt, f.head(), op)
			switch {
			case tc.wantErr:
				if !errors.Is(err, ErrCallData) || !errors.Is(err, ErrVerification) {
					t.Fatalf("err %v, want ErrCallData", err)
				}
			case tc.wantNote != "":
				if err != nil || op.Call != nil || !strings.Contains(op.CallNote, tc.wantNote) {
					t.Fatalf("err %v call %x note %q", err, op.Call, op.CallNote)
				}
			default:
				if err != nil || calls.CallHash(op.Call) != h || op.Decoded.Name != "transfer_keep_alive" || op.BlockHash != block || !op.Proven {
					t.Fatalf("err %v op %+v", err, op)
				}
			}
		})
	}
	// The finalized block itself (System.BlockHash does not hold it yet).
	body := [][]byte{{0x04, 0x00}, xt(asMulti(transfer))}
	rc.roots[f.head()] = chainclient.Hash(trie.OrderedRoot(trie.V0, body))
	f.mu.Lock()
	f.bodies[f.head()] = body
	f.mu.Unlock()
	op := &MultisigOp{CallHash: h, Height: f.number, Index: 1}
	if err := s.ProveCallData(context.Background(), rt, f.head(), op); err != nil || op.Call == nil {
		t.Fatalf("timepoint at the head: %v %q", err, op.CallNote)
	}
	// A timepoint after the head does not verify.
	op = &MultisigOp{CallHash: h, Height: f.number + 1}
	if err := s.ProveCallData(context.Background(), rt, f.head(), op); !errors.Is(err, ErrCallData) {
		t.Fatalf("timepoint after the head: %v", err)
	}
	// Through an endpoint trusted on its word, a body that does not match
	// is not fatal (chopsticks writes a mock root); the call is unproven.
	f.verified = false
	f.mu.Lock()
	f.bodies[f.head()] = [][]byte{{0x04, 0x00}, xt(asMulti(transfer)), {0x04, 0x01}}
	f.mu.Unlock()
	op = &MultisigOp{CallHash: h, Height: f.number, Index: 1}
	if err := s.ProveCallData(context.Background(), rt, f.head(), op); err != nil || op.Call == nil || op.Proven || !strings.Contains(op.CallNote, "not proven") {
		t.Fatalf("trusted endpoint: %v proven %v %q", err, op.Proven, op.CallNote)
	}
	// A timepoint older than System.BlockHash keeps: a note, no error.
	op = &MultisigOp{CallHash: h, Height: 7}
	if err := s.ProveCallData(context.Background(), rt, f.head(), op); err != nil || !strings.Contains(op.CallNote, "older") {
		t.Fatalf("old timepoint: %v %q", err, op.CallNote)
	}
}

func mustExtra(t *testing.T, rt *Runtime) []byte {
	t.Helper()
	p := &extrinsic.Params{SpecVersion: rt.Version.SpecVersion, TxVersion: rt.Version.TransactionVersion, Nonce: 1}
	b, err := rt.Format.AppendExtra(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPlanMultisigApproveCallData: --call-data that does not hash to
// CALLHASH is refused with exit 3 before anything is signed.
func TestPlanMultisigApproveCallData(t *testing.T) {
	f, s, kr, ms := multisigFixture(t)
	rt, _ := s.Latest(context.Background())
	transfer, _ := rt.Calls.TransferKeepAlive(devKey(t, "//Eve").AccountID(), ksm(3))
	other, _ := rt.Calls.TransferKeepAlive(devKey(t, "//Eve").AccountID(), ksm(4))
	h := calls.CallHash(transfer)
	alice := devKey(t, "//Alice").AccountID()
	f.put("Multisig", "Multisigs", value.Object{{Name: "when", Value: value.Object{{Name: "height", Value: 90}, {Name: "index", Value: 1}}},
		{Name: "deposit", Value: 5}, {Name: "depositor", Value: f.codec.FormatAccount(alice)}, {Name: "approvals", Value: []any{f.codec.FormatAccount(alice)}}},
		f.codec.FormatAccount(ms.Account), "0x"+hex.EncodeToString(h[:]))
	plan, err := PlanMultisigApprove(kr, MultisigInput{Signing: Signing{From: "bob", Options: DefaultTxOptions()}, Multisig: "treasury",
		CallHash: "0x" + hex.EncodeToString(h[:]), CallData: "0x" + hex.EncodeToString(other)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Execute(context.Background(), s, kr, plan, &fakeAsker{confirm: true})
	if !errors.Is(err, ErrVerification) || len(f.submitted) != 0 {
		t.Fatalf("err %v, submitted %d", err, len(f.submitted))
	}
	// eve is a signatory but no key that can sign; carol is none at all.
	plan, err = PlanMultisigCancel(kr, MultisigInput{Signing: Signing{From: "bob", Options: DefaultTxOptions()}, Multisig: "treasury", CallHash: "0x" + hex.EncodeToString(h[:])})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Execute(context.Background(), s, kr, plan, &fakeAsker{confirm: true}); err == nil || !strings.Contains(err.Error(), "only the depositor") {
		t.Fatalf("cancel by a non-depositor: %v", err)
	}
}

// TestActAsNested: a multisig that is the Any proxy of a stash: a
// signatory acts for the stash through both (as_multi carrying
// Proxy.proxy(stash, transfer)).
func TestActAsNested(t *testing.T) {
	f, s, kr, ms := multisigFixture(t)
	stash := devKey(t, "//Charlie").AccountID()
	f.setAccount(stash, 0, ksm(40), ksm(0), ksm(0))
	f.put("Proxy", "Proxies", proxyDefs(f, ProxyDef{Delegate: ms.Account, Type: "Any"}), f.codec.FormatAccount(stash))
	res, err := transferToEveAs(t, s, kr, "alice", f.codec.FormatAccount(stash), "1")
	if err != nil {
		t.Fatal(err)
	}
	p := res.Review.Acting.Path
	if len(p) != 2 || p[0].Kind != "proxy" || p[0].By != ms.Account || p[1].Kind != "multisig" || p[1].By != devKey(t, "//Alice").AccountID() {
		t.Fatalf("path %+v", p)
	}
	c, _ := submittedCall(t, f, s)
	inner, _ := c.Args.Get("call")
	o, _ := inner.(value.Object)
	ic, err := callOf(o)
	if c.Name != "as_multi" || err != nil || ic.Pallet != "Proxy" || ic.Name != "proxy" {
		t.Fatalf("outer %s.%s inner %v", c.Pallet, c.Name, inner)
	}
}

// TestProxyList: who may act for an account (one read) and whom it may
// act for among the accounts ksm knows, and the multisigs it signs for.
func TestProxyList(t *testing.T) {
	f, s, kr, ms := multisigFixture(t)
	alice, bob := devKey(t, "//Alice").AccountID(), devKey(t, "//Bob").AccountID()
	f.put("Proxy", "Proxies", proxyDefs(f, ProxyDef{Delegate: bob, Type: "Staking", Delay: 3}), f.codec.FormatAccount(alice))
	stranger := [32]byte{7}
	f.put("Proxy", "Proxies", proxyDefs(f, ProxyDef{Delegate: bob, Type: "Any"}), f.codec.FormatAccount(stranger))
	r, err := s.ProxyList(context.Background(), kr, bob, [][32]byte{stranger})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Proxies) != 0 || len(r.ActsFor) != 2 || len(r.SignatoryOf) != 1 || r.SignatoryOf[0].Account != ms.Account {
		t.Fatalf("%+v", r)
	}
	got := map[[32]byte]ActsFor{}
	for _, a := range r.ActsFor {
		got[a.Real] = a
	}
	if got[alice].Type != "Staking" || got[alice].Delay != 3 || got[alice].Name != "alice" || got[stranger].Type != "Any" {
		t.Fatalf("actsFor %+v", r.ActsFor)
	}
	r, err = s.ProxyList(context.Background(), kr, alice, nil)
	if err != nil || len(r.Proxies) != 1 || r.Proxies[0].Delegate != bob || r.Deposit.Int64() != 1000 {
		t.Fatalf("proxies of alice: %+v %v", r, err)
	}
}
