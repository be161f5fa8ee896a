package metadata

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// ErrMalformed means the metadata is structurally invalid.
var ErrMalformed = errors.New("metadata: malformed")

// Decode decodes metadata from the bytes of state_getMetadata ("meta" +
// version + body), a SCALE Vec<u8> of those (OpaqueMetadata), or the
// Option<OpaqueMetadata> result of Metadata_metadata_at_version.
func Decode(b []byte) (*Metadata, error) {
	raw, err := Unwrap(b)
	if err != nil {
		return nil, err
	}
	return decodePrefixed(raw)
}

// ErrNotAvailable means Metadata_metadata_at_version returned None.
var ErrNotAvailable = errors.New("metadata: runtime does not provide this metadata version")

// ErrNoMagic means the bytes do not start with the "meta" magic (after
// any Option/Vec wrapper).
var ErrNoMagic = errors.New("metadata: missing \"meta\" magic")

// Unwrap strips an Option<OpaqueMetadata> or OpaqueMetadata wrapper and
// returns the prefixed metadata bytes (starting with the magic).
func Unwrap(b []byte) ([]byte, error) {
	if bytes.HasPrefix(b, Magic[:]) {
		return b, nil
	}
	if len(b) == 1 && b[0] == 0 {
		return nil, ErrNotAvailable
	}
	// Option<Vec<u8>>: 0x01 + compact len + bytes.
	if len(b) > 0 && b[0] == 1 {
		if inner, ok := unwrapVec(b[1:]); ok {
			return inner, nil
		}
	}
	if inner, ok := unwrapVec(b); ok {
		return inner, nil
	}
	return nil, ErrNoMagic
}

func unwrapVec(b []byte) ([]byte, bool) {
	d := scale.NewDecoder(b)
	v, err := d.Bytes()
	if err != nil || d.Remaining() != 0 || !bytes.HasPrefix(v, Magic[:]) {
		return nil, false
	}
	return v, true
}

// Parse decodes metadata given as binary (see Decode) or as hex text, with
// or without 0x and surrounding white space.
func Parse(b []byte) (*Metadata, error) {
	if raw, err := Unwrap(b); err == nil {
		return decodePrefixed(raw)
	}
	s := strings.TrimSpace(string(b))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	bin, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w (and not hex text)", ErrNoMagic)
	}
	return Decode(bin)
}

// Load reads metadata from a file (binary or hex text; see Parse).
func Load(path string) (*Metadata, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("metadata file %s: %w", path, err)
	}
	return m, nil
}

// ErrUnsupportedVersion means a metadata version other than 14, 15, 16.
var ErrUnsupportedVersion = errors.New("metadata: unsupported metadata version")

func decodePrefixed(b []byte) (*Metadata, error) {
	if !bytes.HasPrefix(b, Magic[:]) {
		return nil, ErrNoMagic
	}
	if len(b) < 5 {
		return nil, fmt.Errorf("%w: no version byte", ErrMalformed)
	}
	m := &Metadata{Version: b[4]}
	if m.Version < 14 || m.Version > 16 {
		return nil, fmt.Errorf("%w: %d", ErrUnsupportedVersion, m.Version)
	}
	r := &reader{d: scale.NewDecoder(b[5:])}
	r.metadata(m)
	if r.err == nil {
		r.err = r.d.Finish()
	}
	if r.err != nil {
		return nil, fmt.Errorf("decode metadata v%d: %s: %w", m.Version, r.where, r.err)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	m.finish()
	return m, nil
}

// reader wraps a Decoder with a sticky error so the structure below reads
// like the Rust definitions it follows.
type reader struct {
	d     *scale.Decoder
	err   error
	where string
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// next returns what read gives, or the zero value once r has failed; the
// first error is kept.
func next[T any](r *reader, read func() (T, error)) T {
	if r.err != nil {
		var zero T
		return zero
	}
	v, err := read()
	r.fail(err)
	return v
}

func (r *reader) u8() uint8 { return next(r, r.d.U8) }

func (r *reader) u32() uint32 { return next(r, r.d.U32) }

func (r *reader) compact32() uint32 { return next(r, r.d.CompactU32) }

func (r *reader) length(minItem int) int {
	return next(r, func() (int, error) { return r.d.Len(minItem) })
}

func (r *reader) str() string { return next(r, r.d.String) }

func (r *reader) bytes() []byte {
	b := next(r, r.d.Bytes)
	if r.err != nil {
		return nil
	}
	return append([]byte{}, b...)
}

func (r *reader) option() bool { return next(r, r.d.OptionTag) }

// optStr reads Option<String>, refusing Some("") which the model cannot
// tell apart from None.
func (r *reader) optStr() string {
	if !r.option() {
		return ""
	}
	s := r.str()
	if s == "" && r.err == nil {
		r.fail(fmt.Errorf("%w: Some(\"\") for an optional name", ErrMalformed))
	}
	return s
}

// capHint bounds preallocation; slices still grow to the checked length.
func capHint(n int) int {
	if n > 256 {
		return 256
	}
	return n
}

// list reads a Vec whose items take at least minItem bytes each, item by
// item with read until the first error; nil when empty.
func list[T any](r *reader, minItem int, read func() T) []T {
	n := r.length(minItem)
	if n == 0 {
		return nil
	}
	out := make([]T, 0, capHint(n))
	for i := 0; i < n && r.err == nil; i++ {
		out = append(out, read())
	}
	return out
}

func (r *reader) strs() []string { return list(r, 1, r.str) }

func (r *reader) metadata(m *Metadata) {
	r.where = "types"
	r.registry(&m.Types)
	r.where = "pallets"
	n := r.length(7) // a pallet takes at least 7 bytes
	m.Pallets = make([]Pallet, 0, capHint(n))
	for i := 0; i < n && r.err == nil; i++ {
		var p Pallet
		r.pallet(&p, m.Version)
		if r.err != nil {
			r.where = fmt.Sprintf("pallet %d (%s)", i, p.Name)
		}
		m.Pallets = append(m.Pallets, p)
	}
	if r.err != nil {
		return
	}
	r.where = "extrinsic"
	r.extrinsic(&m.Extrinsic, m.Version)
	if m.Version <= 15 {
		r.where = "runtime type"
		m.RuntimeType = r.compact32()
	}
	if m.Version == 14 {
		return
	}
	r.where = "runtime apis"
	n = r.length(1)
	m.APIs = make([]RuntimeAPI, 0, capHint(n))
	for i := 0; i < n && r.err == nil; i++ {
		m.APIs = append(m.APIs, r.runtimeAPI(m.Version))
	}
	r.where = "outer enums"
	m.OuterEnums = &OuterEnums{Call: r.compact32(), Event: r.compact32(), Error: r.compact32()}
	r.where = "custom"
	n = r.length(1)
	for i := 0; i < n && r.err == nil; i++ {
		c := CustomValue{Name: r.str(), Type: r.compact32(), Value: r.bytes()}
		if i > 0 && r.err == nil && c.Name <= m.Custom[i-1].Name {
			r.fail(fmt.Errorf("%w: custom map keys not strictly ascending", ErrMalformed))
		}
		m.Custom = append(m.Custom, c)
	}
}

func (r *reader) registry(reg *Registry) {
	n := r.length(6) // id, path, params, def tag + 1, docs
	reg.Types = make([]Type, 0, capHint(n))
	for i := 0; i < n && r.err == nil; i++ {
		id := r.compact32()
		if r.err == nil && id != uint32(i) {
			r.fail(fmt.Errorf("%w: type %d has id %d (ids must be 0..n-1 in order)", ErrMalformed, i, id))
			return
		}
		t := Type{ID: id, Path: r.strs()}
		if np := r.length(2); np > 0 {
			t.Params = make([]TypeParam, 0, capHint(np))
			for j := 0; j < np && r.err == nil; j++ {
				p := TypeParam{Name: r.str()}
				if r.option() {
					p.Type, p.HasType = r.compact32(), true
				}
				t.Params = append(t.Params, p)
			}
		}
		r.typeDef(&t.Def)
		t.Docs = r.strs()
		if r.err != nil {
			r.err = fmt.Errorf("type %d: %w", i, r.err)
		}
		reg.Types = append(reg.Types, t)
	}
}

func (r *reader) fields() []Field {
	return list(r, 4, func() Field {
		f := Field{Name: r.optStr()}
		f.Type = r.compact32()
		f.TypeName = r.optStr()
		f.Docs = r.strs()
		return f
	})
}

func (r *reader) typeDef(d *TypeDef) {
	k := r.u8()
	if r.err != nil {
		return
	}
	d.Kind = Kind(k)
	switch d.Kind {
	case KindComposite:
		d.Fields = r.fields()
	case KindVariant:
		n := r.length(4)
		d.Variants = make([]Variant, 0, capHint(n))
		for i := 0; i < n && r.err == nil; i++ {
			v := Variant{Name: r.str()}
			v.Fields = r.fields()
			v.Index = r.u8()
			v.Docs = r.strs()
			d.Variants = append(d.Variants, v)
		}
	case KindSequence, KindCompact:
		d.Elem = r.compact32()
	case KindArray:
		d.Len = r.u32()
		d.Elem = r.compact32()
	case KindTuple:
		d.Tuple = list(r, 1, r.compact32)
	case KindPrimitive:
		p := r.u8()
		if r.err == nil && int(p) >= len(primNames) {
			r.fail(fmt.Errorf("%w: primitive tag %d", ErrMalformed, p))
		}
		d.Primitive = Primitive(p)
	case KindBitSequence:
		d.BitStore = r.compact32()
		d.BitOrder = r.compact32()
	default:
		r.fail(fmt.Errorf("%w: type definition tag %d", ErrMalformed, k))
	}
}

func (r *reader) deprecation() Deprecation {
	var dep Deprecation
	k := r.u8()
	switch k {
	case 0, 1:
		dep.Kind = DeprecationKind(k)
	case 2:
		dep.Kind = Deprecated
		dep.Note = r.str()
		if r.option() {
			dep.Since, dep.HasSince = r.str(), true
		}
	default:
		r.fail(fmt.Errorf("%w: deprecation tag %d", ErrMalformed, k))
	}
	return dep
}

func (r *reader) palletEnum(version uint8) *PalletEnum {
	if !r.option() {
		return nil
	}
	e := &PalletEnum{Type: r.compact32()}
	if version < 16 {
		return e
	}
	n := r.length(2)
	for i := 0; i < n && r.err == nil; i++ {
		idx := r.u8()
		var vd VariantDeprecation
		vd.Index = idx
		switch k := r.u8(); k {
		case 1:
			vd.Deprecation.Kind = DeprecatedWithoutNote
		case 2:
			vd.Deprecation.Kind = Deprecated
			vd.Deprecation.Note = r.str()
			if r.option() {
				vd.Deprecation.Since, vd.Deprecation.HasSince = r.str(), true
			}
		default:
			r.fail(fmt.Errorf("%w: variant deprecation tag %d", ErrMalformed, k))
		}
		if i > 0 && idx <= e.Deprecated[i-1].Index {
			r.fail(fmt.Errorf("%w: deprecated variant indices not strictly ascending", ErrMalformed))
		}
		e.Deprecated = append(e.Deprecated, vd)
	}
	return e
}

func (r *reader) params() []Param {
	return list(r, 2, func() Param { return Param{Name: r.str(), Type: r.compact32()} })
}

func (r *reader) pallet(p *Pallet, version uint8) {
	p.Name = r.str()
	if r.option() {
		p.Storage = &PalletStorage{Prefix: r.str()}
		n := r.length(6)
		p.Storage.Entries = make([]StorageEntry, 0, capHint(n))
		for i := 0; i < n && r.err == nil; i++ {
			p.Storage.Entries = append(p.Storage.Entries, r.storageEntry(version))
		}
	}
	p.Calls = r.palletEnum(version)
	p.Events = r.palletEnum(version)
	p.Constants = list(r, 4, func() Constant {
		c := Constant{Name: r.str(), Type: r.compact32(), Value: r.bytes(), Docs: r.strs()}
		if version >= 16 {
			c.Deprecation = r.deprecation()
		}
		return c
	})
	p.Errors = r.palletEnum(version)
	if version >= 16 {
		n := r.length(3)
		for i := 0; i < n && r.err == nil; i++ {
			p.AssociatedTypes = append(p.AssociatedTypes, AssociatedType{Name: r.str(), Type: r.compact32(), Docs: r.strs()})
		}
		n = r.length(37)
		for i := 0; i < n && r.err == nil; i++ {
			var vf ViewFunction
			if r.err == nil {
				r.fail(r.d.Fixed(vf.ID[:]))
			}
			vf.Name = r.str()
			vf.Inputs = r.params()
			vf.Output = r.compact32()
			vf.Docs = r.strs()
			vf.Deprecation = r.deprecation()
			p.ViewFunctions = append(p.ViewFunctions, vf)
		}
	}
	p.Index = r.u8()
	if version >= 15 {
		p.Docs = r.strs()
	}
	if version >= 16 {
		p.Deprecation = r.deprecation()
	}
}

func (r *reader) storageEntry(version uint8) StorageEntry {
	e := StorageEntry{Name: r.str()}
	switch m := r.u8(); m {
	case 0, 1:
		e.Modifier = StorageModifier(m)
	default:
		r.fail(fmt.Errorf("%w: storage modifier %d", ErrMalformed, m))
	}
	switch k := r.u8(); k {
	case 0:
		e.Value = r.compact32()
	case 1:
		e.IsMap = true
		n := r.length(1)
		e.Hashers = make([]hash.Hasher, 0, capHint(n))
		for i := 0; i < n && r.err == nil; i++ {
			h := hash.Hasher(r.u8())
			if r.err == nil && !h.Valid() {
				r.fail(fmt.Errorf("%w: storage hasher %d", ErrMalformed, h))
			}
			e.Hashers = append(e.Hashers, h)
		}
		e.Key = r.compact32()
		e.Value = r.compact32()
	default:
		r.fail(fmt.Errorf("%w: storage entry type %d", ErrMalformed, k))
	}
	e.Default = r.bytes()
	e.Docs = r.strs()
	if version >= 16 {
		e.Deprecation = r.deprecation()
	}
	if r.err != nil {
		r.err = fmt.Errorf("storage entry %s: %w", e.Name, r.err)
	}
	return e
}

func (r *reader) extension() Extension {
	return Extension{Identifier: r.str(), Type: r.compact32(), Implicit: r.compact32()}
}

func (r *reader) extrinsic(x *Extrinsic, version uint8) {
	switch version {
	case 14:
		x.Type = r.compact32()
		x.Versions = []uint8{r.u8()}
	case 15:
		x.Versions = []uint8{r.u8()}
		x.AddressType, x.CallType, x.SignatureType, x.ExtraType = r.compact32(), r.compact32(), r.compact32(), r.compact32()
		x.HasTypes = true
	default:
		n := r.length(1)
		b := make([]byte, 0, capHint(n))
		for i := 0; i < n && r.err == nil; i++ {
			b = append(b, r.u8())
		}
		x.Versions = b
		x.AddressType, x.CallType, x.SignatureType = r.compact32(), r.compact32(), r.compact32()
		x.HasTypes = true
		n = r.length(2)
		for i := 0; i < n && r.err == nil; i++ {
			ev := ExtensionVersion{Version: r.u8()}
			m := r.length(1)
			for j := 0; j < m && r.err == nil; j++ {
				ev.Indices = append(ev.Indices, r.compact32())
			}
			if i > 0 && ev.Version <= x.ExtensionsByVersion[i-1].Version {
				r.fail(fmt.Errorf("%w: extension versions not strictly ascending", ErrMalformed))
			}
			x.ExtensionsByVersion = append(x.ExtensionsByVersion, ev)
		}
	}
	n := r.length(3)
	x.Extensions = make([]Extension, 0, capHint(n))
	for i := 0; i < n && r.err == nil; i++ {
		x.Extensions = append(x.Extensions, r.extension())
	}
}

func (r *reader) runtimeAPI(version uint8) RuntimeAPI {
	a := RuntimeAPI{Name: r.str()}
	n := r.length(4)
	for i := 0; i < n && r.err == nil; i++ {
		m := RuntimeAPIMethod{Name: r.str(), Inputs: r.params(), Output: r.compact32(), Docs: r.strs()}
		if version >= 16 {
			m.Deprecation = r.deprecation()
		}
		a.Methods = append(a.Methods, m)
	}
	a.Docs = r.strs()
	if version >= 16 {
		a.Version = r.compact32()
		a.Deprecation = r.deprecation()
	}
	return a
}

// validate checks that every type id the metadata refers to exists.
func (m *Metadata) validate() error {
	n := uint64(len(m.Types.Types))
	bad := func(id TypeID, what string) error {
		if uint64(id) >= n {
			return fmt.Errorf("%w: %s refers to type %d, registry has %d", ErrMalformed, what, id, n)
		}
		return nil
	}
	var errs []error
	check := func(id TypeID, what string) {
		if err := bad(id, what); err != nil && len(errs) == 0 {
			errs = append(errs, err)
		}
	}
	for i := range m.Types.Types {
		t := &m.Types.Types[i]
		for _, p := range t.Params {
			if p.HasType {
				check(p.Type, "type parameter")
			}
		}
		d := &t.Def
		switch d.Kind {
		case KindComposite:
			for _, f := range d.Fields {
				check(f.Type, "field")
			}
		case KindVariant:
			for _, v := range d.Variants {
				for _, f := range v.Fields {
					check(f.Type, "field")
				}
			}
		case KindSequence, KindArray, KindCompact:
			check(d.Elem, "element")
		case KindTuple:
			for _, e := range d.Tuple {
				check(e, "tuple element")
			}
		case KindBitSequence:
			check(d.BitStore, "bit store")
			check(d.BitOrder, "bit order")
		}
	}
	for _, p := range m.Pallets {
		for _, e := range []*PalletEnum{p.Calls, p.Events, p.Errors} {
			if e != nil {
				check(e.Type, "pallet "+p.Name)
			}
		}
		if p.Storage != nil {
			for _, e := range p.Storage.Entries {
				check(e.Value, "storage "+e.Name)
				if e.IsMap {
					check(e.Key, "storage key "+e.Name)
				}
			}
		}
		for _, c := range p.Constants {
			check(c.Type, "constant "+c.Name)
		}
	}
	x := &m.Extrinsic
	if m.Version == 14 {
		check(x.Type, "extrinsic")
	} else {
		check(x.AddressType, "extrinsic address")
		check(x.CallType, "extrinsic call")
		check(x.SignatureType, "extrinsic signature")
	}
	for _, e := range x.Extensions {
		check(e.Type, "extension "+e.Identifier)
		check(e.Implicit, "extension "+e.Identifier)
	}
	for _, ev := range x.ExtensionsByVersion {
		for _, i := range ev.Indices {
			if uint64(i) >= uint64(len(x.Extensions)) && len(errs) == 0 {
				errs = append(errs, fmt.Errorf("%w: extension version %d refers to extension %d of %d", ErrMalformed, ev.Version, i, len(x.Extensions)))
			}
		}
	}
	if m.OuterEnums != nil {
		check(m.OuterEnums.Call, "outer call enum")
		check(m.OuterEnums.Event, "outer event enum")
		check(m.OuterEnums.Error, "outer error enum")
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// finish fills derived fields: v14 extrinsic types from the
// UncheckedExtrinsic type parameters, and the synthesized extension version
// 0 for v14/v15.
func (m *Metadata) finish() {
	x := &m.Extrinsic
	if m.Version == 14 {
		t := &m.Types.Types[x.Type]
		found := 0
		for _, p := range t.Params {
			if !p.HasType {
				continue
			}
			switch p.Name {
			case "Address":
				x.AddressType, found = p.Type, found|1
			case "Call":
				x.CallType, found = p.Type, found|2
			case "Signature":
				x.SignatureType, found = p.Type, found|4
			case "Extra":
				x.ExtraType, found = p.Type, found|8
			}
		}
		x.HasTypes = found == 15
	}
	if m.Version <= 15 {
		idx := make([]uint32, len(x.Extensions))
		for i := range idx {
			idx[i] = uint32(i)
		}
		x.ExtensionsByVersion = []ExtensionVersion{{Version: 0, Indices: idx}}
	}
}
