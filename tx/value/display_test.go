package value

import (
	"math/big"
	"strings"
	"testing"
)

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
