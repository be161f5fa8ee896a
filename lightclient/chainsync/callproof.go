package chainsync

import (
	"errors"
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// ErrCallProofFailed means no peer served a call proof (none serves them,
// or those asked failed). Callers read the storage the call needs key by
// key instead: a call proof only saves round trips.
var ErrCallProofFailed = errors.New("chainsync: call proof fetch failed")

// CallProofID identifies a call-proof fetch.
type CallProofID uint64

// MaxCallProofTries bounds the peers asked for one call proof: it is an
// optimization, not worth more than a couple of round trips.
const MaxCallProofTries = 2

// callProofState holds the call proofs being fetched.
type callProofState struct {
	next CallProofID
	list []*callProof
}

// callProof is a call proof the machine is fetching for a caller.
type callProof struct {
	id     CallProofID
	h      *header.Header
	hash   header.Hash
	method string
	data   []byte
	done   func(nodes [][]byte, err error)
	tried  map[PeerID]bool
	busy   bool
	last   error
	// para and paraID: a parachain block's call proof, asked of that
	// parachain's peers.
	para   bool
	paraID uint32
}

// FetchCallProof asks a peer serving KindCallProof for the proof of the
// storage the runtime call method(data) reads at the verified header h
// (hash), and calls done, on the goroutine driving the machine, with the
// proof's trie nodes once a proof checked against h's state root arrived,
// or with an error wrapping ErrCallProofFailed. The proof is checked only
// as nodes of h's state: its root node is h's state root and every node
// hash-links from it (a peer answering otherwise is banned). Whether it
// holds all the call reads is not checked: a peer that omitted some merely
// costs the caller the reads it must make itself.
func (m *Machine) FetchCallProof(h *header.Header, hash header.Hash, method string, data []byte, done func(nodes [][]byte, err error)) CallProofID {
	return m.fetchCallProof(&callProof{h: h.Clone(), hash: hash, method: method,
		data: append([]byte{}, data...), done: done, tried: map[PeerID]bool{}})
}

// FetchParaCallProof is FetchCallProof at block hash of parachain paraID
// (h a header of it the caller verified, a para head the relay proved),
// asked of that parachain's peers serving call proofs.
func (m *Machine) FetchParaCallProof(paraID uint32, h *header.Header, hash header.Hash, method string, data []byte, done func(nodes [][]byte, err error)) CallProofID {
	return m.fetchCallProof(&callProof{h: h.Clone(), hash: hash, method: method,
		data: append([]byte{}, data...), done: done, tried: map[PeerID]bool{}, para: true, paraID: paraID})
}

func (m *Machine) fetchCallProof(c *callProof) CallProofID {
	m.calls.next++
	c.id = m.calls.next
	m.calls.list = append(m.calls.list, c)
	return c.id
}

// callProofRequests issues the requests of the call proofs not in flight.
func (m *Machine) callProofRequests(now time.Time) []Request {
	var out []Request
	for i := 0; i < len(m.calls.list); i++ {
		c := m.calls.list[i]
		if c.busy {
			continue
		}
		usable := func(p *peerState) bool {
			return p.caps.Para == c.para && (!c.para || p.caps.ParaID == c.paraID) && p.caps.Kinds.has(KindCallProof) && !c.tried[p.id]
		}
		var p *peerState
		if len(c.tried) < MaxCallProofTries {
			p = m.pick(now, usable)
		}
		if p == nil {
			if !m.anyUsable(usable) || len(c.tried) >= MaxCallProofTries {
				last := c.last
				if last == nil {
					last = errors.New("no peer serves call proofs")
				}
				m.finishCallProof(c, nil, fmt.Errorf("%w: %s at block %d %s: %w", ErrCallProofFailed, c.method, c.h.Number, c.hash, last))
				i--
			}
			continue
		}
		c.busy = true
		r := Request{Peer: p.id, Kind: KindCallProof, Block: c.hash, Number: c.h.Number,
			Method: c.method, Data: c.data, Deadline: now.Add(m.cfg.RequestTimeout), Para: c.para, ParaID: c.paraID}
		r = m.issue(r, p, nil, c.h)
		m.inflight[r.ID].callProof = c
		out = append(out, r)
	}
	return out
}

// releaseCallProof frees the fetch of a finished KindCallProof request.
func (m *Machine) releaseCallProof(f *inflight) {
	c := f.callProof
	if c == nil {
		return
	}
	c.busy = false
	c.tried[f.req.Peer] = true
	if c.last == nil {
		c.last = errors.New("request failed")
	}
}

func (m *Machine) finishCallProof(c *callProof, nodes [][]byte, err error) {
	for i, x := range m.calls.list {
		if x == c {
			m.calls.list = append(m.calls.list[:i], m.calls.list[i+1:]...)
			break
		}
	}
	if c.done != nil {
		c.done(nodes, err)
	}
}

// VerifyCallProof decodes a KindCallProof payload (a SCALE StorageProof,
// Vec<Vec<u8>>) and checks it as nodes of the state whose root is root:
// the root node is there and every node hash-links from it. It returns the
// nodes (copies). An empty proof is malformed: every call reads the state.
func VerifyCallProof(root header.Hash, payload []byte) ([][]byte, error) {
	nodes, err := trie.DecodeProofSCALE(payload)
	if err != nil {
		return nil, fmt.Errorf("%w: call proof: %v", ErrMalformed, err)
	}
	if _, err := trie.NewProof(trie.Hash(root), nodes); err != nil {
		return nil, fmt.Errorf("call proof of %d nodes: %w", len(nodes), err)
	}
	out := make([][]byte, len(nodes))
	for i, n := range nodes {
		out[i] = append([]byte(nil), n...)
	}
	return out, nil
}

func (m *Machine) onCallProof(f *inflight, payload []byte) error {
	c := f.callProof
	if c == nil || !m.callProofWanted(c) {
		return fmt.Errorf("%w: call proof no longer wanted", ErrUseless)
	}
	nodes, err := VerifyCallProof(c.h.StateRoot, payload)
	if err != nil {
		c.tried[f.req.Peer] = true
		c.last = malicious("%v", err)
		return c.last
	}
	m.finishCallProof(c, nodes, nil)
	return nil
}

func (m *Machine) callProofWanted(c *callProof) bool {
	for _, x := range m.calls.list {
		if x == c {
			return true
		}
	}
	return false
}
