package app

import (
	"context"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
)

// BlockRef names a block.
type BlockRef struct {
	Number uint32
	Hash   chainclient.Hash
}

// StartInfo is the point the light client started from: the embedded
// checkpoint or the saved state, and its age when the network's policy
// dates it.
type StartInfo struct {
	// Source is "checkpoint" or "saved".
	Source string
	Block  BlockRef
	// Age is known when HasAge; Warning is set past the warning age.
	Age     time.Duration
	HasAge  bool
	Warning string
}

// ParaHeadStatus is the parachain a parachain network reads through its relay
// chain: its head as the finalized relay state proves it.
type ParaHeadStatus struct {
	ID   uint32
	Name string
	// Genesis is the parachain's genesis (nil when not known: --para on a
	// relay network).
	Genesis *chainclient.Hash
	// Source says where its proofs come from: "rpc" or "p2p".
	Source string
	// Head and Relay are the proven head and the relay block that proved
	// it (nil until proven, or when Err says why not).
	Head, Relay *BlockRef
	Err         error
}

// NodeStatus is what `chain status` shows: the backend's view of the
// network (the relay chain's on a parachain network) and its progress.
type NodeStatus struct {
	Network string
	Genesis chainclient.Hash
	// Mode is "p2p", "rpc" or "trusted-rpc".
	Mode  string
	Peers int
	// Best is the best block number peers claim (unverified).
	Best      uint32
	Finalized BlockRef
	// SetID is the GRANDPA authority set id (nil when nothing is proven).
	SetID  *uint64
	Synced bool
	// Done, Target and Start measure the sync: blocks done, the target
	// and the block the sync started at.
	Done, Target, Start uint32
	// Checkpoint is where the light client started (nil: --trust-rpc).
	Checkpoint *StartInfo
	// Runtime is System.LastRuntimeUpgrade, proven (nil until synced).
	Runtime  *RuntimeInfo
	Para     *ParaHeadStatus
	Verified bool
}

// RuntimeInfo names a runtime version.
type RuntimeInfo struct {
	SpecName    string
	SpecVersion uint32
}

// StatusSource is a backend that can say how it stands (backend.Light).
type StatusSource interface {
	// Verified reports whether answers are proven.
	Verified() bool
	// WaitSynced waits until the light client synced.
	WaitSynced(ctx context.Context, progress func(done, target, start uint32)) error
	// NodeStatus reports the state now; runtime and para head are read
	// (proven) when synced.
	NodeStatus(ctx context.Context) (*NodeStatus, error)
}

// ChainStatus is the `chain status` use case: sync for up to wait (a
// verified backend; the endpoint of --trust-rpc has nothing to sync), then
// report. A wait that ends unsynced is no error: the status says how far it
// got.
func ChainStatus(ctx context.Context, src StatusSource, wait time.Duration) (*NodeStatus, error) {
	if src.Verified() && wait > 0 {
		wctx, cancel := context.WithTimeout(ctx, wait)
		err := src.WaitSynced(wctx, nil)
		cancel()
		if err != nil && wctx.Err() == nil {
			return nil, err
		}
	}
	return src.NodeStatus(ctx)
}
