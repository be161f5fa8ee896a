package rpc_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/rpc"
)

// A node's answers are claims: here a header is fetched and its hash
// recomputed, which only says the header is self-consistent; whether the
// hash belongs to the chain is for the light client to decide.
func Example() {
	// A stand-in node answering chain_getHeader over HTTP.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"jsonrpc":"2.0","id":1,"result":{"parentHash":"0x`+
			"0000000000000000000000000000000000000000000000000000000000000000"+`","number":"0x1",`+
			`"stateRoot":"0x`+"0000000000000000000000000000000000000000000000000000000000000000"+`",`+
			`"extrinsicsRoot":"0x`+"0000000000000000000000000000000000000000000000000000000000000000"+`",`+
			`"digest":{"logs":[]}}}`)
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := rpc.Dial(ctx, srv.URL) // ws://... for subscriptions
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	h, err := c.Header(ctx, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	enc, _ := h.SCALE()
	fmt.Println("number:", h.Number)
	fmt.Println("SCALE bytes:", len(enc))
	// Output:
	// number: 1
	// SCALE bytes: 98
}
