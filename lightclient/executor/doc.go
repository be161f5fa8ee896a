// Package executor runs a Substrate runtime (the Wasm code stored at ":code")
// over a caller-supplied, typically proven, storage view, the way smoldot's
// executor does. It lets the light client compute runtime answers itself —
// fees (TransactionPaymentApi), metadata, nonces, transaction validity
// (TaggedTransactionQueue), dry runs (DryRunApi) — instead of trusting a node.
//
// # Use
//
//	rt, err := executor.Compile(ctx, code, executor.Options{HeapPages: pages})
//	defer rt.Close(ctx)
//	out, err := rt.Call(ctx, "TransactionPaymentApi_query_info", args, storage)
//
// Compile unpacks the code (sp-maybe-compressed-blob zstd, at most
// MaxCodeSize out) and compiles it with wazero (native code on amd64 and
// arm64, an interpreter elsewhere); Options.CacheDir keeps compiled code on
// disk, turning a cold compile of seconds into a fraction of one. A Runtime
// is safe for concurrent calls: every Call instantiates the module afresh
// with its own memory, allocator and storage overlay.
//
// # Memory and heap
//
// Like sc-executor's static heap strategy, the runtime's imported
// "env"."memory" is replaced by a memory of its declared minimum plus
// HeapPages pages (the chain's ":heappages", see HeapPages; 2048 by default)
// that cannot grow. The host's freeing-bump allocator (sc-allocator's: size
// classes of 8 bytes to 32 MiB, 8-byte headers, free lists per class) starts
// at the runtime's __heap_base. On Unix the memory is an anonymous mapping,
// so untouched pages cost nothing.
//
// # Storage
//
// Storage gives the top trie of one block (Get, NextKey); a Storage that also
// implements ChildStorage serves default child tries. Writes the runtime makes
// go to an overlay with nested transactions (ext_storage_start/commit/
// rollback_transaction) that is discarded when the call ends; reads see the
// overlay first. A Storage error ends the call with ErrStorage wrapping it,
// so callers can test for their own errors or context cancellation. The call
// honours its context (also while Wasm code runs) and a time limit of its own,
// Options.CallTimeout (DefaultCallTimeout unless set): a runtime that loops
// fails with ErrTimeout instead of holding the caller.
//
// # Host functions
//
// The host functions are the ones current Polkadot-SDK runtimes import:
// allocator, storage, default child storage, hashing, signature verification
// (ed25519 with ZIP-215 rules, sr25519 in the "substrate" context, ECDSA and
// secp256k1 recovery), trie roots, logging (Options.Log), panics, and no-op
// offchain indexing. Functions a read-only call has no business using (key
// stores, offchain workers, state roots) and any import this package does not
// know fail the call with ErrHostFunction naming the function; HostFunctions
// lists the implemented ones.
//
// # Errors
//
// ErrInvalidCode: the code is no usable runtime. ErrUnknownMethod: no such
// runtime API function. ErrTrap: the runtime failed (Wasm trap, panic with
// its message, bad pointer passed to the host, exhausted heap). ErrHostFunction
// and ErrStorage as above; ErrTimeout: the call ran past its time limit.
// Every pointer and length the runtime passes is bounds-checked: bad ones
// fail the call, never the host.
package executor
