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

// Blocks implements Source: as ChainSource, without justifications.
func (s *ParaSource) Blocks(req *wire.BlockRequest) ([]wire.BlockData, error) {
	r := *req
	r.Fields &^= wire.FieldJustification
	return (&ChainSource{L: s.L}).Blocks(&r)
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

// CallProof implements Source (no runtime: no proof).
func (s *ParaSource) CallProof(header.Hash, string, []byte) ([][]byte, bool, error) {
	return nil, false, nil
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
