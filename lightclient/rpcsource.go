package lightclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// RPCSource adapts a JSON-RPC endpoint as one peer: finality from
// grandpa_subscribeJustifications pushes (over WebSocket, when the endpoint
// has it) with grandpa_proveFinality polls as the fallback, headers from
// chain_getHeader, the justifications stored with blocks and block bodies
// from chain_getBlock, storage from state_getReadProof. Everything it
// returns is verified by the machine like a peer's answer.
type RPCSource struct {
	c    *rpc.Client
	name chainsync.PeerID
	opts RPCOptions
	ev   chan SourceEvent
	done chan struct{} // closed by Close

	mu       sync.Mutex
	caps     chainsync.PeerCaps
	banned   error
	closeOne sync.Once
	wg       sync.WaitGroup
}

// RPCOptions tune an RPCSource.
type RPCOptions struct {
	// Name is the peer name (default "rpc").
	Name string
	// Para marks the endpoint as a node of parachain ParaID: it only serves
	// storage proofs at parachain blocks.
	Para   bool
	ParaID uint32
	// Resubscribe is how long after a dropped justification subscription
	// the source subscribes again (default 30 s; negative: never). Until
	// then the machine polls grandpa_proveFinality.
	Resubscribe time.Duration
	// NoPush disables grandpa_subscribeJustifications (poll only).
	NoPush bool
}

// NewRPCSource wraps a connected client. Close closes it.
func NewRPCSource(c *rpc.Client, opts RPCOptions) *RPCSource {
	name := opts.Name
	if name == "" {
		name = "rpc"
	}
	caps := chainsync.PeerCaps{Kinds: chainsync.CanFinality | chainsync.CanStorage | chainsync.CanBody | chainsync.CanHeaders | chainsync.CanJustification}
	if opts.Para {
		caps = chainsync.PeerCaps{Kinds: chainsync.CanStorage, Para: true, ParaID: opts.ParaID}
	}
	if opts.Resubscribe == 0 {
		opts.Resubscribe = 30 * time.Second
	}
	return &RPCSource{c: c, name: chainsync.PeerID(name), opts: opts, caps: caps, ev: make(chan SourceEvent, 8), done: make(chan struct{})}
}

// SubscribeMethod is the method an endpoint pushes justifications with.
const SubscribeMethod = "grandpa_subscribeJustifications"

// RequiredMethods are the methods an endpoint needs to prove its answers.
var RequiredMethods = []string{"grandpa_proveFinality", "state_getReadProof"}

// Methods returns the methods the endpoint lists (rpc_methods).
func Methods(ctx context.Context, c *rpc.Client) (map[string]bool, error) {
	var res struct {
		Methods []string `json:"methods"`
	}
	if err := c.Call(ctx, "rpc_methods", nil, &res); err != nil {
		return nil, err
	}
	m := make(map[string]bool, len(res.Methods))
	for _, name := range res.Methods {
		m[name] = true
	}
	return m, nil
}

// CheckProvable checks that the endpoint offers the methods needed to verify
// its answers (for a parachain endpoint only state_getReadProof). It fails
// with ErrUnprovable, or ErrUnreachable when the endpoint does not answer.
func CheckProvable(ctx context.Context, c *rpc.Client, para bool) error {
	_, err := checkProvable(ctx, c, para)
	return err
}

func checkProvable(ctx context.Context, c *rpc.Client, para bool) (map[string]bool, error) {
	methods, err := Methods(ctx, c)
	if err != nil {
		var rerr *rpc.Error
		if !errors.As(err, &rerr) {
			return nil, fmt.Errorf("%w: rpc_methods: %w", ErrUnreachable, err)
		}
		return nil, fmt.Errorf("%w: rpc_methods: %v", ErrUnprovable, err)
	}
	var missing []string
	for _, m := range RequiredMethods {
		if para && m == "grandpa_proveFinality" {
			continue
		}
		if !methods[m] {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: it lacks %v", ErrUnprovable, missing)
	}
	return methods, nil
}

// Start checks the endpoint can prove its answers, subscribes to its
// justifications when it can push them, and reports it as a peer.
func (s *RPCSource) Start(ctx context.Context) error {
	methods, err := checkProvable(ctx, s.c, s.opts.Para)
	if err != nil {
		return err
	}
	ev := SourceEvent{Peer: s.name}
	var sub *rpc.Subscription
	if !s.opts.Para {
		n, err := s.finalizedNumber(ctx)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		ev.Best = n
		if methods[SubscribeMethod] && !s.opts.NoPush {
			// Over HTTP (no subscriptions) or when refused: poll only.
			if sub, err = s.c.SubscribeJustifications(ctx); err == nil {
				s.setPush(true)
			}
		}
	}
	ev.Caps = s.peerCaps()
	s.ev <- ev // the peer first, then its pushes
	if sub != nil && s.Pushing() {
		s.wg.Add(1)
		go s.follow(sub)
	}
	return nil
}

func (s *RPCSource) peerCaps() chainsync.PeerCaps {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.caps
}

func (s *RPCSource) setPush(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if on {
		s.caps.Kinds |= chainsync.PushesJustifications
	} else {
		s.caps.Kinds &^= chainsync.PushesJustifications
	}
}

// Pushing reports whether the endpoint's justification subscription is live.
func (s *RPCSource) Pushing() bool {
	return s.peerCaps().Kinds&chainsync.PushesJustifications != 0
}

// follow forwards the pushed justifications to the client. When the
// subscription ends it tells the client the endpoint no longer pushes (the
// machine polls again) and subscribes again after opts.Resubscribe.
func (s *RPCSource) follow(sub *rpc.Subscription) {
	defer s.wg.Done()
	for {
		for raw := range sub.Notifications() {
			b, err := rpc.ParseJustification(raw)
			if err != nil {
				// Not a justification: hand the bytes on for the machine
				// to judge (and ban the endpoint).
				b = append([]byte{}, raw...)
			}
			if s.Banned() != nil || !s.send(SourceEvent{Peer: s.name, Justification: b}) {
				_ = sub.Unsubscribe() // a liar's pushes are of no use
				return
			}
		}
		s.setPush(false)
		if !s.send(SourceEvent{Peer: s.name, Caps: s.peerCaps()}) || s.c.Err() != nil || s.opts.Resubscribe < 0 {
			return // closed, the connection is gone, or no second try
		}
		for {
			select {
			case <-s.done:
				return
			case <-s.c.Done():
				return
			case <-time.After(s.opts.Resubscribe):
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			next, err := s.c.SubscribeJustifications(ctx)
			cancel()
			if err == nil {
				sub = next
				break
			}
		}
		s.setPush(true)
		if !s.send(SourceEvent{Peer: s.name, Caps: s.peerCaps()}) {
			_ = sub.Unsubscribe()
			return
		}
	}
}

// send delivers ev unless the source is closed.
func (s *RPCSource) send(ev SourceEvent) bool {
	select {
	case s.ev <- ev:
		return true
	case <-s.done:
		return false
	}
}

func (s *RPCSource) finalizedNumber(ctx context.Context) (uint32, error) {
	h, err := s.c.FinalizedHead(ctx)
	if err != nil {
		return 0, fmt.Errorf("chain_getFinalizedHead: %w", err)
	}
	hd, err := s.c.Header(ctx, &h)
	if err != nil {
		return 0, fmt.Errorf("chain_getHeader: %w", err)
	}
	if hd.Number > 1<<32-1 {
		return 0, fmt.Errorf("chain_getHeader: block number %d out of range", hd.Number)
	}
	return uint32(hd.Number), nil
}

// Events reports the endpoint (once) and its claimed finalized number.
func (s *RPCSource) Events() <-chan SourceEvent { return s.ev }

// Do performs a finality, storage, body, headers or stored-justification
// request.
func (s *RPCSource) Do(ctx context.Context, r chainsync.Request) ([]byte, error) {
	s.mu.Lock()
	banned := s.banned
	s.mu.Unlock()
	if banned != nil {
		return nil, fmt.Errorf("rpc endpoint banned: %w", banned)
	}
	switch r.Kind {
	case chainsync.KindFinality:
		n, err := s.finalizedNumber(ctx)
		if err != nil {
			return nil, err
		}
		select {
		case s.ev <- SourceEvent{Peer: s.name, Caps: s.peerCaps(), Best: n}:
		default:
		}
		if n < r.Number {
			return nil, nil // nothing newer
		}
		b, err := s.c.ProveFinality(ctx, uint64(r.Number))
		if errors.Is(err, rpc.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("grandpa_proveFinality(%d): %w", r.Number, err)
		}
		return s.normalize(ctx, r.Number, b)
	case chainsync.KindStorage:
		at := rpc.Hash(r.Block)
		p, err := s.c.ReadProof(ctx, r.Keys, &at)
		if err != nil {
			return nil, fmt.Errorf("state_getReadProof: %w", err)
		}
		nodes := make([][]byte, len(p.Proof))
		for i, n := range p.Proof {
			nodes[i] = n
		}
		return trie.EncodeProofSCALE(nodes), nil
	case chainsync.KindBody:
		at := rpc.Hash(r.Block)
		b, err := s.c.Block(ctx, &at)
		if err != nil {
			return nil, fmt.Errorf("chain_getBlock(%s): %w", r.Block, err)
		}
		body := make([][]byte, len(b.Block.Extrinsics))
		for i, x := range b.Block.Extrinsics {
			body[i] = x
		}
		return chainsync.EncodeBody(body), nil
	case chainsync.KindHeaders:
		return s.headers(ctx, r)
	case chainsync.KindJustification:
		at := rpc.Hash(r.Block)
		b, err := s.c.Block(ctx, &at)
		if errors.Is(err, rpc.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("chain_getBlock(%s): %w", r.Block, err)
		}
		return b.JustificationOf(rpc.GrandpaEngine), nil
	}
	return nil, fmt.Errorf("rpc source: %s requests not supported", r.Kind)
}

// headers answers a KindHeaders request with chain_getHeader, walking the
// parent hashes down from r.Block (the machine checks the hash chain).
func (s *RPCSource) headers(ctx context.Context, r chainsync.Request) ([]byte, error) {
	var hs []*header.Header
	at := rpc.Hash(r.Block)
	for uint32(len(hs)) < r.Count {
		rh, err := s.c.Header(ctx, &at)
		if errors.Is(err, rpc.ErrNotFound) && len(hs) == 0 {
			break // the endpoint does not have the block
		}
		h, err := decodeHeader(rh, err)
		if err != nil {
			return nil, fmt.Errorf("chain_getHeader(%s): %w", at, err)
		}
		hs = append(hs, h)
		if h.Number == 0 {
			break
		}
		at = rpc.Hash(h.ParentHash)
	}
	return chainsync.EncodeHeaders(hs), nil
}

// decodeHeader decodes the header rh of an endpoint's chain_getHeader
// answer, passing on the call's error err.
func decodeHeader(rh *rpc.Header, err error) (*header.Header, error) {
	if err != nil {
		return nil, err
	}
	enc, err := rh.SCALE()
	if err != nil {
		return nil, err
	}
	return header.Decode(enc)
}

// normalize turns Substrate's answer to grandpa_proveFinality(n), whose
// headers start after n (and are empty when the justified block is n), into
// the machine's form, whose headers start at n: it adds header n, fetched by
// number. Nothing here is trusted: the machine checks that the headers chain
// from its finalized block to the justified one.
func (s *RPCSource) normalize(ctx context.Context, n uint32, b []byte) ([]byte, error) {
	if len(b) == 0 {
		// An empty proof is not "nothing newer" (that is null): make the
		// machine judge it as the malformed answer it is.
		return []byte{0}, nil
	}
	p, err := chainsync.DecodeFinalityProof(b)
	if err != nil {
		return b, nil // the machine judges malformed bytes
	}
	if len(p.UnknownHeaders) > 0 && p.UnknownHeaders[0].Number == n {
		return b, nil
	}
	hash, err := s.c.BlockHash(ctx, uint64(n))
	if err != nil {
		return nil, fmt.Errorf("chain_getBlockHash(%d): %w", n, err)
	}
	h, err := decodeHeader(s.c.Header(ctx, &hash))
	if err != nil {
		return nil, fmt.Errorf("chain_getHeader(%d): %w", n, err)
	}
	if len(p.UnknownHeaders) == 0 && p.Block != header.Hash(hash) {
		// A justification of an older block (the server's best
		// justification does not reach n): nothing newer.
		return nil, nil
	}
	p.UnknownHeaders = append([]*header.Header{h}, p.UnknownHeaders...)
	return p.Encode(), nil
}

// Ban marks the endpoint as a liar: later requests fail.
func (s *RPCSource) Ban(_ chainsync.PeerID, reason error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.banned == nil {
		s.banned = reason
	}
}

// Banned returns why the endpoint was banned (nil when it was not).
func (s *RPCSource) Banned() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.banned
}

// Close stops the subscription and closes the JSON-RPC client.
func (s *RPCSource) Close() error {
	var err error
	s.closeOne.Do(func() {
		close(s.done)
		err = s.c.Close()
		s.wg.Wait()
	})
	return err
}

// Submit sends ext (SCALE-encoded, with its compact length prefix) with
// author_submitExtrinsic. An error answer of the endpoint (the pool refused
// the transaction) wraps ErrRejected with the endpoint's message.
func (s *RPCSource) Submit(ctx context.Context, ext []byte) (int, error) {
	if s.opts.Para {
		return 0, fmt.Errorf("rpc source %s: a parachain endpoint takes no relay transactions", s.name)
	}
	if _, err := s.c.SubmitExtrinsic(ctx, ext); err != nil {
		var rerr *rpc.Error
		if errors.As(err, &rerr) {
			return 0, fmt.Errorf("%w: author_submitExtrinsic: %s", ErrRejected, rerr.Error())
		}
		return 0, fmt.Errorf("author_submitExtrinsic: %w", err)
	}
	return 1, nil
}

// onJustification feeds a pushed GRANDPA justification to the machine
// (driver goroutine); a forged one bans its sender at the source too.
func (c *Client) onJustification(src Source, ev SourceEvent) {
	if err := c.m.OnJustification(ev.Peer, ev.Justification, c.clock()); chainsync.VerdictOf(err) == chainsync.Malicious {
		src.Ban(ev.Peer, err)
	}
}

// FollowedByJustifications is how many blocks the client finalized from
// pushed justifications (grandpa_subscribeJustifications).
func (c *Client) FollowedByJustifications() uint64 { return c.m.FollowedByJustifications() }

// ServesPara names the parachain the endpoint serves, if it is a parachain's.
func (s *RPCSource) ServesPara() (uint32, bool) {
	c := s.peerCaps()
	return c.ParaID, c.Para
}
