package chainsync

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// MaxSetsAhead bounds how many authority sets past the machine's a pushed
// justification may be signed for and still be followed (through the
// justifications stored with the set-changing blocks) rather than judged a
// forgery.
const MaxSetsAhead = 8

// justifState is the machine's state for following finality from pushed
// GRANDPA justifications (an RPC node's grandpa_subscribeJustifications).
type justifState struct {
	// pending is the justification being followed; queued the newest one
	// that arrived meanwhile (followed next).
	pending, queued *pendingJustif
	busy            bool // a headers or justification request is in flight

	// lastPush is when the last justification was taken; quietSince when
	// the machine first found a pushing peer with nothing pushed yet.
	lastPush, quietSince time.Time
	// forcePoll makes the next finality poll happen despite pushes.
	forcePoll bool
	// parked is a justification no peer could bridge to (no stored
	// justification of a set-ending block): the polls run until the
	// finalized block moves off parkedAt, then it is taken up again.
	parked   *pendingJustif
	parkedAt header.Hash

	// followed counts the blocks finalized from pushed justifications
	// (read from any goroutine by FollowedByJustifications).
	followed atomic.Uint64
}

// pendingJustif is a pushed justification the machine is following.
type pendingJustif struct {
	j      *grandpa.Justification
	hash   header.Hash // the justified block
	number uint32
	from   PeerID
	// current is set when j verified with the set whose id is setID;
	// otherwise its signatures verify for a later set id (the machine must
	// first finalize the set changes between).
	current bool
	setID   uint64
	// chain holds the headers from the finalized block + 1 up to the
	// justified block (ascending), once fetched; they hash-link to it.
	chain []*header.Header
	// need is the block of chain ending a set before the justified block:
	// its stored justification is asked (KindJustification).
	need  *header.Header
	tried map[PeerID]bool
}

// OnJustification feeds a GRANDPA justification (SCALE) a peer pushed for a
// block it finalized. A synced machine checks it at once with the current
// authority set: when it verifies, the machine asks a peer for the headers
// from the justified block down to its finalized block (KindHeaders, the
// sender first), checks that they hash-link, tracks the authority set along
// them and finalizes the justified block (Finalized event, every header
// remembered). A justification whose signatures only verify for a later set
// id (the pushes skipped a set change) is followed too: the headers show
// where each set ended, the justification stored with that block is asked
// (KindJustification) and verified with the set of the moment, and the
// pushed one is verified once its set is reached.
//
// One more than MaxCommitHeaders blocks ahead is kept aside while the
// finality polls run, and taken up once they bring it within reach.
//
// It returns nil when the justification was taken, an error wrapping
// ErrUseless when it was ignored (not synced, old, not newer than one
// already taken), or ErrMalicious when no honest node can have sent it
// (malformed, signatures that verify for no set, weight below the
// threshold): the sender is banned.
// While a peer that pushes justifications (PushesJustifications) is usable
// and pushed one within Config.PushSilence, the machine does not poll for
// finality.
func (m *Machine) OnJustification(peer PeerID, enc []byte, now time.Time) error {
	err := m.onJustification(peer, enc, now)
	switch VerdictOf(err) {
	case OK:
		m.justif.lastPush = now
	case Malicious:
		m.ban(peer, err)
	}
	if err != nil {
		err = fmt.Errorf("justification from %s: %w", peer, err)
	}
	return err
}

// FollowedByJustifications is how many blocks the machine finalized from
// pushed justifications. It is safe to call from any goroutine.
func (m *Machine) FollowedByJustifications() uint64 { return m.justif.followed.Load() }

func (m *Machine) onJustification(peer PeerID, enc []byte, now time.Time) error {
	j, err := grandpa.DecodeJustification(enc)
	if err != nil {
		return malicious("justification: %v", err)
	}
	n := j.Commit.TargetNumber
	switch {
	case m.peers[peer] != nil && m.peers[peer].banned:
		return fmt.Errorf("%w: justification from a banned peer", ErrUseless)
	case !m.synced:
		return fmt.Errorf("%w: justification for block %d before the machine is synced", ErrUseless, n)
	case n <= m.fin.Number:
		return fmt.Errorf("%w: justification for block %d, finalized is %d", ErrUseless, n, m.fin.Number)
	case m.justif.pending != nil && m.justif.pending.number >= n:
		return fmt.Errorf("%w: justification for block %d, one for %d is pending", ErrUseless, n, m.justif.pending.number)
	case m.justif.queued != nil && m.justif.queued.number >= n:
		return fmt.Errorf("%w: justification for block %d, one for %d is queued", ErrUseless, n, m.justif.queued.number)
	case m.justif.parked != nil && m.justif.parked.number >= n:
		return fmt.Errorf("%w: justification for block %d, one for %d waits for the polls", ErrUseless, n, m.justif.parked.number)
	}
	current, err := m.classifyJustification(j)
	if err != nil {
		return err
	}
	pj := &pendingJustif{j: j, hash: j.Commit.TargetHash, number: n, from: peer, current: current, setID: m.set.SetID, tried: map[PeerID]bool{}}
	if n-m.fin.Number > MaxCommitHeaders {
		m.park(pj, now) // too far ahead to fetch the headers in one answer
		return nil
	}
	if m.justif.pending == nil {
		m.justif.pending = pj
	} else {
		m.justif.queued = pj
	}
	return nil
}

// classifyJustification verifies j with the current set (true), or finds
// that its signatures verify for a later set id (false, nil); anything else
// is a forgery (ErrMalicious).
func (m *Machine) classifyJustification(j *grandpa.Justification) (bool, error) {
	_, err := m.verifier.VerifyJustification(j, &m.set)
	if err == nil {
		return true, nil
	}
	maybeLater := errors.Is(err, grandpa.ErrBadSignature) || errors.Is(err, grandpa.ErrUnknownAuthority) || errors.Is(err, grandpa.ErrNotEnoughWeight)
	if maybeLater && m.laterSet(j) {
		return false, nil
	}
	return false, malicious("justification of block %d (set %d): %v", j.Commit.TargetNumber, m.set.SetID, err)
}

// laterSet reports whether every signature of j verifies, under its own
// key, for one set id in (current, current+MaxSetsAhead].
func (m *Machine) laterSet(j *grandpa.Justification) bool {
	pcs := j.Commit.Precommits
	if len(pcs) == 0 {
		return false
	}
	for id := m.set.SetID + 1; id <= m.set.SetID+MaxSetsAhead; id++ {
		first := grandpa.SigItem{Key: pcs[0].ID, Msg: grandpa.SignedMessage(pcs[0].Precommit, j.Round, id), Sig: pcs[0].Signature}
		if m.verifier.CheckItems([]grandpa.SigItem{first}) >= 0 {
			continue
		}
		items := make([]grandpa.SigItem, len(pcs))
		for i, p := range pcs {
			items[i] = grandpa.SigItem{Key: p.ID, Msg: grandpa.SignedMessage(p.Precommit, j.Round, id), Sig: p.Signature}
		}
		return m.verifier.CheckItems(items) < 0
	}
	return false
}

// park keeps p aside while the finality polls catch up (it is too far
// ahead, or no peer could bridge to it); once the finalized block moves it
// is taken up again.
func (m *Machine) park(p *pendingJustif, now time.Time) {
	if pk := m.justif.parked; pk == nil || pk.number < p.number {
		m.justif.parked = p
	}
	m.justif.parkedAt = m.finHash
	m.pollNow(now)
}

// pollNow makes the next finality poll happen at once, pushes or not.
func (m *Machine) pollNow(now time.Time) {
	m.justif.forcePoll = true
	m.nextFollow = now
}

// PollsHeld reports whether finality polls are held back by pushed
// justifications: no finality request is in flight, and Desired issues none
// because a usable peer pushes and one came (or the push began) less than
// Config.PushSilence ago. A test waits for it instead of for a quiet spell.
func (m *Machine) PollsHeld(now time.Time) bool { return !m.finBusy && m.pushQuiet(now) }

// pushQuiet reports whether the finality poll should wait: a usable relay
// peer pushes justifications and one came (or the push began) less than
// PushSilence ago.
func (m *Machine) pushQuiet(now time.Time) bool {
	if m.phase != phaseFollow {
		return false
	}
	if m.justif.forcePoll || m.justif.parked != nil {
		return false // until a poll is issued (Desired), or catches up
	}
	pushing := false
	for _, p := range m.peers {
		if !p.banned && !p.dropped && !p.caps.Para && p.caps.Kinds&PushesJustifications != 0 {
			pushing = true
			break
		}
	}
	if !pushing {
		m.justif.quietSince = time.Time{}
		return false
	}
	if m.justif.quietSince.IsZero() {
		m.justif.quietSince = now
	}
	last := m.justif.quietSince
	if m.justif.lastPush.After(last) {
		last = m.justif.lastPush
	}
	silence := m.cfg.PushSilence
	if silence <= 0 {
		silence = 4 * m.cfg.FollowInterval
	}
	return now.Sub(last) < silence
}

// justifRequests returns the headers or justification request the pending
// justification needs now.
func (m *Machine) justifRequests(now time.Time) []Request {
	if m.justif.busy {
		return nil
	}
	if pk := m.justif.parked; pk != nil && (pk.number <= m.fin.Number || m.finHash != m.justif.parkedAt) {
		// The polls moved the finalized block: take it up again.
		m.justif.parked = nil
		if m.justif.pending == nil && pk.number > m.fin.Number {
			if q := m.justif.queued; q == nil || q.number < pk.number {
				m.justif.queued = pk
			}
		}
	}
	if m.justif.pending == nil && m.justif.queued != nil {
		m.nextJustif(now)
	}
	p := m.justif.pending
	if p == nil {
		return nil
	}
	if p.number <= m.fin.Number {
		m.nextJustif(now) // finalized meanwhile
		if p = m.justif.pending; p == nil {
			return nil
		}
	}
	kind, block, number, count := KindHeaders, p.hash, p.number, p.number-m.fin.Number
	if p.chain != nil {
		if p.need == nil {
			m.nextJustif(now)
			return nil
		}
		kind, block, number, count = KindJustification, p.need.Hash(), p.need.Number, 0
	}
	usable := func(s *peerState) bool { return !s.caps.Para && s.caps.Kinds.has(kind) && !p.tried[s.id] }
	var peer *peerState
	if s := m.peers[p.from]; s != nil && !s.banned && !s.dropped && s.inflight == 0 && !now.Before(s.cooldown) && usable(s) {
		peer = s
	} else {
		peer = m.pick(now, usable)
	}
	if peer == nil {
		if !m.anyUsable(usable) {
			// Nobody can serve it: the finality polls catch up, then
			// the newest justification is taken up again.
			if q := m.justif.queued; q != nil && q.number > p.number {
				p = q
			}
			m.justif.pending, m.justif.queued = nil, nil
			m.park(p, now)
		}
		return nil
	}
	r := m.issue(Request{Peer: peer.id, Kind: kind, Block: block, Number: number, Count: count, Deadline: now.Add(m.cfg.RequestTimeout)}, peer, nil, m.fin)
	m.inflight[r.ID].justif = true
	m.justif.busy = true
	return []Request{r}
}

// releaseJustif frees what a finished headers or justification request held.
func (m *Machine) releaseJustif(f *inflight) {
	m.justif.busy = false
	if p := m.justif.pending; p != nil {
		p.tried[f.req.Peer] = true
	}
}

// nextJustif ends the pending justification and takes up the queued one,
// checking it again when the set moved on.
func (m *Machine) nextJustif(now time.Time) {
	m.justif.pending = nil
	q := m.justif.queued
	m.justif.queued = nil
	if q == nil || q.number <= m.fin.Number {
		return
	}
	if q.number-m.fin.Number > MaxCommitHeaders {
		m.park(q, now)
		return
	}
	if !q.current || q.setID != m.set.SetID {
		current, err := m.classifyJustification(q.j)
		if err != nil {
			m.ban(q.from, fmt.Errorf("justification from %s: %w", q.from, err))
			return
		}
		q.current, q.setID = current, m.set.SetID
	}
	q.chain, q.need, q.tried = nil, nil, map[PeerID]bool{}
	m.justif.pending = q
}

// onJustifHeaders checks the headers of the pending justification.
func (m *Machine) onJustifHeaders(f *inflight, payload []byte, now time.Time) error {
	hs, err := DecodeHeaders(payload)
	if err != nil {
		return malicious("%v", err)
	}
	p := m.justif.pending
	if p == nil || p.hash != f.req.Block || p.chain != nil {
		return fmt.Errorf("%w: the justification was followed or replaced meanwhile", ErrUseless)
	}
	if err := checkDescending(f.req, hs); err != nil {
		return err
	}
	var chain []*header.Header // ascending, above the finalized block
	for i := len(hs) - 1; i >= 0; i-- {
		if hs[i].Number > m.fin.Number {
			chain = append(chain, hs[i])
		}
	}
	if len(chain) == 0 {
		m.nextJustif(now)
		return fmt.Errorf("%w: finalized block moved past the justification", ErrUseless)
	}
	if chain[0].Number != m.fin.Number+1 {
		return fmt.Errorf("%w: %d headers do not reach the finalized block %d", ErrUseless, len(hs), m.fin.Number)
	}
	if chain[0].ParentHash != m.finHash {
		m.nextJustif(now)
		return fmt.Errorf("%w: justified block %s does not descend from the finalized block", ErrUseless, p.hash)
	}
	p.chain, p.tried = chain, map[PeerID]bool{}
	return m.advanceJustif(f.req.Peer, now)
}

// rebase drops the headers of p at or below the finalized block; false when
// the rest does not extend it.
func (m *Machine) rebase(p *pendingJustif) bool {
	i := 0
	for i < len(p.chain) && p.chain[i].Number <= m.fin.Number {
		i++
	}
	if i > 0 && p.chain[i-1].Hash() != m.finHash {
		return false
	}
	p.chain = p.chain[i:]
	return len(p.chain) > 0 && p.chain[0].ParentHash == m.finHash
}

// trackAlong imports chain into a copy of the tracker; it returns the copy,
// the index of the first header enacting a change (-1: none) and that change.
func (m *Machine) trackAlong(chain []*header.Header) (*grandpa.Tracker, int, *grandpa.SetChange, error) {
	hh, hn := m.tracker.Head()
	t, err := grandpa.NewTracker(m.tracker.Set(), hh, hn, m.tracker.Pending()...)
	if err != nil {
		return nil, -1, nil, fmt.Errorf("tracker: %w", err)
	}
	for i, h := range chain {
		ch, err := t.Import(h)
		if err != nil {
			return nil, -1, nil, fmt.Errorf("header %d: %w", h.Number, err)
		}
		if ch != nil {
			return t, i, ch, nil
		}
	}
	return t, -1, nil, nil
}

// advanceJustif moves the pending justification on, its headers fetched:
// it asks for the justification of a block ending a set before the
// justified one, or verifies the pushed justification and finalizes.
func (m *Machine) advanceJustif(responder PeerID, now time.Time) error {
	p := m.justif.pending
	if !m.rebase(p) {
		m.nextJustif(now)
		return fmt.Errorf("%w: the finalized block moved off the justified chain", ErrUseless)
	}
	t, i, ch, err := m.trackAlong(p.chain)
	if err != nil {
		m.nextJustif(now)
		return fmt.Errorf("%w: %w", ErrUseless, err)
	}
	verified := p.current && p.setID == m.set.SetID
	if i >= 0 && i < len(p.chain)-1 {
		if verified {
			m.nextJustif(now)
			return fmt.Errorf("%w: set %d ended at block %d, yet it justified block %d", ErrUseless, m.set.SetID, p.chain[i].Number, p.number)
		}
		p.need, p.tried = p.chain[i], map[PeerID]bool{}
		return nil
	}
	if !verified {
		if _, err := m.verifier.VerifyJustification(p.j, &m.set); err != nil {
			bad := malicious("justification of block %d (set %d): %v", p.number, m.set.SetID, err)
			m.nextJustif(now)
			if p.from == responder {
				return bad
			}
			m.ban(p.from, bad)
			return fmt.Errorf("%w: the justification it was asked for is forged", ErrUseless)
		}
	}
	m.finalizeJustified(p.chain, t, ch, now)
	m.nextJustif(now)
	return nil
}

// finalizeJustified finalizes chain (ascending from the finalized block + 1,
// its last header justified) with t, the tracker along it, and ch, the set
// change its last header enacts (or nil).
func (m *Machine) finalizeJustified(chain []*header.Header, t *grandpa.Tracker, ch *grandpa.SetChange, now time.Time) {
	m.justif.followed.Add(uint64(len(chain)))
	m.finalizeChain(chain, t, ch, chain[len(chain)-1].Number, now)
}

// onBlockJustification checks the stored justification of the block ending
// a set on the pending justification's chain, finalizes up to it, and moves
// on.
func (m *Machine) onBlockJustification(f *inflight, payload []byte, now time.Time) error {
	p := m.justif.pending
	if p == nil || p.need == nil || p.need.Hash() != f.req.Block {
		return fmt.Errorf("%w: the justification was followed or replaced meanwhile", ErrUseless)
	}
	if len(payload) == 0 {
		return fmt.Errorf("%w: peer keeps no justification of block %d", ErrUseless, f.req.Number)
	}
	j, err := grandpa.DecodeJustification(payload)
	if err != nil {
		return malicious("justification of block %d: %v", f.req.Number, err)
	}
	if j.Commit.TargetHash != f.req.Block || j.Commit.TargetNumber != f.req.Number {
		return malicious("justification of block %d %s, asked for %d %s", j.Commit.TargetNumber, j.Commit.TargetHash, f.req.Number, f.req.Block)
	}
	if !m.rebase(p) {
		m.nextJustif(now)
		return fmt.Errorf("%w: the finalized block moved off the justified chain", ErrUseless)
	}
	k := -1
	for i, h := range p.chain {
		if h == p.need {
			k = i
		}
	}
	if k < 0 {
		p.need = nil
		return m.advanceJustif(f.req.Peer, now)
	}
	if _, err := m.verifier.VerifyJustification(j, &m.set); err != nil {
		return malicious("justification of block %d: %v", f.req.Number, err)
	}
	t, i, ch, err := m.trackAlong(p.chain[:k+1])
	if err != nil || i != k {
		m.nextJustif(now)
		return fmt.Errorf("%w: set change at block %d not found again: %v", ErrUseless, p.need.Number, err)
	}
	m.finalizeJustified(p.chain[:k+1], t, ch, now)
	p.chain, p.need = p.chain[k+1:], nil
	return m.advanceJustif(f.req.Peer, now)
}

// noServerReason says why no peer is left to answer a storage query that
// no peer answered: when some peer was banned for invalid data (a forged
// justification, say) the error wraps ErrMalicious.
func (m *Machine) noServerReason() error {
	banned := 0
	for _, p := range m.peers {
		if p.banned && !p.caps.Para {
			banned++
		}
	}
	if banned > 0 {
		return malicious("no peer serves these storage proofs (%d banned for invalid data)", banned)
	}
	return errors.New("no peer serves these storage proofs")
}
