package wire

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// field is one decoded protobuf field.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   uint64 // varint value
	b   []byte // bytes value (aliases the input)
}

// eachField walks the protobuf message b, calling f for every field (for
// fixed-width and group fields only num and typ are set, so a decoder's type
// check refuses them where it expects another type); malformed input gives
// ErrMalformed.
func eachField(b []byte, f func(field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%w: protobuf tag: %w", ErrMalformed, protowire.ParseError(n))
		}
		b = b[n:]
		fl := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return fmt.Errorf("%w: protobuf field %d: %w", ErrMalformed, num, protowire.ParseError(n))
			}
			fl.v, b = v, b[n:]
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return fmt.Errorf("%w: protobuf field %d: %w", ErrMalformed, num, protowire.ParseError(n))
			}
			fl.b, b = v, b[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return fmt.Errorf("%w: protobuf field %d: %w", ErrMalformed, num, protowire.ParseError(n))
			}
			b = b[n:]
		}
		if err := f(fl); err != nil {
			return err
		}
	}
	return nil
}

// wantType checks a known field's wire type.
func (f field) want(t protowire.Type) error {
	if f.typ != t {
		return fmt.Errorf("%w: protobuf field %d has wire type %d, want %d", ErrMalformed, f.num, f.typ, t)
	}
	return nil
}

// bytes returns the value of a length-delimited field (ErrMalformed for a
// field of another wire type).
func (f field) bytes() ([]byte, error) { return f.b, f.want(protowire.BytesType) }

// varint returns the value of a varint field (ErrMalformed for a field of
// another wire type).
func (f field) varint() (uint64, error) { return f.v, f.want(protowire.VarintType) }

// appendDecoded appends to list what decode makes of the length-delimited
// field f: a repeated field of at most max elements (more is ErrTooMany).
// Errors name the element (one) or elements (many), as in "block 3: ..."
// and "more than 128 blocks".
func appendDecoded[T any](list []T, f field, max int, one, many string, decode func([]byte) (T, error)) ([]T, error) {
	b, err := f.bytes()
	if err != nil {
		return list, err
	}
	if len(list) >= max {
		return list, fmt.Errorf("%w: more than %d %s", ErrTooMany, max, many)
	}
	v, err := decode(b)
	if err != nil {
		return list, fmt.Errorf("%s %d: %w", one, len(list), err)
	}
	return append(list, v), nil
}

// asBytes is the decoder of a repeated bytes field for appendDecoded.
func asBytes(b []byte) ([]byte, error) { return b, nil }

func appendBytesField(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func appendVarintField(b []byte, num protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}
