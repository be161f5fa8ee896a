package extrinsic_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/tx/value"
)

var metaCache sync.Map

// loadFormat decodes a shared metadata file once per test binary.
func loadFormat(t testing.TB, name string) *extrinsic.Format {
	t.Helper()
	if f, ok := metaCache.Load(name); ok {
		return f.(*extrinsic.Format)
	}
	md, err := metadata.Decode(testenv.ReadShared(t, "metadata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := extrinsic.New(md)
	if err != nil {
		t.Fatal(err)
	}
	metaCache.Store(name, f)
	return f
}

var unhex = testenv.Unhex

type pjsPayload struct {
	Index       int    `json:"index"`
	Name        string `json:"name"`
	Blob        string `json:"blob"`
	CallHex     string `json:"callHex"`
	Call        pjsCall
	Era         map[string]string `json:"era"`
	Nonce       string            `json:"nonce"`
	Tip         string            `json:"tip"`
	SpecVersion uint32            `json:"specVersion"`
	TxVersion   uint32            `json:"transactionVersion"`
	GenesisHash string            `json:"genesisHash"`
	BlockHash   string            `json:"blockHash"`
}

type pjsCall struct {
	Pallet    string          `json:"pallet"`
	Method    string          `json:"method"`
	CallIndex string          `json:"callIndex"`
	Args      json.RawMessage `json:"args"`
}

// eraFromPJS decodes polkadot-js' {mortalEra: hex} / {immortalEra: hex}.
func eraFromPJS(t testing.TB, m map[string]string) extrinsic.Era {
	t.Helper()
	for k, v := range m {
		e, err := extrinsic.DecodeEra(scale.NewDecoder(unhex(t, v)))
		if err != nil {
			t.Fatalf("era %s: %v", v, err)
		}
		if (k == "mortalEra") != e.Mortal {
			t.Fatalf("era %v decoded as %v", m, e)
		}
		return e
	}
	t.Fatalf("no era in %v", m)
	return extrinsic.Era{}
}

func loadLedgerPayloads(t testing.TB) []pjsPayload {
	var ps []pjsPayload
	if err := json.Unmarshal(testenv.ReadShared(t, "extrinsics", "kusama-ledger-signing-payloads-spec9370.polkadotjs-decoded.json"), &ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestLedgerPayloads decodes every signing payload polkadot-js decodes
// and compares call bytes, era, nonce, tip, versions and hashes, then
// rebuilds the payload from the decoded parameters.
func TestLedgerPayloads(t *testing.T) {
	f := loadFormat(t, "kusama-v14-spec9370.scale")
	ps := loadLedgerPayloads(t)
	if len(ps) != 1465 {
		t.Fatalf("%d payloads, want 1465", len(ps))
	}
	codec := value.New(f.Metadata(), 2)
	argsDiffer := 0
	for _, p := range ps {
		blob := unhex(t, p.Blob)
		got, err := f.DecodePayload(blob)
		if err != nil {
			t.Errorf("#%d %s: %v", p.Index, p.Name, err)
			continue
		}
		if !bytes.Equal(got.Call, unhex(t, p.CallHex)) {
			t.Errorf("#%d %s: call 0x%x, want %s", p.Index, p.Name, got.Call, p.CallHex)
		}
		if e := eraFromPJS(t, p.Era); got.Extra.Era != e || !got.Extra.HasEra {
			t.Errorf("#%d: era %v, want %v", p.Index, got.Extra.Era, e)
		}
		if n, _ := new(big.Int).SetString(p.Nonce, 10); n == nil || !n.IsUint64() || n.Uint64() != got.Extra.Nonce {
			t.Errorf("#%d: nonce %d, want %s", p.Index, got.Extra.Nonce, p.Nonce)
		}
		if got.Extra.Tip == nil || got.Extra.Tip.String() != p.Tip {
			t.Errorf("#%d: tip %v, want %s", p.Index, got.Extra.Tip, p.Tip)
		}
		a := got.Additional
		if a.SpecVersion != p.SpecVersion || a.TxVersion != p.TxVersion {
			t.Errorf("#%d: versions %d/%d, want %d/%d", p.Index, a.SpecVersion, a.TxVersion, p.SpecVersion, p.TxVersion)
		}
		if "0x"+hex.EncodeToString(a.GenesisHash[:]) != p.GenesisHash || "0x"+hex.EncodeToString(a.BlockHash[:]) != p.BlockHash {
			t.Errorf("#%d: hashes %x %x", p.Index, a.GenesisHash, a.BlockHash)
		}
		if a.MetadataHash != nil || got.Extra.HasMode {
			t.Errorf("#%d: metadata hash in a spec 9370 payload", p.Index)
		}
		call, err := codec.DecodeCall(got.Call)
		if err != nil {
			t.Errorf("#%d %s: decode call: %v", p.Index, p.Name, err)
			continue
		}
		if ci := fmt.Sprintf("0x%02x%02x", call.PalletIndex, call.CallIndex); ci != p.Call.CallIndex {
			t.Errorf("#%d: call index %s, want %s", p.Index, ci, p.Call.CallIndex)
		}
		if normKey(call.Pallet) != normKey(p.Call.Pallet) || normKey(call.Name) != normKey(p.Call.Method) {
			t.Errorf("#%d: call %s.%s, want %s.%s", p.Index, call.Pallet, call.Name, p.Call.Pallet, p.Call.Method)
		}
		if d := sameValue(f.Metadata(), generic(call.Args), generic(p.Call.Args), "args"); d != "" {
			if argsDiffer++; argsDiffer <= 10 {
				t.Errorf("#%d %s: args differ from polkadot-js: %s", p.Index, p.Name, d)
			}
		}
		again, err := codec.EncodeCall(call)
		if err != nil || !bytes.Equal(again, got.Call) {
			t.Errorf("#%d %s: re-encoded call differs (%v)\n got 0x%x\nwant 0x%x", p.Index, p.Name, err, again, got.Call)
		}
		rebuilt, err := f.SigningPayload(got.Call, got.Params())
		if err != nil {
			t.Errorf("#%d: rebuild: %v", p.Index, err)
		} else if !bytes.Equal(rebuilt, blob) {
			t.Errorf("#%d: rebuilt payload differs:\n got 0x%x\nwant %s", p.Index, rebuilt, p.Blob)
		}
	}
	// The payloads polkadot-js cannot decode with this metadata do not decode here either.
	var all []pjsPayload
	if err := json.Unmarshal(testenv.ReadShared(t, "extrinsics", "kusama-ledger-signing-payloads-spec9370.json"), &all); err != nil {
		t.Fatal(err)
	}
	decodedByPJS := map[int]bool{}
	for _, p := range ps {
		decodedByPJS[p.Index] = true
	}
	undecodable := 0
	for _, p := range all {
		if decodedByPJS[p.Index] {
			continue
		}
		undecodable++
		got, err := f.DecodePayload(unhex(t, p.Blob))
		if err == nil {
			_, err = codec.DecodeCall(got.Call)
		}
		if err == nil {
			t.Errorf("#%d %s: decodes here but not in polkadot-js", p.Index, p.Name)
		}
	}
	if undecodable != 205 {
		t.Errorf("%d payloads polkadot-js does not decode, want 205", undecodable)
	}
	if argsDiffer > 0 {
		t.Errorf("%d of %d payloads: call args differ from polkadot-js", argsDiffer, len(ps))
	}
}
