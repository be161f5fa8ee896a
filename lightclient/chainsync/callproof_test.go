package chainsync

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// callProofServer answers KindCallProof requests with the proof of keys
// in the state of the block asked, altered by lie.
func callProofServer(c *testchain.Chain, keys [][]byte, lie func([][]byte) [][]byte) behaviour {
	return func(r Request) ([]byte, error) {
		if r.Kind != KindCallProof {
			return nil, fmt.Errorf("unexpected %s request", r.Kind)
		}
		n, ok := findBlock(c, r.Block)
		if !ok {
			return nil, fmt.Errorf("unknown block")
		}
		_, nodes := trie.Prove(*c.Config.Layout, c.State(n), keys)
		if lie != nil {
			nodes = lie(nodes)
		}
		return trie.EncodeProofSCALE(nodes), nil
	}
}

func TestFetchCallProof(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "callproof", Blocks: 8})
	keys := [][]byte{testchain.KeySystemNumber, testchain.KeyTimestampNow, []byte("absent")}
	unreachable := func(nodes [][]byte) [][]byte { return append(nodes, []byte{0x80, 0x01, 0x00}) }
	foreign := func([][]byte) [][]byte { // a proof of another block's state
		_, nodes := trie.Prove(*c.Config.Layout, c.State(2), keys)
		return nodes
	}
	for _, tc := range []struct {
		name    string
		peers   []behaviour // the first peers get asked first (ids in order)
		caps    Caps
		wantErr error
		banned  int
		asked   int
	}{
		{"honest", []behaviour{callProofServer(c, keys, nil)}, CanCallProof, nil, 0, 1},
		{"unreachable node banned, next peer", []behaviour{callProofServer(c, keys, unreachable), callProofServer(c, keys, nil)}, CanCallProof, nil, 1, 2},
		{"other block's state banned", []behaviour{callProofServer(c, keys, foreign), callProofServer(c, keys, nil)}, CanCallProof, nil, 1, 2},
		{"garbage banned", []behaviour{func(Request) ([]byte, error) { return []byte{0xff, 1, 2}, nil }}, CanCallProof, ErrCallProofFailed, 1, 1},
		{"empty proof banned", []behaviour{func(Request) ([]byte, error) { return []byte{0}, nil }}, CanCallProof, ErrCallProofFailed, 1, 1},
		{"failures", []behaviour{
			func(Request) ([]byte, error) { return nil, errors.New("refused") },
			func(Request) ([]byte, error) { return nil, errors.New("refused") },
			callProofServer(c, keys, nil)}, CanCallProof, ErrCallProofFailed, 0, MaxCallProofTries},
		{"no peer serves them", []behaviour{callProofServer(c, keys, nil)}, CanStorage, ErrCallProofFailed, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, c, 5, Config{})
			asked := 0
			for i, b := range tc.peers {
				h.add(PeerID(fmt.Sprintf("p%d", i)), tc.caps, func(r Request) ([]byte, error) {
					asked++
					if r.Method != "Core_version" || !bytes.Equal(r.Data, []byte{1, 2}) || r.Number != 5 {
						t.Errorf("request %+v", r)
					}
					return b(r)
				})
			}
			var got [][]byte
			var gotErr error
			calls := 0
			blk := c.Blocks[5]
			h.m.FetchCallProof(blk.Header, blk.Hash, "Core_version", []byte{1, 2}, func(nodes [][]byte, err error) {
				calls++
				got, gotErr = nodes, err
			})
			h.runUntil(10, func() bool { return calls > 0 })
			if calls != 1 {
				t.Fatalf("done called %d times", calls)
			}
			if !errors.Is(gotErr, tc.wantErr) || tc.wantErr == nil && gotErr != nil {
				t.Fatalf("error %v, want %v", gotErr, tc.wantErr)
			}
			if asked != tc.asked {
				t.Fatalf("%d peers asked, want %d", asked, tc.asked)
			}
			banned := h.count(func(e Event) bool { b, ok := e.(PeerBanned); return ok && b.Verdict == Malicious })
			if banned != tc.banned {
				t.Fatalf("%d peers banned, want %d", banned, tc.banned)
			}
			if tc.wantErr != nil {
				return
			}
			p, err := trie.NewProof(trie.Hash(blk.Header.StateRoot), got)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				v, found, err := p.Get(k)
				want := stateValue(c, 5, k)
				if err != nil || found != (want != nil) || !bytes.Equal(v, want) {
					t.Fatalf("key %q: %x %v %v, want %x", k, v, found, err, want)
				}
			}
			if len(h.m.calls.list) != 0 {
				t.Fatal("fetch still listed")
			}
		})
	}
}

func TestVerifyCallProof(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "callproof-verify", Blocks: 3})
	_, nodes := trie.Prove(*c.Config.Layout, c.State(3), [][]byte{testchain.KeySystemNumber})
	root := c.Blocks[3].Header.StateRoot
	got, err := VerifyCallProof(root, trie.EncodeProofSCALE(nodes))
	if err != nil || len(got) != len(nodes) {
		t.Fatalf("%d nodes, %v", len(got), err)
	}
	for _, bad := range [][]byte{nil, {0}, {4, 0}, append(trie.EncodeProofSCALE(nodes), 0)} {
		if _, err := VerifyCallProof(root, bad); err == nil {
			t.Fatalf("%x accepted", bad)
		}
	}
	if _, err := VerifyCallProof(c.Blocks[2].Header.StateRoot, trie.EncodeProofSCALE(nodes)); err == nil {
		t.Fatal("proof of another state accepted")
	}
}

func FuzzVerifyCallProof(f *testing.F) {
	c := newChain(f, testchain.Config{Seed: "callproof-fuzz", Blocks: 2})
	_, nodes := trie.Prove(*c.Config.Layout, c.State(2), [][]byte{testchain.KeySystemNumber, testchain.KeyTimestampNow})
	root := c.Blocks[2].Header.StateRoot
	f.Add(trie.EncodeProofSCALE(nodes))
	f.Add([]byte{0})
	f.Add([]byte{4, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := VerifyCallProof(root, b)
		if err != nil {
			return
		}
		// Accepted: a proof of this root whose nodes all link from it.
		if _, err := trie.NewProof(trie.Hash(root), got); err != nil {
			t.Fatalf("accepted %x: %v", b, err)
		}
		if !bytes.Equal(trie.EncodeProofSCALE(got), b) {
			// Re-encoding may differ only if the input was not canonical;
			// DecodeProofSCALE refuses trailing bytes, so it is canonical.
			t.Fatalf("re-encoding differs: %x", b)
		}
	})
}

// TestCallProofFailureKeepsPeer: a peer that declines a call proof (as an
// honest node does when the call fails) is not dropped for it.
func TestCallProofFailureKeepsPeer(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "callproof-keep", Blocks: 6})
	h := newHarness(t, c, 5, Config{MaxFailures: 1})
	h.add("p0", CanCallProof|CanStorage|CanWarp, func(r Request) ([]byte, error) {
		if r.Kind == KindCallProof {
			return nil, errors.New("no proof")
		}
		return (&server{c: c, Visible: 5}).answer(r)
	})
	var gotErr error
	done := false
	b := c.Blocks[5]
	h.m.FetchCallProof(b.Header, b.Hash, "Nope", nil, func(_ [][]byte, err error) { gotErr, done = err, true })
	h.runUntil(10, func() bool { return done })
	if !errors.Is(gotErr, ErrCallProofFailed) {
		t.Fatalf("got %v", gotErr)
	}
	if n := h.count(func(e Event) bool { _, ok := e.(PeerBanned); return ok }); n != 0 {
		t.Fatalf("%d peers dropped", n)
	}
	// The peer still serves storage.
	id := h.m.QueryAt(b.Hash, [][]byte{testchain.KeySystemNumber})
	var res *QueryResult
	h.runUntil(10, func() bool {
		for _, e := range h.events {
			if q, ok := e.(QueryResult); ok && q.ID == id {
				res = &q
			}
		}
		return res != nil
	})
	if res == nil || res.Err != nil || !bytes.Equal(res.Values[0].Value, stateValue(c, 5, testchain.KeySystemNumber)) {
		t.Fatalf("storage after a declined call proof: %+v", res)
	}
}

// TestFetchParaCallProof: a parachain block's call proof is asked of that
// parachain's peers serving call proofs only (not relay peers, not another
// parachain's), with the request marked para; a liar among them is banned.
func TestFetchParaCallProof(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "callproof-para", Blocks: 8})
	keys := [][]byte{testchain.KeySystemNumber}
	unreachable := func(nodes [][]byte) [][]byte { return append(nodes, []byte{0x80, 0x01, 0x00}) }
	h := newHarness(t, c, 5, Config{})
	asked := map[PeerID]int{}
	add := func(id PeerID, caps PeerCaps, b behaviour) {
		h.peers[id] = func(r Request) ([]byte, error) {
			asked[id]++
			if r.Kind == KindCallProof && (!r.Para || r.ParaID != 1000) {
				t.Errorf("call proof request %+v not marked para 1000", r)
			}
			return b(r)
		}
		h.m.AddPeer(id, caps)
	}
	relay := func(r Request) ([]byte, error) {
		if r.Kind == KindCallProof {
			return callProofServer(c, keys, nil)(r)
		}
		return (&server{c: c, Visible: 5}).answer(r)
	}
	add("relay", PeerCaps{Kinds: CanCallProof | CanStorage | CanWarp}, relay)
	add("para2000", PeerCaps{Kinds: CanStorage | CanCallProof, Para: true, ParaID: 2000}, callProofServer(c, keys, nil))
	add("p0-liar", PeerCaps{Kinds: CanStorage | CanCallProof, Para: true, ParaID: 1000}, callProofServer(c, keys, unreachable))
	add("p1-storage-only", PeerCaps{Kinds: CanStorage, Para: true, ParaID: 1000}, callProofServer(c, keys, nil))
	add("p2-honest", PeerCaps{Kinds: CanStorage | CanCallProof, Para: true, ParaID: 1000}, callProofServer(c, keys, nil))
	blk := c.Blocks[5]
	var got [][]byte
	var gotErr error
	calls := 0
	h.m.FetchParaCallProof(1000, blk.Header, blk.Hash, "Core_version", nil, func(nodes [][]byte, err error) {
		calls++
		got, gotErr = nodes, err
	})
	h.runUntil(10, func() bool { return calls > 0 })
	if calls != 1 || gotErr != nil {
		t.Fatalf("done %d times, error %v", calls, gotErr)
	}
	if p, err := trie.NewProof(trie.Hash(blk.Header.StateRoot), got); err != nil {
		t.Fatal(err)
	} else if v, found, err := p.Get(testchain.KeySystemNumber); err != nil || !found || !bytes.Equal(v, stateValue(c, 5, testchain.KeySystemNumber)) {
		t.Fatalf("System.Number %x %v %v", v, found, err)
	}
	// Peers are asked in id order: the liar first.
	if asked["para2000"] != 0 || asked["p1-storage-only"] != 0 || asked["p0-liar"] != 1 || asked["p2-honest"] != 1 {
		t.Fatalf("asked %v", asked)
	}
	if n := h.count(func(e Event) bool {
		b, ok := e.(PeerBanned)
		return ok && b.Peer == "p0-liar" && b.Verdict == Malicious
	}); n != 1 {
		t.Fatalf("liar banned %d times", n)
	}
}
