package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// fakeBackend serves fixed app data; Run walks the asker like app.Execute.
type fakeBackend struct {
	keys []Key
	err  error

	mu        sync.Mutex
	ran       []Action
	passwords []string
	sent      int
	copied    []string
	removed   []string
	created   map[string]string
	// release, when set, holds Run before it sends (after the password).
	release chan struct{}
	done    chan struct{}
}

var (
	aliceAddr   = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	charlieAddr = "Fr4NzY1udSFFLzb2R3qxVQkwz9cZraWkyfH4h3mVVk7BK7P"
	valAddr     = "GsvVmjr1CBHwQHw84pPHMDxgNY3iBLz6Qn7qS3CH8qPhrHz"
)

func newFake() *fakeBackend {
	keys := []Key{
		{Name: "alice", Scheme: "sr25519", PublicKey: "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", Address: aliceAddr},
		{Name: "charlie", Scheme: "sr25519", PublicKey: "0x90b5ab205c6974c9ea841be688864633dc9ca8a357843eeacf2314649965fe22", Address: charlieAddr},
		{Name: "watch", Scheme: "sr25519", PublicKey: "0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48", Address: "FoQJpPyadYccjavVdTWxpxU7rUEaYhfLCPwXgkfD6Zat9QP", WatchOnly: true},
		{Name: "eth", Scheme: "ethereum", PublicKey: "0x02" + strings.Repeat("11", 32), Address: "0x3a9B2f6F8c1E4e2eE7b3B2E4c8b4BA1DC6a3C9F0"},
	}
	return &fakeBackend{keys: keys, created: map[string]string{}}
}

// manyKeys has n keys (a list longer than the screen).
func manyKeys(n int) *fakeBackend {
	f := newFake()
	for i := 3; i < n; i++ {
		f.keys = append(f.keys, Key{Name: fmt.Sprintf("key%02d", i), Scheme: "ed25519", Address: aliceAddr})
	}
	return f
}

var fakeHeader = Header{
	Network: "kusama", Peers: 8, Mode: "p2p", CheckpointAge: 3 * 24 * time.Hour,
	Chains: []Chain{{Name: "Kusama", Block: 30123456, Verified: true}, {Name: "Asset Hub", Block: 10987654, Verified: true}},
}

func (f *fakeBackend) Keys(context.Context) ([]Key, error) { return f.keys, f.err }

func (f *fakeBackend) Connect(ctx context.Context, progress func(Progress)) (Header, error) {
	progress(Progress{Sync: &Sync{Start: 30000000, Done: 30100000, Target: 30123456}})
	return fakeHeader, nil
}

func (f *fakeBackend) Header(context.Context) (Header, error) { return fakeHeader, nil }

func (f *fakeBackend) Balances(_ context.Context, keys []Key) ([]Account, error) {
	var out []Account
	for _, k := range keys {
		out = append(out, fakeAccount(k))
	}
	return out, nil
}

func fakeAccount(k Key) Account {
	return Account{Key: k, Total: "12.5 KSM", Balances: []ChainBalance{
		{Chain: "Kusama", Block: 30123456, Verified: true, Free: "2.5 KSM", Transferable: "2.4 KSM", Reserved: "0.1 KSM", Frozen: "0 KSM"},
		{Chain: "Asset Hub", Block: 10987654, Verified: true, Free: "10 KSM", Transferable: "1 KSM", Reserved: "0 KSM", Frozen: "9 KSM", Locks: []string{"staking 9 KSM (all)"}},
	}}
}

var fakeStaking = &Staking{
	Chain: "Asset Hub", Block: 10987654, Verified: true, Bonded: true, Stash: aliceAddr, Controller: aliceAddr,
	Total: "9 KSM", Active: "7 KSM", Withdrawable: "1 KSM", Payee: "Staked", Pending: "0.0123 KSM (2 eras)",
	CurrentEra: 8123, ActiveEra: 8122,
	Unlocking:   []Unlocking{{Amount: "1 KSM", Era: 8120, Withdrawable: true}, {Amount: "1 KSM", Era: 8150, When: "in 7 days 1 h (Dec 13 10:00 UTC)"}},
	Nominations: []Nomination{{Validator: valAddr, Commission: "5.00%", State: "active"}, {Validator: charlieAddr, Commission: "100.00%", State: "waiting", Blocked: true}},
}

func (f *fakeBackend) Staking(context.Context, Key) (*Staking, error) { return fakeStaking, nil }

func (f *fakeBackend) Validators(context.Context) ([]Validator, error) {
	var v []Validator
	for i := 0; i < 30; i++ {
		v = append(v, Validator{Address: fmt.Sprintf("%s%02d", valAddr[:len(valAddr)-2], i), Commission: uint64(i%7) * 10_000_000,
			OwnStake: float64(i * 10), TotalStake: float64(1000 - i), OwnText: fmt.Sprintf("%d KSM", i*10), TotalText: fmt.Sprintf("%d KSM", 1000-i),
			Points: uint32(i * 20), Blocked: i == 3, Oversubscribed: i == 5, Elected: i%2 == 0, Verified: true,
			Nominators: 100 + i, Rewarded: 512})
		if i == 5 {
			v[i].Nominators = 700
		}
	}
	return v, nil
}

func (f *fakeBackend) Referenda(context.Context) ([]Referendum, error) {
	var r []Referendum
	for i := 0; i < 25; i++ {
		r = append(r, Referendum{Index: uint32(500 + i), Track: "referendum_killer", Phase: "deciding", Ayes: "1,000 KSM", Nays: "10 KSM",
			Approval: "99.0%", NeedApproval: "75.2%", Support: "0.51%", NeedSupport: "0.32%", Passing: i%2 == 0, TimeLeft: "2 days 3 h",
			Proposal: "Referenda.kill {\n  \"index\": 499\n}", Verified: true})
	}
	r[0].Track = "root"
	return r, nil
}

func (f *fakeBackend) Claim(_ context.Context, eth string, _ Key) (*Claim, error) {
	return &Claim{EthAddress: eth, Verified: true, Lines: []string{"  claimable 100 KSM (vesting 10 KSM)", "  statement: Regular"},
		Message: "Pay KSMs to the Kusama account:d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"}, nil
}

func (f *fakeBackend) Paras(_ context.Context, ids []uint32) ([]Para, error) {
	var p []Para
	for _, id := range ids {
		p = append(p, Para{ID: id, Verified: true, Lines: []string{"  manager " + aliceAddr, "  lifecycle Parathread, deposit 40 KSM"}})
	}
	return p, nil
}

func (f *fakeBackend) MyParas(_ context.Context, keys []Key) ([]Para, error) {
	return []Para{{ID: 2114, Verified: true, Lines: []string{"  manager " + aliceAddr + " (alice)", "  deposit 40 KSM", "  lifecycle Onboarding"}}}, nil
}

var multisigAddr = "HFXXfXavDuKhLLBhFQTat2aaRQ5CMMw9mwswHzWi76m6iLt"

func (f *fakeBackend) Relations(_ context.Context, k Key) ([]Relations, error) {
	return []Relations{
		{Chain: "Kusama", Block: 30123456, Verified: true, Checked: 4},
		{Chain: "Asset Hub", Block: 10987654, Verified: true, Checked: 4, Deposit: "0.02 KSM",
			Proxies:   []Proxy{{Account: charlieAddr, Name: "charlie", Type: "Staking"}, {Account: valAddr, Type: "Any", Delay: 100}},
			ActsFor:   []Proxy{{Account: "FoQJpPyadYccjavVdTWxpxU7rUEaYhfLCPwXgkfD6Zat9QP", Name: "watch", Type: "Governance"}},
			Multisigs: []Multisig{{Name: "treasury", Address: multisigAddr, Threshold: 2, Signatories: 3, Pending: 1}}},
	}, nil
}

var fakeRewards = &Rewards{Chain: "Asset Hub", Block: 10987654, Verified: true, Total: "0.0123 KSM", Eras: []Reward{
	{Validator: valAddr, Era: 8120, Page: "0", Amount: "0.0061 KSM"},
	{Validator: valAddr, Era: 8121, Page: "1", Amount: "0.0062 KSM"},
}}

func (f *fakeBackend) Rewards(context.Context, Key) (*Rewards, error) { return fakeRewards, nil }

func (f *fakeBackend) Activity(context.Context) ([]Tx, error) {
	return []Tx{{When: "09:00", Chain: "Kusama", Account: "alice", Nonce: 7, Hash: "0x" + strings.Repeat("ab", 32), Status: "pending"}}, nil
}

var fakeReview = Review{
	Title: "Transfer 1.5 KSM to charlie", From: aliceAddr + " (key alice)", Chain: "Kusama (kusama 1006000)",
	Call: "{\n  \"pallet\": \"Balances\",\n  \"call\": \"transfer_keep_alive\",\n  \"args\": {\n    \"dest\": \"" + charlieAddr + "\",\n    \"value\": 1500000000000\n  }\n}",
	Fee:  "about 0.000104 KSM", Before: "2.5 KSM free", After: "about 0.999896 KSM", DryRun: "succeeds",
	Warnings: []string{"the recipient has no account yet"}, Verified: true,
}

func (f *fakeBackend) Run(ctx context.Context, a Action, ask Asker) (*Result, error) {
	f.mu.Lock()
	f.ran = append(f.ran, a)
	done := f.done
	f.mu.Unlock()
	if done != nil {
		defer close(done)
	}
	ask.Warn("checkpoint is 3 days old")
	review, signer := fakeReview, a.From
	if a.Verb == "claim" {
		// Unsigned: a password only for a ksm-held Ethereum key.
		review, signer = fakeClaimReview, a.Fields["ethkey"]
		if a.Fields["signature"] != "" {
			signer = ""
		}
	}
	ask.Reviewed(review)
	ok, err := ask.Confirm(ctx, review)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("cancelled: the transaction was not signed")
	}
	if signer != "" {
		pw, err := ask.Password(ctx, signer)
		if err != nil {
			return nil, fmt.Errorf("cancelled: %w", err)
		}
		f.mu.Lock()
		f.passwords = append(f.passwords, signer+":"+string(pw))
		f.mu.Unlock()
	}
	if f.release != nil {
		select {
		case <-f.release:
		case <-ctx.Done():
		}
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("cancelled before sending: %w", ctx.Err())
	}
	f.mu.Lock()
	f.sent++
	f.mu.Unlock()
	ask.Status("ready")
	ask.Status("in block #30123457")
	if a.Fields["amount"] == "999" {
		return &Result{Success: false, Verified: true, Hash: "0x" + strings.Repeat("cd", 32),
			Lines: []string{"Balances.InsufficientBalance: Balance too low to send value."}}, nil
	}
	return &Result{Success: true, Verified: true, Hash: "0x" + strings.Repeat("cd", 32), Lines: []string{"in block #30123457", "Balances.Transfer"}}, nil
}

func (f *fakeBackend) NewMnemonic() (string, error) {
	return "legal winner thank year wave sausage worth useful legal winner thank yellow", nil
}

func (f *fakeBackend) CreateKey(_ context.Context, name, mnemonic string, _ []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.created[name] = mnemonic
	return nil
}

func (f *fakeBackend) ImportKey(context.Context, string, string, []byte) error { return nil }
func (f *fakeBackend) RenameKey(context.Context, string, string) error         { return nil }

func (f *fakeBackend) RemoveKey(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removed = append(f.removed, name)
	return nil
}

func (f *fakeBackend) Copy(text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.copied = append(f.copied, text)
	return nil
}

// runDone is closed when a Run of the fake ends (set before the run).
func (f *fakeBackend) withDone() chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.done = make(chan struct{})
	return f.done
}

var fakeClaimReview = Review{
	Title: "Claim 100 KSM of 0x3a9B2f6F8c1E4e2eE7b3B2E4c8b4BA1DC6a3C9F0 to " + aliceAddr, Chain: "Kusama (kusama 1006000)",
	Details: "Statement: Regular (https://statement.polkadot.network/regular.html)",
	Call:    "{\n  \"pallet\": \"Claims\",\n  \"call\": \"claim_attest\",\n  \"args\": {\n    \"dest\": \"" + aliceAddr + "\"\n  }\n}",
	Fee:     "none (unsigned)", Verified: true, Unsigned: true, Question: "Submit this claim?",
}
