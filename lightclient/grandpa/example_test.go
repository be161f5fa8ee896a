package grandpa_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

func ExampleVerifyJustification() {
	// A generated chain stands in for the network here.
	c, err := testchain.Generate(testchain.Config{Seed: "doc", Blocks: 64, Voters: 4})
	if err != nil {
		fmt.Println(err)
		return
	}
	b := c.Blocks[64]
	set := c.Set(b.SetID)
	// Bytes as received from a peer.
	j, err := grandpa.DecodeJustification(b.Justification.Encode())
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := grandpa.VerifyJustification(j, &set)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("block #%d final: %d signatures, weight %d ≥ %d\n", res.TargetNumber, res.Signatures, res.Weight, res.Threshold)
	// Output: block #64 final: 4 signatures, weight 4 ≥ 3
}

func ExampleTracker() {
	c, err := testchain.Generate(testchain.Config{Seed: "doc", Blocks: 250, SetLength: 100, ScheduledDelay: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	tr, err := grandpa.NewTracker(c.Set(0), c.Blocks[0].Hash, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range c.Blocks[1:] {
		ch, err := tr.Import(b.Header)
		if err != nil {
			fmt.Println(err)
			return
		}
		if ch != nil {
			fmt.Printf("set %d starts after #%d\n", ch.Set.SetID, ch.Number)
		}
	}
	// Output:
	// set 1 starts after #110
	// set 2 starts after #210
}
