package chainsync

import (
	"container/heap"
	"fmt"
	"sync"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

// KeptParaHeads is how many proven heads the machine keeps per parachain;
// when more are proven the lowest-numbered are forgotten first.
const KeptParaHeads = 1024

// ParaBlock is a parachain head the machine proved (Paras::Heads in the
// state of a finalized relay block) and the relay block that proved it.
type ParaBlock struct {
	Head        *ParaHead
	Relay       header.Hash
	RelayNumber uint32
}

// paraEntry is a kept parachain head.
type paraEntry struct {
	head  *ParaHead
	relay *header.Header
}

// paraWindows are the proven heads of every parachain asked about. Like the
// relay header window it is safe for concurrent use.
type paraWindows struct {
	mu     sync.RWMutex
	byPara map[uint32]*paraWindow
}

type paraWindow struct {
	byHash map[header.Hash]paraEntry
	order  numberHeap
	// latest is the head proven at the highest relay block.
	latest    header.Hash
	latestAt  uint32
	hasLatest bool
}

func (w *paraWindows) add(head *ParaHead, relay *header.Header) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.byPara == nil {
		w.byPara = map[uint32]*paraWindow{}
	}
	pw := w.byPara[head.ParaID]
	if pw == nil {
		pw = &paraWindow{byHash: map[header.Hash]paraEntry{}}
		w.byPara[head.ParaID] = pw
	}
	if !pw.hasLatest || relay.Number >= pw.latestAt {
		pw.latest, pw.latestAt, pw.hasLatest = head.Hash, relay.Number, true
	}
	if old, ok := pw.byHash[head.Hash]; ok {
		if relay.Number > old.relay.Number {
			// Proven again at a newer relay block: its state is as fresh as
			// that block's (pruning excuses are counted from there).
			pw.byHash[head.Hash] = paraEntry{head: old.head, relay: relay.Clone()}
		}
		return
	}
	pw.byHash[head.Hash] = paraEntry{head: head.clone(), relay: relay.Clone()}
	heap.Push(&pw.order, numbered{head.Header.Number, head.Hash})
	for len(pw.byHash) > KeptParaHeads && pw.order.Len() > 0 {
		old := heap.Pop(&pw.order).(numbered)
		delete(pw.byHash, old.hash)
	}
}

func (w *paraWindows) get(paraID uint32, hash header.Hash) (paraEntry, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	pw := w.byPara[paraID]
	if pw == nil {
		return paraEntry{}, false
	}
	e, ok := pw.byHash[hash]
	return e, ok
}

func (w *paraWindows) latest(paraID uint32) (paraEntry, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	pw := w.byPara[paraID]
	if pw == nil || !pw.hasLatest {
		return paraEntry{}, false
	}
	e, ok := pw.byHash[pw.latest]
	return e, ok
}

func (e paraEntry) block() ParaBlock {
	return ParaBlock{Head: e.head.clone(), Relay: e.relay.Hash(), RelayNumber: e.relay.Number}
}

func (h *ParaHead) clone() *ParaHead {
	return &ParaHead{ParaID: h.ParaID, Header: h.Header.Clone(), Hash: h.Hash}
}

// KnownParaHead returns a head of parachain paraID the machine proved (one
// of the last KeptParaHeads). Unlike most of the Machine it is safe to call
// from any goroutine.
func (m *Machine) KnownParaHead(paraID uint32, hash header.Hash) (ParaBlock, bool) {
	e, ok := m.paras.get(paraID, hash)
	if !ok {
		return ParaBlock{}, false
	}
	return e.block(), true
}

// LatestParaHead returns the head of parachain paraID proven at the newest
// relay block so far (safe from any goroutine). It is not refreshed by
// itself: QueryParaHead proves the current one.
func (m *Machine) LatestParaHead(paraID uint32) (ParaBlock, bool) {
	e, ok := m.paras.latest(paraID)
	if !ok {
		return ParaBlock{}, false
	}
	return e.block(), true
}

// QueryParaHead proves the head of parachain paraID recorded in the state of
// the finalized relay block (Paras::Heads) and remembers it (KnownParaHead).
// The answer goes to done when it is not nil (called on the goroutine
// driving the machine), else it is a QueryResult event: Block and Number
// are the relay block, Para the head, Values empty. A parachain without a
// head fails with an error wrapping ErrQueryFailed and parachain.ErrNoHead.
func (m *Machine) QueryParaHead(paraID uint32, done func(QueryResult)) QueryID {
	return m.addQuery(&query{para: true, paraID: paraID, headOnly: true, done: done})
}

// QueryParaAt proves keys of parachain paraID at block, one of its heads
// the machine proved (KnownParaHead); the zero hash means the head recorded
// in the finalized relay state, proven first (as QueryPara). The values are
// verified against that head's state root, and the result's Proof holds the
// verified proof nodes. The answer goes to done when not nil, else it is a
// QueryResult event. An unknown block fails at once with an error wrapping
// ErrUnknownBlock and ErrQueryFailed.
func (m *Machine) QueryParaAt(paraID uint32, block header.Hash, keys [][]byte, done func(QueryResult)) QueryID {
	if block == (header.Hash{}) {
		return m.addQuery(&query{keys: cloneKeys(keys), para: true, paraID: paraID, done: done})
	}
	e, ok := m.paras.get(paraID, block)
	if !ok {
		m.nextQuery++
		res := QueryResult{ID: m.nextQuery, Err: fmt.Errorf("%w: %w: parachain %d block %s", ErrQueryFailed, ErrUnknownBlock, paraID, block)}
		if done != nil {
			done(res)
		} else {
			m.emit(res)
		}
		return res.ID
	}
	// Straight to the second stage. at is the relay block that proved the
	// head: once finality moved past it, a failure (pruned state) does not
	// count against the para peer (excusedFailure).
	return m.addQuery(&query{keys: cloneKeys(keys), para: true, paraID: paraID, head: e.head.clone(), relay: e.relay, at: e.relay, done: done})
}

// paraHeadProven records the head stage 1 of q proved at relay block relay,
// and finishes q when it only wanted the head.
func (m *Machine) paraHeadProven(q *query, relay *header.Header) {
	m.paras.add(q.head, relay)
	if q.headOnly {
		m.finishQuery(q, &QueryResult{Block: relay.Hash(), Number: relay.Number, Para: q.head.clone()}, nil)
	}
}
