package wire

import "errors"

var (
	// ErrMalformed means the bytes are not a valid encoding of the message.
	ErrMalformed = errors.New("wire: malformed message")
	// ErrTooLarge means a frame or message exceeds the protocol's size limit.
	ErrTooLarge = errors.New("wire: message too large")
	// ErrTooMany means a repeated field or vector exceeds its item limit.
	ErrTooMany = errors.New("wire: too many items")
	// ErrVarint means an unsigned-varint was overlong, non-minimal or truncated.
	ErrVarint = errors.New("wire: invalid unsigned varint")
)
