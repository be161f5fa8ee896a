package chainsync

import (
	"errors"
	"fmt"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// ErrBodyFailed means no peer could serve a block body matching its
// header's extrinsics root.
var ErrBodyFailed = errors.New("chainsync: block body fetch failed")

// BodyID identifies a body fetch.
type BodyID uint64

// bodyFetch is a body the machine is fetching for a caller.
type bodyFetch struct {
	id   BodyID
	h    *header.Header
	hash header.Hash
	done func(body [][]byte, err error)
	fetchTries
}

// FetchBody asks peers for the body of the verified header h (hash) and
// calls done, on the goroutine driving the machine, with the extrinsics
// (each with its compact length prefix) once a body matching h's
// extrinsics root arrived, or with an error wrapping ErrBodyFailed when no
// peer served one. A peer answering a body that does not match is banned.
func (m *Machine) FetchBody(h *header.Header, hash header.Hash, done func(body [][]byte, err error)) BodyID {
	m.live.nextBody++
	b := &bodyFetch{id: m.live.nextBody, h: h.Clone(), hash: hash, done: done, fetchTries: newFetchTries()}
	m.live.bodies = append(m.live.bodies, b)
	return b.id
}

func (m *Machine) bodyRequests(now time.Time) []Request {
	return fetchRequests(m, now, &m.live.bodies, relayServes[*bodyFetch](KindBody), 0, func(b *bodyFetch) {
		m.finishBody(b, nil, fmt.Errorf("%w: block %d %s: no peer left to ask (last error: %w)", ErrBodyFailed, b.h.Number, b.hash, b.lastOr("no peer serves block bodies")))
	}, func(b *bodyFetch, p *peerState) Request {
		r := Request{Peer: p.id, Kind: KindBody, Block: b.hash, Number: b.h.Number, Deadline: now.Add(m.cfg.RequestTimeout)}
		return m.issue(r, p, nil, b.h)
	})
}

func (m *Machine) findBody(hash header.Hash, peer PeerID) *bodyFetch {
	for _, b := range m.live.bodies {
		if b.hash == hash && b.busy {
			return b
		}
	}
	return nil
}

func (m *Machine) releaseBody(f *inflight) {
	if b := m.findBody(f.req.Block, f.req.Peer); b != nil {
		b.release(f.req.Peer)
	}
}

func (m *Machine) finishBody(b *bodyFetch, body [][]byte, err error) {
	m.live.bodies = removeFetch(m.live.bodies, b)
	if b.done != nil {
		b.done(body, err)
	}
}

// DecodeBody decodes a KindBody payload, the SCALE encoding of a block body
// (Vec<OpaqueExtrinsic>: a compact count, then each extrinsic with its
// compact length prefix), into the extrinsics with their prefixes.
func DecodeBody(b []byte) ([][]byte, error) {
	d := scale.NewDecoder(b)
	n, err := d.Len(1)
	if err != nil {
		return nil, fmt.Errorf("%w: body extrinsic count: %v", ErrMalformed, err)
	}
	out := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		start := d.Offset()
		if _, err := d.Bytes(); err != nil {
			return nil, fmt.Errorf("%w: body extrinsic %d: %v", ErrMalformed, i, err)
		}
		out = append(out, append([]byte(nil), b[start:d.Offset()]...))
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: body: %v", ErrMalformed, err)
	}
	return out, nil
}

// EncodeBody returns the KindBody payload of extrinsics that each carry
// their compact length prefix.
func EncodeBody(body [][]byte) []byte {
	out := scale.AppendCompact(nil, uint64(len(body)))
	for _, x := range body {
		out = append(out, x...)
	}
	return out
}

// ErrBodyMismatch means a body does not match its header's extrinsics root.
var ErrBodyMismatch = errors.New("chainsync: body does not match the extrinsics root")

// VerifyBody checks that body (extrinsics with their compact length
// prefixes) is the body of h: its ordered trie root (keys the compact
// indexes, values the extrinsics) is h's extrinsics root. frame_system
// builds that trie with the runtime's extrinsics state version (V0 before
// system_version 1, V1 after; they differ only for extrinsics of 33 bytes
// or more), so either layout's root is accepted: a forger would need a
// blake2-256 collision under one of them.
func VerifyBody(h *header.Header, body [][]byte) error {
	for i, x := range body {
		d := scale.NewDecoder(x)
		if _, err := d.Bytes(); err != nil || d.Finish() != nil {
			return fmt.Errorf("%w: extrinsic %d is not length-prefixed", ErrBodyMismatch, i)
		}
	}
	if trie.OrderedRoot(trie.V0, body) == h.ExtrinsicsRoot || trie.OrderedRoot(trie.V1, body) == h.ExtrinsicsRoot {
		return nil
	}
	return fmt.Errorf("%w: %d extrinsics, block %d", ErrBodyMismatch, len(body), h.Number)
}

func (m *Machine) onBody(f *inflight, payload []byte) error {
	b := m.findBodyAny(f.req.Block)
	if b == nil {
		return fmt.Errorf("%w: body no longer wanted", ErrUseless)
	}
	body, err := DecodeBody(payload)
	if err != nil {
		b.last = malicious("%v", err)
		return b.last
	}
	if err := VerifyBody(f.anchor, body); err != nil {
		b.last = malicious("%v", err)
		return b.last
	}
	m.finishBody(b, body, nil)
	return nil
}

func (m *Machine) findBodyAny(hash header.Hash) *bodyFetch {
	for _, b := range m.live.bodies {
		if b.hash == hash {
			return b
		}
	}
	return nil
}
