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
