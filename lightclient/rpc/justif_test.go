package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func TestParseJustification(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []byte
		ok   bool
	}{
		{`"0x0102ff"`, []byte{1, 2, 0xff}, true},
		{`"0x"`, []byte{}, true},
		{`"0102"`, nil, false},
		{`[1,2]`, nil, false},
		{`null`, nil, false},
		{`"0x0"`, nil, false},
		{`{}`, nil, false},
	} {
		got, err := ParseJustification(json.RawMessage(tc.in))
		if tc.ok != (err == nil) || tc.ok && !bytes.Equal(got, tc.want) {
			t.Errorf("%s: %x %v", tc.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrBadResult) {
			t.Errorf("%s: error %v does not wrap ErrBadResult", tc.in, err)
		}
	}
}

func TestJustificationOf(t *testing.T) {
	raw := `{"block":{"header":{"parentHash":"0x` + string(bytes.Repeat([]byte("00"), 32)) + `","number":"0x5",
		"stateRoot":"0x` + string(bytes.Repeat([]byte("11"), 32)) + `","extrinsicsRoot":"0x` + string(bytes.Repeat([]byte("22"), 32)) + `",
		"digest":{"logs":[]}},"extrinsics":[]},
		"justifications":[[[66,65,66,69],[9]],[[70,82,78,75],[1,2,3]],["0x46524e4b","0x0405"]]}`
	var b SignedBlock
	if err := json.Unmarshal([]byte(raw), &b); err != nil {
		t.Fatal(err)
	}
	if got := b.JustificationOf(GrandpaEngine); !bytes.Equal(got, []byte{1, 2, 3}) {
		t.Fatalf("FRNK justification %x", got)
	}
	if got := b.JustificationOf([4]byte{'B', 'E', 'E', 'F'}); got != nil {
		t.Fatalf("BEEF justification %x", got)
	}
	var none SignedBlock
	if err := json.Unmarshal([]byte(`{"block":{"header":{"parentHash":"0x`+string(bytes.Repeat([]byte("00"), 32))+`","number":"0x5","stateRoot":"0x`+string(bytes.Repeat([]byte("11"), 32))+`","extrinsicsRoot":"0x`+string(bytes.Repeat([]byte("22"), 32))+`","digest":{"logs":[]}},"extrinsics":[]},"justifications":null}`), &none); err != nil {
		t.Fatal(err)
	}
	if none.JustificationOf(GrandpaEngine) != nil {
		t.Fatal("justification from null")
	}
}

func FuzzParseJustification(f *testing.F) {
	f.Add([]byte(`"0x0102"`))
	f.Add([]byte(`"0x"`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[1,2,3]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := ParseJustification(raw)
		if err != nil {
			return
		}
		// A result re-encodes to a hex string that parses to the same bytes.
		enc, _ := json.Marshal(Bytes(b))
		again, err := ParseJustification(enc)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("round trip %x -> %s -> %x %v", b, enc, again, err)
		}
	})
}
