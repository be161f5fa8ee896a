package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
)

func profileGenesis(t *testing.T, name string) chainclient.Hash {
	t.Helper()
	p, err := chainspec.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return chainclient.Hash(p.GenesisHash)
}

func TestRoute(t *testing.T) {
	cases := []struct {
		chain, pallet string
		wantHost      string // "" = served here
	}{
		{"kusama", "Staking", "Kusama Asset Hub"},
		{"kusama", "NominationPools", "Kusama Asset Hub"},
		{"kusama", "ConvictionVoting", "Kusama Asset Hub"},
		{"kusama", "Claims", "Kusama Asset Hub"},
		{"kusama", "Registrar", ""},
		{"kusama", "Balances", ""},
		{"kusama", "System", ""}, // not a mission pallet: the runtime judges
		{"kusama-asset-hub", "Staking", ""},
		{"kusama-asset-hub", "Registrar", "Kusama"},
		{"polkadot", "ConvictionVoting", "Polkadot Asset Hub"},
		{"paseo", "Staking", "Paseo Asset Hub"},
	}
	for _, tc := range cases {
		t.Run(tc.chain+"/"+tc.pallet, func(t *testing.T) {
			s := &Session{Genesis: profileGenesis(t, tc.chain)}
			s.Profile = ProfileByGenesis(s.Genesis)
			if s.Profile == nil {
				t.Fatal("profile not found by genesis")
			}
			err := s.Route(tc.pallet)
			if tc.wantHost == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrWrongChain) || !strings.Contains(err.Error(), tc.pallet+" lives on "+tc.wantHost) || strings.Contains(err.Error(), "--rpc") {
				t.Fatalf("err %v, want %s to be sent to %s", err, tc.pallet, tc.wantHost)
			}
			// The hint names the --chain that sends it there.
			want := "--chain asset-hub"
			if !strings.Contains(tc.wantHost, "Asset Hub") {
				want = "--chain relay"
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("err %v does not say %s", err, want)
			}
		})
	}
	// A chain the user chose (--chain) leaves the pallet to its metadata.
	s := &Session{Genesis: profileGenesis(t, "kusama"), chosen: true}
	s.Profile = ProfileByGenesis(s.Genesis)
	if err := s.Route("Staking"); err != nil {
		t.Fatalf("--chain relay refused Staking: %v", err)
	}
	// A development chain serves everything.
	s = &Session{Genesis: devGenesis}
	for _, p := range []string{"Staking", "Registrar", "Claims", "Anything"} {
		if err := s.Route(p); err != nil {
			t.Fatalf("dev chain refused %s: %v", p, err)
		}
	}
}

// TestPrepareRoutesBatches: a staking call inside a batch on the Kusama
// relay is refused before anything is signed, naming Asset Hub.
func TestPrepareRoutesBatches(t *testing.T) {
	f := newFakeChain(t, profileGenesis(t, "kusama"))
	alice := devKey(t, "//Alice").AccountID()
	f.setAccount(alice, 0, ksm(10), ksm(0), ksm(0))
	s := openFake(t, f, "")
	if s.Profile == nil || s.Profile.Name != "kusama" || s.Token.Symbol != "KSM" || s.ChainName() != "Kusama" {
		t.Fatalf("identified as %+v", s.Profile)
	}
	ctx := context.Background()
	rt, _ := s.Latest(ctx)
	tr, _ := rt.Calls.TransferKeepAlive(devKey(t, "//Bob").AccountID(), ksm(1))
	chill, err := rt.Calls.Call("Staking", "chill", nil)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := rt.Calls.BatchAll([][]byte{tr, chill})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Prepare(ctx, Request{From: alice, Call: batch})
	if !errors.Is(err, ErrWrongChain) || !strings.Contains(err.Error(), "Kusama Asset Hub") {
		t.Fatalf("err %v", err)
	}
	// The transfer alone is fine on the relay.
	if _, err := s.Prepare(ctx, Request{From: alice, Call: tr, Spend: ksm(1)}); err != nil {
		t.Fatal(err)
	}
	// TransferredValue counts the transfers of a batch.
	tr2, _ := rt.Calls.TransferAllowDeath(devKey(t, "//Bob").AccountID(), ksm(2))
	b2, _ := rt.Calls.BatchAll([][]byte{tr, tr2, chill})
	if v := TransferredValue(rt, b2); v.Cmp(ksm(3)) != 0 {
		t.Fatalf("transferred %s, want 3 KSM", v)
	}
}

// TestRouteChain: on a relay network each verb goes to the chain hosting
// its pallet; --chain overrides; single-chain networks serve everything.
func TestRouteChain(t *testing.T) {
	cases := []struct {
		net, verb string
		choice    ChainChoice
		want      string // chain name; "" a chain-spec network (nil); "error"
	}{
		{"kusama", "stake bond", "", "kusama-asset-hub"},
		{"kusama", "stake status", "", "kusama-asset-hub"},
		{"kusama", "pool join", "", "kusama-asset-hub"},
		{"kusama", "gov vote", "", "kusama-asset-hub"},
		{"kusama", "gov referendum", "", "kusama-asset-hub"},
		{"kusama", "claim attest", "", "kusama-asset-hub"},
		{"kusama", "transfer", "", "kusama-asset-hub"},
		{"kusama", "transfer", ChainRelay, "kusama"},
		{"kusama", "stake bond", ChainRelay, "kusama"},
		{"kusama", "para reserve", "", "kusama"},
		{"kusama", "para contribute", "", "kusama"},
		{"kusama", "para reserve", ChainAssetHub, "kusama-asset-hub"},
		{"kusama", "tx call", "", "kusama"},
		{"kusama", "tx call", ChainAssetHub, "kusama-asset-hub"},
		{"polkadot", "stake bond", "", "polkadot-asset-hub"},
		{"polkadot", "transfer", "", "polkadot-asset-hub"},
		{"westend", "gov vote", "", "westend-asset-hub"},
		{"paseo", "para register", "", "paseo"},
		{"kusama-asset-hub", "stake bond", "", "kusama-asset-hub"},
		{"kusama-asset-hub", "para reserve", "", "kusama-asset-hub"}, // Route refuses it there
		{"kusama-asset-hub", "transfer", ChainAssetHub, "kusama-asset-hub"},
		{"kusama-asset-hub", "transfer", ChainRelay, "error"},
	}
	for _, tc := range cases {
		t.Run(tc.net+"/"+tc.verb+"/"+string(tc.choice), func(t *testing.T) {
			p, err := chainspec.Lookup(tc.net)
			if err != nil {
				t.Fatal(err)
			}
			got, err := RouteChain(p, PalletOfVerb(tc.verb), tc.choice)
			if tc.want == "error" {
				if err == nil || !errors.Is(err, ErrUsage) {
					t.Fatalf("got %v, %v; want a usage error", got, err)
				}
				return
			}
			if err != nil || got == nil || got.Name != tc.want {
				t.Fatalf("got %v, %v; want %s", got, err, tc.want)
			}
		})
	}
	// A chain-spec file of no embedded network is a single chain.
	if got, err := RouteChain(nil, "Staking", ""); got != nil || err != nil {
		t.Fatalf("nil network: %v %v", got, err)
	}
	if _, err := RouteChain(nil, "Staking", ChainAssetHub); err == nil {
		t.Fatal("--chain asset-hub on a network without one accepted")
	}
	if _, err := ParseChainChoice("parachain"); err == nil {
		t.Fatal("--chain parachain accepted")
	}
}
