package lightclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// ErrRejected means every endpoint refused the transaction outright (their
// messages are wrapped with it). It is what the endpoints said, unproven:
// a lying endpoint may refuse a transaction another peer includes.
var ErrRejected = errors.New("lightclient: transaction rejected")

// Submitter is implemented by sources that can send transactions:
// P2PSource (a transactions notification to every full peer) and RPCSource
// (author_submitExtrinsic). Submit returns how many peers took it.
type Submitter interface {
	Submit(ctx context.Context, ext []byte) (int, error)
}

// The statuses a Submission reports (see TxStatus for the others).
const (
	StatusBroadcast TxStatus = "broadcast" // sent to peers
	StatusFinalized TxStatus = "finalized" // in a final block
	StatusInvalid   TxStatus = "invalid"   // found invalid
	StatusDropped   TxStatus = "dropped"   // gone without inclusion
)

// SubmitStatus is one step of a submitted transaction. Block, Number and
// Index (its position in the block body) are set for "finalized".
type SubmitStatus struct {
	Kind   TxStatus
	Block  header.Hash
	Number uint32
	Index  int
	Detail string
}

// SubmitWatchBlocks is how many finalized blocks a Submission searches for
// the transaction before reporting it "dropped" (a mortal transaction of
// Kusama's usual 64-block era is long dead by then; an immortal one is not,
// and a caller must not take "dropped" for "never included").
var SubmitWatchBlocks uint32 = 256

// Submission follows a submitted transaction; Next returns its statuses.
type Submission struct {
	ch     chan SubmitStatus
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	c      *Client
	// err is why watching ended without a final status (set before ch
	// closes).
	err error
	// Hash is blake2_256 of the extrinsic (the transaction hash).
	Hash header.Hash
}

// Submit waits until the client is synced, sends ext (a SCALE-encoded
// extrinsic with its compact length prefix) through every source that can
// send transactions, then watches the finalized chain for it: every block
// finalized after the one before sending has its body fetched (verified
// against the extrinsics root) and searched, none skipped — where the
// client's finality jumped over blocks (a warp proof keeps only its fragment
// headers) their headers are fetched, each checked by its hash link down
// from the finalized block. Next reports "broadcast", then "finalized" with
// the block and index, or "dropped" when the extrinsic is in none of the
// SubmitWatchBlocks finalized blocks after submission. "dropped" says that
// of this extrinsic's hash only: a transaction with the same sender and
// nonce may have been included instead, so a caller that knows the sender
// settles by its nonce before calling it lost.
// When every endpoint refused it, Submit fails with an error wrapping
// ErrRejected — what the endpoints said, not proof that it cannot be
// included; when none could be reached, ErrUnreachable.
func (c *Client) Submit(ctx context.Context, ext []byte) (*Submission, error) {
	if len(ext) == 0 {
		return nil, fmt.Errorf("%w: empty extrinsic", ErrRejected)
	}
	// Watching needs the finalized head the peers know.
	if err := c.WaitSynced(ctx); err != nil {
		return nil, err
	}
	// The finalized block before sending: inclusion can only come after it.
	fromHeader, from, _ := c.Finalized()
	sent := 0
	var errs []error
	rejected := false
	for _, s := range c.cfg.Sources {
		sub, ok := s.(Submitter)
		if !ok {
			continue
		}
		n, err := sub.Submit(ctx, ext)
		if err != nil {
			rejected = rejected || errors.Is(err, ErrRejected)
			errs = append(errs, err)
			continue
		}
		sent += n
	}
	if sent == 0 {
		err := errors.Join(errs...)
		switch {
		case err == nil:
			return nil, fmt.Errorf("%w: no source can send transactions", ErrUnreachable)
		case rejected:
			return nil, err
		case !errors.Is(err, ErrUnreachable):
			err = fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		return nil, err
	}
	wctx, cancel := context.WithCancel(context.Background())
	s := &Submission{ch: make(chan SubmitStatus, 4), cancel: cancel, done: make(chan struct{}), c: c, Hash: hash.Blake2b256(ext)}
	s.ch <- SubmitStatus{Kind: StatusBroadcast, Detail: fmt.Sprintf("sent to %d peers", sent)}
	go s.watch(wctx, ext, from, fromHeader.Number)
	return s, nil
}

// Next returns the next status. After a final status ("finalized",
// "invalid", "dropped") it returns io.EOF; when the client stopped (or Close
// was called) before one, an error wrapping the client's error (ErrClosed).
func (s *Submission) Next(ctx context.Context) (SubmitStatus, error) {
	select {
	case st, ok := <-s.ch:
		if !ok {
			if s.err != nil {
				return SubmitStatus{}, s.err
			}
			return SubmitStatus{}, io.EOF
		}
		return st, nil
	case <-ctx.Done():
		return SubmitStatus{}, ctx.Err()
	}
}

// Close stops watching.
func (s *Submission) Close() {
	s.once.Do(func() {
		s.cancel()
		<-s.done
	})
}

// watch searches every newly finalized block for ext.
// from (number fromNumber) is the finalized block before sending.
func (s *Submission) watch(ctx context.Context, ext []byte, from header.Hash, fromNumber uint32) {
	defer close(s.done)
	defer close(s.ch)
	c := s.c
	last, lastNumber := from, fromNumber
	startNumber := lastNumber
	tick := time.NewTicker(c.cfg.Tick)
	defer tick.Stop()
	send := func(st SubmitStatus) {
		select {
		case s.ch <- st:
		case <-ctx.Done():
		}
	}
	for {
		_, fin, _ := c.Finalized()
		if fin != last {
			// A failure (no peer served a header or a body) is retried at
			// the next tick from the last block searched: no finalized
			// block is skipped.
			blocks, err := s.newBlocks(ctx, last, lastNumber, fin)
			if err != nil && (ctx.Err() != nil || errors.Is(err, ErrClosed) || c.Err() != nil) {
				s.err = fmt.Errorf("watching transaction 0x%x: %w", s.Hash[:], err)
				return
			}
			for _, b := range blocks {
				body, err := c.bodyOf(ctx, b.h, b.hash)
				if err != nil {
					if ctx.Err() != nil || errors.Is(err, ErrClosed) || c.Err() != nil {
						s.err = fmt.Errorf("watching transaction 0x%x: %w", s.Hash[:], err)
						return
					}
					break
				}
				if i := findExtrinsic(body, ext); i >= 0 {
					send(SubmitStatus{Kind: StatusFinalized, Block: b.hash, Number: b.h.Number, Index: i})
					return
				}
				last, lastNumber = b.hash, b.h.Number
			}
			if lastNumber >= startNumber+SubmitWatchBlocks {
				send(SubmitStatus{Kind: StatusDropped, Detail: fmt.Sprintf("not in the %d blocks finalized after submission", lastNumber-startNumber)})
				return
			}
		}
		select {
		case <-ctx.Done():
			s.err = fmt.Errorf("watching transaction 0x%x: %w", s.Hash[:], ErrClosed)
			return
		case <-c.done:
			s.err = fmt.Errorf("watching transaction 0x%x: %w", s.Hash[:], c.doneErr())
			return
		case <-tick.C:
		}
	}
}

// hashedHeader is a verified header with its hash.
type hashedHeader struct {
	hash header.Hash
	h    *header.Header
}

// newBlocks returns every finalized block after last (number lastNumber) up
// to fin, in ascending order. It walks parent hashes back from fin through
// the headers the client keeps; where one is missing (a warp poll keeps only
// the fragment headers and skips the blocks between them) it fetches the
// headers below the lowest one it has from peers, each checked by its hash
// link to the verified header above it. No finalized block is skipped: the
// walk ends at last, or fails.
func (s *Submission) newBlocks(ctx context.Context, last header.Hash, lastNumber uint32, fin header.Hash) ([]hashedHeader, error) {
	c := s.c
	var out []hashedHeader
	fetched := map[header.Hash]*header.Header{}
	for cur := fin; cur != last; {
		h, ok := fetched[cur]
		if !ok {
			h, ok = c.m.KnownHeader(cur)
		}
		if !ok {
			if len(out) == 0 {
				return nil, fmt.Errorf("lightclient: finalized block %s: %w", cur, ErrUnknownBlock)
			}
			number := out[len(out)-1].h.Number - 1
			if number <= lastNumber {
				return nil, fmt.Errorf("lightclient: finalized block %d does not descend from block %d %s", number+1, lastNumber, last)
			}
			hs, err := c.ancestors(ctx, cur, number, number-lastNumber)
			if err != nil {
				return nil, fmt.Errorf("lightclient: headers below finalized block %d: %w", number+1, err)
			}
			for _, x := range hs {
				fetched[x.Hash()] = x
			}
			continue
		}
		if h.Number <= lastNumber {
			return nil, fmt.Errorf("lightclient: finalized block %d %s does not descend from block %d %s", h.Number, cur, lastNumber, last)
		}
		out = append(out, hashedHeader{cur, h})
		cur = h.ParentHash
	}
	slices.Reverse(out)
	return out, nil
}

// findExtrinsic returns the index of ext in body, or -1. Both carry their
// compact length prefix; ext without one also matches.
func findExtrinsic(body [][]byte, ext []byte) int {
	for i, x := range body {
		if bytes.Equal(x, ext) {
			return i
		}
	}
	prefixed := scale.AppendBytes(nil, ext)
	for i, x := range body {
		if bytes.Equal(x, prefixed) {
			return i
		}
	}
	return -1
}
