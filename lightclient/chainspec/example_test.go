package chainspec_test

import (
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
)

func Example() {
	p, err := chainspec.Lookup("kusama")
	if err != nil {
		fmt.Println(err)
		return
	}
	cp, err := p.Checkpoint()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.DisplayName, p.GenesisHash)
	fmt.Println("checkpoint", cp.Header.Number, cp.Hash, "set", cp.Grandpa.Set.SetID)
	// The clock is an argument: here, the day after the checkpoint.
	age, err := cp.CheckAge(time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC), p.Age, false)
	fmt.Println(age.Time.Format(time.DateOnly), age.Warning == "", err)
	host, _ := p.HostOf("Staking")
	fmt.Println("Staking on", host.Name)
	// Output:
	// Kusama 0xb0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe
	// checkpoint 31697400 0x33dcadca96cba14973d91a8a5c09f7165b754d00ef2682a30c865aec75a2dabe set 12607
	// 2026-01-05 true <nil>
	// Staking on kusama-asset-hub
}

// ExampleWithLightSyncState writes a chain spec whose checkpoint is a
// finalized block and the GRANDPA set after it (here the embedded
// checkpoint's own), as ksm chain checkpoint export does with the verified
// state it saved.
func ExampleWithLightSyncState() {
	p, _ := chainspec.Lookup("westend")
	spec, _ := p.SpecJSON()
	cp, _ := p.Checkpoint()
	g := chainspec.NewGrandpaState(cp.Header.Number, cp.Grandpa.Set, cp.TrackerPending())
	out, err := chainspec.WithLightSyncState(spec, cp.Header, g)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := chainspec.Parse(out)
	back, _ := s.Checkpoint()
	fmt.Println(back.Header.Number, back.Hash == cp.Hash, back.Grandpa.Set.SetID == cp.Grandpa.Set.SetID)
	// Output:
	// 29233814 true true
}
