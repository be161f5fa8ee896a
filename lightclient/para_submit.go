package lightclient

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// WaitHead proves the parachain's head again each poll interval (it changes
// when the relay client follows finality to a relay block recording a newer
// head) until the proven head is block number or later, and returns it.
// It fails with ctx's error when that does not happen in time.
func (v *ParaView) WaitHead(ctx context.Context, number uint32, poll time.Duration) (*ParaHead, error) {
	if poll <= 0 {
		poll = time.Second
	}
	for {
		h, err := v.Head(ctx)
		if err != nil {
			return nil, err
		}
		if h.Header.Number >= number {
			return h, nil
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("lightclient: parachain %d: the newest head the relay chain proves is #%d, waiting for #%d: %w",
				v.id, h.Header.Number, number, ctx.Err())
		case <-t.C:
		}
	}
}

// HeaderFetcher returns the header of a parachain block as some unproven
// source (a parachain endpoint) claims it; nil with no error when the source
// does not know the block.
type HeaderFetcher func(ctx context.Context, hash header.Hash) (*header.Header, error)

// ProveAncestor makes parachain block target, number targetNumber, a kept
// proven block (Header, ReadStorageAt): starting from from, a head the relay
// chain proved, it follows parent hashes back with headers that fetch
// claims, each checked to hash to the parent hash of the one after, until
// block number targetNumber, which must be target. A header that does not
// hash to its child's parent hash, or a different block at targetNumber,
// fails with an error wrapping ErrVerification (target is then not on the
// proven chain); fetch's failures are returned as they are.
func (v *ParaView) ProveAncestor(ctx context.Context, from *ParaHead, target header.Hash, targetNumber uint32, fetch HeaderFetcher) error {
	if from.Hash == target {
		return nil
	}
	if from.Header.Number < targetNumber {
		return fmt.Errorf("lightclient: parachain %d: proven head #%d is older than block #%d", v.id, from.Header.Number, targetNumber)
	}
	var chain []*header.Header
	child := from.Header
	for child.Number > targetNumber {
		if err := ctx.Err(); err != nil {
			return err
		}
		parent := child.ParentHash
		var h *header.Header
		if kept, ok := v.Header(parent); ok {
			h = kept
		} else {
			got, err := fetch(ctx, parent)
			if err != nil {
				return fmt.Errorf("lightclient: parachain %d header %s: %w", v.id, parent, err)
			}
			if got == nil {
				return fmt.Errorf("lightclient: parachain %d: %w: the endpoint does not know block %s, a parent of the proven head #%d",
					v.id, ErrVerification, parent, from.Header.Number)
			}
			h = got
		}
		if h.Hash() != parent || h.Number+1 != child.Number {
			return fmt.Errorf("lightclient: parachain %d: %w: %w: header #%d does not hash to the parent hash %s of #%d",
				v.id, ErrVerification, chainsync.ErrMalicious, h.Number, parent, child.Number)
		}
		chain = append(chain, h)
		child = h
	}
	if got := child.Hash(); got != target {
		return fmt.Errorf("lightclient: parachain %d: %w: block #%d of the chain the relay proves is %s, not %s",
			v.id, ErrVerification, targetNumber, got, target)
	}
	if err := v.c.m.KeepParaAncestors(v.id, from.Hash, chain); err != nil {
		if errors.Is(err, chainsync.ErrMalicious) {
			return fmt.Errorf("lightclient: %w: %w", ErrVerification, err)
		}
		return fmt.Errorf("lightclient: %w", err)
	}
	return nil
}
