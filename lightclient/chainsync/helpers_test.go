package chainsync

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// server answers requests from the generated chain as an honest full node
// whose finalized head is Visible.
type server struct {
	c       *testchain.Chain
	Visible uint32
	// MaxFragments limits warp proofs (0: no limit).
	MaxFragments int
	// Paras maps para id → parachain chain (its head at relay block n is
	// the para block n) for Paras::Heads entries of the relay state.
	para *testchain.Chain
}

func newChain(t testing.TB, cfg testchain.Config) *testchain.Chain {
	t.Helper()
	c, err := testchain.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (s *server) number(h header.Hash) (uint32, bool) {
	for n := int(s.Visible); n >= 0; n-- {
		if s.c.Blocks[n].Hash == h {
			return uint32(n), true
		}
	}
	return 0, false
}

// warp builds a /sync/warp answer from block hash.
func (s *server) warp(from header.Hash) ([]byte, error) {
	n, ok := s.number(from)
	if !ok {
		return nil, fmt.Errorf("unknown block")
	}
	p := &grandpa.WarpProof{}
	for _, ch := range s.c.Changes {
		if ch.Enact <= n || ch.Enact > s.Visible {
			continue
		}
		if s.MaxFragments > 0 && len(p.Fragments) == s.MaxFragments {
			return p.Encode(), nil
		}
		b := s.c.Blocks[ch.Enact]
		p.Fragments = append(p.Fragments, grandpa.Fragment{Header: b.Header.Clone(), Justification: b.Justification})
	}
	// Like Substrate: the best justification (of the head) ends a finished
	// proof when it is above the last fragment, or at or above the start.
	if s.Visible >= n && s.Visible > 0 && (len(p.Fragments) == 0 || p.Fragments[len(p.Fragments)-1].Header.Number != s.Visible) {
		if s.MaxFragments > 0 && len(p.Fragments) == s.MaxFragments {
			return p.Encode(), nil
		}
		j, err := s.c.Justify(s.Visible, testchain.JustifyOptions{})
		if err != nil {
			return nil, err
		}
		p.Fragments = append(p.Fragments, grandpa.Fragment{Header: s.c.Blocks[s.Visible].Header.Clone(), Justification: j})
	}
	p.IsFinished = true
	return p.Encode(), nil
}

// finality builds a grandpa_proveFinality answer for block r.
func (s *server) finality(r uint32) ([]byte, error) {
	if r > s.Visible {
		return nil, nil
	}
	target := s.Visible
	for _, ch := range s.c.Changes {
		if ch.Enact >= r && ch.Enact <= s.Visible {
			target = ch.Enact
			break
		}
	}
	j := s.c.Blocks[target].Justification
	if j == nil || target == s.Visible {
		var err error
		if j, err = s.c.Justify(target, testchain.JustifyOptions{}); err != nil {
			return nil, err
		}
	}
	fp := &FinalityProof{Block: s.c.Blocks[target].Hash, Justification: j.Encode()}
	for n := r; n <= target; n++ {
		fp.UnknownHeaders = append(fp.UnknownHeaders, s.c.Blocks[n].Header.Clone())
	}
	return fp.Encode(), nil
}

func (s *server) state(n uint32) []trie.KV {
	return s.c.State(n)
}

func (s *server) storage(r Request) ([]byte, error) {
	if r.Para {
		n, ok := findBlock(s.para, r.Block)
		if !ok {
			return nil, fmt.Errorf("unknown para block")
		}
		_, nodes := trie.Prove(*s.para.Config.Layout, s.para.State(n), r.Keys)
		return trie.EncodeProofSCALE(nodes), nil
	}
	n, ok := s.number(r.Block)
	if !ok {
		return nil, fmt.Errorf("unknown block")
	}
	_, nodes := trie.Prove(*s.c.Config.Layout, s.state(n), r.Keys)
	return trie.EncodeProofSCALE(nodes), nil
}

func findBlock(c *testchain.Chain, h header.Hash) (uint32, bool) {
	for n, b := range c.Blocks {
		if b.Hash == h {
			return uint32(n), true
		}
	}
	return 0, false
}

func (s *server) answer(r Request) ([]byte, error) {
	switch r.Kind {
	case KindWarp:
		return s.warp(r.Block)
	case KindFinality:
		return s.finality(r.Number)
	case KindStorage:
		return s.storage(r)
	}
	return nil, fmt.Errorf("unknown kind")
}

// behaviour answers one request: payload, or fail.
type behaviour func(r Request) ([]byte, error)

// harness drives a machine with fake peers and a fake clock.
type harness struct {
	t      testing.TB
	m      *Machine
	c      *testchain.Chain
	peers  map[PeerID]behaviour
	now    time.Time
	events []Event
	errs   map[PeerID][]error
	// lax skips the truth checks of events (a machine started with a wrong
	// configuration on purpose).
	lax bool
}

func newHarness(t testing.TB, c *testchain.Chain, start uint32, cfg Config) *harness {
	t.Helper()
	cfg.Header = c.Blocks[start].Header
	if cfg.Set.Authorities == nil {
		cfg.Set = c.Set(c.SetIDAt(start + 1))
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, m: m, c: c, peers: map[PeerID]behaviour{}, now: time.Unix(1_700_000_000, 0), errs: map[PeerID][]error{}}
}

func (h *harness) add(id PeerID, caps Caps, b behaviour) {
	h.peers[id] = b
	h.m.AddPeer(id, PeerCaps{Kinds: caps})
}

func (h *harness) addPara(id PeerID, paraID uint32, b behaviour) {
	h.peers[id] = b
	h.m.AddPeer(id, PeerCaps{Kinds: CanStorage, Para: true, ParaID: paraID})
}

// step performs every desired request once and advances the clock.
func (h *harness) step() int {
	reqs := h.m.Desired(h.now)
	for _, r := range reqs {
		b := h.peers[r.Peer]
		payload, err := b(r)
		if err != nil {
			if err := h.m.OnFailureAt(r.ID, h.now); err != nil {
				h.t.Fatal(err)
			}
			continue
		}
		if err := h.m.OnResponseAt(r.ID, payload, h.now); err != nil {
			h.errs[r.Peer] = append(h.errs[r.Peer], err)
		}
	}
	h.collect()
	h.now = h.now.Add(time.Second)
	return len(reqs)
}

func (h *harness) collect() {
	for _, ev := range h.m.Events() {
		h.check(ev)
		h.events = append(h.events, ev)
	}
}

// check asserts that an event carries only true values of the chain.
func (h *harness) check(ev Event) {
	if h.lax {
		return
	}
	switch e := ev.(type) {
	case Finalized:
		if int(e.Header.Number) >= len(h.c.Blocks) || h.c.Blocks[e.Header.Number].Hash != e.Hash || e.Header.Hash() != e.Hash {
			h.t.Fatalf("finalized a block not in the chain: %d %s", e.Header.Number, e.Hash)
		}
		if want := h.c.SetIDAt(e.Header.Number + 1); e.SetID != want && int(e.Header.Number) < len(h.c.Blocks)-1 {
			h.t.Fatalf("block %d: set id %d, want %d", e.Header.Number, e.SetID, want)
		}
	case SetChanged:
		want := h.c.Set(e.Set.SetID)
		if !sameSet(want, e.Set) {
			h.t.Fatalf("set %d differs from the chain's", e.Set.SetID)
		}
		end, ok := h.c.SetEnd(e.Set.SetID - 1)
		if !ok || end != e.Number {
			h.t.Fatalf("set %d enacted at %d, want %d", e.Set.SetID, e.Number, end)
		}
	case QueryResult:
		if e.Err != nil {
			return
		}
		if h.c.Blocks[e.Number].Hash != e.Block {
			h.t.Fatalf("query answered at a block not in the chain")
		}
		if e.Para != nil {
			return // checked by the test
		}
		state := map[string][]byte{}
		for _, kv := range h.c.State(e.Number) {
			state[string(kv.Key)] = kv.Value
		}
		for _, v := range e.Values {
			want, ok := state[string(v.Key)]
			if ok != v.Found || !bytes.Equal(want, v.Value) {
				h.t.Fatalf("key %x at block %d: got %x (found %v), want %x", v.Key, e.Number, v.Value, v.Found, want)
			}
		}
	}
}

func sameSet(a, b grandpa.AuthoritySet) bool {
	if a.SetID != b.SetID || len(a.Authorities) != len(b.Authorities) {
		return false
	}
	for i := range a.Authorities {
		if a.Authorities[i] != b.Authorities[i] {
			return false
		}
	}
	return true
}

// followCommit hands the machine cc as gossiped by peer and steps until it
// finalized cc's target.
func (h *harness) followCommit(peer PeerID, cc *grandpa.CompactCommit) {
	h.t.Helper()
	if err := h.m.OnCommit(peer, cc, h.now); err != nil {
		h.t.Fatalf("commit %d from %s: %v", cc.TargetNumber, peer, err)
	}
	if !h.runUntil(10, func() bool { return h.finalized() == cc.TargetNumber }) {
		h.t.Fatalf("commit for %d not followed (at %d); errors %v", cc.TargetNumber, h.finalized(), h.errs)
	}
}

// runUntil steps until cond holds or max steps pass.
func (h *harness) runUntil(max int, cond func() bool) bool {
	for i := 0; i < max; i++ {
		if cond() {
			return true
		}
		h.step()
	}
	return cond()
}

// queryResult is the (last) result of query id among the events collected
// so far, or nil.
func (h *harness) queryResult(id QueryID) *QueryResult {
	var res *QueryResult
	for _, e := range h.events {
		if q, ok := e.(QueryResult); ok && q.ID == id {
			res = &q
		}
	}
	return res
}

// awaitQuery steps the harness until the query's result arrives.
func awaitQuery(t testing.TB, h *harness, id QueryID) QueryResult {
	t.Helper()
	return awaitQueryWithin(t, h, id, 200)
}

// awaitQueryWithin steps the harness at most steps times until the query's
// result arrives.
func awaitQueryWithin(t testing.TB, h *harness, id QueryID, steps int) QueryResult {
	t.Helper()
	h.runUntil(steps, func() bool { return h.queryResult(id) != nil })
	res := h.queryResult(id)
	if res == nil {
		t.Fatalf("query %d: no answer within %d steps", id, steps)
	}
	return *res
}

// nextFollowed is the block finalized after n in step i of a test that
// follows finality: 1 to 3 blocks on, but never past a set change (the old
// set finalizes, and a node pushes the justification of, each set-ending
// block before the new set votes).
func nextFollowed(c *testchain.Chain, n uint32, i int) uint32 {
	next := n + uint32(1+i%3)
	for _, ch := range c.Changes {
		if ch.Enact > n && ch.Enact < next {
			next = ch.Enact
		}
	}
	return next
}

// requireRemembered fails t unless the machine knows every block from
// first to last of c.
func (h *harness) requireRemembered(t testing.TB, c *testchain.Chain, first, last uint32) {
	t.Helper()
	for n := first; n <= last; n++ {
		if hd, ok := h.m.KnownHeader(c.Blocks[n].Hash); !ok || hd.Number != n {
			t.Fatalf("block %d not remembered", n)
		}
	}
}

func (h *harness) finalized() uint32 {
	f, _, _ := h.m.Finalized()
	return f.Number
}

func (h *harness) count(match func(Event) bool) int {
	n := 0
	for _, e := range h.events {
		if match(e) {
			n++
		}
	}
	return n
}

type trieKV = trie.KV

func paraHeadState(para *testchain.Chain, n uint32) []trie.KV {
	if int(n) >= len(para.Blocks) {
		return nil
	}
	return []trie.KV{{Key: parachain.HeadsKey(1000), Value: parachain.EncodeHeadData(para.Blocks[n].Header)}}
}

func stateValue(c *testchain.Chain, n uint32, key []byte) []byte {
	for _, kv := range c.State(n) {
		if bytes.Equal(kv.Key, key) {
			return kv.Value
		}
	}
	return nil
}
