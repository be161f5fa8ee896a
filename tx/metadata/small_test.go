package metadata

import (
	"bytes"
	"testing"

	"github.com/ksm-wallet/ksm/tx/hash"
)

// smallMetadata builds a small metadata of the given version using every
// kind of type definition and (for v16) every deprecation form.
func smallMetadata(version uint8) *Metadata {
	types := []Type{
		{Def: TypeDef{Kind: KindPrimitive, Primitive: U8}},
		{Def: TypeDef{Kind: KindPrimitive, Primitive: U32}},
		{Path: []string{"sp_core", "crypto", "AccountId32"}, Def: TypeDef{Kind: KindComposite, Fields: []Field{{Type: 3, TypeName: "[u8; 32]"}}}},
		{Def: TypeDef{Kind: KindArray, Len: 32, Elem: 0}},
		{Def: TypeDef{Kind: KindSequence, Elem: 0}},
		{Def: TypeDef{Kind: KindCompact, Elem: 1}},
		{Def: TypeDef{Kind: KindTuple, Tuple: []TypeID{1, 2}}},
		{Path: []string{"bitvec", "order", "Lsb0"}, Def: TypeDef{Kind: KindComposite}},
		{Def: TypeDef{Kind: KindBitSequence, BitStore: 0, BitOrder: 7}},
		{Path: []string{"pallet_test", "pallet", "Call"}, Params: []TypeParam{{Name: "T"}, {Name: "I", Type: 1, HasType: true}},
			Def: TypeDef{Kind: KindVariant, Variants: []Variant{
				{Name: "poke", Index: 0, Fields: []Field{{Name: "who", Type: 2, TypeName: "AccountId"}, {Name: "amount", Type: 5}}, Docs: []string{"Poke someone."}},
				{Name: "bits", Index: 3, Fields: []Field{{Name: "b", Type: 8}}},
			}}, Docs: []string{"Calls."}},
		{Path: []string{"Option"}, Params: []TypeParam{{Name: "T", Type: 1, HasType: true}}, Def: TypeDef{Kind: KindVariant, Variants: []Variant{
			{Name: "None", Index: 0}, {Name: "Some", Index: 1, Fields: []Field{{Type: 1}}},
		}}},
		{Path: []string{"runtime", "RuntimeCall"}, Def: TypeDef{Kind: KindVariant, Variants: []Variant{{Name: "Test", Index: 7, Fields: []Field{{Type: 9}}}}}},
		{Path: []string{"sp_runtime", "generic", "UncheckedExtrinsic"}, Params: []TypeParam{
			{Name: "Address", Type: 2, HasType: true}, {Name: "Call", Type: 11, HasType: true}, {Name: "Signature", Type: 3, HasType: true}, {Name: "Extra", Type: 6, HasType: true},
		}, Def: TypeDef{Kind: KindSequence, Elem: 0}},
		{Def: TypeDef{Kind: KindPrimitive, Primitive: Str}},
	}
	for i := range types {
		types[i].ID = TypeID(i)
	}
	dep := Deprecation{}
	dep2 := Deprecation{}
	if version >= 16 {
		dep = Deprecation{Kind: Deprecated, Note: "use poke2", Since: "1.2", HasSince: true}
		dep2 = Deprecation{Kind: DeprecatedWithoutNote}
	}
	calls := &PalletEnum{Type: 9}
	if version >= 16 {
		calls.Deprecated = []VariantDeprecation{{Index: 0, Deprecation: dep2}, {Index: 3, Deprecation: Deprecation{Kind: Deprecated, Note: "x"}}}
	}
	p := Pallet{
		Name: "Test", Index: 7,
		Storage: &PalletStorage{Prefix: "Test", Entries: []StorageEntry{
			{Name: "Plain", Modifier: DefaultModifier, Value: 1, Default: []byte{0, 0, 0, 0}, Docs: []string{"A value."}, Deprecation: dep},
			{Name: "Map", Modifier: Optional, IsMap: true, Hashers: []hash.Hasher{hash.Blake2_128Concat, hash.Twox64Concat}, Key: 6, Value: 10, Default: []byte{0}},
		}},
		Calls:     calls,
		Constants: []Constant{{Name: "Limit", Type: 1, Value: []byte{1, 0, 0, 0}, Docs: []string{"Limit."}, Deprecation: dep2}},
	}
	if version >= 15 {
		p.Docs = []string{"The test pallet."}
	}
	m := &Metadata{Version: version, Types: Registry{Types: types}, Pallets: []Pallet{p, {Name: "Empty", Index: 9}}}
	m.Extrinsic.Extensions = []Extension{{Identifier: "CheckNonce", Type: 5, Implicit: 6}, {Identifier: "CheckMortality", Type: 0, Implicit: 3}}
	switch version {
	case 14:
		m.Extrinsic.Type, m.Extrinsic.Versions = 12, []uint8{4}
	case 15:
		m.Extrinsic.Versions = []uint8{4}
		m.Extrinsic.AddressType, m.Extrinsic.CallType, m.Extrinsic.SignatureType, m.Extrinsic.ExtraType = 2, 11, 3, 6
	default:
		m.Extrinsic.Versions = []uint8{4, 5}
		m.Extrinsic.AddressType, m.Extrinsic.CallType, m.Extrinsic.SignatureType = 2, 11, 3
		m.Extrinsic.ExtensionsByVersion = []ExtensionVersion{{Version: 0, Indices: []uint32{1, 0}}, {Version: 1, Indices: []uint32{0}}}
		m.Pallets[0].AssociatedTypes = []AssociatedType{{Name: "Balance", Type: 1, Docs: []string{"b"}}}
		m.Pallets[0].ViewFunctions = []ViewFunction{{ID: [32]byte{1, 2}, Name: "peek", Inputs: []Param{{"who", 2}}, Output: 10, Deprecation: dep}}
		m.Pallets[0].Deprecation = dep2
	}
	if version >= 15 {
		m.APIs = []RuntimeAPI{{Name: "TestApi", Methods: []RuntimeAPIMethod{{Name: "get", Inputs: []Param{{"x", 1}}, Output: 10, Docs: []string{"Get."}, Deprecation: dep}}, Docs: []string{"Api."}}}
		if version >= 16 {
			m.APIs[0].Version = 3
		}
		m.OuterEnums = &OuterEnums{Call: 11, Event: 9, Error: 9}
		m.Custom = []CustomValue{{Name: "a", Type: 1, Value: []byte{1, 2, 3, 4}}, {Name: "b", Type: 13, Value: []byte{0}}}
	} else {
		m.RuntimeType = 0
	}
	return m
}

func TestSmallMetadataRoundTrip(t *testing.T) {
	for _, v := range []uint8{14, 15, 16} {
		m := smallMetadata(v)
		b := m.Encode()
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("v%d: %v", v, err)
		}
		if !bytes.Equal(got.Encode(), b) {
			t.Fatalf("v%d: re-encoding differs", v)
		}
		it, err := got.Call("Test", "bits")
		if err != nil || it.Variant.Index != 3 {
			t.Fatalf("v%d: %v", v, err)
		}
		if v >= 16 && (it.Deprecation.Kind != Deprecated || it.Deprecation.Note != "x") {
			t.Fatalf("v16 variant deprecation %+v", it.Deprecation)
		}
		if !got.Extrinsic.HasTypes || got.Extrinsic.CallType != 11 || got.Extrinsic.AddressType != 2 {
			t.Fatalf("v%d extrinsic %+v", v, got.Extrinsic)
		}
		ext, err := got.Extrinsic.ExtensionsFor(0)
		if err != nil {
			t.Fatal(err)
		}
		if v == 16 && (len(ext) != 2 || ext[0].Identifier != "CheckMortality") || v < 16 && (len(ext) != 2 || ext[0].Identifier != "CheckNonce") {
			t.Fatalf("v%d extensions %+v", v, ext)
		}
		if _, err := got.Extrinsic.ExtensionsFor(9); err == nil {
			t.Fatal("unknown extension version found")
		}
		if n := got.Types.Name(9); n != "Call<u32>" {
			t.Fatalf("name %q", n)
		}
		if n := got.Types.Name(6); n != "(u32, AccountId32)" {
			t.Fatalf("name %q", n)
		}
		if n := got.Types.Name(8); n != "BitVec<u8, Lsb0>" {
			t.Fatalf("name %q", n)
		}
		if v >= 15 {
			a, err := got.RuntimeAPI("TestApi")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Method("get"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestMalformed(t *testing.T) {
	m := smallMetadata(15)
	good := m.Encode()
	// A reference to a type beyond the registry.
	bad := smallMetadata(15)
	bad.Pallets[0].Calls.Type = 99
	if _, err := Decode(bad.Encode()); err == nil {
		t.Fatal("dangling type id accepted")
	}
	// Some("") for a field name is refused (it could not re-encode).
	bad = smallMetadata(15)
	bad.Types.Types[2].Def.Fields[0].Name = ""
	b := bad.Encode()
	// fields: len 1, name None (0), type 3, typeName Some("[u8; 32]")
	i := bytes.Index(b, []byte("\x04\x00\x0c\x01\x20[u8; 32]"))
	if i < 0 {
		t.Fatal("pattern not found")
	}
	b2 := append(append(append([]byte{}, b[:i+1]...), 1, 0), b[i+2:]...)
	if _, err := Decode(b2); err == nil {
		t.Fatal("Some(\"\") accepted")
	}
	// Ids out of order.
	bad = smallMetadata(15)
	bad.Types.Types[0].ID = 5
	if _, err := Decode(bad.Encode()); err == nil {
		t.Fatal("out-of-order ids accepted")
	}
	// Version 13 and 17.
	for _, v := range []byte{13, 17} {
		b := append([]byte{}, good...)
		b[4] = v
		if _, err := Decode(b); err == nil {
			t.Fatalf("version %d accepted", v)
		}
	}
	// Trailing bytes.
	if _, err := Decode(append(append([]byte{}, good...), 0)); err == nil {
		t.Fatal("trailing byte accepted")
	}
}
