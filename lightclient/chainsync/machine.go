package chainsync

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// Config starts a Machine at a trusted finalized block.
type Config struct {
	// Header is the trusted finalized header (checkpoint or saved state) and
	// Set the authority set that finalizes its successors; Pending are the
	// changes signalled but not enacted at Header.
	Header  *header.Header
	Set     grandpa.AuthoritySet
	Pending []grandpa.PendingChange
	// Verifier verifies justifications, commits and warp proofs (default:
	// the zero grandpa.Verifier, ed25519consensus batches).
	Verifier *grandpa.Verifier
	// HardForks are passed to warp verification (grandpa.WarpOptions).
	HardForks map[header.Hash]grandpa.AuthoritySet
	// RequestTimeout bounds every request (default 20 s).
	RequestTimeout time.Duration
	// PeerWait is how long a parachain query waits for the first peer of
	// a parachain whose transport runs (ExpectPara) but has reported no
	// peer yet, as right after the relay synced (default 10 s).
	PeerWait time.Duration
	// FollowInterval is how often a synced machine asks for newer finality
	// (default 6 s, one Kusama slot).
	FollowInterval time.Duration
	// MaxFailures is how many failures in a row drop a peer as stalled (default 3).
	MaxFailures int
	// Cooldown is how long a peer that failed or was useless is left alone
	// (default 2 s).
	Cooldown time.Duration
	// PushSilence is how long a synced machine with a peer that pushes
	// justifications waits for the next one before it polls for finality
	// again (default 4 × FollowInterval); see justif.go.
	PushSilence time.Duration
}

type phase uint8

const (
	phaseWarp phase = iota
	phaseFollow
)

type peerState struct {
	id         PeerID
	caps       PeerCaps
	inflight   int
	failures   int
	banned     bool
	dropped    bool
	cooldown   time.Time
	lastUsed   uint64
	uselessAt  header.Hash // finalized hash at which the peer said it had nothing newer
	hasUseless bool
}

type inflight struct {
	req   Request
	query *query // storage requests
	// header and setID the request was issued against (storage: the block
	// whose state root anchors the proof).
	anchor *header.Header
	// justif marks a KindHeaders request made for a pushed justification
	// (justif.go) rather than for a commit.
	justif bool
	// callProof is the fetch a KindCallProof request serves (callproof.go).
	callProof *callProof
	// ancestry is the fetch a KindHeaders request for the ancestors of a
	// verified block serves (ancestry.go).
	ancestry *ancestryFetch
}

type query struct {
	id     QueryID
	keys   [][]byte
	para   bool
	paraID uint32
	// stage 2 of a parachain query: the proven head.
	head  *ParaHead
	relay *header.Header // the relay block of stage 1
	// at is the block a QueryAt reads (nil: the finalized block).
	at    *header.Header
	tried map[PeerID]bool
	busy  bool
	last  error
	// headOnly ends a parachain query after stage 1 and done, when set,
	// receives the result instead of an event (paraat.go).
	headOnly bool
	done     func(QueryResult)
	// since is when the query first looked for a peer (peer wait).
	since time.Time
}

// Machine is the sync state machine. It is not safe for concurrent use.
type Machine struct {
	cfg Config
	// expectPara lists the parachains a running transport serves.
	expectPara map[uint32]bool
	verifier   *grandpa.Verifier

	fin     *header.Header
	finHash header.Hash
	set     grandpa.AuthoritySet
	tracker *grandpa.Tracker

	phase      phase
	synced     bool
	nextFollow time.Time
	target     uint32

	peers   map[PeerID]*peerState
	everHad bool
	// everRelay is set once a relay (not parachain) peer was added: before
	// that, para peers alone are no reason to give up syncing.
	everRelay bool
	useSeq    uint64

	nextID   RequestID
	inflight map[RequestID]*inflight
	finBusy  bool // a warp or finality request is in flight

	nextQuery QueryID
	queries   []*query

	events []Event

	known *headerWindow // verified headers (window.go)

	live liveState // commits and bodies (commit.go, body.go)

	paras paraWindows // proven parachain heads (paraat.go)

	justif justifState // pushed justifications (justif.go)

	calls callProofState // runtime call proofs (callproof.go)

	ancestry ancestryState // headers below verified blocks (ancestry.go)
}

// ErrConfig means a Config is unusable.
var ErrConfig = errors.New("chainsync: invalid config")

// New returns a machine starting at cfg.Header.
func New(cfg Config) (*Machine, error) {
	if cfg.Header == nil {
		return nil, fmt.Errorf("%w: no start header", ErrConfig)
	}
	if err := cfg.Set.Validate(); err != nil {
		return nil, fmt.Errorf("%w: start set: %v", ErrConfig, err)
	}
	if cfg.PeerWait <= 0 {
		cfg.PeerWait = 10 * time.Second
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 20 * time.Second
	}
	if cfg.FollowInterval <= 0 {
		cfg.FollowInterval = 6 * time.Second
	}
	if cfg.MaxFailures <= 0 {
		cfg.MaxFailures = 3
	}
	if cfg.Cooldown <= 0 {
		cfg.Cooldown = 2 * time.Second
	}
	m := &Machine{
		cfg:      cfg,
		verifier: cfg.Verifier,
		fin:      cfg.Header.Clone(),
		finHash:  cfg.Header.Hash(),
		set:      cfg.Set.Clone(),
		peers:    map[PeerID]*peerState{},
		inflight: map[RequestID]*inflight{},
	}
	if m.verifier == nil {
		m.verifier = &grandpa.Verifier{}
	}
	t, err := grandpa.NewTracker(m.set, m.finHash, m.fin.Number, cfg.Pending...)
	if err != nil {
		return nil, fmt.Errorf("%w: tracker: %v", ErrConfig, err)
	}
	m.tracker = t
	m.target = m.fin.Number
	m.known = newHeaderWindow(KeptHeaders, KeptHeaderBytes)
	m.RememberHeader(m.fin, m.finHash)
	return m, nil
}

// Finalized returns the finalized header, its hash and the id of the set
// that finalizes its successors.
func (m *Machine) Finalized() (*header.Header, header.Hash, uint64) {
	return m.fin, m.finHash, m.set.SetID
}

// Set returns the current authority set.
func (m *Machine) Set() grandpa.AuthoritySet { return m.set.Clone() }

// Pending returns the authority-set changes signalled but not enacted.
func (m *Machine) Pending() []grandpa.PendingChange { return m.tracker.Pending() }

// Synced reports whether the machine reached its peers' finalized head.
func (m *Machine) Synced() bool { return m.synced }

// Target is the best block number peers claimed (unverified, for progress).
func (m *Machine) Target() uint32 { return m.target }

// NoteTarget records a block number a peer claims to have (an announcement
// or a server's head): it only feeds Progress and the warp-sync heuristics.
func (m *Machine) NoteTarget(number uint32) {
	if number > m.target {
		m.target = number
		m.emit(Progress{Target: m.target, Done: m.fin.Number})
	}
}

// AddPeer adds (or updates the capabilities of) a peer.
func (m *Machine) AddPeer(id PeerID, caps PeerCaps) {
	m.everHad = true
	if !caps.Para {
		m.everRelay = true
	}
	if p, ok := m.peers[id]; ok {
		p.caps = caps
		return
	}
	m.peers[id] = &peerState{id: id, caps: caps}
}

// RemovePeer forgets a peer (disconnected). Its requests in flight fail.
func (m *Machine) RemovePeer(id PeerID) {
	for rid, f := range m.inflight {
		if f.req.Peer == id {
			m.fail(rid)
		}
	}
	delete(m.peers, id)
}

// PeerCount returns how many peers are usable (not banned or dropped).
func (m *Machine) PeerCount() int {
	n := 0
	for _, p := range m.peers {
		if !p.banned && !p.dropped {
			n++
		}
	}
	return n
}

// Query asks for keys at the finalized relay block. The answer is a
// QueryResult event with the same id.
func (m *Machine) Query(keys [][]byte) QueryID {
	return m.addQuery(&query{keys: cloneKeys(keys)})
}

// QueryPara asks for keys of parachain paraID at the head the finalized relay
// state records (Paras::Heads).
func (m *Machine) QueryPara(paraID uint32, keys [][]byte) QueryID {
	return m.addQuery(&query{keys: cloneKeys(keys), para: true, paraID: paraID})
}

func (m *Machine) addQuery(q *query) QueryID {
	m.nextQuery++
	q.id = m.nextQuery
	q.tried = map[PeerID]bool{}
	m.queries = append(m.queries, q)
	return q.id
}

func cloneKeys(keys [][]byte) [][]byte {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = append([]byte(nil), k...)
	}
	return out
}

// Events returns and clears the events since the last call.
func (m *Machine) Events() []Event {
	ev := m.events
	m.events = nil
	return ev
}

func (m *Machine) emit(e Event) { m.events = append(m.events, e) }

// Errors (possibly wrapped) Err returns.
var (
	// ErrAllPeersMalicious means every peer was banned for invalid answers
	// while work remained.
	ErrAllPeersMalicious = errors.New("chainsync: every peer sent invalid data")
	// ErrNoPeers means no usable peer remains (all stalled, failed or gone)
	// while work remained.
	ErrNoPeers = errors.New("chainsync: no peer answered")
)

// Err returns a non-nil error when the machine cannot make progress: it had
// peers, every one of them is banned or dropped, and work remains (not synced
// or queries waiting). It wraps ErrAllPeersMalicious when every peer lost was
// banned for invalid data, else ErrNoPeers.
func (m *Machine) Err() error {
	if !m.everHad || (m.synced && len(m.queries) == 0) || (!m.synced && !m.everRelay) {
		return nil
	}
	malicious, stalled := 0, 0
	for _, p := range m.peers {
		if p.caps.Para && !m.synced {
			continue // cannot help with relay finality
		}
		switch {
		case p.banned:
			malicious++
		case p.dropped:
			stalled++
		default:
			return nil
		}
	}
	switch {
	case malicious+stalled == 0:
		return fmt.Errorf("%w (all peers gone)", ErrNoPeers)
	case stalled == 0:
		return fmt.Errorf("%w (%d banned)", ErrAllPeersMalicious, malicious)
	}
	return fmt.Errorf("%w (%d stalled, %d banned)", ErrNoPeers, stalled, malicious)
}

// Desired returns the requests the machine wants performed now, each once:
// the driver performs them and answers with OnResponse or OnFailure. Requests
// past their deadline are failed first.
func (m *Machine) Desired(now time.Time) []Request {
	for id, f := range m.inflight {
		if now.After(f.req.Deadline) {
			m.fail(id)
		}
	}
	var out []Request
	if !m.finBusy && (m.phase == phaseWarp || !now.Before(m.nextFollow)) && !m.pushQuiet(now) {
		if r, ok := m.finalityRequest(now); ok {
			m.justif.forcePoll = false
			out = append(out, r)
		}
	}
	out = append(out, m.liveRequests(now)...)
	out = append(out, m.justifRequests(now)...)
	out = append(out, m.callProofRequests(now)...)
	out = append(out, m.ancestryRequests(now)...)
	if m.synced {
		for _, q := range m.queries {
			if q.busy {
				continue
			}
			if r, ok := m.storageRequest(q, now); ok {
				out = append(out, r)
			}
		}
	}
	return out
}

// finalityRequest picks a peer for a warp or finality request.
func (m *Machine) finalityRequest(now time.Time) (Request, bool) {
	p := m.pick(now, func(p *peerState) bool {
		if p.caps.Para || !(p.caps.Kinds.has(KindWarp) || p.caps.Kinds.has(KindFinality)) {
			return false
		}
		// During warp sync, a peer that had nothing newer from this block is
		// asked again only when no other peer is left.
		return !(m.phase == phaseWarp && p.hasUseless && p.uselessAt == m.finHash)
	})
	if p == nil {
		if m.phase == phaseWarp && m.anyUseful() {
			// Every usable peer says there is nothing newer: synced.
			m.setSynced(now)
		}
		return Request{}, false
	}
	r := Request{Peer: p.id, Block: m.finHash, Number: m.fin.Number, Deadline: now.Add(m.cfg.RequestTimeout)}
	if p.caps.Kinds.has(KindWarp) {
		r.Kind = KindWarp
	} else {
		r.Kind = KindFinality
		r.Number = m.fin.Number + 1
	}
	m.finBusy = true
	return m.issue(r, p, nil, m.fin), true
}

// anyUseful reports whether some usable relay peer exists (and said it has
// nothing newer, since pick found none).
func (m *Machine) anyUseful() bool {
	for _, p := range m.peers {
		if !p.banned && !p.dropped && !p.caps.Para && p.hasUseless && p.uselessAt == m.finHash {
			return true
		}
	}
	return false
}

func (m *Machine) storageRequest(q *query, now time.Time) (Request, bool) {
	stage2 := q.para && q.head != nil
	p := m.pick(now, func(p *peerState) bool {
		if !p.caps.Kinds.has(KindStorage) || q.tried[p.id] {
			return false
		}
		if stage2 {
			return p.caps.Para && p.caps.ParaID == q.paraID
		}
		return !p.caps.Para
	})
	if q.since.IsZero() {
		q.since = now
	}
	if p == nil {
		if !m.hasCandidate(q, stage2) {
			if q.last == nil && stage2 && m.expectPara[q.paraID] && !m.everServed(q, stage2) && now.Sub(q.since) < m.cfg.PeerWait {
				return Request{}, false // no server connected yet: wait for one
			}
			if q.last == nil {
				q.last = m.noServerReason()
			}
			m.finishQuery(q, nil, fmt.Errorf("%w: %d keys: no peer left to ask (last error: %w)", ErrQueryFailed, len(q.keys), q.last))
		}
		return Request{}, false
	}
	r := Request{Peer: p.id, Kind: KindStorage, Deadline: now.Add(m.cfg.RequestTimeout)}
	anchor := m.fin
	if stage2 {
		r.Block, r.Number, r.Keys, r.Para, r.ParaID = q.head.Hash, q.head.Header.Number, q.keys, true, q.paraID
		anchor = q.head.Header
	} else {
		q.relay = m.fin
		r.Block, r.Number = m.finHash, m.fin.Number
		if q.at != nil {
			anchor = q.at
			r.Block, r.Number = q.at.Hash(), q.at.Number
		}
		if q.para {
			r.Keys = [][]byte{parachain.HeadsKey(q.paraID)}
		} else {
			r.Keys = q.keys
		}
	}
	q.busy = true
	return m.issue(r, p, q, anchor), true
}

// ExpectPara tells the machine that a transport of parachain paraID is
// running, so that a parachain query waits up to Config.PeerWait for its
// first peer instead of failing at once (its peers may be reported after
// the relay's).
func (m *Machine) ExpectPara(paraID uint32) {
	if m.expectPara == nil {
		m.expectPara = map[uint32]bool{}
	}
	m.expectPara[paraID] = true
}

// everServed reports whether any peer that could serve q is known, even
// one since banned or dropped: only when none is does a query wait.
func (m *Machine) everServed(q *query, stage2 bool) bool {
	for _, p := range m.peers {
		if !p.caps.Kinds.has(KindStorage) {
			continue
		}
		if stage2 && !(p.caps.Para && p.caps.ParaID == q.paraID) || !stage2 && p.caps.Para {
			continue
		}
		return true
	}
	return false
}

// hasCandidate reports whether a peer not yet tried could still answer q
// (perhaps after its cooldown).
func (m *Machine) hasCandidate(q *query, stage2 bool) bool {
	for _, p := range m.peers {
		if p.banned || p.dropped || !p.caps.Kinds.has(KindStorage) || q.tried[p.id] {
			continue
		}
		if stage2 && !(p.caps.Para && p.caps.ParaID == q.paraID) || !stage2 && p.caps.Para {
			continue
		}
		return true
	}
	return false
}

func (m *Machine) finishQuery(q *query, res *QueryResult, err error) {
	for i, x := range m.queries {
		if x == q {
			m.queries = append(m.queries[:i], m.queries[i+1:]...)
			break
		}
	}
	if res == nil {
		res = &QueryResult{}
	}
	res.ID, res.Err = q.id, err
	if q.done != nil {
		q.done(*res)
		return
	}
	m.emit(*res)
}

// pick returns the usable peer that passes ok and was used least recently.
func (m *Machine) pick(now time.Time, ok func(*peerState) bool) *peerState {
	var cands []*peerState
	for _, p := range m.peers {
		if p.banned || p.dropped || p.inflight > 0 || now.Before(p.cooldown) || !ok(p) {
			continue
		}
		cands = append(cands, p)
	}
	if len(cands) == 0 {
		return nil
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].lastUsed != cands[j].lastUsed {
			return cands[i].lastUsed < cands[j].lastUsed
		}
		return cands[i].id < cands[j].id
	})
	return cands[0]
}

// anyUsable reports whether a peer that is neither banned nor dropped is
// usable for a request (busy or cooling down now, it may be asked later).
func (m *Machine) anyUsable(usable func(*peerState) bool) bool {
	for _, s := range m.peers {
		if !s.banned && !s.dropped && usable(s) {
			return true
		}
	}
	return false
}

func (m *Machine) issue(r Request, p *peerState, q *query, anchor *header.Header) Request {
	m.nextID++
	r.ID = m.nextID
	m.useSeq++
	p.lastUsed = m.useSeq
	p.inflight++
	m.inflight[r.ID] = &inflight{req: r, query: q, anchor: anchor}
	return r
}

// ErrUnknownRequest means OnResponse or OnFailure named a request that is
// not in flight (already answered, expired or never issued).
var ErrUnknownRequest = errors.New("chainsync: unknown request")

// OnFailure reports that request id failed (timeout, refused, transport error).
func (m *Machine) OnFailure(id RequestID) error {
	if _, ok := m.inflight[id]; !ok {
		return fmt.Errorf("%w %d", ErrUnknownRequest, id)
	}
	m.fail(id)
	return nil
}

// OnFailureAt is OnFailure with the time, which starts the peer's cooldown.
func (m *Machine) OnFailureAt(id RequestID, now time.Time) error {
	f, ok := m.inflight[id]
	if !ok {
		return fmt.Errorf("%w %d", ErrUnknownRequest, id)
	}
	if p := m.peers[f.req.Peer]; p != nil {
		p.cooldown = now.Add(m.cfg.Cooldown)
	}
	m.fail(id)
	return nil
}

// fail ends a request as failed (no answer).
func (m *Machine) fail(id RequestID) {
	f := m.inflight[id]
	delete(m.inflight, id)
	m.release(f)
	if f.query != nil && f.query.last == nil {
		f.query.last = errors.New("request failed")
	}
	p := m.peers[f.req.Peer]
	// A call proof is an optimization an honest node may decline (a call
	// that fails is answered without proof): it never drops the peer.
	if p == nil || m.excusedFailure(f) || f.req.Kind == KindCallProof {
		return
	}
	p.failures++
	if p.failures >= m.cfg.MaxFailures && !p.dropped {
		p.dropped = true
		m.emit(PeerBanned{Peer: p.id, Verdict: Failed, Reason: fmt.Errorf("%d failures in a row", p.failures)})
	}
}

// release frees what a finished request held.
func (m *Machine) release(f *inflight) {
	if p := m.peers[f.req.Peer]; p != nil && p.inflight > 0 {
		p.inflight--
	}
	switch f.req.Kind {
	case KindWarp, KindFinality:
		m.finBusy = false
	case KindStorage:
		if f.query != nil {
			f.query.busy = false
			f.query.tried[f.req.Peer] = true
		}
	case KindHeaders, KindBody:
		if f.ancestry != nil {
			m.releaseAncestry(f)
		} else if f.justif {
			m.releaseJustif(f)
		} else {
			m.releaseLive(f)
		}
	case KindJustification:
		m.releaseJustif(f)
	case KindCallProof:
		m.releaseCallProof(f)
	}
}

// OnResponse feeds the answer to request id. It returns nil when the answer
// was verified and used, else an error wrapping ErrMalicious (the peer is
// banned), ErrUseless or ErrUnknownRequest.
func (m *Machine) OnResponse(id RequestID, payload []byte) error {
	return m.OnResponseAt(id, payload, time.Time{})
}

// OnResponseAt is OnResponse with the time, which schedules the next
// finality poll and cooldowns.
func (m *Machine) OnResponseAt(id RequestID, payload []byte, now time.Time) error {
	f, ok := m.inflight[id]
	if !ok {
		return fmt.Errorf("%w %d", ErrUnknownRequest, id)
	}
	delete(m.inflight, id)
	m.release(f)
	p := m.peers[f.req.Peer]
	var err error
	switch f.req.Kind {
	case KindWarp:
		err = m.onWarp(f, payload, now)
	case KindFinality:
		err = m.onFinality(f, payload, now)
	case KindStorage:
		err = m.onStorage(f, payload)
	case KindHeaders:
		if f.ancestry != nil {
			err = m.onAncestry(f, payload)
		} else if f.justif {
			err = m.onJustifHeaders(f, payload, now)
		} else {
			err = m.onHeaders(f, payload, now)
		}
	case KindJustification:
		err = m.onBlockJustification(f, payload, now)
	case KindBody:
		err = m.onBody(f, payload)
	case KindCallProof:
		err = m.onCallProof(f, payload)
	}
	if p == nil {
		return err
	}
	switch VerdictOf(err) {
	case OK:
		p.failures = 0
		p.hasUseless = false
	case Useless:
		p.failures = 0
		p.cooldown = now.Add(m.cfg.Cooldown)
	case Malicious:
		if !p.banned {
			p.banned = true
			m.emit(PeerBanned{Peer: p.id, Verdict: Malicious, Reason: err})
		}
	}
	if err != nil {
		err = fmt.Errorf("%s request %d to %s: %w", f.req.Kind, id, f.req.Peer, err)
	}
	return err
}

func malicious(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalicious, fmt.Sprintf(format, args...))
}

// stale reports whether the finalized block moved since the request was
// issued; such answers are not held against the peer.
func (m *Machine) stale(f *inflight) bool { return f.req.Block != m.finHash && f.req.Kind == KindWarp }

func (m *Machine) onWarp(f *inflight, payload []byte, now time.Time) error {
	if m.stale(f) {
		return fmt.Errorf("%w: finalized block moved on", ErrUseless)
	}
	// Each fragment is decoded, verified and dropped before the next is
	// decoded: only the finalized header and the set are kept.
	r, err := grandpa.NewWarpReader(payload)
	if err != nil {
		return malicious("warp proof: %v", err)
	}
	start, startHash := m.fin.Number, m.finHash
	var verr error
	verified := 0
	for i := 0; r.More(); i++ {
		frag, err := r.Next()
		if err != nil {
			verr = malicious("warp proof: %v", err)
			break
		}
		last := !r.More()
		// Substrate ends a finished proof with its best justification when
		// that is at or above the requested block: with nothing newer, that
		// is a fragment of our own finalized block. Skip it.
		if last && frag.Header.Number == start && frag.Header.Hash() == startHash {
			break
		}
		one := &grandpa.WarpProof{Fragments: []grandpa.Fragment{*frag}, IsFinished: last && r.IsFinished()}
		res, err := m.verifier.VerifyWarpProof(one, m.set, grandpa.WarpOptions{FromNumber: m.fin.Number, HardForks: m.cfg.HardForks})
		if err != nil {
			verr = malicious("warp fragment %d (block %d): %v", i, frag.Header.Number, err)
			break
		}
		if res.Set.SetID != m.set.SetID {
			forced := false
			if logs, err := res.Header.GrandpaLogs(); err == nil {
				for _, l := range logs {
					forced = forced || l.Kind == header.GrandpaForcedChange
				}
			}
			m.emit(SetChanged{Number: res.Header.Number, Hash: res.Hash, Forced: forced, Set: res.Set.Clone()})
		}
		m.advance(res.Header, res.Hash, res.Set)
		verified++
	}
	advanced := m.fin.Number > start
	if advanced {
		m.resetTracker()
		m.emit(Finalized{Header: m.fin, Hash: m.finHash, SetID: m.set.SetID})
		m.NoteTarget(m.fin.Number)
		m.emit(Progress{Target: m.target, Done: m.fin.Number})
	}
	if verr != nil {
		return verr
	}
	if r.IsFinished() {
		if !advanced {
			// Nothing newer from this peer.
			if p := m.peers[f.req.Peer]; p != nil {
				p.hasUseless, p.uselessAt = true, m.finHash
			}
			if m.phase == phaseFollow {
				m.nextFollow = now.Add(m.cfg.FollowInterval)
				return nil
			}
			if m.target > m.fin.Number {
				return fmt.Errorf("%w: no newer finality (peers claim block %d)", ErrUseless, m.target)
			}
		}
		m.setSynced(now)
		return nil
	}
	if verified == 0 {
		return fmt.Errorf("%w: empty unfinished warp proof", ErrUseless)
	}
	return nil
}

func (m *Machine) setSynced(now time.Time) {
	m.phase = phaseFollow
	m.nextFollow = now.Add(m.cfg.FollowInterval)
	if !m.synced {
		m.synced = true
		m.emit(Synced{Number: m.fin.Number, Hash: m.finHash})
	}
}

func (m *Machine) advance(h *header.Header, hash header.Hash, set grandpa.AuthoritySet) {
	m.fin, m.finHash, m.set = h.Clone(), hash, set
	m.RememberHeader(h, hash)
}

// finalizeChain makes the last header of chain (ascending from the finalized
// block + 1, authentic, its last header proven final) the finalized block: t
// is the tracker along chain, ch the set change its last header enacts (or
// nil) and target the best finalized number peers claim. While following,
// the next finality poll waits a FollowInterval.
func (m *Machine) finalizeChain(chain []*header.Header, t *grandpa.Tracker, ch *grandpa.SetChange, target uint32, now time.Time) {
	m.tracker = t
	for _, h := range chain[:len(chain)-1] {
		m.RememberHeader(h, h.Hash())
	}
	if ch != nil {
		m.emit(SetChanged{Number: ch.Number, Hash: ch.Hash, Forced: ch.Forced, Set: ch.Set.Clone()})
	}
	last := chain[len(chain)-1]
	m.advance(last, last.Hash(), t.Set())
	m.emit(Finalized{Header: m.fin, Hash: m.finHash, SetID: m.set.SetID})
	m.NoteTarget(target)
	m.emit(Progress{Target: m.target, Done: m.fin.Number})
	if m.phase == phaseFollow {
		m.nextFollow = now.Add(m.cfg.FollowInterval)
	}
}

// resetTracker restarts authority-set tracking at the finalized block.
// Fragments carry the change that ends each set (delay 0, as on Kusama), so
// no pending change is lost.
func (m *Machine) resetTracker() {
	t, err := grandpa.NewTracker(m.set, m.finHash, m.fin.Number)
	if err == nil {
		m.tracker = t
	}
}

func (m *Machine) onFinality(f *inflight, payload []byte, now time.Time) error {
	if f.req.Block != m.finHash {
		return fmt.Errorf("%w: finalized block moved on", ErrUseless)
	}
	if len(payload) == 0 {
		if m.phase == phaseWarp {
			if p := m.peers[f.req.Peer]; p != nil {
				p.hasUseless, p.uselessAt = true, m.finHash
			}
			if m.target > m.fin.Number {
				return fmt.Errorf("%w: no newer finality (peers claim block %d)", ErrUseless, m.target)
			}
		}
		m.setSynced(now)
		return nil
	}
	proof, err := DecodeFinalityProof(payload)
	if err != nil {
		return malicious("%v", err)
	}
	hs := proof.UnknownHeaders
	if len(hs) == 0 {
		return malicious("finality proof for %s without headers from block %d", proof.Block, m.fin.Number)
	}
	parent := m.finHash
	for i, h := range hs {
		if h.ParentHash != parent || h.Number != m.fin.Number+uint32(i)+1 {
			return malicious("finality proof header %d (block %d) does not extend the chain", i, h.Number)
		}
		parent = h.Hash()
	}
	if parent != proof.Block {
		return malicious("finality proof headers end at %s, not at the justified block %s", parent, proof.Block)
	}
	just, err := grandpa.DecodeJustification(proof.Justification)
	if err != nil {
		return malicious("justification: %v", err)
	}
	last := hs[len(hs)-1]
	if just.Commit.TargetHash != proof.Block || just.Commit.TargetNumber != last.Number {
		return malicious("justification targets block %d %s, not %d %s", just.Commit.TargetNumber, just.Commit.TargetHash, last.Number, proof.Block)
	}
	if _, err := m.verifier.VerifyJustification(just, &m.set); err != nil {
		return malicious("justification of block %d: %v", last.Number, err)
	}
	// The headers are now authentic (a hash chain to a final block): track
	// the authority set along them, on a copy so that a failure leaves the
	// machine as it was.
	hh, hn := m.tracker.Head()
	t, err := grandpa.NewTracker(m.tracker.Set(), hh, hn, m.tracker.Pending()...)
	if err != nil {
		return fmt.Errorf("%w: tracker: %v", ErrUseless, err)
	}
	var changes []*grandpa.SetChange
	for i, h := range hs {
		ch, err := t.Import(h)
		if err != nil {
			return malicious("header %d: %v", h.Number, err)
		}
		if ch != nil {
			if i != len(hs)-1 {
				return malicious("set %d ended at block %d, yet it justified block %d", m.set.SetID, h.Number, last.Number)
			}
			changes = append(changes, ch)
		}
	}
	m.tracker = t
	for i, h := range hs {
		if i < len(hs)-1 {
			m.RememberHeader(h, h.Hash())
		}
	}
	for _, ch := range changes {
		m.emit(SetChanged{Number: ch.Number, Hash: ch.Hash, Forced: ch.Forced, Set: ch.Set.Clone()})
	}
	m.advance(last, proof.Block, t.Set())
	m.emit(Finalized{Header: m.fin, Hash: m.finHash, SetID: m.set.SetID})
	m.NoteTarget(m.fin.Number)
	m.emit(Progress{Target: m.target, Done: m.fin.Number})
	if m.phase == phaseFollow {
		// More may be final already: ask again at once.
		m.nextFollow = now
	}
	return nil
}

func (m *Machine) onStorage(f *inflight, payload []byte) error {
	q := f.query
	if q == nil {
		return fmt.Errorf("%w: storage answer without query", ErrUseless)
	}
	nodes, err := trie.DecodeProofSCALE(payload)
	if err != nil {
		q.last = malicious("storage proof: %v", err)
		return q.last
	}
	root := f.anchor.StateRoot
	if f.req.Para {
		proof, err := q.head.relayless().StorageProof(nodes)
		if err != nil {
			q.last = malicious("parachain %d storage proof at %s: %v", q.paraID, q.head.Hash, err)
			return q.last
		}
		vals, err := lookups(proof, q.keys)
		if err != nil {
			q.last = err
			return err
		}
		m.finishQuery(q, &QueryResult{Block: q.relay.Hash(), Number: q.relay.Number, Para: q.head, Values: vals, Proof: nodes}, nil)
		return nil
	}
	if q.para {
		head, err := parachain.VerifyHead(root, nodes, q.paraID)
		if err != nil {
			if errors.Is(err, parachain.ErrNoHead) {
				m.finishQuery(q, nil, fmt.Errorf("%w: %w", ErrQueryFailed, err))
				return nil
			}
			q.last = malicious("Paras::Heads(%d) proof at block %d: %v", q.paraID, f.anchor.Number, err)
			return q.last
		}
		q.head = &ParaHead{ParaID: q.paraID, Header: head.Header, Hash: head.Hash}
		q.relay = f.anchor
		q.tried = map[PeerID]bool{}
		m.paraHeadProven(q, f.anchor)
		return nil
	}
	proof, err := trie.NewProofWith(root, nodes, trie.Options{AllowUnused: true})
	if err != nil {
		q.last = malicious("storage proof at block %d: %v", f.anchor.Number, err)
		return q.last
	}
	vals, err := lookups(proof, q.keys)
	if err != nil {
		q.last = err
		return err
	}
	m.finishQuery(q, &QueryResult{Block: f.anchor.Hash(), Number: f.anchor.Number, Values: vals, Proof: nodes}, nil)
	return nil
}

func lookups(p *trie.Proof, keys [][]byte) ([]trie.Lookup, error) {
	vals := p.GetMany(keys)
	for _, v := range vals {
		if v.Err != nil {
			return nil, malicious("storage proof for key %x: %v", v.Key, v.Err)
		}
	}
	return vals, nil
}

// relayless turns a proven ParaHead into the parachain package's Head for
// checking parachain proofs.
func (h *ParaHead) relayless() *parachain.Head {
	return &parachain.Head{ParaID: h.ParaID, Header: h.Header, Hash: h.Hash}
}
