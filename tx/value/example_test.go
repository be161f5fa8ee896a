package value_test

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"path/filepath"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/value"
)

func Example() {
	md, err := metadata.Load(filepath.Join("..", "..", "..", "shared", "testdata", "metadata", "kusama-v15-spec1009002.scale"))
	if err != nil {
		panic(err)
	}
	c := value.New(md, 2) // Kusama addresses
	call, err := c.EncodeCall([]byte(`{"pallet": "Balances", "name": "transfer_keep_alive",
		"args": {"dest": {"Id": "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"}, "value": "1000000000000"}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println("0x" + hex.EncodeToString(call[:2]))
	decoded, err := c.DecodeCall(call)
	if err != nil {
		panic(err)
	}
	js, _ := decoded.MarshalJSON()
	fmt.Println(string(js))
	// Prints:
	// 0x0403
	// {"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":{"Id":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"},"value":1000000000000}}
}

func ExampleFormatBalance() {
	fmt.Println(value.FormatBalance(big.NewInt(1_500_000_000_000), 12, "KSM"))
	planck, _ := value.ParseAmount("0.25 KSM", 12, "KSM")
	fmt.Println(planck)
	// Output:
	// 1.5 KSM
	// 250000000000
}

func ExampleCallOf() {
	nested := value.Object{{Name: "pallet", Value: "System"}, {Name: "name", Value: "remark"},
		{Name: "args", Value: value.Object{{Name: "remark", Value: "0x00"}}}}
	c, err := value.CallOf(nested)
	fmt.Println(c.Pallet, c.Name, len(c.Args), err)
	_, err = value.CallOf(value.Object{{Name: "pallet", Value: 5}})
	fmt.Println(err)
	// Output:
	// System remark 1 <nil>
	// value: does not match the type: not a call: value.Object
}
