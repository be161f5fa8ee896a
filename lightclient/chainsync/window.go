package chainsync

import (
	"container/heap"
	"errors"
	"sync"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

// ErrUnknownBlock means a block is not among the verified headers the
// machine keeps (RememberHeader), so nothing can be proven at it.
var ErrUnknownBlock = errors.New("chainsync: unknown block")

// KeptHeaders is how many verified headers the machine keeps at most, and
// KeptHeaderBytes how much memory they may take (a header that changes the
// authority set lists every new voter: some 40 KB for Kusama's thousand);
// when more are remembered the lowest-numbered ones are forgotten first, so
// the finalized head and the blocks just below it stay.
const (
	KeptHeaders     = 1024
	KeptHeaderBytes = 4 << 20
)

// headerWindow is the set of verified headers. Unlike the rest of the
// machine it is safe for concurrent use: the client answers Header(hash)
// from any goroutine.
type headerWindow struct {
	mu       sync.RWMutex
	max      int
	maxBytes int
	bytes    int // headerBytes of the kept headers
	byHash   map[header.Hash]*header.Header
	order    numberHeap // every kept hash, lowest number on top
}

// headerBytes is about the memory a kept header takes.
func headerBytes(h *header.Header) int {
	n := 160 // the fixed fields and the map entry
	for _, it := range h.Digest {
		n += 48 + len(it.Data)
	}
	return n
}

type numbered struct {
	number uint32
	hash   header.Hash
}

type numberHeap []numbered

func (h numberHeap) Len() int { return len(h) }
func (h numberHeap) Less(i, j int) bool {
	if h[i].number != h[j].number {
		return h[i].number < h[j].number
	}
	return string(h[i].hash[:]) < string(h[j].hash[:])
}
func (h numberHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *numberHeap) Push(x any)   { *h = append(*h, x.(numbered)) }
func (h *numberHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// newHeaderWindow keeps up to max headers and maxBytes of them (always the
// highest-numbered one, whatever its size).
func newHeaderWindow(max, maxBytes int) *headerWindow {
	return &headerWindow{max: max, maxBytes: maxBytes, byHash: make(map[header.Hash]*header.Header)}
}

func (w *headerWindow) add(h *header.Header, hash header.Hash) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.byHash[hash]; ok {
		return
	}
	w.byHash[hash] = h.Clone()
	w.bytes += headerBytes(h)
	heap.Push(&w.order, numbered{h.Number, hash})
	for w.order.Len() > 0 && (len(w.byHash) > w.max || w.bytes > w.maxBytes && w.order.Len() > 1) {
		old := heap.Pop(&w.order).(numbered)
		w.bytes -= headerBytes(w.byHash[old.hash])
		delete(w.byHash, old.hash)
	}
}

func (w *headerWindow) get(hash header.Hash) (*header.Header, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	h, ok := w.byHash[hash]
	if !ok {
		return nil, false
	}
	return h.Clone(), true
}

func (w *headerWindow) len() int {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return len(w.byHash)
}

// window returns the machine's header window (created by New).
func (m *Machine) window() *headerWindow {
	return m.known
}

// RememberHeader records a header whose authenticity the caller verified
// (a finalized header, one of a hash chain ending at a justified block):
// storage can then be proven at it (QueryAt) and clients can look it up
// (KnownHeader). The machine remembers its start header, warp-fragment
// headers and the headers of finality proofs itself. It keeps at most
// KeptHeaders headers and KeptHeaderBytes of them, forgetting the
// lowest-numbered first.
func (m *Machine) RememberHeader(h *header.Header, hash header.Hash) {
	if h == nil {
		return
	}
	m.window().add(h, hash)
}

// KnownHeader returns a copy of a remembered header. Unlike the rest of the
// Machine it is safe to call from any goroutine.
func (m *Machine) KnownHeader(hash header.Hash) (*header.Header, bool) {
	return m.window().get(hash)
}

// KnownHeaders is how many headers the machine keeps now (safe from any goroutine).
func (m *Machine) KnownHeaders() int { return m.window().len() }
