package chainsync

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

func manySets(t testing.TB) *testchain.Chain {
	return newChain(t, testchain.Config{Seed: "sync-many", Blocks: 1000, Voters: 7, Rotate: 2, SetLength: 20, ForcedEvery: 3, VariedWeights: true, JustifyEvery: -1})
}

func honest(s *server) behaviour { return s.answer }

func TestWarpAcrossManySetsThenFollow(t *testing.T) {
	c := manySets(t)
	if len(c.Changes) < 40 {
		t.Fatalf("only %d changes", len(c.Changes))
	}
	forced := 0
	for _, ch := range c.Changes {
		if ch.Forced {
			forced++
		}
	}
	if forced == 0 {
		t.Fatal("no forced change in the chain")
	}
	for _, tc := range []struct {
		name string
		caps Caps
		max  int
	}{
		{"warp", CanWarp | CanStorage, 0},
		{"warp-paged", CanWarp | CanStorage, 7},
		{"finality", CanFinality | CanStorage, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := &server{c: c, Visible: 900, MaxFragments: tc.max}
			h := newHarness(t, c, 0, Config{})
			h.add("a", tc.caps, honest(srv))
			h.add("b", tc.caps, honest(srv))
			if !h.runUntil(500, h.m.Synced) {
				t.Fatalf("not synced; finalized %d", h.finalized())
			}
			if h.finalized() != 900 {
				t.Fatalf("synced at %d, want 900", h.finalized())
			}
			changes := h.count(func(e Event) bool { _, ok := e.(SetChanged); return ok })
			want := 0
			for _, ch := range c.Changes {
				if ch.Enact <= 900 {
					want++
				}
			}
			if changes != want {
				t.Fatalf("%d SetChanged events, want %d", changes, want)
			}
			if _, _, id := h.m.Finalized(); id != c.SetIDAt(901) {
				t.Fatalf("set id %d, want %d", id, c.SetIDAt(901))
			}
			// Follow new finality: the servers' head moves on.
			for _, v := range []uint32{905, 920, 921, 1000} {
				srv.Visible = v
				if !h.runUntil(100, func() bool { return h.finalized() == v }) {
					t.Fatalf("did not follow to %d (at %d)", v, h.finalized())
				}
			}
			if _, _, id := h.m.Finalized(); id != c.SetIDAt(1001) {
				t.Fatalf("set id %d at the head, want %d", id, c.SetIDAt(1001))
			}
			for p, errs := range h.errs {
				if len(errs) > 0 {
					t.Fatalf("honest peer %s got verdicts: %v", p, errs)
				}
			}
		})
	}
}

func TestStorageQuery(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "sync-q", Blocks: 200, SetLength: 50})
	srv := &server{c: c, Visible: 180}
	h := newHarness(t, c, 0, Config{})
	h.add("a", CanWarp|CanStorage, honest(srv))
	keys := [][]byte{testchain.KeySystemNumber, testchain.KeyGrandpaSetID, []byte("absent-key")}
	id := h.m.Query(keys)
	res := awaitQueryWithin(t, h, id, 100)
	if res.Err != nil {
		t.Fatalf("query: %+v", res)
	}
	if res.Number != 180 || len(res.Values) != 3 || !res.Values[0].Found || res.Values[2].Found {
		t.Fatalf("unexpected result %+v", res)
	}
}

func TestAdversaries(t *testing.T) {
	c := manySets(t)
	srv := &server{c: c, Visible: 1000}
	bad := map[string]behaviour{
		"garbage": func(Request) ([]byte, error) { return []byte{0xde, 0xad, 0xbe, 0xef}, nil },
		"forged": func(r Request) ([]byte, error) {
			b, err := srv.answer(r)
			if err != nil || r.Kind != KindWarp {
				return b, err
			}
			p, _ := grandpa.DecodeWarpProof(b)
			f := p.Fragments[len(p.Fragments)/2]
			j := *f.Justification
			j.Commit.Precommits = append([]grandpa.SignedPrecommit(nil), j.Commit.Precommits...)
			j.Commit.Precommits[0].Signature[5] ^= 1
			p.Fragments[len(p.Fragments)/2].Justification = &j
			return p.Encode(), nil
		},
		"withhold": func(r Request) ([]byte, error) {
			b, err := srv.answer(r)
			if err != nil || r.Kind != KindWarp {
				return b, err
			}
			p, _ := grandpa.DecodeWarpProof(b)
			if len(p.Fragments) > 3 {
				p.Fragments = append(p.Fragments[:2], p.Fragments[3:]...)
			}
			return p.Encode(), nil
		},
		"wrong-set": func(r Request) ([]byte, error) {
			if r.Kind != KindWarp {
				return srv.answer(r)
			}
			// Only the head's fragment, signed by the set that really
			// finalized it: the set-change fragments leading there are missing.
			id := c.SetIDAt(1000)
			j, err := c.Justify(1000, testchain.JustifyOptions{SetID: &id})
			if err != nil {
				return nil, err
			}
			p := &grandpa.WarpProof{Fragments: []grandpa.Fragment{{Header: c.Blocks[1000].Header, Justification: j}}, IsFinished: true}
			return p.Encode(), nil
		},
		"wrong-root": func(r Request) ([]byte, error) {
			if r.Kind == KindStorage {
				n, _ := srv.number(r.Block)
				r.Block = c.Blocks[n-1].Hash
			}
			return srv.answer(r)
		},
		"stall": func(Request) ([]byte, error) { return nil, errors.New("timeout") },
	}
	for name, b := range bad {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, c, 0, Config{})
			h.add("0-liar", CanWarp|CanStorage, b) // picked first
			h.add("1-honest", CanWarp|CanStorage, honest(srv))
			// Two queries at once: one of them goes to the liar.
			ids := []QueryID{h.m.Query([][]byte{testchain.KeySystemNumber}), h.m.Query([][]byte{testchain.KeyTimestampNow})}
			res := map[QueryID]QueryResult{}
			banned := 0
			ok := h.runUntil(200, func() bool {
				for _, e := range h.events {
					if q, ok := e.(QueryResult); ok {
						res[q.ID] = q
					}
				}
				banned = h.count(func(e Event) bool { pb, ok := e.(PeerBanned); return ok && pb.Peer == "0-liar" })
				return h.finalized() == 1000 && len(res) == 2 && banned > 0
			})
			if !ok {
				t.Fatalf("stuck at %d, queries %+v, banned %d", h.finalized(), res, banned)
			}
			for _, id := range ids {
				if r := res[id]; r.Err != nil || r.Number != 1000 {
					t.Fatalf("query: %+v", r)
				}
			}
			want := Malicious
			if name == "stall" {
				want = Failed
			}
			if banned != 1 {
				t.Fatalf("liar banned %d times", banned)
			}
			for _, e := range h.events {
				if pb, ok := e.(PeerBanned); ok {
					if pb.Peer != "0-liar" || pb.Verdict != want {
						t.Fatalf("unexpected ban %+v", pb)
					}
				}
			}
			if name != "stall" {
				errs := h.errs["0-liar"]
				if len(errs) == 0 || VerdictOf(errs[len(errs)-1]) != Malicious {
					t.Fatalf("liar verdicts %v", errs)
				}
			}
			if len(h.errs["1-honest"]) > 0 {
				t.Fatalf("honest peer: %v", h.errs["1-honest"])
			}
			if err := h.m.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOnlyLiars(t *testing.T) {
	c := manySets(t)
	for _, tc := range []struct {
		name string
		b    behaviour
		want error
	}{
		{"malicious", func(Request) ([]byte, error) { return []byte{1, 2, 3}, nil }, ErrAllPeersMalicious},
		{"stalling", func(Request) ([]byte, error) { return nil, errors.New("stall") }, ErrNoPeers},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, c, 0, Config{})
			h.add("x", CanWarp, tc.b)
			h.add("y", CanFinality, tc.b)
			h.runUntil(100, func() bool { return h.m.Err() != nil })
			if err := h.m.Err(); !errors.Is(err, tc.want) {
				t.Fatalf("Err() = %v, want %v", err, tc.want)
			}
			if h.finalized() != 0 || h.count(func(e Event) bool { _, ok := e.(Finalized); return ok }) != 0 {
				t.Fatal("liars made the machine finalize something")
			}
		})
	}
}

func TestFinalityProofAdversaries(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "sync-fp", Blocks: 300, SetLength: 50, ForcedEvery: 2})
	srv := &server{c: c, Visible: 300}
	mutate := map[string]func(p *FinalityProof){
		"unlinked-headers": func(p *FinalityProof) { p.UnknownHeaders = p.UnknownHeaders[1:] },
		"no-headers":       func(p *FinalityProof) { p.UnknownHeaders = nil },
		"wrong-block":      func(p *FinalityProof) { p.Block[0] ^= 1 },
		"bad-justification": func(p *FinalityProof) {
			j, _ := grandpa.DecodeJustification(p.Justification)
			j.Commit.Precommits[1].Signature[0] ^= 1
			p.Justification = j.Encode()
		},
		"few-signers": func(p *FinalityProof) {
			last := p.UnknownHeaders[len(p.UnknownHeaders)-1].Number
			j, _ := c.Justify(last, testchain.JustifyOptions{Signers: []int{0, 1, 2, 3, 4, 5}})
			p.Justification = j.Encode()
		},
		"truncated-bytes": nil,
	}
	for name, mut := range mutate {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, c, 0, Config{})
			h.add("0-liar", CanFinality|CanStorage, func(r Request) ([]byte, error) {
				b, err := srv.answer(r)
				if err != nil || r.Kind != KindFinality || b == nil {
					return b, err
				}
				if mut == nil {
					return b[:len(b)-3], nil
				}
				p, err := DecodeFinalityProof(b)
				if err != nil {
					t.Fatal(err)
				}
				mut(p)
				return p.Encode(), nil
			})
			h.add("1-honest", CanFinality|CanStorage, honest(srv))
			if !h.runUntil(200, func() bool { return h.finalized() == 300 }) {
				t.Fatalf("stuck at %d", h.finalized())
			}
			errs := h.errs["0-liar"]
			if len(errs) != 1 || VerdictOf(errs[0]) != Malicious {
				t.Fatalf("liar verdicts %v", errs)
			}
		})
	}
}

func TestParachainQuery(t *testing.T) {
	relay := newChain(t, testchain.Config{Seed: "sync-relay", Blocks: 120, SetLength: 40})
	para := newChain(t, testchain.Config{Seed: "sync-para", Blocks: 120})
	// The relay state must record the para heads: rebuild the relay with them.
	relay = newChain(t, testchain.Config{Seed: "sync-relay", Blocks: 120, SetLength: 40, ExtraState: func(n uint32) []trieKV {
		return paraHeadState(para, n)
	}})
	srv := &server{c: relay, Visible: 110}
	psrv := &server{c: relay, para: para}
	h := newHarness(t, relay, 0, Config{})
	h.add("relay", CanWarp|CanStorage, honest(srv))
	h.addPara("para-a-liar", 1000, func(r Request) ([]byte, error) {
		r.Block = para.Blocks[3].Hash
		return psrv.storage(r)
	})
	h.addPara("para-honest", 1000, psrv.storage)
	id := h.m.QueryPara(1000, [][]byte{testchain.KeySystemNumber})
	missing := h.m.QueryPara(2000, [][]byte{testchain.KeySystemNumber})
	got := map[QueryID]QueryResult{}
	h.runUntil(100, func() bool {
		for _, e := range h.events {
			if q, ok := e.(QueryResult); ok {
				got[q.ID] = q
			}
		}
		return len(got) == 2
	})
	res, ok := got[id]
	if !ok || res.Err != nil {
		t.Fatalf("para query: %+v", res)
	}
	if res.Number != 110 || res.Para == nil || res.Para.Header.Number != 110 || res.Para.Hash != para.Blocks[110].Hash {
		t.Fatalf("para head: %+v", res)
	}
	if v := res.Values[0]; !v.Found || fmt.Sprintf("%x", v.Value) != fmt.Sprintf("%x", stateValue(para, 110, testchain.KeySystemNumber)) {
		t.Fatalf("para value %+v", v)
	}
	if r := got[missing]; !errors.Is(r.Err, ErrQueryFailed) || !errors.Is(r.Err, parachain.ErrNoHead) {
		t.Fatalf("missing para: %+v", r)
	}
	if VerdictOf(h.errs["para-a-liar"][0]) != Malicious {
		t.Fatalf("para liar: %v", h.errs["para-a-liar"])
	}
}

func TestTimeoutsExpire(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "sync-to", Blocks: 100})
	srv := &server{c: c, Visible: 100}
	h := newHarness(t, c, 0, Config{RequestTimeout: 5 * time.Second})
	h.m.AddPeer("silent", PeerCaps{Kinds: CanWarp})
	reqs := h.m.Desired(h.now)
	if len(reqs) != 1 || reqs[0].Peer != "silent" {
		t.Fatalf("requests %+v", reqs)
	}
	// Never answered: after the deadline the machine moves on.
	h.add("honest", CanWarp, honest(srv))
	h.now = h.now.Add(6 * time.Second)
	if !h.runUntil(20, h.m.Synced) {
		t.Fatal("not synced after a timeout")
	}
	if err := h.m.OnResponse(reqs[0].ID, nil); !errors.Is(err, ErrUnknownRequest) {
		t.Fatalf("late answer: %v", err)
	}
}

// Changes with a delay cannot be warp-synced (the fragment must carry the
// change); finality proofs carry every header, and the tracker enacts the
// change at the right block, also across a restart between signal and
// enactment.
func TestDelayedChangesByFinalityProofs(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "sync-delay", Blocks: 300, SetLength: 30, ScheduledDelay: 5, ForcedEvery: 4, ForcedDelay: 3})
	srv := &server{c: c, Visible: 300}
	h := newHarness(t, c, 0, Config{})
	h.add("a", CanFinality, honest(srv))
	if !h.runUntil(300, func() bool { return h.finalized() == 300 }) {
		t.Fatalf("stuck at %d", h.finalized())
	}
	if got := h.count(func(e Event) bool { _, ok := e.(SetChanged); return ok }); got != len(c.Changes) {
		t.Fatalf("%d set changes, want %d", got, len(c.Changes))
	}
	// Restart between the signal and the enactment of change 2.
	ch := c.Changes[1]
	mid := ch.Signal + 2
	sig := c.Blocks[ch.Signal]
	pending := grandpa.PendingChange{NextAuthorities: c.Set(ch.SetID).Authorities, Delay: ch.Enact - ch.Signal, CanonHeight: ch.Signal, CanonHash: sig.Hash, Forced: ch.Forced}
	if ch.Forced {
		t.Skip("change 2 is forced in this chain")
	}
	h2 := newHarness(t, c, mid, Config{Set: c.Set(ch.SetID - 1), Pending: []grandpa.PendingChange{pending}})
	h2.add("a", CanFinality, honest(srv))
	if !h2.runUntil(300, func() bool { return h2.finalized() == 300 }) {
		t.Fatalf("stuck at %d", h2.finalized())
	}
	if _, _, id := h2.m.Finalized(); id != c.SetIDAt(301) {
		t.Fatalf("set %d, want %d", id, c.SetIDAt(301))
	}
	// Without the pending change the machine cannot follow: the change's
	// header is behind it, so the next set's justification fails to verify.
	h3 := newHarness(t, c, mid, Config{Set: c.Set(ch.SetID - 1)})
	h3.lax = true
	h3.add("a", CanFinality, honest(srv))
	h3.runUntil(50, func() bool { return h3.m.Err() != nil })
	if h3.finalized() != ch.Enact || !errors.Is(h3.m.Err(), ErrAllPeersMalicious) {
		t.Fatalf("finalized %d, err %v", h3.finalized(), h3.m.Err())
	}
}

func TestUselessAndRemovedPeers(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "sync-useless", Blocks: 200, SetLength: 50})
	srv := &server{c: c, Visible: 200}
	stale := &server{c: c, Visible: 0} // has nothing newer than genesis
	h := newHarness(t, c, 0, Config{})
	h.add("0-stale", CanWarp, honest(stale))
	h.m.NoteTarget(200) // a peer claims block 200
	h.step()
	errs := h.errs["0-stale"]
	if len(errs) != 1 || VerdictOf(errs[0]) != Useless || h.m.Synced() {
		t.Fatalf("stale peer: %v, synced %v", errs, h.m.Synced())
	}
	// A peer that disconnects with a request in flight.
	h.m.AddPeer("1-gone", PeerCaps{Kinds: CanWarp})
	reqs := h.m.Desired(h.now.Add(5 * time.Second))
	if len(reqs) != 1 || reqs[0].Peer != "1-gone" {
		t.Fatalf("requests %+v", reqs)
	}
	h.m.RemovePeer("1-gone")
	if err := h.m.OnResponse(reqs[0].ID, nil); !errors.Is(err, ErrUnknownRequest) {
		t.Fatalf("answer after removal: %v", err)
	}
	h.add("2-honest", CanWarp, honest(srv))
	if !h.runUntil(20, h.m.Synced) || h.finalized() != 200 {
		t.Fatalf("finalized %d", h.finalized())
	}
	var last Progress
	for _, e := range h.events {
		if p, ok := e.(Progress); ok {
			last = p
		}
	}
	if last.Done != 200 || last.Target != 200 {
		t.Fatalf("progress %+v", last)
	}
}

func TestErrIgnoresParaPeersBeforeSync(t *testing.T) {
	c := newChain(t, testchain.Config{Seed: "sync-err-para", Blocks: 50})
	h := newHarness(t, c, 0, Config{})
	h.add("relay-liar", CanWarp, func(Request) ([]byte, error) { return []byte{9}, nil })
	h.addPara("para", 1000, func(Request) ([]byte, error) { return nil, errors.New("unused") })
	h.runUntil(10, func() bool { return h.m.Err() != nil })
	if err := h.m.Err(); !errors.Is(err, ErrAllPeersMalicious) {
		t.Fatalf("Err() = %v", err)
	}
}
