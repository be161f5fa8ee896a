package chainsync

import (
	"bytes"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// MaxCommitHeaders bounds how far ahead of the finalized block a GRANDPA
// commit may be for the machine to follow it (Substrate's block-request
// handler serves at most 128 blocks per response). Farther commits are left
// to the warp and finality requests.
const MaxCommitHeaders = 128

// liveState is the machine's state for following finality from GRANDPA
// commits and for fetching block bodies (commit.go, body.go).
type liveState struct {
	commit      *pendingCommit
	headersBusy bool

	bodies   []*bodyFetch
	nextBody BodyID

	// followed counts the blocks finalized from commits (read from any
	// goroutine by FollowedByCommits).
	followed atomic.Uint64
}

// pendingCommit is a commit whose signatures verified with the current set
// and whose headers the machine is fetching.
type pendingCommit struct {
	c     *grandpa.CompactCommit
	from  PeerID
	tip   grandpa.Precommit // the highest precommit target: the headers start there
	tried map[PeerID]bool
}

// OnCommit feeds a GRANDPA commit a peer gossiped (neighbour protocol). A
// commit of the current authority set for a block above the finalized one
// has its signatures and weight checked at once; the machine then asks a
// peer for the headers from the highest precommit target back to the
// finalized block (KindHeaders), checks that they chain, that the commit
// target is among them and that the precommits on that chain reach the
// threshold, tracks the authority set along them, and finalizes the target
// (Finalized event, every header remembered).
//
// It returns nil when the commit was taken, an error wrapping ErrUseless
// when it was ignored (another set: the warp path catches up; old; too far
// ahead; not newer than the commit already pending), or ErrMalicious when
// it cannot come from honest voters (bad signature, unknown signer, not
// enough weight): the sender is banned like a peer with an invalid answer.
func (m *Machine) OnCommit(peer PeerID, c *grandpa.CompactCommit, now time.Time) error {
	err := m.onCommit(peer, c, now)
	if VerdictOf(err) == Malicious {
		m.ban(peer, err)
	}
	if err != nil {
		err = fmt.Errorf("commit from %s: %w", peer, err)
	}
	return err
}

func (m *Machine) onCommit(peer PeerID, c *grandpa.CompactCommit, now time.Time) error {
	if c == nil {
		return fmt.Errorf("%w: no commit", ErrUseless)
	}
	if c.SetID != m.set.SetID {
		return fmt.Errorf("%w: commit of set %d, the machine is at set %d", ErrUseless, c.SetID, m.set.SetID)
	}
	if c.TargetNumber <= m.fin.Number {
		return fmt.Errorf("%w: commit for block %d, finalized is %d", ErrUseless, c.TargetNumber, m.fin.Number)
	}
	if p := m.live.commit; p != nil && p.c.TargetNumber >= c.TargetNumber {
		return fmt.Errorf("%w: commit for block %d, one for %d is pending", ErrUseless, c.TargetNumber, p.c.TargetNumber)
	}
	if len(c.Precommits) != len(c.AuthData) || len(c.Precommits) == 0 {
		return malicious("commit with %d precommits and %d signatures", len(c.Precommits), len(c.AuthData))
	}
	tip := grandpa.Precommit{TargetHash: c.TargetHash, TargetNumber: c.TargetNumber}
	votes := precommitsBySigner(c)
	var weight uint64
	for i, p := range c.Precommits {
		id := c.AuthData[i].ID
		ai, ok := m.set.Index(id)
		if !ok {
			return malicious("precommit %d by 0x%x: not a voter of set %d", i, id, m.set.SetID)
		}
		switch {
		case votes[id] > 2:
			return fmt.Errorf("%w: precommit %d: 0x%x signed %d precommits: %w", ErrMalicious, i, id, votes[id], grandpa.ErrEquivocation)
		case p.TargetNumber < c.TargetNumber && votes[id] == 1:
			// Only an equivocator's second vote may be below the target
			// (finality-grandpa puts both of its votes in the commit).
			return malicious("precommit %d targets block %d below the commit target %d", i, p.TargetNumber, c.TargetNumber)
		}
		if votes[id] > 0 {
			votes[id] = -votes[id] // counted: an equivocator's weight counts once
			weight += m.set.Authorities[ai].Weight
		}
		if p.TargetNumber > tip.TargetNumber || p.TargetNumber == tip.TargetNumber && bytes.Compare(p.TargetHash[:], tip.TargetHash[:]) < 0 {
			tip = p
		}
	}
	if th := m.set.Threshold(); weight < th {
		return malicious("commit signed by weight %d of %d needed", weight, th)
	}
	items := make([]grandpa.SigItem, len(c.Precommits))
	for i, p := range c.Precommits {
		items[i] = grandpa.SigItem{Key: c.AuthData[i].ID, Msg: grandpa.SignedMessage(p, c.Round, c.SetID), Sig: c.AuthData[i].Signature}
	}
	if bad := m.verifier.CheckItems(items); bad >= 0 {
		return malicious("commit for block %d (round %d): precommit %d: %v", c.TargetNumber, c.Round, bad, grandpa.ErrBadSignature)
	}
	if tip.TargetNumber-m.fin.Number > MaxCommitHeaders {
		// Too far ahead to fetch in one response: poll at once instead.
		m.nextFollow = now
		return fmt.Errorf("%w: commit for block %d is %d blocks ahead", ErrUseless, c.TargetNumber, tip.TargetNumber-m.fin.Number)
	}
	m.live.commit = &pendingCommit{c: c, from: peer, tip: tip, tried: map[PeerID]bool{}}
	return nil
}

// precommitsBySigner counts the precommits of each signer of c.
func precommitsBySigner(c *grandpa.CompactCommit) map[[32]byte]int {
	n := make(map[[32]byte]int, len(c.AuthData))
	for _, a := range c.AuthData {
		n[a.ID]++
	}
	return n
}

// ban marks a peer as malicious (idempotent).
func (m *Machine) ban(peer PeerID, reason error) {
	p := m.peers[peer]
	if p == nil {
		p = &peerState{id: peer}
		m.peers[peer] = p
	}
	if !p.banned {
		p.banned = true
		m.emit(PeerBanned{Peer: peer, Verdict: Malicious, Reason: reason})
	}
}

// Ban bans a peer for a reason found outside the machine.
func (m *Machine) Ban(peer PeerID, reason error) { m.ban(peer, reason) }

// FollowedByCommits is how many blocks the machine finalized from commits.
// It is safe to call from any goroutine.
func (m *Machine) FollowedByCommits() uint64 { return m.live.followed.Load() }

// liveRequests returns the headers and body requests wanted now.
func (m *Machine) liveRequests(now time.Time) []Request {
	var out []Request
	if r, ok := m.headersRequest(now); ok {
		out = append(out, r)
	}
	return append(out, m.bodyRequests(now)...)
}

func (m *Machine) headersRequest(now time.Time) (Request, bool) {
	pc := m.live.commit
	if pc == nil || m.live.headersBusy {
		return Request{}, false
	}
	if pc.c.TargetNumber <= m.fin.Number || pc.c.SetID != m.set.SetID {
		m.live.commit = nil // finalized meanwhile (or the set moved on)
		return Request{}, false
	}
	usable := func(p *peerState) bool {
		return !p.caps.Para && p.caps.Kinds.has(KindHeaders) && !pc.tried[p.id]
	}
	var p *peerState
	if s := m.peers[pc.from]; s != nil && !s.banned && !s.dropped && s.inflight == 0 && !now.Before(s.cooldown) && usable(s) {
		p = s // the sender of the commit has its blocks
	} else {
		p = m.pick(now, usable)
	}
	if p == nil {
		if !m.anyUsable(usable) {
			m.live.commit = nil // nobody has the headers: the polls catch up
			m.nextFollow = now
		}
		return Request{}, false
	}
	r := Request{Peer: p.id, Kind: KindHeaders, Block: pc.tip.TargetHash, Number: pc.tip.TargetNumber,
		Count: pc.tip.TargetNumber - m.fin.Number, Deadline: now.Add(m.cfg.RequestTimeout)}
	m.live.headersBusy = true
	return m.issue(r, p, nil, m.fin), true
}

// releaseLive frees what a finished headers or body request held.
func (m *Machine) releaseLive(f *inflight) {
	switch f.req.Kind {
	case KindHeaders:
		m.live.headersBusy = false
		if pc := m.live.commit; pc != nil && pc.tip.TargetHash == f.req.Block {
			pc.tried[f.req.Peer] = true
		}
	case KindBody:
		m.releaseBody(f)
	}
}

// DecodeHeaders decodes a KindHeaders payload: SCALE Vec<Header>.
func DecodeHeaders(b []byte) ([]*header.Header, error) {
	d := scale.NewDecoder(b)
	n, err := d.Len(minHeaderSize)
	if err != nil {
		return nil, fmt.Errorf("%w: headers count: %v", ErrMalformed, err)
	}
	out := make([]*header.Header, 0, n)
	for i := 0; i < n; i++ {
		h, err := header.DecodeFrom(d)
		if err != nil {
			return nil, fmt.Errorf("%w: header %d: %v", ErrMalformed, i, err)
		}
		out = append(out, h)
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: headers: %v", ErrMalformed, err)
	}
	return out, nil
}

// EncodeHeaders returns the KindHeaders payload of hs.
func EncodeHeaders(hs []*header.Header) []byte {
	out := scale.AppendCompact(nil, uint64(len(hs)))
	for _, h := range hs {
		out = h.AppendTo(out)
	}
	return out
}

var errDropCommit = errors.New("commit cannot be followed")

// onHeaders checks the headers of the pending commit and finalizes its target.
func (m *Machine) onHeaders(f *inflight, payload []byte, now time.Time) error {
	hs, err := DecodeHeaders(payload)
	if err != nil {
		return malicious("%v", err)
	}
	pc := m.live.commit
	if pc == nil || pc.tip.TargetHash != f.req.Block {
		return fmt.Errorf("%w: the commit was followed or replaced meanwhile", ErrUseless)
	}
	if err := checkDescending(f.req, hs); err != nil {
		return err
	}
	if pc.c.TargetNumber <= m.fin.Number {
		m.live.commit = nil
		return fmt.Errorf("%w: finalized block moved past the commit", ErrUseless)
	}
	// Keep the part above the finalized block; it must reach down to it.
	var chain []*header.Header // ascending, from fin+1
	for i := len(hs) - 1; i >= 0; i-- {
		if hs[i].Number > m.fin.Number {
			chain = append(chain, hs[i])
		}
	}
	if len(chain) == 0 || chain[0].Number != m.fin.Number+1 {
		return fmt.Errorf("%w: %d headers do not reach the finalized block %d", ErrUseless, len(hs), m.fin.Number)
	}
	if chain[0].ParentHash != m.finHash {
		// An authentic chain from a signed precommit target that does not
		// descend from our finalized block: the precommit is on another
		// fork. Not the responder's fault; the commit cannot be followed.
		m.live.commit = nil
		return fmt.Errorf("%w: precommit target %s does not descend from the finalized block: %w", ErrUseless, pc.tip.TargetHash, errDropCommit)
	}
	if err := m.finalizeCommit(pc, chain, now); err != nil {
		m.live.commit = nil
		return fmt.Errorf("%w: %w", ErrUseless, err)
	}
	return nil
}

// finalizeCommit verifies the commit against the chain (fin+1 .. tip,
// ascending, authentic) and finalizes its target. The commit must still be
// of the current set.
func (m *Machine) finalizeCommit(pc *pendingCommit, chain []*header.Header, now time.Time) error {
	c := pc.c
	if c.SetID != m.set.SetID {
		// The set changed while the headers were on their way: the
		// signatures were checked for the commit's set (OnCommit), and its
		// precommits must not be weighed against another one.
		return fmt.Errorf("commit of set %d, the authority set is now %d: %w", c.SetID, m.set.SetID, errDropCommit)
	}
	at := func(n uint32) *header.Header {
		i := int(n) - int(m.fin.Number) - 1
		if i < 0 || i >= len(chain) {
			return nil
		}
		return chain[i]
	}
	target := at(c.TargetNumber)
	if target == nil || target.Hash() != c.TargetHash {
		return fmt.Errorf("commit target %d %s is not on the chain of precommit %s: %w", c.TargetNumber, c.TargetHash, pc.tip.TargetHash, errDropCommit)
	}
	// The precommits for blocks of this chain count; others (other forks,
	// blocks already final) are left out. A precommit below the target
	// counts only with its signer's other one (an equivocation): the pair
	// is what makes it acceptable.
	j := &grandpa.Justification{Round: c.Round, Commit: grandpa.Commit{TargetHash: c.TargetHash, TargetNumber: c.TargetNumber}}
	onChain := make([]bool, len(c.Precommits))
	kept := make(map[[32]byte]int, len(c.Precommits))
	for i, p := range c.Precommits {
		if h := at(p.TargetNumber); h != nil && h.Hash() == p.TargetHash {
			onChain[i] = true
			kept[c.AuthData[i].ID]++
		}
	}
	lowest, highest := c.TargetNumber, c.TargetNumber
	for i, p := range c.Precommits {
		if !onChain[i] || p.TargetNumber < c.TargetNumber && kept[c.AuthData[i].ID] < 2 {
			continue
		}
		j.Commit.Precommits = append(j.Commit.Precommits, grandpa.SignedPrecommit{Precommit: p, Signature: c.AuthData[i].Signature, ID: c.AuthData[i].ID})
		lowest, highest = min(lowest, p.TargetNumber), max(highest, p.TargetNumber)
	}
	// Votes ancestries as Substrate makes them: the headers from each
	// precommit target down to the lowest one, that one excluded.
	for n := lowest + 1; n <= highest; n++ {
		j.VotesAncestries = append(j.VotesAncestries, at(n))
	}
	// Signatures were verified when the commit arrived (OnCommit); here the
	// weight of the precommits on this chain and their ancestry are checked.
	v := grandpa.Verifier{CheckSignatures: func([]grandpa.SigItem) int { return -1 }}
	if _, err := v.VerifyJustification(j, &m.set); err != nil {
		return fmt.Errorf("commit for block %d on this chain: %w", c.TargetNumber, err)
	}
	// Track the authority set along the now-final headers, on a copy.
	final := chain[:c.TargetNumber-m.fin.Number]
	t, i, change, err := m.trackAlong(final)
	if err != nil {
		return err
	}
	if i >= 0 && i != len(final)-1 {
		return fmt.Errorf("set %d ended at block %d, yet it signed a commit for block %d: %w", m.set.SetID, final[i].Number, c.TargetNumber, errDropCommit)
	}
	m.live.followed.Add(uint64(len(final)))
	m.live.commit = nil
	// Commits bring finality: the polls can wait.
	m.finalizeChain(final, t, change, pc.tip.TargetNumber, now)
	return nil
}

// checkDescending checks a headers answer to r: not empty, at most r.Count
// headers, and the hash chain descending from the requested block.
func checkDescending(r Request, hs []*header.Header) error {
	if len(hs) == 0 {
		return fmt.Errorf("%w: peer has no block %s", ErrUseless, r.Block)
	}
	if uint32(len(hs)) > r.Count {
		return malicious("%d headers for a request of %d", len(hs), r.Count)
	}
	want, number := r.Block, r.Number
	for i, h := range hs {
		if h.Number != number || h.Hash() != want {
			return malicious("header %d is block %d %s, want %d %s", i, h.Number, h.Hash(), number, want)
		}
		want, number = h.ParentHash, number-1
	}
	return nil
}
