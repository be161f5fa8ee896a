package backend

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// SyncEventKind says what a SyncEvent reports.
type SyncEventKind int

const (
	// SyncProgress: the finalized block (Done) and the best block peers
	// claim (Target).
	SyncProgress SyncEventKind = iota + 1
	// SyncFinalized: a new finalized block (Number, Hash) proven by the
	// set SetID.
	SyncFinalized
	// SyncSetChanged: an authority-set change (SetID, Authorities, Forced)
	// enacted at block (Number, Hash).
	SyncSetChanged
	// SyncPeerDropped: a peer (Peer) dropped for Verdict, because of Reason.
	SyncPeerDropped
	// SyncDone: the client reached the finalized head its peers know
	// (Number, Hash).
	SyncDone
)

// SyncEvent is one step of the light client's sync as a front end shows
// it; the fields its Kind names are set. Start is the block the sync
// started at.
type SyncEvent struct {
	Kind         SyncEventKind
	Start        uint32
	Done, Target uint32
	Number       uint32
	Hash         header.Hash
	SetID        uint64
	Authorities  int
	Forced       bool
	Peer         string
	Verdict      string
	Reason       error
}

// syncEventOf translates one event of the sync engine; false for events a
// front end does not show (query results).
func syncEventOf(ev chainsync.Event, start uint32) (SyncEvent, bool) {
	out := SyncEvent{Start: start}
	switch x := ev.(type) {
	case chainsync.Progress:
		out.Kind, out.Done, out.Target = SyncProgress, x.Done, x.Target
	case chainsync.Finalized:
		out.Kind, out.Hash, out.SetID = SyncFinalized, x.Hash, x.SetID
		if x.Header != nil {
			out.Number = x.Header.Number
		}
	case chainsync.SetChanged:
		out.Kind, out.Number, out.Hash, out.Forced = SyncSetChanged, x.Number, x.Hash, x.Forced
		out.SetID, out.Authorities = x.Set.SetID, len(x.Set.Authorities)
	case chainsync.PeerBanned:
		out.Kind, out.Peer, out.Verdict, out.Reason = SyncPeerDropped, string(x.Peer), fmt.Sprint(x.Verdict), x.Reason
	case chainsync.Synced:
		out.Kind, out.Number, out.Hash = SyncDone, x.Number, x.Hash
	default:
		return SyncEvent{}, false
	}
	return out, true
}

// FollowSync calls each with every sync event of the light client until
// each returns false (FollowSync then returns nil), ctx ends (ctx's error,
// classified) or the client stops (the reason, classified). Without a light
// client (the trusted-rpc mode) there is nothing to follow: it returns nil.
func (e *Light) FollowSync(ctx context.Context, each func(SyncEvent) bool) error {
	if !e.Verified() {
		return nil
	}
	start := e.client.StartPoint().Header.Number
	for {
		select {
		case <-ctx.Done():
			return e.Classify(ctx.Err())
		case <-e.client.Done():
			return e.Classify(e.client.Err())
		case raw := <-e.client.Events():
			if ev, ok := syncEventOf(raw, start); ok && !each(ev) {
				return nil
			}
		}
	}
}
