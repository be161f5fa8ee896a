package chain_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
)

// Transaction statuses as endpoints send them, in either form.
func ExampleParseStatus() {
	for _, raw := range []string{`"ready"`, `{"ready":null}`, `{"finalized":"0x0000000000000000000000000000000000000000000000000000000000000001"}`} {
		st, ok := chain.ParseStatus([]byte(raw))
		fmt.Println(st.Kind, st.Kind.Final(), ok)
	}
	// Output:
	// ready false true
	// ready false true
	// finalized true true
}
