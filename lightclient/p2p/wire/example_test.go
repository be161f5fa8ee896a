package wire_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
)

func Example() {
	var genesis [32]byte
	names := wire.NewNames(genesis, "", "ksmcc3")
	fmt.Println(names.LegacySync)

	req := &wire.BlockRequest{Fields: wire.FieldHeader | wire.FieldJustification, FromNumber: 100, MaxBlocks: 1}
	got, err := wire.DecodeBlockRequest(req.Encode())
	fmt.Println(got.FromNumber, got.MaxBlocks, err)
	// Output:
	// /ksmcc3/sync/2
	// 100 1 <nil>
}

// The size limits a host enforces on the requests it serves and the
// responses it reads.
func ExampleKind_RequestLimits() {
	for _, k := range []wire.Kind{wire.KindSync, wire.KindLight} {
		maxReq, maxResp := k.RequestLimits()
		fmt.Printf("%s: request ≤ %d bytes, response ≤ %d MiB\n", k, maxReq, maxResp>>20)
	}
	// Output:
	// sync: request ≤ 1048576 bytes, response ≤ 16 MiB
	// light: request ≤ 1048576 bytes, response ≤ 16 MiB
}
