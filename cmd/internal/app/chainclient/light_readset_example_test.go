package chainclient_test

import (
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
)

// The keys a runtime method read, as kept between commands so that the
// next execution proves them all in one request.
func ExampleDecodeReadSet() {
	b := chainclient.EncodeReadSet([][]byte{[]byte(":code"), {0x26, 0xaa}})
	keys, err := chainclient.DecodeReadSet(b)
	fmt.Printf("%d bytes: %q %v\n", len(b), keys, err)
	_, err = chainclient.DecodeReadSet(b[:len(b)-1])
	fmt.Println(errors.Is(err, chainclient.ErrReadSet))
	// Output:
	// 24 bytes: [":code" "&\xaa"] <nil>
	// true
}
