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
//
// # Memory a peer can pin
//
// Frames are read into buffers that grow as bytes arrive (wire.ReadFrame),
// never allocated at the length a peer declares. An inbound notification
// substream must deliver a message every Config.NotificationIdleTimeout or is
// closed. A light host relays no transactions: their gossip is skipped unread.
//
// # Why a hand-written Kademlia client
//
// A light client needs a few FIND_NODE queries to find peers; this package
// does them (kad.go, wire/kad.go: about 300 lines) over its own request path,
// so replies are size-bounded, malformed ones ban the peer and addresses pass
// Config.AllowAddr. go-libp2p-kad-dht v0.42.2 in client mode was measured
// against it: `CGO_ENABLED=0 go build ./cmd/ksm` grew from 47.6 MB to 51.9 MB
// (+4.3 MB, +9%; stripped 34.1 → 37.1 MB), the build from 463 to 542
// packages and the module graph by 114 modules (boxo, go-ipld-prime,
// OpenTelemetry, gonum among them), for a routing table, refresh goroutines
// and provider records a light client does not use. Kept hand-written.
package p2p
