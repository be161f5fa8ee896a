package lightclient

import (
	"context"
	"fmt"
	"sync"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// memSource is an in-memory Source of one honest peer serving a generated
// chain: warp proofs (pages of at most maxFragments) and storage proofs.
type memSource struct {
	c            *testchain.Chain
	visible      uint32
	maxFragments int
	ev           chan SourceEvent
	mu           sync.Mutex
	warpCache    map[header.Hash][]byte
}

func newMemSource(c *testchain.Chain, visible uint32, maxFragments int) *memSource {
	return &memSource{c: c, visible: visible, maxFragments: maxFragments, ev: make(chan SourceEvent, 1), warpCache: map[header.Hash][]byte{}}
}

func (s *memSource) Start(context.Context) error {
	s.ev <- SourceEvent{Peer: "mem", Caps: chainsync.PeerCaps{Kinds: chainsync.CanWarp | chainsync.CanStorage}, Best: s.visible}
	return nil
}
func (s *memSource) Events() <-chan SourceEvent  { return s.ev }
func (s *memSource) Ban(chainsync.PeerID, error) {}
func (s *memSource) Close() error                { return nil }
func (s *memSource) number(h header.Hash) uint32 { return findNumber(s.c, h) }

func findNumber(c *testchain.Chain, h header.Hash) uint32 {
	for n, b := range c.Blocks {
		if b.Hash == h {
			return uint32(n)
		}
	}
	return ^uint32(0)
}

// warp builds (and caches) the warp proof from block hash begin.
func (s *memSource) warp(begin header.Hash) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.warpCache[begin]; ok {
		return b, nil
	}
	n := s.number(begin)
	if n == ^uint32(0) {
		return nil, fmt.Errorf("unknown block")
	}
	p := &grandpa.WarpProof{IsFinished: true}
	for _, ch := range s.c.Changes {
		if ch.Enact > n && ch.Enact <= s.visible {
			if s.maxFragments > 0 && len(p.Fragments) == s.maxFragments {
				p.IsFinished = false
				break
			}
			b := s.c.Blocks[ch.Enact]
			p.Fragments = append(p.Fragments, grandpa.Fragment{Header: b.Header, Justification: b.Justification})
		}
	}
	if p.IsFinished && s.visible >= n && (len(p.Fragments) == 0 || p.Fragments[len(p.Fragments)-1].Header.Number != s.visible) {
		j, err := s.c.Justify(s.visible, testchain.JustifyOptions{})
		if err != nil {
			return nil, err
		}
		p.Fragments = append(p.Fragments, grandpa.Fragment{Header: s.c.Blocks[s.visible].Header, Justification: j})
	}
	b := p.Encode()
	s.warpCache[begin] = b
	return b, nil
}

func (s *memSource) Do(_ context.Context, r chainsync.Request) ([]byte, error) {
	switch r.Kind {
	case chainsync.KindWarp:
		return s.warp(r.Block)
	case chainsync.KindStorage:
		n := s.number(r.Block)
		if n == ^uint32(0) {
			return nil, fmt.Errorf("unknown block")
		}
		_, nodes := trie.Prove(*s.c.Config.Layout, s.c.State(n), r.Keys)
		return trie.EncodeProofSCALE(nodes), nil
	}
	return nil, fmt.Errorf("unsupported")
}
