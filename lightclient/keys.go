package lightclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/hash"
)

// Key enumeration bounds.
const (
	// MaxStorageKeys bounds the count of one StorageKeys call.
	MaxStorageKeys = 1 << 16
	// MaxEnumerationRounds bounds the proof requests of one StorageKeys call
	// beyond those that bring keys: every round walks at least one trie
	// level deeper, so honest peers never need that many.
	MaxEnumerationRounds = 64
	// proofCacheBlocks and proofCacheBytes bound the proof nodes kept for
	// enumeration (per block, the most recently used blocks).
	proofCacheBlocks = 4
	proofCacheBytes  = 16 << 20
	// nextKeyLookahead is how many keys NextKey has proven at once.
	nextKeyLookahead = 32
)

// ErrEnumeration means verified proofs did not let the client enumerate
// keys (a trie that is not a valid Substrate trie, or no progress).
var ErrEnumeration = errors.New("lightclient: key enumeration failed")

// StorageKeys returns up to count keys of the state of block (zero hash: the
// latest finalized block, after sync) that start with prefix and are
// strictly greater than startKey (nil: from the first key under prefix), in
// order. No server is trusted to list keys: the client asks storage proofs
// of the trie paths its walk needs, merges them and walks the verified trie
// itself, round after round, until it has count keys or the prefix ends.
// Fewer than count keys means the prefix holds no more. An unknown block
// fails with ErrUnknownBlock.
func (c *Client) StorageKeys(ctx context.Context, block header.Hash, prefix []byte, count int, startKey []byte) ([][]byte, error) {
	keys, _, err := c.storageKeys(ctx, block, prefix, count, startKey)
	return keys, err
}

// NextKey returns the first key of the whole state of block strictly after
// key (found=false at the end of the state), verified like StorageKeys. The
// runtime executor's ext_storage_next_key reads through it.
func (c *Client) NextKey(ctx context.Context, block header.Hash, key []byte) ([]byte, bool, error) {
	if key == nil {
		key = []byte{}
	}
	if block == (header.Hash{}) {
		if err := c.WaitSynced(ctx); err != nil {
			return nil, false, err
		}
		_, block, _ = c.Finalized()
	}
	return c.nextKeyWith(block, key, func(start []byte) ([][]byte, error) {
		keys, _, err := c.storageKeys(ctx, block, nil, nextKeyLookahead, start)
		return keys, err
	})
}

// nextKeyWith answers NextKey at block (a resolved hash) from the nodes
// already gathered, else lists the keys after key with list (relay or
// parachain enumeration).
func (c *Client) nextKeyWith(block header.Hash, key []byte, list func(start []byte) ([][]byte, error)) ([]byte, bool, error) {
	if next, found, ok := c.cachedNextKey(block, key); ok {
		return next, found, nil
	}
	// Callers iterate: prove the keys that follow too, so that the next
	// calls are answered from the nodes already verified.
	keys, err := list(key)
	if err != nil || len(keys) == 0 {
		return nil, false, err
	}
	return keys[0], true, nil
}

// cachedNextKey answers NextKey from the proof nodes already gathered at
// block, when they suffice (ok).
func (c *Client) cachedNextKey(block header.Hash, key []byte) (next []byte, found, ok bool) {
	c.keysMu.Lock()
	var nodes *blockNodes
	for _, e := range c.keyCache {
		if e.block == block {
			nodes = e.nodes
			break
		}
	}
	c.keysMu.Unlock()
	if nodes == nil {
		return nil, false, false
	}
	p := nodes.proof()
	if p == nil {
		return nil, false, false
	}
	next, found, missing, err := p.NextKey(key)
	if err != nil || len(missing) > 0 {
		return nil, false, false
	}
	return next, found, true
}

// storageKeys is StorageKeys that also says how many proof requests it made.
func (c *Client) storageKeys(ctx context.Context, block header.Hash, prefix []byte, count int, start []byte) ([][]byte, int, error) {
	if count <= 0 {
		return nil, 0, nil
	}
	count = min(count, MaxStorageKeys)
	if block == (header.Hash{}) {
		if err := c.WaitSynced(ctx); err != nil {
			return nil, 0, err
		}
	}
	h, hash, err := c.resolveBlock(block)
	if err != nil {
		return nil, 0, err
	}
	return c.enumerateKeys(ctx, h, hash, c.relayProver(hash), prefix, count, start)
}

// keyProver proves keys at one block and returns the proof nodes, verified
// against that block's state root.
type keyProver func(ctx context.Context, keys [][]byte) ([][]byte, error)

// relayProver proves keys at relay block hash (one the client keeps).
func (c *Client) relayProver(hash header.Hash) keyProver {
	return func(ctx context.Context, keys [][]byte) ([][]byte, error) {
		res, err := c.query(ctx, queryCmd{keys: keys, at: hash})
		if err != nil {
			return nil, err
		}
		if res.Block != hash {
			return nil, fmt.Errorf("%w: proof read at %s, not %s", ErrEnumeration, res.Block, hash)
		}
		return res.Proof, nil
	}
}

// enumerateKeys walks the state of block h (hash) under prefix after start,
// merging the proofs prove brings into the block's node cache, until it
// has count keys or the prefix ends. It also says how many proof requests
// it made.
func (c *Client) enumerateKeys(ctx context.Context, h *header.Header, hash header.Hash, prove keyProver, prefix []byte, count int, start []byte) ([][]byte, int, error) {
	if count <= 0 {
		return nil, 0, nil
	}
	count = min(count, MaxStorageKeys)
	nodes := c.proofNodes(hash, h.StateRoot)
	var out [][]byte
	requests, idle := 0, 0
	var lastProbe [][]byte
	for {
		p := nodes.proof()
		var missing [][]byte
		if p == nil {
			missing = [][]byte{{}}
		} else {
			keys, gaps, err := p.KeysAfter(prefix, start, count-len(out))
			if err != nil {
				return nil, requests, fmt.Errorf("%w: state of block %d %s: %w", ErrEnumeration, h.Number, hash, err)
			}
			out = append(out, keys...)
			if len(keys) > 0 {
				start = keys[len(keys)-1]
				idle = 0
			}
			missing = gaps
		}
		if len(missing) == 0 || len(out) >= count {
			return out, requests, nil
		}
		probe := probeKeys(missing, prefix, start)
		if lastProbe != nil && sameKeyList(lastProbe, probe) {
			// A verified proof of a key holds every node on its path: the
			// walk cannot miss the same subtrees after merging one.
			return nil, requests, fmt.Errorf("%w: proofs of %d trie paths at block %d brought no progress", ErrEnumeration, len(missing), h.Number)
		}
		if idle++; idle > MaxEnumerationRounds {
			return nil, requests, fmt.Errorf("%w: no key after %d proof rounds at block %d", ErrEnumeration, MaxEnumerationRounds, h.Number)
		}
		proof, err := prove(ctx, probe)
		requests++
		if err != nil {
			return nil, requests, err
		}
		nodes.add(proof) // may add nothing: a concurrent caller merged them first
		lastProbe = probe
	}
}

// probeKeys returns the keys whose proofs bring the missing subtrees (the
// paths padded to whole bytes), without repeats.
func probeKeys(missing [][]byte, prefix, start []byte) [][]byte {
	out := make([][]byte, 0, len(missing))
	seen := make(map[string]bool, len(missing))
	for _, m := range missing {
		k := trie.PathKey(m)
		if len(m) == 0 {
			// Nothing known yet: the path to where the walk starts.
			k = seekKey(prefix, start)
		}
		if !seen[string(k)] {
			seen[string(k)] = true
			out = append(out, k)
		}
	}
	return out
}

func sameKeyList(a, b [][]byte) bool { return slices.EqualFunc(a, b, bytes.Equal) }

// seekKey is where a walk under prefix after start begins.
func seekKey(prefix, start []byte) []byte {
	if start != nil && bytes.Compare(start, prefix) > 0 && bytes.HasPrefix(start, prefix) {
		return start
	}
	return prefix
}

// blockNodes accumulates verified proof nodes of one block's state.
type blockNodes struct {
	root trie.Hash

	mu    sync.Mutex
	nodes map[trie.Hash][]byte
	size  int
	p     *trie.Proof
}

// proof returns a proof over the nodes gathered (nil before the root node).
func (b *blockNodes) proof() *trie.Proof {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.p
}

// add merges nodes (already verified against the root by the sync machine)
// and returns how many were new.
func (b *blockNodes) add(nodes [][]byte) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.size > proofCacheBytes {
		// Start over rather than grow.
		b.nodes, b.size, b.p = map[trie.Hash][]byte{}, 0, nil
	}
	var fresh [][]byte
	for _, n := range nodes {
		h := trie.Hash(hashNode(n))
		if _, ok := b.nodes[h]; ok {
			continue
		}
		n = append([]byte(nil), n...)
		b.nodes[h] = n
		b.size += len(n)
		fresh = append(fresh, n)
	}
	switch {
	case len(fresh) == 0:
	case b.p != nil:
		b.p = b.p.Merge(fresh)
	default:
		all := make([][]byte, 0, len(b.nodes))
		for _, n := range b.nodes {
			all = append(all, n)
		}
		if p, err := trie.NewProofWith(b.root, all, trie.Options{AllowUnused: true}); err == nil {
			b.p = p
		}
	}
	return len(fresh)
}

// proofNodes returns the node cache of block, creating it (and forgetting
// the least recently used block's) as needed.
func (c *Client) proofNodes(block header.Hash, root header.Hash) *blockNodes {
	c.keysMu.Lock()
	defer c.keysMu.Unlock()
	for i, e := range c.keyCache {
		if e.block == block {
			copy(c.keyCache[1:i+1], c.keyCache[:i])
			c.keyCache[0] = e
			return e.nodes
		}
	}
	e := keyCacheEntry{block: block, nodes: &blockNodes{root: trie.Hash(root), nodes: map[trie.Hash][]byte{}}}
	c.keyCache = append([]keyCacheEntry{e}, c.keyCache...)
	if len(c.keyCache) > proofCacheBlocks {
		c.keyCache = c.keyCache[:proofCacheBlocks]
	}
	return e.nodes
}

type keyCacheEntry struct {
	block header.Hash
	nodes *blockNodes
}

func hashNode(n []byte) [32]byte { return hash.Blake2b256(n) }
