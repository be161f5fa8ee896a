// Package value encodes and decodes SCALE values of any type in runtime
// metadata, to and from "value JSON" (shared/docs/cli.md): the JSON-like Go
// values that ksm prints and reads for call arguments, storage values,
// constants and events.
//
// # Value JSON in Go
//
// Decoding produces only these Go values, so the result can be given to
// encoding/json directly:
//
//   - nil: Option::None, and the unit value `()` or a struct without fields;
//   - bool; string (str, char, 0x-hex bytes, SS58 addresses, unit enum
//     variants, bit sequences as "0b0110", big integers as decimal strings);
//   - json.Number: integers whose magnitude is at most 2^53;
//   - []any: sequences, arrays, tuples, tuple-like structs;
//   - Object: an ordered JSON object (structs, `{"Variant": value}`, calls).
//
// Encoding accepts the same, plus what encoding/json produces (map[string]any,
// float64 for integral numbers) and convenient Go values: *big.Int and the
// integer types, []byte and [N]byte for bytes, *Call.
//
// # Mapping
//
// Integers are JSON numbers up to 2^53, decimal strings beyond (both accepted
// on input); Compact<T> is written as T. Vec<u8> and [u8; N] are 0x-hex
// (arrays of numbers are accepted on input). An AccountId32
// (sp_core::crypto::AccountId32) is an SS58 address of the Codec's prefix on
// output; on input SS58 of any prefix or 0x-hex. A MultiAddress is an enum
// (`{"Id": "<ss58>"}`) but a bare address string is accepted for its Id
// variant. Enums are `{"Variant": value}`, or `"Variant"` when the variant has
// no fields; the value of a variant or struct with one unnamed field is that
// field's value, with several unnamed fields an array, with named fields an
// object. Option<T> is null or the value of T (Option<Option<T>> uses the
// explicit `{"Some": ...}` / `"None"` enum form for the outer Option). Bit
// sequences are strings of 0 and 1 in element order, prefixed "0b".
//
// A value of the runtime's call type (RuntimeCall) is
// `{"pallet": "Balances", "name": "transfer_keep_alive", "args": {...}}`;
// DecodeCall and EncodeCall work on whole calls.
//
// For every type and every input that decodes, encoding the decoded value
// gives the input bytes back.
//
// # Limits
//
// Decoding never panics: recursion depth is bounded (MaxDepth), lengths are
// checked against the remaining input before anything is allocated, and
// arrays of zero-sized elements are bounded.
//
// Token amounts: FormatBalance and ParseAmount convert between planck and
// decimal text such as "1.5 KSM".
package value
