package chainclient

import (
	"context"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/executor"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// ExecutorCompiler compiles runtimes with lightclient/executor (wazero),
// keeping compiled code under cacheDir ("" for no cache) so that the next
// command starts fast.
func ExecutorCompiler(cacheDir string) Compiler {
	return func(ctx context.Context, code []byte, heapPages uint64) (Program, error) {
		rt, err := executor.Compile(ctx, code, executor.Options{HeapPages: heapPages, CacheDir: cacheDir})
		if err != nil {
			return nil, err
		}
		return execProgram{rt}, nil
	}
}

type execProgram struct{ r *executor.Runtime }

func (p execProgram) Call(ctx context.Context, method string, args []byte, st StateReader) ([]byte, error) {
	return p.r.Call(ctx, method, args, st)
}

func (p execProgram) Close(ctx context.Context) error { return p.r.Close(ctx) }

// CallPrefetcher is what a LightClient may offer to make runtime calls
// fast (*lightclient.Client has it): the proof of the storage a call reads,
// fetched in one request and merged into the proofs the client keeps for
// the block, so that the call's reads make no request.
type CallPrefetcher interface {
	PrefetchCall(ctx context.Context, block header.Hash, method string, args []byte) (int, error)
}

// CallProofTimeout bounds the wait for a call proof before a runtime call
// runs without it.
var CallProofTimeout = 4 * time.Second

// prefetchCall makes the storage a call will read local before it runs:
// first the call proof a peer serves (p2p: /light/2 remote call), then the
// keys the last execution of that method read, in one batch (RPC:
// state_getReadProof; nothing is requested when the proofs held prove them
// all already). Failures are not errors: the call then reads what it
// misses key by key.
func (l *Light) prefetchCall(ctx context.Context, st *blockState, k callKey, args []byte) {
	keys, known := l.calls.get(k, l.opts.ReadSets)
	if known && st.holds(keys) {
		return // read at this block already (the same call again, say)
	}
	if cp, ok := l.c.(CallPrefetcher); ok {
		// A peer that stalls must not hold the call longer than reading
		// key by key would.
		pctx, cancel := context.WithTimeout(ctx, CallProofTimeout)
		_, _ = cp.PrefetchCall(pctx, st.at, k.method, args)
		cancel()
	}
	if len(keys) > 0 {
		_ = st.prefetch(ctx, l.c, keys)
	}
}

// holds reports whether every key was read (as a value or a next-key
// query) at the block already.
func (st *blockState) holds(keys [][]byte) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	var results map[string]bool // keys next-key queries answered
	for _, k := range keys {
		if _, ok := st.values[string(k)]; ok {
			continue
		}
		if _, ok := st.next[string(k)]; ok {
			continue
		}
		if results == nil {
			results = make(map[string]bool, len(st.next))
			for _, v := range st.next {
				results[string(v.v)] = true
			}
		}
		if !results[string(k)] {
			return false
		}
	}
	return true
}

// recorder is a StateReader that records the keys a call reads (values
// and the keys next-key reads went through), without repeats.
type recorder struct {
	r    StateReader
	seen map[string]bool
	keys [][]byte
}

func (r *recorder) note(k []byte) {
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if !r.seen[string(k)] {
		r.seen[string(k)] = true
		r.keys = append(r.keys, append([]byte(nil), k...))
	}
}

func (r *recorder) Get(key []byte) ([]byte, bool, error) {
	r.note(key)
	return r.r.Get(key)
}

func (r *recorder) NextKey(key []byte) ([]byte, bool, error) {
	r.note(key)
	next, found, err := r.r.NextKey(key)
	if err == nil && found {
		r.note(next)
	}
	return next, found, err
}
