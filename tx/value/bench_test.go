package value

import (
	"encoding/json"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// BenchmarkDecodeParaInherent decodes the 29 kB paraInherent.enter call of
// Kusama block 22939322 (bit fields, candidates, disputes) to value JSON.
func BenchmarkDecodeParaInherent(b *testing.B) {
	c := New(loadMD(b, "kusama-v14-spec1002000-live.scale"), 2)
	var doc struct{ DecodedByPolkadotJs []struct{ CallHex string } }
	if err := json.Unmarshal(testenv.ReadShared(b, "extrinsics", "kusama-block-22939322.json"), &doc); err != nil {
		b.Fatal(err)
	}
	raw := mustHex(b, doc.DecodedByPolkadotJs[1].CallHex)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DecodeCall(raw); err != nil {
			b.Fatal(err)
		}
	}
}
