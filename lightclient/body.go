package lightclient

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/sync"
)

// inDriver runs fn on the driver goroutine (the only one touching the
// machine) and waits until it ran.
func (c *Client) inDriver(ctx context.Context, fn func()) error {
	select {
	case c.calls <- fn:
		return nil
	case <-c.done:
		return c.doneErr()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// BlockBody returns the extrinsics of a kept verified block (zero hash: the
// latest finalized one), each with its compact length prefix, as a peer
// served them (p2p: a /sync/2 BODY request; RPC: chain_getBlock) and checked
// against the header's extrinsics root. A peer serving a body that does not
// match is banned and another is asked. A block not among the kept headers
// fails with an error wrapping sync.ErrUnknownBlock.
func (c *Client) BlockBody(ctx context.Context, block header.Hash) ([][]byte, error) {
	if block == (header.Hash{}) {
		_, block, _ = c.Finalized()
	}
	h, ok := c.m.KnownHeader(block)
	if !ok {
		return nil, fmt.Errorf("block body of %s: %w", block, sync.ErrUnknownBlock)
	}
	return c.bodyOf(ctx, h, block)
}

// bodyOf fetches the body of the verified header h (hash).
func (c *Client) bodyOf(ctx context.Context, h *header.Header, block header.Hash) ([][]byte, error) {
	type answer struct {
		body [][]byte
		err  error
	}
	reply := make(chan answer, 1)
	err := c.inDriver(ctx, func() {
		c.m.FetchBody(h, block, func(body [][]byte, err error) { reply <- answer{body, err} })
	})
	if err != nil {
		return nil, err
	}
	select {
	case a := <-reply:
		if a.err != nil {
			return nil, fmt.Errorf("block body of %d %s: %w", h.Number, block, a.err)
		}
		return a.body, nil
	case <-c.done:
		return nil, c.doneErr()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ancestors fetches up to count headers descending from block hash, number
// (an authentic hash: the parent of a verified header), hash's first, each
// checked by its hash link to the one before (sync.Machine.FetchAncestors).
func (c *Client) ancestors(ctx context.Context, hash header.Hash, number, count uint32) ([]*header.Header, error) {
	type answer struct {
		hs  []*header.Header
		err error
	}
	reply := make(chan answer, 1)
	err := c.inDriver(ctx, func() {
		c.m.FetchAncestors(hash, number, count, func(hs []*header.Header, err error) { reply <- answer{hs, err} })
	})
	if err != nil {
		return nil, err
	}
	select {
	case a := <-reply:
		return a.hs, a.err
	case <-c.done:
		return nil, c.doneErr()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// onCommit feeds a gossiped GRANDPA commit to the machine (driver goroutine).
func (c *Client) onCommit(src Source, ev SourceEvent) {
	if err := c.m.OnCommit(ev.Peer, ev.Commit, c.clock()); sync.VerdictOf(err) == sync.Malicious {
		src.Ban(ev.Peer, err)
	}
}

// grandpaStater is a source that tells its peers the client's GRANDPA state
// (P2PSource: neighbor packets, without which full nodes send no commits).
type grandpaStater interface {
	SetGrandpaState(setID uint64, finalized uint32)
}

// announceFinalized passes a new finalized block to the sources that
// announce it (driver goroutine; the sources send asynchronously).
func (c *Client) announceFinalized(e sync.Finalized) {
	for _, s := range c.cfg.Sources {
		if g, ok := s.(grandpaStater); ok {
			g.SetGrandpaState(e.SetID, e.Header.Number)
		}
	}
}
