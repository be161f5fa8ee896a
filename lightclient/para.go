package lightclient

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// ParaHead is a parachain block proven by the relay chain: its header was
// read from Paras::Heads in the state of a finalized relay block.
type ParaHead struct {
	ParaID uint32
	Header *header.Header
	Hash   header.Hash
	// Relay and RelayNumber name the relay block whose state proved it.
	Relay       header.Hash
	RelayNumber uint32
}

// ParaView reads the state of parachain ParaID (Asset Hub is 1000 on
// Kusama) through the relay light client: its heads are proven by the
// finalized relay state, its storage by proofs that para-capable peers
// (chainsync.PeerCaps{Para: true}) serve, checked against those heads' state
// roots. It mirrors the relay methods Header, ReadStorageAt, StorageKeys and
// NextKey. A ParaView is cheap; it is safe for concurrent use.
type ParaView struct {
	c  *Client
	id uint32
}

// Para returns the view of parachain paraID.
func (c *Client) Para(paraID uint32) *ParaView { return &ParaView{c: c, id: paraID} }

// ParaID is the parachain's id.
func (v *ParaView) ParaID() uint32 { return v.id }

// Client is the relay light client of the view.
func (v *ParaView) Client() *Client { return v.c }

// Head proves the parachain's head recorded in the state of the latest
// finalized relay block (waiting for sync first) and keeps it (Header);
// while the relay's finalized block stays the one that proved the last
// head, that head is returned without asking again. A parachain without a
// head fails with an error wrapping parachain.ErrNoHead and
// chainsync.ErrQueryFailed.
func (v *ParaView) Head(ctx context.Context) (*ParaHead, error) {
	if err := v.c.WaitSynced(ctx); err != nil {
		return nil, err
	}
	if l, ok := v.Latest(); ok {
		if _, fin, _ := v.c.Finalized(); fin == l.Relay {
			return l, nil
		}
	}
	res, err := v.ask(ctx, func(done func(chainsync.QueryResult)) { v.c.m.QueryParaHead(v.id, done) })
	if err != nil {
		return nil, fmt.Errorf("lightclient: parachain %d head: %w", v.id, err)
	}
	if res.Para == nil {
		return nil, fmt.Errorf("lightclient: parachain %d head: no head in the answer", v.id)
	}
	return &ParaHead{ParaID: v.id, Header: res.Para.Header, Hash: res.Para.Hash, Relay: res.Block, RelayNumber: res.Number}, nil
}

// Latest returns the head proven at the newest relay block so far without
// asking anybody (ok false before the first Head or read at the latest head).
func (v *ParaView) Latest() (*ParaHead, bool) {
	b, ok := v.c.m.LatestParaHead(v.id)
	if !ok {
		return nil, false
	}
	return paraHeadOf(v.id, b), true
}

// Header returns a parachain header proven so far (the last
// chainsync.KeptParaHeads of them). It is safe for concurrent use.
func (v *ParaView) Header(hash header.Hash) (*header.Header, bool) {
	b, ok := v.c.m.KnownParaHead(v.id, hash)
	if !ok {
		return nil, false
	}
	return b.Head.Header, true
}

// Proven returns a kept parachain head with the relay block that proved it.
func (v *ParaView) Proven(hash header.Hash) (*ParaHead, bool) {
	b, ok := v.c.m.KnownParaHead(v.id, hash)
	if !ok {
		return nil, false
	}
	return paraHeadOf(v.id, b), true
}

func paraHeadOf(id uint32, b chainsync.ParaBlock) *ParaHead {
	return &ParaHead{ParaID: id, Header: b.Head.Header, Hash: b.Head.Hash, Relay: b.Relay, RelayNumber: b.RelayNumber}
}

// ReadStorageAt returns the values of keys proven against the state root of
// parachain block (one Header knows; the zero hash: the head recorded in the
// latest finalized relay state, proven first). StorageResult.Para is the
// block read, Block and Number the relay block that proved it, Proof the
// verified proof nodes. An unknown block fails with an error wrapping
// ErrUnknownBlock; when no para peer could prove the values the error wraps
// chainsync.ErrQueryFailed (and chainsync.ErrMalicious when peers lied, which gets
// them banned).
func (v *ParaView) ReadStorageAt(ctx context.Context, block header.Hash, keys [][]byte) (*StorageResult, error) {
	if block == (header.Hash{}) {
		h, err := v.Head(ctx)
		if err != nil {
			return nil, err
		}
		block = h.Hash
	}
	b, ok := v.c.m.KnownParaHead(v.id, block)
	if !ok {
		return nil, fmt.Errorf("lightclient: parachain %d: read storage at %s: %w", v.id, block, ErrUnknownBlock)
	}
	nodes := v.c.proofNodes(block, b.Head.Header.StateRoot)
	if vals, proof, ok := cachedRead(nodes, keys); ok {
		return &StorageResult{Block: b.Relay, Number: b.RelayNumber, Para: b.Head, Values: vals, Proof: proof}, nil
	}
	res, err := v.read(ctx, block, keys)
	if err != nil {
		return nil, err
	}
	if res.Para != nil && res.Para.Hash == block {
		nodes.add(res.Proof)
	}
	return res, nil
}

// read asks the machine for keys at the kept para block.
func (v *ParaView) read(ctx context.Context, block header.Hash, keys [][]byte) (*StorageResult, error) {
	r, err := v.ask(ctx, func(done func(chainsync.QueryResult)) { v.c.m.QueryParaAt(v.id, block, keys, done) })
	if err != nil {
		return nil, fmt.Errorf("lightclient: parachain %d storage: %w", v.id, err)
	}
	return &StorageResult{Block: r.Block, Number: r.Number, Para: r.Para, Values: r.Values, Proof: r.Proof}, nil
}

// ask runs a query on the driver goroutine and waits for its answer.
func (v *ParaView) ask(ctx context.Context, start func(done func(chainsync.QueryResult))) (chainsync.QueryResult, error) {
	reply := make(chan chainsync.QueryResult, 1)
	done := func(r chainsync.QueryResult) { reply <- r }
	if err := v.c.inDriver(ctx, func() { start(done) }); err != nil {
		return chainsync.QueryResult{}, err
	}
	select {
	case r := <-reply:
		return r, r.Err
	case <-v.c.done:
		return chainsync.QueryResult{}, v.c.doneErr()
	case <-ctx.Done():
		return chainsync.QueryResult{}, ctx.Err()
	}
}

// resolve returns the kept head of para block (zero: the latest, proven
// now).
func (v *ParaView) resolve(ctx context.Context, block header.Hash) (*ParaHead, error) {
	if block == (header.Hash{}) {
		return v.Head(ctx)
	}
	h, ok := v.Proven(block)
	if !ok {
		return nil, fmt.Errorf("lightclient: parachain %d block %s: %w", v.id, block, ErrUnknownBlock)
	}
	return h, nil
}

// prover proves keys at the kept para block hash.
func (v *ParaView) prover(hash header.Hash) keyProver {
	return func(ctx context.Context, keys [][]byte) ([][]byte, error) {
		res, err := v.read(ctx, hash, keys)
		if err != nil {
			return nil, err
		}
		if res.Para == nil || res.Para.Hash != hash {
			return nil, fmt.Errorf("%w: parachain %d proof not read at %s", ErrEnumeration, v.id, hash)
		}
		return res.Proof, nil
	}
}

// StorageKeys returns up to count keys of the state of parachain block
// (zero hash: the latest head, proven first) that start with prefix and sort
// after startKey, in order, enumerated over verified proofs as the relay's
// StorageKeys. An unknown block fails with ErrUnknownBlock.
func (v *ParaView) StorageKeys(ctx context.Context, block header.Hash, prefix []byte, count int, startKey []byte) ([][]byte, error) {
	keys, _, err := v.storageKeys(ctx, block, prefix, count, startKey)
	return keys, err
}

func (v *ParaView) storageKeys(ctx context.Context, block header.Hash, prefix []byte, count int, startKey []byte) ([][]byte, int, error) {
	if count <= 0 {
		return nil, 0, nil
	}
	h, err := v.resolve(ctx, block)
	if err != nil {
		return nil, 0, err
	}
	return v.c.enumerateKeys(ctx, h.Header, h.Hash, v.prover(h.Hash), prefix, count, startKey)
}

// NextKey returns the first key of the whole state of parachain block after
// key (found=false at the end), verified like StorageKeys.
func (v *ParaView) NextKey(ctx context.Context, block header.Hash, key []byte) ([]byte, bool, error) {
	if key == nil {
		key = []byte{}
	}
	h, err := v.resolve(ctx, block)
	if err != nil {
		return nil, false, err
	}
	return v.c.nextKeyWith(h.Hash, key, func(start []byte) ([][]byte, error) {
		keys, _, err := v.c.enumerateKeys(ctx, h.Header, h.Hash, v.prover(h.Hash), nil, nextKeyLookahead, start)
		return keys, err
	})
}
