package lightclient_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

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
