package chainsync

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// live answers headers and body requests from the chain (any block up to
// Visible) and everything else like the honest server; it counts the
// requests by kind.
func live(s *server, counts map[Kind]int) behaviour {
	return func(r Request) ([]byte, error) {
		counts[r.Kind]++
		switch r.Kind {
		case KindHeaders:
			return s.headers(r)
		case KindBody:
			n, ok := s.number(r.Block)
			if !ok {
				return nil, fmt.Errorf("unknown block")
			}
			return EncodeBody(s.c.Blocks[n].Extrinsics), nil
		}
		return s.answer(r)
	}
}

func (s *server) headers(r Request) ([]byte, error) {
	n, ok := s.number(r.Block)
	if !ok {
		return EncodeHeaders(nil), nil
	}
	var hs []*header.Header
	for i := uint32(0); i < r.Count && n >= i; i++ {
		hs = append(hs, s.c.Blocks[n-i].Header.Clone())
	}
	return EncodeHeaders(hs), nil
}

// commitOf is the gossip commit of block n; with ahead > 0 some voters
// precommit up to ahead blocks above n.
func commitOf(t testing.TB, c *testchain.Chain, n uint32, ahead int) *grandpa.CompactCommit {
	t.Helper()
	return commitWith(t, c, n, testchain.JustifyOptions{VoteAhead: ahead})
}

// commitWith is the gossip commit of block n signed as opts say.
func commitWith(t testing.TB, c *testchain.Chain, n uint32, opts testchain.JustifyOptions) *grandpa.CompactCommit {
	t.Helper()
	j, err := c.Justify(n, opts)
	if err != nil {
		t.Fatal(err)
	}
	cc := &grandpa.CompactCommit{Round: j.Round, SetID: c.Blocks[n].SetID, TargetHash: j.Commit.TargetHash, TargetNumber: n}
	for _, p := range j.Commit.Precommits {
		cc.Precommits = append(cc.Precommits, p.Precommit)
		cc.AuthData = append(cc.AuthData, grandpa.AuthData{Signature: p.Signature, ID: p.ID})
	}
	return cc
}

// onHeaders is a peer that answers KindHeaders requests with answer and
// every other request truthfully.
func onHeaders(answer func() ([]byte, error)) func(*server) behaviour {
	return lieOn(KindHeaders, func(*server, Request) ([]byte, error) { return answer() })
}

// lieOn is a peer of srv's chain that answers the requests of kind k with
// answer and the others truthfully.
func lieOn(k Kind, answer func(srv *server, r Request) ([]byte, error)) func(*server) behaviour {
	return func(srv *server) behaviour {
		return func(r Request) ([]byte, error) {
			if r.Kind == k {
				return answer(srv, r)
			}
			return srv.answer(r)
		}
	}
}

func liveChain(t testing.TB) *testchain.Chain {
	return newChain(t, testchain.Config{Seed: "sync-live", Blocks: 400, Voters: 7, SetLength: 50, ForcedEvery: 3, VariedWeights: true, JustifyEvery: -1})
}

func TestFollowCommits(t *testing.T) {
	c := liveChain(t)
	srv := &server{c: c, Visible: 180}
	counts := map[Kind]int{}
	h := newHarness(t, c, 0, Config{})
	h.add("a", CanWarp|CanStorage|CanHeaders|CanBody, live(srv, counts))
	h.add("b", CanWarp|CanStorage|CanHeaders|CanBody, live(srv, counts))
	if !h.runUntil(200, h.m.Synced) || h.finalized() != 180 {
		t.Fatalf("not synced at 180: %d", h.finalized())
	}
	warps := counts[KindWarp]
	// Single blocks, jumps, precommits above the target, across the set
	// changes at 200, 250 (forced) and 300.
	n := uint32(180)
	for i := 0; n < 330; i++ {
		n = nextFollowed(c, n, i)
		srv.Visible = min(n+2, 400)
		ahead := i % 3
		h.followCommit("a", commitOf(t, c, n, ahead))
	}
	if counts[KindWarp] != warps {
		t.Fatalf("%d warp requests while following commits", counts[KindWarp]-warps)
	}
	if got := h.m.FollowedByCommits(); got != 150 {
		t.Fatalf("followed %d blocks from commits, want 150", got)
	}
	h.requireRemembered(t, c, 181, 330)
	if _, _, id := h.m.Finalized(); id != c.SetIDAt(331) {
		t.Fatalf("set %d, want %d", id, c.SetIDAt(331))
	}
	changes := h.count(func(e Event) bool { ch, ok := e.(SetChanged); return ok && ch.Number > 180 })
	if changes != 3 {
		t.Fatalf("%d set changes while following, want 3", changes)
	}
	for p, errs := range h.errs {
		if len(errs) > 0 {
			t.Fatalf("honest peer %s: %v", p, errs)
		}
	}
	// Bodies of followed blocks.
	for _, m := range []uint32{181, 250, 330} {
		var got [][]byte
		var gerr error
		h.m.FetchBody(c.Blocks[m].Header, c.Blocks[m].Hash, func(b [][]byte, err error) { got, gerr = b, err })
		h.step()
		if gerr != nil || len(got) != len(c.Blocks[m].Extrinsics) || !bytes.Equal(got[0], c.Blocks[m].Extrinsics[0]) {
			t.Fatalf("body of %d: %x %v", m, got, gerr)
		}
	}
}

func TestCommitAdversaries(t *testing.T) {
	c := liveChain(t)
	type setup struct {
		h   *harness
		srv *server
	}
	start := func(t *testing.T, peers map[PeerID]func(*server) behaviour) setup {
		srv := &server{c: c, Visible: 120}
		h := newHarness(t, c, 0, Config{})
		counts := map[Kind]int{}
		for id, b := range peers {
			if b == nil {
				h.add(id, CanWarp|CanHeaders|CanBody, live(srv, counts))
			} else {
				h.add(id, CanWarp|CanHeaders|CanBody, b(srv))
			}
		}
		if !h.runUntil(100, h.m.Synced) || h.finalized() != 120 {
			t.Fatalf("not synced: %d", h.finalized())
		}
		srv.Visible = 130
		return setup{h, srv}
	}
	banned := func(h *harness, id PeerID) bool {
		return h.count(func(e Event) bool { b, ok := e.(PeerBanned); return ok && b.Peer == id && b.Verdict == Malicious }) > 0
	}
	t.Run("forged signature", func(t *testing.T) {
		s := start(t, map[PeerID]func(*server) behaviour{"a": nil})
		cc := commitOf(t, c, 125, 0)
		cc.AuthData[3].Signature[7] ^= 1
		err := s.h.m.OnCommit("gossiper", cc, s.h.now)
		s.h.collect()
		if VerdictOf(err) != Malicious || !banned(s.h, "gossiper") {
			t.Fatalf("forged commit: %v", err)
		}
		if s.h.step(); s.h.finalized() != 120 {
			t.Fatal("finalized from a forged commit")
		}
	})
	t.Run("ignored", func(t *testing.T) {
		s := start(t, map[PeerID]func(*server) behaviour{"a": nil})
		other := commitOf(t, c, 160, 0) // set 3 while the machine is at set 2
		old := commitOf(t, c, 110, 0)
		few := commitOf(t, c, 125, 0)
		few.Precommits, few.AuthData = few.Precommits[:2], few.AuthData[:2]
		for name, tc := range map[string]struct {
			cc   *grandpa.CompactCommit
			want Verdict
		}{"other set": {other, Useless}, "old": {old, Useless}, "not enough weight": {few, Malicious}} {
			if err := s.h.m.OnCommit("g-"+PeerID(name), tc.cc, s.h.now); VerdictOf(err) != tc.want {
				t.Fatalf("%s: %v", name, err)
			}
		}
		s.h.step()
		if s.h.finalized() != 120 {
			t.Fatal("finalized from an ignored commit")
		}
	})
	t.Run("equivocations", func(t *testing.T) {
		// finality-grandpa gossips both precommits of an equivocating voter,
		// wherever they point: the commit is followed, nobody is banned.
		s := start(t, map[PeerID]func(*server) behaviour{"a": nil})
		eqs := []testchain.Equivocation{{Signer: 0, Number: 123}, {Signer: 2, Number: 127}}
		s.h.followCommit("a", commitWith(t, c, 125, testchain.JustifyOptions{Equivocations: eqs}))
		// A third precommit by one voter cannot come from honest voters.
		eqs = []testchain.Equivocation{{Signer: 0, Number: 127}, {Signer: 0, Number: 128}}
		err := s.h.m.OnCommit("g3", commitWith(t, c, 126, testchain.JustifyOptions{Equivocations: eqs}), s.h.now)
		if VerdictOf(err) != Malicious || !errors.Is(err, grandpa.ErrEquivocation) {
			t.Fatalf("three precommits by one voter: %v", err)
		}
		if banned(s.h, "a") {
			t.Fatal("banned the peer gossiping an equivocation")
		}
	})
	t.Run("headers that do not chain", func(t *testing.T) {
		bad := lieOn(KindHeaders, func(srv *server, r Request) ([]byte, error) {
			b, _ := srv.headers(r)
			hs, _ := DecodeHeaders(b)
			hs[len(hs)/2].StateRoot[0] ^= 1
			return EncodeHeaders(hs), nil
		})
		s := start(t, map[PeerID]func(*server) behaviour{"liar": bad, "zhonest": nil})
		s.h.followCommit("liar", commitOf(t, c, 128, 2))
		if !banned(s.h, "liar") || banned(s.h, "zhonest") {
			t.Fatal("wrong bans")
		}
	})
	t.Run("stall then other peer", func(t *testing.T) {
		stall := onHeaders(func() ([]byte, error) { return nil, errors.New("timeout") })
		none := onHeaders(func() ([]byte, error) { return EncodeHeaders(nil), nil }) // does not have the block
		s := start(t, map[PeerID]func(*server) behaviour{"staller": stall, "empty": none, "zhonest": nil})
		s.h.followCommit("staller", commitOf(t, c, 126, 0))
		if banned(s.h, "staller") || banned(s.h, "empty") {
			t.Fatal("banned an honest-looking peer")
		}
	})
	t.Run("headers never come", func(t *testing.T) {
		none := onHeaders(func() ([]byte, error) { return EncodeHeaders(nil), nil })
		s := start(t, map[PeerID]func(*server) behaviour{"a": none, "b": none})
		if err := s.h.m.OnCommit("a", commitOf(t, c, 126, 0), s.h.now); err != nil {
			t.Fatal(err)
		}
		if !s.h.runUntil(10, func() bool { return s.h.m.live.commit == nil }) || s.h.m.FollowedByCommits() != 0 {
			t.Fatal("commit still pending after every peer lacked its headers")
		}
		// The polls catch up.
		if !s.h.runUntil(20, func() bool { return s.h.finalized() == 130 }) {
			t.Fatalf("polls did not catch up: %d", s.h.finalized())
		}
		if banned(s.h, "a") || banned(s.h, "b") {
			t.Fatal("banned a peer without the block")
		}
	})
	t.Run("body not matching the root", func(t *testing.T) {
		bad := lieOn(KindBody, func(srv *server, r Request) ([]byte, error) {
			n, _ := srv.number(r.Block)
			body := append([][]byte{}, c.Blocks[n].Extrinsics...)
			body = append(body, scale.AppendBytes(nil, []byte{4, 0, 0}))
			return EncodeBody(body), nil
		})
		s := start(t, map[PeerID]func(*server) behaviour{"liar": bad})
		var got [][]byte
		var gerr error
		done := false
		b := c.Blocks[120]
		s.h.m.FetchBody(b.Header, b.Hash, func(x [][]byte, err error) { got, gerr, done = x, err, true })
		// With only a liar: banned, and a typed error.
		if !s.h.runUntil(5, func() bool { return done }) || !errors.Is(gerr, ErrBodyFailed) || !banned(s.h, "liar") {
			t.Fatalf("only a liar: %v", gerr)
		}
		s.h.add("honest", CanWarp|CanHeaders|CanBody, live(s.srv, map[Kind]int{}))
		done = false
		s.h.m.FetchBody(b.Header, b.Hash, func(x [][]byte, err error) { got, gerr, done = x, err, true })
		if !s.h.runUntil(5, func() bool { return done }) || gerr != nil || len(got) != len(b.Extrinsics) || !bytes.Equal(got[0], b.Extrinsics[0]) {
			t.Fatalf("body: %x %v", got, gerr)
		}
	})
}

func TestVerifyBodyLayouts(t *testing.T) {
	long := scale.AppendBytes(nil, bytes.Repeat([]byte{7}, 60))
	short := scale.AppendBytes(nil, []byte{1, 2})
	body := [][]byte{short, long}
	for _, l := range []struct {
		name string
		root func() header.Hash
	}{
		{"v0", func() header.Hash { return orderedRoot(0, body) }},
		{"v1", func() header.Hash { return orderedRoot(1, body) }},
	} {
		h := &header.Header{ExtrinsicsRoot: l.root()}
		if err := VerifyBody(h, body); err != nil {
			t.Fatalf("%s: %v", l.name, err)
		}
		if err := VerifyBody(h, body[:1]); !errors.Is(err, ErrBodyMismatch) {
			t.Fatalf("%s: truncated body: %v", l.name, err)
		}
		if err := VerifyBody(h, [][]byte{short, long[1:]}); !errors.Is(err, ErrBodyMismatch) {
			t.Fatalf("%s: unprefixed extrinsic: %v", l.name, err)
		}
	}
	if orderedRoot(0, body) == orderedRoot(1, body) {
		t.Fatal("layouts agree on a 60-byte value")
	}
	enc := EncodeBody(body)
	dec, err := DecodeBody(enc)
	if err != nil || len(dec) != 2 || !bytes.Equal(dec[1], long) {
		t.Fatalf("round trip: %x %v", dec, err)
	}
	if _, err := DecodeBody(enc[:len(enc)-1]); !errors.Is(err, ErrMalformed) {
		t.Fatalf("truncated: %v", err)
	}
}

// TestCommitAcrossSetChange interleaves a commit with a set change: a
// commit of set 2 arrives and its headers are asked; while the request is
// in flight a poll finalizes the end of set 2 and set 3 takes over; then
// the headers arrive. The commit's signatures were checked for set 2, so
// its precommits must not be weighed against set 3: it is dropped, the
// responder is not blamed, and the polls carry finality on.
func TestCommitAcrossSetChange(t *testing.T) {
	c := liveChain(t)
	end, ok := c.SetEnd(2)
	if !ok || c.SetIDAt(end) != 2 || c.SetIDAt(end+1) != 3 {
		t.Fatalf("test chain: set 2 ends at %d", end)
	}
	srv := &server{c: c, Visible: end - 30}
	h := newHarness(t, c, 0, Config{})
	h.add("a", CanWarp|CanFinality|CanHeaders, live(srv, map[Kind]int{}))
	h.add("b", CanWarp|CanFinality|CanHeaders, live(srv, map[Kind]int{}))
	if !h.runUntil(100, h.m.Synced) || h.finalized() != end-30 {
		t.Fatalf("not synced at %d: %d", end-30, h.finalized())
	}

	// Voters of set 2 that stay in set 3 sign a set-2 commit for a block
	// of set 3, with weight enough for both sets' thresholds: only the set
	// id of the signed message tells the sets apart.
	set2, set3 := c.Set(2), c.Set(3)
	var signers []int
	var w2, w3 uint64
	for i, a := range set2.Authorities {
		if j, ok := set3.Index(a.Key); ok {
			signers = append(signers, i)
			w2 += a.Weight
			w3 += set3.Authorities[j].Weight
		}
	}
	if w2 < set2.Threshold() || w3 < set3.Threshold() {
		t.Fatalf("test chain: shared voters weigh %d/%d in set 2, %d/%d in set 3", w2, set2.Threshold(), w3, set3.Threshold())
	}
	two := uint64(2)
	target := end + 5
	cc, err := c.CompactCommit(target, testchain.JustifyOptions{SetID: &two, Signers: signers})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.m.OnCommit("a", cc, h.now); err != nil {
		t.Fatalf("commit of the current set: %v", err)
	}
	var held *Request
	for _, r := range h.m.Desired(h.now) {
		if r.Kind == KindHeaders {
			held = &r
			continue
		}
		t.Fatalf("unexpected request %v", r.Kind)
	}
	if held == nil || held.Block != c.Blocks[target].Hash {
		t.Fatalf("headers of the commit not asked: %+v", held)
	}

	// The set change is applied while the headers are on their way.
	srv.Visible = end
	if !h.runUntil(20, func() bool { _, _, id := h.m.Finalized(); return id == 3 }) || h.finalized() != end {
		t.Fatalf("set change not applied: finalized %d", h.finalized())
	}

	// The headers arrive (an honest answer).
	srv.Visible = target
	payload, err := srv.headers(*held)
	if err != nil {
		t.Fatal(err)
	}
	err = h.m.OnResponseAt(held.ID, payload, h.now)
	h.collect()
	if h.finalized() != end {
		t.Fatalf("finalized %d from a set-2 commit weighed against set 3", h.finalized())
	}
	if VerdictOf(err) != Useless {
		t.Fatalf("headers answer: %v, want useless", err)
	}
	if h.count(func(e Event) bool { _, ok := e.(PeerBanned); return ok }) > 0 {
		t.Fatal("banned the peer that answered honestly")
	}
	if h.m.live.commit != nil {
		t.Fatal("the stale commit is still pending")
	}
}
