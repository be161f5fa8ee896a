package app

import (
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"math/big"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/tx/value"
)

// runtimeOf is a Runtime over a metadata file of ../shared/testdata
// (Kusama's SS58 prefix).
func runtimeOf(t testing.TB, name string) *Runtime {
	t.Helper()
	md, err := metadata.Decode(testenv.ReadShared(t, "metadata", name))
	if err != nil {
		t.Fatal(err)
	}
	format, err := extrinsic.New(md)
	if err != nil {
		t.Fatal(err)
	}
	c := value.New(md, 2)
	return &Runtime{Meta: md, Format: format, Codec: c, Calls: calls.New(c)}
}

func TestEraLength(t *testing.T) {
	tests := []struct {
		meta string
		want time.Duration
	}{
		// Kusama: 6 sessions of 600 blocks of 6 s (the types-support dev
		// builds keep the production BABE constants for Kusama).
		{"kusama-v14-spec9370.scale", 6 * time.Hour},
		{"kusama-v15-spec1009002.scale", 6 * time.Hour},
		// Polkadot: 6 sessions of 2400 blocks of 6 s.
		{"polkadot-v15-spec2000000.scale", 24 * time.Hour},
	}
	for _, tc := range tests {
		rt := runtimeOf(t, tc.meta)
		if got := EraLength(rt); got != tc.want {
			t.Errorf("%s: era %v, want %v", tc.meta, got, tc.want)
		}
	}
}

func TestMaxNominationsConstant(t *testing.T) {
	// spec 9370 still has the Staking.MaxNominations constant (24); no
	// chain is asked then.
	rt := runtimeOf(t, "kusama-v14-spec9370.scale")
	s := &Session{}
	n, src, err := s.MaxNominations(t.Context(), rt, [32]byte{}, big.NewInt(1))
	if err != nil || n != 24 || src != "Staking.MaxNominations" {
		t.Fatalf("MaxNominations = %d, %q, %v", n, src, err)
	}
	// Newer runtimes dropped it (the limit comes from StakingApi_nominations_quota).
	if _, ok := constU64(runtimeOf(t, "kusama-v15-spec1009002.scale"), "Staking", "MaxNominations"); ok {
		t.Fatal("spec 1009002 unexpectedly has Staking.MaxNominations")
	}
}

func TestPairsAndPayeeText(t *testing.T) {
	list := pairs([]any{[]any{"a", 1}, []any{"b", 2}, "junk"})
	if len(list) != 2 || list[1][0] != "b" {
		t.Fatalf("pairs of a list: %v", list)
	}
	obj := pairs(value.Object{{Name: "28", Value: 5}})
	if len(obj) != 1 || obj[0][0] != "28" || obj[0][1] != 5 {
		t.Fatalf("pairs of an object: %v", obj)
	}
	wrapped := pairs(value.Object{{Name: "", Value: []any{[]any{uint32(3), "x"}}}})
	if len(wrapped) != 1 || wrapped[0][1] != "x" {
		t.Fatalf("pairs of a wrapped map: %v", wrapped)
	}
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"Staked", "Staked"},
		{value.Object{{Name: "Account", Value: "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"}}, "Account HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"},
		{value.Object{{Name: "Stash", Value: nil}}, "Stash"},
	} {
		if got := payeeText(tc.in); got != tc.want {
			t.Errorf("payeeText(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAccountOfValue(t *testing.T) {
	rt := runtimeOf(t, "kusama-v15-spec1009002.scale")
	const alice = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	id, ok := account(rt, alice)
	if !ok || rt.Codec.FormatAccount(id) != alice {
		t.Fatalf("account(%s) = %x, %v", alice, id, ok)
	}
	if id2, ok := account(rt, value.Object{{Name: "Id", Value: alice}}); !ok || id2 != id {
		t.Fatal("MultiAddress::Id not read")
	}
	if _, ok := account(rt, 5); ok {
		t.Fatal("a number read as an account")
	}
}
