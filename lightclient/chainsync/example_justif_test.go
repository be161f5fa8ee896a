package chainsync_test

import (
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// Following finality from a justification an RPC node pushed: the machine
// verifies it with the current set, asks for the headers down to its
// finalized block, and finalizes the justified block; no finality poll.
func ExampleMachine_OnJustification() {
	c, _ := testchain.Generate(testchain.Config{Seed: "example-justif", Blocks: 20, SetLength: 100, Voters: 4})
	m, _ := chainsync.New(chainsync.Config{Header: c.Blocks[10].Header, Set: c.Set(0)})
	m.AddPeer("rpc", chainsync.PeerCaps{Kinds: chainsync.CanFinality | chainsync.CanHeaders | chainsync.PushesJustifications})
	now := time.Unix(1_700_000_000, 0)
	for _, r := range m.Desired(now) {
		_ = m.OnResponseAt(r.ID, nil, now) // grandpa_proveFinality: nothing newer
	}
	fmt.Println("synced:", m.Synced())

	j, _ := c.Justify(12, testchain.JustifyOptions{})
	if err := m.OnJustification("rpc", j.Encode(), now); err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range m.Desired(now.Add(time.Second)) {
		// chain_getHeader from 12 down: 12, 11.
		var hs []*header.Header
		for i := uint32(0); i < r.Count; i++ {
			hs = append(hs, c.Blocks[r.Number-i].Header)
		}
		fmt.Println("asked", r.Kind, "from", r.Number, "count", r.Count)
		if err := m.OnResponseAt(r.ID, chainsync.EncodeHeaders(hs), now); err != nil {
			fmt.Println(err)
		}
	}
	for _, ev := range m.Events() {
		if f, ok := ev.(chainsync.Finalized); ok {
			fmt.Println("finalized", f.Header.Number)
		}
	}
	// Output:
	// synced: true
	// asked headers from 12 count 2
	// finalized 12
}
