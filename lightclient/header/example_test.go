package header_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

func Example() {
	h := &header.Header{Number: 42}
	h.Digest = append(h.Digest,
		header.BABEPreDigest{Kind: header.BABESecondaryPlain, AuthorityIndex: 3, Slot: 280_000_000}.DigestItem(),
		header.GrandpaLog{Kind: header.GrandpaScheduledChange, Change: header.GrandpaChange{
			NextAuthorities: []header.GrandpaAuthority{{Key: [32]byte{1}, Weight: 1}},
		}}.DigestItem(),
	)
	raw := h.Encode()

	d, err := header.Decode(raw)
	if err != nil {
		fmt.Println(err)
		return
	}
	slot, _ := d.BABESlot()
	logs, _ := d.GrandpaLogs()
	fmt.Println("number", d.Number, "slot", slot, "hash equal", d.Hash() == h.Hash())
	fmt.Println(logs[0].Kind, len(logs[0].Change.NextAuthorities), "authority")
	// Output:
	// number 42 slot 280000000 hash equal true
	// ScheduledChange 1 authority
}
