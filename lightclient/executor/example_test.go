package executor_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/executor"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Run the Kusama runtime of a local chain spec over its genesis state and
// ask it for its version and the metadata versions it serves.
func Example() {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "testdata", "chainspec", "local", "kusama-local.json"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	spec, err := chainspec.Parse(b)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	state := map[string][]byte{}
	for _, kv := range spec.Raw.Top {
		state[string(kv.Key)] = kv.Value
	}
	code, _ := spec.Raw.Code()

	ctx := context.Background()
	rt, err := executor.Compile(ctx, code, executor.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer rt.Close(ctx)

	out, err := rt.Call(ctx, "Core_version", nil, executor.NewMapStorage(state))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	d := scale.NewDecoder(out)
	name, _ := d.String()
	fmt.Println("spec name:", name)

	out, _ = rt.Call(ctx, "Metadata_metadata_versions", nil, executor.NewMapStorage(state))
	fmt.Printf("metadata versions: %x\n", out)
	// With kusama-local.json this prints "spec name: kusama" and
	// "metadata versions: 080e0000000f000000" ([14, 15]).
}

// The heap size for Compile comes from the chain's ":heappages".
func ExampleHeapPages() {
	state := executor.NewMapStorage(map[string][]byte{
		":heappages": {0x00, 0x10, 0, 0, 0, 0, 0, 0}, // 4096, little-endian u64
	})
	pages, _ := executor.HeapPages(state)
	fmt.Println(pages)
	pages, _ = executor.HeapPages(executor.NewMapStorage(nil))
	fmt.Println(pages)
	// Output:
	// 4096
	// 2048
}
