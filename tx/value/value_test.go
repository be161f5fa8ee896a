package value

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

var (
	mdCache   = map[string]*metadata.Metadata{}
	mdCacheMu sync.Mutex
)

func loadMD(t testing.TB, name string) *metadata.Metadata {
	t.Helper()
	mdCacheMu.Lock()
	defer mdCacheMu.Unlock()
	if m, ok := mdCache[name]; ok {
		return m
	}
	m, err := metadata.Decode(testenv.ReadShared(t, "metadata", name))
	if err != nil {
		t.Fatal(err)
	}
	mdCache[name] = m
	return m
}

type pjsPayload struct {
	Index   int    `json:"index"`
	Name    string `json:"name"`
	CallHex string `json:"callHex"`
	Call    struct {
		Pallet    string          `json:"pallet"`
		Method    string          `json:"method"`
		CallIndex string          `json:"callIndex"`
		Args      json.RawMessage `json:"args"`
	} `json:"call"`
}

var mustHex = testenv.Unhex

// loose normalizes a name as polkadot-js may spell it (camelCase,
// snake_case, first letter lowered).
func loose(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }

// TestLedgerPayloadCalls decodes the call of each of the 1465 signing
// payloads polkadot-js decoded with the same metadata, compares pallet,
// call, index and arguments with polkadot-js' reading, and checks that
// encoding the decoded value (also after a trip through JSON text) gives
// the call bytes back.
func TestLedgerPayloadCalls(t *testing.T) {
	m := loadMD(t, "kusama-v14-spec9370.scale")
	c := New(m, 2)
	var cases []pjsPayload
	if err := json.Unmarshal(testenv.ReadShared(t, "extrinsics", "kusama-ledger-signing-payloads-spec9370.polkadotjs-decoded.json"), &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1465 {
		t.Fatalf("%d cases", len(cases))
	}
	failures := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if failures < 15 {
			t.Errorf(format, args...)
		}
		failures++
	}
	calls := map[string]bool{}
	for _, tc := range cases {
		raw := mustHex(t, tc.CallHex)
		call, err := c.DecodeCall(raw)
		if err != nil {
			fail("#%d %s: %v", tc.Index, tc.Name, err)
			continue
		}
		calls[call.Pallet+"."+call.Name] = true
		if loose(call.Pallet) != loose(tc.Call.Pallet) || loose(call.Name) != loose(tc.Call.Method) ||
			fmt.Sprintf("0x%02x%02x", call.PalletIndex, call.CallIndex) != tc.Call.CallIndex {
			fail("#%d: %s.%s (%d,%d), polkadot-js %s.%s %s", tc.Index, call.Pallet, call.Name, call.PalletIndex, call.CallIndex, tc.Call.Pallet, tc.Call.Method, tc.Call.CallIndex)
			continue
		}
		var want any
		d := json.NewDecoder(bytes.NewReader(tc.Call.Args))
		d.UseNumber()
		if err := d.Decode(&want); err != nil {
			t.Fatal(err)
		}
		it, _ := m.CallByIndex(call.PalletIndex, call.CallIndex)
		for i, f := range it.Variant.Fields {
			wv, ok := want.(map[string]any)[f.Name]
			if !ok {
				fail("#%d %s.%s: polkadot-js has no arg %s", tc.Index, call.Pallet, call.Name, f.Name)
				continue
			}
			if err := sameAsPJS(c, f.Type, call.Args[i].Value, wv, 0); err != nil {
				fail("#%d %s.%s arg %s: %v", tc.Index, call.Pallet, call.Name, f.Name, err)
			}
		}
		enc, err := c.EncodeCall(call)
		if err != nil || !bytes.Equal(enc, raw) {
			fail("#%d %s.%s: re-encoded %x (%v), want %x", tc.Index, call.Pallet, call.Name, enc, err, raw)
			continue
		}
		text, err := json.Marshal(call)
		if err != nil {
			t.Fatal(err)
		}
		enc, err = c.EncodeCall(text)
		if err != nil || !bytes.Equal(enc, raw) {
			fail("#%d %s.%s: from JSON %s re-encoded %x (%v)", tc.Index, call.Pallet, call.Name, text, enc, err)
		}
	}
	t.Logf("%d payload calls (%d distinct calls) decoded like polkadot-js and re-encoded byte-exactly", len(cases), len(calls))
}

// sameAsPJS compares a decoded value with polkadot-js' toPrimitive() of the
// same value, walking the metadata type.
func sameAsPJS(c *Codec, id metadata.TypeID, got, want any, depth int) error {
	if depth > 64 {
		return fmt.Errorf("too deep")
	}
	t, _ := c.reg.Type(id)
	if c.hasCall && id == c.callType {
		o, ok := got.(Object)
		w, ok2 := want.(map[string]any)
		if !ok || !ok2 {
			return fmt.Errorf("call: got %v want %v", got, want)
		}
		pallet, _ := o.Get("pallet")
		name, _ := o.Get("name")
		it, err := c.md.Call(pallet.(string), name.(string))
		if err != nil {
			return err
		}
		if ci := fmt.Sprintf("0x%02x%02x", it.Pallet.Index, it.Variant.Index); ci != w["callIndex"] {
			return fmt.Errorf("call index %s, want %v", ci, w["callIndex"])
		}
		args, _ := o.Get("args")
		wargs, _ := w["args"].(map[string]any)
		for _, f := range it.Variant.Fields {
			a, _ := args.(Object).Get(f.Name)
			if err := sameAsPJS(c, f.Type, a, wargs[f.Name], depth+1); err != nil {
				return fmt.Errorf("%s: %w", f.Name, err)
			}
		}
		return nil
	}
	switch t.Def.Kind {
	case metadata.KindPrimitive, metadata.KindCompact:
		if s, ok := got.(string); ok && t.Def.Kind == metadata.KindPrimitive && t.Def.Primitive == metadata.Str {
			if s != want {
				return fmt.Errorf("str %q, want %v", s, want)
			}
			return nil
		}
		if b, ok := got.(bool); ok {
			if b != want {
				return fmt.Errorf("bool %v want %v", b, want)
			}
			return nil
		}
		g, err1 := BigInt(got)
		w, err2 := BigInt(want)
		if err1 != nil || err2 != nil || g.Cmp(w) != 0 {
			return fmt.Errorf("number %v, want %v", got, want)
		}
		// The representation rule: numbers up to 2^53, strings beyond.
		_, isNum := got.(json.Number)
		if isNum != (g.CmpAbs(big.NewInt(1<<53)) <= 0) {
			return fmt.Errorf("number %v has the wrong JSON form", got)
		}
		return nil
	case metadata.KindSequence, metadata.KindArray:
		if s, ok := got.(string); ok {
			if ws, ok := want.(string); ok && strings.EqualFold(s, ws) {
				return nil
			}
			if ws, ok := want.(string); ok && !strings.HasPrefix(ws, "0x") {
				b, _ := hex.DecodeString(strings.TrimPrefix(s, "0x"))
				if string(b) == ws {
					return nil
				}
			}
			return fmt.Errorf("bytes %v, want %v", got, want)
		}
		g, _ := got.([]any)
		w, _ := want.([]any)
		if len(g) != len(w) {
			return fmt.Errorf("%d items, want %d (%v)", len(g), len(w), want)
		}
		for i := range g {
			if err := sameAsPJS(c, t.Def.Elem, g[i], w[i], depth+1); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		return nil
	case metadata.KindTuple:
		if len(t.Def.Tuple) == 0 {
			return nil
		}
		g, _ := got.([]any)
		w, _ := want.([]any)
		if len(g) != len(t.Def.Tuple) || len(w) != len(g) {
			return fmt.Errorf("tuple %v, want %v", got, want)
		}
		for i, e := range t.Def.Tuple {
			if err := sameAsPJS(c, e, g[i], w[i], depth+1); err != nil {
				return err
			}
		}
		return nil
	case metadata.KindComposite:
		if c.isVote(t) {
			if fmt.Sprint(got) != fmt.Sprint(Object{{"aye", want.(map[string]any)["aye"]}, {"conviction", want.(map[string]any)["conviction"]}}) {
				return fmt.Errorf("vote %v, want %v", got, want)
			}
			return nil
		}
		if c.isAccountID32(t) {
			if got != want {
				return fmt.Errorf("account %v, want %v", got, want)
			}
			return nil
		}
		return sameFields(c, t.Def.Fields, got, want, depth)
	case metadata.KindVariant:
		if isOption(t) && !c.nullable(t.Def.Variants[1].Fields[0].Type, 0) {
			if got == nil || want == nil {
				if got != want {
					return fmt.Errorf("option %v, want %v", got, want)
				}
				return nil
			}
			return sameAsPJS(c, t.Def.Variants[1].Fields[0].Type, got, want, depth+1)
		}
		var name string
		var val any
		switch g := got.(type) {
		case string:
			name = g
		case Object:
			name, val = g[0].Name, g[0].Value
		}
		var wname string
		var wval any
		switch w := want.(type) {
		case string:
			wname = w
		case map[string]any:
			if len(w) != 1 {
				return fmt.Errorf("enum %v", want)
			}
			for k, v := range w {
				wname, wval = k, v
			}
		}
		if loose(name) != loose(wname) {
			return fmt.Errorf("variant %s, want %s", name, wname)
		}
		if name == "Raw" && isIdentityData(t) {
			if ws, ok := wval.(string); ok && ws != "" && !strings.HasPrefix(ws, "0x") {
				ws = "0x" + hex.EncodeToString([]byte(ws))
				wval = ws
			}
			if !strings.EqualFold(fmt.Sprint(val), fmt.Sprint(wval)) && !(val == "0x" && wval == "") {
				return fmt.Errorf("Raw %v, want %v", val, wval)
			}
			return nil
		}
		for _, v := range t.Def.Variants {
			if v.Name == name {
				return sameFields(c, v.Fields, val, wval, depth)
			}
		}
		return fmt.Errorf("no variant %s", name)
	}
	return nil
}

func sameFields(c *Codec, fs []metadata.Field, got, want any, depth int) error {
	switch {
	case len(fs) == 0:
		return nil
	case fs[0].Name == "" && len(fs) == 1:
		return sameAsPJS(c, fs[0].Type, got, want, depth+1)
	case fs[0].Name == "":
		g, _ := got.([]any)
		w, _ := want.([]any)
		if len(g) != len(fs) || len(w) != len(fs) {
			return fmt.Errorf("fields %v, want %v", got, want)
		}
		for i, f := range fs {
			if err := sameAsPJS(c, f.Type, g[i], w[i], depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	g, _ := got.(Object)
	w, _ := want.(map[string]any)
	wl := map[string]any{}
	for k, v := range w {
		wl[loose(k)] = v
	}
	for i, f := range fs {
		if i >= len(g) || g[i].Name != f.Name {
			return fmt.Errorf("field %s missing", f.Name)
		}
		wv, ok := wl[loose(f.Name)]
		if !ok {
			return fmt.Errorf("polkadot-js has no field %s in %v", f.Name, want)
		}
		if err := sameAsPJS(c, f.Type, g[i].Value, wv, depth+1); err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
	}
	return nil
}

// TestBlockCalls decodes the calls of real Kusama and Polkadot blocks
// (including paraInherent.enter with its bit fields, XCM and batches) with
// the live metadata of their runtime, compares with polkadot-js and checks
// the byte-exact round trip.
func TestBlockCalls(t *testing.T) {
	for _, tc := range []struct {
		block, meta string
		prefix      uint16
	}{
		{"kusama-block-22939322.json", "kusama-v14-spec1002000-live.scale", 2},
		{"polkadot-block-18468942.json", "polkadot-v14-spec1000001-live.scale", 0},
	} {
		t.Run(tc.block, func(t *testing.T) {
			c := New(loadMD(t, tc.meta), tc.prefix)
			var doc struct {
				DecodedByPolkadotJs []struct {
					Pallet, Method, CallIndex, CallHex string
					Args                               json.RawMessage
				}
			}
			if err := json.Unmarshal(testenv.ReadShared(t, "extrinsics", tc.block), &doc); err != nil {
				t.Fatal(err)
			}
			for i, x := range doc.DecodedByPolkadotJs {
				raw := mustHex(t, x.CallHex)
				call, err := c.DecodeCall(raw)
				if err != nil {
					t.Fatalf("#%d %s.%s: %v", i, x.Pallet, x.Method, err)
				}
				if loose(call.Pallet) != loose(x.Pallet) || loose(call.Name) != loose(x.Method) {
					t.Fatalf("#%d: %s.%s, want %s.%s", i, call.Pallet, call.Name, x.Pallet, x.Method)
				}
				want, _ := ParseJSON(x.Args)
				if _, ok := want.(map[string]any); !ok {
					want = nil // "(omitted: large inherent)": round trip only
				}
				it, _ := c.md.CallByIndex(call.PalletIndex, call.CallIndex)
				for j, f := range it.Variant.Fields {
					if want == nil {
						break
					}
					if err := sameAsPJS(c, f.Type, call.Args[j].Value, want.(map[string]any)[f.Name], 0); err != nil {
						t.Errorf("#%d %s.%s arg %s: %v", i, call.Pallet, call.Name, f.Name, err)
					}
				}
				text, _ := json.Marshal(call)
				enc, err := c.EncodeCall(text)
				if err != nil || !bytes.Equal(enc, raw) {
					t.Fatalf("#%d %s.%s: JSON round trip failed: %v", i, call.Pallet, call.Name, err)
				}
			}
			t.Logf("%d block calls equal polkadot-js and re-encode", len(doc.DecodedByPolkadotJs))
		})
	}
}

// TestConstantsAndDefaultsRoundTrip decodes every constant and every
// storage default of every shared metadata file (and the v16 one) and
// checks the round trip through JSON text.
func TestConstantsAndDefaultsRoundTrip(t *testing.T) {
	files := []string{"kusama-v14-spec1002000-live.scale", "kusama-v14-spec1003000.scale", "kusama-v14-spec9370.scale",
		"kusama-v15-spec1009002.scale", "polkadot-v14-spec1000001-live.scale", "polkadot-v15-spec2000000.scale"}
	for _, file := range files {
		m := loadMD(t, file)
		c := New(m, 2)
		n := 0
		for _, p := range m.Pallets {
			for _, k := range p.Constants {
				roundTrip(t, c, k.Type, k.Value)
				if _, err := c.Decode(k.Type, k.Value); err != nil {
					t.Errorf("%s %s.%s: %v", file, p.Name, k.Name, err)
				}
				n++
			}
			if p.Storage == nil {
				continue
			}
			for _, e := range p.Storage.Entries {
				if e.Modifier != metadata.DefaultModifier {
					continue
				}
				roundTrip(t, c, e.Value, e.Default)
				if _, err := c.Decode(e.Value, e.Default); err != nil {
					t.Errorf("%s %s.%s default: %v", file, p.Name, e.Name, err)
				}
				n++
			}
		}
		t.Logf("%s: %d constants and defaults round-trip", file, n)
	}
}
