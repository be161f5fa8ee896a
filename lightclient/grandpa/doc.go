// Package grandpa verifies GRANDPA finality as a light client needs it:
// justifications and gossip commits, authority-set tracking from finalized
// headers, and warp-sync proofs.
//
// Everything here is pure: inputs are bytes and values, outputs are verified
// values or one of the sentinel errors (ErrBadSignature, ErrNotEnoughWeight,
// ...), and the signature checker is a field of [Verifier] so that tests and
// benchmarks can replace it.
//
// # Justifications
//
// A justification (round ‖ commit ‖ votes_ancestries) proves a block final
// for an authority set when distinct members of the set whose weight reaches
// [AuthoritySet.Threshold] (total − ⌊(total−1)/3⌋) signed precommits for the
// target or its descendants, each descendant proven by the ancestry headers
// (checked, unlike smoldot), and no ancestry header is superfluous.
// Duplicate votes are refused. An equivocation (a voter's two precommits for
// different blocks) is accepted as finality-grandpa accepts it: honest
// voters put both votes in their commits, both signatures must verify, both
// targets must be on the route the votes ancestries prove (an equivocator
// may also vote for an ancestor of the target), and the voter's weight
// counts once; a third precommit is refused (ErrEquivocation). A wrong set
// id or round shows as ErrBadSignature, since both are only part of the
// signed message.
//
// Signatures are ed25519 under the ZIP-215 rules (those of ed25519-zebra,
// which Substrate uses). The default checker, [PippengerChecker], splits the
// signatures over the available cores and batch-verifies each share with a
// bucket multi-scalar multiplication; a failed batch is re-checked one by
// one to name the bad signature. [KeyCache] keeps decompressed voter keys
// between verifications. [ZIP215Checker] (ed25519consensus batches),
// [SequentialChecker] and [StdlibChecker] are there for comparison.
//
// # Authority sets and warp sync
//
// [Tracker] follows the GRANDPA consensus logs of finalized headers:
// ScheduledChange and ForcedChange (enacted at number+delay), Pause and
// Resume, and the set ids. [VerifyWarpProof] checks a warp-sync proof
// ([DecodeWarpProof] reads a /sync/warp response), a sequence of fragments
// (header, justification) each of which ends an authority set with a change
// whose authorities form the next set; like smoldot it accepts a forced
// change there, and like Substrate it takes hard-forked sets as options.
package grandpa
