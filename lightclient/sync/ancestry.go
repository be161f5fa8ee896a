package sync

import (
	"errors"
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

// ErrAncestryFailed means no peer served the headers below a verified block.
var ErrAncestryFailed = errors.New("sync: ancestor headers fetch failed")

// AncestryID identifies an ancestor-headers fetch.
type AncestryID uint64

// ancestryState holds the ancestor-headers fetches.
type ancestryState struct {
	next AncestryID
	list []*ancestryFetch
}

// ancestryFetch is a run of headers the machine is fetching for a caller:
// Count headers descending from block hash (number).
type ancestryFetch struct {
	id     AncestryID
	hash   header.Hash
	number uint32
	count  uint32
	done   func(hs []*header.Header, err error)
	tried  map[PeerID]bool
	busy   bool
	last   error
}

// FetchAncestors asks a peer serving KindHeaders for up to count headers
// descending from block hash, number, and calls done, on the goroutine
// driving the machine, with them (hash's header first) once an answer
// checked by hash links arrived, or with an error wrapping
// ErrAncestryFailed when no peer served one. hash must be authentic: the
// parent hash of a verified header (a finalized block's ancestor), so that
// the headers, each the parent of the one before, are authentic too; they
// are remembered (RememberHeader). A peer answering headers that do not
// link is banned. count is capped at MaxCommitHeaders (what one /sync/2
// answer holds); a peer may answer fewer, at least one.
func (m *Machine) FetchAncestors(hash header.Hash, number, count uint32, done func(hs []*header.Header, err error)) AncestryID {
	count = max(1, min(count, number+1, MaxCommitHeaders))
	m.ancestry.next++
	a := &ancestryFetch{id: m.ancestry.next, hash: hash, number: number, count: count, done: done, tried: map[PeerID]bool{}}
	m.ancestry.list = append(m.ancestry.list, a)
	return a.id
}

// ancestryRequests issues the requests of the fetches not in flight.
func (m *Machine) ancestryRequests(now time.Time) []Request {
	var out []Request
	for i := 0; i < len(m.ancestry.list); i++ {
		a := m.ancestry.list[i]
		if a.busy {
			continue
		}
		usable := func(p *peerState) bool { return !p.caps.Para && p.caps.Kinds.has(KindHeaders) && !a.tried[p.id] }
		p := m.pick(now, usable)
		if p == nil {
			if !m.anyUsable(usable) {
				last := a.last
				if last == nil {
					last = errors.New("no peer serves headers")
				}
				m.finishAncestry(a, nil, fmt.Errorf("%w: below block %d %s: no peer left to ask (last error: %w)", ErrAncestryFailed, a.number+1, a.hash, last))
				i--
			}
			continue
		}
		a.busy = true
		r := Request{Peer: p.id, Kind: KindHeaders, Block: a.hash, Number: a.number, Count: a.count, Deadline: now.Add(m.cfg.RequestTimeout)}
		r = m.issue(r, p, nil, nil)
		m.inflight[r.ID].ancestry = a
		out = append(out, r)
	}
	return out
}

// releaseAncestry frees the fetch of a finished headers request.
func (m *Machine) releaseAncestry(f *inflight) {
	a := f.ancestry
	a.busy = false
	a.tried[f.req.Peer] = true
	if a.last == nil {
		a.last = errors.New("request failed")
	}
}

func (m *Machine) finishAncestry(a *ancestryFetch, hs []*header.Header, err error) {
	for i, x := range m.ancestry.list {
		if x == a {
			m.ancestry.list = append(m.ancestry.list[:i], m.ancestry.list[i+1:]...)
			break
		}
	}
	if a.done != nil {
		a.done(hs, err)
	}
}

func (m *Machine) ancestryWanted(a *ancestryFetch) bool {
	for _, x := range m.ancestry.list {
		if x == a {
			return true
		}
	}
	return false
}

// onAncestry checks a headers answer by its hash links from the requested
// block and hands it to the caller.
func (m *Machine) onAncestry(f *inflight, payload []byte) error {
	a := f.ancestry
	if !m.ancestryWanted(a) {
		return fmt.Errorf("%w: headers no longer wanted", ErrUseless)
	}
	hs, err := DecodeHeaders(payload)
	if err != nil {
		a.last = malicious("%v", err)
		return a.last
	}
	if err := checkDescending(f.req, hs); err != nil {
		a.last = err
		return err
	}
	for _, h := range hs {
		m.RememberHeader(h, h.Hash())
	}
	m.finishAncestry(a, hs, nil)
	return nil
}
