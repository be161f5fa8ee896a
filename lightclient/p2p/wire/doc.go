// Package wire holds the pure message codecs of the Substrate networking
// protocols a light client speaks: the unsigned-varint length-prefixed
// framing, protocol names, the block-announces handshake and announcement,
// transactions and GRANDPA gossip notifications, the /sync/2 and /light/2
// protobuf messages, the /sync/warp request and response, and the libp2p
// Kademlia message.
//
// Every decoder is total: any input yields a value or an error wrapping one
// of the sentinel errors below, never a panic, and no allocation is sized by
// a length prefix the input cannot back. Decoders verify structure only;
// they do not check signatures, hashes or proofs (lightclient/chainsync does).
package wire
