package p2ptest

import (
	"errors"
	"sync"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
)

// Source is what a test full node serves. lightclient/testchain can
// implement it; MemSource is a simple in-memory one.
type Source interface {
	// Best is the node's best block for its block-announces handshake.
	Best() (uint32, header.Hash)
	// Blocks answers a /sync/2 request (the node applies the max count).
	Blocks(req *wire.BlockRequest) ([]wire.BlockData, error)
	// Warp answers a /sync/warp request.
	Warp(begin header.Hash) (*wire.WarpResponse, error)
	// ReadProof returns the proof nodes for keys at block; ok false when
	// the block's state is unknown (the node answers without a proof).
	ReadProof(block header.Hash, keys [][]byte) (nodes [][]byte, ok bool, err error)
	// CallProof returns the execution proof of method(data) at block.
	CallProof(block header.Hash, method string, data []byte) (nodes [][]byte, ok bool, err error)
}

// Block is a block a MemSource serves.
type Block struct {
	Header        *header.Header
	Body          [][]byte // extrinsics with their compact length prefix
	Justification []byte   // SCALE GRANDPA justification, nil when none
}

// MemSource serves a linear chain of blocks, a fixed warp proof and
// per-block proofs from memory. It is safe for concurrent use.
type MemSource struct {
	mu       sync.RWMutex
	blocks   []Block // by number - blocks[0].Header.Number
	byHash   map[header.Hash]int
	warp     map[header.Hash]*wire.WarpResponse
	proofs   map[header.Hash][][]byte
	calls    map[header.Hash][][]byte
	MaxBlock int // per response (default 128, like Substrate)
}

// NewMemSource returns a source over a chain of consecutive blocks.
func NewMemSource(blocks []Block) *MemSource {
	s := &MemSource{byHash: make(map[header.Hash]int), warp: make(map[header.Hash]*wire.WarpResponse),
		proofs: make(map[header.Hash][][]byte), calls: make(map[header.Hash][][]byte), MaxBlock: 128}
	for _, b := range blocks {
		s.Add(b)
	}
	return s
}

// Add appends a block.
func (s *MemSource) Add(b Block) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byHash[b.Header.Hash()] = len(s.blocks)
	s.blocks = append(s.blocks, b)
}

// SetWarp sets the warp response served for requests starting at begin.
func (s *MemSource) SetWarp(begin header.Hash, r *wire.WarpResponse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warp[begin] = r
}

// SetProof sets the storage proof served for reads at block (whatever the keys).
func (s *MemSource) SetProof(block header.Hash, nodes [][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.proofs[block] = nodes
}

// SetCallProof sets the execution proof served for calls at block.
func (s *MemSource) SetCallProof(block header.Hash, nodes [][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[block] = nodes
}

// Best implements Source.
func (s *MemSource) Best() (uint32, header.Hash) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.blocks) == 0 {
		return 0, header.Hash{}
	}
	h := s.blocks[len(s.blocks)-1].Header
	return h.Number, h.Hash()
}

// Blocks implements Source.
func (s *MemSource) Blocks(req *wire.BlockRequest) ([]wire.BlockData, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.blocks) == 0 {
		return nil, nil
	}
	var i int
	if req.HasHash {
		var ok bool
		if i, ok = s.byHash[req.FromHash]; !ok {
			return nil, nil
		}
	} else {
		i = int(req.FromNumber) - int(s.blocks[0].Header.Number)
		if i < 0 || i >= len(s.blocks) {
			return nil, nil
		}
	}
	max := s.MaxBlock
	if req.MaxBlocks != 0 && int(req.MaxBlocks) < max {
		max = int(req.MaxBlocks)
	}
	var out []wire.BlockData
	for len(out) < max && i >= 0 && i < len(s.blocks) {
		b := s.blocks[i]
		bd := wire.BlockData{Hash: b.Header.Hash()}
		if req.Fields&wire.FieldHeader != 0 {
			bd.Header = b.Header.Encode()
		}
		if req.Fields&wire.FieldBody != 0 {
			bd.Body = b.Body
		}
		if req.Fields&wire.FieldJustification != 0 && b.Justification != nil {
			if req.MultipleJustifications {
				bd.Justifications = []wire.EngineJustification{{Engine: wire.GrandpaEngine, Justification: b.Justification}}
			} else {
				bd.Justification, bd.HasJustification = b.Justification, true
			}
		}
		out = append(out, bd)
		i += step(req.Direction)
	}
	return out, nil
}

// step is how a block request in direction d moves from one block to the
// next: to the parent when descending, to the child when ascending.
func step(d wire.Direction) int {
	if d == wire.Descending {
		return -1
	}
	return 1
}

// ErrUnknownBlock means the source has no warp proof from that block.
var ErrUnknownBlock = errors.New("p2ptest: unknown block")

// Warp implements Source.
func (s *MemSource) Warp(begin header.Hash) (*wire.WarpResponse, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r, ok := s.warp[begin]; ok {
		return r, nil
	}
	return nil, ErrUnknownBlock
}

// ReadProof implements Source.
func (s *MemSource) ReadProof(block header.Hash, _ [][]byte) ([][]byte, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n, ok := s.proofs[block]
	return n, ok, nil
}

// CallProof implements Source.
func (s *MemSource) CallProof(block header.Hash, _ string, _ []byte) ([][]byte, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n, ok := s.calls[block]
	return n, ok, nil
}
