package chainsync

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

// QueryAt asks for keys at block, one of the headers the machine keeps
// (KnownHeader); the zero hash means the finalized block, as Query. The
// answer is a QueryResult event with the returned id whose values are
// verified against that block's state root and whose Proof holds the
// verified proof nodes. When the block is not kept the query fails at once:
// the QueryResult's Err wraps ErrUnknownBlock (and ErrQueryFailed).
func (m *Machine) QueryAt(block header.Hash, keys [][]byte) QueryID {
	if block == (header.Hash{}) {
		return m.Query(keys)
	}
	h, ok := m.KnownHeader(block)
	if !ok {
		m.nextQuery++
		id := m.nextQuery
		m.emit(QueryResult{ID: id, Block: block, Err: fmt.Errorf("%w: %w: %s", ErrQueryFailed, ErrUnknownBlock, block)})
		return id
	}
	return m.addQuery(&query{keys: cloneKeys(keys), at: h})
}

// excusedFailure reports whether a failed request does not count towards
// dropping its peer: a storage read at a block older than the finalized one,
// whose state an honest node may have pruned already (Substrate keeps the
// state of the last 256 blocks by default).
func (m *Machine) excusedFailure(f *inflight) bool {
	return f.req.Kind == KindStorage && f.query != nil && f.query.at != nil && f.query.at.Number < m.fin.Number
}
