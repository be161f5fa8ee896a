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
