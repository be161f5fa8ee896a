package calls_test

import (
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/tx/value"
)

var (
	buildersMu sync.Mutex
	builders   = map[string]*calls.Builder{}
)

// builder loads a metadata file of ../shared/testdata/metadata once.
func builder(t *testing.T, name string) *calls.Builder {
	t.Helper()
	buildersMu.Lock()
	defer buildersMu.Unlock()
	if b := builders[name]; b != nil {
		return b
	}
	md, err := metadata.Decode(testenv.ReadShared(t, "metadata", name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b := calls.New(value.New(md, 2))
	builders[name] = b
	return b
}

// Alice's and Bob's account ids (//Alice, //Bob of the dev phrase).
var (
	alice = mustID("0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
	bob   = mustID("0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48")
)

func mustID(h string) [32]byte {
	var id [32]byte
	for i := range id {
		var x byte
		for _, c := range h[2+2*i : 4+2*i] {
			x <<= 4
			if c >= 'a' {
				x |= byte(c-'a') + 10
			} else {
				x |= byte(c - '0')
			}
		}
		id[i] = x
	}
	return id
}

// decoded returns the call's pallet.name and its arguments as JSON.
func decoded(t *testing.T, b *calls.Builder, call []byte) (string, string) {
	t.Helper()
	c, err := b.Codec().DecodeCall(call)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	j, err := json.Marshal(c.Args)
	if err != nil {
		t.Fatal(err)
	}
	return c.Pallet + "." + c.Name, string(j)
}

const (
	spec9370 = "kusama-v14-spec9370.scale"
	spec1003 = "kusama-v14-spec1003000.scale"
	spec1009 = "kusama-v15-spec1009002.scale"
	dot2000  = "polkadot-v15-spec2000000.scale"
)

func TestStakingCallsAcrossRuntimes(t *testing.T) {
	amount := big.NewInt(1_500_000_000_000)
	aliceAddr := builder(t, spec1009).Codec().FormatAccount(alice)
	bobAddr := builder(t, spec1009).Codec().FormatAccount(bob)
	tests := []struct {
		meta  string
		build func(b *calls.Builder) ([]byte, error)
		name  string
		args  string // JSON of the decoded arguments
	}{
		// bond lost its controller argument (polkadot-sdk #1.0 "controller deprecation").
		{spec9370, func(b *calls.Builder) ([]byte, error) { return b.Bond(alice, amount, calls.Payee{Kind: "Staked"}) },
			"Staking.bond", `{"controller":{"Id":"` + aliceAddr + `"},"value":1500000000000,"payee":"Staked"}`},
		{spec1003, func(b *calls.Builder) ([]byte, error) { return b.Bond(alice, amount, calls.Payee{Kind: "Stash"}) },
			"Staking.bond", `{"value":1500000000000,"payee":"Stash"}`},
		{spec1009, func(b *calls.Builder) ([]byte, error) {
			return b.Bond(alice, amount, calls.Payee{Kind: "Account", Account: bobAddr})
		},
			"Staking.bond", `{"value":1500000000000,"payee":{"Account":"` + bobAddr + `"}}`},
		{spec9370, func(b *calls.Builder) ([]byte, error) { return b.BondExtra(amount) },
			"Staking.bond_extra", `{"max_additional":1500000000000}`},
		{spec1009, func(b *calls.Builder) ([]byte, error) { return b.Unbond(amount) },
			"Staking.unbond", `{"value":1500000000000}`},
		{spec1009, func(b *calls.Builder) ([]byte, error) { return b.Rebond(amount) },
			"Staking.rebond", `{"value":1500000000000}`},
		{spec9370, func(b *calls.Builder) ([]byte, error) { return b.WithdrawUnbonded(3) },
			"Staking.withdraw_unbonded", `{"num_slashing_spans":3}`},
		{spec1009, func(b *calls.Builder) ([]byte, error) { return b.WithdrawUnbonded(0) },
			"Staking.withdraw_unbonded", `{"num_slashing_spans":0}`},
		{spec1009, func(b *calls.Builder) ([]byte, error) { return b.Nominate([][32]byte{alice, bob}) },
			"Staking.nominate", `{"targets":[{"Id":"` + aliceAddr + `"},{"Id":"` + bobAddr + `"}]}`},
		{spec9370, func(b *calls.Builder) ([]byte, error) { return b.Chill() }, "Staking.chill", `{}`},
		{spec9370, func(b *calls.Builder) ([]byte, error) { return b.SetPayee(calls.Payee{Kind: "Controller"}) },
			"Staking.set_payee", `{"payee":"Controller"}`},
		{spec1009, func(b *calls.Builder) ([]byte, error) { return b.SetPayee(calls.Payee{Kind: "None"}) },
			"Staking.set_payee", `{"payee":"None"}`},
		{spec9370, func(b *calls.Builder) ([]byte, error) { return b.PayoutStakers(bob, 6000, nil) },
			"Staking.payout_stakers", `{"validator_stash":"` + bobAddr + `","era":6000}`},
		{spec1009, func(b *calls.Builder) ([]byte, error) { p := uint32(1); return b.PayoutStakers(bob, 6000, &p) },
			"Staking.payout_stakers_by_page", `{"validator_stash":"` + bobAddr + `","era":6000,"page":1}`},
		{spec9370, func(b *calls.Builder) ([]byte, error) { p := uint32(1); return b.PayoutStakers(bob, 6000, &p) },
			"Staking.payout_stakers", `{"validator_stash":"` + bobAddr + `","era":6000}`},
		// Pools.
		{spec1009, func(b *calls.Builder) ([]byte, error) { return b.PoolJoin(amount, 7) },
			"NominationPools.join", `{"amount":1500000000000,"pool_id":7}`},
		{spec1009, func(b *calls.Builder) ([]byte, error) { return b.PoolBondExtra(amount) },
			"NominationPools.bond_extra", `{"extra":{"FreeBalance":1500000000000}}`},
		{spec9370, func(b *calls.Builder) ([]byte, error) { return b.PoolBondExtra(nil) },
			"NominationPools.bond_extra", `{"extra":"Rewards"}`},
		{dot2000, func(b *calls.Builder) ([]byte, error) { return b.PoolClaimPayout() },
			"NominationPools.claim_payout", `{}`},
		{spec1009, func(b *calls.Builder) ([]byte, error) { return b.PoolUnbond(bob, amount) },
			"NominationPools.unbond", `{"member_account":{"Id":"` + bobAddr + `"},"unbonding_points":1500000000000}`},
		{spec1009, func(b *calls.Builder) ([]byte, error) { return b.PoolWithdrawUnbonded(bob, 2) },
			"NominationPools.withdraw_unbonded", `{"member_account":{"Id":"` + bobAddr + `"},"num_slashing_spans":2}`},
		{spec1009, func(b *calls.Builder) ([]byte, error) { return b.PoolCreate(amount, alice, alice, alice) },
			"NominationPools.create", `{"amount":1500000000000,"root":{"Id":"` + aliceAddr + `"},"nominator":{"Id":"` + aliceAddr + `"},"bouncer":{"Id":"` + aliceAddr + `"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.meta+"/"+tc.name, func(t *testing.T) {
			b := builder(t, tc.meta)
			call, err := tc.build(b)
			if err != nil {
				t.Fatal(err)
			}
			name, args := decoded(t, b, call)
			if name != tc.name || args != tc.args {
				t.Errorf("got %s %s\nwant %s %s", name, args, tc.name, tc.args)
			}
			// The call re-encodes to the same bytes from its decoded form.
			c, _ := b.Codec().DecodeCall(call)
			again, err := b.Codec().EncodeCall(c)
			if err != nil || string(again) != string(call) {
				t.Errorf("re-encode: %x, %v; want %x", again, err, call)
			}
		})
	}
}

func TestPayeeVariants(t *testing.T) {
	tests := []struct {
		meta string
		want string
	}{
		{spec9370, "Staked,Stash,Controller,Account,None"},
		{spec1009, "Staked,Stash,Controller,Account,None"},
	}
	for _, tc := range tests {
		vs, err := builder(t, tc.meta).PayeeVariants()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(vs, ","); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.meta, got, tc.want)
		}
	}
}

func TestParsePayee(t *testing.T) {
	tests := []struct {
		in   string
		want calls.Payee
		bad  bool
	}{
		{"staked", calls.Payee{Kind: "Staked"}, false},
		{"Stash", calls.Payee{Kind: "Stash"}, false},
		{"none", calls.Payee{Kind: "None"}, false},
		{"controller", calls.Payee{Kind: "Controller"}, false},
		{"account:HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F", calls.Payee{Kind: "Account", Account: "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"}, false},
		{"account:", calls.Payee{}, true},
		{"everywhere", calls.Payee{}, true},
	}
	for _, tc := range tests {
		got, err := calls.ParsePayee(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("ParsePayee(%q) = %+v, %v", tc.in, got, err)
		}
		if err == nil {
			if back, _ := calls.ParsePayee(got.String()); back != got {
				t.Errorf("round trip of %q: %+v", tc.in, back)
			}
		}
	}
}

func TestPayeeRefusedWhenRuntimeLacksIt(t *testing.T) {
	b := builder(t, spec1009)
	_, err := b.SetPayee(calls.Payee{Kind: "Account", Account: "not-an-address"})
	if err == nil {
		t.Fatal("a bad payee address was accepted")
	}
	_, err = b.SetPayee(calls.Payee{Kind: "Elsewhere"})
	if !errors.Is(err, calls.ErrArgs) || !strings.Contains(err.Error(), "staked") {
		t.Fatalf("unknown payee kind: %v", err)
	}
}

func TestPoolAccount(t *testing.T) {
	// Pool 1's bonded account as the Kusama runtime itself names it: the
	// stash of the Staking.Unbonded event of a NominationPools.unbond in
	// pool 1 on kusama-local (spec 1000000), SS58 prefix 2.
	const wantBonded = "F3opxRbN5ZavB4LTn2FZim9tPCHyvapGAAZzdDp5pzfg3sy"
	for _, meta := range []string{spec9370, spec1009} {
		b := builder(t, meta)
		bonded, err := b.PoolAccount(calls.PoolBonded, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := b.Codec().FormatAccount(bonded); got != wantBonded {
			t.Errorf("%s: pool 1 bonded account %s, want %s", meta, got, wantBonded)
		}
		reward, err := b.PoolAccount(calls.PoolReward, 1)
		if err != nil {
			t.Fatal(err)
		}
		if reward == bonded || reward[12] != 1 || string(reward[:12]) != "modlpy/nopls" {
			t.Errorf("reward account %x", reward)
		}
		other, _ := b.PoolAccount(calls.PoolBonded, 0x01020304)
		if hexOf(other[13:17]) != "0x04030201" {
			t.Errorf("pool id not little-endian: %x", other)
		}
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := []byte("0x")
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
