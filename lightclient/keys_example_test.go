package lightclient_test

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// Verified key listing and reads at an older finalized block.
func ExampleClient_StorageKeys() {
	c, _ := testchain.Generate(testchain.Config{Seed: "example-keys", Blocks: 60, SetLength: 50,
		ExtraState: func(n uint32) []trie.KV {
			var kvs []trie.KV
			for i := 0; i < 100; i++ {
				kvs = append(kvs, trie.KV{Key: []byte(fmt.Sprintf("acct/%03d", i)), Value: []byte{byte(n)}})
			}
			return kvs
		}})
	url, stop := rpctest.New(c, 60).Start()
	defer stop()
	ctx := context.Background()
	cl, _, err := startRPCClient(ctx, c, url, chainsync.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cl.Close()
	// The zero hash is the latest finalized block.
	keys, err := cl.StorageKeys(ctx, [32]byte{}, []byte("acct/"), 3, []byte("acct/041"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n", keys)
	// Block 50 ended a set: its header is kept, its state can be read.
	res, err := cl.ReadStorageAt(ctx, c.Blocks[50].Hash, [][]byte{[]byte("acct/007")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("acct/007 at block", res.Number, "=", res.Values[0].Value)
	// Output:
	// ["acct/042" "acct/043" "acct/044"]
	// acct/007 at block 50 = [50]
}
