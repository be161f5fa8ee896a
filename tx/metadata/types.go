package metadata

import (
	"errors"
	"fmt"
	"strings"
)

// Registry is the portable type registry (scale-info PortableRegistry).
// Types[i].ID == i for every i.
type Registry struct {
	Types []Type
}

// Type is one registered type.
type Type struct {
	ID     TypeID
	Path   []string
	Params []TypeParam
	Def    TypeDef
	Docs   []string
}

// TypeParam is a generic parameter of a type; HasType is false when the
// parameter's type was erased (scale-info `ty: None`).
type TypeParam struct {
	Name    string
	Type    TypeID
	HasType bool
}

// Kind is the kind of a type definition.
type Kind uint8

// Type definition kinds, in scale-info's TypeDef order.
const (
	KindComposite Kind = iota
	KindVariant
	KindSequence
	KindArray
	KindTuple
	KindPrimitive
	KindCompact
	KindBitSequence
)

var kindNames = [...]string{"Composite", "Variant", "Sequence", "Array", "Tuple", "Primitive", "Compact", "BitSequence"}

// String names the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Primitive is a scale-info primitive type.
type Primitive uint8

// Primitives, in scale-info's TypeDefPrimitive order.
const (
	Bool Primitive = iota
	Char
	Str
	U8
	U16
	U32
	U64
	U128
	U256
	I8
	I16
	I32
	I64
	I128
	I256
)

var primNames = [...]string{"bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "u256", "i8", "i16", "i32", "i64", "i128", "i256"}

// String returns the Rust name of the primitive.
func (p Primitive) String() string {
	if int(p) < len(primNames) {
		return primNames[p]
	}
	return fmt.Sprintf("Primitive(%d)", uint8(p))
}

// Size is the encoded size in bytes of an integer primitive (0 for bool,
// char and str; char is 4 bytes and bool 1 but neither is an integer).
func (p Primitive) Size() int {
	switch p {
	case U8, I8:
		return 1
	case U16, I16:
		return 2
	case U32, I32:
		return 4
	case U64, I64:
		return 8
	case U128, I128:
		return 16
	case U256, I256:
		return 32
	}
	return 0
}

// Signed reports whether p is a signed integer.
func (p Primitive) Signed() bool { return p >= I8 && p <= I256 }

// IsInteger reports whether p is an integer type.
func (p Primitive) IsInteger() bool { return p >= U8 && p <= I256 }

// TypeDef is a type definition. Which fields are meaningful depends on Kind:
// Composite: Fields; Variant: Variants; Sequence, Compact: Elem; Array: Elem
// and Len; Tuple: Tuple; Primitive: Primitive; BitSequence: BitStore and
// BitOrder.
type TypeDef struct {
	Kind      Kind
	Fields    []Field
	Variants  []Variant
	Elem      TypeID
	Len       uint32
	Tuple     []TypeID
	Primitive Primitive
	BitStore  TypeID
	BitOrder  TypeID
}

// Field is a field of a composite or variant. Name is empty for unnamed
// (tuple-like) fields; TypeName is the Rust type as written, or empty.
type Field struct {
	Name     string
	Type     TypeID
	TypeName string
	Docs     []string
}

// Variant is one variant of an enum type.
type Variant struct {
	Name   string
	Fields []Field
	Index  uint8
	Docs   []string
}

// ErrUnknownType means a type id outside the registry.
var ErrUnknownType = errors.New("metadata: unknown type id")

// Type returns the type with the given id.
func (r *Registry) Type(id TypeID) (*Type, error) {
	if uint64(id) >= uint64(len(r.Types)) {
		return nil, fmt.Errorf("%w: %d (registry has %d types)", ErrUnknownType, id, len(r.Types))
	}
	return &r.Types[id], nil
}

// ErrNotEnum means a type expected to be an enum is not one.
var ErrNotEnum = errors.New("metadata: type is not an enum")

// Variants returns the variants of an enum type.
func (r *Registry) Variants(id TypeID) ([]Variant, error) {
	t, err := r.Type(id)
	if err != nil {
		return nil, err
	}
	if t.Def.Kind != KindVariant {
		return nil, fmt.Errorf("%w: type %d (%s) is a %s, not an enum", ErrNotEnum, id, r.Name(id), t.Def.Kind)
	}
	return t.Def.Variants, nil
}

// ErrUnknownVariant means no enum variant has the given name or index.
var ErrUnknownVariant = errors.New("metadata: unknown variant")

// VariantByName finds a variant of an enum type by name.
func (r *Registry) VariantByName(id TypeID, name string) (*Variant, error) {
	return r.variantWhere(id, func(v *Variant) bool { return v.Name == name }, "%q", name)
}

// VariantByIndex finds a variant of an enum type by its index.
func (r *Registry) VariantByIndex(id TypeID, index uint8) (*Variant, error) {
	return r.variantWhere(id, func(v *Variant) bool { return v.Index == index }, "index %d", index)
}

// variantWhere finds the first variant of an enum type that match accepts;
// format and arg describe it in the error when there is none.
func (r *Registry) variantWhere(id TypeID, match func(*Variant) bool, format string, arg any) (*Variant, error) {
	vs, err := r.Variants(id)
	if err != nil {
		return nil, err
	}
	for i := range vs {
		if match(&vs[i]) {
			return &vs[i], nil
		}
	}
	return nil, fmt.Errorf("%w: "+format+" in %s", ErrUnknownVariant, arg, r.Name(id))
}

// PathString joins a type's path with "::" (empty for unnamed types).
func (t *Type) PathString() string { return strings.Join(t.Path, "::") }

// Name returns a readable name for a type id: its path's last segment with
// generic arguments, or a Rust-like spelling for unnamed types.
func (r *Registry) Name(id TypeID) string {
	budget := 64 // bounds the work on hostile registries
	return r.name(id, 0, &budget)
}

func (r *Registry) name(id TypeID, depth int, budget *int) string {
	t, err := r.Type(id)
	if err != nil {
		return fmt.Sprintf("<unknown type %d>", id)
	}
	*budget--
	if depth > 8 || *budget < 0 {
		return "…"
	}
	if len(t.Path) > 0 {
		s := t.Path[len(t.Path)-1]
		var args []string
		for _, p := range t.Params {
			if p.HasType {
				args = append(args, r.name(p.Type, depth+1, budget))
			}
		}
		if len(args) > 0 {
			s += "<" + strings.Join(args, ", ") + ">"
		}
		return s
	}
	d := &t.Def
	switch d.Kind {
	case KindPrimitive:
		return d.Primitive.String()
	case KindSequence:
		return "Vec<" + r.name(d.Elem, depth+1, budget) + ">"
	case KindArray:
		return fmt.Sprintf("[%s; %d]", r.name(d.Elem, depth+1, budget), d.Len)
	case KindCompact:
		return "Compact<" + r.name(d.Elem, depth+1, budget) + ">"
	case KindTuple:
		parts := make([]string, len(d.Tuple))
		for i, e := range d.Tuple {
			parts[i] = r.name(e, depth+1, budget)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	case KindBitSequence:
		return "BitVec<" + r.name(d.BitStore, depth+1, budget) + ", " + r.name(d.BitOrder, depth+1, budget) + ">"
	case KindComposite:
		return fmt.Sprintf("<composite %d>", id)
	}
	return fmt.Sprintf("<enum %d>", id)
}
