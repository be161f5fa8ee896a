package chainsync

import (
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

// paraChainOf is n linked para headers, 0..n-1.
func paraChainOf(n int) []*header.Header {
	hs := make([]*header.Header, n)
	for i := range hs {
		h := &header.Header{Number: uint32(i)}
		h.StateRoot[0] = byte(i)
		if i > 0 {
			h.ParentHash = hs[i-1].Hash()
		}
		hs[i] = h
	}
	return hs
}

func TestKeepParaAncestors(t *testing.T) {
	hs := paraChainOf(6)
	relay := &header.Header{Number: 7}
	var m Machine
	top := &ParaHead{ParaID: 1000, Header: hs[5], Hash: hs[5].Hash()}
	if err := m.KeepParaAncestors(1000, top.Hash, []*header.Header{hs[4]}); !errors.Is(err, ErrUnknownBlock) {
		t.Fatalf("descendant not kept: %v", err)
	}
	m.paras.add(top, relay)
	// A break in the links: nothing kept.
	for name, anc := range map[string][]*header.Header{
		"skips a block":  {hs[4], hs[2]},
		"not the parent": {hs[3]},
		"nil":            {hs[4], nil},
	} {
		if err := m.KeepParaAncestors(1000, top.Hash, anc); !errors.Is(err, ErrMalicious) {
			t.Fatalf("%s: %v", name, err)
		}
		if _, ok := m.KnownParaHead(1000, hs[4].Hash()); ok {
			t.Fatalf("%s: kept", name)
		}
	}
	if err := m.KeepParaAncestors(1000, top.Hash, []*header.Header{hs[4], hs[3], hs[2]}); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 5; i++ {
		b, ok := m.KnownParaHead(1000, hs[i].Hash())
		if !ok || b.Head.Header.Number != uint32(i) || b.RelayNumber != 7 || b.Relay != relay.Hash() {
			t.Fatalf("block %d: %+v %v", i, b, ok)
		}
	}
	if l, ok := m.LatestParaHead(1000); !ok || l.Head.Hash != top.Hash {
		t.Fatalf("latest %+v", l)
	}
	// From a kept ancestor on.
	if err := m.KeepParaAncestors(1000, hs[2].Hash(), []*header.Header{hs[1], hs[0]}); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.KnownParaHead(1000, hs[0].Hash()); !ok {
		t.Fatal("genesis not kept")
	}
	if err := m.KeepParaAncestors(1000, hs[0].Hash(), []*header.Header{hs[0]}); !errors.Is(err, ErrMalicious) {
		t.Fatalf("a parent of block 0: %v", err)
	}
}
