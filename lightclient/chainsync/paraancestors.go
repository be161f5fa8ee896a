package chainsync

import (
	"container/heap"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

// KeepParaAncestors keeps ancestors of descendant, a head of parachain
// paraID the machine proved (KnownParaHead), so that their state can be
// read with QueryParaAt: ancestors[0] must be descendant's parent and each
// next header the parent of the one before (hash links and numbers are
// checked here; a break wraps ErrMalicious). They are kept with the relay
// block that proved descendant, whose state vouches for the whole chain of
// parents, and never become the latest head. Safe from any goroutine.
func (m *Machine) KeepParaAncestors(paraID uint32, descendant header.Hash, ancestors []*header.Header) error {
	e, ok := m.paras.get(paraID, descendant)
	if !ok {
		return fmt.Errorf("%w: parachain %d block %s", ErrUnknownBlock, paraID, descendant)
	}
	child := e.head.Header
	heads := make([]*ParaHead, 0, len(ancestors))
	for i, h := range ancestors {
		if h == nil {
			return fmt.Errorf("%w: parachain %d ancestor %d missing", ErrMalicious, paraID, i)
		}
		hh := h.Hash()
		if child.ParentHash != hh || child.Number == 0 || h.Number != child.Number-1 {
			return fmt.Errorf("%w: parachain %d: header #%d %s is not the parent of #%d (parent %s)",
				ErrMalicious, paraID, h.Number, hh, child.Number, child.ParentHash)
		}
		heads = append(heads, &ParaHead{ParaID: paraID, Header: h.Clone(), Hash: hh})
		child = h
	}
	w := &m.paras
	w.mu.Lock()
	defer w.mu.Unlock()
	pw := w.byPara[paraID]
	if pw == nil {
		return fmt.Errorf("%w: parachain %d block %s", ErrUnknownBlock, paraID, descendant)
	}
	for _, h := range heads {
		if _, ok := pw.byHash[h.Hash]; ok {
			continue
		}
		pw.byHash[h.Hash] = paraEntry{head: h, relay: e.relay}
		heap.Push(&pw.order, numbered{h.Header.Number, h.Hash})
	}
	for len(pw.byHash) > KeptParaHeads && pw.order.Len() > 0 {
		old := heap.Pop(&pw.order).(numbered)
		if old.hash == pw.latest {
			continue
		}
		delete(pw.byHash, old.hash)
	}
	return nil
}
