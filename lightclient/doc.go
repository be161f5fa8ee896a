// Package lightclient is ksm's light client: it keeps a GRANDPA-finalized
// view of a relay chain and answers storage queries with values proven
// against the finalized state root.
//
// # Shape
//
// A Client owns one chainsync.Machine (package lightclient/chainsync,
// sans-IO) and one driver goroutine that feeds it: the machine says which
// requests it wants, the driver performs them through Sources and hands the
// answers back, the machine verifies them and reports events. Nothing a
// Source returns is used before the machine has verified it.
//
// A Source is a transport with peers. Two adapters are here:
//
//   - RPCSource, over a JSON-RPC endpoint (lightclient/rpc), in "trust but
//     verify" mode: finality from the justifications it pushes
//     (grandpa_subscribeJustifications over WebSocket; the headers they need
//     from chain_getHeader, the justifications of set-ending blocks from
//     chain_getBlock) with grandpa_proveFinality polls as the fallback when
//     the subscription is absent, dropped or silent; storage from
//     state_getReadProof. An endpoint without grandpa_proveFinality and
//     state_getReadProof cannot prove anything and is refused
//     (ErrUnprovable).
//   - P2PSource, over the libp2p host (lightclient/p2p): /sync/warp warp
//     proofs, /light/2 remote reads, block announcements for the sync target,
//     GRANDPA commits (forwarded to the machine, which fetches the headers
//     they need over /sync/2 and finalizes from them; the client's neighbor
//     packet tells full nodes which set it follows), /sync/2 block bodies,
//     and transactions notifications for Submit.
//
// # Live chain
//
// BlockBody returns the extrinsics of a kept verified block, checked against
// its extrinsics root. Submit sends a transaction (p2p: transactions
// notification to every full peer; RPC: author_submitExtrinsic) and follows
// it: the body of every newly finalized block is fetched and searched, and
// the Submission reports "broadcast", then "finalized" with block and index.
//
// # State
//
// The client starts from the newer of the network's embedded checkpoint and
// the state saved in its data directory (lightclient/store), and saves the
// finalized header and authority set atomically after every finalized advance,
// so the next start resumes there.
//
// # Queries
//
// ReadStorage and ParachainStorage wait until the client is synced, then
// return values proven against the state root of the latest finalized block
// (parachains: through the relay's Paras::Heads entry), with that block.
// RuntimeVersion reads ":code" by proof and returns the version its Wasm
// declares and the code hash.
package lightclient
