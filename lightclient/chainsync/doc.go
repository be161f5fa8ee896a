// Package chainsync is the light client's sans-IO synchronisation state
// machine: it says which requests it wants, is fed the answers, verifies
// every one of them, and reports verified events. It starts no goroutine,
// does no I/O and reads no clock: the time is an argument of the methods
// that need it, and one driver goroutine (package lightclient) owns a
// Machine.
//
// # Driving a Machine
//
//	m, _ := chainsync.New(chainsync.Config{Header: h, Set: set})
//	m.AddPeer("rpc", chainsync.PeerCaps{Kinds: chainsync.CanFinality | chainsync.CanStorage})
//	for {
//		for _, r := range m.Desired(now) { go perform(r) }      // the driver's I/O
//		// for each answer:
//		err := m.OnResponse(r.ID, payload)                        // or m.OnFailure(r.ID)
//		if chainsync.VerdictOf(err) == chainsync.Malicious { ban(r.Peer) }
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
//   - KindHeaders: SCALE Vec<Header>, Request.Count headers (or fewer)
//     descending from Request.Block, that block first (a /sync/2 HEADER
//     request); see EncodeHeaders.
//   - KindBody: the SCALE block body of Request.Block, Vec<OpaqueExtrinsic>
//     (a compact count, then each extrinsic with its compact length prefix);
//     see EncodeBody.
//   - KindJustification: the SCALE GRANDPA justification stored with block
//     Request.Block (an RPC node's chain_getBlock justifications, engine
//     "FRNK"); an empty payload means the peer keeps none.
//
// # Commits and bodies
//
// A synced machine also follows finality from GRANDPA commits (OnCommit): a
// commit of the current set for a newer block has its signatures and weight
// checked at once; the headers from its highest precommit target down to the
// finalized block are then asked (KindHeaders, the commit's sender first),
// must form a hash chain to the finalized block, and the precommits on that
// chain must reach the threshold with the votes ancestries those headers
// give; the authority set is tracked along them and the target finalized.
// A commit of another set is ignored (the warp and finality requests catch
// up), and so is a pending one when the set changes before its headers
// arrive: its signatures were checked for its own set, and its precommits
// are never weighed against another. FetchBody asks peers for a block body and checks it against the
// header's extrinsics root (VerifyBody).
//
// # Pushed justifications
//
// An RPC node pushes the justification of each block it finalizes
// (grandpa_subscribeJustifications); OnJustification takes them. One that
// verifies with the current set has its headers asked (KindHeaders, down to
// the finalized block), which must hash-link; the set is tracked along them
// and the block finalized. One whose signatures verify only for a later set
// id (the pushes skipped a set change) is followed through the headers: the
// justification stored with each set-ending block among them is asked
// (KindJustification) and verified with the set of the moment, then the
// pushed one with the set it reached. A forged one bans its sender. While a
// peer that pushes (PushesJustifications) is usable and pushed within
// Config.PushSilence, the synced machine does not poll for finality; when
// the pushes stop (the subscription dropped, the node went quiet) the polls
// resume.
//
// # States
//
// The machine starts at a trusted finalized header and authority set (an
// embedded checkpoint or the persisted state) and warp-syncs: it asks one peer
// at a time for a warp proof from its finalized block and verifies it fragment
// by fragment with package grandpa as it decodes it (grandpa.WarpReader),
// keeping the verified prefix and no fragment. When a proof
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
// The machine keeps a window of verified headers (RememberHeader,
// KnownHeader; at most KeptHeaders and KeptHeaderBytes, the lowest-numbered
// forgotten first): its start header, warp-fragment headers, the headers of
// finality proofs and those linked to GRANDPA commits. QueryAt reads at any of them: the proof is
// verified against that header's state root and its nodes come back in
// QueryResult.Proof, so that a caller can merge the proofs of one block (the
// client's verified key enumeration). A block outside the window fails the
// query with ErrUnknownBlock.
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
package chainsync
