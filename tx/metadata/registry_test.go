package metadata

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// pjsTypeJSON renders a type the way polkadot-js' `<chain>-types.json`
// does (the PortableRegistry's toJSON).
func pjsTypeJSON(t *Type) map[string]any {
	optStr := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	strs := func(ss []string) []any {
		out := []any{}
		for _, s := range ss {
			out = append(out, s)
		}
		return out
	}
	fields := func(fs []Field) []any {
		out := []any{}
		for _, f := range fs {
			out = append(out, map[string]any{"name": optStr(f.Name), "type": float64(f.Type), "typeName": optStr(f.TypeName), "docs": strs(f.Docs)})
		}
		return out
	}
	params := []any{}
	for _, p := range t.Params {
		var ty any
		if p.HasType {
			ty = float64(p.Type)
		}
		params = append(params, map[string]any{"name": p.Name, "type": ty})
	}
	var def map[string]any
	d := &t.Def
	switch d.Kind {
	case KindComposite:
		def = map[string]any{"composite": map[string]any{"fields": fields(d.Fields)}}
	case KindVariant:
		vs := []any{}
		for _, v := range d.Variants {
			vs = append(vs, map[string]any{"name": v.Name, "fields": fields(v.Fields), "index": float64(v.Index), "docs": strs(v.Docs)})
		}
		def = map[string]any{"variant": map[string]any{"variants": vs}}
	case KindSequence:
		def = map[string]any{"sequence": map[string]any{"type": float64(d.Elem)}}
	case KindArray:
		def = map[string]any{"array": map[string]any{"len": float64(d.Len), "type": float64(d.Elem)}}
	case KindTuple:
		ts := []any{}
		for _, e := range d.Tuple {
			ts = append(ts, float64(e))
		}
		def = map[string]any{"tuple": ts}
	case KindPrimitive:
		name := d.Primitive.String()
		def = map[string]any{"primitive": strings.ToUpper(name[:1]) + name[1:]}
	case KindCompact:
		def = map[string]any{"compact": map[string]any{"type": float64(d.Elem)}}
	case KindBitSequence:
		def = map[string]any{"bitSequence": map[string]any{"bitStoreType": float64(d.BitStore), "bitOrderType": float64(d.BitOrder)}}
	}
	return map[string]any{"id": float64(t.ID), "type": map[string]any{"path": strs(t.Path), "params": params, "def": def, "docs": strs(t.Docs)}}
}

// TestRegistryMatchesPolkadotJS compares every type of the registry (path,
// params, definition, field names and type names, variants, docs) with
// polkadot-js' rendering of the same metadata.
func TestRegistryMatchesPolkadotJS(t *testing.T) {
	for _, c := range []struct{ hex, types string }{
		{"v16/substrate-hex.js", "v16/substrate-types.json"},
		{"v15/kusama-hex.js", "v15/kusama-types.json"},
		{"v15/asset-hub-kusama-hex.js", "v15/asset-hub-kusama-types.json"},
	} {
		t.Run(c.hex, func(t *testing.T) {
			m, err := Decode(typesSupportHex(t, c.hex))
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(testenv.OracleDir(t), "node_modules", "@polkadot", "types-support", "metadata", c.types))
			if err != nil {
				t.Fatal(err)
			}
			var want []any
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			if len(want) != len(m.Types.Types) {
				t.Fatalf("%d types, polkadot-js %d", len(m.Types.Types), len(want))
			}
			bad := 0
			for i := range m.Types.Types {
				got := pjsTypeJSON(&m.Types.Types[i])
				if !reflect.DeepEqual(got, want[i]) {
					gb, _ := json.Marshal(got)
					wb, _ := json.Marshal(want[i])
					if bad < 5 {
						t.Errorf("type %d:\n got %.300s\nwant %.300s", i, gb, wb)
					}
					bad++
				}
			}
			t.Logf("%d types equal polkadot-js (v%d)", len(m.Types.Types), m.Version)
		})
	}
}

func depPJS(d Deprecation) any {
	switch d.Kind {
	case DeprecatedWithoutNote:
		return map[string]any{"deprecatedWithoutNote": nil}
	case Deprecated:
		var since any
		if d.HasSince {
			since = d.Since
		}
		return map[string]any{"deprecated": map[string]any{"note": d.Note, "since": since}}
	}
	return map[string]any{"notDeprecated": nil}
}

func enumDepPJS(e *PalletEnum) any {
	out := map[string]any{}
	for _, vd := range e.Deprecated {
		out[regTestItoa(int(vd.Index))] = depPJS(vd.Deprecation)
	}
	return out
}

func regTestItoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestV16DeprecationAndViewFunctions compares v16 deprecation info of
// pallets, calls, events, errors, storage entries, constants and runtime
// APIs, and the view functions, with polkadot-js.
func TestV16DeprecationAndViewFunctions(t *testing.T) {
	m, err := Decode(typesSupportHex(t, "v16/substrate-hex.js"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(testenv.OracleDir(t), "node_modules", "@polkadot", "types-support", "metadata", "v16/substrate-json.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Metadata struct {
			V16 struct {
				Pallets []map[string]any
				Apis    []map[string]any
			}
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	same := func(what string, got, want any) {
		t.Helper()
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		var g, w any
		json.Unmarshal(gb, &g)
		json.Unmarshal(wb, &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: %s, want %s", what, gb, wb)
		}
	}
	deprecated, views := 0, 0
	for i, wp := range doc.Metadata.V16.Pallets {
		p := &m.Pallets[i]
		same(p.Name+" deprecation", depPJS(p.Deprecation), wp["deprecationInfo"])
		for k, key := range []string{"calls", "events", "errors"} {
			if e := p.Enum(EnumKind(k)); e != nil {
				same(p.Name+" "+key, enumDepPJS(e), wp[key].(map[string]any)["deprecationInfo"])
				deprecated += len(e.Deprecated)
			}
		}
		if p.Storage != nil {
			items := wp["storage"].(map[string]any)["items"].([]any)
			for j, e := range p.Storage.Entries {
				same(p.Name+"."+e.Name, depPJS(e.Deprecation), items[j].(map[string]any)["deprecationInfo"])
				if e.Deprecation.Kind != NotDeprecated {
					deprecated++
				}
			}
		}
		for j, c := range p.Constants {
			same(p.Name+"."+c.Name, depPJS(c.Deprecation), wp["constants"].([]any)[j].(map[string]any)["deprecationInfo"])
		}
		wv := wp["viewFunctions"].([]any)
		if len(wv) != len(p.ViewFunctions) {
			t.Fatalf("%s: %d view functions, want %d", p.Name, len(p.ViewFunctions), len(wv))
		}
		for j, vf := range p.ViewFunctions {
			w := wv[j].(map[string]any)
			ins := []any{}
			for _, in := range vf.Inputs {
				ins = append(ins, map[string]any{"name": in.Name, "type": in.Type})
			}
			same(p.Name+" view "+vf.Name, map[string]any{"id": "0x" + regTestHex(vf.ID[:]), "name": vf.Name, "inputs": ins, "output": vf.Output, "docs": vf.Docs, "deprecationInfo": depPJS(vf.Deprecation)}, w)
			views++
		}
	}
	for i, wa := range doc.Metadata.V16.Apis {
		same(m.APIs[i].Name+" deprecation", depPJS(m.APIs[i].Deprecation), wa["deprecationInfo"])
		for j, mm := range m.APIs[i].Methods {
			same(m.APIs[i].Name+"."+mm.Name, depPJS(mm.Deprecation), wa["methods"].([]any)[j].(map[string]any)["deprecationInfo"])
		}
	}
	if deprecated == 0 || views == 0 {
		t.Fatalf("expected deprecated items and view functions, got %d, %d", deprecated, views)
	}
	t.Logf("%d deprecated items and %d view functions equal polkadot-js", deprecated, views)
}

func regTestHex(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
