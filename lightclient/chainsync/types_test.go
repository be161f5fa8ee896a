package chainsync

import "testing"

// Each request kind has a name and is served by exactly one capability;
// an unknown kind has neither.
func TestKindNamesAndCaps(t *testing.T) {
	for _, tc := range []struct {
		kind Kind
		name string
		cap  Caps
	}{
		{KindWarp, "warp", CanWarp},
		{KindFinality, "finality", CanFinality},
		{KindStorage, "storage", CanStorage},
		{KindHeaders, "headers", CanHeaders},
		{KindBody, "body", CanBody},
		{KindJustification, "justification", CanJustification},
		{KindCallProof, "call proof", CanCallProof},
		{0, "kind(0)", 0},
		{KindCallProof + 1, "kind(8)", 0},
		{255, "kind(255)", 0},
	} {
		if got := tc.kind.String(); got != tc.name {
			t.Errorf("Kind(%d).String() = %q, want %q", uint8(tc.kind), got, tc.name)
		}
		all := ^Caps(0)
		if got := all.has(tc.kind); got != (tc.cap != 0) {
			t.Errorf("all caps has %v = %v", tc.kind, got)
		}
		if tc.cap != 0 && (all &^ tc.cap).has(tc.kind) {
			t.Errorf("%v served without %b", tc.kind, tc.cap)
		}
		if tc.cap != 0 && !tc.cap.has(tc.kind) {
			t.Errorf("%b alone does not serve %v", tc.cap, tc.kind)
		}
	}
}
