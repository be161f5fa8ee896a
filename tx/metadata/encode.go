package metadata

import (
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Encode returns the prefixed metadata bytes ("meta" + version + body) in
// the format of m.Version. For metadata produced by Decode the result equals
// the decoded bytes.
func (m *Metadata) Encode() []byte {
	b := make([]byte, 0, 1<<16)
	b = append(b, Magic[:]...)
	b = append(b, m.Version)
	b = encRegistry(b, &m.Types)
	b = scale.AppendCompact(b, uint64(len(m.Pallets)))
	for i := range m.Pallets {
		b = encPallet(b, &m.Pallets[i], m.Version)
	}
	b = encExtrinsic(b, &m.Extrinsic, m.Version)
	if m.Version <= 15 {
		b = scale.AppendCompact(b, uint64(m.RuntimeType))
	}
	if m.Version == 14 {
		return b
	}
	b = scale.AppendCompact(b, uint64(len(m.APIs)))
	for i := range m.APIs {
		b = encAPI(b, &m.APIs[i], m.Version)
	}
	oe := m.OuterEnums
	if oe == nil {
		oe = &OuterEnums{}
	}
	b = scale.AppendCompact(b, uint64(oe.Call))
	b = scale.AppendCompact(b, uint64(oe.Event))
	b = scale.AppendCompact(b, uint64(oe.Error))
	b = scale.AppendCompact(b, uint64(len(m.Custom)))
	for _, c := range m.Custom {
		b = scale.AppendString(b, c.Name)
		b = scale.AppendCompact(b, uint64(c.Type))
		b = scale.AppendBytes(b, c.Value)
	}
	return b
}

func encStrs(b []byte, ss []string) []byte {
	b = scale.AppendCompact(b, uint64(len(ss)))
	for _, s := range ss {
		b = scale.AppendString(b, s)
	}
	return b
}

func encOptStr(b []byte, s string) []byte {
	if s == "" {
		return append(b, 0)
	}
	return scale.AppendString(append(b, 1), s)
}

func encRegistry(b []byte, r *Registry) []byte {
	b = scale.AppendCompact(b, uint64(len(r.Types)))
	for i := range r.Types {
		t := &r.Types[i]
		b = scale.AppendCompact(b, uint64(t.ID))
		b = encStrs(b, t.Path)
		b = scale.AppendCompact(b, uint64(len(t.Params)))
		for _, p := range t.Params {
			b = scale.AppendString(b, p.Name)
			if p.HasType {
				b = scale.AppendCompact(append(b, 1), uint64(p.Type))
			} else {
				b = append(b, 0)
			}
		}
		b = encTypeDef(b, &t.Def)
		b = encStrs(b, t.Docs)
	}
	return b
}

func encFields(b []byte, fs []Field) []byte {
	b = scale.AppendCompact(b, uint64(len(fs)))
	for _, f := range fs {
		b = encOptStr(b, f.Name)
		b = scale.AppendCompact(b, uint64(f.Type))
		b = encOptStr(b, f.TypeName)
		b = encStrs(b, f.Docs)
	}
	return b
}

func encTypeDef(b []byte, d *TypeDef) []byte {
	b = append(b, byte(d.Kind))
	switch d.Kind {
	case KindComposite:
		b = encFields(b, d.Fields)
	case KindVariant:
		b = scale.AppendCompact(b, uint64(len(d.Variants)))
		for _, v := range d.Variants {
			b = scale.AppendString(b, v.Name)
			b = encFields(b, v.Fields)
			b = append(b, v.Index)
			b = encStrs(b, v.Docs)
		}
	case KindSequence, KindCompact:
		b = scale.AppendCompact(b, uint64(d.Elem))
	case KindArray:
		b = scale.AppendU32(b, d.Len)
		b = scale.AppendCompact(b, uint64(d.Elem))
	case KindTuple:
		b = scale.AppendCompact(b, uint64(len(d.Tuple)))
		for _, e := range d.Tuple {
			b = scale.AppendCompact(b, uint64(e))
		}
	case KindPrimitive:
		b = append(b, byte(d.Primitive))
	case KindBitSequence:
		b = scale.AppendCompact(b, uint64(d.BitStore))
		b = scale.AppendCompact(b, uint64(d.BitOrder))
	}
	return b
}

func encDeprecationBody(b []byte, d Deprecation) []byte {
	b = scale.AppendString(b, d.Note)
	if d.HasSince {
		return scale.AppendString(append(b, 1), d.Since)
	}
	return append(b, 0)
}

func encDeprecation(b []byte, d Deprecation) []byte {
	b = append(b, byte(d.Kind))
	if d.Kind == Deprecated {
		b = encDeprecationBody(b, d)
	}
	return b
}

// encDocsDeprecation appends an item's docs and, from metadata v16, its
// deprecation status.
func encDocsDeprecation(b []byte, docs []string, d Deprecation, version uint8) []byte {
	b = encStrs(b, docs)
	if version >= 16 {
		b = encDeprecation(b, d)
	}
	return b
}

func encPalletEnum(b []byte, e *PalletEnum, version uint8) []byte {
	if e == nil {
		return append(b, 0)
	}
	b = scale.AppendCompact(append(b, 1), uint64(e.Type))
	if version >= 16 {
		b = scale.AppendCompact(b, uint64(len(e.Deprecated)))
		for _, vd := range e.Deprecated {
			b = append(b, vd.Index)
			b = encDeprecation(b, vd.Deprecation)
		}
	}
	return b
}

func encParams(b []byte, ps []Param) []byte {
	b = scale.AppendCompact(b, uint64(len(ps)))
	for _, p := range ps {
		b = scale.AppendString(b, p.Name)
		b = scale.AppendCompact(b, uint64(p.Type))
	}
	return b
}

func encPallet(b []byte, p *Pallet, version uint8) []byte {
	b = scale.AppendString(b, p.Name)
	if p.Storage == nil {
		b = append(b, 0)
	} else {
		b = scale.AppendString(append(b, 1), p.Storage.Prefix)
		b = scale.AppendCompact(b, uint64(len(p.Storage.Entries)))
		for i := range p.Storage.Entries {
			e := &p.Storage.Entries[i]
			b = scale.AppendString(b, e.Name)
			b = append(b, byte(e.Modifier))
			if e.IsMap {
				b = append(b, 1)
				b = scale.AppendCompact(b, uint64(len(e.Hashers)))
				for _, h := range e.Hashers {
					b = append(b, byte(h))
				}
				b = scale.AppendCompact(b, uint64(e.Key))
			} else {
				b = append(b, 0)
			}
			b = scale.AppendCompact(b, uint64(e.Value))
			b = scale.AppendBytes(b, e.Default)
			b = encDocsDeprecation(b, e.Docs, e.Deprecation, version)
		}
	}
	b = encPalletEnum(b, p.Calls, version)
	b = encPalletEnum(b, p.Events, version)
	b = scale.AppendCompact(b, uint64(len(p.Constants)))
	for _, c := range p.Constants {
		b = scale.AppendString(b, c.Name)
		b = scale.AppendCompact(b, uint64(c.Type))
		b = scale.AppendBytes(b, c.Value)
		b = encDocsDeprecation(b, c.Docs, c.Deprecation, version)
	}
	b = encPalletEnum(b, p.Errors, version)
	if version >= 16 {
		b = scale.AppendCompact(b, uint64(len(p.AssociatedTypes)))
		for _, a := range p.AssociatedTypes {
			b = scale.AppendString(b, a.Name)
			b = scale.AppendCompact(b, uint64(a.Type))
			b = encStrs(b, a.Docs)
		}
		b = scale.AppendCompact(b, uint64(len(p.ViewFunctions)))
		for _, vf := range p.ViewFunctions {
			b = append(b, vf.ID[:]...)
			b = scale.AppendString(b, vf.Name)
			b = encParams(b, vf.Inputs)
			b = scale.AppendCompact(b, uint64(vf.Output))
			b = encStrs(b, vf.Docs)
			b = encDeprecation(b, vf.Deprecation)
		}
	}
	b = append(b, p.Index)
	if version >= 15 {
		b = encStrs(b, p.Docs)
	}
	if version >= 16 {
		b = encDeprecation(b, p.Deprecation)
	}
	return b
}

func encExtrinsic(b []byte, x *Extrinsic, version uint8) []byte {
	ver := uint8(0)
	if len(x.Versions) > 0 {
		ver = x.Versions[0]
	}
	switch version {
	case 14:
		b = scale.AppendCompact(b, uint64(x.Type))
		b = append(b, ver)
	case 15:
		b = append(b, ver)
		for _, t := range []TypeID{x.AddressType, x.CallType, x.SignatureType, x.ExtraType} {
			b = scale.AppendCompact(b, uint64(t))
		}
	default:
		b = scale.AppendBytes(b, x.Versions)
		for _, t := range []TypeID{x.AddressType, x.CallType, x.SignatureType} {
			b = scale.AppendCompact(b, uint64(t))
		}
		b = scale.AppendCompact(b, uint64(len(x.ExtensionsByVersion)))
		for _, ev := range x.ExtensionsByVersion {
			b = append(b, ev.Version)
			b = scale.AppendCompact(b, uint64(len(ev.Indices)))
			for _, i := range ev.Indices {
				b = scale.AppendCompact(b, uint64(i))
			}
		}
	}
	b = scale.AppendCompact(b, uint64(len(x.Extensions)))
	for _, e := range x.Extensions {
		b = scale.AppendString(b, e.Identifier)
		b = scale.AppendCompact(b, uint64(e.Type))
		b = scale.AppendCompact(b, uint64(e.Implicit))
	}
	return b
}

func encAPI(b []byte, a *RuntimeAPI, version uint8) []byte {
	b = scale.AppendString(b, a.Name)
	b = scale.AppendCompact(b, uint64(len(a.Methods)))
	for _, m := range a.Methods {
		b = scale.AppendString(b, m.Name)
		b = encParams(b, m.Inputs)
		b = scale.AppendCompact(b, uint64(m.Output))
		b = encDocsDeprecation(b, m.Docs, m.Deprecation, version)
	}
	b = encStrs(b, a.Docs)
	if version >= 16 {
		b = scale.AppendCompact(b, uint64(a.Version))
		b = encDeprecation(b, a.Deprecation)
	}
	return b
}
