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

func appendBytesField(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func appendVarintField(b []byte, num protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}
