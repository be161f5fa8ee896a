package app

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/atomicfile"
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
	// Reserved marks a nonce Next handed out for a transaction not
	// submitted yet (no Hash): it holds until Expires (Unix seconds), until
	// the store that reserved it (Owner) releases it, or until the
	// transaction is submitted (Add).
	Reserved bool   `json:"reserved,omitempty"`
	Expires  int64  `json:"expires,omitempty"`
	Owner    string `json:"owner,omitempty"`
}

// NonceStore keeps, per chain and account, the nonces of transactions sent
// from this machine that the chain's nonce does not cover yet, so that
// back-to-back commands never reuse one, and the nonces handed out for
// transactions about to be signed (reservations), so that two commands
// running at once — two ksm processes, or one waiting at its confirmation
// prompt — never get the same one. Each account has a small JSON file under
// <home>/pending, written atomically (0600) and read and written only under
// an exclusive lock of <file>.lock (flock; where the file system has no
// flock, a lock file created with O_EXCL). Entries are pruned once the
// chain's nonce passes them or their era has ended, reservations also when
// they expire (ReserveFor after Next). With no home the store lives in
// memory.
type NonceStore struct {
	dir string
	mu  sync.Mutex
	mem map[string][]PendingTx
	// owner names this store's reservations.
	owner string
	// ReserveFor is how long a nonce Next hands out stays reserved unless
	// released or submitted (DefaultReserveFor when zero).
	ReserveFor time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// DefaultReserveFor is how long a reservation lasts: longer than ksm's
// default era (64 blocks of 6 s), after which the transaction signed with
// it is dead anyway.
const DefaultReserveFor = 10 * time.Minute

// NewNonceStore returns the store under home/pending ("" for memory only).
func NewNonceStore(home string) *NonceStore {
	var id [8]byte
	_, _ = rand.Read(id[:])
	n := &NonceStore{mem: map[string][]PendingTx{}, owner: hex.EncodeToString(id[:])}
	if home != "" {
		n.dir = filepath.Join(home, "pending")
	}
	return n
}

func (n *NonceStore) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

// locked runs fn holding the store's lock of key: the in-process mutex and,
// on disk, the file lock that excludes other processes.
func (n *NonceStore) locked(key string, fn func() error) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.dir == "" {
		return fn()
	}
	if err := os.MkdirAll(n.dir, 0o700); err != nil {
		return fmt.Errorf("pending nonces: %w", err)
	}
	unlock, err := lockFile(filepath.Join(n.dir, key+".json.lock"))
	if err != nil {
		return fmt.Errorf("pending nonces: lock: %w", err)
	}
	defer unlock()
	return fn()
}

type pendingFile struct {
	Genesis string      `json:"genesis"`
	Account string      `json:"account"`
	Pending []PendingTx `json:"pending"`
}

func pendingKey(genesis chainclient.Hash, account [32]byte) string {
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

func (n *NonceStore) save(key string, genesis chainclient.Hash, account [32]byte, list []PendingTx) error {
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

// prune drops entries the chain nonce has passed, entries whose era has
// ended by block best, and reservations expired at now.
func prune(list []PendingTx, chainNonce, best uint64, now time.Time) []PendingTx {
	out := list[:0:0]
	for _, p := range list {
		if p.Nonce < chainNonce || p.Death != 0 && p.Death <= best || p.Reserved && p.Expires <= now.Unix() {
			continue
		}
		out = append(out, p)
	}
	return out
}

func sortByNonce(list []PendingTx) {
	slices.SortFunc(list, func(a, b PendingTx) int {
		switch {
		case a.Nonce < b.Nonce:
			return -1
		case a.Nonce > b.Nonce:
			return 1
		}
		return 0
	})
}

// Next returns the nonce for a new transaction of account, the smallest
// nonce at or above chainNonce that no pending transaction or reservation
// holds, and reserves it: no other call of Next, from this process or
// another, hands it out again until the transaction is submitted (Add),
// Release gives it back, or ReserveFor passes. best is the newest block
// number (for pruning ended eras).
func (n *NonceStore) Next(genesis chainclient.Hash, account [32]byte, chainNonce, best uint64) (uint64, error) {
	key := pendingKey(genesis, account)
	var next uint64
	err := n.locked(key, func() error {
		list, err := n.load(key)
		if err != nil {
			return err
		}
		now := n.now()
		kept := prune(list, chainNonce, best, now)
		next = chainNonce
		for slices.ContainsFunc(kept, func(p PendingTx) bool { return p.Nonce == next }) {
			next++
		}
		ttl := n.ReserveFor
		if ttl <= 0 {
			ttl = DefaultReserveFor
		}
		kept = append(kept, PendingTx{Nonce: next, Reserved: true, Expires: now.Add(ttl).Unix(), Owner: n.owner})
		sortByNonce(kept)
		return n.save(key, genesis, account, kept)
	})
	return next, err
}

// Release gives back a nonce this store reserved (Next) for a transaction
// that will not be submitted. A submitted transaction's entry, or another
// store's reservation, is left alone.
func (n *NonceStore) Release(genesis chainclient.Hash, account [32]byte, nonce uint64) error {
	return n.drop(genesis, account, func(q PendingTx) bool { return q.Nonce == nonce && q.Reserved && q.Owner == n.owner })
}

// drop forgets, under the account's lock, the entries for which gone
// reports true; the file is written only when there was one.
func (n *NonceStore) drop(genesis chainclient.Hash, account [32]byte, gone func(PendingTx) bool) error {
	key := pendingKey(genesis, account)
	return n.locked(key, func() error {
		list, err := n.load(key)
		if err != nil {
			return err
		}
		kept := slices.DeleteFunc(slices.Clone(list), gone)
		if len(kept) == len(list) {
			return nil
		}
		return n.save(key, genesis, account, kept)
	})
}

// Pending lists the account's pending (submitted) transactions as stored;
// reservations are not listed.
func (n *NonceStore) Pending(genesis chainclient.Hash, account [32]byte) ([]PendingTx, error) {
	key := pendingKey(genesis, account)
	var out []PendingTx
	err := n.locked(key, func() error {
		list, err := n.load(key)
		out = slices.DeleteFunc(list, func(p PendingTx) bool { return p.Reserved })
		return err
	})
	return out, err
}

// Add records a transaction about to be submitted; it takes the place of
// the reservation of its nonce.
func (n *NonceStore) Add(genesis chainclient.Hash, account [32]byte, p PendingTx) error {
	key := pendingKey(genesis, account)
	p.Reserved, p.Expires, p.Owner = false, 0, ""
	return n.locked(key, func() error {
		list, err := n.load(key)
		if err != nil {
			return err
		}
		list = slices.DeleteFunc(list, func(q PendingTx) bool { return q.Nonce == p.Nonce })
		list = append(list, p)
		sortByNonce(list)
		return n.save(key, genesis, account, list)
	})
}

// Remove forgets the pending transaction or reservation with nonce (the
// transaction can never be included).
func (n *NonceStore) Remove(genesis chainclient.Hash, account [32]byte, nonce uint64) error {
	key := pendingKey(genesis, account)
	return n.locked(key, func() error {
		list, err := n.load(key)
		if err != nil {
			return err
		}
		kept := slices.DeleteFunc(list, func(q PendingTx) bool { return q.Nonce == nonce })
		return n.save(key, genesis, account, kept)
	})
}

// ReleaseReserved gives back a reservation of nonce whoever made it (an
// interrupted batch run that journalled it and never signed with it); a
// submitted transaction's entry is left alone.
func (n *NonceStore) ReleaseReserved(genesis chainclient.Hash, account [32]byte, nonce uint64) error {
	return n.drop(genesis, account, func(q PendingTx) bool { return q.Nonce == nonce && q.Reserved })
}

// ReleaseOwners gives back the reservations of the stores named by owners
// (the runs of a batch that were interrupted: their processes are gone).
func (n *NonceStore) ReleaseOwners(genesis chainclient.Hash, account [32]byte, owners []string) error {
	if len(owners) == 0 {
		return nil
	}
	return n.drop(genesis, account, func(q PendingTx) bool { return q.Reserved && slices.Contains(owners, q.Owner) })
}
