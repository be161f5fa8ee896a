package lightclient

import (
	"context"
	"errors"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
)

// Source is a transport the client reaches peers through. Its methods are
// called from the client's driver goroutine, except Do, which is called from
// one goroutine per request.
type Source interface {
	// Start connects and reports the first peers on Events. It fails with an
	// error wrapping ErrUnreachable when nothing can be reached, or
	// ErrUnprovable when the peer cannot prove its answers.
	Start(ctx context.Context) error
	// Events delivers peer changes.
	Events() <-chan SourceEvent
	// Do performs one request and returns its canonical payload (see package
	// sync), unverified. An error means the request failed.
	Do(ctx context.Context, r chainsync.Request) ([]byte, error)
	// Ban tells the source a peer sent invalid data.
	Ban(peer chainsync.PeerID, reason error)
	// Close releases the source.
	Close() error
}

// Sentinel errors (possibly wrapped) of this package that a Source or the
// peers behind it cause; see also ErrClosed.
var (
	// ErrUnreachable means no source could be reached, or every peer
	// stalled: a network failure (ksm exit code 5).
	ErrUnreachable = errors.New("lightclient: network unreachable")
	// ErrUnprovable means an endpoint cannot prove its answers (no
	// grandpa_proveFinality or state_getReadProof): refused unless trusted
	// (ksm exit code 3).
	ErrUnprovable = errors.New("lightclient: endpoint cannot prove its answers")
	// ErrVerification means every peer sent invalid data (ksm exit code 3).
	ErrVerification = errors.New("lightclient: verification failed")
)

// SourceEvent reports a peer of a source.
type SourceEvent struct {
	Peer chainsync.PeerID
	Caps chainsync.PeerCaps
	// Gone is set when the peer disconnected.
	Gone bool
	// Best is the best block number the peer claims (0: unknown).
	Best uint32
	// Commit, when set, is a GRANDPA commit the peer gossiped (the event
	// reports nothing else); see chainsync.Machine.OnCommit.
	Commit *grandpa.CompactCommit
	// Justification, when set, is a SCALE GRANDPA justification the peer
	// pushed for a block it finalized (the event reports nothing else); see
	// chainsync.Machine.OnJustification.
	Justification []byte
}
