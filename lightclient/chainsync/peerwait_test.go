package chainsync

import (
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// A parachain query made before the parachain's transport reported its
// first peer waits for it (ExpectPara) up to PeerWait, and is answered
// when the peer arrives; without ExpectPara, or past PeerWait, it fails.
func TestParaQueryWaitsForExpectedPeer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		expect bool
		steps  int // clock seconds before the para peer arrives
		ok     bool
	}{
		{"expected, peer after 3 s", true, 3, true},
		{"expected, peer after PeerWait", true, 15, false},
		{"not expected", false, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _, para := paraSetup(t, 40)
			if !h.runUntil(100, func() bool { return h.m.Synced() }) {
				t.Fatal("not synced")
			}
			if tc.expect {
				h.m.ExpectPara(1000)
			}
			id := h.m.QueryParaAt(1000, header.Hash{}, [][]byte{testchain.KeySystemNumber}, nil)
			var got *QueryResult
			take := func() { got = h.queryResult(id) }
			for i := 0; i < tc.steps && got == nil; i++ {
				h.step()
				take()
			}
			if got == nil {
				h.addPara("para", 1000, (&server{para: para}).storage)
				h.runUntil(50, func() bool { take(); return got != nil })
			}
			if got == nil {
				t.Fatal("no answer")
			}
			if tc.ok != (got.Err == nil) {
				t.Fatalf("result %+v, want ok=%v", got, tc.ok)
			}
			if !tc.ok && !errors.Is(got.Err, ErrQueryFailed) {
				t.Fatalf("error %v, want ErrQueryFailed", got.Err)
			}
		})
	}
}
