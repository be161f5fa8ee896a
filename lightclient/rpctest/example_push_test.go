package rpctest_test

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// Over WebSocket the node pushes the justification of each set-ending block
// and of the new finalized head when SetVisible moves it.
func ExampleServer_SetVisible() {
	c, _ := testchain.Generate(testchain.Config{Seed: "rpctest-push", Blocks: 30, SetLength: 10})
	srv := rpctest.New(c, 5)
	url, stop := srv.Start()
	defer stop()

	ctx := context.Background()
	client, _ := rpc.Dial(ctx, rpctest.WS(url))
	defer client.Close()
	sub, _ := client.SubscribeJustifications(ctx)
	srv.SetVisible(12) // block 10 ends set 0; 12 is the new head
	for i := 0; i < 2; i++ {
		b, _ := rpc.ParseJustification(<-sub.Notifications())
		j, _ := grandpa.DecodeJustification(b)
		fmt.Println("justification of block", j.Commit.TargetNumber)
	}
	fmt.Println(srv.DropSubscriptions(), "subscription dropped")
	// Output:
	// justification of block 10
	// justification of block 12
	// 1 subscription dropped
}
