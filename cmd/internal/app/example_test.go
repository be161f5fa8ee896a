package app_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
)

// Back-to-back transactions of one account take consecutive nonces even
// before the chain counts them; a refused one frees its nonce.
func ExampleNonceStore() {
	n := app.NewNonceStore("") // in memory; commands use the --home directory
	genesis, account := chainclient.Hash{1}, [32]byte{2}
	chainNonce, best := uint64(7), uint64(1000)

	first, _ := n.Next(genesis, account, chainNonce, best)
	_ = n.Add(genesis, account, app.PendingTx{Nonce: first, Death: best + 64})
	second, _ := n.Next(genesis, account, chainNonce, best)
	_ = n.Remove(genesis, account, first) // the chain refused the first one
	again, _ := n.Next(genesis, account, chainNonce, best)
	fmt.Println(first, second, again)
	// Output: 7 8 7
}

// On --network kusama each verb goes to the chain hosting its pallet;
// --chain overrides.
func ExampleRouteChain() {
	kusama, _ := chainspec.Lookup("kusama")
	for _, v := range []struct {
		verb   string
		choice app.ChainChoice
	}{{"stake bond", app.ChainAuto}, {"transfer", app.ChainAuto}, {"transfer", app.ChainRelay}, {"para reserve", app.ChainAuto}} {
		p, _ := app.RouteChain(kusama, app.PalletOfVerb(v.verb), v.choice)
		fmt.Printf("%s %s -> %s\n", v.verb, v.choice, p.Name)
	}
	// Output:
	// stake bond  -> kusama-asset-hub
	// transfer  -> kusama-asset-hub
	// transfer relay -> kusama
	// para reserve  -> kusama
}
