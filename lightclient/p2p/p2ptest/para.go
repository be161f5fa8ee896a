package p2ptest

import (
	"errors"
	"sync/atomic"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
)

// ErrNoWarp is the answer of a parachain node to a /sync/warp request: a
// parachain is finalized by its relay chain and has no GRANDPA proofs.
var ErrNoWarp = errors.New("p2ptest: a parachain node serves no warp proofs")

// ParaLie selects how a ParaSource lies.
type ParaLie int32

// Para lies.
const (
	ParaTruthful ParaLie = iota
	// ParaWrongRoot answers storage reads with a well-formed proof of the
	// same keys in the state of another block (a wrong state root).
	ParaWrongRoot
	// ParaNoProof answers every storage read without a proof (as a node
	// that pruned the state).
	ParaNoProof
)

// ParaSource serves a generated parachain (a LiveChain over a testchain
// chain) as a cumulus full node does on the parachain's own network:
// blocks (headers and bodies, no justifications), storage proofs at any
// visible block, no warp proofs. Set a lie with SetLie.
type ParaSource struct {
	L   *LiveChain
	lie atomic.Int32
	// blockLie is how /sync/2 answers lie (a Lie; see SetBlockLie).
	blockLie atomic.Int32
	invent   atomic.Pointer[[]byte]
	// BlockRequests counts the /sync/2 requests served.
	BlockRequests atomic.Int64
	// Calls, when set, answers /light/2 remote calls (nil: no proof).
	Calls *CallProver
	// Reads counts the storage reads served.
	Reads atomic.Int64
}

// NewParaSource returns an honest source over l.
func NewParaSource(l *LiveChain) *ParaSource { return &ParaSource{L: l} }

// SetLie changes how the source answers reads.
func (s *ParaSource) SetLie(l ParaLie) { s.lie.Store(int32(l)) }

// Genesis is the parachain's genesis hash.
func (s *ParaSource) Genesis() header.Hash { return s.L.Block(0).Hash }

// Best implements Source: the visible head.
func (s *ParaSource) Best() (uint32, header.Hash) { return (&ChainSource{L: s.L}).Best() }

// SetBlockLie makes /sync/2 answers and call proofs lie as a ChainSource
// with lie l does (LieHeaders, LieBody, NoBlocks, LieCallProof; Truthful
// to stop).
func (s *ParaSource) SetBlockLie(l Lie) { s.blockLie.Store(int32(l)) }

// SetInvent makes every /sync/2 answer with headers and bodies serve
// invented blocks instead of the chain's: each block's body gets xt
// appended and its header the extrinsics root of that body, so the block
// is self-consistent but hashes to no block of the chain (a node claiming
// that xt was included). nil stops it.
func (s *ParaSource) SetInvent(xt []byte) {
	if xt == nil {
		s.invent.Store(nil)
		return
	}
	x := append([]byte(nil), xt...)
	s.invent.Store(&x)
}

// Blocks implements Source: as ChainSource, without justifications.
func (s *ParaSource) Blocks(req *wire.BlockRequest) ([]wire.BlockData, error) {
	s.BlockRequests.Add(1)
	r := *req
	r.Fields &^= wire.FieldJustification
	cs := &ChainSource{L: s.L}
	cs.SetLie(Lie(s.blockLie.Load()))
	out, err := cs.Blocks(&r)
	if xt := s.invent.Load(); xt != nil && err == nil && r.Fields&wire.FieldHeader != 0 && r.Fields&wire.FieldBody != 0 {
		for i := range out {
			h, herr := header.Decode(out[i].Header)
			if herr != nil {
				return nil, herr
			}
			out[i].Body = append(append([][]byte(nil), out[i].Body...), *xt)
			h.ExtrinsicsRoot = trie.OrderedRoot(trie.V0, out[i].Body)
			out[i].Header, out[i].Hash = h.Encode(), h.Hash()
		}
	}
	return out, err
}

// Warp implements Source: always ErrNoWarp (the node resets the stream).
func (s *ParaSource) Warp(header.Hash) (*wire.WarpResponse, error) { return nil, ErrNoWarp }

// ReadProof implements Source.
func (s *ParaSource) ReadProof(block header.Hash, keys [][]byte) ([][]byte, bool, error) {
	s.Reads.Add(1)
	s.L.mu.RLock()
	defer s.L.mu.RUnlock()
	n, ok := s.L.byHash[block]
	if !ok || n > s.L.visible {
		return nil, false, nil
	}
	switch ParaLie(s.lie.Load()) {
	case ParaNoProof:
		return nil, false, nil
	case ParaWrongRoot:
		// Another block's state: the values of System::Number at least
		// differ, so the root does.
		if n > 0 {
			n--
		} else {
			n = min(1, uint32(len(s.L.c.Blocks)-1))
		}
	}
	_, nodes := trie.Prove(*s.L.c.Config.Layout, s.L.c.State(n), keys)
	return nodes, true, nil
}

// CallProof implements Source: the proof Calls makes (nil: no proof);
// with the block lie LieCallProof a node that does not hash-link from the
// state root is added.
func (s *ParaSource) CallProof(block header.Hash, method string, data []byte) ([][]byte, bool, error) {
	return s.Calls.proveLying(Lie(s.blockLie.Load()), block, method, data)
}

// ParaConfig returns a config for a full node of a parachain's network:
// genesis and protocolID (its chain spec's protocolId, "" for Substrate's
// default) name the protocols; it runs no GRANDPA.
func ParaConfig(genesis header.Hash, protocolID string, src Source) p2p.Config {
	return p2p.Config{Genesis: genesis, Roles: wire.RoleFull, Best: src.Best, ProtocolID: protocolID, NoGrandpa: true,
		AllowAddr: Loopback, Resolver: NoDNS()}
}

// NewParaMock starts a full node of the parachain src serves on mocknet
// mn, with protocol id protocolID.
func NewParaMock(mn mocknet.Mocknet, protocolID string, src *ParaSource) (*Node, error) {
	return NewMock(mn, ParaConfig(src.Genesis(), protocolID, src), src)
}

// NewParaLoopback starts a full node of the parachain src serves on
// 127.0.0.1 with transport "tcp" or "ws".
func NewParaLoopback(transport, protocolID string, src *ParaSource) (*Node, error) {
	return NewLoopback(transport, ParaConfig(src.Genesis(), protocolID, src), src)
}
