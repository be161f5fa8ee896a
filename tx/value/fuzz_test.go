package value

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func ledgerCallSeeds(t testing.TB, n int) [][]byte {
	var cases []pjsPayload
	if err := json.Unmarshal(testenv.ReadShared(t, "extrinsics", "kusama-ledger-signing-payloads-spec9370.polkadotjs-decoded.json"), &cases); err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for i := 0; i < len(cases) && len(out) < n; i += len(cases)/n + 1 {
		out = append(out, mustHex(t, cases[i].CallHex))
	}
	return out
}

// roundTrip checks encode(decode(b)) == b, directly and through JSON text.
func roundTrip(t *testing.T, c *Codec, id metadata.TypeID, b []byte) {
	v, err := c.Decode(id, b)
	if err != nil {
		return
	}
	enc, err := c.Encode(id, v)
	if err != nil || !bytes.Equal(enc, b) {
		t.Fatalf("type %d (%s): %x -> %v -> %x (%v)", id, c.reg.Name(id), b, v, enc, err)
	}
	text, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	pv, err := ParseJSON(text)
	if err != nil {
		t.Fatal(err)
	}
	enc, err = c.Encode(id, pv)
	if err != nil || !bytes.Equal(enc, b) {
		t.Fatalf("type %d (%s) via JSON %s: %x (%v), want %x", id, c.reg.Name(id), text, enc, err, b)
	}
}

// FuzzCall: call bytes decode or fail without panicking, and decoded calls
// re-encode to the same bytes.
func FuzzCall(f *testing.F) {
	m := loadMD(f, "kusama-v14-spec9370.scale")
	c := New(m, 2)
	for _, s := range ledgerCallSeeds(f, 60) {
		f.Add(s)
	}
	id, _ := m.CallType()
	f.Fuzz(func(t *testing.T, b []byte) {
		roundTrip(t, c, id, b)
	})
}

// FuzzValue decodes arbitrary bytes as an arbitrary type of the Kusama
// metadata's registry and checks the round trip.
func FuzzValue(f *testing.F) {
	m := loadMD(f, "kusama-v15-spec1009002.scale")
	c := New(m, 2)
	for _, s := range ledgerCallSeeds(f, 10) {
		f.Add(uint32(0), s)
	}
	f.Add(uint32(0), []byte{0x01, 0x02})
	for _, t := range []string{"AccountInfo", "Option", "BitVec", "MultiAddress", "Weight"} {
		for i := range m.Types.Types {
			if n := m.Types.Name(metadata.TypeID(i)); len(n) >= len(t) && n[:len(t)] == t {
				f.Add(uint32(i), make([]byte, 80))
				break
			}
		}
	}
	f.Fuzz(func(t *testing.T, sel uint32, b []byte) {
		id := metadata.TypeID(sel % uint32(len(m.Types.Types)))
		roundTrip(t, c, id, b)
	})
}

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
