package metadata

import (
	"github.com/ksm-wallet/ksm/tx/hash"
)

// Magic is the "meta" prefix of every encoded RuntimeMetadataPrefixed.
var Magic = [4]byte{'m', 'e', 't', 'a'}

// TypeID is an index into the type registry.
type TypeID = uint32

// Metadata is decoded runtime metadata of any supported version.
type Metadata struct {
	// Version is the metadata version: 14, 15 or 16.
	Version uint8
	// Types is the portable type registry.
	Types Registry
	// Pallets in metadata order.
	Pallets []Pallet
	// Extrinsic describes the extrinsic format.
	Extrinsic Extrinsic
	// RuntimeType is the `ty` field of v14 and v15 (the Runtime type); zero in v16.
	RuntimeType TypeID
	// APIs are the runtime APIs (v15+).
	APIs []RuntimeAPI
	// OuterEnums are the RuntimeCall, RuntimeEvent and RuntimeError types (v15+).
	OuterEnums *OuterEnums
	// Custom values (v15+), sorted by name.
	Custom []CustomValue
}

// Pallet is one pallet of the runtime.
type Pallet struct {
	Name    string
	Index   uint8
	Storage *PalletStorage // nil when the pallet has no storage
	Calls   *PalletEnum    // nil when the pallet has no calls
	Events  *PalletEnum    // nil when the pallet has no events
	Errors  *PalletEnum    // nil when the pallet has no errors
	// Constants in metadata order.
	Constants []Constant
	// AssociatedTypes (v16).
	AssociatedTypes []AssociatedType
	// ViewFunctions (v16).
	ViewFunctions []ViewFunction
	// Docs (v15+).
	Docs []string
	// Deprecation (v16).
	Deprecation Deprecation
}

// PalletEnum points at a pallet's call, event or error enum type.
type PalletEnum struct {
	Type TypeID
	// Deprecated lists deprecated variants by variant index, ascending (v16).
	Deprecated []VariantDeprecation
}

// VariantDeprecation is the deprecation of one enum variant (v16).
type VariantDeprecation struct {
	Index       uint8
	Deprecation Deprecation
}

// DeprecationKind says whether and how an item is deprecated.
type DeprecationKind uint8

// Deprecation kinds, as in frame-metadata v16's ItemDeprecationInfo.
const (
	NotDeprecated DeprecationKind = iota
	DeprecatedWithoutNote
	Deprecated
)

// Deprecation is v16 deprecation info. Note and Since are set only for Kind
// Deprecated; HasSince says whether Since was given.
type Deprecation struct {
	Kind     DeprecationKind
	Note     string
	Since    string
	HasSince bool
}

// PalletStorage is a pallet's storage: its prefix and entries.
type PalletStorage struct {
	Prefix  string
	Entries []StorageEntry
}

// StorageModifier says what a storage read returns for a missing key.
type StorageModifier uint8

// Storage modifiers.
const (
	// Optional entries read as None when absent.
	Optional StorageModifier = 0
	// DefaultModifier entries read as their Default bytes when absent.
	DefaultModifier StorageModifier = 1
)

// String returns "Optional" or "Default".
func (m StorageModifier) String() string {
	if m == Optional {
		return "Optional"
	}
	return "Default"
}

// StorageEntry is one storage item.
type StorageEntry struct {
	Name     string
	Modifier StorageModifier
	// IsMap is false for a plain value, true for a map or N-map.
	IsMap bool
	// Hashers of a map, one per key part (several for an N-map).
	Hashers []hash.Hasher
	// Key is the key type of a map: for one hasher the key itself, for
	// several a tuple whose fields are the key parts.
	Key TypeID
	// Value is the value type.
	Value TypeID
	// Default is the SCALE value of a missing key (modifier Default), or 0x00.
	Default     []byte
	Docs        []string
	Deprecation Deprecation
}

// Constant is a pallet constant with its SCALE-encoded value.
type Constant struct {
	Name        string
	Type        TypeID
	Value       []byte
	Docs        []string
	Deprecation Deprecation
}

// AssociatedType is a pallet's associated type (v16).
type AssociatedType struct {
	Name string
	Type TypeID
	Docs []string
}

// Param is a named function parameter (runtime API and view function inputs).
type Param struct {
	Name string
	Type TypeID
}

// ViewFunction is a pallet view function (v16).
type ViewFunction struct {
	ID          [32]byte
	Name        string
	Inputs      []Param
	Output      TypeID
	Docs        []string
	Deprecation Deprecation
}

// Extrinsic describes the extrinsic format.
type Extrinsic struct {
	// Versions are the supported extrinsic format versions (v14/v15: one).
	Versions []uint8
	// Type is the UncheckedExtrinsic type (v14 only).
	Type TypeID
	// AddressType, CallType, SignatureType: in v15+ from metadata, in v14 from
	// the UncheckedExtrinsic type parameters (zero with HasTypes false when
	// those are missing).
	AddressType   TypeID
	CallType      TypeID
	SignatureType TypeID
	// ExtraType is the tuple of signed extensions (v14 from type params, v15).
	ExtraType TypeID
	// HasTypes reports whether the four types above are known.
	HasTypes bool
	// Extensions are all transaction (signed) extensions in metadata order.
	Extensions []Extension
	// ExtensionsByVersion maps a transaction extension version to indices
	// into Extensions (v16; synthesized as version 0 = all for v14/v15).
	ExtensionsByVersion []ExtensionVersion
}

// Extension is a transaction extension (v14/v15: signed extension).
type Extension struct {
	Identifier string
	// Type is the type of the value included in the extrinsic.
	Type TypeID
	// Implicit is the type of the value only signed (additional_signed).
	Implicit TypeID
}

// ExtensionVersion lists the extensions used by one extension version.
type ExtensionVersion struct {
	Version uint8
	Indices []uint32
}

// RuntimeAPI is a runtime API trait (v15+).
type RuntimeAPI struct {
	Name    string
	Methods []RuntimeAPIMethod
	Docs    []string
	// Version of the API (v16).
	Version     uint32
	Deprecation Deprecation
}

// RuntimeAPIMethod is one method of a runtime API.
type RuntimeAPIMethod struct {
	Name        string
	Inputs      []Param
	Output      TypeID
	Docs        []string
	Deprecation Deprecation
}

// OuterEnums are the runtime's aggregate enums (v15+).
type OuterEnums struct {
	Call  TypeID
	Event TypeID
	Error TypeID
}

// CustomValue is a custom metadata value (v15+).
type CustomValue struct {
	Name  string
	Type  TypeID
	Value []byte
}
