package lightclient_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Submitting a transaction and waiting for the finalized block that
// includes it; the block body is verified against its extrinsics root.
func ExampleClient_Submit() {
	c, _ := testchain.Generate(testchain.Config{Seed: "example-submit", Blocks: 60, SetLength: 50})
	url, stop := rpctest.New(c, 60).Start() // includes what it is sent in a new block
	defer stop()
	ctx := context.Background()
	rc, _ := rpc.Dial(ctx, url)
	cl, _ := lightclient.New(lightclient.Config{
		Genesis:    c.Blocks[0].Hash,
		Checkpoint: &chainspec.Checkpoint{Header: c.Blocks[0].Header, Hash: c.Blocks[0].Hash, Grandpa: &chainspec.GrandpaState{Set: c.Set(0)}},
		Sources:    []lightclient.Source{lightclient.NewRPCSource(rc, lightclient.RPCOptions{})},
		Sync:       chainsync.Config{FollowInterval: 100 * time.Millisecond}, // an RPC endpoint is polled
	})
	defer cl.Close()
	if err := cl.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	if err := cl.WaitSynced(ctx); err != nil {
		fmt.Println(err)
		return
	}
	ext := scale.AppendBytes(nil, []byte{0x84, 1, 2, 3}) // an encoded extrinsic
	sub, err := cl.Submit(ctx, ext)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sub.Close()
	for {
		st, err := sub.Next(ctx)
		if err != nil {
			break
		}
		fmt.Println(st.Kind, st.Number, st.Index)
	}
	body, _ := cl.BlockBody(ctx, c.Blocks[61].Hash)
	fmt.Println("extrinsics in block 61:", len(body))
	// Output:
	// broadcast 0 0
	// finalized 61 1
	// extrinsics in block 61: 2
}
