package lightclient

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// PrefetchCall asks a peer for the proof of the storage the runtime call
// method(args) reads at block (a kept header; zero: the latest finalized
// one) — a /light/2 remote call — and merges the proof's nodes, checked
// against the block's state root, into the proofs kept for that block, so
// that ReadStorageAt and NextKey answer the call's reads without a request.
// It returns how many new nodes were merged. A proof missing some reads is
// harmless (those reads make requests); a peer whose proof does not
// hash-link from the state root is banned. When no peer serves call proofs
// (RPC endpoints have no such method) it fails with an error wrapping
// chainsync.ErrCallProofFailed: callers then just execute the call.
func (c *Client) PrefetchCall(ctx context.Context, block header.Hash, method string, args []byte) (int, error) {
	if block == (header.Hash{}) {
		if err := c.WaitSynced(ctx); err != nil {
			return 0, err
		}
		_, block, _ = c.Finalized()
	}
	h, ok := c.Header(block)
	if !ok {
		return 0, fmt.Errorf("lightclient: call proof at %s: %w", block, ErrUnknownBlock)
	}
	type answer struct {
		nodes [][]byte
		err   error
	}
	reply := make(chan answer, 1)
	err := c.inDriver(ctx, func() {
		c.m.FetchCallProof(h, block, method, args, func(nodes [][]byte, err error) { reply <- answer{nodes, err} })
	})
	if err != nil {
		return 0, err
	}
	select {
	case a := <-reply:
		if a.err != nil {
			return 0, fmt.Errorf("lightclient: call proof of %s at %d: %w", method, h.Number, a.err)
		}
		return c.proofNodes(block, h.StateRoot).add(a.nodes), nil
	case <-c.done:
		return 0, c.doneErr()
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// ErrCallProofFailed is chainsync.ErrCallProofFailed: no peer served a call
// proof.
var ErrCallProofFailed = chainsync.ErrCallProofFailed

// PrefetchCall is Client.PrefetchCall at a block of the parachain (a kept
// proven block; zero: the head the latest finalized relay state records,
// proven first), the proof asked of the parachain's peers serving call
// proofs (P2PParaSource: /light/2 remote calls) and checked against the
// block's state root; a peer whose proof does not hash-link from it is
// banned. Without such a peer it fails with an error wrapping
// ErrCallProofFailed.
func (v *ParaView) PrefetchCall(ctx context.Context, block header.Hash, method string, args []byte) (int, error) {
	h, err := v.resolve(ctx, block)
	if err != nil {
		return 0, err
	}
	type answer struct {
		nodes [][]byte
		err   error
	}
	reply := make(chan answer, 1)
	err = v.c.inDriver(ctx, func() {
		v.c.m.FetchParaCallProof(v.id, h.Header, h.Hash, method, args, func(nodes [][]byte, err error) { reply <- answer{nodes, err} })
	})
	if err != nil {
		return 0, err
	}
	select {
	case a := <-reply:
		if a.err != nil {
			return 0, fmt.Errorf("lightclient: parachain %d call proof of %s at #%d: %w", v.id, method, h.Header.Number, a.err)
		}
		return v.c.proofNodes(h.Hash, h.Header.StateRoot).add(a.nodes), nil
	case <-v.c.done:
		return 0, v.c.doneErr()
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
