package rpc

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestHashJSON(t *testing.T) {
	good := `"0x` + strings.Repeat("ab", 32) + `"`
	var h Hash
	if err := json.Unmarshal([]byte(good), &h); err != nil || h[31] != 0xab {
		t.Fatalf("%v %v", h, err)
	}
	if b, _ := json.Marshal(h); string(b) != good {
		t.Fatalf("marshal = %s", b)
	}
	for _, bad := range []string{`"0x` + strings.Repeat("ab", 31) + `"`, `"` + strings.Repeat("ab", 32) + `"`,
		`"0x` + strings.Repeat("zz", 32) + `"`, `null`, `12`, `"0x` + strings.Repeat("ab", 33) + `"`} {
		if err := json.Unmarshal([]byte(bad), &h); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestBlockNumberJSON(t *testing.T) {
	for in, want := range map[string]BlockNumber{`"0x0"`: 0, `"0x12c"`: 300, `300`: 300, `"0xffffffff"`: 1<<32 - 1} {
		var n BlockNumber
		if err := json.Unmarshal([]byte(in), &n); err != nil || n != want {
			t.Errorf("%s = %d, %v", in, n, err)
		}
	}
	for _, bad := range []string{`"0x"`, `"12"`, `-1`, `1.5`, `"0xg"`, `"0x1ffffffffffffffff"`, `null`} {
		var n BlockNumber
		if err := json.Unmarshal([]byte(bad), &n); err == nil {
			t.Errorf("accepted %s as %d", bad, n)
		}
	}
	if b, _ := json.Marshal(BlockNumber(300)); string(b) != `"0x12c"` {
		t.Fatalf("marshal = %s", b)
	}
}

func TestHeaderSCALE(t *testing.T) {
	h, err := ParseHeader(json.RawMessage(sampleHeaderJSON))
	if err != nil {
		t.Fatal(err)
	}
	// Compact encodings at the mode boundaries.
	for _, tc := range []struct {
		n    BlockNumber
		want string
	}{{0, "00"}, {63, "fc"}, {64, "0101"}, {16383, "fdff"}, {16384, "02000100"}, {1<<30 - 1, "feffffff"},
		{1 << 30, "0300000040"}, {1<<32 - 1, "03ffffffff"}} {
		h.Number = tc.n
		enc, err := h.SCALE()
		if err != nil {
			t.Fatal(err)
		}
		got := enc[32 : 32+len(tc.want)/2]
		if hexs := encodeHex(got); hexs != tc.want {
			t.Errorf("number %d encodes as %s, want %s", tc.n, hexs, tc.want)
		}
	}
	h.Number = 1 << 32
	if _, err := h.SCALE(); !errors.Is(err, ErrBadResult) {
		t.Fatalf("number over u32: %v", err)
	}
	if _, err := h.Hash(); err == nil {
		t.Fatal("Hash of a bad header succeeded")
	}
}

func encodeHex(b []byte) string { return Bytes(b).String()[2:] }

func TestJustificationJSON(t *testing.T) {
	var b SignedBlock
	in := `{"block":{"header":` + sampleHeaderJSON + `,"extrinsics":["0x0400"]},
		"justifications":[[[70,82,78,75],[1,2,3]],["0x42454546","0x0405"]]}`
	if err := json.Unmarshal([]byte(in), &b); err != nil {
		t.Fatal(err)
	}
	if len(b.Justifications) != 2 || string(b.Justifications[0].EngineID[:]) != "FRNK" ||
		string(b.Justifications[0].Data) != "\x01\x02\x03" || string(b.Justifications[1].EngineID[:]) != "BEEF" ||
		string(b.Justifications[1].Data) != "\x04\x05" {
		t.Fatalf("justifications = %+v", b.Justifications)
	}
	if len(b.Block.Extrinsics) != 1 || b.Block.Extrinsics[0][0] != 4 {
		t.Fatalf("extrinsics = %v", b.Block.Extrinsics)
	}
	var nb SignedBlock
	if err := json.Unmarshal([]byte(`{"block":{"header":`+sampleHeaderJSON+`,"extrinsics":[]},"justifications":null}`), &nb); err != nil || nb.Justifications != nil {
		t.Fatalf("null justifications: %v %v", nb.Justifications, err)
	}
	for _, bad := range []string{`[[70,82,78],[1]]`, `[[70,82,78,75]]`, `[[70,82,78,300],[1]]`, `["AQID","AQID"]`, `{}`} {
		var j Justification
		if err := json.Unmarshal([]byte(bad), &j); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestStorageChangeJSON(t *testing.T) {
	b, err := json.Marshal([]StorageChange{{Key: []byte{1}, Value: []byte{2}}, {Key: []byte{3}}})
	if err != nil || string(b) != `[["0x01","0x02"],["0x03",null]]` {
		t.Fatalf("%s %v", b, err)
	}
}

func TestParseTxStatus(t *testing.T) {
	h := `"0x` + strings.Repeat("11", 32) + `"`
	for in, want := range map[string]TxStatusKind{`"future"`: TxFuture, `"ready"`: TxReady, `"dropped"`: TxDropped,
		`"invalid"`: TxInvalid, `{"broadcast":[]}`: TxBroadcast, `{"inBlock":` + h + `}`: TxInBlock,
		`{"inBlock":[` + h + `,0]}`: TxInBlock, `{"retracted":` + h + `}`: TxRetracted,
		`{"finalityTimeout":` + h + `}`: TxFinalityTimeout, `{"finalized":` + h + `}`: TxFinalized,
		`{"usurped":` + h + `}`: TxUsurped, `{"ready":null}`: TxReady, `{"invalid":{"code":1}}`: TxInvalid} {
		st, err := ParseTxStatus(json.RawMessage(in))
		if err != nil || st.Kind != want {
			t.Errorf("%s = %+v, %v", in, st, err)
		}
	}
	for _, bad := range []string{`"ok"`, `{"inBlock":"0x11"}`, `{"inBlock":[` + h + `]}`, `{}`, `{"ready":1,"x":2}`,
		`{"nope":1}`, `[]`, `null`, `{"broadcast":"x"}`} {
		if _, err := ParseTxStatus(json.RawMessage(bad)); !errors.Is(err, ErrBadResult) {
			t.Errorf("%s: %v, want ErrBadResult", bad, err)
		}
	}
}
