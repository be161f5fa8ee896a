// Package metadata decodes Substrate runtime metadata, versions 14, 15 and 16,
// into one version-independent model, and answers the questions the rest of
// ksm asks of it: which pallet has which index, what a call's arguments are,
// how a storage entry is keyed, which transaction extensions a transaction
// carries, what a type id means.
//
// # Getting metadata
//
//   - Decode takes the bytes of `state_getMetadata` (starting with the "meta"
//     magic), a SCALE Vec<u8> of them (OpaqueMetadata, the result of
//     Metadata_metadata), or the Option<OpaqueMetadata> returned by
//     Metadata_metadata_at_version (0x01 + compact length + bytes).
//   - Parse additionally accepts the same as hex text (with or without 0x,
//     surrounding white space allowed), as stored in files.
//   - Load reads a file and calls Parse.
//
// # The model
//
// Metadata holds the type registry (Types), the pallets in metadata order,
// Extrinsic (extrinsic versions, the address/call/signature types and the
// transaction extensions), and for v15 and later the runtime APIs, the outer
// enums and the custom values. Fields a version lacks are left zero: v14 has
// no runtime APIs and no docs on pallets; only v16 has deprecation info,
// associated types and view functions. Type ids are indices into
// Types.Types (the decoder refuses registries whose ids are not 0..n-1).
//
// For v14 and v15, Extrinsic.Versions holds the single extrinsic version and
// Extrinsic.ExtensionsByVersion holds one entry, version 0, listing every
// signed extension in order, so callers can treat all versions alike with
// Extrinsic.ExtensionsFor. For v14 the address, call, signature and extra
// types are read from the type parameters of the UncheckedExtrinsic type.
//
// # Lookups
//
// Metadata.Pallet / PalletByIndex find pallets; Metadata.Call, Event and Error
// (and their ...ByIndex forms) find an enum variant with its fields and docs;
// Pallet.StorageEntry and Pallet.Constant find items by name;
// Metadata.RuntimeAPI finds a runtime API. Registry.Type resolves a type id,
// Registry.Variants lists the variants of an enum type and Registry.Name
// gives a readable name.
//
// Decoding values of these types (call arguments, constants, storage values)
// is the job of package value; building storage keys is package storage.
//
// # Re-encoding
//
// Metadata.Encode produces the prefixed metadata bytes again; for every
// input Decode accepts, Encode(Decode(b)) equals the metadata bytes exactly
// (Decode refuses the few non-canonical forms, such as Some("") for an
// optional name, that the model could not reproduce).
//
// SS58 prefix, token decimals and symbol are not part of runtime metadata
// (they come from the chain spec or the network profile); the runtime
// version is available through the System.Version constant.
package metadata
