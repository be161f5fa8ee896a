package chainsync

import (
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// pusher answers like live and serves the justifications the chain stores
// (set-ending blocks) for KindJustification.
func pusher(s *server, counts map[Kind]int) behaviour {
	l := live(s, counts)
	return func(r Request) ([]byte, error) {
		if r.Kind != KindJustification {
			return l(r)
		}
		counts[r.Kind]++
		n, ok := s.number(r.Block)
		if !ok || s.c.Blocks[n].Justification == nil {
			return nil, nil
		}
		return s.c.Blocks[n].Justification.Encode(), nil
	}
}

const pushCaps = CanFinality | CanStorage | CanHeaders | CanJustification | PushesJustifications

func justOf(t testing.TB, c *testchain.Chain, n uint32, opts testchain.JustifyOptions) []byte {
	t.Helper()
	j, err := c.Justify(n, opts)
	if err != nil {
		t.Fatal(err)
	}
	return j.Encode()
}

// syncedPushHarness is a harness synced at block at by polls from one
// pushing peer "a".
func syncedPushHarness(t *testing.T, c *testchain.Chain, at uint32) (*harness, *server, map[Kind]int) {
	t.Helper()
	srv := &server{c: c, Visible: at}
	counts := map[Kind]int{}
	h := newHarness(t, c, 0, Config{})
	h.add("a", pushCaps, pusher(srv, counts))
	if !h.runUntil(300, h.m.Synced) || h.finalized() != at {
		t.Fatalf("not synced at %d: %d (errors %v)", at, h.finalized(), h.errs)
	}
	return h, srv, counts
}

func TestFollowJustifications(t *testing.T) {
	c := liveChain(t) // set changes at 50, 100, ... (250 forced)
	h, srv, counts := syncedPushHarness(t, c, 180)
	polls := counts[KindFinality]
	if !h.m.PollsHeld(h.now) {
		t.Fatal("synced with a pushing peer, the polls are not held")
	}
	n := uint32(180)
	for i := 0; n < 280; i++ {
		n = nextFollowed(c, n, i)
		srv.Visible = n
		if err := h.m.OnJustification("a", justOf(t, c, n, testchain.JustifyOptions{VoteAhead: i % 2}), h.now); err != nil {
			t.Fatalf("justification %d: %v", n, err)
		}
		if !h.runUntil(10, func() bool { return h.finalized() == n }) {
			t.Fatalf("justification of %d not followed (at %d); errors %v", n, h.finalized(), h.errs)
		}
	}
	if _, _, id := h.m.Finalized(); id != c.SetIDAt(281) {
		t.Fatalf("set %d, want %d", id, c.SetIDAt(281))
	}
	// The pushes skip the change at 300: the stored justification of 300
	// is asked, then the pushed one (set 6) verified.
	srv.Visible = 320
	if err := h.m.OnJustification("a", justOf(t, c, 320, testchain.JustifyOptions{}), h.now); err != nil {
		t.Fatalf("justification 320 (a later set): %v", err)
	}
	if !h.runUntil(10, func() bool { return h.finalized() == 320 }) {
		t.Fatalf("did not catch up to 320 (at %d); errors %v", h.finalized(), h.errs)
	}
	if counts[KindJustification] != 1 {
		t.Fatalf("%d stored justifications asked, want 1", counts[KindJustification])
	}
	if _, _, id := h.m.Finalized(); id != c.SetIDAt(321) {
		t.Fatalf("set %d, want %d", id, c.SetIDAt(321))
	}
	if counts[KindFinality] != polls {
		t.Fatalf("%d finality polls while justifications were pushed", counts[KindFinality]-polls)
	}
	if got := h.m.FollowedByJustifications(); got != 140 {
		t.Fatalf("followed %d blocks from justifications, want 140", got)
	}
	h.requireRemembered(t, c, 181, 320)
	if changes := h.count(func(e Event) bool { ch, ok := e.(SetChanged); return ok && ch.Number > 180 }); changes != 3 {
		t.Fatalf("%d set changes while following, want 3", changes)
	}
	if errs := h.errs["a"]; len(errs) > 0 {
		t.Fatalf("honest peer: %v", errs)
	}
	// Silence: the polls resume after PushSilence.
	for i := 0; i < 30 && counts[KindFinality] == polls; i++ {
		h.step()
	}
	if counts[KindFinality] == polls {
		t.Fatal("no finality poll after the pushes fell silent")
	}
	if h.m.PollsHeld(h.now) {
		t.Fatal("polls held after the pushes fell silent")
	}
}

func TestJustificationQueue(t *testing.T) {
	c := liveChain(t)
	h, srv, counts := syncedPushHarness(t, c, 90)
	polls := counts[KindFinality]
	srv.Visible = 120
	// 100 ends set 1; 101..120 are set 2's: the second waits for the first.
	for _, n := range []uint32{95, 100, 110, 120} {
		if err := h.m.OnJustification("a", justOf(t, c, n, testchain.JustifyOptions{}), h.now); err != nil {
			t.Fatalf("justification %d: %v", n, err)
		}
	}
	if !h.runUntil(10, func() bool { return h.finalized() == 120 }) {
		t.Fatalf("at %d; errors %v", h.finalized(), h.errs)
	}
	// 120 replaced 110 in the queue while 95 was followed; it is of set 2,
	// so at most the stored justification of 100 was asked.
	if counts[KindJustification] > 1 || counts[KindFinality] != polls {
		t.Fatalf("%d stored justifications asked, %d polls", counts[KindJustification], counts[KindFinality]-polls)
	}
	// Old and duplicate pushes are useless.
	for _, n := range []uint32{110, 120} {
		if err := h.m.OnJustification("a", justOf(t, c, n, testchain.JustifyOptions{}), h.now); VerdictOf(err) != Useless {
			t.Fatalf("old justification %d: %v", n, err)
		}
	}
}

func TestJustificationAdversaries(t *testing.T) {
	c := liveChain(t)
	forge := func(t *testing.T, n uint32) []byte {
		j, err := c.Justify(n, testchain.JustifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		j.Commit.Precommits[1].Signature[7] ^= 1
		return j.Encode()
	}
	few := func(t *testing.T, n uint32) []byte {
		return justOf(t, c, n, testchain.JustifyOptions{Signers: []int{0, 1}})
	}
	otherSet := func(t *testing.T, n uint32) []byte {
		id := uint64(2) // a set that ended long ago
		return justOf(t, c, n, testchain.JustifyOptions{SetID: &id})
	}
	for _, tc := range []struct {
		name string
		enc  func(t *testing.T, n uint32) []byte
	}{
		{"bad signature", forge},
		{"weight below threshold", few},
		{"signed for an old set", otherSet},
		{"garbage", func(*testing.T, uint32) []byte { return []byte{1, 2, 3} }},
		{"trailing bytes", func(t *testing.T, n uint32) []byte { return append(justOf(t, c, n, testchain.JustifyOptions{}), 0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, srv, _ := syncedPushHarness(t, c, 180)
			srv.Visible = 185
			err := h.m.OnJustification("a", tc.enc(t, 185), h.now)
			if VerdictOf(err) != Malicious {
				t.Fatalf("verdict %v: %v", VerdictOf(err), err)
			}
			h.collect()
			if h.count(func(e Event) bool { b, ok := e.(PeerBanned); return ok && b.Peer == "a" }) != 1 || h.m.PeerCount() != 0 {
				t.Fatal("sender not banned")
			}
			id := h.m.Query([][]byte{testchain.KeySystemNumber})
			h.step()
			res := h.queryResult(id)
			if res == nil || !errors.Is(res.Err, ErrQueryFailed) || !errors.Is(res.Err, ErrMalicious) {
				t.Fatalf("query after the ban: %+v", res)
			}
		})
	}
	t.Run("headers that do not chain", func(t *testing.T) {
		h, srv, counts := syncedPushHarness(t, c, 180)
		srv.Visible = 190
		honest := pusher(srv, counts)
		h.peers["a"] = func(r Request) ([]byte, error) {
			if r.Kind == KindHeaders {
				hs := []*header.Header{}
				for i := uint32(0); i < r.Count; i++ {
					hd := c.Blocks[190-i].Header.Clone()
					if i == 3 {
						hd.StateRoot[0] ^= 1
					}
					hs = append(hs, hd)
				}
				return EncodeHeaders(hs), nil
			}
			return honest(r)
		}
		if err := h.m.OnJustification("a", justOf(t, c, 190, testchain.JustifyOptions{}), h.now); err != nil {
			t.Fatal(err)
		}
		h.step()
		if errs := h.errs["a"]; len(errs) == 0 || VerdictOf(errs[0]) != Malicious {
			t.Fatalf("broken headers: %v", errs)
		}
		if h.finalized() != 180 || h.m.PeerCount() != 0 {
			t.Fatalf("finalized %d from broken headers; %d peers", h.finalized(), h.m.PeerCount())
		}
		if err := h.m.OnJustification("a", justOf(t, c, 190, testchain.JustifyOptions{}), h.now); VerdictOf(err) != Useless {
			t.Fatalf("justification from a banned peer: %v", err)
		}
	})
	t.Run("forged later-set justification", func(t *testing.T) {
		h, srv, counts := syncedPushHarness(t, c, 280)
		srv.Visible = 320
		// Set 6's voters sign block 320, too few of them: plausible until
		// the machine reaches set 6.
		enc := justOf(t, c, 320, testchain.JustifyOptions{Signers: []int{0}})
		if err := h.m.OnJustification("a", enc, h.now); err != nil {
			t.Fatalf("plausible later-set justification refused at once: %v", err)
		}
		h.runUntil(10, func() bool { return h.m.PeerCount() == 0 })
		if h.m.PeerCount() != 0 {
			t.Fatalf("sender of a forged later-set justification not banned (at %d)", h.finalized())
		}
		// The honest part (up to the change at 300) was finalized.
		if h.finalized() != 300 || counts[KindJustification] != 1 {
			t.Fatalf("finalized %d, %d stored justifications", h.finalized(), counts[KindJustification])
		}
	})
}

// FuzzOnJustification feeds an arbitrary pushed justification, then
// arbitrary headers and stored-justification answers: the machine must not
// panic nor finalize anything that is not the chain's.
func FuzzOnJustification(f *testing.F) {
	c, err := testchain.Generate(testchain.Config{Seed: "fuzz-j", Blocks: 12, SetLength: 6, Voters: 4, JustifyEvery: -1})
	if err != nil {
		f.Fatal(err)
	}
	srv := &server{c: c, Visible: 12}
	for _, n := range []uint32{4, 6, 9} {
		j, _ := c.Justify(n, testchain.JustifyOptions{VoteAhead: 1})
		hs, _ := srv.headers(Request{Block: c.Blocks[n].Hash, Count: n - 2})
		f.Add(j.Encode(), hs, c.Blocks[6].Justification.Encode())
	}
	f.Fuzz(func(t *testing.T, just, headers, stored []byte) {
		h := newHarness(t, c, 2, Config{Verifier: &grandpa.Verifier{CheckSignatures: grandpa.SequentialChecker}})
		h.add("p", CanHeaders|CanJustification|PushesJustifications, func(r Request) ([]byte, error) {
			if r.Kind == KindJustification {
				return stored, nil
			}
			return headers, nil
		})
		h.m.synced, h.m.phase = true, phaseFollow
		_ = h.m.OnJustification("p", just, h.now)
		for i := 0; i < 4; i++ {
			h.step()
		}
	})
}

// A pushed justification beyond a set change whose block justification no
// peer keeps: the polls catch up, then pushes are followed again.
func TestJustificationWithoutStored(t *testing.T) {
	c := liveChain(t)
	h, srv, counts := syncedPushHarness(t, c, 70)
	honest := pusher(srv, counts)
	h.peers["a"] = func(r Request) ([]byte, error) {
		if r.Kind == KindJustification {
			counts[r.Kind]++
			return nil, nil // chain_getBlock without justifications
		}
		return honest(r)
	}
	polls := counts[KindFinality]
	srv.Visible = 120
	if err := h.m.OnJustification("a", justOf(t, c, 120, testchain.JustifyOptions{}), h.now); err != nil {
		t.Fatal(err)
	}
	if !h.runUntil(20, func() bool { return h.finalized() == 120 }) {
		t.Fatalf("did not catch up (at %d); errors %v", h.finalized(), h.errs)
	}
	if counts[KindJustification] != 1 || counts[KindFinality] == polls {
		t.Fatalf("%d stored justifications asked, %d polls", counts[KindJustification], counts[KindFinality]-polls)
	}
	h.runUntil(5, func() bool { return false })
	polls = counts[KindFinality]
	for n := uint32(121); n <= 125; n++ {
		srv.Visible = n
		if err := h.m.OnJustification("a", justOf(t, c, n, testchain.JustifyOptions{}), h.now); err != nil {
			t.Fatal(err)
		}
		if !h.runUntil(5, func() bool { return h.finalized() == n }) {
			t.Fatalf("push %d not followed", n)
		}
	}
	if counts[KindFinality] != polls {
		t.Fatalf("%d polls with pushes back", counts[KindFinality]-polls)
	}
}

// BenchmarkFollowJustification measures following one block from a pushed
// justification in the machine alone (10 voters): verification, the headers
// request and its checks.
func BenchmarkFollowJustification(b *testing.B) {
	c := newChain(b, testchain.Config{Seed: "bench-justif", Blocks: 20, SetLength: 1 << 20, Voters: 10, JustifyEvery: -1})
	srv := &server{c: c, Visible: 20}
	counts := map[Kind]int{}
	h := newHarness(b, c, 0, Config{})
	h.add("a", pushCaps, pusher(srv, counts))
	if !h.runUntil(100, h.m.Synced) {
		b.Fatal("not synced")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		blk, err := c.Extend(nil)
		if err != nil {
			b.Fatal(err)
		}
		srv.Visible = blk.Header.Number
		enc := blk.Justification.Encode()
		b.StartTimer()
		if err := h.m.OnJustification("a", enc, h.now); err != nil {
			b.Fatal(err)
		}
		for _, r := range h.m.Desired(h.now) {
			p, _ := srv.headers(r)
			if err := h.m.OnResponseAt(r.ID, p, h.now); err != nil {
				b.Fatal(err)
			}
		}
		if h.finalized() != blk.Header.Number {
			b.Fatalf("at %d", h.finalized())
		}
		h.m.Events()
	}
}

// A push too far ahead to fetch its headers in one answer makes the machine
// poll at once, quiet period or not.
func TestJustificationFarAhead(t *testing.T) {
	c := liveChain(t)
	h, srv, counts := syncedPushHarness(t, c, 10)
	h.runUntil(3, func() bool { return false })
	polls := counts[KindFinality]
	h.step()
	if counts[KindFinality] != polls {
		t.Fatal("polled while a pushing peer is quiet")
	}
	srv.Visible = 10 + MaxCommitHeaders + 20
	n := srv.Visible
	if err := h.m.OnJustification("a", justOf(t, c, n, testchain.JustifyOptions{}), h.now); err != nil {
		t.Fatalf("far-ahead justification: %v", err)
	}
	h.step()
	if counts[KindFinality] == polls {
		t.Fatal("no poll after a far-ahead push")
	}
	if !h.runUntil(20, func() bool { return h.finalized() == n }) {
		t.Fatalf("polls did not catch up (at %d)", h.finalized())
	}
	// Caught up: quiet again.
	h.runUntil(2, func() bool { return false })
	polls = counts[KindFinality]
	h.step()
	h.step()
	if counts[KindFinality] != polls {
		t.Fatal("polls go on after catching up")
	}
}
