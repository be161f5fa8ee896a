package calls

import (
	"bytes"
	"errors"
	"math/big"
	"testing"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/tx/value"
)

func coreBuilder(t testing.TB, file string) *Builder {
	t.Helper()
	md, err := metadata.Decode(testenv.ReadShared(t, "metadata", file))
	if err != nil {
		t.Fatal(err)
	}
	return New(value.New(md, 2))
}

// callIndex returns the pallet and call indices from metadata.
func callIndex(t *testing.T, b *Builder, pallet, name string) []byte {
	t.Helper()
	it, err := b.Codec().Metadata().Call(pallet, name)
	if err != nil {
		t.Fatal(err)
	}
	return []byte{it.Pallet.Index, it.Variant.Index}
}

var bobID = [32]byte{0x8e, 0xaf, 0x04, 0x15, 0x16, 0x87, 0x73, 0x63, 0x26, 0xc9, 0xfe, 0xa1, 0x7e, 0x25, 0xfc, 0x52, 0x87, 0x61, 0x36, 0x93, 0xc9, 0x12, 0x90, 0x9c, 0xb2, 0x26, 0xaa, 0x47, 0x94, 0xf2, 0x6a, 0x48}

// TestTransfers checks the encodings against the SCALE layout: indices from
// metadata, MultiAddress::Id (0x00) ‖ account ‖ Compact<u128>.
func TestTransfers(t *testing.T) {
	for _, file := range []string{"kusama-v15-spec1009002.scale", "kusama-v14-spec1003000.scale", "polkadot-v15-spec2000000.scale"} {
		t.Run(file, func(t *testing.T) {
			b := coreBuilder(t, file)
			amount := big.NewInt(1_500_000_000_000)
			body := append([]byte{0x00}, bobID[:]...)
			body, err := scale.AppendCompactBig(body, amount)
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name string
				f    func([32]byte, *big.Int) ([]byte, error)
			}{{"transfer_keep_alive", b.TransferKeepAlive}, {"transfer_allow_death", b.TransferAllowDeath}} {
				got, err := tc.f(bobID, amount)
				if err != nil {
					t.Fatal(err)
				}
				want := append(callIndex(t, b, "Balances", tc.name), body...)
				if !bytes.Equal(got, want) {
					t.Fatalf("%s: %x, want %x", tc.name, got, want)
				}
			}
			all, err := b.TransferAll(bobID, true)
			if err != nil {
				t.Fatal(err)
			}
			want := append(append(callIndex(t, b, "Balances", "transfer_all"), 0x00), bobID[:]...)
			if !bytes.Equal(all, append(want, 0x01)) {
				t.Fatalf("transfer_all: %x", all)
			}
		})
	}
}

func TestBatch(t *testing.T) {
	b := coreBuilder(t, "kusama-v15-spec1009002.scale")
	c1, _ := b.TransferKeepAlive(bobID, big.NewInt(1))
	c2, _ := b.Call("System", "remark", value.Object{{Name: "remark", Value: []byte("hi")}})
	got, err := b.BatchAll([][]byte{c1, c2})
	if err != nil {
		t.Fatal(err)
	}
	want := append(callIndex(t, b, "Utility", "batch_all"), 0x08) // Compact(2)
	want = append(append(want, c1...), c2...)
	if !bytes.Equal(got, want) {
		t.Fatalf("batch_all %x, want %x", got, want)
	}
	// Split gives the calls back; a non-batch is itself.
	parts, err := b.Split(got)
	if err != nil || len(parts) != 2 || parts[0].Name != "transfer_keep_alive" || parts[1].Pallet != "System" {
		t.Fatalf("split %v %v", parts, err)
	}
	one, err := b.Split(c2)
	if err != nil || len(one) != 1 || one[0].Name != "remark" {
		t.Fatalf("split one %v %v", one, err)
	}
	// Utility.batch differs only in the call index.
	plain, _ := b.Batch([][]byte{c1, c2})
	if !bytes.Equal(plain[2:], got[2:]) || bytes.Equal(plain[:2], got[:2]) {
		t.Fatalf("batch %x", plain)
	}
	// One call is not wrapped; none is an error.
	if x, _ := b.BatchAll([][]byte{c1}); !bytes.Equal(x, c1) {
		t.Fatal("a batch of one must be the call itself")
	}
	if _, err := b.BatchAll(nil); !errors.Is(err, ErrEmptyBatch) {
		t.Fatalf("empty batch: %v", err)
	}
	// An unknown call names the problem.
	if _, err := b.Call("Balances", "no_such_call", nil); err == nil {
		t.Fatal("unknown call accepted")
	}
	if !b.Has("Utility", "batch_all") || b.Has("Utility", "nope") {
		t.Fatal("Has")
	}
}

func FuzzSplit(f *testing.F) {
	b := coreBuilder(f, "kusama-v15-spec1009002.scale")
	c1, _ := b.TransferKeepAlive(bobID, big.NewInt(1))
	c2, _ := b.Call("System", "remark", value.Object{{Name: "remark", Value: []byte("hi")}})
	batch, _ := b.BatchAll([][]byte{c1, c2})
	for _, s := range [][]byte{c1, c2, batch, {}, {0xff}} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		parts, err := b.Split(in)
		if err != nil {
			return
		}
		// Every call found encodes again (an empty batch has none).
		var enc [][]byte
		for _, p := range parts {
			c, err := b.Codec().EncodeCall(p)
			if err != nil {
				t.Fatalf("split call %s.%s does not encode: %v", p.Pallet, p.Name, err)
			}
			enc = append(enc, c)
		}
		if len(parts) == 1 && !bytes.Equal(enc[0], in) {
			if d, err := b.Codec().DecodeCall(in); err == nil && d.Pallet != "Utility" {
				t.Fatalf("a lone call changed: %x -> %x", in, enc[0])
			}
		}
	})
}
