package metadata

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

// pjsMeta is the part of polkadot-js' JSON rendering of metadata
// (`<chain>-json.json` of @polkadot/types-support) that this test compares.
type pjsMeta struct {
	Pallets []struct {
		Name    string
		Index   int
		Storage *struct {
			Prefix string
			Items  []struct {
				Name     string
				Modifier string
				Type     struct {
					Plain *uint32
					Map   *struct {
						Hashers []string
						Key     uint32
						Value   uint32
					}
				}
				Fallback string
				Docs     []string
			}
		}
		Calls, Events, Errors *struct{ Type uint32 }
		Constants             []struct {
			Name  string
			Type  uint32
			Value string
			Docs  []string
		}
		Docs            []string
		AssociatedTypes []struct {
			Name string
			Type uint32
		}
	}
	Extrinsic struct {
		Type, AddressType, CallType, SignatureType, ExtraType uint32
		Version                                               *int
		Versions                                              string
		SignedExtensions                                      []struct {
			Identifier       string
			Type             uint32
			AdditionalSigned uint32
		}
		TransactionExtensions []struct {
			Identifier string
			Type       uint32
			Implicit   uint32
		}
		TransactionExtensionsByVersion map[string][]uint32
	}
	Type uint32
	Apis []struct {
		Name    string
		Methods []struct {
			Name   string
			Inputs []struct {
				Name string
				Type uint32
			}
			Output uint32
		}
		Version *uint32
	}
	OuterEnums *struct{ CallType, EventType, ErrorType uint32 }
}

func comparePJS(t *testing.T, m *Metadata, js []byte) {
	t.Helper()
	var doc struct {
		Metadata map[string]json.RawMessage
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	key := fmt.Sprintf("v%d", m.Version)
	raw, ok := doc.Metadata[key]
	if !ok {
		t.Fatalf("polkadot-js JSON has no %s", key)
	}
	var w pjsMeta
	if err := json.Unmarshal(raw, &w); err != nil {
		t.Fatal(err)
	}
	errs := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if errs < 20 {
			t.Errorf(format, args...)
		}
		errs++
	}
	if len(w.Pallets) != len(m.Pallets) {
		t.Fatalf("%d pallets, want %d", len(m.Pallets), len(w.Pallets))
	}
	items := 0
	for i, wp := range w.Pallets {
		p := &m.Pallets[i]
		if p.Name != wp.Name || int(p.Index) != wp.Index {
			fail("pallet %d: %s/%d, want %s/%d", i, p.Name, p.Index, wp.Name, wp.Index)
		}
		if m.Version >= 15 && !slices.Equal(p.Docs, wp.Docs) {
			fail("%s docs differ", p.Name)
		}
		for k, we := range [](*struct{ Type uint32 }){wp.Calls, wp.Events, wp.Errors} {
			ge := p.Enum(EnumKind(k))
			if (ge == nil) != (we == nil) || ge != nil && ge.Type != we.Type {
				fail("%s %s enum: %+v, want %+v", p.Name, EnumKind(k), ge, we)
			}
		}
		if (p.Storage == nil) != (wp.Storage == nil) {
			fail("%s storage presence", p.Name)
		} else if p.Storage != nil {
			if p.Storage.Prefix != wp.Storage.Prefix || len(p.Storage.Entries) != len(wp.Storage.Items) {
				fail("%s storage: prefix %s, %d entries; want %s, %d", p.Name, p.Storage.Prefix, len(p.Storage.Entries), wp.Storage.Prefix, len(wp.Storage.Items))
				continue
			}
			for j, wi := range wp.Storage.Items {
				e := &p.Storage.Entries[j]
				items++
				if e.Name != wi.Name || e.Modifier.String() != wi.Modifier || "0x"+hex.EncodeToString(e.Default) != wi.Fallback || !slices.Equal(e.Docs, wi.Docs) {
					fail("%s.%s storage entry differs from %s", p.Name, e.Name, wi.Name)
				}
				switch {
				case wi.Type.Plain != nil:
					if e.IsMap || e.Value != *wi.Type.Plain {
						fail("%s.%s: plain %d", p.Name, e.Name, *wi.Type.Plain)
					}
				case wi.Type.Map != nil:
					hs := make([]string, len(e.Hashers))
					for k, h := range e.Hashers {
						hs[k] = h.String()
					}
					if !e.IsMap || e.Key != wi.Type.Map.Key || e.Value != wi.Type.Map.Value || !slices.Equal(hs, wi.Type.Map.Hashers) {
						fail("%s.%s: map %+v, got %v %d %d", p.Name, e.Name, wi.Type.Map, hs, e.Key, e.Value)
					}
				default:
					fail("%s.%s: unknown storage type in JSON", p.Name, e.Name)
				}
			}
		}
		if len(p.Constants) != len(wp.Constants) {
			fail("%s: %d constants, want %d", p.Name, len(p.Constants), len(wp.Constants))
		} else {
			for j, wc := range wp.Constants {
				c := &p.Constants[j]
				items++
				if c.Name != wc.Name || c.Type != wc.Type || "0x"+hex.EncodeToString(c.Value) != wc.Value || !slices.Equal(c.Docs, wc.Docs) {
					fail("%s.%s constant differs", p.Name, c.Name)
				}
			}
		}
		if len(p.AssociatedTypes) != len(wp.AssociatedTypes) {
			fail("%s: %d associated types, want %d", p.Name, len(p.AssociatedTypes), len(wp.AssociatedTypes))
		} else {
			for j, wa := range wp.AssociatedTypes {
				if p.AssociatedTypes[j].Name != wa.Name || p.AssociatedTypes[j].Type != wa.Type {
					fail("%s associated type %d differs", p.Name, j)
				}
			}
		}
	}
	x := &m.Extrinsic
	switch m.Version {
	case 14:
		if x.Type != w.Extrinsic.Type || w.Extrinsic.Version == nil || int(x.Versions[0]) != *w.Extrinsic.Version {
			fail("extrinsic %+v", w.Extrinsic)
		}
	case 15:
		if x.AddressType != w.Extrinsic.AddressType || x.CallType != w.Extrinsic.CallType || x.SignatureType != w.Extrinsic.SignatureType || x.ExtraType != w.Extrinsic.ExtraType || int(x.Versions[0]) != *w.Extrinsic.Version {
			fail("extrinsic %+v", w.Extrinsic)
		}
	case 16:
		if x.AddressType != w.Extrinsic.AddressType || x.CallType != w.Extrinsic.CallType || x.SignatureType != w.Extrinsic.SignatureType || "0x"+hex.EncodeToString(x.Versions) != w.Extrinsic.Versions {
			fail("extrinsic %+v", w.Extrinsic)
		}
		if len(x.ExtensionsByVersion) != len(w.Extrinsic.TransactionExtensionsByVersion) {
			fail("extension versions %+v", x.ExtensionsByVersion)
		}
		for _, ev := range x.ExtensionsByVersion {
			want := w.Extrinsic.TransactionExtensionsByVersion[fmt.Sprint(ev.Version)]
			if fmt.Sprint(ev.Indices) != fmt.Sprint(want) {
				fail("extension version %d: %v, want %v", ev.Version, ev.Indices, want)
			}
		}
	}
	var wext []Extension
	for _, e := range w.Extrinsic.SignedExtensions {
		wext = append(wext, Extension{e.Identifier, e.Type, e.AdditionalSigned})
	}
	for _, e := range w.Extrinsic.TransactionExtensions {
		wext = append(wext, Extension{e.Identifier, e.Type, e.Implicit})
	}
	if fmt.Sprint(wext) != fmt.Sprint(x.Extensions) {
		fail("extensions %v, want %v", x.Extensions, wext)
	}
	if m.Version <= 15 && m.RuntimeType != w.Type {
		fail("runtime type %d, want %d", m.RuntimeType, w.Type)
	}
	if m.Version >= 15 {
		if w.OuterEnums == nil || m.OuterEnums == nil || *m.OuterEnums != (OuterEnums{w.OuterEnums.CallType, w.OuterEnums.EventType, w.OuterEnums.ErrorType}) {
			fail("outer enums %+v, want %+v", m.OuterEnums, w.OuterEnums)
		}
		if len(m.APIs) != len(w.Apis) {
			fail("%d runtime APIs, want %d", len(m.APIs), len(w.Apis))
		} else {
			for i, wa := range w.Apis {
				a := &m.APIs[i]
				if a.Name != wa.Name || len(a.Methods) != len(wa.Methods) || wa.Version != nil && *wa.Version != a.Version {
					fail("api %s differs from %s", a.Name, wa.Name)
					continue
				}
				for j, wm := range wa.Methods {
					mm := &a.Methods[j]
					items++
					if mm.Name != wm.Name || mm.Output != wm.Output || len(mm.Inputs) != len(wm.Inputs) {
						fail("api %s.%s differs", a.Name, mm.Name)
						continue
					}
					for k, in := range wm.Inputs {
						if mm.Inputs[k] != (Param{in.Name, in.Type}) {
							fail("api %s.%s input %d differs", a.Name, mm.Name, k)
						}
					}
				}
			}
		}
	}
	t.Logf("v%d: %d pallets, %d storage entries/constants/API methods equal polkadot-js JSON", m.Version, len(m.Pallets), items)
}
