package chainclient_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// The RuntimeVersion a runtime's Core_version returns, as the light client
// decodes it when the code carries no runtime_version section.
func ExampleDecodeRuntimeVersion() {
	b := scale.AppendString(nil, "kusama")
	b = scale.AppendString(b, "parity-kusama")
	b = scale.AppendU32(b, 2)         // authoring_version
	b = scale.AppendU32(b, 1_000_000) // spec_version
	b = scale.AppendU32(b, 0)         // impl_version
	b = scale.AppendCompact(b, 0)     // apis
	b = scale.AppendU32(b, 24)        // transaction_version
	v, err := chainclient.DecodeRuntimeVersion(b)
	fmt.Println(v.SpecName, v.SpecVersion, v.TransactionVersion, err)
	// Output:
	// kusama 1000000 24 <nil>
}
