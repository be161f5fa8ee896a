package lightclient_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
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
	// An RPC endpoint is polled for finality.
	cl, _, err := startRPCClient(ctx, c, url, chainsync.Config{FollowInterval: 100 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cl.Close()
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

// Over WebSocket the RPC source subscribes to grandpa_subscribeJustifications:
// once synced, the client follows the justifications the node pushes (each
// verified, with the headers leading to it) instead of polling
// grandpa_proveFinality.
func ExampleRPCSource_Pushing() {
	c, _ := testchain.Generate(testchain.Config{Seed: "example-push", Blocks: 60, SetLength: 25})
	srv := rpctest.New(c, 20)
	url, stop := srv.Start()
	defer stop()

	ctx := context.Background()
	cl, src, err := startRPCClient(ctx, c, rpctest.WS(url), chainsync.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cl.Close()
	fmt.Println("pushing:", src.Pushing())
	srv.SetVisible(30) // pushes the justifications of 25 (a set change) and 30
	for h, _, _ := cl.Finalized(); h.Number < 30; h, _, _ = cl.Finalized() {
		time.Sleep(time.Millisecond)
	}
	_, _, setID := cl.Finalized()
	fmt.Println("followed from pushes:", cl.FollowedByJustifications(), "blocks; set", setID)
	// Output:
	// pushing: true
	// followed from pushes: 10 blocks; set 1
}
