package chainspec

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// memberNames lists the top-level member names of a JSON object in order.
func memberNames(t testing.TB, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var names []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, k.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

// TestWithLightSyncStateRoundTrip: the checkpoint of every real light spec,
// rewritten from its own GRANDPA set and pending changes into the spec,
// reads back (Parse, Checkpoint) as the same block, set and genesis, with
// the spec's other members unchanged and in order; a spec without a
// lightSyncState gets one as its last member.
// parseCheckpoint parses the chain spec b and reads its checkpoint.
func parseCheckpoint(t *testing.T, b []byte) (*Spec, *Checkpoint) {
	t.Helper()
	s, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := s.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	return s, cp
}

func TestWithLightSyncStateRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"kusama-lightsync-b31697400.json", "kusama-lightsync-b20765720.json",
		"polkadot-lightsync-b26629221.json", "westend-lightsync-b26651536.json"} {
		t.Run(name, func(t *testing.T) {
			b := testenv.ReadShared(t, "chainspec", name)
			s, cp := parseCheckpoint(t, b)
			g := NewGrandpaState(cp.Header.Number, cp.Grandpa.Set, cp.TrackerPending())
			out, err := WithLightSyncState(b, cp.Header, g)
			if err != nil {
				t.Fatal(err)
			}
			s2, cp2 := parseCheckpoint(t, out)
			g1, _ := s.GenesisHash()
			g2, _ := s2.GenesisHash()
			if cp2.Hash != cp.Hash || cp2.Header.Number != cp.Header.Number || g1 != g2 ||
				cp2.Grandpa.Set.SetID != cp.Grandpa.Set.SetID || len(cp2.Grandpa.Set.Authorities) != len(cp.Grandpa.Set.Authorities) ||
				cp2.Grandpa.Set.Authorities[0] != cp.Grandpa.Set.Authorities[0] || len(cp2.Grandpa.AuthoritySetChanges) != 0 {
				t.Errorf("read back #%d %s set %d (%d authorities), genesis %s; want #%d %s set %d, genesis %s",
					cp2.Header.Number, cp2.Hash, cp2.Grandpa.Set.SetID, len(cp2.Grandpa.Set.Authorities), g2, cp.Header.Number, cp.Hash, cp.Grandpa.Set.SetID, g1)
			}
			if s2.ID != s.ID || strings.Join(s2.BootNodes, " ") != strings.Join(s.BootNodes, " ") || s2.ProtocolID != s.ProtocolID {
				t.Errorf("spec members changed: %s %v", s2.ID, s2.BootNodes)
			}
			if a, b := strings.Join(memberNames(t, b), ","), strings.Join(memberNames(t, out), ","); a != b {
				t.Errorf("members %s, want %s", b, a)
			}
			// Exported again, the same bytes.
			again, err := WithLightSyncState(out, cp2.Header, NewGrandpaState(cp2.Header.Number, cp2.Grandpa.Set, cp2.TrackerPending()))
			if err != nil || !bytes.Equal(again, out) {
				t.Errorf("not stable: %v", err)
			}
		})
	}
	// A spec without lightSyncState (the Asset Hub's) gets one, last; a
	// pending standard and a forced change survive the trip.
	b := testenv.ReadShared(t, "chainspec", "kusama-lightsync-b31697400.json")
	s, _ := Parse(b)
	cp, err := s.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	ah := testenv.ReadShared(t, "chainspec", "kusama-asset-hub.json")
	set := cp.Grandpa.Set
	pending := []grandpa.PendingChange{
		{NextAuthorities: set.Authorities[:3], Delay: 10, CanonHeight: cp.Header.Number - 1, CanonHash: cp.Header.ParentHash},
		{NextAuthorities: set.Authorities[3:5], Delay: 0, CanonHeight: cp.Header.Number - 2, CanonHash: cp.Hash, Forced: true, MedianLastFinalized: 7},
	}
	out, err := WithLightSyncState(ah, cp.Header, NewGrandpaState(cp.Header.Number, set, pending))
	if err != nil {
		t.Fatal(err)
	}
	names := memberNames(t, out)
	if names[len(names)-1] != "lightSyncState" || len(names) != len(memberNames(t, ah))+1 {
		t.Errorf("members %v", names)
	}
	s2, _ := Parse(out)
	cp2, err := s2.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	got := cp2.TrackerPending()
	if len(got) != 2 || got[0].Forced || !got[1].Forced || got[1].MedianLastFinalized != 7 || len(got[0].NextAuthorities) != 3 || got[0].CanonHash != cp.Header.ParentHash {
		t.Errorf("pending read back %+v", got)
	}
	for _, bad := range []string{``, `[]`, `{"a":`, `{"a":1`, `"x"`} {
		if _, err := WithLightSyncState([]byte(bad), cp.Header, NewGrandpaState(cp.Header.Number, set, nil)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// FuzzWithLightSyncState: any bytes as the spec never panic; what is
// accepted parses back to the checkpoint written.
func FuzzWithLightSyncState(f *testing.F) {
	for _, name := range sharedSpecs {
		if b := testenv.SharedSeed(f, append([]string{"chainspec"}, strings.Split(name, "/")...)...); b != nil && len(b) < 100_000 {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"id":"x","genesis":{"stateRootHash":"0x0000000000000000000000000000000000000000000000000000000000000000"}}`))
	f.Add([]byte(`{"id":"x","lightSyncState":1,"lightSyncState":2}`))
	p, err := Lookup("westend")
	if err != nil {
		f.Fatal(err)
	}
	cp, err := p.Checkpoint()
	if err != nil {
		f.Fatal(err)
	}
	g := NewGrandpaState(cp.Header.Number, cp.Grandpa.Set, nil)
	f.Fuzz(func(t *testing.T, spec []byte) {
		out, err := WithLightSyncState(spec, cp.Header, g)
		if err != nil {
			return
		}
		s, err := Parse(out)
		if err != nil {
			t.Fatalf("accepted output does not parse: %v", err)
		}
		c, err := s.Checkpoint()
		if err != nil || c.Hash != cp.Hash {
			t.Fatalf("checkpoint read back %v %v", c, err)
		}
	})
}
