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
// # Which signature verifier runs where
//
// Signatures are ed25519 under the ZIP-215 rules (those of ed25519-zebra,
// which Substrate uses). Every verification in ksm — justifications, gossip
// commits, warp-sync fragments (package chainsync's Machine and
// [VerifyWarpProof]), finality proofs, pushed justifications and the verify
// commands — runs [ZIP215Checker]: the signatures split over the available
// cores, each share batch-verified by ed25519consensus.BatchVerifier, a
// failed batch re-checked one by one with ed25519consensus.Verify to name
// the bad signature. A well-kept library decides whether a finality proof
// is valid.
//
// [PippengerChecker] and [CachedPippengerChecker] (with a [KeyCache] of
// decompressed voter keys) are a hand-written bucket multi-scalar
// multiplication, about twice as fast on 667-signature batches. They run
// only when a caller opts in (Verifier.CheckSignatures or
// Verifier.KeyCache); nothing in ksm does. FuzzPippengerMatchesConsensus
// holds them to ed25519consensus signature by signature (torsion components
// in R and A, non-canonical encodings of R, A and s, bit flips).
// [SequentialChecker] and [StdlibChecker] (RFC 8032, stricter) are there for
// comparison.
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
