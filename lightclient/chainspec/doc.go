// Package chainspec reads Substrate chain specifications and the light-sync
// checkpoints they carry, and embeds the networks ksm knows.
//
// # Chain specs
//
// Parse accepts relay and parachain specs (relay_chain + para_id), with a
// raw genesis (genesis.raw.top, childrenDefault) or a light genesis
// (genesis.stateRootHash). Spec.GenesisHash computes the genesis block hash:
// for a raw genesis the state root is the trie root under the state version
// the runtime in ":code" declares (its "runtime_version" Wasm section; V0
// when absent, as for Kusama's 2019 genesis), and the genesis header is
// {parent 0, number 0, that root, extrinsics root of the empty trie, no digest}.
//
// # Checkpoints
//
// Spec.Checkpoint decodes lightSyncState: the finalized header, the GRANDPA
// persisted authority set (current set, pending standard changes fork tree,
// pending forced changes, authority_set_changes) and BABE epoch changes
// (fork tree of epoch headers and the epochs map), then checks them
// (Checkpoint.Validate). Every field re-encodes to its input bytes.
// Checkpoint.CheckAge dates the checkpoint from its BABE slot and applies an
// AgePolicy: a warning past the unbonding period, a refusal
// (ErrCheckpointTooOld) past a hard limit unless overridden. The clock is an
// argument.
//
// # Profiles
//
// Profiles embeds (go:embed, gzip) the chain specs of Kusama, Polkadot,
// Westend, Paseo and their Asset Hubs with the newest known checkpoints (see
// profiles/PROVENANCE.md), with token data and which chain hosts which
// mission pallets (Profile.HostOf): on Kusama, Staking, NominationPools,
// ConvictionVoting, Referenda and Claims live on Asset Hub since the 2025
// migration, Registrar on the relay.
//
// The hard age limit of every relay profile is 365 days: the embedded
// checkpoints date from 2026-01-05; a ksm binary older than a year should be
// updated, or the user must pass an explicit override.
package chainspec
