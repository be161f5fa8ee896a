package lightclient

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/tx/hash"
)

// SendTransaction sends ext (SCALE-encoded, with its compact length prefix)
// in a transactions notification to every full parachain peer not banned
// and returns how many it reached; it fails with an error wrapping
// ErrUnreachable when none. (It is not Submit: the relay client's Submit
// sends relay transactions through every Submitter among its sources.)
func (s *P2PParaSource) SendTransaction(ctx context.Context, ext []byte) (int, error) {
	sent := 0
	var errs []error
	for _, p := range s.peerIDs() {
		if err := s.h.SendTransactions(ctx, p, [][]byte{ext}); err != nil {
			errs = append(errs, err)
			continue
		}
		sent++
	}
	if sent == 0 {
		return 0, fmt.Errorf("%w: parachain %d: no full peer took the transaction: %w", ErrUnreachable, s.paraID, errors.Join(errs...))
	}
	return sent, nil
}

// peerIDs are the connected full peers not banned.
func (s *P2PParaSource) peerIDs() []peer.ID {
	var out []peer.ID
	for _, p := range s.h.Peers() {
		if p.Handshake != nil && p.Handshake.Roles.IsFull() && !s.h.Banned(p.ID) {
			out = append(out, p.ID)
		}
	}
	return out
}

// ParaBlock is a parachain block checked against a proven descendant: its
// header hash-links down from a head the relay chain proved, its body
// matches the header's extrinsics root.
type ParaBlock struct {
	Hash   header.Hash
	Header *header.Header
	// Body holds the extrinsics, each with its compact length prefix.
	Body [][]byte
}

// VerifyParaBlocks checks the answer of a peer to a descending /sync/2
// request for headers and bodies starting at block want, number
// wantNumber, whose hash is authentic (a head the relay chain proved, or
// the parent hash of a block checked before): block i must hash to the
// parent hash of block i-1 (block 0 to want) with the number below it,
// and carry the body its extrinsics root commits to. It returns the
// blocks in the order served. A block that does not verify fails with an
// error wrapping chainsync.ErrMalicious (the peer lied); an answer with
// fewer blocks than asked is not one (the caller asks for the rest).
func VerifyParaBlocks(want header.Hash, wantNumber uint32, blocks []wire.BlockData) ([]ParaBlock, error) {
	out := make([]ParaBlock, 0, len(blocks))
	for i := range blocks {
		b := &blocks[i]
		if len(out) > 0 && out[len(out)-1].Header.Number == 0 {
			return nil, fmt.Errorf("%w: block %d of the answer is below the genesis", chainsync.ErrMalicious, i)
		}
		if b.Header == nil {
			return nil, fmt.Errorf("%w: block %d of the answer has no header", chainsync.ErrMalicious, i)
		}
		h, err := header.Decode(b.Header)
		if err != nil {
			return nil, fmt.Errorf("%w: block %d of the answer: %w", chainsync.ErrMalicious, i, err)
		}
		if got := h.Hash(); got != want || h.Number != wantNumber {
			return nil, fmt.Errorf("%w: block %d of the answer is #%d %s, not #%d %s (the chain down from the proven head)",
				chainsync.ErrMalicious, i, h.Number, got, wantNumber, want)
		}
		body := b.Body
		if body == nil {
			body = [][]byte{}
		}
		if err := chainsync.VerifyBody(h, body); err != nil {
			return nil, fmt.Errorf("%w: block #%d %s: %w", chainsync.ErrMalicious, h.Number, want, err)
		}
		out = append(out, ParaBlock{Hash: want, Header: h, Body: body})
		want, wantNumber = h.ParentHash, h.Number-1
	}
	return out, nil
}

// ParaSubmitOptions configure a ParaSubmitter.
type ParaSubmitOptions struct {
	// Poll is how often the para head is proven again while waiting for
	// the next one (default one second).
	Poll time.Duration
	// Timeout bounds the wait for a transaction's inclusion: when no
	// block the relay chain proved includes it by then, watching fails
	// with an error wrapping ErrUnreachable (the transaction may still be
	// included). It also bounds how long the blocks between two proven
	// heads may go unserved (every peer withheld them, lied or failed)
	// before watching fails likewise. Default two minutes.
	Timeout time.Duration
	// RequestTimeout bounds one block request to a peer (default 10 s).
	RequestTimeout time.Duration
	// Progress, when set, receives a line of news while watching.
	Progress func(msg string)
}

// ParaSubmitter sends transactions on a parachain's own libp2p network and
// finds them in the parachain's blocks, every one verified through the
// relay chain: after each para head the relay proves (ParaView.WaitHead)
// the blocks between the previous proven head and it are fetched from
// parachain peers (/sync/2, headers and bodies), their headers checked to
// hash-link down from the proven head and their bodies against their
// extrinsics roots (VerifyParaBlocks); a peer that lies is banned and
// another asked. The including block is then kept as a proven block of the
// view (its header, state and events read by proof like any other).
type ParaSubmitter struct {
	v    *ParaView
	src  *P2PParaSource
	opts ParaSubmitOptions

	mu     sync.Mutex
	bodies map[header.Hash][][]byte
}

// NewParaSubmitter sends through src, a source of the view's parachain
// network that the view's client reads.
func NewParaSubmitter(v *ParaView, src *P2PParaSource, opts ParaSubmitOptions) *ParaSubmitter {
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 10 * time.Second
	}
	return &ParaSubmitter{v: v, src: src, opts: opts, bodies: map[header.Hash][][]byte{}}
}

func (s *ParaSubmitter) progress(format string, args ...any) {
	if s.opts.Progress != nil {
		s.opts.Progress(fmt.Sprintf(format, args...))
	}
}

// Submit proves the current para head, sends ext (with its compact length
// prefix) to every full parachain peer, then watches the blocks of the
// heads the relay chain proves after it: Next reports "broadcast", then
// "finalized" with the block and index, or "dropped" when ext is in none
// of the SubmitWatchBlocks para blocks proven after submission. When the
// blocks cannot be had from any peer, or no block includes it within
// ParaSubmitOptions.Timeout, Next fails with an error wrapping
// ErrUnreachable: never "dropped" for blocks it could not search.
func (s *ParaSubmitter) Submit(ctx context.Context, ext []byte) (*Submission, error) {
	if len(ext) == 0 {
		return nil, fmt.Errorf("%w: empty extrinsic", ErrRejected)
	}
	from, err := s.v.Head(ctx)
	if err != nil {
		return nil, err
	}
	n, err := s.src.SendTransaction(ctx, ext)
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithCancel(context.Background())
	sub := &Submission{ch: make(chan SubmitStatus, 4), cancel: cancel, done: make(chan struct{}), c: s.v.c, Hash: hash.Blake2b256(ext)}
	sub.ch <- SubmitStatus{Kind: StatusBroadcast, Detail: fmt.Sprintf("sent to %d parachain %d peers", n, s.v.id)}
	go s.watch(wctx, sub, ext, from)
	return sub, nil
}

// watch searches the blocks of every para head proven after from.
func (s *ParaSubmitter) watch(ctx context.Context, sub *Submission, ext []byte, from *ParaHead) {
	defer close(sub.done)
	defer close(sub.ch)
	id := s.v.id
	fail := func(err error) {
		sub.err = fmt.Errorf("watching transaction 0x%x on parachain %d: %w", sub.Hash[:], id, err)
	}
	send := func(st SubmitStatus) {
		select {
		case sub.ch <- st:
		case <-ctx.Done():
		}
	}
	deadline := time.Now().Add(s.opts.Timeout)
	dctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	last := from
	var stuck time.Time // since when the blocks after last went unserved
	var blockErr error  // why they did
	unserved := func(head *ParaHead) error {
		return fmt.Errorf("%w: parachain blocks #%d..#%d (proven by relay block #%d) could not be had from any peer: %v",
			ErrUnreachable, last.Header.Number+1, head.Header.Number, head.RelayNumber, blockErr)
	}
	var lastHead *ParaHead
	for {
		head, err := s.v.WaitHead(dctx, last.Header.Number+1, s.opts.Poll)
		if err != nil {
			switch {
			case ctx.Err() != nil:
				fail(ErrClosed)
				return
			case dctx.Err() != nil && blockErr != nil:
				fail(unserved(lastHead))
				return
			case dctx.Err() != nil:
				fail(fmt.Errorf("%w: not in the blocks up to #%d that the relay chain proved within %s (it may still be included)",
					ErrUnreachable, last.Header.Number, s.opts.Timeout))
				return
			case errors.Is(err, ErrClosed) || s.v.c.Err() != nil:
				fail(err)
				return
			}
			s.sleep(dctx)
			continue
		}
		blocks, err := s.blocksBetween(dctx, last, head)
		if err != nil {
			if ctx.Err() != nil {
				fail(ErrClosed)
				return
			}
			if stuck.IsZero() {
				stuck = time.Now()
			}
			if blockErr == nil || lastHead.Hash != head.Hash {
				// The first failure says most (a lie, a peer without
				// the blocks); later ones are often "no peer left".
				blockErr = err
			}
			lastHead = head
			if dctx.Err() != nil || time.Since(stuck) >= s.opts.Timeout {
				fail(unserved(head))
				return
			}
			s.progress("parachain %d blocks #%d..#%d: %v; asking again", id, last.Header.Number+1, head.Header.Number, err)
			s.sleep(dctx)
			continue
		}
		stuck, blockErr = time.Time{}, nil
		for _, b := range blocks {
			i := findExtrinsic(b.Body, ext)
			if i < 0 {
				continue
			}
			if b.Hash != head.Hash {
				fetch := func(_ context.Context, h header.Hash) (*header.Header, error) {
					for _, x := range blocks {
						if x.Hash == h {
							return x.Header, nil
						}
					}
					return nil, nil
				}
				if err := s.v.ProveAncestor(ctx, head, b.Hash, b.Header.Number, fetch); err != nil {
					fail(err)
					return
				}
			}
			s.mu.Lock()
			s.bodies[b.Hash] = b.Body
			s.mu.Unlock()
			s.progress("parachain %d block #%d %s includes the transaction: proven by relay chain block #%d %s",
				id, b.Header.Number, b.Hash, head.RelayNumber, head.Relay)
			send(SubmitStatus{Kind: StatusFinalized, Block: b.Hash, Number: b.Header.Number, Index: i})
			return
		}
		last = head
		if last.Header.Number >= from.Header.Number+SubmitWatchBlocks {
			send(SubmitStatus{Kind: StatusDropped, Detail: fmt.Sprintf("not in the %d parachain blocks proven after submission", last.Header.Number-from.Header.Number)})
			return
		}
	}
}

// sleep waits one poll interval; false when ctx ended.
func (s *ParaSubmitter) sleep(ctx context.Context) bool {
	t := time.NewTimer(s.opts.Poll)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// blocksBetween fetches the para blocks after last up to head (both
// proven), in ascending order, each verified down from head.
func (s *ParaSubmitter) blocksBetween(ctx context.Context, last, head *ParaHead) ([]ParaBlock, error) {
	if head.Header.Number <= last.Header.Number {
		return nil, nil
	}
	var out []ParaBlock
	want, wantNumber := head.Hash, head.Header.Number
	for wantNumber > last.Header.Number {
		got, err := s.fetch(ctx, want, wantNumber, min(wantNumber-last.Header.Number, 128))
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
		low := got[len(got)-1].Header
		want, wantNumber = low.ParentHash, low.Number-1
		if low.Number == 0 {
			break
		}
	}
	if want != last.Hash {
		return nil, fmt.Errorf("%w: parachain %d: the proven head #%d %s does not descend from the proven head #%d %s",
			ErrVerification, s.v.id, head.Header.Number, head.Hash, last.Header.Number, last.Hash)
	}
	slices.Reverse(out)
	return out, nil
}

// fetch asks the peers in turn for up to count blocks descending from
// want until one serves at least one that verifies. A peer whose blocks do
// not verify is banned; one that has none or fails is passed over.
func (s *ParaSubmitter) fetch(ctx context.Context, want header.Hash, wantNumber, count uint32) ([]ParaBlock, error) {
	peers := s.src.peerIDs()
	if len(peers) == 0 {
		return nil, fmt.Errorf("%w: parachain %d: no full peer", ErrUnreachable, s.v.id)
	}
	var errs []error
	for _, p := range peers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rctx, cancel := context.WithTimeout(ctx, s.opts.RequestTimeout)
		resp, err := s.src.h.RequestBlocks(rctx, p, &wire.BlockRequest{Fields: wire.FieldHeader | wire.FieldBody,
			HasHash: true, FromHash: want, Direction: wire.Descending, MaxBlocks: count})
		cancel()
		if err != nil {
			errs = append(errs, fmt.Errorf("peer %s: %w", p, err))
			continue
		}
		got, err := VerifyParaBlocks(want, wantNumber, resp.Blocks)
		if err != nil {
			s.src.h.Ban(p, "parachain blocks that do not verify: "+err.Error())
			errs = append(errs, fmt.Errorf("peer %s (banned): %w", p, err))
			continue
		}
		if len(got) == 0 {
			errs = append(errs, fmt.Errorf("peer %s does not serve block #%d %s", p, wantNumber, want))
			continue
		}
		return got, nil
	}
	return nil, fmt.Errorf("parachain %d block #%d %s: %w", s.v.id, wantNumber, want, errors.Join(errs...))
}

// BlockBody returns the body of a proven para block (one the view keeps):
// the one found including a submitted transaction, else fetched from the
// parachain's peers and checked against the block's extrinsics root.
func (s *ParaSubmitter) BlockBody(ctx context.Context, block header.Hash) ([][]byte, error) {
	s.mu.Lock()
	b, ok := s.bodies[block]
	s.mu.Unlock()
	if ok {
		return b, nil
	}
	h, ok := s.v.Header(block)
	if !ok {
		return nil, fmt.Errorf("lightclient: parachain %d block body of %s: %w", s.v.id, block, ErrUnknownBlock)
	}
	got, err := s.fetch(ctx, block, h.Number, 1)
	if err != nil {
		return nil, fmt.Errorf("lightclient: parachain %d block body of #%d: %w", s.v.id, h.Number, err)
	}
	s.mu.Lock()
	s.bodies[block] = got[0].Body
	s.mu.Unlock()
	return got[0].Body, nil
}
