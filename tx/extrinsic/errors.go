package extrinsic

import "errors"

// Sentinel errors, possibly wrapped with context.
var (
	// ErrInvalidEra means an era's period or phase is out of range.
	ErrInvalidEra = errors.New("extrinsic: invalid era")
	// ErrUnknownExtension means the metadata lists a transaction extension
	// that carries data ksm does not know how to fill or read.
	ErrUnknownExtension = errors.New("extrinsic: unknown transaction extension with data")
	// ErrUnsupportedVersion means an extrinsic version or format the metadata does not declare.
	ErrUnsupportedVersion = errors.New("extrinsic: unsupported extrinsic version")
	// ErrUnsupportedAddress means an address variant or type ksm cannot use.
	ErrUnsupportedAddress = errors.New("extrinsic: unsupported address")
	// ErrUnsupportedSignature means a signature variant or scheme ksm cannot use.
	ErrUnsupportedSignature = errors.New("extrinsic: unsupported signature")
	// ErrBadLength means an extrinsic's length prefix disagrees with its content.
	ErrBadLength = errors.New("extrinsic: length prefix does not match content")
	// ErrMissingParam means a parameter an extension needs was not supplied.
	ErrMissingParam = errors.New("extrinsic: missing parameter")
	// ErrMetadata means the metadata lacks something an extrinsic needs.
	ErrMetadata = errors.New("extrinsic: metadata does not describe extrinsics as expected")
)
