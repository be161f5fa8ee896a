package lightclient

import (
	"context"
	"errors"
	"fmt"
	gosync "sync"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/sync"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// RPCSource adapts a JSON-RPC endpoint as one peer: finality from
// grandpa_proveFinality, storage from state_getReadProof. Everything it
// returns is verified by the machine like a peer's answer.
type RPCSource struct {
	c    *rpc.Client
	name sync.PeerID
	caps sync.PeerCaps
	ev   chan SourceEvent

	mu     gosync.Mutex
	banned error
}

// RPCOptions tune an RPCSource.
type RPCOptions struct {
	// Name is the peer name (default "rpc").
	Name string
	// Para marks the endpoint as a node of parachain ParaID: it only serves
	// storage proofs at parachain blocks.
	Para   bool
	ParaID uint32
}

// NewRPCSource wraps a connected client. Close closes it.
func NewRPCSource(c *rpc.Client, opts RPCOptions) *RPCSource {
	name := opts.Name
	if name == "" {
		name = "rpc"
	}
	caps := sync.PeerCaps{Kinds: sync.CanFinality | sync.CanStorage | sync.CanBody}
	if opts.Para {
		caps = sync.PeerCaps{Kinds: sync.CanStorage, Para: true, ParaID: opts.ParaID}
	}
	return &RPCSource{c: c, name: sync.PeerID(name), caps: caps, ev: make(chan SourceEvent, 8)}
}

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
	methods, err := Methods(ctx, c)
	if err != nil {
		var rerr *rpc.Error
		if !errors.As(err, &rerr) {
			return fmt.Errorf("%w: rpc_methods: %w", ErrUnreachable, err)
		}
		return fmt.Errorf("%w: rpc_methods: %v", ErrUnprovable, err)
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
		return fmt.Errorf("%w: it lacks %v", ErrUnprovable, missing)
	}
	return nil
}

// Start checks the endpoint can prove its answers and reports it as a peer.
func (s *RPCSource) Start(ctx context.Context) error {
	if err := CheckProvable(ctx, s.c, s.caps.Para); err != nil {
		return err
	}
	ev := SourceEvent{Peer: s.name, Caps: s.caps}
	if !s.caps.Para {
		n, err := s.finalizedNumber(ctx)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		ev.Best = n
	}
	s.ev <- ev
	return nil
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

// Do performs a finality or storage request.
func (s *RPCSource) Do(ctx context.Context, r sync.Request) ([]byte, error) {
	s.mu.Lock()
	banned := s.banned
	s.mu.Unlock()
	if banned != nil {
		return nil, fmt.Errorf("rpc endpoint banned: %w", banned)
	}
	switch r.Kind {
	case sync.KindFinality:
		n, err := s.finalizedNumber(ctx)
		if err != nil {
			return nil, err
		}
		select {
		case s.ev <- SourceEvent{Peer: s.name, Caps: s.caps, Best: n}:
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
	case sync.KindStorage:
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
	case sync.KindBody:
		at := rpc.Hash(r.Block)
		b, err := s.c.Block(ctx, &at)
		if err != nil {
			return nil, fmt.Errorf("chain_getBlock(%s): %w", r.Block, err)
		}
		body := make([][]byte, len(b.Block.Extrinsics))
		for i, x := range b.Block.Extrinsics {
			body[i] = x
		}
		return sync.EncodeBody(body), nil
	}
	return nil, fmt.Errorf("rpc source: %s requests not supported", r.Kind)
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
	p, err := sync.DecodeFinalityProof(b)
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
	rh, err := s.c.Header(ctx, &hash)
	if err != nil {
		return nil, fmt.Errorf("chain_getHeader(%d): %w", n, err)
	}
	enc, err := rh.SCALE()
	if err != nil {
		return nil, fmt.Errorf("chain_getHeader(%d): %w", n, err)
	}
	h, err := header.Decode(enc)
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
func (s *RPCSource) Ban(_ sync.PeerID, reason error) {
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

// Close closes the JSON-RPC client.
func (s *RPCSource) Close() error { return s.c.Close() }

// Submit sends ext (SCALE-encoded, with its compact length prefix) with
// author_submitExtrinsic. An error answer of the endpoint (the pool refused
// the transaction) wraps ErrRejected with the endpoint's message.
func (s *RPCSource) Submit(ctx context.Context, ext []byte) (int, error) {
	if s.caps.Para {
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
