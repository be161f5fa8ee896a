// Package trie verifies Substrate storage proofs and computes trie roots.
//
// Substrate stores state in a 16-ary Patricia-Merkle trie hashed with
// blake2b-256 ("layout V0" and "layout V1"). This package knows the node
// encoding of both layouts and offers two things:
//
//   - Proof verification: NewProof checks a list of proof nodes (as returned by
//     state_getReadProof or carried in a light-client response) against a
//     trusted state root, and the resulting Proof answers Get (value or proven
//     absence), GetMany, Prefix (all keys below a prefix) and ChildGet (a key
//     of a default child trie) — or reports that the proof does not cover the
//     question (ErrIncompleteProof).
//   - Verified key enumeration: KeysAfter (and NextKey) walk the trie a
//     proof shows in key order, under a prefix and after a start key, and
//     name the subtrees the proof lacks; a proof of PathKey(path) brings the
//     node at path, so merging such proofs round after round lists keys that
//     no server is trusted to list (as smoldot's prefix proofs do).
//   - Root computation: Root (state root of a key/value set, V0 or V1, child
//     tries included through StateRoot) and OrderedRoot (extrinsics root).
//
// # Node encoding
//
// The first byte of a node says its kind: 0x00 empty trie, 01xxxxxx leaf,
// 10xxxxxx branch, 11xxxxxx branch with value, 001xxxxx leaf whose value is
// stored as a hash (V1), 0001xxxx branch with hashed value (V1). The low bits
// hold the number of nibbles of the partial key; when they are all ones the
// count continues in the following bytes (each added, until a byte below 255).
// Then come the partial key (nibbles packed two per byte, left-padded with a
// zero nibble when odd), for branches a u16 little-endian child bitmap, the
// value (Compact length + bytes, or a 32-byte hash whose preimage is another
// proof entry) and, for branches, each present child as Compact length +
// bytes: 32 bytes is the blake2b-256 hash of the child, fewer bytes are the
// child node itself (inlined because its encoding is shorter than a hash).
//
// # Strictness
//
// NewProof refuses proofs that carry entries not reachable from the root
// (ErrUnusedNode), as smoldot's proof decoder does (Error::UnusedProofEntry).
// Substrate's own read_proof_check loads the proof into a memory database and
// ignores unreferenced entries; ksm chooses the stricter rule because a light
// client has no use for padding an untrusted peer adds, and refusing it keeps
// responses minimal and bounded. Callers that must accept such proofs pass
// Options{AllowUnused: true}. Duplicate entries are harmless (the same bytes
// hash to the same key) and are merged. Values of keys under
// ":child_storage:" that equal the hash of a proof entry are treated as child
// trie roots, so child-trie nodes count as used.
//
// Every decoder is total: malformed input yields an error wrapping ErrBadNode
// and never a panic; no allocation is sized by an unchecked length.
package trie
