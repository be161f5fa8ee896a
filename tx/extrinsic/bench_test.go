package extrinsic_test

import (
	"encoding/json"
	"math/big"
	"strconv"
	"testing"

	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/tx/value"
)

// benchBuildSign builds (call encoded from value JSON, extensions, payload)
// and signs Balances.transfer_keep_alive extrinsics.
func benchBuildSign(b *testing.B, s extrinsic.Signer) {
	f := loadFormat(b, "kusama-v15-spec1009002.scale")
	codec := value.New(f.Metadata(), 2)
	dest := newEdSigner("dest").AccountID()
	p := extrinsic.Params{SpecVersion: 1009002, TxVersion: 26, GenesisHash: kusamaGenesis, BlockHash: id32(0xab), Era: extrinsic.MortalEra(64, 25_000_000)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		call, err := codec.CallByName("Balances", "transfer_keep_alive", value.Object{
			{Name: "dest", Value: value.Object{{Name: "Id", Value: "0x" + hexOf(dest[:])}}},
			{Name: "value", Value: big.NewInt(1_000_000_000_000 + int64(i))},
		})
		if err != nil {
			b.Fatal(err)
		}
		p.Nonce = uint64(i)
		if _, err := f.Sign(call, &p, s); err != nil {
			b.Fatal(err)
		}
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

func BenchmarkBuildSignTransferEd25519(b *testing.B) { benchBuildSign(b, newEdSigner("alice")) }
func BenchmarkBuildSignTransferSr25519(b *testing.B) { benchBuildSign(b, newSrSigner("alice")) }

// BenchmarkPolkadotJSBuildSign times the same work in polkadot-js on this
// machine (node .interop/tx-bench.mjs) and reports its ns/op as
// pjs-ns/op, for the ratio with the benchmarks above.
func BenchmarkPolkadotJSBuildSign(b *testing.B) {
	meta := testenv.Shared(b, "metadata", "kusama-v15-spec1009002.scale")
	for _, scheme := range []string{"ed25519", "sr25519"} {
		b.Run(scheme, func(b *testing.B) {
			out := testenv.Node(b, nil, "tx-bench.mjs", meta, strconv.Itoa(500), scheme)
			var r struct {
				NsPerOp float64 `json:"nsPerOp"`
			}
			if err := json.Unmarshal(out, &r); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
			}
			b.ReportMetric(r.NsPerOp, "pjs-ns/op")
		})
	}
}
