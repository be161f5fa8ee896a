package grandpa

import (
	"crypto/ed25519"
	"runtime"
	"sync"

	"github.com/hdevalence/ed25519consensus"
)

// SigItem is one ed25519 signature to check.
type SigItem struct {
	Key [32]byte
	Msg []byte
	Sig [64]byte
}

// SignatureChecker checks a list of signatures and returns the index of the
// first invalid one, or -1 when all are valid.
type SignatureChecker func(items []SigItem) int

// minBatchPerCore is the smallest share of a batch worth a goroutine.
const minBatchPerCore = 16

// ZIP215Checker returns a SignatureChecker using ZIP-215 ed25519 rules (the
// rules of ed25519-zebra, which Substrate uses) that splits the items over
// up to parallelism goroutines (GOMAXPROCS when parallelism ≤ 0) and batch
// verifies each share with ed25519consensus.BatchVerifier (Straus
// multi-scalar multiplication; PippengerChecker is faster for large sets). When a batch fails, its items are checked one by one
// to find the first invalid signature.
func ZIP215Checker(parallelism int) SignatureChecker {
	return splitChecker(parallelism, checkShare)
}

// splitChecker returns a SignatureChecker that splits the items into up to
// parallelism shares (GOMAXPROCS when parallelism ≤ 0, fewer when a share
// would be smaller than minBatchPerCore), checks each share with check in a
// goroutine of its own and returns the first invalid index over all shares.
// check gets a share and the index of its first item in items.
func splitChecker(parallelism int, check func(share []SigItem, offset int) int) SignatureChecker {
	return func(items []SigItem) int {
		p := parallelism
		if p <= 0 {
			p = runtime.GOMAXPROCS(0)
		}
		p = max(1, min(p, len(items)/minBatchPerCore))
		if p == 1 {
			return check(items, 0)
		}
		bad := make([]int, p)
		var wg sync.WaitGroup
		for i := 0; i < p; i++ {
			lo, hi := i*len(items)/p, (i+1)*len(items)/p
			wg.Add(1)
			go func() {
				defer wg.Done()
				bad[i] = check(items[lo:hi], lo)
			}()
		}
		wg.Wait()
		for _, b := range bad {
			if b >= 0 {
				return b
			}
		}
		return -1
	}
}

// checkShare batch-verifies items and returns offset + the index of the first
// invalid one, or -1.
func checkShare(items []SigItem, offset int) int {
	switch len(items) {
	case 0:
		return -1
	case 1:
		it := &items[0]
		if !ed25519consensus.Verify(it.Key[:], it.Msg, it.Sig[:]) {
			return offset
		}
		return -1
	}
	bv := ed25519consensus.NewPreallocatedBatchVerifier(len(items))
	for i := range items {
		bv.Add(items[i].Key[:], items[i].Msg, items[i].Sig[:])
	}
	if bv.Verify() {
		return -1
	}
	for i := range items {
		if !ed25519consensus.Verify(items[i].Key[:], items[i].Msg, items[i].Sig[:]) {
			return offset + i
		}
	}
	// The batch failed but every single check passed; ZIP-215 makes the two
	// agree, so this cannot happen. Refuse rather than accept.
	return offset
}

// SequentialChecker checks signatures one by one with ZIP-215 rules.
func SequentialChecker(items []SigItem) int {
	for i := range items {
		if !ed25519consensus.Verify(items[i].Key[:], items[i].Msg, items[i].Sig[:]) {
			return i
		}
	}
	return -1
}

// StdlibChecker checks signatures one by one with crypto/ed25519 (RFC 8032
// rules, stricter than ZIP-215). It exists for comparison.
func StdlibChecker(items []SigItem) int {
	for i := range items {
		if !ed25519.Verify(items[i].Key[:], items[i].Msg, items[i].Sig[:]) {
			return i
		}
	}
	return -1
}
