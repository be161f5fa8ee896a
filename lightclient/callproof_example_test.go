package lightclient_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// Before executing a runtime call locally, a client fetches the proof of
// what the call reads in one request; the call's reads are then answered
// from the proofs it keeps. Endpoints that serve no call proofs (RPC) make
// it fail with ErrCallProofFailed: the call then reads key by key.
func ExampleClient_PrefetchCall() {
	prefetch := func(ctx context.Context, cl *lightclient.Client, block header.Hash, method string, args []byte) {
		n, err := cl.PrefetchCall(ctx, block, method, args)
		switch {
		case errors.Is(err, lightclient.ErrCallProofFailed):
			fmt.Println("no call proof: reads go one by one")
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Println(n, "proof nodes merged")
		}
		// ... execute the call over cl.ReadStorageAt / cl.NextKey ...
	}
	_ = prefetch
}
