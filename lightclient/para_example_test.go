package lightclient_test

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// Reading a parachain (Asset Hub is 1000 on Kusama) through the relay light
// client: the relay's finalized state proves the para head, a para node's
// proofs prove its storage.
func ExampleParaView() {
	para, _ := testchain.Generate(testchain.Config{Seed: "example-para", Blocks: 30, ExtraState: func(n uint32) []trie.KV {
		return []trie.KV{{Key: []byte("balance/alice"), Value: []byte{byte(100 + n)}}}
	}})
	// Relay block n records para block n-1.
	relay, _ := testchain.Generate(testchain.Config{Seed: "example-relay", Blocks: 30, SetLength: 50, ExtraState: func(n uint32) []trie.KV {
		return []trie.KV{{Key: parachain.HeadsKey(1000), Value: parachain.EncodeHeadData(para.Blocks[n-min(n, 1)].Header)}}
	}})
	relayURL, stop := rpctest.New(relay, 30).Start()
	defer stop()
	paraURL, stopPara := rpctest.New(para, 30).Start()
	defer stopPara()
	ctx := context.Background()
	rc, err := rpc.Dial(ctx, relayURL)
	if err != nil {
		fmt.Println(err)
		return
	}
	pc, err := rpc.Dial(ctx, paraURL)
	if err != nil {
		fmt.Println(err)
		return
	}
	cl, err := lightclient.New(lightclient.Config{
		Genesis:    relay.Blocks[0].Hash,
		Checkpoint: &chainspec.Checkpoint{Header: relay.Blocks[0].Header, Hash: relay.Blocks[0].Hash, Grandpa: &chainspec.GrandpaState{Set: relay.Set(0)}},
		Sources: []lightclient.Source{
			lightclient.NewRPCSource(rc, lightclient.RPCOptions{Name: "relay"}),
			lightclient.NewRPCSource(pc, lightclient.RPCOptions{Name: "asset-hub", Para: true, ParaID: 1000}),
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cl.Close()
	if err := cl.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	ah := cl.Para(1000)
	head, err := ah.Head(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("para head #%d proven at relay block #%d\n", head.Header.Number, head.RelayNumber)
	res, err := ah.ReadStorageAt(ctx, head.Hash, [][]byte{[]byte("balance/alice")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("balance/alice =", res.Values[0].Value)
	keys, err := ah.StorageKeys(ctx, head.Hash, []byte("balance/"), 10, nil)
	fmt.Printf("%q %v\n", keys, err)
	// Output:
	// para head #29 proven at relay block #30
	// balance/alice = [129]
	// ["balance/alice"] <nil>
}
