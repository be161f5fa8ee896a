package chainsync

import (
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

func TestHeaderWindowEviction(t *testing.T) {
	w := newHeaderWindow(3, KeptHeaderBytes)
	var hs []*header.Header
	for n := uint32(10); n > 0; n-- { // in any order
		h := &header.Header{Number: n % 5 * 2}
		h.ParentHash[0] = byte(n)
		hs = append(hs, h)
		w.add(h, h.Hash())
		w.add(h, h.Hash()) // twice: kept once
	}
	if w.len() != 3 {
		t.Fatalf("%d kept", w.len())
	}
	kept := map[uint32]int{}
	for _, h := range hs {
		got, ok := w.get(h.Hash())
		if ok {
			kept[h.Number]++
			if got.Hash() != h.Hash() {
				t.Fatal("a kept header changed")
			}
			got.Number = 99 // a copy: the window is not changed
		}
	}
	// The two headers numbered 8 and one of the two numbered 6.
	if kept[8] != 2 || kept[6] != 1 {
		t.Fatalf("kept %v", kept)
	}
	for _, h := range hs {
		if got, ok := w.get(h.Hash()); ok && got.Number == 99 {
			t.Fatal("get returned the window's own header")
		}
	}
}

// Big headers (a set change lists every new voter) are kept within the
// byte budget, the highest-numbered first; one above the budget alone is
// still kept.
func TestHeaderWindowBytes(t *testing.T) {
	big := func(n uint32, size int) *header.Header {
		return &header.Header{Number: n, Digest: []header.DigestItem{{Kind: header.DigestConsensus, Engine: header.EngineGRANDPA, Data: make([]byte, size)}}}
	}
	w := newHeaderWindow(100, 10_000)
	for n := uint32(1); n <= 10; n++ {
		h := big(n, 3000)
		w.add(h, h.Hash())
	}
	if w.len() != 3 || w.bytes > 10_000 {
		t.Fatalf("%d headers, %d bytes kept", w.len(), w.bytes)
	}
	for n := uint32(8); n <= 10; n++ {
		if _, ok := w.get(big(n, 3000).Hash()); !ok {
			t.Fatalf("header %d forgotten", n)
		}
	}
	h := big(11, 20_000)
	w.add(h, h.Hash())
	if _, ok := w.get(h.Hash()); !ok || w.len() != 1 {
		t.Fatalf("the newest header alone: %d kept", w.len())
	}
}

func TestQueryAt(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "sync-qat", Blocks: 200, SetLength: 40})
	srv := &server{c: c, Visible: 170}
	h := newHarness(t, c, 0, Config{})
	h.add("a", CanWarp|CanFinality|CanStorage, honest(srv))
	if !h.runUntil(100, h.m.Synced) {
		t.Fatal("not synced")
	}
	// Warp sync keeps its start, the fragment headers and the head.
	for _, n := range []uint32{0, 40, 80, 120, 160, 170} {
		if got, ok := h.m.KnownHeader(c.Blocks[n].Hash); !ok || got.Number != n {
			t.Fatalf("block %d not kept", n)
		}
	}
	if _, ok := h.m.KnownHeader(c.Blocks[100].Hash); ok {
		t.Fatal("block 100 was never verified")
	}
	for _, n := range []uint32{40, 120, 170} {
		id := h.m.QueryAt(c.Blocks[n].Hash, [][]byte{testchain.KeySystemNumber})
		res := awaitQuery(t, h, id)
		if res.Err != nil || res.Number != n || res.Block != c.Blocks[n].Hash || !res.Values[0].Found {
			t.Fatalf("block %d: %+v", n, res)
		}
		// The proof nodes verify against that block's state root.
		p, err := trie.NewProof(c.Blocks[n].Header.StateRoot, res.Proof)
		if err != nil {
			t.Fatal(err)
		}
		if v, ok, err := p.Get(testchain.KeySystemNumber); err != nil || !ok || string(v) != string(res.Values[0].Value) {
			t.Fatalf("proof of block %d: %x %v %v", n, v, ok, err)
		}
	}
	// The zero hash is the finalized block.
	res := awaitQuery(t, h, h.m.QueryAt(header.Hash{}, [][]byte{testchain.KeySystemNumber}))
	if res.Err != nil || res.Number != 170 {
		t.Fatalf("zero hash: %+v", res)
	}
	// An unknown block fails at once.
	id := h.m.QueryAt(c.Blocks[100].Hash, [][]byte{testchain.KeySystemNumber})
	h.collect()
	res = awaitQuery(t, h, id)
	if !errors.Is(res.Err, ErrUnknownBlock) || !errors.Is(res.Err, ErrQueryFailed) {
		t.Fatalf("unknown block: %v", res.Err)
	}
}

// A finality proof's headers are all kept; a peer answering a storage
// proof at an old block with the proof of another block is banned.
func TestQueryAtFinalityHeadersAndLiar(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "sync-qat2", Blocks: 120, SetLength: 50})
	srv := &server{c: c, Visible: 110}
	h := newHarness(t, c, 0, Config{})
	wrong := func(r Request) ([]byte, error) {
		if r.Kind == KindStorage {
			_, nodes := trie.Prove(*c.Config.Layout, c.State(r.Number+1), r.Keys)
			return trie.EncodeProofSCALE(nodes), nil
		}
		return srv.answer(r)
	}
	h.add("a-liar", CanFinality|CanStorage, wrong)
	h.add("b-honest", CanFinality|CanStorage, honest(srv))
	if !h.runUntil(200, h.m.Synced) {
		t.Fatal("not synced")
	}
	for n := uint32(0); n <= 110; n++ {
		if _, ok := h.m.KnownHeader(c.Blocks[n].Hash); !ok {
			t.Fatalf("block %d not kept", n)
		}
	}
	for i, n := range []uint32{7, 63, 64} {
		res := awaitQuery(t, h, h.m.QueryAt(c.Blocks[n].Hash, [][]byte{testchain.KeyTimestampNow}))
		if res.Err != nil || res.Number != n {
			t.Fatalf("query %d at %d: %+v", i, n, res)
		}
	}
	if h.count(func(e Event) bool { b, ok := e.(PeerBanned); return ok && b.Peer == "a-liar" && b.Verdict == Malicious }) != 1 {
		t.Fatalf("liar not banned: %v", h.errs)
	}
}

// A peer that cannot serve the state of an old block (pruned) fails the
// query but is not dropped as stalled.
func TestQueryAtPrunedState(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "sync-qat3", Blocks: 120, SetLength: 50})
	srv := &server{c: c, Visible: 110}
	h := newHarness(t, c, 0, Config{MaxFailures: 2})
	pruning := func(r Request) ([]byte, error) {
		if r.Kind == KindStorage && r.Number < 100 {
			return nil, errors.New("state already discarded")
		}
		return srv.answer(r)
	}
	h.add("a", CanFinality|CanStorage, pruning)
	if !h.runUntil(200, h.m.Synced) {
		t.Fatal("not synced")
	}
	for i := 0; i < 4; i++ {
		res := awaitQuery(t, h, h.m.QueryAt(c.Blocks[10+i].Hash, [][]byte{testchain.KeySystemNumber}))
		if !errors.Is(res.Err, ErrQueryFailed) {
			t.Fatalf("pruned state: %+v", res)
		}
	}
	if h.m.PeerCount() != 1 || h.m.Err() != nil {
		t.Fatalf("peer dropped after pruned-state failures: %v", h.m.Err())
	}
	res := awaitQuery(t, h, h.m.QueryAt(c.Blocks[105].Hash, [][]byte{testchain.KeySystemNumber}))
	if res.Err != nil || res.Number != 105 {
		t.Fatalf("recent state: %+v", res)
	}
}
