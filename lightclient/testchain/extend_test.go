package testchain_test

import (
	"bytes"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/scale"
)

func TestExtend(t *testing.T) {
	c, err := testchain.Generate(testchain.Config{Seed: "extend", Blocks: 130, SetLength: 50, EpochLength: 7})
	if err != nil {
		t.Fatal(err)
	}
	xt := scale.AppendBytes(nil, []byte{0x84, 1, 2, 3})
	for i := 0; i < 12; i++ {
		prev := c.Head()
		var body [][]byte
		if i%3 == 0 {
			body = [][]byte{xt, scale.AppendBytes(nil, bytes.Repeat([]byte{byte(i)}, 40))}
		}
		b, err := c.Extend(body)
		if err != nil {
			t.Fatal(err)
		}
		n := b.Header.Number
		switch {
		case c.Head() != b || n != prev.Header.Number+1 || b.Header.ParentHash != prev.Hash || b.Hash != b.Header.Hash():
			t.Fatalf("block %d does not extend the head", n)
		case trie.OrderedRoot(trie.V0, b.Extrinsics) != b.Header.ExtrinsicsRoot:
			t.Fatalf("block %d: extrinsics root", n)
		case len(b.Extrinsics) != 1+len(body) || len(body) > 0 && !bytes.Equal(b.Extrinsics[1], xt):
			t.Fatalf("block %d: body %x", n, b.Extrinsics)
		case trie.Root(*c.Config.Layout, c.State(n)) != b.Header.StateRoot:
			t.Fatalf("block %d: state root", n)
		case b.SetID != 2:
			t.Fatalf("block %d: set %d", n, b.SetID)
		}
		set := c.Set(b.SetID)
		if _, err := grandpa.VerifyJustification(b.Justification, &set); err != nil {
			t.Fatalf("block %d: %v", n, err)
		}
		if c.Slot(n) <= c.Slot(n-1) {
			t.Fatalf("block %d: slot %d after %d", n, c.Slot(n), c.Slot(n-1))
		}
	}
	// Warp proofs still reach the new head.
	p, err := c.WarpProof(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := grandpa.VerifyWarpProof(p, c.Set(0), grandpa.WarpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Header.Number != 142 || res.Hash != c.Head().Hash {
		t.Fatalf("warp ends at %d", res.Header.Number)
	}
	// A commit for an extended block verifies with its set.
	cc, err := c.CompactCommit(142, testchain.JustifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	set := c.Set(2)
	if _, err := (&grandpa.Verifier{}).VerifyCommit(cc, &set); err != nil {
		t.Fatal(err)
	}
}
