package value

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Encode encodes v as a value of type id.
func (c *Codec) Encode(id metadata.TypeID, v any) ([]byte, error) {
	return c.AppendEncode(nil, id, v)
}

// AppendEncode appends the encoding of v as a value of type id to dst.
func (c *Codec) AppendEncode(dst []byte, id metadata.TypeID, v any) ([]byte, error) {
	out, err := c.enc(dst, id, v, 0)
	if err != nil {
		return dst, fmt.Errorf("encode %s: %w", c.reg.Name(id), err)
	}
	return out, nil
}

// asObject views v as an Object (map keys sorted).
func asObject(v any) (Object, bool) {
	switch x := v.(type) {
	case Object:
		return x, true
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := make(Object, len(keys))
		for i, k := range keys {
			o[i] = Field{k, x[k]}
		}
		return o, true
	case *Call:
		return x.Object(), true
	}
	return nil, false
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		return len(x) == 0
	case Object:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

func (c *Codec) enc(dst []byte, id metadata.TypeID, v any, depth int) ([]byte, error) {
	t, err := c.typeAt(id, depth)
	if err != nil {
		return dst, err
	}
	if c.hasCall && id == c.callType {
		return c.encCall(dst, v, depth)
	}
	def := &t.Def
	switch def.Kind {
	case metadata.KindPrimitive:
		return encPrim(dst, def.Primitive, v)
	case metadata.KindCompact:
		chain, p, err := c.compactPrim(def.Elem)
		if err != nil {
			return dst, err
		}
		if p == 0 && len(chain) > 0 {
			if !isEmpty(v) {
				return dst, fmt.Errorf("%w: want null for Compact<()>, got %s", ErrType, describe(v))
			}
			return dst, nil
		}
		n, err := BigInt(v)
		if err != nil {
			return dst, err
		}
		if n.Sign() < 0 || n.BitLen() > 8*p.Size() {
			return dst, fmt.Errorf("%w: %s does not fit Compact<%s>", ErrRange, n, p)
		}
		return scale.AppendCompactBig(dst, n)
	case metadata.KindSequence:
		if c.isU8(def.Elem) {
			b, err := c.bytesOf(v, -1)
			if err != nil {
				return dst, err
			}
			return scale.AppendBytes(dst, b), nil
		}
		items, ok := v.([]any)
		if !ok {
			return dst, fmt.Errorf("%w: want an array for %s, got %s", ErrType, c.reg.Name(id), describe(v))
		}
		dst = scale.AppendCompact(dst, uint64(len(items)))
		return c.encItems(dst, def.Elem, items, depth)
	case metadata.KindArray:
		if c.isU8(def.Elem) {
			b, err := c.bytesOf(v, int(def.Len))
			if err != nil {
				return dst, err
			}
			return append(dst, b...), nil
		}
		items, ok := v.([]any)
		if !ok || uint64(len(items)) != uint64(def.Len) {
			return dst, fmt.Errorf("%w: want an array of %d for %s, got %s", ErrType, def.Len, c.reg.Name(id), describe(v))
		}
		return c.encItems(dst, def.Elem, items, depth)
	case metadata.KindTuple:
		if len(def.Tuple) == 0 {
			if !isEmpty(v) {
				return dst, fmt.Errorf("%w: want null for (), got %s", ErrType, describe(v))
			}
			return dst, nil
		}
		items, ok := v.([]any)
		if !ok || len(items) != len(def.Tuple) {
			return dst, fmt.Errorf("%w: want an array of %d for %s, got %s", ErrType, len(def.Tuple), c.reg.Name(id), describe(v))
		}
		for i, e := range def.Tuple {
			if dst, err = c.enc(dst, e, items[i], depth+1); err != nil {
				return dst, atPath(fmt.Sprintf("[%d]", i), err)
			}
		}
		return dst, nil
	case metadata.KindBitSequence:
		size, order, err := c.bitLayout(t)
		if err != nil {
			return dst, err
		}
		bits, err := bitsOf(v)
		if err != nil {
			return dst, err
		}
		return scale.AppendBitSequence(dst, bits, size, order)
	case metadata.KindComposite:
		if c.isAccountID32(t) {
			s, ok := v.(string)
			if !ok {
				if b, ok2 := v.([32]byte); ok2 {
					return append(dst, b[:]...), nil
				}
				return dst, fmt.Errorf("%w: want an address string, got %s", ErrType, describe(v))
			}
			acc, err := c.ParseAccount(s)
			if err != nil {
				return dst, err
			}
			return append(dst, acc[:]...), nil
		}
		if c.isVote(t) {
			return encVote(dst, v)
		}
		return c.encFields(dst, def.Fields, v, depth)
	case metadata.KindVariant:
		return c.encVariant(dst, t, v, depth)
	}
	return dst, fmt.Errorf("%w: type kind %s", ErrType, def.Kind)
}

func (c *Codec) encItems(dst []byte, elem metadata.TypeID, items []any, depth int) ([]byte, error) {
	var err error
	for i, it := range items {
		if dst, err = c.enc(dst, elem, it, depth+1); err != nil {
			return dst, atPath(fmt.Sprintf("[%d]", i), err)
		}
	}
	return dst, nil
}

// encFields is the inverse of decFields.
func (c *Codec) encFields(dst []byte, fs []metadata.Field, v any, depth int) ([]byte, error) {
	var err error
	switch {
	case len(fs) == 0:
		if !isEmpty(v) {
			return dst, fmt.Errorf("%w: want null for a value without fields, got %s", ErrType, describe(v))
		}
		return dst, nil
	case fs[0].Name == "":
		if len(fs) == 1 {
			return c.enc(dst, fs[0].Type, v, depth+1)
		}
		items, ok := v.([]any)
		if !ok || len(items) != len(fs) {
			return dst, fmt.Errorf("%w: want an array of %d, got %s", ErrType, len(fs), describe(v))
		}
		for i, f := range fs {
			if dst, err = c.enc(dst, f.Type, items[i], depth+1); err != nil {
				return dst, atPath(fmt.Sprintf("[%d]", i), err)
			}
		}
		return dst, nil
	}
	obj, ok := asObject(v)
	if !ok {
		return dst, fmt.Errorf("%w: want an object with %s, got %s", ErrType, fieldList(fs), describe(v))
	}
	for _, f := range fs {
		fv, ok := obj.Get(f.Name)
		if !ok {
			return dst, fmt.Errorf("%w: missing field %q", ErrType, f.Name)
		}
		if dst, err = c.enc(dst, f.Type, fv, depth+1); err != nil {
			return dst, atPath(f.Name, err)
		}
	}
	if len(obj) != len(fs) {
		for _, of := range obj {
			found := false
			for _, f := range fs {
				found = found || f.Name == of.Name
			}
			if !found {
				return dst, fmt.Errorf("%w: unknown field %q (want %s)", ErrType, of.Name, fieldList(fs))
			}
		}
		return dst, fmt.Errorf("%w: duplicate fields", ErrType)
	}
	return dst, nil
}

func (c *Codec) encVariant(dst []byte, t *metadata.Type, v any, depth int) ([]byte, error) {
	if isOption(t) {
		inner, err := c.reg.Type(t.Def.Variants[1].Fields[0].Type)
		if err != nil {
			return dst, err
		}
		if !c.nullable(inner.ID, 0) {
			if v == nil {
				return append(dst, 0), nil
			}
			return c.enc(append(dst, 1), inner.ID, v, depth+1)
		}
	}
	var name string
	var val any
	switch x := v.(type) {
	case string:
		if isMultiAddress(t) && !c.hasVariant(t, x) {
			// A bare address is MultiAddress::Id.
			for i := range t.Def.Variants {
				vr := &t.Def.Variants[i]
				if vr.Name == "Id" && len(vr.Fields) == 1 {
					return c.enc(append(dst, vr.Index), vr.Fields[0].Type, x, depth+1)
				}
			}
		}
		name = x
	default:
		obj, ok := asObject(v)
		if !ok || len(obj) != 1 {
			return dst, fmt.Errorf("%w: want \"Variant\" or {\"Variant\": value} for %s, got %s", ErrType, c.reg.Name(t.ID), describe(v))
		}
		name, val = obj[0].Name, obj[0].Value
		if name == "Raw" && isIdentityData(t) && !c.hasVariant(t, "Raw") {
			b, err := c.bytesOf(val, -1)
			if err != nil {
				return dst, atPath("Raw", err)
			}
			name, val = fmt.Sprintf("Raw%d", len(b)), hexString(b)
		}
	}
	for i := range t.Def.Variants {
		vr := &t.Def.Variants[i]
		if vr.Name != name {
			continue
		}
		out, err := c.encFields(append(dst, vr.Index), vr.Fields, val, depth)
		if err != nil {
			return dst, atPath(name, err)
		}
		return out, nil
	}
	names := make([]string, 0, len(t.Def.Variants))
	for _, vr := range t.Def.Variants {
		names = append(names, vr.Name)
	}
	if len(names) > 12 {
		names = append(names[:12], "…")
	}
	return dst, fmt.Errorf("%w: %s has no variant %q (variants: %s)", ErrType, c.reg.Name(t.ID), name, strings.Join(names, ", "))
}

func (c *Codec) hasVariant(t *metadata.Type, name string) bool {
	for _, vr := range t.Def.Variants {
		if vr.Name == name {
			return true
		}
	}
	return false
}

// bytesOf reads bytes given as 0x-hex, []byte, [32]byte or an array of
// numbers; n >= 0 requires that length.
func (c *Codec) bytesOf(v any, n int) ([]byte, error) {
	var b []byte
	switch x := v.(type) {
	case string:
		h, err := parseHex(x)
		if err != nil {
			// [u8; 32] may also be given as an address.
			if n == 32 {
				if acc, aerr := c.ParseAccount(x); aerr == nil {
					return acc[:], nil
				}
			}
			return nil, err
		}
		b = h
	case []byte:
		b = x
	case [32]byte:
		b = x[:]
	case []any:
		b = make([]byte, 0, len(x))
		for _, e := range x {
			u, err := Uint64(e)
			if err != nil || u > 255 {
				return nil, fmt.Errorf("%w: byte array element %v", ErrType, e)
			}
			b = append(b, byte(u))
		}
	default:
		return nil, fmt.Errorf("%w: want 0x-hex bytes, got %s", ErrType, describe(v))
	}
	if n >= 0 && len(b) != n {
		return nil, fmt.Errorf("%w: want %d bytes, got %d", ErrType, n, len(b))
	}
	return b, nil
}

func bitsOf(v any) ([]bool, error) {
	switch x := v.(type) {
	case string:
		s := strings.TrimPrefix(x, "0b")
		out := make([]bool, len(s))
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '0':
			case '1':
				out[i] = true
			default:
				return nil, fmt.Errorf("%w: bit sequence %q is not 0b followed by 0s and 1s", ErrType, x)
			}
		}
		return out, nil
	case []bool:
		return x, nil
	case []any:
		out := make([]bool, len(x))
		for i, e := range x {
			b, ok := e.(bool)
			if !ok {
				return nil, fmt.Errorf("%w: bit sequence element %s", ErrType, describe(e))
			}
			out[i] = b
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: want a bit string \"0b...\", got %s", ErrType, describe(v))
}

func encPrim(dst []byte, p metadata.Primitive, v any) ([]byte, error) {
	switch p {
	case metadata.Bool:
		b, ok := v.(bool)
		if !ok {
			return dst, fmt.Errorf("%w: want a bool, got %s", ErrType, describe(v))
		}
		return scale.AppendBool(dst, b), nil
	case metadata.Char:
		s, ok := v.(string)
		r, size := utf8.DecodeRuneInString(s)
		if !ok || size == 0 || size != len(s) || r == utf8.RuneError && size == 1 {
			return dst, fmt.Errorf("%w: want one character, got %s", ErrType, describe(v))
		}
		return scale.AppendU32(dst, uint32(r)), nil
	case metadata.Str:
		s, ok := v.(string)
		if !ok {
			return dst, fmt.Errorf("%w: want a string, got %s", ErrType, describe(v))
		}
		if !utf8.ValidString(s) {
			return dst, fmt.Errorf("%w: string is not UTF-8", ErrType)
		}
		return scale.AppendString(dst, s), nil
	}
	if !p.IsInteger() {
		return dst, fmt.Errorf("%w: primitive %d", ErrType, p)
	}
	n, err := BigInt(v)
	if err != nil {
		return dst, err
	}
	var out []byte
	if p.Signed() {
		out, err = scale.AppendInt(dst, n, p.Size())
	} else {
		out, err = scale.AppendUint(dst, n, p.Size())
	}
	if err != nil {
		return dst, fmt.Errorf("%w: %s does not fit %s", ErrRange, n, p)
	}
	return out, nil
}

var (
	_ = json.Number("")
	_ = big.NewInt
)
