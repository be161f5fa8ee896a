package chainsync_test

import (
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// Following finality from a gossiped GRANDPA commit: the machine checks the
// signatures, asks a peer for the headers, and finalizes the target.
func ExampleMachine_OnCommit() {
	c, _ := testchain.Generate(testchain.Config{Seed: "example-commit", Blocks: 20, SetLength: 100, Voters: 4})
	m, _ := chainsync.New(chainsync.Config{Header: c.Blocks[10].Header, Set: c.Set(0)})
	m.AddPeer("node", chainsync.PeerCaps{Kinds: chainsync.CanHeaders})
	now := time.Unix(1_700_000_000, 0)

	commit, _ := c.CompactCommit(13, testchain.JustifyOptions{})
	if err := m.OnCommit("node", commit, now); err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range m.Desired(now) {
		// The peer answers the /sync/2 request: 13, 12, 11.
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
	_, known := m.KnownHeader(c.Blocks[12].Hash)
	fmt.Println("block 12 kept:", known)
	_ = grandpa.CompactCommit{}
	// Output:
	// asked headers from 13 count 3
	// finalized 13
	// block 12 kept: true
}
