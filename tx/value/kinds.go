package value

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
)

func parseHex(s string) ([]byte, error) {
	t := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(t) == len(s) {
		return nil, fmt.Errorf("%w: %q is not 0x-hex", ErrType, s)
	}
	b, err := hex.DecodeString(t)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not 0x-hex", ErrType, s)
	}
	return b, nil
}

func hexString(b []byte) string { return "0x" + hex.EncodeToString(b) }

func pathIs(t *metadata.Type, segs ...string) bool {
	if len(t.Path) != len(segs) {
		return false
	}
	for i := range segs {
		if t.Path[i] != segs[i] {
			return false
		}
	}
	return true
}

// isAccountID32 reports an sp_core::crypto::AccountId32 (or an AccountId32
// newtype over [u8; 32] elsewhere).
func (c *Codec) isAccountID32(t *metadata.Type) bool {
	if len(t.Path) == 0 || t.Path[len(t.Path)-1] != "AccountId32" || t.Def.Kind != metadata.KindComposite || len(t.Def.Fields) != 1 {
		return false
	}
	inner, err := c.reg.Type(t.Def.Fields[0].Type)
	return err == nil && c.isU8Array(inner, 32)
}

func (c *Codec) isU8(id metadata.TypeID) bool {
	t, err := c.reg.Type(id)
	return err == nil && t.Def.Kind == metadata.KindPrimitive && t.Def.Primitive == metadata.U8
}

func (c *Codec) isU8Array(t *metadata.Type, n uint32) bool {
	return t.Def.Kind == metadata.KindArray && t.Def.Len == n && c.isU8(t.Def.Elem)
}

func isOption(t *metadata.Type) bool {
	if !pathIs(t, "Option") || t.Def.Kind != metadata.KindVariant || len(t.Def.Variants) != 2 {
		return false
	}
	v := t.Def.Variants
	return v[0].Name == "None" && v[0].Index == 0 && len(v[0].Fields) == 0 &&
		v[1].Name == "Some" && v[1].Index == 1 && len(v[1].Fields) == 1
}

func isMultiAddress(t *metadata.Type) bool {
	return t.Def.Kind == metadata.KindVariant && len(t.Path) > 0 && t.Path[len(t.Path)-1] == "MultiAddress"
}

// compactPrim finds the integer primitive under a Compact<T>, looking
// through single-field structs (Compact<Perbill> encodes the u32 inside).
func (c *Codec) compactPrim(id metadata.TypeID) ([]metadata.TypeID, metadata.Primitive, error) {
	var chain []metadata.TypeID
	for depth := 0; depth < 16; depth++ {
		t, err := c.reg.Type(id)
		if err != nil {
			return nil, 0, err
		}
		switch {
		case t.Def.Kind == metadata.KindPrimitive && t.Def.Primitive.IsInteger() && !t.Def.Primitive.Signed():
			return chain, t.Def.Primitive, nil
		case t.Def.Kind == metadata.KindComposite && len(t.Def.Fields) == 1:
			chain = append(chain, id)
			id = t.Def.Fields[0].Type
		case t.Def.Kind == metadata.KindComposite && len(t.Def.Fields) == 0, t.Def.Kind == metadata.KindTuple && len(t.Def.Tuple) == 0:
			// Compact<()> encodes nothing.
			return append(chain, id), 0, nil
		default:
			return nil, 0, fmt.Errorf("%w: Compact<%s> is not a compact integer type", ErrType, c.reg.Name(id))
		}
	}
	return nil, 0, ErrDepth
}

func (c *Codec) bitLayout(t *metadata.Type) (int, scale.BitOrder, error) {
	st, err := c.reg.Type(t.Def.BitStore)
	if err != nil {
		return 0, 0, err
	}
	ot, err := c.reg.Type(t.Def.BitOrder)
	if err != nil {
		return 0, 0, err
	}
	size := 0
	if st.Def.Kind == metadata.KindPrimitive {
		switch st.Def.Primitive {
		case metadata.U8, metadata.U16, metadata.U32, metadata.U64:
			size = st.Def.Primitive.Size()
		}
	}
	if size == 0 {
		return 0, 0, fmt.Errorf("%w: bit store %s", ErrType, c.reg.Name(t.Def.BitStore))
	}
	order := ""
	if len(ot.Path) > 0 {
		order = ot.Path[len(ot.Path)-1]
	}
	switch order {
	case "Lsb0":
		return size, scale.Lsb0, nil
	case "Msb0":
		return size, scale.Msb0, nil
	}
	return 0, 0, fmt.Errorf("%w: bit order %s", ErrType, c.reg.Name(t.Def.BitOrder))
}

// minSizeOf returns a lower bound of the encoded size of a type (0 for
// zero-sized types), memoized; cycles count as 0.
func (c *Codec) minSizeOf(id metadata.TypeID) int {
	if int(id) >= len(c.minSize) {
		return 0
	}
	if v := c.minSize[id]; v >= 0 {
		return int(v)
	}
	c.minSize[id] = 0 // cycle guard
	t := &c.reg.Types[id]
	n := 0
	switch t.Def.Kind {
	case metadata.KindPrimitive:
		switch t.Def.Primitive {
		case metadata.Bool, metadata.Str:
			n = 1
		case metadata.Char:
			n = 4
		default:
			n = t.Def.Primitive.Size()
		}
	case metadata.KindCompact, metadata.KindSequence, metadata.KindBitSequence, metadata.KindVariant:
		n = 1
	case metadata.KindArray:
		e := uint64(c.minSizeOf(t.Def.Elem)) * uint64(t.Def.Len)
		if e > 1<<30 {
			e = 1 << 30
		}
		n = int(e)
	case metadata.KindTuple:
		for _, e := range t.Def.Tuple {
			n += c.minSizeOf(e)
		}
	case metadata.KindComposite:
		for _, f := range t.Def.Fields {
			n += c.minSizeOf(f.Type)
		}
	}
	if n > 1<<30 {
		n = 1 << 30
	}
	c.minSize[id] = int32(n)
	return n
}

// nullable reports whether a value of the type can decode to nil, in which
// case an Option around it uses the explicit enum form.
func (c *Codec) nullable(id metadata.TypeID, depth int) bool {
	t, err := c.reg.Type(id)
	if err != nil || depth > 32 {
		return true
	}
	switch t.Def.Kind {
	case metadata.KindTuple:
		return len(t.Def.Tuple) == 0
	case metadata.KindComposite:
		if len(t.Def.Fields) == 0 {
			return true
		}
		return len(t.Def.Fields) == 1 && t.Def.Fields[0].Name == "" && !c.isAccountID32(t) && c.nullable(t.Def.Fields[0].Type, depth+1)
	case metadata.KindVariant:
		return isOption(t)
	case metadata.KindCompact:
		chain, p, err := c.compactPrim(t.Def.Elem)
		return err == nil && p == 0 && len(chain) > 0
	}
	return false
}

// isIdentityData reports pallet_identity's Data enum (None, Raw0..Raw32,
// BlakeTwo256, ...), whose RawN variants are written as {"Raw": "0x.."}.
func isIdentityData(t *metadata.Type) bool {
	n := len(t.Path)
	return n >= 2 && t.Path[n-1] == "Data" && t.Path[0] == "pallet_identity" && t.Def.Kind == metadata.KindVariant
}
