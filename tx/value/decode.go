package value

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Decode decodes a value of type id from all of b.
func (c *Codec) Decode(id metadata.TypeID, b []byte) (any, error) {
	d := scale.NewDecoder(b)
	v, err := c.DecodeFrom(d, id)
	if err != nil {
		return nil, err
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("decode %s: %w", c.reg.Name(id), err)
	}
	return v, nil
}

// DecodeFrom decodes one value of type id from d.
func (c *Codec) DecodeFrom(d *scale.Decoder, id metadata.TypeID) (any, error) {
	v, err := c.dec(d, id, 0)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", c.reg.Name(id), err)
	}
	return v, nil
}

// typeAt is the type id names, met at nesting depth depth: ErrDepth past
// MaxDepth.
func (c *Codec) typeAt(id metadata.TypeID, depth int) (*metadata.Type, error) {
	if depth > MaxDepth {
		return nil, ErrDepth
	}
	return c.reg.Type(id)
}

func (c *Codec) dec(d *scale.Decoder, id metadata.TypeID, depth int) (any, error) {
	t, err := c.typeAt(id, depth)
	if err != nil {
		return nil, err
	}
	if c.hasCall && id == c.callType {
		call, err := c.decCall(d, id, depth)
		if err != nil {
			return nil, err
		}
		return call.Object(), nil
	}
	def := &t.Def
	switch def.Kind {
	case metadata.KindPrimitive:
		return decPrim(d, def.Primitive)
	case metadata.KindCompact:
		chain, p, err := c.compactPrim(def.Elem)
		if err != nil {
			return nil, err
		}
		if p == 0 && len(chain) > 0 {
			return nil, nil // Compact<()>
		}
		v, err := d.Compact()
		if err != nil {
			return nil, err
		}
		if v.BitLen() > 8*p.Size() {
			return nil, fmt.Errorf("%w: compact %s exceeds %s", ErrRange, v, p)
		}
		return Number(v), nil
	case metadata.KindSequence:
		if c.isU8(def.Elem) {
			b, err := d.Bytes()
			if err != nil {
				return nil, err
			}
			return hexString(b), nil
		}
		ms := c.minSizeOf(def.Elem)
		n, err := d.Len(ms)
		if err != nil {
			return nil, err
		}
		if ms == 0 && n > maxZeroSized {
			return nil, fmt.Errorf("%w: %d zero-sized items", scale.ErrLengthTooLarge, n)
		}
		return c.decItems(d, def.Elem, n, depth)
	case metadata.KindArray:
		if c.isU8(def.Elem) {
			b, err := d.Take(int(min(def.Len, uint32(d.Remaining()+1))))
			if err != nil {
				return nil, err
			}
			return hexString(b), nil
		}
		ms := c.minSizeOf(def.Elem)
		if ms == 0 && def.Len > maxZeroSized || ms > 0 && uint64(def.Len)*uint64(ms) > uint64(d.Remaining()) {
			return nil, fmt.Errorf("%w: array of %d %s, %d bytes remain", scale.ErrUnexpectedEOF, def.Len, c.reg.Name(def.Elem), d.Remaining())
		}
		return c.decItems(d, def.Elem, int(def.Len), depth)
	case metadata.KindTuple:
		if len(def.Tuple) == 0 {
			return nil, nil
		}
		out := make([]any, len(def.Tuple))
		for i, e := range def.Tuple {
			v, err := c.dec(d, e, depth+1)
			if err != nil {
				return nil, atPath(fmt.Sprintf("[%d]", i), err)
			}
			out[i] = v
		}
		return out, nil
	case metadata.KindBitSequence:
		size, order, err := c.bitLayout(t)
		if err != nil {
			return nil, err
		}
		bits, err := d.BitSequence(size, order)
		if err != nil {
			return nil, err
		}
		var sb strings.Builder
		sb.Grow(2 + len(bits))
		sb.WriteString("0b")
		for _, b := range bits {
			if b {
				sb.WriteByte('1')
			} else {
				sb.WriteByte('0')
			}
		}
		return sb.String(), nil
	case metadata.KindComposite:
		if c.isAccountID32(t) {
			var id [32]byte
			if err := d.Fixed(id[:]); err != nil {
				return nil, err
			}
			return c.FormatAccount(id), nil
		}
		if c.isVote(t) {
			b, err := d.U8()
			if err != nil {
				return nil, err
			}
			return decVote(b), nil
		}
		return c.decFields(d, def.Fields, depth)
	case metadata.KindVariant:
		return c.decVariant(d, t, depth)
	}
	return nil, fmt.Errorf("%w: type kind %s", ErrType, def.Kind)
}

func (c *Codec) decItems(d *scale.Decoder, elem metadata.TypeID, n, depth int) (any, error) {
	out := make([]any, 0, min(n, 1024))
	for i := 0; i < n; i++ {
		v, err := c.dec(d, elem, depth+1)
		if err != nil {
			return nil, atPath(fmt.Sprintf("[%d]", i), err)
		}
		out = append(out, v)
	}
	return out, nil
}

// decFields decodes the fields of a struct or variant: nil for none, the
// value itself for one unnamed field, an array for several unnamed fields,
// an Object for named fields.
func (c *Codec) decFields(d *scale.Decoder, fs []metadata.Field, depth int) (any, error) {
	switch {
	case len(fs) == 0:
		return nil, nil
	case fs[0].Name == "":
		if len(fs) == 1 {
			return c.dec(d, fs[0].Type, depth+1)
		}
		out := make([]any, len(fs))
		for i, f := range fs {
			v, err := c.dec(d, f.Type, depth+1)
			if err != nil {
				return nil, atPath(fmt.Sprintf("[%d]", i), err)
			}
			out[i] = v
		}
		return out, nil
	}
	out := make(Object, len(fs))
	for i, f := range fs {
		v, err := c.dec(d, f.Type, depth+1)
		if err != nil {
			return nil, atPath(f.Name, err)
		}
		out[i] = Field{Name: f.Name, Value: c.displayBalance(f, v)}
	}
	return out, nil
}

// displayBalance applies FormatBalance to an integer field whose Rust type
// names a balance.
func (c *Codec) displayBalance(f metadata.Field, v any) any {
	if c.FormatBalance == nil || !strings.Contains(f.TypeName, "Balance") || !c.isInteger(f.Type) {
		return v
	}
	n, err := BigInt(v)
	if err != nil {
		return v
	}
	return c.FormatBalance(n)
}

// isInteger reports an unsigned or signed integer type, or a compact one.
func (c *Codec) isInteger(id metadata.TypeID) bool {
	t, err := c.reg.Type(id)
	if err != nil {
		return false
	}
	switch t.Def.Kind {
	case metadata.KindCompact:
		return c.isInteger(t.Def.Elem)
	case metadata.KindPrimitive:
		return t.Def.Primitive >= metadata.U8 && t.Def.Primitive <= metadata.I256
	}
	return false
}

// variantNamed is the variant of t named name (the last one, should
// metadata name two alike), or nil.
func variantNamed(t *metadata.Type, name string) *metadata.Variant {
	for i := len(t.Def.Variants) - 1; i >= 0; i-- {
		if t.Def.Variants[i].Name == name {
			return &t.Def.Variants[i]
		}
	}
	return nil
}

func findVariant(t *metadata.Type, idx uint8) *metadata.Variant {
	for i := range t.Def.Variants {
		if t.Def.Variants[i].Index == idx {
			return &t.Def.Variants[i]
		}
	}
	return nil
}

func (c *Codec) decVariant(d *scale.Decoder, t *metadata.Type, depth int) (any, error) {
	start := d.Offset()
	idx, err := d.U8()
	if err != nil {
		return nil, err
	}
	v := findVariant(t, idx)
	if v == nil {
		return nil, fmt.Errorf("%w: variant index %d of %s at offset %d", ErrType, idx, c.reg.Name(t.ID), start)
	}
	if isOption(t) {
		inner, err := c.reg.Type(t.Def.Variants[1].Fields[0].Type)
		if err != nil {
			return nil, err
		}
		if !c.nullable(inner.ID, 0) {
			if idx == 0 {
				return nil, nil
			}
			return c.dec(d, inner.ID, depth+1)
		}
	}
	if len(v.Fields) == 0 {
		return v.Name, nil
	}
	val, err := c.decFields(d, v.Fields, depth)
	if err != nil {
		return nil, atPath(v.Name, err)
	}
	if isIdentityData(t) && strings.HasPrefix(v.Name, "Raw") {
		return Object{{Name: "Raw", Value: val}}, nil
	}
	return Object{{Name: v.Name, Value: val}}, nil
}

func decPrim(d *scale.Decoder, p metadata.Primitive) (any, error) {
	switch p {
	case metadata.Bool:
		return d.Bool()
	case metadata.Char:
		u, err := d.U32()
		if err != nil {
			return nil, err
		}
		if u > utf8.MaxRune || u >= 0xd800 && u <= 0xdfff {
			return nil, fmt.Errorf("%w: invalid char U+%X", ErrType, u)
		}
		return string(rune(u)), nil
	case metadata.Str:
		return d.String()
	case metadata.U8:
		v, err := d.U8()
		return json.Number(strconv.FormatUint(uint64(v), 10)), err
	case metadata.U16:
		v, err := d.U16()
		return json.Number(strconv.FormatUint(uint64(v), 10)), err
	case metadata.U32:
		v, err := d.U32()
		return json.Number(strconv.FormatUint(uint64(v), 10)), err
	case metadata.U64:
		v, err := d.U64()
		if err != nil {
			return nil, err
		}
		return numberU64(v), nil
	case metadata.U128, metadata.U256:
		v, err := d.Uint(p.Size())
		if err != nil {
			return nil, err
		}
		return Number(v), nil
	case metadata.I8, metadata.I16, metadata.I32, metadata.I64, metadata.I128, metadata.I256:
		v, err := d.Int(p.Size())
		if err != nil {
			return nil, err
		}
		return Number(v), nil
	}
	return nil, fmt.Errorf("%w: primitive %d", ErrType, p)
}
