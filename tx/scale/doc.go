// Package scale implements the SCALE codec (Simple Concatenated Aggregate
// Little-Endian) used by Substrate chains for every byte that crosses the wire
// or is stored on chain.
//
// # Decoding
//
// A Decoder reads from a byte slice and never panics: every method returns an
// error when the input is short or malformed. Lengths read from the input are
// checked against the bytes that remain before anything is allocated, so a
// hostile length prefix cannot make the decoder allocate more than the input
// could possibly describe. Non-canonical compact integers are refused, as the
// runtime refuses them.
//
// # Encoding
//
// Encoding is append-style: every Append function takes a destination slice and
// returns it extended, so callers build messages without intermediate buffers.
package scale
