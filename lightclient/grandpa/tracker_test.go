package grandpa

import (
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

// chainOf builds headers 1..len(logs) on top of genesis, header i carrying logs[i-1].
func chainOf(logs [][]header.GrandpaLog) (header.Hash, []*header.Header) {
	genesis := (&header.Header{}).Hash()
	parent := genesis
	var hs []*header.Header
	for i, ls := range logs {
		h := &header.Header{ParentHash: parent, Number: uint32(i + 1)}
		for _, l := range ls {
			h.Digest = append(h.Digest, l.DigestItem())
		}
		hs = append(hs, h)
		parent = h.Hash()
	}
	return genesis, hs
}

func TestTrackerRules(t *testing.T) {
	a := func(b byte) []Authority { return []Authority{{Key: [32]byte{b}, Weight: 1}} }
	sched := func(b byte, delay uint32) header.GrandpaLog {
		return header.GrandpaLog{Kind: header.GrandpaScheduledChange, Change: header.GrandpaChange{NextAuthorities: a(b), Delay: delay}}
	}
	forced := func(b byte, median, delay uint32) header.GrandpaLog {
		return header.GrandpaLog{Kind: header.GrandpaForcedChange, Median: median, Change: header.GrandpaChange{NextAuthorities: a(b), Delay: delay}}
	}
	logs := make([][]header.GrandpaLog, 20)
	logs[1] = []header.GrandpaLog{sched(2, 3), {Kind: header.GrandpaPause, Delay: 2}}      // #2: change at #5, pause at #4
	logs[7] = []header.GrandpaLog{forced(3, 6, 1), {Kind: header.GrandpaResume, Delay: 0}} // #8: forced at #9
	logs[10] = []header.GrandpaLog{sched(4, 0), {Kind: header.GrandpaOnDisabled, DisabledIndex: 0}}
	genesis, hs := chainOf(logs)
	tr, err := NewTracker(AuthoritySet{SetID: 10, Authorities: a(1)}, genesis, 0)
	if err != nil {
		t.Fatal(err)
	}
	type ev struct {
		n      uint32
		set    uint64
		forced bool
		median uint32
	}
	var got []ev
	for _, h := range hs {
		ch, err := tr.Import(h)
		if err != nil {
			t.Fatalf("#%d: %v", h.Number, err)
		}
		if ch != nil {
			got = append(got, ev{ch.Number, ch.Set.SetID, ch.Forced, ch.MedianLastFinalized})
		}
		paused := h.Number >= 4 && h.Number < 8
		if tr.Paused() != paused {
			t.Errorf("#%d paused %v", h.Number, tr.Paused())
		}
		if h.Number == 3 && len(tr.Pending()) != 1 {
			t.Errorf("#3: %d pending", len(tr.Pending()))
		}
	}
	want := []ev{{5, 11, false, 0}, {9, 12, true, 6}, {11, 13, false, 0}}
	if len(got) != len(want) {
		t.Fatalf("changes %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if s := tr.Set(); s.Authorities[0].Key[0] != 4 {
		t.Errorf("final set %+v", s)
	}

	// Refusals.
	bad := []struct {
		name string
		logs [][]header.GrandpaLog
		want error
	}{
		{"two scheduled in one header", [][]header.GrandpaLog{{sched(2, 1), sched(3, 1)}}, ErrConflictingChanges},
		{"scheduled while pending", [][]header.GrandpaLog{{sched(2, 5)}, {sched(3, 5)}}, ErrConflictingChanges},
		{"empty next set", [][]header.GrandpaLog{{{Kind: header.GrandpaScheduledChange}}}, ErrInvalidAuthoritySet},
	}
	for _, tt := range bad {
		genesis, hs := chainOf(tt.logs)
		tr, _ := NewTracker(AuthoritySet{Authorities: a(1)}, genesis, 0)
		var err error
		for _, h := range hs {
			if _, err = tr.Import(h); err != nil {
				break
			}
		}
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := NewTracker(AuthoritySet{}, genesis, 0); !errors.Is(err, ErrInvalidAuthoritySet) {
		t.Errorf("empty start set: %v", err)
	}
	// A header with an undecodable FRNK log is refused.
	_, hs = chainOf([][]header.GrandpaLog{nil})
	hs[0].Digest = []header.DigestItem{{Kind: header.DigestConsensus, Engine: header.EngineGRANDPA, Data: []byte{9}}}
	tr, _ = NewTracker(AuthoritySet{Authorities: a(1)}, hs[0].ParentHash, 0)
	if _, err := tr.Import(hs[0]); !errors.Is(err, ErrMalformed) {
		t.Errorf("bad log: %v", err)
	}
}

func TestAuthoritySetRules(t *testing.T) {
	tests := []struct {
		weights   []uint64
		total     uint64
		threshold uint64
	}{
		{[]uint64{1}, 1, 1},
		{[]uint64{1, 1, 1}, 3, 3},
		{[]uint64{1, 1, 1, 1}, 4, 3},
		{[]uint64{5, 1, 1, 1}, 8, 6},
		{make100(1), 100, 67},
	}
	for _, tt := range tests {
		s := AuthoritySet{}
		for i, w := range tt.weights {
			s.Authorities = append(s.Authorities, Authority{Key: [32]byte{byte(i), byte(i >> 8)}, Weight: w})
		}
		if s.TotalWeight() != tt.total || s.Threshold() != tt.threshold {
			t.Errorf("%v: total %d threshold %d", tt.weights, s.TotalWeight(), s.Threshold())
		}
	}
	for _, s := range []AuthoritySet{
		{},
		{Authorities: []Authority{{Weight: 0}}},
		{Authorities: []Authority{{Weight: 1}, {Weight: 1}}},
		{Authorities: []Authority{{Key: [32]byte{1}, Weight: ^uint64(0)}, {Weight: 1}}},
	} {
		if err := s.Validate(); !errors.Is(err, ErrInvalidAuthoritySet) {
			t.Errorf("%+v: %v", s, err)
		}
	}
}

func make100(w uint64) []uint64 {
	out := make([]uint64, 100)
	for i := range out {
		out[i] = w
	}
	return out
}
