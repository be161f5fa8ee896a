package lightclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	gosync "sync"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// ErrRejected means the endpoint refused the transaction outright (its
// message is wrapped with it); ksm reports it as a failed transaction.
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
// Kusama's usual 64-block era is long dead by then).
var SubmitWatchBlocks uint32 = 256

// Submission follows a submitted transaction; Next returns its statuses.
type Submission struct {
	ch     chan SubmitStatus
	cancel context.CancelFunc
	done   chan struct{}
	once   gosync.Once
	c      *Client
	// err is why watching ended without a final status (set before ch
	// closes).
	err error
	// Hash is blake2_256 of the extrinsic (the transaction hash).
	Hash header.Hash
}

// Submit waits until the client is synced, sends ext (a SCALE-encoded
// extrinsic with its compact length prefix) through every source that can
// send transactions, then watches the
// finalized chain for it: every newly finalized block whose header the
// client verified has its body fetched (verified against the extrinsics
// root) and searched. Next reports "broadcast", then "finalized" with the
// block and index, or "dropped" after SubmitWatchBlocks finalized blocks.
// When every endpoint refused it, Submit fails with an error wrapping
// ErrRejected; when none could be reached, ErrUnreachable.
func (c *Client) Submit(ctx context.Context, ext []byte) (*Submission, error) {
	if len(ext) == 0 {
		return nil, fmt.Errorf("%w: empty extrinsic", ErrRejected)
	}
	// Watching needs the finalized head the peers know.
	if err := c.WaitSynced(ctx); err != nil {
		return nil, err
	}
	// The finalized block before sending: inclusion can only come after it.
	_, from, _ := c.Finalized()
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
	go s.watch(wctx, ext, from)
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
func (s *Submission) watch(ctx context.Context, ext []byte, from header.Hash) {
	defer close(s.done)
	defer close(s.ch)
	c := s.c
	last := from
	var lastNumber uint32
	if h, ok := c.m.KnownHeader(from); ok {
		lastNumber = h.Number
	}
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
			blocks := s.newBlocks(last, lastNumber, fin)
			for _, b := range blocks {
				body, err := c.BlockBody(ctx, b.hash)
				if err != nil {
					if ctx.Err() != nil || errors.Is(err, ErrClosed) || c.Err() != nil {
						s.err = fmt.Errorf("watching transaction 0x%x: %w", s.Hash[:], err)
						return
					}
					// Try this block again at the next tick.
					break
				}
				if i := findExtrinsic(body, ext); i >= 0 {
					send(SubmitStatus{Kind: StatusFinalized, Block: b.hash, Number: b.number, Index: i})
					return
				}
				last, lastNumber = b.hash, b.number
			}
			if len(blocks) == 0 {
				last = fin
				if h, ok := c.m.KnownHeader(fin); ok {
					lastNumber = h.Number
				}
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

type numberedHash struct {
	hash   header.Hash
	number uint32
}

// newBlocks returns the kept blocks after (last, lastNumber) up to fin, in
// ascending order, walking parent hashes back from fin. A gap (a warp jump
// over blocks whose headers the client never saw) ends the walk: only the
// blocks known from there are returned.
func (s *Submission) newBlocks(last header.Hash, lastNumber uint32, fin header.Hash) []numberedHash {
	var out []numberedHash
	cur := fin
	for cur != last {
		h, ok := s.c.m.KnownHeader(cur)
		if !ok || h.Number <= lastNumber {
			break
		}
		out = append(out, numberedHash{cur, h.Number})
		cur = h.ParentHash
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
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
