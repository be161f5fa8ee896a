package calls_test

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"path/filepath"

	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/value"
)

// A keep-alive transfer and a batch of two, built from Kusama's metadata.
func Example() {
	md, err := metadata.Load(filepath.Join("..", "..", "..", "shared", "testdata", "metadata", "kusama-v15-spec1009002.scale"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	b := calls.New(value.New(md, 2))
	var bob [32]byte
	tr, _ := b.TransferKeepAlive(bob, big.NewInt(1_000_000_000_000))
	rm, _ := b.Call("System", "remark", map[string]any{"remark": "0x00"})
	batch, _ := b.BatchAll([][]byte{tr, rm})
	fmt.Println(hex.EncodeToString(tr[:2]))
	fmt.Println(hex.EncodeToString(batch[:2]))
	// With Kusama 1009002 this prints 0403 (Balances, transfer_keep_alive)
	// and 1802 (Utility, batch_all).
}
