package metadata_test

import (
	"fmt"
	"path/filepath"

	"github.com/ksm-wallet/ksm/tx/metadata"
)

func Example() {
	md, err := metadata.Load(filepath.Join("..", "..", "..", "shared", "testdata", "metadata", "kusama-v15-spec1009002.scale"))
	if err != nil {
		panic(err)
	}
	call, err := md.Call("Balances", "transfer_keep_alive")
	if err != nil {
		panic(err)
	}
	fmt.Printf("metadata v%d, Balances is pallet %d\n", md.Version, call.Pallet.Index)
	f := call.Variant.Fields
	fmt.Printf("%s(%s: %s, %s: %s)\n", call.Variant.Name, f[0].Name, f[0].TypeName, f[1].Name, f[1].TypeName)
	m, err := md.APIMethod("BlockBuilder", "apply_extrinsic")
	if err != nil {
		panic(err)
	}
	fmt.Printf("BlockBuilder_%s takes %d input (%s)\n", m.Name, len(m.Inputs), m.Inputs[0].Name)
	// Prints:
	// metadata v15, Balances is pallet 4
	// transfer_keep_alive(dest: AccountIdLookupOf<T>, value: T::Balance)
	// BlockBuilder_apply_extrinsic takes 1 input (extrinsic)
}
