package app

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
	"github.com/ksm-wallet/ksm/internal/atomicfile"
)

// PendingTx is a transaction this machine submitted whose nonce the chain
// may not count yet.
type PendingTx struct {
	Nonce uint64 `json:"nonce"`
	// Hash is the extrinsic hash (0x-hex).
	Hash string `json:"hash"`
	// Death is the first block number at which the transaction's era has
	// ended (it can no longer be included); 0 for an immortal transaction.
	Death uint64 `json:"death"`
}

// NonceStore keeps, per chain and account, the nonces of transactions sent
// from this machine that the chain's nonce does not cover yet, so that
// back-to-back commands never reuse one. Each account has a small JSON file
// under <home>/pending, written atomically (0600); entries are pruned once
// the chain's nonce passes them or their era has ended. With no home the
// store lives in memory.
type NonceStore struct {
	dir string
	mu  sync.Mutex
	mem map[string][]PendingTx
}

// NewNonceStore returns the store under home/pending ("" for memory only).
func NewNonceStore(home string) *NonceStore {
	n := &NonceStore{mem: map[string][]PendingTx{}}
	if home != "" {
		n.dir = filepath.Join(home, "pending")
	}
	return n
}

type pendingFile struct {
	Genesis string      `json:"genesis"`
	Account string      `json:"account"`
	Pending []PendingTx `json:"pending"`
}

func pendingKey(genesis chain.Hash, account [32]byte) string {
	return hex.EncodeToString(genesis[:8]) + "-" + hex.EncodeToString(account[:])
}

func (n *NonceStore) load(key string) ([]PendingTx, error) {
	if n.dir == "" {
		return slices.Clone(n.mem[key]), nil
	}
	b, err := os.ReadFile(filepath.Join(n.dir, key+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pending nonces: %w", err)
	}
	var f pendingFile
	if err := json.Unmarshal(b, &f); err != nil {
		// A damaged file only loses the memory of pending transactions;
		// the chain's nonce still applies.
		return nil, nil
	}
	return f.Pending, nil
}

func (n *NonceStore) save(key string, genesis chain.Hash, account [32]byte, list []PendingTx) error {
	if n.dir == "" {
		n.mem[key] = slices.Clone(list)
		return nil
	}
	path := filepath.Join(n.dir, key+".json")
	if len(list) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("pending nonces: %w", err)
		}
		return nil
	}
	b, err := json.MarshalIndent(pendingFile{Genesis: genesis.String(), Account: "0x" + hex.EncodeToString(account[:]), Pending: list}, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, append(b, '\n'), atomicfile.Options{MakeDirs: true}); err != nil {
		return fmt.Errorf("pending nonces: %w", err)
	}
	return nil
}

// prune drops entries the chain nonce has passed and entries whose era has
// ended by block best.
func prune(list []PendingTx, chainNonce, best uint64) []PendingTx {
	out := list[:0:0]
	for _, p := range list {
		if p.Nonce < chainNonce || p.Death != 0 && p.Death <= best {
			continue
		}
		out = append(out, p)
	}
	return out
}

// Next returns the nonce for a new transaction of account: the smallest
// nonce at or above chainNonce that no pending transaction of this machine
// holds. best is the newest block number (for pruning ended eras).
func (n *NonceStore) Next(genesis chain.Hash, account [32]byte, chainNonce, best uint64) (uint64, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	key := pendingKey(genesis, account)
	list, err := n.load(key)
	if err != nil {
		return 0, err
	}
	kept := prune(list, chainNonce, best)
	if len(kept) != len(list) {
		if err := n.save(key, genesis, account, kept); err != nil {
			return 0, err
		}
	}
	next := chainNonce
	for slices.ContainsFunc(kept, func(p PendingTx) bool { return p.Nonce == next }) {
		next++
	}
	return next, nil
}

// Pending lists the account's pending transactions as stored.
func (n *NonceStore) Pending(genesis chain.Hash, account [32]byte) ([]PendingTx, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.load(pendingKey(genesis, account))
}

// Add records a transaction about to be submitted.
func (n *NonceStore) Add(genesis chain.Hash, account [32]byte, p PendingTx) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	key := pendingKey(genesis, account)
	list, err := n.load(key)
	if err != nil {
		return err
	}
	list = slices.DeleteFunc(list, func(q PendingTx) bool { return q.Nonce == p.Nonce })
	list = append(list, p)
	slices.SortFunc(list, func(a, b PendingTx) int {
		switch {
		case a.Nonce < b.Nonce:
			return -1
		case a.Nonce > b.Nonce:
			return 1
		}
		return 0
	})
	return n.save(key, genesis, account, list)
}

// Remove forgets the pending transaction with nonce (it was refused and
// will never be included).
func (n *NonceStore) Remove(genesis chain.Hash, account [32]byte, nonce uint64) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	key := pendingKey(genesis, account)
	list, err := n.load(key)
	if err != nil {
		return err
	}
	kept := slices.DeleteFunc(list, func(q PendingTx) bool { return q.Nonce == nonce })
	return n.save(key, genesis, account, kept)
}
