// Package p2p is ksm's light-client network layer: a go-libp2p host (TCP and
// WebSocket transports, Noise, Yamux, identify, ping) speaking Substrate's
// protocols for one chain — block announces, transactions and GRANDPA
// notification substreams, /sync/2 block requests, /sync/warp warp proofs,
// /light/2 remote reads and calls, and Kademlia FIND_NODE discovery.
//
// All network I/O of the light client lives here and nothing else: the host
// returns what peers send, checked only for well-formedness (lightclient/p2p/wire
// codecs); the sync state machine verifies headers, justifications and proofs.
// A peer that sends something malformed, oversized or floods notifications is
// banned; slow or failing peers lose reputation and are banned below a floor.
//
// The host is driven from one place (the light-client driver): it dials
// bootnodes, reports peers through Events, delivers notifications on bounded
// channels (Announces, Gossip, Transactions) and performs requests with
// deadlines (RequestBlocks, RequestWarp, RemoteRead, RemoteCall, FindNode).
// Serve registers request handlers, which lightclient/p2p/p2ptest uses to
// build an in-memory full node for tests.
package p2p
