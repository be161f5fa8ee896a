package chainsync

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// paraSetup is a relay chain whose block n records para block n as the head
// of parachain 1000, a relay server showing visible blocks and a harness.
func paraSetup(t *testing.T, visible uint32) (*harness, *server, *testchain.Chain) {
	t.Helper()
	para := newChain(t, testchain.Config{Seed: "sync-paraat-para", Blocks: 60})
	relay := newChain(t, testchain.Config{Seed: "sync-paraat-relay", Blocks: 60, SetLength: 20, ExtraState: func(n uint32) []trieKV {
		return paraHeadState(para, n)
	}})
	srv := &server{c: relay, Visible: visible}
	h := newHarness(t, relay, 0, Config{})
	h.add("relay", CanWarp|CanStorage, honest(srv))
	return h, srv, para
}

// results runs h until the queries ids answered (as events) or max steps.
func (h *harness) results(max int, ids ...QueryID) map[QueryID]QueryResult {
	got := map[QueryID]QueryResult{}
	want := map[QueryID]bool{}
	for _, id := range ids {
		want[id] = true
	}
	h.runUntil(max, func() bool {
		for _, e := range h.events {
			if q, ok := e.(QueryResult); ok && want[q.ID] {
				got[q.ID] = q
			}
		}
		return len(got) == len(ids)
	})
	return got
}

func TestQueryParaHeadAndAt(t *testing.T) {
	h, srv, para := paraSetup(t, 40)
	psrv := &server{para: para}
	h.addPara("para", 1000, psrv.storage)

	id := h.m.QueryParaHead(1000, nil)
	res := h.results(100, id)[id]
	if res.Err != nil || res.Para == nil || res.Number != 40 || res.Para.Hash != para.Blocks[40].Hash || len(res.Values) != 0 {
		t.Fatalf("head query: %+v", res)
	}
	if pb, ok := h.m.KnownParaHead(1000, para.Blocks[40].Hash); !ok || pb.RelayNumber != 40 || pb.Relay != h.c.Blocks[40].Hash || pb.Head.Header.Number != 40 {
		t.Fatalf("known head: %+v %v", pb, ok)
	}
	if _, ok := h.m.KnownParaHead(2000, para.Blocks[40].Hash); ok {
		t.Fatal("head known under another para id")
	}

	// Finality moves on; the newer head is proven, the older stays readable.
	srv.Visible = 55
	if !h.runUntil(100, func() bool { return h.finalized() == 55 }) {
		t.Fatalf("finalized %d", h.finalized())
	}
	id = h.m.QueryParaHead(1000, nil)
	if res := h.results(100, id)[id]; res.Err != nil || res.Para.Hash != para.Blocks[55].Hash {
		t.Fatalf("second head query: %+v", res)
	}
	if pb, ok := h.m.LatestParaHead(1000); !ok || pb.Head.Hash != para.Blocks[55].Hash || pb.RelayNumber != 55 {
		t.Fatalf("latest head: %+v", pb)
	}

	keys := [][]byte{testchain.KeySystemNumber, []byte("absent")}
	old := h.m.QueryParaAt(1000, para.Blocks[40].Hash, keys, nil)
	latest := h.m.QueryParaAt(1000, header.Hash{}, keys, nil)
	unknown := h.m.QueryParaAt(1000, para.Blocks[41].Hash, keys, nil)
	got := h.results(100, old, latest, unknown)
	for _, tc := range []struct {
		id QueryID
		n  uint32
	}{{old, 40}, {latest, 55}} {
		r := got[tc.id]
		if r.Err != nil || r.Para == nil || r.Para.Hash != para.Blocks[tc.n].Hash || r.Number != tc.n {
			t.Fatalf("read at para %d: %+v", tc.n, r)
		}
		if v := r.Values[0]; !v.Found || !bytes.Equal(v.Value, stateValue(para, tc.n, testchain.KeySystemNumber)) {
			t.Fatalf("para %d value %+v", tc.n, v)
		}
		if r.Values[1].Found {
			t.Fatalf("para %d: absent key found", tc.n)
		}
		// The proof given back verifies against the para head's state root.
		p, err := trie.NewProof(trie.Hash(para.Blocks[tc.n].Header.StateRoot), r.Proof)
		if err != nil {
			t.Fatalf("para %d proof: %v", tc.n, err)
		}
		if v, ok, err := p.Get(testchain.KeySystemNumber); err != nil || !ok || !bytes.Equal(v, r.Values[0].Value) {
			t.Fatalf("para %d proof lookup %x %v %v", tc.n, v, ok, err)
		}
	}
	if r := got[unknown]; !errors.Is(r.Err, ErrUnknownBlock) || !errors.Is(r.Err, ErrQueryFailed) {
		t.Fatalf("unknown para block: %+v", r)
	}
}

func TestQueryParaAtCallbackAndLiar(t *testing.T) {
	h, _, para := paraSetup(t, 30)
	psrv := &server{para: para}
	// The liar proves another block's state.
	h.addPara("para-a-liar", 1000, func(r Request) ([]byte, error) {
		r.Block = para.Blocks[r.Number-1].Hash
		return psrv.storage(r)
	})
	h.addPara("para-honest", 1000, psrv.storage) // asked after the liar (peers by name)
	var headRes []QueryResult
	h.m.QueryParaHead(1000, func(r QueryResult) { headRes = append(headRes, r) })
	h.runUntil(100, func() bool { return len(headRes) > 0 })
	if len(headRes) != 1 || headRes[0].Err != nil || headRes[0].Para.Hash != para.Blocks[30].Hash {
		t.Fatalf("head by callback: %+v", headRes)
	}
	var readRes []QueryResult
	h.m.QueryParaAt(1000, para.Blocks[30].Hash, [][]byte{testchain.KeySystemNumber}, func(r QueryResult) { readRes = append(readRes, r) })
	h.runUntil(100, func() bool { return len(readRes) > 0 })
	if errs := h.errs["para-a-liar"]; len(errs) != 1 || VerdictOf(errs[0]) != Malicious {
		t.Fatalf("liar verdicts %v", errs)
	}
	if len(readRes) != 1 || readRes[0].Err != nil || !bytes.Equal(readRes[0].Values[0].Value, stateValue(para, 30, testchain.KeySystemNumber)) {
		t.Fatalf("read by callback: %+v", readRes)
	}
	for _, e := range h.events {
		if _, ok := e.(QueryResult); ok {
			t.Fatalf("callback query also emitted %+v", e)
		}
	}
	var unknown []QueryResult
	h.m.QueryParaAt(1000, para.Blocks[1].Hash, nil, func(r QueryResult) { unknown = append(unknown, r) })
	if len(unknown) != 1 || !errors.Is(unknown[0].Err, ErrUnknownBlock) {
		t.Fatalf("unknown by callback: %+v", unknown)
	}
}

func TestQueryParaHeadNoHead(t *testing.T) {
	h, _, para := paraSetup(t, 10)
	h.addPara("para", 2000, (&server{para: para}).storage)
	id := h.m.QueryParaHead(2000, nil)
	if r := h.results(100, id)[id]; !errors.Is(r.Err, parachain.ErrNoHead) || !errors.Is(r.Err, ErrQueryFailed) {
		t.Fatalf("no head: %+v", r)
	}
	if _, ok := h.m.LatestParaHead(2000); ok {
		t.Fatal("latest head of a para without one")
	}
}

// A para peer that cannot serve an older head's state (pruned) is not
// dropped for it once finality moved past the relay block that proved it.
func TestQueryParaAtPrunedExcused(t *testing.T) {
	h, srv, para := paraSetup(t, 20)
	psrv := &server{para: para}
	h.addPara("para", 1000, func(r Request) ([]byte, error) {
		if r.Number < 25 {
			return nil, errors.New("state pruned")
		}
		return psrv.storage(r)
	})
	id := h.m.QueryParaHead(1000, nil)
	if r := h.results(100, id)[id]; r.Err != nil {
		t.Fatal(r.Err)
	}
	srv.Visible = 40
	h.runUntil(100, func() bool { return h.finalized() == 40 })
	var ids []QueryID
	for i := 0; i < 5; i++ {
		ids = append(ids, h.m.QueryParaAt(1000, para.Blocks[20].Hash, [][]byte{testchain.KeySystemNumber}, nil))
		for _, r := range h.results(100, ids[i]) {
			if !errors.Is(r.Err, ErrQueryFailed) {
				t.Fatalf("pruned read %d: %+v", i, r)
			}
		}
	}
	if h.m.PeerCount() != 2 {
		t.Fatalf("peers %d: the para peer was dropped for pruned state", h.m.PeerCount())
	}
	id = h.m.QueryParaAt(1000, header.Hash{}, [][]byte{testchain.KeySystemNumber}, nil)
	if r := h.results(100, id)[id]; r.Err != nil || r.Para.Hash != para.Blocks[40].Hash {
		t.Fatalf("latest after pruned reads: %+v", r)
	}
}

func TestParaWindowsBound(t *testing.T) {
	para := newChain(t, testchain.Config{Seed: "sync-paraat-window", Blocks: 3})
	var w paraWindows
	relay := para.Blocks[0].Header.Clone()
	for i := 0; i < KeptParaHeads+10; i++ {
		hd := para.Blocks[1].Header.Clone()
		hd.Number = uint32(i)
		relay.Number = uint32(i)
		w.add(&ParaHead{ParaID: 7, Header: hd, Hash: hd.Hash()}, relay)
	}
	pw := w.byPara[7]
	if len(pw.byHash) != KeptParaHeads || pw.order.Len() != KeptParaHeads {
		t.Fatalf("kept %d/%d heads", len(pw.byHash), pw.order.Len())
	}
	if e, ok := w.latest(7); !ok || e.head.Header.Number != KeptParaHeads+9 {
		t.Fatalf("latest %+v", e)
	}
	first := para.Blocks[1].Header.Clone()
	first.Number = 0
	if _, ok := w.get(7, first.Hash()); ok {
		t.Fatal("lowest head kept")
	}
	// An older relay block proving the same head does not make it older.
	e, _ := w.latest(7)
	old := relay.Clone()
	old.Number = 3
	w.add(e.head, old)
	if e2, _ := w.get(7, e.head.Hash); e2.relay.Number != KeptParaHeads+9 {
		t.Fatalf("relay of kept head moved back to %d", e2.relay.Number)
	}
}

// Para peers that connect before any relay peer do not end the machine.
func TestErrParaPeersFirst(t *testing.T) {
	h, _, _ := paraSetup(t, 20)
	m, err := New(Config{Header: h.c.Blocks[0].Header, Set: h.c.Set(0)})
	if err != nil {
		t.Fatal(err)
	}
	m.AddPeer("para", PeerCaps{Kinds: CanStorage, Para: true, ParaID: 1000})
	if err := m.Err(); err != nil {
		t.Fatalf("Err with only a para peer before sync: %v", err)
	}
	m.AddPeer("relay", PeerCaps{Kinds: CanWarp | CanStorage})
	m.RemovePeer("relay")
	if err := m.Err(); !errors.Is(err, ErrNoPeers) {
		t.Fatalf("Err after the relay peer left: %v", err)
	}
}

// FuzzParaStorageAnswer feeds arbitrary para proofs to a read at a proven
// para head: no panic, and any values accepted are the para state's.
func FuzzParaStorageAnswer(f *testing.F) {
	para := newChain(f, testchain.Config{Seed: "fuzz-paraat-para", Blocks: 8})
	relay := newChain(f, testchain.Config{Seed: "fuzz-paraat-relay", Blocks: 8, ExtraState: func(n uint32) []trieKV {
		return paraHeadState(para, n)
	}})
	srv := &server{c: relay, Visible: 8}
	psrv := &server{para: para}
	keys := [][]byte{testchain.KeySystemNumber, testchain.KeyTimestampNow, []byte("absent")}
	for _, n := range []uint32{8, 3} {
		b, err := psrv.storage(Request{Para: true, Block: para.Blocks[n].Hash, Keys: keys})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{4, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		h := newHarness(t, relay, 8, Config{})
		h.add("relay", CanWarp|CanStorage, honest(srv))
		h.addPara("para", 1000, func(Request) ([]byte, error) { return b, nil })
		var res []QueryResult
		h.m.QueryParaAt(1000, header.Hash{}, keys, func(r QueryResult) { res = append(res, r) })
		h.runUntil(10, func() bool { return len(res) > 0 })
		if len(res) != 1 {
			t.Fatalf("%d results", len(res))
		}
		r := res[0]
		if r.Err != nil {
			return
		}
		if r.Para == nil || r.Para.Hash != para.Blocks[8].Hash {
			t.Fatalf("read at %+v", r.Para)
		}
		for _, v := range r.Values {
			want := stateValue(para, 8, v.Key)
			if v.Found != (want != nil) || !bytes.Equal(v.Value, want) {
				t.Fatalf("key %x: %x (found %v), want %x", v.Key, v.Value, v.Found, want)
			}
		}
	})
}
