package rpc

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// realBlockJSON is chain_getBlock's answer for Kusama block 22939322 (its
// extrinsics as stored, no digest logs) with the Polkadot justification of
// the shared data under FRNK, in both of the forms servers send.
func realBlockJSON(f *testing.F) []byte {
	raw := testenv.SharedSeed(f, "extrinsics", "kusama-block-22939322.json")
	if raw == nil {
		return nil
	}
	var blk struct {
		Header struct {
			ParentHash     string `json:"parentHash"`
			Number         uint64 `json:"number"`
			StateRoot      string `json:"stateRoot"`
			ExtrinsicsRoot string `json:"extrinsicsRoot"`
		} `json:"header"`
		Extrinsics []string `json:"extrinsics"`
	}
	if err := json.Unmarshal(raw, &blk); err != nil {
		f.Fatal(err)
	}
	just := testenv.SharedSeed(f, "grandpa", "polkadot-b4635975-justification.scale")
	nums := make([]int, min(len(just), 64))
	for i := range nums {
		nums[i] = int(just[i])
	}
	out, err := json.Marshal(map[string]any{
		"block": map[string]any{
			"header": map[string]any{"parentHash": blk.Header.ParentHash, "number": BlockNumber(blk.Header.Number),
				"stateRoot": blk.Header.StateRoot, "extrinsicsRoot": blk.Header.ExtrinsicsRoot, "digest": map[string]any{"logs": []string{}}},
			"extrinsics": blk.Extrinsics,
		},
		"justifications": []any{
			[]any{"0x46524e4b", "0x" + hex.EncodeToString(just)},
			[]any{[]int{66, 69, 69, 70}, nums},
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	return out
}

// FuzzBlockNumber: a block number in any JSON never panics, and an accepted
// one survives its own encoding.
func FuzzBlockNumber(f *testing.F) {
	for _, s := range []string{`"0x15e0a3a"`, `22939322`, `"0x0"`, `"0x"`, `"0xffffffffffffffff"`, `"0x10000000000000000"`, `-1`, `1e3`, `"12"`, ` 7 `, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n BlockNumber
		if err := n.UnmarshalJSON(b); err != nil {
			return
		}
		enc, err := n.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back BlockNumber
		if err := back.UnmarshalJSON(enc); err != nil || back != n {
			t.Fatalf("%s → %d → %s → %d, %v", b, n, enc, back, err)
		}
	})
}

// FuzzHexJSON: Hash and Bytes read any JSON without panicking; what they
// accept re-encodes to the same value (as lower-case 0x-hex).
func FuzzHexJSON(f *testing.F) {
	f.Add([]byte(`"0xb0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe"`))
	f.Add([]byte(`"0xB0A8D493285C2DF73290DFB7E61F870F17B41801197A149CA93654499EA3DAFE"`))
	f.Add([]byte(`"0x"`))
	f.Add([]byte(`"0x0"`))
	f.Add([]byte(`"b0a8"`))
	f.Add([]byte(`"\u0030x00"`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`"0x0\"0"`))
	f.Add([]byte("\"0x0\x000\""))
	f.Fuzz(func(t *testing.T, b []byte) {
		var v Bytes
		// The in-place fast path agrees with unquoting first.
		var s string
		want, werr := []byte(nil), json.Unmarshal(b, &s)
		if werr == nil {
			want, werr = decodeHex(s)
		}
		if got, err := decodeHexJSON(b); (err == nil) != (werr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("%q: %x, %v; unquoted first: %x, %v", b, got, err, want, werr)
		}
		if err := v.UnmarshalJSON(b); err == nil {
			enc, _ := v.MarshalJSON()
			var back Bytes
			if err := back.UnmarshalJSON(enc); err != nil || !bytes.Equal(back, v) {
				t.Fatalf("bytes %s → %x → %s: %v", b, []byte(v), enc, err)
			}
		}
		var h Hash
		if err := h.UnmarshalJSON(b); err == nil {
			if len(v) != 32 || !bytes.Equal(h[:], v) {
				t.Fatalf("hash %s accepted, bytes give %x", b, []byte(v))
			}
			enc, _ := h.MarshalJSON()
			var back Hash
			if err := back.UnmarshalJSON(enc); err != nil || back != h {
				t.Fatalf("hash %s → %s: %v", b, enc, err)
			}
		} else if len(v) == 32 {
			t.Fatalf("32 bytes %s refused as a hash: %v", b, err)
		}
	})
}

// FuzzSignedBlock: chain_getBlock answers of any shape never panic; an
// accepted block's header encodes (or is refused for a number over u32) the
// same after a JSON round trip, and its justifications have 4-byte engines.
func FuzzSignedBlock(f *testing.F) {
	if b := realBlockJSON(f); b != nil {
		f.Add(b)
	}
	f.Add([]byte(`{"block":{"header":` + sampleHeaderJSON + `,"extrinsics":["0x0400"]},"justifications":[["0x46524e4b","0x0102"],[[70,82,78,75],[1,256]]]}`))
	f.Add([]byte(`{"block":{"header":` + sampleHeaderJSON + `,"extrinsics":[]},"justifications":[[[70,82,78],[1]]]}`))
	f.Add([]byte(`{"block":{"header":{"number":"0x100000000"},"extrinsics":null},"justifications":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var sb SignedBlock
		if err := json.Unmarshal(b, &sb); err != nil {
			return
		}
		_ = sb.JustificationOf(GrandpaEngine)
		enc1, err1 := sb.Block.Header.SCALE()
		if err1 != nil && sb.Block.Header.Number <= maxBlockNumber {
			t.Fatalf("SCALE of a u32 header: %v", err1)
		}
		j, err := json.Marshal(sb.Block)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		var back Block
		if err := json.Unmarshal(j, &back); err != nil {
			t.Fatalf("re-read %s: %v", j, err)
		}
		enc2, err2 := back.Header.SCALE()
		if (err1 == nil) != (err2 == nil) || !bytes.Equal(enc1, enc2) || len(back.Extrinsics) != len(sb.Block.Extrinsics) {
			t.Fatalf("round trip changed the block: %x %v / %x %v", enc1, err1, enc2, err2)
		}
	})
}

// FuzzRuntimeVersion: state_getRuntimeVersion answers never panic; an
// accepted API list re-reads the same from its JSON form.
func FuzzRuntimeVersion(f *testing.F) {
	for _, name := range []string{"kusama-v15-spec1009002", "polkadot-v15-spec2000000", "kusama-v14-spec9370"} {
		if b := testenv.SharedSeed(f, "metadata", name+".runtime-version.json"); b != nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"specName":"kusama","apis":[["0xdf6acb689907609b",5],["0xdf6acb68990760",1],["0xdf6acb689907609b",-1]],"stateVersion":1}`))
	f.Add([]byte(`{"apis":[["0xdf6acb689907609b",4294967296]]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var v RuntimeVersion
		if err := json.Unmarshal(b, &v); err != nil {
			return
		}
		for _, a := range v.APIs {
			j, _ := json.Marshal([]any{"0x" + hex.EncodeToString(a.ID[:]), a.Version})
			var back RuntimeAPI
			if err := back.UnmarshalJSON(j); err != nil || back != a {
				t.Fatalf("api %x v%d → %s → %+v, %v", a.ID, a.Version, j, back, err)
			}
		}
	})
}

// FuzzReadProof: state_getReadProof answers never panic; an accepted proof
// keeps its nodes through a JSON round trip.
func FuzzReadProof(f *testing.F) {
	f.Add([]byte(`{"at":"0x` + hex.EncodeToString(make([]byte, 32)) + `","proof":["0x80ffff","0x"]}`))
	f.Add([]byte(`{"at":"0x00","proof":[]}`))
	f.Add([]byte(`{"proof":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p ReadProof
		if err := json.Unmarshal(b, &p); err != nil {
			return
		}
		j, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back ReadProof
		if err := json.Unmarshal(j, &back); err != nil || back.At != p.At || len(back.Proof) != len(p.Proof) {
			t.Fatalf("round trip %s: %v", j, err)
		}
		for i := range p.Proof {
			if !bytes.Equal(back.Proof[i], p.Proof[i]) {
				t.Fatalf("node %d changed", i)
			}
		}
	})
}
