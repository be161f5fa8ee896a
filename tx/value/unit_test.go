package value

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// synthetic builds a registry with the types the real metadata rarely
// exercises; ids are the indices below.
func synthetic() *metadata.Metadata {
	prim := func(p metadata.Primitive) metadata.Type {
		return metadata.Type{Def: metadata.TypeDef{Kind: metadata.KindPrimitive, Primitive: p}}
	}
	opt := func(inner metadata.TypeID) metadata.Type {
		return metadata.Type{Path: []string{"Option"}, Def: metadata.TypeDef{Kind: metadata.KindVariant, Variants: []metadata.Variant{
			{Name: "None", Index: 0}, {Name: "Some", Index: 1, Fields: []metadata.Field{{Type: inner}}}}}}
	}
	types := []metadata.Type{
		0:  prim(metadata.U32),
		1:  opt(0),
		2:  opt(1), // Option<Option<u32>>
		3:  {Def: metadata.TypeDef{Kind: metadata.KindTuple}},
		4:  opt(3), // Option<()>
		5:  prim(metadata.U8),
		6:  {Path: []string{"bitvec", "order", "Msb0"}, Def: metadata.TypeDef{Kind: metadata.KindComposite}},
		7:  {Def: metadata.TypeDef{Kind: metadata.KindBitSequence, BitStore: 0, BitOrder: 6}},
		8:  prim(metadata.Char),
		9:  prim(metadata.I128),
		10: prim(metadata.U256),
		11: {Path: []string{"sp_arithmetic", "per_things", "Perbill"}, Def: metadata.TypeDef{Kind: metadata.KindComposite, Fields: []metadata.Field{{Type: 0}}}},
		12: {Def: metadata.TypeDef{Kind: metadata.KindCompact, Elem: 11}},
		13: {Path: []string{"Result"}, Def: metadata.TypeDef{Kind: metadata.KindVariant, Variants: []metadata.Variant{
			{Name: "Ok", Index: 0, Fields: []metadata.Field{{Type: 3}}}, {Name: "Err", Index: 1, Fields: []metadata.Field{{Type: 14}}}}}},
		14: prim(metadata.Str),
		15: {Def: metadata.TypeDef{Kind: metadata.KindTuple, Tuple: []metadata.TypeID{0, 14, 5}}},
		16: {Def: metadata.TypeDef{Kind: metadata.KindSequence, Elem: 5}},
		17: {Def: metadata.TypeDef{Kind: metadata.KindArray, Len: 4, Elem: 5}},
		18: {Path: []string{"test", "Point"}, Def: metadata.TypeDef{Kind: metadata.KindComposite, Fields: []metadata.Field{{Name: "x", Type: 9}, {Name: "y", Type: 1}}}},
		19: {Path: []string{"test", "Pair"}, Def: metadata.TypeDef{Kind: metadata.KindComposite, Fields: []metadata.Field{{Type: 0}, {Type: 0}}}},
		20: prim(metadata.Bool),
		21: {Def: metadata.TypeDef{Kind: metadata.KindSequence, Elem: 3}}, // Vec<()>
		22: {Def: metadata.TypeDef{Kind: metadata.KindArray, Len: 1 << 30, Elem: 3}},
		23: prim(metadata.I8),
		24: prim(metadata.U64),
		25: {Path: []string{"Loop"}, Def: metadata.TypeDef{Kind: metadata.KindComposite, Fields: []metadata.Field{{Type: 25}}}},
	}
	for i := range types {
		types[i].ID = metadata.TypeID(i)
	}
	return &metadata.Metadata{Version: 15, Types: metadata.Registry{Types: types}}
}

func TestSyntheticTypes(t *testing.T) {
	c := New(synthetic(), 2)
	tests := []struct {
		id   metadata.TypeID
		hex  string
		json string
	}{
		{1, "00", `null`},
		{1, "0105000000", `5`},
		{2, "00", `"None"`},
		{2, "0100", `{"Some":null}`},
		{2, "010107000000", `{"Some":7}`},
		{4, "00", `"None"`},
		{4, "01", `{"Some":null}`},
		{7, "0c00000020", `"0b001"`}, // 3 bits, u32 store, Msb0: element 2 at bit 29 (byte 3)
		{8, "e4f60100", `"🛤"`},
		{8, "fdff0000", `"` + "\ufffd" + `"`},
		{9, "feffffffffffffffffffffffffffffff", `-2`},
		{9, "00000000000000000000000000000080", `"-170141183460469231731687303715884105728"`},
		{10, strings.Repeat("ff", 32), `"115792089237316195423570985008687907853269984665640564039457584007913129639935"`},
		{12, "02093d00", `1000000`},
		{13, "00", `{"Ok":null}`},
		{13, "010c616263", `{"Err":"abc"}`},
		{15, "0100000008686905", `[1,"hi",5]`},
		{16, "0c010203", `"0x010203"`},
		{17, "01020304", `"0x01020304"`},
		{18, "ffffffffffffffffffffffffffffffff0103000000", `{"x":-1,"y":3}`},
		{19, "0100000002000000", `[1,2]`},
		{20, "01", `true`},
		{21, "0c", `[null,null,null]`},
		{23, "80", `-128`},
		{24, "0000000000002000", `9007199254740992`},
		{24, "0100000000002000", `"9007199254740993"`},
	}
	for _, tt := range tests {
		b, _ := hex.DecodeString(tt.hex)
		v, err := c.Decode(tt.id, b)
		if err != nil {
			t.Errorf("type %d %s: %v", tt.id, tt.hex, err)
			continue
		}
		js, _ := json.Marshal(v)
		if string(js) != tt.json {
			t.Errorf("type %d %s: %s, want %s", tt.id, tt.hex, js, tt.json)
		}
		pv, _ := ParseJSON(js)
		enc, err := c.Encode(tt.id, pv)
		if err != nil || !bytes.Equal(enc, b) {
			t.Errorf("type %d %s: re-encoded %x (%v)", tt.id, tt.hex, enc, err)
		}
	}
}

func TestEncodeInputs(t *testing.T) {
	c := New(synthetic(), 2)
	ok := []struct {
		id  metadata.TypeID
		in  any
		hex string
	}{
		{0, "4294967295", "ffffffff"},
		{0, float64(7), "07000000"},
		{0, big.NewInt(8), "08000000"},
		{24, uint64(1 << 63), "0000000000000080"},
		{16, []any{json.Number("1"), json.Number("2")}, "080102"},
		{16, []byte{9}, "0409"},
		{17, []any{1, 2, 3, 4}, "01020304"},
		{7, []any{true, false}, "0800000080"},
		{13, "Ok", "00"},
		{13, map[string]any{"Ok": []any{}}, "00"},
		{18, map[string]any{"y": nil, "x": "-3"}, "fdffffffffffffffffffffffffffffff00"},
	}
	for _, tt := range ok {
		b, err := c.Encode(tt.id, tt.in)
		if err != nil || hex.EncodeToString(b) != tt.hex {
			t.Errorf("encode %d %v: %x %v, want %s", tt.id, tt.in, b, err, tt.hex)
		}
	}
	bad := []struct {
		id   metadata.TypeID
		in   any
		want error
	}{
		{0, "4294967296", ErrRange},
		{0, -1, ErrRange},
		{0, 1.5, ErrType},
		{0, "0x10", ErrType},
		{23, 128, ErrRange},
		{17, "0x0102", ErrType},
		{13, "Maybe", ErrType},
		{13, map[string]any{"Ok": nil, "Err": "x"}, ErrType},
		{18, map[string]any{"x": 1}, ErrType},
		{18, map[string]any{"x": 1, "y": 2, "z": 3}, ErrType},
		{19, []any{1}, ErrType},
		{8, "ab", ErrType},
		{7, "0b102", ErrType},
		{25, 1, ErrDepth},
	}
	for _, tt := range bad {
		if _, err := c.Encode(tt.id, tt.in); !errors.Is(err, tt.want) {
			t.Errorf("encode %d %v: %v, want %v", tt.id, tt.in, err, tt.want)
		}
	}
	// Decoding refuses what the runtime refuses, and hostile shapes fail fast.
	for _, tt := range []struct {
		id  metadata.TypeID
		hex string
	}{
		{1, "02"}, {20, "02"}, {12, "0100"}, {8, "00d80000"}, {22, ""}, {25, "00"}, {21, "fdffffff"}, {16, "fc"},
	} {
		b, _ := hex.DecodeString(tt.hex)
		if v, err := c.Decode(tt.id, b); err == nil {
			t.Errorf("decode %d %s = %v", tt.id, tt.hex, v)
		}
	}
}

// TestSS58MatchesPolkadotJS compares the built-in SS58 encoder with
// polkadot-js' encodeAddress for several prefixes, and decodes back.
func TestSS58MatchesPolkadotJS(t *testing.T) {
	type req struct {
		PublicKey string `json:"publicKey"`
		Prefix    int    `json:"prefix"`
	}
	var reqs []req
	var pubs [][]byte
	for i, prefix := range []int{0, 2, 42, 63, 64, 255, 1284, 16383} {
		pub := make([]byte, 32)
		for j := range pub {
			pub[j] = byte(i*37 + j*11)
		}
		pub[0] = byte(i) // one with leading zero bytes
		reqs = append(reqs, req{"0x" + hex.EncodeToString(pub), prefix})
		pubs = append(pubs, pub)
	}
	in, _ := json.Marshal(reqs)
	var want []string
	if err := json.Unmarshal(testenv.Node(t, in, "keyring-ss58.mjs"), &want); err != nil {
		t.Fatal(err)
	}
	for i, r := range reqs {
		got := encodeSS58(pubs[i], uint16(r.Prefix))
		if got != want[i] {
			t.Errorf("prefix %d: %s, polkadot-js %s", r.Prefix, got, want[i])
		}
		b, p, err := decodeSS58(got)
		if err != nil || p != uint16(r.Prefix) || !bytes.Equal(b, pubs[i]) {
			t.Errorf("decode %s: %x %d %v", got, b, p, err)
		}
	}
	// Checksum and length errors.
	a := want[1]
	for _, s := range []string{a[:len(a)-1] + string("23456789"[int(a[len(a)-1])%8]), a[:20], "0OIl", ""} {
		if _, err := parseAccount(s); !errors.Is(err, ErrAddress) {
			t.Errorf("%q: %v", s, err)
		}
	}
}

func TestBalances(t *testing.T) {
	for _, tt := range []struct {
		planck string
		dec    int
		sym    string
		want   string
	}{
		{"1500000000000", 12, "KSM", "1.5 KSM"},
		{"333333333", 12, "KSM", "0.000333333333 KSM"},
		{"0", 12, "KSM", "0 KSM"},
		{"10000000000", 10, "DOT", "1 DOT"},
		{"-25", 2, "", "-0.25"},
		{"123456789012345678901234567890", 12, "KSM", "123456789012345678.90123456789 KSM"},
	} {
		v, _ := new(big.Int).SetString(tt.planck, 10)
		if got := FormatBalance(v, tt.dec, tt.sym); got != tt.want {
			t.Errorf("FormatBalance(%s) = %q, want %q", tt.planck, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		want string
	}{
		{"1.5", "1500000000000"}, {"1.5KSM", "1500000000000"}, {"1.5 ksm", "1500000000000"},
		{"1500000000000planck", "1500000000000"}, {"7 planck", "7"}, {".5", "500000000000"}, {"2.", "2000000000000"},
		{"1_000", "1000000000000000"}, {"0.000000000001", "1"},
	} {
		v, err := ParseAmount(tt.in, 12, "KSM")
		if err != nil || v.String() != tt.want {
			t.Errorf("ParseAmount(%q) = %v, %v; want %s", tt.in, v, err, tt.want)
		}
	}
	for _, in := range []string{"", "abc", "1.5 DOT", "-1", "0.0000000000001", "1.5planck", "1e3", ".", "1.2.3", "KSM"} {
		if v, err := ParseAmount(in, 12, "KSM"); !errors.Is(err, ErrAmount) {
			t.Errorf("ParseAmount(%q) = %v, %v", in, v, err)
		}
	}
}

func TestConstantsEventsErrors(t *testing.T) {
	m := loadMD(t, "kusama-v15-spec1009002.scale")
	c := New(m, 2)
	ed, err := c.Constant("Balances", "ExistentialDeposit")
	if err != nil || fmt.Sprint(ed) != "333333333" {
		t.Fatalf("ExistentialDeposit %v %v", ed, err)
	}
	if p, err := c.Constant("System", "SS58Prefix"); err != nil || fmt.Sprint(p) != "2" {
		t.Fatalf("SS58Prefix %v %v", p, err)
	}
	ver, err := c.Constant("System", "Version")
	if err != nil {
		t.Fatal(err)
	}
	if sv, _ := ver.(Object).Get("spec_version"); fmt.Sprint(sv) != "1009002" {
		t.Fatalf("spec_version %v", sv)
	}
	// An event encoded from value JSON decodes back with its docs.
	et, _ := m.EventType()
	alice := "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	ev := Object{{"Balances", Object{{"Transfer", Object{{"from", alice}, {"to", alice}, {"amount", json.Number("5")}}}}}}
	b, err := c.Encode(et, ev)
	if err != nil {
		t.Fatal(err)
	}
	e, err := c.DecodeEvent(b)
	if err != nil || e.Pallet != "Balances" || e.Name != "Transfer" || len(e.Docs) == 0 {
		t.Fatalf("event %+v %v", e, err)
	}
	if amt, _ := e.Fields.(Object).Get("amount"); fmt.Sprint(amt) != "5" {
		t.Fatalf("amount %v", amt)
	}
	bal, _ := m.Pallet("Balances")
	pe, err := c.DecodeModuleError(bal.Index, []byte{2, 0, 0, 0})
	if err != nil || pe.Pallet != "Balances" || pe.Name != "InsufficientBalance" || len(pe.Docs) == 0 {
		t.Fatalf("module error %+v %v", pe, err)
	}
	if _, err := c.DecodeModuleError(bal.Index, []byte{200}); err == nil {
		t.Fatal("unknown error index accepted")
	}
	// A nested call: Utility.batch of a remark.
	call, err := c.CallByName("Utility", "batch", Object{{"calls", []any{Object{{"pallet", "System"}, {"name", "remark"}, {"args", Object{{"remark", "0x01"}}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	dc, err := c.DecodeCall(call)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(dc)
	if string(js) != `{"pallet":"Utility","name":"batch","args":{"calls":[{"pallet":"System","name":"remark","args":{"remark":"0x01"}}]}}` {
		t.Fatalf("batch %s", js)
	}
	// MultiAddress accepts a bare address; votes are {aye, conviction}.
	a, err := c.CallByName("Balances", "transfer_keep_alive", map[string]any{"dest": alice, "value": 1})
	b2, err2 := c.CallByName("Balances", "transfer_keep_alive", map[string]any{"dest": map[string]any{"Id": alice}, "value": 1})
	if err != nil || err2 != nil || !bytes.Equal(a, b2) {
		t.Fatalf("bare address: %x %x %v %v", a, b2, err, err2)
	}
	vote, err := c.CallByName("ConvictionVoting", "vote", map[string]any{"poll_index": 1, "vote": map[string]any{"Standard": map[string]any{
		"vote": map[string]any{"aye": true, "conviction": "Locked2x"}, "balance": "1000000000000"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(vote, []byte{0x82}) {
		t.Fatalf("vote byte missing in %x", vote)
	}
}

// TestFormatBalance: with FormatBalance set, balance-typed call arguments
// (compact or not, nested in a batch) are shown in tokens; other integers
// are left as they are.
func TestFormatBalance(t *testing.T) {
	m := loadMD(t, "kusama-v15-spec1009002.scale")
	c := New(m, 2)
	call, err := c.EncodeCall([]byte(`{"pallet":"Utility","name":"batch_all","args":{"calls":[
		{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F","value":"1500000000000"}},
		{"pallet":"Staking","name":"bond","args":{"value":"2000000000000","payee":"Staked"}},
		{"pallet":"System","name":"remark","args":{"remark":"0x00"}},
		{"pallet":"Staking","name":"set_payee","args":{"payee":{"Account":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"}}},
		{"pallet":"Registrar","name":"reserve","args":{}},
		{"pallet":"Staking","name":"chill","args":{}},
		{"pallet":"Staking","name":"withdraw_unbonded","args":{"num_slashing_spans":7}}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	c.FormatBalance = func(v *big.Int) string { return FormatBalance(v, 12, "KSM") }
	got, err := c.DecodeCall(call)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := got.MarshalJSON()
	for _, want := range []string{`"value":"1.5 KSM"`, `"value":"2 KSM"`, `"num_slashing_spans":7`} {
		if !strings.Contains(string(text), want) {
			t.Errorf("display lacks %s: %s", want, text)
		}
	}
	plain := New(m, 2)
	got, _ = plain.DecodeCall(call)
	if text, _ := got.MarshalJSON(); strings.Contains(string(text), "KSM") {
		t.Errorf("a codec without FormatBalance formatted: %s", text)
	}
}
