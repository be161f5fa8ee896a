package sync

import (
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// headersFrom answers a KindHeaders request honestly from c.
func headersFrom(c *testchain.Chain) behaviour {
	return func(r Request) ([]byte, error) {
		n, ok := findBlock(c, r.Block)
		if !ok {
			return EncodeHeaders(nil), nil
		}
		var hs []*header.Header
		for i := int(n); i >= 0 && uint32(len(hs)) < r.Count; i-- {
			hs = append(hs, c.Blocks[i].Header)
		}
		return EncodeHeaders(hs), nil
	}
}

func TestFetchAncestors(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "ancestry", Blocks: 40, SetLength: 100, Voters: 3})
	honest := headersFrom(c)
	// A peer that alters the second header: the first still hashes to the
	// block asked, the second no longer to its parent hash.
	altered := func(r Request) ([]byte, error) {
		b, _ := honest(r)
		hs, _ := DecodeHeaders(b)
		if len(hs) > 1 {
			hs[1] = hs[1].Clone()
			hs[1].StateRoot[0] ^= 1
		}
		return EncodeHeaders(hs), nil
	}
	// A peer that answers the headers of another block.
	wrongStart := func(r Request) ([]byte, error) {
		return EncodeHeaders([]*header.Header{c.Blocks[3].Header}), nil
	}
	tooMany := func(r Request) ([]byte, error) {
		return honest(Request{Block: r.Block, Count: r.Count + 1})
	}
	for _, tc := range []struct {
		name    string
		liars   map[PeerID]behaviour
		banned  int
		wantErr bool
	}{
		{name: "honest"},
		{name: "altered header", liars: map[PeerID]behaviour{"a-liar": altered}, banned: 1},
		{name: "wrong first header", liars: map[PeerID]behaviour{"a-liar": wrongStart}, banned: 1},
		{name: "more than asked", liars: map[PeerID]behaviour{"a-liar": tooMany}, banned: 1},
		{name: "only liars", liars: map[PeerID]behaviour{"a": altered, "b": wrongStart}, banned: 2, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, c, 30, Config{})
			for id, b := range tc.liars {
				h.add(id, CanHeaders, b)
			}
			if !tc.wantErr {
				h.add("z-honest", CanHeaders, honest) // asked after the liars (ids in order)
			}
			// The ancestors of block 30: from its parent, 29, down to 20.
			top := c.Blocks[30].Header
			var got []*header.Header
			var gerr error
			done := false
			h.m.FetchAncestors(top.ParentHash, 29, 10, func(hs []*header.Header, err error) { got, gerr, done = hs, err, true })
			h.runUntil(10, func() bool { return done })
			if !done {
				t.Fatal("fetch never finished")
			}
			if banned := h.count(func(e Event) bool { b, ok := e.(PeerBanned); return ok && b.Verdict == Malicious }); banned != tc.banned {
				t.Fatalf("%d peers banned, want %d", banned, tc.banned)
			}
			if tc.wantErr {
				if !errors.Is(gerr, ErrAncestryFailed) || got != nil {
					t.Fatalf("got %d headers, err %v; want ErrAncestryFailed", len(got), gerr)
				}
				return
			}
			if gerr != nil || len(got) != 10 {
				t.Fatalf("got %d headers, err %v", len(got), gerr)
			}
			for i, x := range got {
				n := uint32(29 - i)
				if x.Hash() != c.Blocks[n].Hash {
					t.Fatalf("header %d is not block %d", i, n)
				}
				if _, ok := h.m.KnownHeader(c.Blocks[n].Hash); !ok {
					t.Fatalf("block %d not remembered", n)
				}
			}
		})
	}
	// The count is capped at what one answer holds and at the chain's height.
	h := newHarness(t, c, 30, Config{})
	var asked []Request
	h.add("p", CanHeaders, func(r Request) ([]byte, error) { asked = append(asked, r); return honest(r) })
	h.m.FetchAncestors(c.Blocks[5].Hash, 5, 1000, nil)
	h.m.FetchAncestors(c.Blocks[29].Hash, 29, 1000, nil)
	h.runUntil(4, func() bool { return len(asked) == 2 })
	if len(asked) != 2 || asked[0].Count != 6 || asked[1].Count != 30 {
		t.Fatalf("requests %+v", asked)
	}
}
