package main

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

// TestE2ENetworkSideBySide: Kusama as one network on chopsticks — a
// kusama-local relay (--rpc) and an asset-hub-kusama-local Asset Hub
// (--asset-hub-rpc), both trusted, on the default network. `balance` shows
// both chains and their total, a transfer goes to Asset Hub by default and
// to the relay with --chain relay; @polkadot/api reads each chain's state.
func TestE2ENetworkSideBySide(t *testing.T) {
	c := e2ePrivateKusamaAssetHub(t)
	relay, ah := c.URL, c.AssetHubURL
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(c.Decimals)), nil)
	planck := func(hundredths int64) *big.Int { // amount in hundredths of a token
		return new(big.Int).Div(new(big.Int).Mul(big.NewInt(hundredths), unit), big.NewInt(100))
	}

	// balance: Asset Hub first (the account's main balance), then the relay.
	var b struct {
		Chain  string      `json:"chain"`
		Free   json.Number `json:"free"`
		Chains []struct {
			Chain    string      `json:"chain"`
			Free     json.Number `json:"free"`
			Verified bool        `json:"verified"`
		} `json:"chains"`
		Total struct {
			Free json.Number `json:"free"`
		} `json:"total"`
		Verified bool `json:"verified"`
	}
	c.ksm(t, "", "balance", "alice", "--json").ok(t).json(t, &b)
	ahFree, relayFree := e2eOracleFreeAt(t, ah, c.Alice)[0], e2eOracleFreeAt(t, relay, c.Alice)[0]
	if ahFree.Cmp(relayFree) == 0 {
		t.Fatalf("the two chains hold the same balance for alice (%s): the test cannot tell them apart", ahFree)
	}
	if b.Chain != "kusama-asset-hub" || b.Verified || len(b.Chains) != 2 ||
		b.Chains[0].Chain != "kusama-asset-hub" || e2eBig(t, b.Chains[0].Free).Cmp(ahFree) != 0 ||
		b.Chains[1].Chain != "kusama" || e2eBig(t, b.Chains[1].Free).Cmp(relayFree) != 0 ||
		e2eBig(t, b.Total.Free).Cmp(add(ahFree, relayFree)) != 0 || e2eBig(t, b.Free).Cmp(ahFree) != 0 {
		t.Fatalf("balance %+v\nwant Asset Hub %s and relay %s (polkadot-js)", b, ahFree, relayFree)
	}
	text := c.ksm(t, "", "balance", "alice").ok(t).Stdout
	for _, want := range []string{"Kusama Asset Hub", "Kusama ", "total"} {
		if !strings.Contains(text, want) {
			t.Fatalf("balance text lacks %q:\n%s", want, text)
		}
	}

	// A transfer goes to Asset Hub by default, to the relay with --chain
	// relay; each changes only its chain's balances.
	for _, tc := range []struct {
		name      string
		extra     []string
		hundredth int64
		chain     string
		onAH      bool
	}{
		{"asset-hub", nil, 1, "kusama-asset-hub", true},
		{"relay", []string{"--chain", "relay"}, 2, "kusama", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			beforeAH := e2eOracleFreeAt(t, ah, c.Alice, c.Bob)
			beforeRelay := e2eOracleFreeAt(t, relay, c.Alice, c.Bob)
			amount := planck(tc.hundredth)
			args := append([]string{"transfer", "bob", new(big.Rat).SetFrac(amount, unit).FloatString(2), "--from", "alice"}, tc.extra...)
			r := c.ksm(t, "", append(args, "--yes", "--json")...).ok(t)
			var o struct {
				e2eOutcome
				Chain string `json:"chain"`
			}
			r.json(t, &o)
			if !o.Success || o.Chain != tc.chain || o.Verified == nil || *o.Verified || !o.has("Balances", "Transfer") {
				t.Fatalf("outcome %s\n%s", r.Stdout, r.Stderr)
			}
			afterAH := e2eOracleFreeAt(t, ah, c.Alice, c.Bob)
			afterRelay := e2eOracleFreeAt(t, relay, c.Alice, c.Bob)
			moved, still := []*big.Int{beforeAH[1], afterAH[1]}, []*big.Int{beforeRelay[1], afterRelay[1]}
			payer := []*big.Int{beforeAH[0], afterAH[0]}
			if !tc.onAH {
				moved, still = still, moved
				payer = []*big.Int{beforeRelay[0], afterRelay[0]}
			}
			if got := sub(moved[1], moved[0]); got.Cmp(amount) != 0 {
				t.Errorf("bob received %s on %s, want %s (polkadot-js)", got, tc.chain, amount)
			}
			if still[0].Cmp(still[1]) != 0 {
				t.Errorf("bob's balance on the other chain changed: %s → %s", still[0], still[1])
			}
			fee := e2eBig(t, o.Fee)
			if got := sub(payer[0], payer[1]); got.Cmp(add(amount, fee)) != 0 {
				t.Errorf("alice paid %s on %s, want %s + fee %s", got, tc.chain, amount, fee)
			}
		})
	}
}
