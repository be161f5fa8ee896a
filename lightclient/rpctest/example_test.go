package rpctest_test

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// A node serving a generated chain; removing the proving methods makes it
// look like an endpoint that cannot prove anything (chopsticks).
func Example() {
	c, _ := testchain.Generate(testchain.Config{Seed: "rpctest", Blocks: 30, SetLength: 10})
	srv := rpctest.New(c, 25)
	url, stop := srv.Start()
	defer stop()

	ctx := context.Background()
	client, _ := rpc.Dial(ctx, url)
	defer client.Close()
	head, _ := client.FinalizedHead(ctx)
	fmt.Println(head == rpc.Hash(c.Blocks[25].Hash))
	proof, _ := client.ProveFinality(ctx, 12)
	fmt.Println(len(proof) > 0, srv.Calls("grandpa_proveFinality"))
	// Output:
	// true
	// true 1
}
