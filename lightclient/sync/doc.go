// Package sync is the light client's sans-IO synchronisation state machine:
// it says which requests it wants, is fed the answers, verifies every one of
// them, and reports verified events. It starts no goroutine, does no I/O and
// reads no clock: the time is an argument of the methods that need it, and
// one driver goroutine (package lightclient) owns a Machine.
//
// # Driving a Machine
//
//	m, _ := sync.New(sync.Config{Header: h, Set: set})
//	m.AddPeer("rpc", sync.PeerCaps{Kinds: sync.CanFinality | sync.CanStorage})
//	for {
//		for _, r := range m.Desired(now) { go perform(r) }      // the driver's I/O
//		// for each answer:
//		err := m.OnResponse(r.ID, payload)                        // or m.OnFailure(r.ID)
//		if sync.VerdictOf(err) == sync.Malicious { ban(r.Peer) }
//		for _, ev := range m.Events() { ... }                     // Finalized, SetChanged, QueryResult, Progress, Synced
//	}
//
// # Requests and payloads
//
// Every request kind has one canonical payload, the bytes a transport adapter
// hands to OnResponse:
//
//   - KindWarp: a /sync/warp response, SCALE Vec<(header, justification)> ‖
//     is_finished, from the finalized block Request.Block.
//   - KindFinality: a SCALE FinalityProof {block, justification,
//     unknown_headers} whose headers run from Request.Number (the block after
//     the finalized one) to the justified block. Substrate's
//     grandpa_proveFinality(n) starts its headers after n: the RPC adapter
//     adds header n in front (it is checked like the rest, by the hash chain).
//     An empty payload means "nothing newer".
//   - KindStorage: a storage proof, SCALE Vec<Vec<u8>> of trie nodes, for
//     Request.Keys at block Request.Block (a relay block, or a parachain block
//     when Request.Para is set).
//
// # States
//
// The machine starts at a trusted finalized header and authority set (an
// embedded checkpoint or the persisted state) and warp-syncs: it asks one peer
// at a time for a warp proof from its finalized block and verifies it fragment
// by fragment with package grandpa, keeping the verified prefix. When a proof
// says it is finished, the machine is synced and follows finality: every
// FollowInterval it asks a peer (round robin) for a newer warp proof or
// finality proof, whose justification must verify with the current set and
// whose headers must chain from the finalized block; the authority set is
// tracked from those headers (grandpa.Tracker).
//
// Storage queries wait until the machine is synced, are asked at the current
// finalized block and verified against its state root (parachain queries:
// Paras::Heads proven against the relay state root, then the parachain's
// proof against the head's state root). Only verified values leave the machine.
//
// # Verdicts
//
// OnResponse returns nil when an answer was verified and used, or an error
// wrapping ErrUseless (well-formed but of no use: nothing newer, a proof that
// adds nothing) or ErrMalicious (malformed bytes, a forged justification, a
// proof for the wrong root, a header chain that does not link). VerdictOf
// classifies such errors. A malicious peer is banned inside the machine and
// should be banned by the transport too; a peer that fails or times out
// MaxFailures times in a row is dropped as stalled. When every peer is gone
// while work remains, Err returns an error wrapping ErrAllPeersMalicious or
// ErrNoPeers.
package sync
