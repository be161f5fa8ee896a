package p2ptest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/libp2p/go-libp2p/core/peer"
)

// LiveChain is a generated chain that grows while nodes serve it: Produce
// adds a justified block (with the transactions given), and every
// ChainSource over it serves blocks up to the new head at once. It is safe
// for concurrent use.
type LiveChain struct {
	mu      sync.RWMutex
	c       *testchain.Chain
	byHash  map[header.Hash]uint32
	visible uint32
}

// NewLiveChain serves c up to block visible (its finalized head).
func NewLiveChain(c *testchain.Chain, visible uint32) *LiveChain {
	l := &LiveChain{c: c, byHash: make(map[header.Hash]uint32, len(c.Blocks)), visible: visible}
	for n, b := range c.Blocks {
		l.byHash[b.Hash] = uint32(n)
	}
	return l
}

// Visible returns the finalized head's number.
func (l *LiveChain) Visible() uint32 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.visible
}

// SetVisible moves the finalized head to an existing block.
func (l *LiveChain) SetVisible(n uint32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.visible = min(n, uint32(len(l.c.Blocks)-1))
}

// Block returns block n (nil when it does not exist).
func (l *LiveChain) Block(n uint32) *testchain.Block {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if int(n) >= len(l.c.Blocks) {
		return nil
	}
	return l.c.Blocks[n]
}

// Produce makes the next block after the visible head: an existing block of
// the chain when there is one, else a new one with body xts (Extend). It
// becomes the visible head; the block and its gossip commit are returned.
func (l *LiveChain) Produce(xts [][]byte) (*testchain.Block, *grandpa.CompactCommit, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.visible + 1
	if int(n) >= len(l.c.Blocks) {
		b, err := l.c.Extend(xts)
		if err != nil {
			return nil, nil, err
		}
		l.byHash[b.Hash] = n
	} else if len(xts) > 0 {
		return nil, nil, fmt.Errorf("p2ptest: block %d exists already; transactions go in new blocks only", n)
	}
	cc, err := l.c.CompactCommit(n, testchain.JustifyOptions{})
	if err != nil {
		return nil, nil, err
	}
	l.visible = n
	return l.c.Blocks[n], cc, nil
}

// Extend adds a new block with body xts after the chain's last block
// without making it visible: SetVisible reveals it, with the blocks before
// it, at once (a warp proof then jumps over them).
func (l *LiveChain) Extend(xts [][]byte) (*testchain.Block, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, err := l.c.Extend(xts)
	if err != nil {
		return nil, err
	}
	l.byHash[b.Hash] = b.Header.Number
	return b, nil
}

// Lie selects how a ChainSource lies.
type Lie int32

// Lies.
const (
	Truthful Lie = iota
	// LieHeaders alters one header of every /sync/2 answer with headers.
	LieHeaders
	// LieBody adds an extrinsic to every body it serves.
	LieBody
	// NoBlocks answers every /sync/2 request with no block.
	NoBlocks
	// LieCallProof adds a node that does not hash-link from the state root
	// to every call proof.
	LieCallProof
)

// ChainSource serves a LiveChain to one node: blocks (headers, bodies,
// justifications) and warp proofs up to the visible head, storage proofs
// of any visible block. Set Lie to make it lie.
type ChainSource struct {
	L   *LiveChain
	lie atomic.Int32
	// Warps and BlockRequests count the /sync/warp and /sync/2 requests served.
	Warps, BlockRequests atomic.Int64
	// Calls, when set, answers /light/2 remote calls (nil: no proof).
	Calls *CallProver
}

// NewChainSource returns an honest source over l.
func NewChainSource(l *LiveChain) *ChainSource { return &ChainSource{L: l} }

// SetLie changes how the source answers.
func (s *ChainSource) SetLie(l Lie) { s.lie.Store(int32(l)) }

// Best implements Source: the visible head.
func (s *ChainSource) Best() (uint32, header.Hash) {
	s.L.mu.RLock()
	defer s.L.mu.RUnlock()
	return s.L.visible, s.L.c.Blocks[s.L.visible].Hash
}

func (s *ChainSource) number(h header.Hash) (uint32, bool) {
	n, ok := s.L.byHash[h]
	return n, ok && n <= s.L.visible
}

// Blocks implements Source (at most 128 blocks, like Substrate).
func (s *ChainSource) Blocks(req *wire.BlockRequest) ([]wire.BlockData, error) {
	s.BlockRequests.Add(1)
	s.L.mu.RLock()
	defer s.L.mu.RUnlock()
	lie := Lie(s.lie.Load())
	if lie == NoBlocks {
		return nil, nil
	}
	n := req.FromNumber
	if req.HasHash {
		var ok bool
		if n, ok = s.number(req.FromHash); !ok {
			return nil, nil
		}
	}
	max := uint32(128)
	if req.MaxBlocks != 0 && req.MaxBlocks < max {
		max = req.MaxBlocks
	}
	var out []wire.BlockData
	for i := int64(n); uint32(len(out)) < max && i >= 0 && i <= int64(s.L.visible); {
		b := s.L.c.Blocks[i]
		bd := wire.BlockData{Hash: b.Hash}
		if req.Fields&wire.FieldHeader != 0 {
			h := b.Header
			if lie == LieHeaders && len(out) == 1 {
				h = h.Clone()
				h.StateRoot[3] ^= 1
			}
			bd.Header = h.Encode()
		}
		if req.Fields&wire.FieldBody != 0 {
			bd.Body = b.Extrinsics
			if lie == LieBody {
				bd.Body = append(append([][]byte(nil), b.Extrinsics...), []byte{8, 4, 1})
			}
			if bd.Body == nil {
				bd.Body = [][]byte{}
			}
		}
		if req.Fields&wire.FieldJustification != 0 && b.Justification != nil {
			bd.Justification, bd.HasJustification = b.Justification.Encode(), true
		}
		out = append(out, bd)
		i += int64(step(req.Direction))
	}
	return out, nil
}

// Warp implements Source: a fragment per set change after begin up to the
// visible head, then the justified head.
func (s *ChainSource) Warp(begin header.Hash) (*wire.WarpResponse, error) {
	s.Warps.Add(1)
	s.L.mu.RLock()
	defer s.L.mu.RUnlock()
	n, ok := s.number(begin)
	if !ok {
		return nil, ErrUnknownBlock
	}
	c, visible := s.L.c, s.L.visible
	p := &grandpa.WarpProof{IsFinished: true}
	for _, ch := range c.Changes {
		if ch.Enact > n && ch.Enact <= visible {
			b := c.Blocks[ch.Enact]
			p.Fragments = append(p.Fragments, grandpa.Fragment{Header: b.Header, Justification: b.Justification})
		}
	}
	if len(p.Fragments) == 0 || p.Fragments[len(p.Fragments)-1].Header.Number != visible {
		j := c.Blocks[visible].Justification
		if j == nil {
			var err error
			if j, err = c.Justify(visible, testchain.JustifyOptions{}); err != nil {
				return nil, err
			}
		}
		p.Fragments = append(p.Fragments, grandpa.Fragment{Header: c.Blocks[visible].Header, Justification: j})
	}
	return wire.DecodeWarpResponse(p.Encode())
}

// ReadProof implements Source.
func (s *ChainSource) ReadProof(block header.Hash, keys [][]byte) ([][]byte, bool, error) {
	s.L.mu.RLock()
	defer s.L.mu.RUnlock()
	n, ok := s.number(block)
	if !ok {
		return nil, false, nil
	}
	_, nodes := trie.Prove(*s.L.c.Config.Layout, s.L.c.State(n), keys)
	return nodes, true, nil
}

// CallProof implements Source: the proof of what the call reads, made by
// Calls (nil: no proof).
func (s *ChainSource) CallProof(block header.Hash, method string, data []byte) ([][]byte, bool, error) {
	return s.Calls.proveLying(Lie(s.lie.Load()), block, method, data)
}

// Gossip sends a block's commit (GRANDPA notification) to every peer of
// each node with a completed handshake, then announces the block.
func Gossip(ctx context.Context, nodes []*Node, b *testchain.Block, cc *grandpa.CompactCommit) {
	msg := &wire.Gossip{Kind: wire.GossipCommit, Commit: cc}
	for _, n := range nodes {
		for _, p := range n.Peers() {
			_ = n.SendGossip(ctx, p.ID, msg)
		}
		n.Announce(ctx, &wire.Announce{Header: b.Header, State: wire.StateBest})
	}
}

// Producer makes blocks on a LiveChain for a set of nodes: the
// transactions any of them receives go into a new block, which every node
// then gossips (commit) and announces. Like Substrate's GRANDPA gossip, a
// node sends a commit only to peers whose neighbor packet shows the
// commit's set (Run records the packets).
type Producer struct {
	L     *LiveChain
	Nodes []*Node
	// Included counts the transactions put in blocks.
	Included atomic.Int64
	// Received counts the transactions notifications the nodes got; with
	// Hold set they are not included (a pool that never includes them).
	Received atomic.Int64
	Hold     atomic.Bool

	mu        sync.Mutex
	nmu       sync.Mutex
	neighbors map[peer.ID]wire.Neighbor
}

// Step produces one block with xts and gossips it.
func (p *Producer) Step(ctx context.Context, xts [][]byte) (*testchain.Block, *grandpa.CompactCommit, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, cc, err := p.L.Produce(xts)
	if err != nil {
		return nil, nil, err
	}
	p.Included.Add(int64(len(xts)))
	p.Gossip(ctx, b, cc)
	return b, cc, nil
}

// Gossip sends the commit from every node to the peers whose last neighbor
// packet is of the commit's set, and announces the block to all.
func (p *Producer) Gossip(ctx context.Context, b *testchain.Block, cc *grandpa.CompactCommit) {
	msg := &wire.Gossip{Kind: wire.GossipCommit, Commit: cc}
	for _, n := range p.Nodes {
		for _, pi := range n.Peers() {
			p.nmu.Lock()
			nb, ok := p.neighbors[pi.ID]
			p.nmu.Unlock()
			if ok && nb.SetID == cc.SetID {
				_ = n.SendGossip(ctx, pi.ID, msg)
			}
		}
		n.Announce(ctx, &wire.Announce{Header: b.Header, State: wire.StateBest})
	}
}

// Neighbor returns the last neighbor packet a peer sent to any node.
func (p *Producer) Neighbor(id peer.ID) (wire.Neighbor, bool) {
	p.nmu.Lock()
	defer p.nmu.Unlock()
	nb, ok := p.neighbors[id]
	return nb, ok
}

// Run includes the transactions the nodes receive and records the
// neighbor packets they get, until ctx ends.
func (p *Producer) Run(ctx context.Context) {
	p.nmu.Lock()
	if p.neighbors == nil {
		p.neighbors = map[peer.ID]wire.Neighbor{}
	}
	p.nmu.Unlock()
	var wg sync.WaitGroup
	for _, n := range p.Nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case tx := <-n.Transactions():
					p.Received.Add(1)
					if !p.Hold.Load() {
						_, _, _ = p.Step(ctx, tx.Transactions)
					}
				case g := <-n.Gossip():
					if g.Message != nil && g.Message.Neighbor != nil {
						p.nmu.Lock()
						p.neighbors[g.Peer] = *g.Message.Neighbor
						p.nmu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
}
