package p2ptest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/ksm-wallet/ksm/lightclient/executor"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/hash"
)

// CallProver answers /light/2 remote calls as a Substrate full node does:
// it executes the call with lightclient/executor over the block's state,
// records every key the runtime read (values and next keys) and returns the
// proof of them. Runtimes are compiled once per code. It is safe for
// concurrent use; set it as ChainSource.Calls.
type CallProver struct {
	L *LiveChain
	// CacheDir is wazero's compilation cache ("" none).
	CacheDir string
	// Omit, when positive, drops every Omit-th key read from the proofs
	// (a peer that omits keys: the client reads them itself).
	Omit int
	// Proofs counts the call proofs made.
	Proofs atomic.Int64

	mu  sync.Mutex
	rts map[[32]byte]*executor.Runtime
}

// Close releases the compiled runtimes.
func (p *CallProver) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, rt := range p.rts {
		_ = rt.Close(context.Background())
		delete(p.rts, k)
	}
	return nil
}

// state is a sorted view of one block's state that records what is read.
type state struct {
	kvs  []trie.KV
	read [][]byte
}

func (s *state) find(key []byte) int {
	return sort.Search(len(s.kvs), func(i int) bool { return bytes.Compare(s.kvs[i].Key, key) >= 0 })
}

func (s *state) Get(key []byte) ([]byte, bool, error) {
	s.read = append(s.read, append([]byte(nil), key...))
	if i := s.find(key); i < len(s.kvs) && bytes.Equal(s.kvs[i].Key, key) {
		return s.kvs[i].Value, true, nil
	}
	return nil, false, nil
}

func (s *state) NextKey(key []byte) ([]byte, bool, error) {
	s.read = append(s.read, append([]byte(nil), key...))
	i := s.find(key)
	if i < len(s.kvs) && bytes.Equal(s.kvs[i].Key, key) {
		i++
	}
	if i >= len(s.kvs) {
		return nil, false, nil
	}
	s.read = append(s.read, s.kvs[i].Key)
	return s.kvs[i].Key, true, nil
}

// Prove executes method(data) at block and returns the proof of the
// storage it read; ok false when the block is not visible.
func (p *CallProver) Prove(block header.Hash, method string, data []byte) ([][]byte, bool, error) {
	p.L.mu.RLock()
	n, ok := p.L.byHash[block]
	ok = ok && n <= p.L.visible
	var kvs []trie.KV
	layout := trie.V1
	if ok {
		kvs = append(kvs, p.L.c.State(n)...)
		if p.L.c.Config.Layout != nil {
			layout = *p.L.c.Config.Layout
		}
	}
	p.L.mu.RUnlock()
	if !ok {
		return nil, false, nil
	}
	sort.Slice(kvs, func(i, j int) bool { return bytes.Compare(kvs[i].Key, kvs[j].Key) < 0 })
	st := &state{kvs: kvs}
	code, found, _ := st.Get([]byte(":code"))
	if !found {
		return nil, false, fmt.Errorf("p2ptest: block %d has no :code", n)
	}
	var heapPages uint64
	if hp, found, _ := st.Get([]byte(":heappages")); found && len(hp) == 8 {
		heapPages = binary.LittleEndian.Uint64(hp)
	}
	st.read = nil // the client has the code already
	ctx := context.Background()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rts == nil {
		p.rts = map[[32]byte]*executor.Runtime{}
	}
	ch := hash.Blake2b256(code)
	rt := p.rts[ch]
	if rt == nil {
		var err error
		if rt, err = executor.Compile(ctx, code, executor.Options{HeapPages: heapPages, CacheDir: p.CacheDir}); err != nil {
			return nil, false, fmt.Errorf("p2ptest: compile the runtime: %w", err)
		}
		p.rts[ch] = rt
	}
	// A call that fails is answered without a proof, as Substrate's
	// light-client request handler does.
	if _, err := rt.Call(ctx, method, data, st); err != nil {
		return nil, false, nil
	}
	keys := st.read
	if p.Omit > 0 {
		kept := keys[:0:0]
		for i, k := range keys {
			if (i+1)%p.Omit != 0 {
				kept = append(kept, k)
			}
		}
		keys = kept
	}
	_, nodes := trie.Prove(layout, kvs, keys)
	p.Proofs.Add(1)
	return nodes, true, nil
}

// proveLying is the CallProof of a source that lies lie: the proof p makes
// (a nil p: no proof), with a node that does not hash-link from the state
// root added under LieCallProof.
func (p *CallProver) proveLying(lie Lie, block header.Hash, method string, data []byte) ([][]byte, bool, error) {
	if p == nil {
		return nil, false, nil
	}
	nodes, ok, err := p.Prove(block, method, data)
	if ok && err == nil && lie == LieCallProof {
		nodes = append(nodes, []byte{0x80, 0x01, 0x00}) // well formed, unreachable
	}
	return nodes, ok, err
}
