package scale

import "errors"

// Sentinel errors returned (possibly wrapped) by the Decoder.
var (
	// ErrUnexpectedEOF means the input ended before the value did.
	ErrUnexpectedEOF = errors.New("scale: unexpected end of input")
	// ErrNonCanonical means a compact integer was not in its shortest form.
	ErrNonCanonical = errors.New("scale: non-canonical compact encoding")
	// ErrOverflow means a value does not fit the requested Go type.
	ErrOverflow = errors.New("scale: value overflows target type")
	// ErrTrailingBytes means input remained after a complete value.
	ErrTrailingBytes = errors.New("scale: trailing bytes after value")
	// ErrInvalidBool means a bool byte was neither 0 nor 1.
	ErrInvalidBool = errors.New("scale: invalid bool byte")
	// ErrInvalidOption means an option tag was neither 0 nor 1.
	ErrInvalidOption = errors.New("scale: invalid option tag")
	// ErrLengthTooLarge means a length prefix claims more items than the input can hold.
	ErrLengthTooLarge = errors.New("scale: length prefix larger than remaining input")
	// ErrInvalidUTF8 means a str value was not valid UTF-8.
	ErrInvalidUTF8 = errors.New("scale: string is not valid UTF-8")
)
