package backend

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

func TestSyncEventOf(t *testing.T) {
	t.Parallel()
	h := header.Hash{0xab}
	reason := errors.New("bad justification")
	set := grandpa.AuthoritySet{SetID: 7, Authorities: make([]grandpa.Authority, 3)}
	cases := []struct {
		name string
		in   chainsync.Event
		want SyncEvent
		ok   bool
	}{
		{"progress", chainsync.Progress{Done: 10, Target: 20}, SyncEvent{Kind: SyncProgress, Start: 5, Done: 10, Target: 20}, true},
		{"finalized", chainsync.Finalized{Header: &header.Header{Number: 12}, Hash: h, SetID: 3},
			SyncEvent{Kind: SyncFinalized, Start: 5, Number: 12, Hash: h, SetID: 3}, true},
		{"set changed", chainsync.SetChanged{Number: 40, Hash: h, Forced: true, Set: set},
			SyncEvent{Kind: SyncSetChanged, Start: 5, Number: 40, Hash: h, Forced: true, SetID: 7, Authorities: 3}, true},
		{"peer banned", chainsync.PeerBanned{Peer: "12D3KooW", Verdict: chainsync.Malicious, Reason: reason},
			SyncEvent{Kind: SyncPeerDropped, Start: 5, Peer: "12D3KooW", Verdict: chainsync.Malicious.String(), Reason: reason}, true},
		{"synced", chainsync.Synced{Number: 99, Hash: h}, SyncEvent{Kind: SyncDone, Start: 5, Number: 99, Hash: h}, true},
		{"query result", chainsync.QueryResult{}, SyncEvent{}, false},
	}
	for _, c := range cases {
		got, ok := syncEventOf(c.in, 5)
		if ok != c.ok || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %+v %v, want %+v %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
