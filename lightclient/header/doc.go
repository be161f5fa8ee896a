// Package header decodes, encodes and hashes Substrate block headers and the
// consensus data carried in their digests.
//
// # Headers
//
// A header is parent_hash ‖ Compact<u32> number ‖ state_root ‖
// extrinsics_root ‖ Vec<DigestItem>. Its hash is blake2b-256 of those SCALE
// bytes. Decode is total: it never panics, never allocates by an unchecked
// length prefix, refuses non-canonical compact integers, unknown digest item
// tags and trailing bytes, so that Encode of a decoded header reproduces the
// input exactly and Hash equals the hash of the input.
//
// # Digests
//
// Digest items are kept as raw (kind, engine, payload) triples; the typed
// views decode their payloads on demand:
//
//   - BABE pre-runtime digests (Primary, SecondaryPlain, SecondaryVRF) with
//     their slot numbers: [DecodeBABEPreDigest], [Header.BABEPreDigest],
//     [Header.BABESlot];
//   - BABE consensus logs (NextEpochData, OnDisabled, NextConfigData):
//     [DecodeBABELog], [Header.BABELogs];
//   - GRANDPA consensus logs (ScheduledChange, ForcedChange, OnDisabled,
//     Pause, Resume): [DecodeGrandpaLog], [Header.GrandpaLogs].
//
// Every typed decoder is total and its Encode method returns the decoded
// bytes. The package knows nothing of GRANDPA verification; that lives in
// lightclient/grandpa, which uses [GrandpaAuthority] as its authority type.
package header
