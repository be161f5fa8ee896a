package testchain_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

func Example() {
	c, err := testchain.Generate(testchain.Config{Seed: "example", Blocks: 350, Voters: 7, SetLength: 100, ForcedEvery: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	// A light client that knows the genesis set warps to the head.
	proof, err := c.WarpProof(0, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := grandpa.VerifyWarpProof(proof, c.Set(0), grandpa.WarpOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("fragments:", res.Fragments, "finalized:", res.Header.Number, "set:", res.Set.SetID)
	for _, ch := range c.Changes {
		fmt.Println("change at", ch.Enact, "forced:", ch.Forced, "new set:", ch.SetID)
	}
	// Output:
	// fragments: 4 finalized: 350 set: 3
	// change at 100 forced: false new set: 1
	// change at 200 forced: false new set: 2
	// change at 300 forced: true new set: 3
}

func TestDeterministic(t *testing.T) {
	cfg := testchain.Config{Seed: "det", Blocks: 120, SetLength: 50}
	a, err := testchain.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := testchain.Generate(cfg)
	if a.Head().Hash != b.Head().Hash {
		t.Fatal("same config, different chains")
	}
	cfg.Seed = "other"
	o, _ := testchain.Generate(cfg)
	if o.Head().Hash == a.Head().Hash || o.Sets[0].Authorities[0].Key == a.Sets[0].Authorities[0].Key {
		t.Fatal("different seeds, same chain")
	}
}

func TestChainStructure(t *testing.T) {
	c, err := testchain.Generate(testchain.Config{Seed: "structure", Blocks: 400, SetLength: 40, ScheduledDelay: 5, ForcedEvery: 4, ForcedDelay: 2, VoteAhead: 2, VariedWeights: true, Voters: 9, Rotate: 3})
	if err != nil {
		t.Fatal(err)
	}
	var lastSlot uint64
	for n, b := range c.Blocks {
		h := b.Header
		if int(h.Number) != n || h.Hash() != b.Hash {
			t.Fatalf("block %d: number %d or hash wrong", n, h.Number)
		}
		// Every header survives a SCALE round trip.
		d, err := header.Decode(h.Encode())
		if err != nil || d.Hash() != b.Hash {
			t.Fatalf("block %d round trip: %v", n, err)
		}
		if n > 0 {
			if h.ParentHash != c.Blocks[n-1].Hash {
				t.Fatalf("block %d parent", n)
			}
			slot, err := h.BABESlot()
			if err != nil || slot <= lastSlot || slot != c.Slot(uint32(n)) {
				t.Fatalf("block %d slot %d after %d: %v", n, slot, lastSlot, err)
			}
			lastSlot = slot
		}
		if trie.Root(trie.V1, c.State(uint32(n))) != h.StateRoot {
			t.Fatalf("block %d state root", n)
		}
		if trie.OrderedRoot(trie.V0, b.Extrinsics) != h.ExtrinsicsRoot {
			t.Fatalf("block %d extrinsics root", n)
		}
		if b.Justification != nil {
			set := c.Set(b.SetID)
			if _, err := grandpa.VerifyJustification(b.Justification, &set); err != nil {
				t.Fatalf("block %d justification: %v", n, err)
			}
		}
	}
	// A storage proof of the set id against a header's state root.
	n := c.Changes[2].Enact
	root, proof := trie.Prove(trie.V1, c.State(n), [][]byte{testchain.KeyGrandpaSetID})
	if root != c.Blocks[n].Header.StateRoot {
		t.Fatal("proof root differs from header")
	}
	p, err := trie.NewProof(c.Blocks[n].Header.StateRoot, proof)
	if err != nil {
		t.Fatal(err)
	}
	v, found, err := p.Get(testchain.KeyGrandpaSetID)
	if err != nil || !found || binary.LittleEndian.Uint64(v) != 3 {
		t.Fatalf("set id after block %d: %x %v %v", n, v, found, err)
	}
	// Delays: the signal precedes the enactment.
	for _, ch := range c.Changes {
		want := uint32(5)
		if ch.Forced {
			want = 2
		}
		if ch.Enact-ch.Signal != want {
			t.Errorf("change %d: signal %d enact %d", ch.SetID, ch.Signal, ch.Enact)
		}
	}
	if _, err := c.WarpProof(0, 0); !errors.Is(err, testchain.ErrConfig) {
		t.Errorf("warp proof with delays: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []testchain.Config{
		{Blocks: -1},
		{SetLength: 10, ScheduledDelay: 10},
		{SetLength: 10, ForcedDelay: 11},
		{Voters: -2},
	} {
		if _, err := testchain.Generate(cfg); !errors.Is(err, testchain.ErrConfig) {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
}

func TestWarpProofEncoding(t *testing.T) {
	c, err := testchain.Generate(testchain.Config{Seed: "enc", Blocks: 300, SetLength: 60, VoteAhead: 1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.WarpProof(1, 0)
	if err != nil {
		t.Fatal(err)
	}
	enc := p.Encode()
	q, err := grandpa.DecodeWarpProof(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(q.Encode(), enc) || len(q.Fragments) != 4 || !q.IsFinished {
		t.Fatalf("%d fragments finished=%v", len(q.Fragments), q.IsFinished)
	}
	partial, _ := c.WarpProof(0, 2)
	if len(partial.Fragments) != 2 || partial.IsFinished {
		t.Fatalf("partial: %d fragments finished=%v", len(partial.Fragments), partial.IsFinished)
	}
}

func TestCompactCommit(t *testing.T) {
	c, err := testchain.Generate(testchain.Config{Seed: "commit", Blocks: 150, SetLength: 100, Voters: 5})
	if err != nil {
		t.Fatal(err)
	}
	cc, err := c.CompactCommit(140, testchain.JustifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	back, err := grandpa.DecodeCompactCommit(cc.Encode())
	if err != nil {
		t.Fatal(err)
	}
	set := c.Set(1)
	var v grandpa.Verifier
	if _, err := v.VerifyCommit(back, &set); err != nil {
		t.Fatal(err)
	}
	old := c.Set(0)
	if _, err := v.VerifyCommit(back, &old); !errors.Is(err, grandpa.ErrSetIDMismatch) {
		t.Fatalf("old set: %v", err)
	}
	few, _ := c.CompactCommit(140, testchain.JustifyOptions{Signers: []int{0, 1, 2}})
	if _, err := v.VerifyCommit(few, &set); !errors.Is(err, grandpa.ErrNotEnoughWeight) {
		t.Fatalf("3 of 5: %v", err)
	}
}
