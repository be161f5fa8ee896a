package chainsync

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

// ErrAncestryFailed means no peer served the headers below a verified block.
var ErrAncestryFailed = errors.New("chainsync: ancestor headers fetch failed")

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
	fetchTries
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
	a := &ancestryFetch{id: m.ancestry.next, hash: hash, number: number, count: count, done: done, fetchTries: newFetchTries()}
	m.ancestry.list = append(m.ancestry.list, a)
	return a.id
}

// ancestryRequests issues the requests of the fetches not in flight.
func (m *Machine) ancestryRequests(now time.Time) []Request {
	return fetchRequests(m, now, &m.ancestry.list, relayServes[*ancestryFetch](KindHeaders), 0, func(a *ancestryFetch) {
		m.finishAncestry(a, nil, fmt.Errorf("%w: below block %d %s: no peer left to ask (last error: %w)", ErrAncestryFailed, a.number+1, a.hash, a.lastOr("no peer serves headers")))
	}, func(a *ancestryFetch, p *peerState) Request {
		r := Request{Peer: p.id, Kind: KindHeaders, Block: a.hash, Number: a.number, Count: a.count, Deadline: now.Add(m.cfg.RequestTimeout)}
		r = m.issue(r, p, nil, nil)
		m.inflight[r.ID].ancestry = a
		return r
	})
}

// releaseAncestry frees the fetch of a finished headers request.
func (m *Machine) releaseAncestry(f *inflight) {
	f.ancestry.release(f.req.Peer)
}

func (m *Machine) finishAncestry(a *ancestryFetch, hs []*header.Header, err error) {
	m.ancestry.list = removeFetch(m.ancestry.list, a)
	if a.done != nil {
		a.done(hs, err)
	}
}

func (m *Machine) ancestryWanted(a *ancestryFetch) bool {
	return slices.Contains(m.ancestry.list, a)
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

// fetchTries is what a fetch made for a caller keeps of the peers it asked:
// which ones, whether a request is in flight, and the last failure.
type fetchTries struct {
	tried map[PeerID]bool
	busy  bool
	last  error
}

func newFetchTries() fetchTries { return fetchTries{tried: map[PeerID]bool{}} }

func (t *fetchTries) tries() *fetchTries { return t }

// fetchRequests issues a request for each fetch of *list not in flight, to
// a peer that serves it (serves) and was not asked for it yet, asking at
// most maxTries peers a fetch (0: no limit). A fetch no peer is left for
// fails with giveUp, which must remove it from *list; issue makes and
// issues the request of a fetch to a peer.
func fetchRequests[F interface{ tries() *fetchTries }](m *Machine, now time.Time, list *[]F, serves func(F, *peerState) bool, maxTries int, giveUp func(F), issue func(F, *peerState) Request) []Request {
	var out []Request
	for i := 0; i < len(*list); i++ {
		f := (*list)[i]
		t := f.tries()
		if t.busy {
			continue
		}
		usable := func(p *peerState) bool { return serves(f, p) && !t.tried[p.id] }
		exhausted := maxTries > 0 && len(t.tried) >= maxTries
		var p *peerState
		if !exhausted {
			p = m.pick(now, usable)
		}
		if p == nil {
			if exhausted || !m.anyUsable(usable) {
				giveUp(f)
				i--
			}
			continue
		}
		t.busy = true
		out = append(out, issue(f, p))
	}
	return out
}

// release records that the request to peer ended without an answer the
// fetch could use: the peer is not asked again.
func (t *fetchTries) release(peer PeerID) {
	t.busy = false
	t.tried[peer] = true
	if t.last == nil {
		t.last = errors.New("request failed")
	}
}

// lastOr is the last failure, or none when no request failed yet (no peer
// serves what the fetch wants).
func (t *fetchTries) lastOr(none string) error {
	if t.last != nil {
		return t.last
	}
	return errors.New(none)
}

// relayServes is the serves of fetchRequests for a fetch that relay-chain
// peers serving kind answer.
func relayServes[F any](kind Kind) func(F, *peerState) bool {
	return func(_ F, p *peerState) bool { return !p.caps.Para && p.caps.Kinds.has(kind) }
}

// removeFetch removes fetch x from list, keeping the order of the others.
func removeFetch[T comparable](list []T, x T) []T {
	if i := slices.Index(list, x); i >= 0 {
		return slices.Delete(list, i, i+1)
	}
	return list
}
