// Package extrinsic builds, signs and decodes Substrate extrinsics (the
// transactions of Kusama and Polkadot) as the runtime's metadata describes
// them.
//
// # Format
//
// New resolves a runtime's extrinsic format from its metadata: the outer call
// type, the address and signature types, and the transaction extensions in
// metadata order. Extensions are recognised by name: CheckSpecVersion,
// CheckTxVersion, CheckGenesis, CheckMortality (or CheckEra), CheckNonce,
// ChargeTransactionPayment, ChargeAssetTxPayment and CheckMetadataHash carry
// data; CheckNonZeroSender, CheckWeight, PrevalidateAttests, AuthorizeCall,
// WeightReclaim, StorageWeightReclaim and any other extension are accepted
// when their types are zero-sized, which is computed from the type registry.
// Wrapper extensions whose type contains another extension's (such as
// SkipCheckIfFeeless around ChargeAssetTxPayment) are looked through. An
// unknown extension that carries data makes building fail with
// ErrUnknownExtension naming it; decoding skips its data by its type.
//
// # Signing
//
// The signing payload is call ‖ extra ‖ additional (SigningPayload): extra is
// what each extension puts in the extrinsic (era, compact nonce, compact tip,
// CheckMetadataHash's mode byte), additional what is only signed (spec and
// transaction versions, genesis hash, the era's birth block hash, the
// Option<[u8; 32]> RFC-0078 metadata digest). A payload longer than 256 bytes
// is signed as its blake2b-256 hash (SigningBytes). Format.Sign has a Signer
// sign and assembles a v4 signed extrinsic: MultiAddress::Id of the signer,
// the MultiSignature (0 Ed25519, 1 Sr25519, 2 Ecdsa), extra, call.
//
// The Signer interface is declared here; ksm's wallet keys satisfy it
// without importing this package.
//
// # Eras
//
// MortalEra gives the era Substrate builds: the period rounded up to a power
// of two and clamped to 4..65536, the phase the block number modulo the
// period, quantized for long periods. Immortal transactions sign the genesis
// hash.
//
// # Decoding
//
// Format.Decode reads an extrinsic as found in a block body (length prefix,
// v4 signed or unsigned, v5 bare or general when the metadata declares
// version 5) and Format.DecodePayload a signing payload, as a hardware or
// air-gapped signer receives it. Both are total: any bytes give a value or an
// error, and Encode(Decode(b)) == b.
package extrinsic
