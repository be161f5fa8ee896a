package lightclient

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
)

func TestParseTxStatus(t *testing.T) {
	h := "0x" + strings.Repeat("ab", 32)
	var hb header.Hash
	for i := range hb {
		hb[i] = 0xab
	}
	cases := []struct {
		in   string
		want TxUpdate
		ok   bool
	}{
		{`"ready"`, TxUpdate{Kind: StatusReady}, true},
		{`{"ready":null}`, TxUpdate{Kind: StatusReady}, true}, // chopsticks
		{`"future"`, TxUpdate{Kind: StatusFuture}, true},
		{`{"broadcast":["12D3Koo"]}`, TxUpdate{Kind: StatusBroadcast}, true},
		{`{"inBlock":"` + h + `"}`, TxUpdate{Kind: StatusInBlock, Block: hb}, true},
		{`{"inBlock":["` + h + `",3]}`, TxUpdate{Kind: StatusInBlock, Block: hb}, true},
		{`{"finalized":"` + h + `"}`, TxUpdate{Kind: StatusFinalized, Block: hb}, true},
		{`{"retracted":"` + h + `"}`, TxUpdate{Kind: StatusRetracted, Block: hb}, true},
		{`{"finalityTimeout":"` + h + `"}`, TxUpdate{Kind: StatusFinalityTimeout, Block: hb}, true},
		{`"dropped"`, TxUpdate{Kind: StatusDropped}, true},
		{`"invalid"`, TxUpdate{Kind: StatusInvalid}, true},
		{`{"invalid":{"payment":null}}`, TxUpdate{Kind: StatusInvalid, Detail: `{"payment":null}`}, true}, // chopsticks
		{`{"unknown":{"cannotLookup":null}}`, TxUpdate{Kind: StatusInvalid, Detail: `{"cannotLookup":null}`}, true},
		{`{"usurped":"` + h + `"}`, TxUpdate{Kind: StatusUsurped, Detail: `"` + h + `"`}, true},
		{`{"inBlock":"0x12"}`, TxUpdate{}, false},
		{`{"a":1,"b":2}`, TxUpdate{}, false},
		{`"sideways"`, TxUpdate{}, false},
		{`42`, TxUpdate{}, false},
	}
	for _, tc := range cases {
		got, ok := ParseTxStatus(json.RawMessage(tc.in))
		if ok != tc.ok || got != tc.want {
			t.Errorf("ParseTxStatus(%s) = %+v %v, want %+v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	for k, final := range map[TxStatus]bool{StatusReady: false, StatusInBlock: false, StatusBroadcast: false, StatusFinalized: true, StatusInvalid: true, StatusDropped: true, StatusFinalityTimeout: true} {
		if k.Final() != final {
			t.Errorf("%s.Final() = %v", k, !final)
		}
	}
}

func FuzzParseTxStatus(f *testing.F) {
	for _, s := range []string{`"ready"`, `{"ready":null}`, `{"inBlock":["0x` + strings.Repeat("ab", 32) + `",1]}`, `{"invalid":{"payment":null}}`, `[]`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		u, ok := ParseTxStatus(b)
		if !ok && u != (TxUpdate{}) {
			t.Fatal("a refused status must be zero")
		}
		if ok && u.Block != (header.Hash{}) && !u.Kind.NamesBlock() {
			t.Fatalf("%s names a block", u.Kind)
		}
	})
}

// Transaction statuses as endpoints send them, in either form.
func ExampleParseTxStatus() {
	for _, raw := range []string{`"ready"`, `{"ready":null}`, `{"finalized":"0x0000000000000000000000000000000000000000000000000000000000000001"}`} {
		u, ok := ParseTxStatus([]byte(raw))
		fmt.Println(u.Kind, u.Kind.Final(), ok)
	}
	// Output:
	// ready false true
	// ready false true
	// finalized true true
}
