package chainspec

import (
	"bytes"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// syntheticGrandpa has pending standard changes (a tree) and a forced change.
func syntheticGrandpa() *GrandpaState {
	auth := func(b byte) []grandpa.Authority {
		return []grandpa.Authority{{Key: [32]byte{b}, Weight: 1}, {Key: [32]byte{b, 1}, Weight: 2}}
	}
	best := uint32(100)
	return &GrandpaState{
		Set: grandpa.AuthoritySet{SetID: 3, Authorities: auth(1)},
		PendingStandardChanges: ForkTree[PendingChange]{
			Roots: []ForkNode[PendingChange]{{
				Hash: [32]byte{9}, Number: 98,
				Data:     PendingChange{NextAuthorities: auth(2), Delay: 5, CanonHeight: 98, CanonHash: [32]byte{9}},
				Children: []ForkNode[PendingChange]{{Hash: [32]byte{10}, Number: 99, Data: PendingChange{NextAuthorities: auth(3), CanonHeight: 99, CanonHash: [32]byte{10}}}},
			}},
			BestFinalizedNumber: &best,
		},
		PendingForcedChanges: []PendingChange{{NextAuthorities: auth(4), Delay: 10, CanonHeight: 97, CanonHash: [32]byte{8}, Forced: true, MedianLastFinalized: 90}},
		AuthoritySetChanges:  []SetChangeEntry{{0, 10}, {1, 20}, {2, 50}},
	}
}

func TestGrandpaStateRoundTrip(t *testing.T) {
	g := syntheticGrandpa()
	enc := g.Encode()
	d, err := DecodeGrandpaState(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.Encode(), enc) || d.PendingStandardChanges.Len() != 2 || !d.PendingForcedChanges[0].Forced || d.PendingForcedChanges[0].MedianLastFinalized != 90 {
		t.Fatalf("round trip: %+v", d)
	}
	c := &Checkpoint{Grandpa: d}
	if got := c.TrackerPending(); len(got) != 3 || !got[2].Forced {
		t.Fatalf("tracker pending %+v", got)
	}
}

// westendLightSync is the lightSyncState of a real Westend chain spec from
// the shared test data, nil when it does not parse.
func westendLightSync(f *testing.F) *LightSyncState {
	s, err := Parse(testenv.ReadShared(f, "chainspec", "westend-lightsync-b26651536.json"))
	if err != nil {
		return nil
	}
	return s.LightSync
}

func FuzzDecodeGrandpaState(f *testing.F) {
	f.Add(syntheticGrandpa().Encode())
	if ls := westendLightSync(f); ls != nil {
		f.Add(ls.GrandpaAuthoritySet)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.RoundTrip(t, b, DecodeGrandpaState, (*GrandpaState).Encode)
	})
}

func FuzzDecodeBABEEpochChanges(f *testing.F) {
	if ls := westendLightSync(f); ls != nil {
		f.Add(ls.BABEEpochChanges)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.RoundTrip(t, b, DecodeBABEEpochChanges, (*BABEEpochChanges).Encode)
	})
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"kusama-asset-hub.json", "westend-asset-hub.json"} {
		f.Add(testenv.ReadShared(f, "chainspec", name))
	}
	f.Add([]byte(`{"id":"x","genesis":{"raw":{"top":{"0x3a636f6465":"0x0061736d01000000"},"childrenDefault":{"0x01":{"0x02":"0x03"}}}}}`))
	f.Add([]byte(`{"id":"x","lightSyncState":{"finalizedBlockHeader":"0x00","grandpaAuthoritySet":"0x00","babeEpochChanges":"0x0000","babeFinalizedBlockWeight":1}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b)
		if err != nil {
			return
		}
		_, _ = s.GenesisHash()
		_, _ = s.Checkpoint()
	})
}

func FuzzReadRuntimeVersion(f *testing.F) {
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	f.Add(append([]byte("\x00asm\x01\x00\x00\x00\x00\x14\x0fruntime_version"), 0x00, 0x00, 0x00, 0x00))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _ = ReadRuntimeVersion(b)
	})
}
