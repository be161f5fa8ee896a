package chainclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/tx/hash"
)

// ParaProver is what LightPara needs, beyond ParaClient, to prove the block
// a parachain endpoint says included a transaction (*lightclient.ParaView
// has these methods).
type ParaProver interface {
	// WaitHead waits until the relay chain proves a head at or after
	// block number.
	WaitHead(ctx context.Context, number uint32, poll time.Duration) (*lightclient.ParaHead, error)
	// ProveAncestor makes target (number targetNumber) a kept proven block
	// by following parent hashes back from the proven head from.
	ProveAncestor(ctx context.Context, from *lightclient.ParaHead, target header.Hash, targetNumber uint32, fetch lightclient.HeaderFetcher) error
}

var _ ParaProver = (*lightclient.ParaView)(nil)

// ParaSubmitOptions configure SubmitThrough.
type ParaSubmitOptions struct {
	// Timeout bounds the wait for the relay chain to prove the including
	// block (default DefaultInclusionTimeout).
	Timeout time.Duration
	// Poll is how often the proven head and the endpoint's finalized head
	// are asked again while waiting (default one second).
	Poll time.Duration
	// Progress, when set, receives a line of news while waiting.
	Progress func(msg string)
}

// DefaultInclusionTimeout is how long LightPara waits for the relay chain
// to prove the parachain block an endpoint says included a transaction.
const DefaultInclusionTimeout = 2 * time.Minute

// paraSubmit is LightPara's parachain endpoint: transactions go through
// it, and the blocks it says include them are proven through the relay
// chain before their outcome is read.
type paraSubmit struct {
	l    *LightPara
	rc   *rpc.Client
	ep   *RPC
	pv   ParaProver
	opts ParaSubmitOptions

	mu       sync.Mutex
	reported map[Hash]*inclusion
	bodies   map[Hash][][]byte
}

// inclusion is what became of proving one reported block.
type inclusion struct {
	once    sync.Once
	claimed bool
	reason  string
	err     error
}

// SubmitThrough makes Submit send transactions through rc, an endpoint of
// the parachain (author_submitAndWatchExtrinsic; over plain HTTP, or when
// the endpoint cannot watch, author_submitExtrinsic and its finalized
// blocks searched for the transaction). Reads stay verified: the block the
// endpoint says includes the transaction is proven before its header, body
// and state are used — the relay chain must prove a parachain head at or
// after it (waited for up to opts.Timeout), the headers from that head back
// to it must hash-chain, and its body must match its extrinsics root. When
// that cannot be completed in time, that block's header, body and state are
// what the endpoint claims: Claimed says so. The rc is not closed by
// LightPara. pc given to NewLightPara must be a ParaProver (a
// *lightclient.ParaView is).
func (l *LightPara) SubmitThrough(rc *rpc.Client, opts ParaSubmitOptions) error {
	pv, ok := l.pc.(ParaProver)
	if !ok {
		return fmt.Errorf("submit through a parachain endpoint: %w: the parachain client cannot prove included blocks", ErrUnsupported)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultInclusionTimeout
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	l.sub = &paraSubmit{l: l, rc: rc, ep: NewRPC(rc), pv: pv, opts: opts, reported: map[Hash]*inclusion{}, bodies: map[Hash][][]byte{}}
	return nil
}

// Claimed reports whether block at, which the parachain endpoint said
// included a transaction, could not be proven: what is read at it is then
// the endpoint's word, and reason says why it was not proven.
// It proves the block first when that was not tried yet.
func (l *LightPara) Claimed(ctx context.Context, at Hash) (reason string, claimed bool) {
	if c, err := l.inclusion(ctx, at); err != nil || !c {
		return "", false
	}
	l.sub.mu.Lock()
	inc := l.sub.reported[at]
	l.sub.mu.Unlock()
	return inc.reason, true
}

func (s *paraSubmit) progress(format string, args ...any) {
	if s.opts.Progress != nil {
		s.opts.Progress(fmt.Sprintf(format, args...))
	}
}

func (s *paraSubmit) report(at Hash) {
	s.mu.Lock()
	if s.reported[at] == nil {
		s.reported[at] = &inclusion{}
	}
	s.mu.Unlock()
}

// isLie reports whether err means someone sent data that does not verify.
func isLie(err error) bool {
	return errors.Is(err, lightclient.ErrVerification) || errors.Is(err, chainsync.ErrMalicious)
}

// inclusion proves block at when the endpoint reported it for a
// transaction and it is not proven yet: claimed is true when proving could
// not be completed (the endpoint's word is used for it), err set when the
// endpoint lied.
func (l *LightPara) inclusion(ctx context.Context, at Hash) (claimed bool, err error) {
	s := l.sub
	if s == nil {
		return false, nil
	}
	s.mu.Lock()
	inc := s.reported[at]
	s.mu.Unlock()
	if inc == nil {
		return false, nil
	}
	inc.once.Do(func() {
		if _, ok := l.pc.Header(header.Hash(at)); ok {
			return
		}
		inc.reason, inc.err = s.prove(ctx, at)
		inc.claimed = inc.err == nil && inc.reason != ""
	})
	return inc.claimed, inc.err
}

// prove makes the reported block at a kept proven block. A non-empty
// reason says why it could not (waiting timed out, the endpoint stopped
// answering); an error that the endpoint or a peer lied.
func (s *paraSubmit) prove(ctx context.Context, at Hash) (reason string, err error) {
	id := s.l.pc.ParaID()
	tctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	unproven := func(err error) (string, error) {
		if isLie(err) {
			return "", err
		}
		if ctx.Err() != nil {
			return "", err
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Sprintf("the relay chain did not prove parachain %d block %s within %s", id, at, s.opts.Timeout), nil
		}
		return fmt.Sprintf("parachain %d block %s could not be proven: %v", id, at, err), nil
	}
	h, err := s.claimedHeader(tctx, header.Hash(at))
	if err != nil {
		return unproven(err)
	}
	if h == nil {
		return "", fmt.Errorf("parachain %d: %w: the endpoint reported the transaction in block %s, which it does not know", id, lightclient.ErrVerification, at)
	}
	s.progress("waiting for the relay chain to prove parachain %d block #%d %s (up to %s)…", id, h.Number, at, s.opts.Timeout)
	head, err := s.pv.WaitHead(tctx, h.Number, s.opts.Poll)
	if err != nil {
		return unproven(err)
	}
	if err := s.pv.ProveAncestor(tctx, head, header.Hash(at), h.Number, s.claimedHeader); err != nil {
		return unproven(err)
	}
	s.progress("parachain %d block #%d proven: its head is an ancestor of #%d, proven by relay chain block #%d %s", id, h.Number, head.Header.Number, head.RelayNumber, head.Relay)
	return "", nil
}

// claimedHeader is chain_getHeader(hash) of the endpoint, checked to hash
// to hash (a header that does not is a lie); nil when the endpoint does
// not know the block.
func (s *paraSubmit) claimedHeader(ctx context.Context, hh header.Hash) (*header.Header, error) {
	rh := rpc.Hash(hh)
	r, err := s.rc.Header(ctx, &rh)
	if errors.Is(err, rpc.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("header "+Hash(hh).String(), err)
	}
	enc, err := r.SCALE()
	if err != nil {
		return nil, fmt.Errorf("%w: header %s: %w", lightclient.ErrVerification, Hash(hh), err)
	}
	h, err := header.Decode(enc)
	if err != nil {
		return nil, fmt.Errorf("%w: header %s: %w", lightclient.ErrVerification, Hash(hh), err)
	}
	if got := h.Hash(); got != hh {
		return nil, fmt.Errorf("%w: the endpoint's header for block %s hashes to %s", lightclient.ErrVerification, Hash(hh), Hash(got))
	}
	return h, nil
}

// body is the body of the proven block at from the endpoint, verified
// against its extrinsics root.
func (s *paraSubmit) body(ctx context.Context, h *header.Header, at Hash) ([][]byte, error) {
	s.mu.Lock()
	b, ok := s.bodies[at]
	s.mu.Unlock()
	if ok {
		return b, nil
	}
	rh := rpc.Hash(at)
	blk, err := s.rc.Block(ctx, &rh)
	if err != nil {
		return nil, wrap("block body "+at.String(), err)
	}
	body := make([][]byte, len(blk.Block.Extrinsics))
	for i, x := range blk.Block.Extrinsics {
		body[i] = []byte(x)
	}
	if err := chainsync.VerifyBody(h, body); err != nil {
		return nil, fmt.Errorf("parachain %d block %s body from the endpoint: %w: %w", s.l.pc.ParaID(), at, lightclient.ErrVerification, err)
	}
	s.mu.Lock()
	s.bodies[at] = body
	s.mu.Unlock()
	return body, nil
}

// submit sends through the endpoint.
func (s *paraSubmit) submit(ctx context.Context, ext []byte) (Watch, error) {
	// The endpoint's finalized block before sending: the transaction can
	// only be in later blocks.
	var from uint64
	if fin, err := s.ep.FinalizedHead(ctx); err == nil {
		from = fin.Number + 1
	} else {
		return nil, &SubmitError{MaybeSent: false, Err: err}
	}
	w, err := s.ep.Submit(ctx, ext)
	var re *RejectedError
	switch {
	case err == nil:
		return &paraWatch{s: s, w: w}, nil
	case errors.Is(err, rpc.ErrNoSubscriptions), errors.As(err, &re) && re.Code == -32601:
		// Plain HTTP, or no watching: send without watching and find the
		// transaction in the endpoint's finalized blocks.
	default:
		return nil, err
	}
	if _, err := s.rc.SubmitExtrinsic(ctx, ext); err != nil {
		var e *rpc.Error
		if errors.As(err, &e) {
			return nil, &RejectedError{Code: e.Code, Message: e.Message, Data: string(e.Data)}
		}
		return nil, &SubmitError{MaybeSent: true, Err: wrap("submit", err)}
	}
	return &pollWatch{s: s, hash: Hash(hash.Blake2b256(ext)), next: from}, nil
}

// paraWatch notes the blocks the endpoint's watch reports.
type paraWatch struct {
	s *paraSubmit
	w Watch
}

func (w *paraWatch) Next(ctx context.Context) (Status, error) {
	st, err := w.w.Next(ctx)
	if err == nil && (st.Kind == StatusInBlock || st.Kind == StatusFinalized) {
		w.s.report(st.Block)
	}
	return st, err
}

func (w *paraWatch) Close() error { return w.w.Close() }

// pollWatch finds a transaction sent without watching in the endpoint's
// finalized blocks.
type pollWatch struct {
	s    *paraSubmit
	hash Hash
	next uint64 // the next block number to search
	sent bool
}

func (w *pollWatch) Next(ctx context.Context) (Status, error) {
	if !w.sent {
		w.sent = true
		return Status{Kind: StatusReady}, nil
	}
	for {
		fin, err := w.s.ep.FinalizedHead(ctx)
		if err != nil {
			return Status{}, err
		}
		for ; w.next <= fin.Number; w.next++ {
			bh, err := w.s.rc.BlockHash(ctx, w.next)
			if err != nil {
				return Status{}, wrap(fmt.Sprintf("block hash #%d", w.next), err)
			}
			blk, err := w.s.rc.Block(ctx, &bh)
			if err != nil {
				return Status{}, wrap(fmt.Sprintf("block #%d", w.next), err)
			}
			for _, x := range blk.Block.Extrinsics {
				if Hash(hash.Blake2b256(x)) == w.hash {
					w.next = fin.Number + 1
					w.s.report(Hash(bh))
					return Status{Kind: StatusFinalized, Block: Hash(bh)}, nil
				}
			}
		}
		t := time.NewTimer(w.s.opts.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return Status{}, ctx.Err()
		case <-t.C:
		}
	}
}

func (w *pollWatch) Close() error { return nil }

// Header is Light.Header, proving first a block the endpoint reported for
// a transaction (or the endpoint's word when it cannot be proven: Claimed).
func (l *LightPara) Header(ctx context.Context, at Hash) (*Header, error) {
	if claimed, err := l.inclusion(ctx, at); err != nil || claimed {
		if err != nil {
			return nil, err
		}
		return l.sub.ep.Header(ctx, at)
	}
	return l.Light.Header(ctx, at)
}

// Storage is Light.Storage, proving a reported block first (see Header).
func (l *LightPara) Storage(ctx context.Context, key []byte, at Hash) ([]byte, bool, error) {
	if claimed, err := l.inclusion(ctx, at); err != nil || claimed {
		if err != nil {
			return nil, false, err
		}
		return l.sub.ep.Storage(ctx, key, at)
	}
	return l.Light.Storage(ctx, key, at)
}

// StorageKeys is Light.StorageKeys, proving a reported block first.
func (l *LightPara) StorageKeys(ctx context.Context, prefix []byte, count int, startKey []byte, at Hash) ([][]byte, error) {
	if claimed, err := l.inclusion(ctx, at); err != nil || claimed {
		if err != nil {
			return nil, err
		}
		return l.sub.ep.StorageKeys(ctx, prefix, count, startKey, at)
	}
	return l.Light.StorageKeys(ctx, prefix, count, startKey, at)
}

// RuntimeCall is Light.RuntimeCall, proving a reported block first.
func (l *LightPara) RuntimeCall(ctx context.Context, method string, args []byte, at Hash) ([]byte, error) {
	if claimed, err := l.inclusion(ctx, at); err != nil || claimed {
		if err != nil {
			return nil, err
		}
		return l.sub.ep.RuntimeCall(ctx, method, args, at)
	}
	return l.Light.RuntimeCall(ctx, method, args, at)
}

// RuntimeVersion is Light.RuntimeVersion, proving a reported block first.
func (l *LightPara) RuntimeVersion(ctx context.Context, at Hash) (*RuntimeVersion, error) {
	return readRuntime(ctx, l, at, func() (*RuntimeVersion, error) { return l.sub.ep.RuntimeVersion(ctx, at) }, l.Light.RuntimeVersion)
}

// Metadata is Light.Metadata, proving a reported block first.
func (l *LightPara) Metadata(ctx context.Context, at Hash) ([]byte, error) {
	return readRuntime(ctx, l, at, func() ([]byte, error) { return l.sub.ep.Metadata(ctx, at) }, l.Light.Metadata)
}

// readRuntime reads something of the runtime of block at: from the
// endpoint (claimed) when at is a block it reported whose inclusion is not
// proven yet, read at the proven head instead when the endpoint lacks the
// method; else from the light client (proven).
func readRuntime[T any](ctx context.Context, l *LightPara, at Hash, claimed func() (T, error), proven func(context.Context, Hash) (T, error)) (T, error) {
	isClaimed, err := l.inclusion(ctx, at)
	if err != nil {
		var zero T
		return zero, err
	}
	if !isClaimed {
		return proven(ctx, at)
	}
	v, err := claimed()
	if errors.Is(err, ErrUnsupported) {
		// An endpoint without the method: the runtime of the proven
		// head read.
		if fin, ferr := l.Light.FinalizedHead(ctx); ferr == nil {
			return proven(ctx, fin.Hash)
		}
	}
	return v, err
}
