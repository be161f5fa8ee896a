package value

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzCallJSON: call-argument JSON as a user or a script gives it (tx call
// --args, tx build --call, batch files) encodes or fails without panicking;
// what encodes decodes back to a call whose JSON encodes to the same bytes.
func FuzzCallJSON(f *testing.F) {
	m := loadMD(f, "kusama-v14-spec9370.scale")
	c := New(m, 2)
	for _, b := range ledgerCallSeeds(f, 40) {
		call, err := c.DecodeCall(b)
		if err != nil {
			f.Fatal(err)
		}
		text, err := json.Marshal(call)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(text)
	}
	for _, s := range []string{
		`{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F","value":"1000000000000"}}`,
		`{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":{"Id":"0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"},"value":1e3}}`,
		`{"pallet":"Utility","name":"batch_all","args":{"calls":[{"pallet":"System","name":"remark","args":{"remark":"0x00"}}]}}`,
		`{"pallet":"Staking","name":"bond","args":{"value":-1,"payee":"Staked"}}`,
		`{"pallet":"System","name":"remark","args":{"remark":"0x` + "zz" + `"}}`,
		`[1,2,3]`, `null`, `{"pallet":"System"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		b, err := c.EncodeCall(text)
		if err != nil {
			return
		}
		call, err := c.DecodeCall(b)
		if err != nil {
			t.Fatalf("%s encoded to %x, which does not decode: %v", text, b, err)
		}
		again, err := json.Marshal(call)
		if err != nil {
			t.Fatal(err)
		}
		b2, err := c.EncodeCall(again)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("%s -> %x -> %s -> %x (%v)", text, b, again, b2, err)
		}
	})
}

// FuzzDecodeEvent: RuntimeEvent bytes (from a block's System.Events) decode
// or fail without panicking, and a decoded event re-encodes to the same
// bytes.
func FuzzDecodeEvent(f *testing.F) {
	m := loadMD(f, "kusama-v15-spec1009002.scale")
	c := New(m, 2)
	et, ok := m.EventType()
	if !ok {
		f.Fatal("no event type")
	}
	for _, s := range []string{
		`{"System":{"ExtrinsicSuccess":{"dispatch_info":{"weight":{"ref_time":1000,"proof_size":20},"class":"Normal","pays_fee":"Yes"}}}}`,
		`{"System":{"ExtrinsicFailed":{"dispatch_error":{"Module":{"index":4,"error":"0x02000000"}},"dispatch_info":{"weight":{"ref_time":1,"proof_size":2},"class":"Operational","pays_fee":"No"}}}}`,
		`{"Balances":{"Transfer":{"from":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F","to":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F","amount":"12345678901234567890"}}}`,
		`{"TransactionPayment":{"TransactionFeePaid":{"who":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F","actual_fee":1,"tip":0}}}`,
	} {
		v, err := ParseJSON([]byte(s))
		if err != nil {
			f.Fatal(err)
		}
		b, err := c.Encode(et, v)
		if err != nil {
			f.Fatalf("seed %s: %v", s, err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := c.DecodeEvent(b)
		if err != nil {
			return
		}
		v, err := c.Decode(et, b)
		if err != nil {
			t.Fatalf("DecodeEvent took %x (%s.%s) but Decode refuses it: %v", b, ev.Pallet, ev.Name, err)
		}
		enc, err := c.Encode(et, v)
		if err != nil || !bytes.Equal(enc, b) {
			t.Fatalf("%x -> %v -> %x (%v)", b, v, enc, err)
		}
	})
}

// FuzzDecodeModuleError: a DispatchError::Module's pallet index and error
// bytes (from an ExtrinsicFailed event or a dry run) are explained or
// refused without panicking.
func FuzzDecodeModuleError(f *testing.F) {
	m := loadMD(f, "kusama-v15-spec1009002.scale")
	c := New(m, 2)
	f.Add(uint8(4), []byte{2, 0, 0, 0})   // Balances
	f.Add(uint8(6), []byte{0, 0, 0, 0})   // Staking
	f.Add(uint8(99), []byte{0, 1, 2, 3})  // XcmPallet: errors with fields
	f.Add(uint8(255), []byte{0, 0, 0, 0}) // no such pallet
	f.Add(uint8(4), []byte{})
	f.Fuzz(func(t *testing.T, pallet uint8, b []byte) {
		pe, err := c.DecodeModuleError(pallet, b)
		if err == nil && (pe.Pallet == "" || pe.Name == "") {
			t.Fatalf("module error %d %x explained without a name: %+v", pallet, b, pe)
		}
	})
}
