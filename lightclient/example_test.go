package lightclient_test

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// A client over a JSON-RPC endpoint in verified mode: finality from
// grandpa_proveFinality, storage from state_getReadProof.
func Example() {
	// A generated chain served by an in-process node stands in for the network.
	c, _ := testchain.Generate(testchain.Config{Seed: "example", Blocks: 120, SetLength: 50})
	url, stop := rpctest.New(c, 120).Start()
	defer stop()

	ctx := context.Background()
	cl, _, err := startRPCClient(ctx, c, url, chainsync.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cl.Close()
	res, err := cl.ReadStorage(ctx, [][]byte{testchain.KeySystemNumber})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _, setID := cl.Finalized()
	fmt.Printf("System.Number = %x at block #%d (set %d), verified\n", res.Values[0].Value, res.Number, setID)
	// Output: System.Number = 78000000 at block #120 (set 2), verified
}

// startRPCClient starts a client of the chain c over the JSON-RPC endpoint
// at url, with sc for its sync machine, and waits until it has synced. The
// client trusts c's genesis as its checkpoint, as it would trust the
// checkpoint of an embedded chain spec.
func startRPCClient(ctx context.Context, c *testchain.Chain, url string, sc chainsync.Config) (*lightclient.Client, *lightclient.RPCSource, error) {
	rc, err := rpc.Dial(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	src := lightclient.NewRPCSource(rc, lightclient.RPCOptions{})
	cl, err := lightclient.New(lightclient.Config{
		Genesis:    c.Blocks[0].Hash,
		Checkpoint: &chainspec.Checkpoint{Header: c.Blocks[0].Header, Hash: c.Blocks[0].Hash, Grandpa: &chainspec.GrandpaState{Set: c.Set(0)}},
		Sources:    []lightclient.Source{src},
		Sync:       sc,
	})
	if err != nil {
		return nil, nil, err
	}
	if err := cl.Start(ctx); err != nil {
		cl.Close()
		return nil, nil, err
	}
	if err := cl.WaitSynced(ctx); err != nil {
		cl.Close()
		return nil, nil, err
	}
	return cl, src, nil
}
