package app

import "testing"

// TestReservedParaID: Registrar.reserve takes NextFreeParaId, but never an
// id below the first public one (polkadot-sdk paras_registrar:
// NextFreeParaId.max(LOWEST_PUBLIC_ID)); a fresh chain's NextFreeParaId is
// 0, and the id reserved there is 2000.
func TestReservedParaID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ next, want uint64 }{
		{0, 2000}, {1000, 2000}, {1999, 2000}, {2000, 2000}, {3417, 3417}, {1<<32 - 1, 1<<32 - 1},
	} {
		if got := reservedParaID(tc.next); uint64(got) != tc.want {
			t.Errorf("NextFreeParaId %d: reserves %d, want %d", tc.next, got, tc.want)
		}
	}
}
