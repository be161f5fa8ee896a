package grandpa_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

var (
	bigChainOnce sync.Once
	bigChain     *testchain.Chain
	bigChainErr  error
)

// chain3000 is 3000 blocks, 12 voters of varied weight rotating by 2, a set
// change every 100 blocks, every third one forced, votes on descendants.
func chain3000(t testing.TB) *testchain.Chain {
	bigChainOnce.Do(func() {
		bigChain, bigChainErr = testchain.Generate(testchain.Config{
			Seed: "grandpa-e2e", Blocks: 3000, Voters: 12, Rotate: 2, VariedWeights: true,
			SetLength: 100, ForcedEvery: 3, VoteAhead: 2,
		})
	})
	if bigChainErr != nil {
		t.Fatal(bigChainErr)
	}
	return bigChain
}

// clone deep-copies a justification through its encoding.
func clone(t testing.TB, j *grandpa.Justification) *grandpa.Justification {
	c, err := grandpa.DecodeJustification(j.Encode())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func cloneProof(t testing.TB, p *grandpa.WarpProof) *grandpa.WarpProof {
	c, err := grandpa.DecodeWarpProof(p.Encode())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTrackerFollowsChain(t *testing.T) {
	for _, cfg := range []testchain.Config{
		{Seed: "tracker-delay", Blocks: 2500, SetLength: 50, ScheduledDelay: 7, ForcedEvery: 4, ForcedDelay: 3, JustifyEvery: -1},
		{Seed: "tracker-nodelay", Blocks: 2500, SetLength: 37, ForcedEvery: 2, JustifyEvery: -1},
	} {
		c, err := testchain.Generate(cfg)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := grandpa.NewTracker(c.Set(0), c.Blocks[0].Hash, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []testchain.Change
		for _, b := range c.Blocks[1:] {
			ch, err := tr.Import(b.Header)
			if err != nil {
				t.Fatalf("%s #%d: %v", cfg.Seed, b.Header.Number, err)
			}
			if ch != nil {
				if want := c.Sets[ch.Set.SetID]; len(want.Authorities) != len(ch.Set.Authorities) || want.Authorities[0] != ch.Set.Authorities[0] {
					t.Fatalf("%s: set %d differs", cfg.Seed, ch.Set.SetID)
				}
				got = append(got, testchain.Change{Enact: ch.Number, Forced: ch.Forced, SetID: ch.Set.SetID})
			}
			if s := tr.Set(); s.SetID != c.SetIDAt(b.Header.Number+1) {
				t.Fatalf("%s #%d: tracker set %d, chain says %d", cfg.Seed, b.Header.Number, s.SetID, c.SetIDAt(b.Header.Number+1))
			}
		}
		if len(got) != len(c.Changes) || len(got) < 40 {
			t.Fatalf("%s: %d changes tracked, chain has %d", cfg.Seed, len(got), len(c.Changes))
		}
		forced := 0
		for i, g := range got {
			w := c.Changes[i]
			if g.Enact != w.Enact || g.Forced != w.Forced || g.SetID != w.SetID {
				t.Errorf("%s change %d: got %+v want %+v", cfg.Seed, i, g, w)
			}
			if g.Forced {
				forced++
			}
		}
		if forced == 0 {
			t.Errorf("%s: no forced change", cfg.Seed)
		}
		// Feeding a header out of order is refused.
		if _, err := tr.Import(c.Blocks[5].Header); !errors.Is(err, grandpa.ErrNotFinalizedInOrder) {
			t.Errorf("out of order: %v", err)
		}
		// Starting mid-way with the change pending gives the same result.
		ch := c.Changes[3]
		if ch.Enact > ch.Signal {
			mid := c.Blocks[ch.Signal]
			logs, _ := mid.Header.GrandpaLogs()
			p := grandpa.PendingChange{NextAuthorities: logs[0].Change.NextAuthorities, Delay: logs[0].Change.Delay, CanonHeight: ch.Signal, CanonHash: mid.Hash, Forced: ch.Forced}
			tr2, err := grandpa.NewTracker(c.Set(ch.SetID-1), mid.Hash, ch.Signal, p)
			if err != nil {
				t.Fatal(err)
			}
			for n := ch.Signal + 1; n <= ch.Enact; n++ {
				if _, err := tr2.Import(c.Blocks[n].Header); err != nil {
					t.Fatal(err)
				}
			}
			if tr2.Set().SetID != ch.SetID || len(tr2.Pending()) != 0 {
				t.Errorf("resumed tracker: set %d pending %d", tr2.Set().SetID, len(tr2.Pending()))
			}
		}
	}
}

func TestWarpAcrossChain(t *testing.T) {
	c := chain3000(t)
	forced := 0
	for _, ch := range c.Changes {
		if ch.Forced {
			forced++
		}
	}
	if len(c.Changes) != 30 || forced != 10 {
		t.Fatalf("%d changes, %d forced", len(c.Changes), forced)
	}
	p, err := c.WarpProof(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := grandpa.VerifyWarpProof(cloneProof(t, p), c.Set(0), grandpa.WarpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hash != c.Head().Hash || res.Set.SetID != 30 || res.Fragments != 30 || !res.Complete {
		t.Fatalf("warp result: #%d set %d, %d fragments", res.Header.Number, res.Set.SetID, res.Fragments)
	}
	// In steps of 7 fragments, each step starting from the last result.
	set, from := c.Set(0), uint32(0)
	for step := 0; ; step++ {
		p, err := c.WarpProof(set.SetID, 7)
		if err != nil {
			t.Fatal(err)
		}
		r, err := grandpa.VerifyWarpProof(p, set, grandpa.WarpOptions{FromNumber: from})
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		set, from = r.Set, r.Header.Number
		if r.Complete {
			break
		}
		if step > 10 {
			t.Fatal("warp never completes")
		}
	}
	if set.SetID != 30 || from != 3000 {
		t.Fatalf("stepped warp ended at #%d set %d", from, set.SetID)
	}
	// A hard fork replaces one fragment's verification.
	p2 := cloneProof(t, p)
	p2.Fragments[4].Justification.Round++ // would fail
	fork := c.Set(5)
	if _, err := grandpa.VerifyWarpProof(p2, c.Set(0), grandpa.WarpOptions{}); !errors.Is(err, grandpa.ErrBadSignature) {
		t.Fatalf("broken fragment: %v", err)
	}
	if _, err := grandpa.VerifyWarpProof(p2, c.Set(0), grandpa.WarpOptions{HardForks: map[header.Hash]grandpa.AuthoritySet{p2.Fragments[4].Header.Hash(): fork}}); err != nil {
		t.Fatalf("with hard fork: %v", err)
	}
}

func TestAdversarial(t *testing.T) {
	c := chain3000(t)
	base, err := c.WarpProof(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Justification cases on a block of set 4 with descendant votes.
	n, ok := c.SetEnd(4)
	if !ok {
		t.Fatal("no set 4 end")
	}
	n -= 10
	setID := c.Blocks[n].SetID
	set := c.Set(setID)
	good, err := c.Justify(n, testchain.JustifyOptions{VoteAhead: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(good.VotesAncestries) != 3 {
		t.Fatalf("%d ancestries", len(good.VotesAncestries))
	}
	if _, err := grandpa.VerifyJustification(good, &set); err != nil {
		t.Fatal(err)
	}
	next := setID + 1
	round := good.Round
	jtests := []struct {
		name   string
		mutate func(j *grandpa.Justification, s *grandpa.AuthoritySet)
		want   error
	}{
		{"forged signature", func(j *grandpa.Justification, _ *grandpa.AuthoritySet) { j.Commit.Precommits[2].Signature[40] ^= 4 }, grandpa.ErrBadSignature},
		{"signature of another voter", func(j *grandpa.Justification, _ *grandpa.AuthoritySet) {
			j.Commit.Precommits[2].Signature = j.Commit.Precommits[1].Signature
		}, grandpa.ErrBadSignature},
		{"set id +1", func(_ *grandpa.Justification, s *grandpa.AuthoritySet) { s.SetID++ }, grandpa.ErrBadSignature},
		{"set id -1", func(_ *grandpa.Justification, s *grandpa.AuthoritySet) { s.SetID-- }, grandpa.ErrBadSignature},
		{"missing ancestry", func(j *grandpa.Justification, _ *grandpa.AuthoritySet) { j.VotesAncestries = j.VotesAncestries[1:] }, grandpa.ErrNotDescendant},
		{"ancestry of another chain", func(j *grandpa.Justification, _ *grandpa.AuthoritySet) { j.VotesAncestries[0].StateRoot[0] ^= 1 }, grandpa.ErrNotDescendant},
		{"unused ancestry", func(j *grandpa.Justification, _ *grandpa.AuthoritySet) {
			j.VotesAncestries = append(j.VotesAncestries, c.Blocks[n+20].Header)
		}, grandpa.ErrUnusedAncestry},
		{"duplicate ancestry", func(j *grandpa.Justification, _ *grandpa.AuthoritySet) {
			j.VotesAncestries = append(j.VotesAncestries, j.VotesAncestries[0])
		}, grandpa.ErrDuplicateAncestry},
		{"precommit below target", func(j *grandpa.Justification, _ *grandpa.AuthoritySet) {
			j.Commit.Precommits[0] = c.SignPrecommit(setID, 0, grandpa.Precommit{TargetHash: c.Blocks[n-1].Hash, TargetNumber: n - 1}, round)
		}, grandpa.ErrNotDescendant},
		{"duplicate signer", func(j *grandpa.Justification, _ *grandpa.AuthoritySet) {
			j.Commit.Precommits = append(j.Commit.Precommits, j.Commit.Precommits[0])
		}, grandpa.ErrDuplicateSignature},
		{"three precommits by one voter", func(j *grandpa.Justification, _ *grandpa.AuthoritySet) {
			// voter 0 voted for the target; it also votes for its child and grandchild.
			j.Commit.Precommits = append(j.Commit.Precommits,
				c.SignPrecommit(setID, 0, grandpa.Precommit{TargetHash: c.Blocks[n+1].Hash, TargetNumber: n + 1}, round),
				c.SignPrecommit(setID, 0, grandpa.Precommit{TargetHash: c.Blocks[n+2].Hash, TargetNumber: n + 2}, round))
		}, grandpa.ErrEquivocation},
		{"unknown signer", func(j *grandpa.Justification, _ *grandpa.AuthoritySet) {
			last := len(c.Sets[next].Authorities) - 1 // a voter that joins in the next set
			j.Commit.Precommits[0] = c.SignPrecommit(next, last, j.Commit.Precommits[0].Precommit, round)
		}, grandpa.ErrUnknownAuthority},
		{"not enough weight", func(j *grandpa.Justification, s *grandpa.AuthoritySet) {
			var keep []grandpa.SignedPrecommit
			var w uint64
			for _, p := range j.Commit.Precommits {
				i, _ := s.Index(p.ID)
				if w+s.Authorities[i].Weight >= s.Threshold() {
					continue
				}
				w += s.Authorities[i].Weight
				keep = append(keep, p)
			}
			j.Commit.Precommits = keep
			j.VotesAncestries = nil
		}, grandpa.ErrNotEnoughWeight},
		{"empty set", func(_ *grandpa.Justification, s *grandpa.AuthoritySet) { s.Authorities = nil }, grandpa.ErrInvalidAuthoritySet},
	}
	for _, tt := range jtests {
		j := clone(t, good)
		s := set.Clone()
		tt.mutate(j, &s)
		if _, err := grandpa.VerifyJustification(j, &s); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	// The weight threshold is exact: the smallest signer prefix reaching it verifies.
	{
		j := clone(t, good)
		j.VotesAncestries = nil
		var keep []grandpa.SignedPrecommit
		var w uint64
		for _, p := range j.Commit.Precommits {
			if p.TargetHash != j.Commit.TargetHash {
				continue
			}
			i, _ := set.Index(p.ID)
			keep = append(keep, p)
			if w += set.Authorities[i].Weight; w >= set.Threshold() {
				break
			}
		}
		j.Commit.Precommits = keep
		if w >= set.Threshold() {
			if _, err := grandpa.VerifyJustification(j, &set); err != nil {
				t.Errorf("exact threshold: %v", err)
			}
		}
	}

	// Warp-proof cases.
	wtests := []struct {
		name   string
		mutate func(p *grandpa.WarpProof, start *grandpa.AuthoritySet)
		want   error
	}{
		{"forged signature", func(p *grandpa.WarpProof, _ *grandpa.AuthoritySet) {
			p.Fragments[7].Justification.Commit.Precommits[3].Signature[0] ^= 1
		}, grandpa.ErrBadSignature},
		{"start set id off by one", func(_ *grandpa.WarpProof, s *grandpa.AuthoritySet) { s.SetID++ }, grandpa.ErrBadSignature},
		{"fragments out of order", func(p *grandpa.WarpProof, _ *grandpa.AuthoritySet) {
			p.Fragments[3], p.Fragments[4] = p.Fragments[4], p.Fragments[3]
		}, grandpa.ErrFragmentOrder},
		{"repeated fragment", func(p *grandpa.WarpProof, _ *grandpa.AuthoritySet) {
			p.Fragments = append(p.Fragments[:5], p.Fragments[4:]...)
		}, grandpa.ErrFragmentOrder},
		{"skipped change", func(p *grandpa.WarpProof, _ *grandpa.AuthoritySet) {
			p.Fragments = append(p.Fragments[:5], p.Fragments[6:]...)
		}, grandpa.ErrUnknownAuthority},
		{"fragment without change", func(p *grandpa.WarpProof, _ *grandpa.AuthoritySet) {
			b := midSet5(t, c)
			p.Fragments = append(p.Fragments[:5], append([]grandpa.Fragment{{Header: b.Header, Justification: clone(t, b.Justification)}}, p.Fragments[5:]...)...)
		}, grandpa.ErrNoAuthorityChange},
		{"header and justification mismatch", func(p *grandpa.WarpProof, _ *grandpa.AuthoritySet) {
			p.Fragments[2].Header = p.Fragments[2].Header.Clone()
			p.Fragments[2].Header.StateRoot[3] ^= 1
		}, grandpa.ErrTargetMismatch},
		{"forged change authorities", func(p *grandpa.WarpProof, _ *grandpa.AuthoritySet) {
			// The header's change is rewritten to an attacker set: the header
			// hash changes, so the justification no longer matches it.
			h := p.Fragments[1].Header.Clone()
			for i, it := range h.Digest {
				if it.Engine == header.EngineGRANDPA {
					l, _ := header.DecodeGrandpaLog(it.Data)
					l.Change.NextAuthorities[0].Key[0] ^= 1
					h.Digest[i] = l.DigestItem()
				}
			}
			p.Fragments[1].Header = h
		}, grandpa.ErrTargetMismatch},
		{"unfinished proof ending without change", func(p *grandpa.WarpProof, _ *grandpa.AuthoritySet) {
			b := midSet5(t, c)
			p.Fragments = append(p.Fragments[:5], grandpa.Fragment{Header: b.Header, Justification: clone(t, b.Justification)})
			p.IsFinished = false
		}, grandpa.ErrNoAuthorityChange},
		{"fragment not above start", func(p *grandpa.WarpProof, _ *grandpa.AuthoritySet) { p.Fragments[0].Header.Number = 0 }, grandpa.ErrFragmentOrder},
	}
	for _, tt := range wtests {
		p := cloneProof(t, base)
		s := c.Set(0)
		tt.mutate(p, &s)
		if _, err := grandpa.VerifyWarpProof(p, s, grandpa.WarpOptions{}); !errors.Is(err, tt.want) {
			t.Errorf("warp %s: %v, want %v", tt.name, err, tt.want)
		}
	}
	// A finished proof may end on a justified block without a change.
	{
		b := midSet5(t, c)
		p := cloneProof(t, base)
		p.Fragments = append(p.Fragments[:5], grandpa.Fragment{Header: b.Header, Justification: clone(t, b.Justification)})
		r, err := grandpa.VerifyWarpProof(p, c.Set(0), grandpa.WarpOptions{})
		if err != nil || r.Set.SetID != 5 || r.Hash != b.Hash {
			t.Errorf("finished proof ending inside set 5: %v", err)
		}
	}
	if _, err := grandpa.VerifyWarpProof(&grandpa.WarpProof{}, c.Set(0), grandpa.WarpOptions{}); !errors.Is(err, grandpa.ErrWarpIncomplete) {
		t.Errorf("empty unfinished proof: %v", err)
	}
	if r, err := grandpa.VerifyWarpProof(&grandpa.WarpProof{IsFinished: true}, c.Set(3), grandpa.WarpOptions{}); err != nil || r.Set.SetID != 3 || r.Header != nil {
		t.Errorf("empty finished proof: %v", err)
	}
	// Truncated or padded warp responses do not decode.
	enc := base.Encode()
	for _, b := range [][]byte{enc[:len(enc)-1], enc[:len(enc)/2], append(append([]byte{}, enc...), 0), {}} {
		if _, err := grandpa.DecodeWarpProof(b); !errors.Is(err, grandpa.ErrMalformed) {
			t.Errorf("bad warp response of %d bytes: %v", len(b), err)
		}
	}
}

// midSet5 returns a justified block strictly inside set 5 (no change log).
func midSet5(t *testing.T, c *testchain.Chain) *testchain.Block {
	start, _ := c.SetEnd(4)
	end, _ := c.SetEnd(5)
	for m := start + 1; m < end; m++ {
		if c.Blocks[m].Justification != nil {
			return c.Blocks[m]
		}
	}
	t.Fatal("no justified block inside set 5")
	return nil
}
