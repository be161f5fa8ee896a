// Package testchain generates a deterministic Substrate-like chain for
// tests of the light client: headers with BABE-like pre-digests, GRANDPA
// authority-set changes (scheduled and forced), justifications signed by
// ed25519 voters, warp-sync proofs, block bodies and a small state trie whose
// root is each header's state root.
//
// # What is real and what is not
//
// Everything GRANDPA-related is real: voters are ed25519 keys derived from
// the seed, justifications carry valid signatures over the message Substrate
// signs, precommits may target descendants proven by votes ancestries, and
// warp proofs are encoded as a /sync/warp response. Headers, bodies, trie
// roots and storage keys use the real encodings (state entries are stored
// under the keys of System.Number, Timestamp.Now, Grandpa.CurrentSetId,
// :grandpa_authorities, Babe.EpochIndex), so storage proofs built with
// lightclient/trie against a header's state root verify like real ones.
//
// BABE is imitated, not implemented: pre-digests rotate between Primary,
// SecondaryPlain and SecondaryVRF with increasing (sometimes skipped) slots,
// but VRF outputs and proofs are hashes and the seal is a hash-derived 64-byte
// value, not an sr25519 signature. Consumers that check BABE seals must not
// use this chain.
//
// # Usage
//
//	c, err := testchain.Generate(testchain.Config{Seed: "net-1", Blocks: 2000})
//	proof, err := c.WarpProof(0, 0)              // from genesis set 0 to the head
//	res, err := grandpa.VerifyWarpProof(proof, c.Set(0), grandpa.WarpOptions{})
//
// The chain is a plain value: blocks, authority sets and voter keys are
// exported so a test network can serve them (block announces, /sync/2,
// /sync/warp, light-client state proofs via State and trie.Prove), Justify
// produces extra justifications with chosen signers, set or descendant votes,
// CompactCommit the gossip form, and SignPrecommit single votes (for
// equivocations and other misbehaviour).
package testchain
