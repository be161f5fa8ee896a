package store_test

import (
	"fmt"
	"os"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/store"
)

func Example() {
	home, _ := os.MkdirTemp("", "ksm")
	defer os.RemoveAll(home)
	p, _ := chainspec.Lookup("kusama")
	cp, _ := p.Checkpoint()

	// First run: nothing saved, start from the embedded checkpoint.
	st := store.Resume(home, p.GenesisHash, cp)
	fmt.Println(st.Source, st.Header.Number)

	// After verifying newer finality, save it; the next run resumes there.
	next := *cp.Header
	next.Number += 1000
	_ = store.Save(home, &store.State{GenesisHash: p.GenesisHash, Header: &next, Set: cp.Grandpa.Set})
	st = store.Resume(home, p.GenesisHash, cp)
	fmt.Println(st.Source, st.Header.Number)
	// Output:
	// checkpoint 31697400
	// saved 31698400
}
