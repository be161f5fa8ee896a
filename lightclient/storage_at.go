package lightclient

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// ErrUnknownBlock means a block is not among the verified headers the client
// keeps (at least the last 256 finalized blocks it verified), so nothing can
// be proven at it. It is chainsync.ErrUnknownBlock: errors.Is matches either name.
var ErrUnknownBlock = chainsync.ErrUnknownBlock

// Header returns a verified header the client keeps: its start header, the
// finalized headers it verified (warp fragments, finality proofs, headers
// linked to GRANDPA commits) — at least the last chainsync.KeptHeaders of them.
// It is safe for concurrent use.
func (c *Client) Header(hash header.Hash) (*header.Header, bool) {
	return c.m.KnownHeader(hash)
}

// ReadStorageAt returns the values of keys proven against the state root of
// block, one of the headers the client keeps (Header); the zero hash means
// the latest finalized block. It waits for sync first. An unknown block fails
// with an error wrapping ErrUnknownBlock; when no peer could prove the values
// the error wraps chainsync.ErrQueryFailed (and chainsync.ErrMalicious when peers lied).
//
// Proofs read at a block are kept (a few blocks, bounded) with those of key
// enumeration: keys they already prove are answered without a request, with
// the minimal proof of those keys in StorageResult.Proof.
func (c *Client) ReadStorageAt(ctx context.Context, block header.Hash, keys [][]byte) (*StorageResult, error) {
	if block == (header.Hash{}) {
		return c.query(ctx, queryCmd{keys: keys})
	}
	h, ok := c.Header(block)
	if !ok {
		return nil, fmt.Errorf("lightclient: read storage at %s: %w", block, ErrUnknownBlock)
	}
	nodes := c.proofNodes(block, h.StateRoot)
	if vals, proof, ok := cachedRead(nodes, keys); ok {
		return &StorageResult{Block: block, Number: h.Number, Values: vals, Proof: proof}, nil
	}
	res, err := c.query(ctx, queryCmd{keys: keys, at: block})
	if err != nil {
		return nil, err
	}
	if res.Block == block {
		nodes.add(res.Proof)
	}
	return res, nil
}

// resolveBlock returns the kept header of block (zero: the latest finalized
// one) and its hash.
func (c *Client) resolveBlock(block header.Hash) (*header.Header, header.Hash, error) {
	if block == (header.Hash{}) {
		h, hash, _ := c.Finalized()
		return h, hash, nil
	}
	h, ok := c.Header(block)
	if !ok {
		return nil, block, fmt.Errorf("lightclient: block %s: %w", block, ErrUnknownBlock)
	}
	return h, block, nil
}

// cachedRead answers keys from the proof nodes gathered at one block, with
// the minimal proof of them (ok false when the nodes do not prove them all).
func cachedRead(nodes *blockNodes, keys [][]byte) (vals []trie.Lookup, proof [][]byte, ok bool) {
	p := nodes.proof()
	if p == nil {
		return nil, nil, false
	}
	proof, err := p.ProofOf(keys)
	if err != nil {
		return nil, nil, false
	}
	vals = p.GetMany(keys)
	for i := range vals { // copies: the cached nodes stay intact
		vals[i].Key = append([]byte(nil), vals[i].Key...)
		if vals[i].Found {
			vals[i].Value = append([]byte{}, vals[i].Value...)
		}
	}
	return vals, proof, true
}
