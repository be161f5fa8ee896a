package calls

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"testing"

	"github.com/ksm-wallet/ksm/tx/scale"
)

func govU128(v *big.Int) []byte {
	b, err := scale.AppendUint(nil, v, 16)
	if err != nil {
		panic(err)
	}
	return b
}

func govCompactBig(v *big.Int) []byte {
	b, err := scale.AppendCompactBig(nil, v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestGovClaimsRegistrarCallsBytes(t *testing.T) {
	// The real Kusama relay metadata v15 (spec 1_009_002) has ConvictionVoting,
	// Claims, Registrar and Crowdloan.
	b := coreBuilder(t, "kusama-v15-spec1009002.scale")
	head := func(pallet, name string) []byte { return callIndex(t, b, pallet, name) }
	alice, _ := hex.DecodeString("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
	var aliceID [32]byte
	copy(aliceID[:], alice)
	one := big.NewInt(1_000_000_000_000)
	two := big.NewInt(2_000_000_000_000)
	class := uint16(30)
	var sig [65]byte
	for i := range sig {
		sig[i] = byte(i)
	}
	eth := [20]byte{0xaa, 0xbb}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	multiID := append([]byte{0}, alice...) // MultiAddress::Id
	cases := []struct {
		name  string
		build func() ([]byte, error)
		want  []byte
	}{
		// AccountVote::Standard (0) { vote: aye | Locked2x = 0x82, balance }.
		{"vote standard", func() ([]byte, error) {
			return b.Vote(7, AccountVote{Kind: "Standard", Aye: true, Conviction: "Locked2x", Balance: one})
		}, cat(head("ConvictionVoting", "vote"), scale.AppendCompact(nil, 7), []byte{0, 0x82}, govU128(one))},
		{"vote nay none", func() ([]byte, error) {
			return b.Vote(7, AccountVote{Kind: "Standard", Aye: false, Conviction: "None", Balance: one})
		}, cat(head("ConvictionVoting", "vote"), scale.AppendCompact(nil, 7), []byte{0, 0x00}, govU128(one))},
		// Split (1) { aye, nay }.
		{"vote split", func() ([]byte, error) {
			return b.Vote(300, AccountVote{Kind: "Split", AyeBal: two, NayBal: one})
		}, cat(head("ConvictionVoting", "vote"), scale.AppendCompact(nil, 300), []byte{1}, govU128(two), govU128(one))},
		// SplitAbstain (2) { aye, nay, abstain }.
		{"vote split abstain", func() ([]byte, error) {
			return b.Vote(1, AccountVote{Kind: "SplitAbstain", AyeBal: one, AbstainBal: two})
		}, cat(head("ConvictionVoting", "vote"), scale.AppendCompact(nil, 1), []byte{2}, govU128(one), govU128(new(big.Int)), govU128(two))},
		{"remove vote with class", func() ([]byte, error) { return b.RemoveVote(&class, 9) },
			cat(head("ConvictionVoting", "remove_vote"), []byte{1, 30, 0}, scale.AppendU32(nil, 9))},
		{"remove vote without class", func() ([]byte, error) { return b.RemoveVote(nil, 9) },
			cat(head("ConvictionVoting", "remove_vote"), []byte{0}, scale.AppendU32(nil, 9))},
		{"delegate", func() ([]byte, error) { return b.Delegate(30, aliceID, "Locked1x", one) },
			cat(head("ConvictionVoting", "delegate"), []byte{30, 0}, multiID, []byte{1}, govU128(one))},
		{"undelegate", func() ([]byte, error) { return b.Undelegate(30) },
			cat(head("ConvictionVoting", "undelegate"), []byte{30, 0})},
		{"unlock", func() ([]byte, error) { return b.Unlock(30, aliceID) },
			cat(head("ConvictionVoting", "unlock"), []byte{30, 0}, multiID)},
		{"claim", func() ([]byte, error) { return b.Claim(aliceID, sig) },
			cat(head("Claims", "claim"), alice, sig[:])},
		{"claim attest", func() ([]byte, error) { return b.ClaimAttest(aliceID, sig, []byte("abc")) },
			cat(head("Claims", "claim_attest"), alice, sig[:], []byte{12}, []byte("abc"))},
		{"attest", func() ([]byte, error) { return b.Attest([]byte("abc")) },
			cat(head("Claims", "attest"), []byte{12}, []byte("abc"))},
		// mint_claim(who, value, Some((locked, per_block, start)), Some(Saft = 1)).
		{"mint claim", func() ([]byte, error) {
			return b.MintClaim(eth, one, &Vesting{Locked: one, PerBlock: big.NewInt(5), StartingBlock: 10}, "Saft")
		}, cat(head("Claims", "mint_claim"), eth[:], govU128(one), []byte{1}, govU128(one), govU128(big.NewInt(5)), scale.AppendU32(nil, 10), []byte{1, 1})},
		{"reserve", func() ([]byte, error) { return b.Reserve() }, head("Registrar", "reserve")},
		{"register", func() ([]byte, error) { return b.Register(2000, []byte{1, 2}, []byte{3}) },
			cat(head("Registrar", "register"), scale.AppendU32(nil, 2000), []byte{8, 1, 2}, []byte{4, 3})},
		{"deregister", func() ([]byte, error) { return b.Deregister(2000) },
			cat(head("Registrar", "deregister"), scale.AppendU32(nil, 2000))},
		{"contribute", func() ([]byte, error) { return b.Contribute(2000, one) },
			cat(head("Crowdloan", "contribute"), scale.AppendCompact(nil, 2000), govCompactBig(one), []byte{0})},
		{"refund", func() ([]byte, error) { return b.Refund(2000) },
			cat(head("Crowdloan", "refund"), scale.AppendCompact(nil, 2000))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("got  %x\nwant %x", got, tc.want)
			}
			// The codec decodes it back to the named call.
			if _, err := b.Codec().DecodeCall(got); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestParseConviction(t *testing.T) {
	for in, want := range map[string]string{"none": "None", "0.1x": "None", "1x": "Locked1x", "6x": "Locked6x", "Locked3x": "Locked3x", "4": "Locked4x"} {
		if got, err := ParseConviction(in); err != nil || got != want {
			t.Fatalf("%q: %q %v", in, got, err)
		}
	}
	for _, in := range []string{"7x", "x", "locked", "-1"} {
		if _, err := ParseConviction(in); err == nil {
			t.Fatalf("%q accepted", in)
		}
	}
	if ConvictionMultiplier("None") != 1 || ConvictionMultiplier("Locked6x") != 60 {
		t.Fatal("multipliers")
	}
	if _, err := (AccountVote{Kind: "Weird"}).Value(); err == nil {
		t.Fatal("unknown vote kind accepted")
	}
}
