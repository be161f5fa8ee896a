package metadata

import (
	"errors"
	"fmt"
	"slices"

	"github.com/ksm-wallet/ksm/tx/scale"
)

// ChainInfo is what RFC-0078 reads from the metadata itself: spec name and
// version from the System.Version constant and the SS58 prefix from
// System.SS58Prefix. Has* report which were found.
type ChainInfo struct {
	SpecName    string
	SpecVersion uint32
	HasVersion  bool
	// TxVersion is the runtime's transaction_version, when System.Version
	// carries it (RuntimeVersion after the apis list).
	TxVersion    uint32
	HasTxVersion bool
	Base58Prefix uint16
	HasPrefix    bool
}

// ChainInfo reads the System.Version and System.SS58Prefix constants.
func (m *Metadata) ChainInfo() (ChainInfo, error) {
	var ci ChainInfo
	for i := range m.Pallets {
		p := &m.Pallets[i]
		if p.Name != "System" {
			continue
		}
		for _, c := range p.Constants {
			switch c.Name {
			case "Version":
				// RuntimeVersion starts spec_name, impl_name, authoring_version, spec_version.
				d := scale.NewDecoder(c.Value)
				name, err := d.String()
				if err == nil {
					_, err = d.String()
				}
				if err == nil {
					_, err = d.U32()
				}
				var v uint32
				if err == nil {
					v, err = d.U32()
				}
				if err != nil {
					return ci, fmt.Errorf("decode System.Version constant: %w", err)
				}
				ci.SpecName, ci.SpecVersion, ci.HasVersion = name, v, true
				ci.TxVersion, ci.HasTxVersion = transactionVersion(d)
			case "SS58Prefix":
				d := scale.NewDecoder(c.Value)
				var v uint64
				switch len(c.Value) {
				case 1:
					u, _ := d.U8()
					v = uint64(u)
				case 2:
					u, _ := d.U16()
					v = uint64(u)
				default:
					return ci, fmt.Errorf("System.SS58Prefix constant has %d bytes", len(c.Value))
				}
				ci.Base58Prefix, ci.HasPrefix = uint16(v), true
			}
		}
	}
	return ci, nil
}

// transactionVersion reads the rest of a RuntimeVersion after spec_version:
// impl_version, the apis list and transaction_version; false when the value
// ends before it.
func transactionVersion(d *scale.Decoder) (uint32, bool) {
	if _, err := d.U32(); err != nil { // impl_version
		return 0, false
	}
	n, err := d.Len(12) // apis: ([u8; 8], u32) each
	if err != nil {
		return 0, false
	}
	if _, err := d.Take(12 * n); err != nil {
		return 0, false
	}
	v, err := d.U32()
	return v, err == nil
}

// ErrMerkleUnsupported means metadata the RFC-0078 digest cannot be computed for.
var ErrMerkleUnsupported = errors.New("metadata: RFC-0078 digest unsupported for this metadata")

// MerkleInfo fills the RFC-0078 extra information: spec name, spec version and
// SS58 prefix come from the metadata's constants; a non-zero value given in
// want must agree with them (an empty/zero field of want is taken from the
// metadata). Decimals and TokenSymbol come from want.
func (m *Metadata) MerkleInfo(want MerkleExtraInfo, wantPrefix bool) (MerkleExtraInfo, error) {
	ci, err := m.ChainInfo()
	if err != nil {
		return want, err
	}
	info := want
	if !ci.HasPrefix {
		if !wantPrefix {
			return want, fmt.Errorf("%w: no System.SS58Prefix constant; give the prefix", ErrMerkleUnsupported)
		}
	} else if wantPrefix && want.Base58Prefix != ci.Base58Prefix {
		return want, fmt.Errorf("%w: SS58 prefix %d, metadata says %d", ErrMerkleUnsupported, want.Base58Prefix, ci.Base58Prefix)
	} else {
		info.Base58Prefix = ci.Base58Prefix
	}
	if ci.HasVersion {
		if want.SpecName != "" && want.SpecName != ci.SpecName {
			return want, fmt.Errorf("%w: spec name %q, metadata says %q", ErrMerkleUnsupported, want.SpecName, ci.SpecName)
		}
		if want.SpecVersion != 0 && want.SpecVersion != ci.SpecVersion {
			return want, fmt.Errorf("%w: spec version %d, metadata says %d", ErrMerkleUnsupported, want.SpecVersion, ci.SpecVersion)
		}
		info.SpecName, info.SpecVersion = ci.SpecName, ci.SpecVersion
	} else if want.SpecName == "" {
		return want, fmt.Errorf("%w: no System.Version constant; give spec name and version", ErrMerkleUnsupported)
	}
	return info, nil
}

// MerkleizeFor is Merkleize with the extra information MerkleInfo fills
// from want (and wantPrefix) and the metadata's constants.
func (m *Metadata) MerkleizeFor(want MerkleExtraInfo, wantPrefix bool) (*Merkleized, error) {
	info, err := m.MerkleInfo(want, wantPrefix)
	if err != nil {
		return nil, err
	}
	return m.Merkleize(info)
}

// Merkleize converts metadata (v15 or later, with extrinsic version 4) into
// its RFC-0078 form: the types reachable from the call, address, signature
// and transaction extensions become the leaves of the type-information tree.
func (m *Metadata) Merkleize(info MerkleExtraInfo) (*Merkleized, error) {
	if m.Version < 15 {
		return nil, fmt.Errorf("%w: metadata v%d (RFC-0078 needs v15 or later)", ErrMerkleUnsupported, m.Version)
	}
	if !slices.Contains(m.Extrinsic.Versions, 4) {
		return nil, fmt.Errorf("%w: extrinsic version 4 not supported by the runtime", ErrMerkleUnsupported)
	}
	var exts []Extension
	found := false
	for _, ev := range m.Extrinsic.ExtensionsByVersion {
		if ev.Version != 0 {
			continue
		}
		found = true
		for _, i := range ev.Indices {
			if int(i) >= len(m.Extrinsic.Extensions) {
				return nil, fmt.Errorf("%w: extension index %d", ErrMerkleUnsupported, i)
			}
			exts = append(exts, m.Extrinsic.Extensions[i])
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: no transaction extensions of version 0", ErrMerkleUnsupported)
	}
	b := merkleBuilder{reg: &m.Types, accessible: map[TypeID]bool{}}
	roots := []TypeID{m.Extrinsic.CallType, m.Extrinsic.AddressType, m.Extrinsic.SignatureType}
	for _, x := range exts {
		roots = append(roots, x.Type, x.Implicit)
	}
	for _, r := range roots {
		if err := b.collect(r, 0); err != nil {
			return nil, err
		}
	}
	ids := make([]TypeID, 0, len(b.accessible))
	for id := range b.accessible {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b.index = make(map[TypeID]uint32, len(ids))
	for i, id := range ids {
		b.index[id] = uint32(i)
	}

	var ext MerkleExtrinsic
	ext.Version = 4
	var err error
	if ext.Address, err = b.ref(m.Extrinsic.AddressType); err != nil {
		return nil, err
	}
	if ext.Call, err = b.ref(m.Extrinsic.CallType); err != nil {
		return nil, err
	}
	if ext.Signature, err = b.ref(m.Extrinsic.SignatureType); err != nil {
		return nil, err
	}
	for _, x := range exts {
		e := MerkleExtension{Identifier: x.Identifier}
		if e.IncludedInExtrinsic, err = b.ref(x.Type); err != nil {
			return nil, err
		}
		if e.IncludedInSignedData, err = b.ref(x.Implicit); err != nil {
			return nil, err
		}
		ext.Extensions = append(ext.Extensions, e)
	}

	var leaves []MerkleLeaf
	for _, id := range ids {
		ls, err := b.leaves(id)
		if err != nil {
			return nil, err
		}
		leaves = append(leaves, ls...)
	}
	// Leaves are ordered by type id, then variant index.
	slices.SortStableFunc(leaves, func(a, b MerkleLeaf) int {
		if a.TypeID != b.TypeID {
			return int(a.TypeID) - int(b.TypeID)
		}
		return int(a.Def.VariantIndex) - int(b.Def.VariantIndex)
	})
	return NewMerkleized(leaves, ext, info), nil
}

type merkleBuilder struct {
	reg        *Registry
	accessible map[TypeID]bool
	index      map[TypeID]uint32
}

// collect marks the types that become leaves: non-empty composites, enums
// and tuples, sequences, arrays and bit sequences reachable from id.
func (b *merkleBuilder) collect(id TypeID, depth int) error {
	if b.accessible[id] {
		return nil
	}
	if depth > 4096 {
		return fmt.Errorf("%w: type %d nested too deeply", ErrMerkleUnsupported, id)
	}
	t, err := b.reg.Type(id)
	if err != nil {
		return err
	}
	d := &t.Def
	var next []TypeID
	switch d.Kind {
	case KindComposite:
		if len(d.Fields) == 0 {
			return nil
		}
		for _, f := range d.Fields {
			next = append(next, f.Type)
		}
	case KindVariant:
		if len(d.Variants) == 0 {
			return nil
		}
		for _, v := range d.Variants {
			for _, f := range v.Fields {
				next = append(next, f.Type)
			}
		}
	case KindTuple:
		if len(d.Tuple) == 0 {
			return nil
		}
		next = d.Tuple
	case KindSequence, KindArray:
		next = []TypeID{d.Elem}
	case KindBitSequence:
	default:
		return nil
	}
	b.accessible[id] = true
	for _, n := range next {
		if err := b.collect(n, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// primitive returns the primitive a type stands for, looking through
// single-field composites and tuples; ok false for an empty one.
func (b *merkleBuilder) primitive(id TypeID) (p Primitive, ok bool, err error) {
	for range 64 {
		t, err := b.reg.Type(id)
		if err != nil {
			return 0, false, err
		}
		d := &t.Def
		switch {
		case d.Kind == KindPrimitive:
			return d.Primitive, true, nil
		case d.Kind == KindComposite && len(d.Fields) == 0, d.Kind == KindTuple && len(d.Tuple) == 0:
			return 0, false, nil
		case d.Kind == KindComposite && len(d.Fields) == 1:
			id = d.Fields[0].Type
		case d.Kind == KindTuple && len(d.Tuple) == 1:
			id = d.Tuple[0]
		default:
			return 0, false, fmt.Errorf("%w: type %d (%s) is not a primitive", ErrMerkleUnsupported, id, b.reg.Name(id))
		}
	}
	return 0, false, fmt.Errorf("%w: type %d nests too deeply", ErrMerkleUnsupported, id)
}

var compactRefs = map[Primitive]uint8{U8: RefCompactU8, U16: RefCompactU16, U32: RefCompactU32, U64: RefCompactU64, U128: RefCompactU128, U256: RefCompactU256}

func (b *merkleBuilder) ref(id TypeID) (MerkleTypeRef, error) {
	t, err := b.reg.Type(id)
	if err != nil {
		return MerkleTypeRef{}, err
	}
	switch t.Def.Kind {
	case KindPrimitive:
		if t.Def.Primitive > I256 {
			return MerkleTypeRef{}, fmt.Errorf("%w: primitive %d", ErrMerkleUnsupported, t.Def.Primitive)
		}
		return MerkleTypeRef{Kind: uint8(t.Def.Primitive)}, nil
	case KindCompact:
		p, ok, err := b.primitive(t.Def.Elem)
		if err != nil {
			return MerkleTypeRef{}, err
		}
		if !ok {
			return MerkleTypeRef{Kind: RefVoid}, nil
		}
		k, found := compactRefs[p]
		if !found {
			return MerkleTypeRef{}, fmt.Errorf("%w: Compact<%s>", ErrMerkleUnsupported, p)
		}
		return MerkleTypeRef{Kind: k}, nil
	}
	if i, ok := b.index[id]; ok {
		return MerkleTypeRef{Kind: RefPerID, ID: i}, nil
	}
	return MerkleTypeRef{Kind: RefVoid}, nil
}

func optName(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (b *merkleBuilder) fields(fs []Field) ([]MerkleField, error) {
	out := make([]MerkleField, len(fs))
	for i, f := range fs {
		r, err := b.ref(f.Type)
		if err != nil {
			return nil, err
		}
		out[i] = MerkleField{Name: optName(f.Name), Ty: r, TypeName: optName(f.TypeName)}
	}
	return out, nil
}

var bitStoreBytes = map[Primitive]uint8{U8: 1, U16: 2, U32: 4, U64: 8}

// leaves returns the leaves of one accessible type: one per enum variant,
// else one.
func (b *merkleBuilder) leaves(id TypeID) ([]MerkleLeaf, error) {
	t, err := b.reg.Type(id)
	if err != nil {
		return nil, err
	}
	tid := b.index[id]
	path := t.Path
	if path == nil {
		path = []string{}
	}
	d := &t.Def
	one := func(def MerkleTypeDef) []MerkleLeaf { return []MerkleLeaf{{Path: path, Def: def, TypeID: tid}} }
	switch d.Kind {
	case KindComposite:
		fs, err := b.fields(d.Fields)
		if err != nil {
			return nil, err
		}
		return one(MerkleTypeDef{Kind: DefComposite, Fields: fs}), nil
	case KindVariant:
		out := make([]MerkleLeaf, 0, len(d.Variants))
		for _, v := range d.Variants {
			fs, err := b.fields(v.Fields)
			if err != nil {
				return nil, err
			}
			out = append(out, MerkleLeaf{Path: path, TypeID: tid, Def: MerkleTypeDef{
				Kind: DefEnumeration, VariantName: v.Name, VariantIndex: uint32(v.Index), Fields: fs}})
		}
		return out, nil
	case KindSequence, KindArray:
		r, err := b.ref(d.Elem)
		if err != nil {
			return nil, err
		}
		if d.Kind == KindSequence {
			return one(MerkleTypeDef{Kind: DefSequence, Elem: r}), nil
		}
		return one(MerkleTypeDef{Kind: DefArray, Len: d.Len, Elem: r}), nil
	case KindTuple:
		rs := make([]MerkleTypeRef, len(d.Tuple))
		for i, e := range d.Tuple {
			if rs[i], err = b.ref(e); err != nil {
				return nil, err
			}
		}
		return one(MerkleTypeDef{Kind: DefTuple, Tuple: rs}), nil
	case KindBitSequence:
		p, ok, err := b.primitive(d.BitStore)
		if err != nil {
			return nil, err
		}
		n := bitStoreBytes[p]
		if !ok || n == 0 {
			return nil, fmt.Errorf("%w: bit sequence store type %s", ErrMerkleUnsupported, b.reg.Name(d.BitStore))
		}
		ot, err := b.reg.Type(d.BitOrder)
		if err != nil {
			return nil, err
		}
		lsb := slices.Contains(ot.Path, "Lsb0")
		if !lsb && !slices.Contains(ot.Path, "Msb0") {
			return nil, fmt.Errorf("%w: bit order type %s", ErrMerkleUnsupported, b.reg.Name(d.BitOrder))
		}
		return one(MerkleTypeDef{Kind: DefBitSequence, NumBytes: n, LSBFirst: lsb}), nil
	}
	return nil, fmt.Errorf("%w: type %d should not be a leaf", ErrMerkleUnsupported, id)
}
