package app_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
)

// Back-to-back transactions of one account take consecutive nonces even
// before the chain counts them; a refused one frees its nonce.
func ExampleNonceStore() {
	n := app.NewNonceStore("") // in memory; commands use the --home directory
	genesis, account := chain.Hash{1}, [32]byte{2}
	chainNonce, best := uint64(7), uint64(1000)

	first, _ := n.Next(genesis, account, chainNonce, best)
	_ = n.Add(genesis, account, app.PendingTx{Nonce: first, Death: best + 64})
	second, _ := n.Next(genesis, account, chainNonce, best)
	_ = n.Remove(genesis, account, first) // the chain refused the first one
	again, _ := n.Next(genesis, account, chainNonce, best)
	fmt.Println(first, second, again)
	// Output: 7 8 7
}
