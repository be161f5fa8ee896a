package extrinsic_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/tx/value"
)

type pjsExtrinsic struct {
	Index           int               `json:"index"`
	Hex             string            `json:"hex"`
	Version         int               `json:"version"`
	Signed          bool              `json:"signed"`
	CallIndex       string            `json:"callIndex"`
	Pallet          string            `json:"pallet"`
	Method          string            `json:"method"`
	CallHex         string            `json:"callHex"`
	Args            json.RawMessage   `json:"args"`
	Signer          string            `json:"signer"`
	SignerPublicKey string            `json:"signerPublicKey"`
	Signature       string            `json:"signature"`
	SignatureVar    string            `json:"signatureVariant"`
	Era             map[string]string `json:"era"`
	Nonce           json.Number       `json:"nonce"`
	Tip             string            `json:"tip"`
}

type blockFile struct {
	Extrinsics []string       `json:"extrinsics"`
	Decoded    []pjsExtrinsic `json:"decodedByPolkadotJs"`
	SS58       uint16         `json:"ss58Format"`
}

var blockCases = []struct{ block, meta string }{
	{"kusama-block-22939322.json", "kusama-v14-spec1002000-live.scale"},
	{"polkadot-block-18468942.json", "polkadot-v14-spec1000001-live.scale"},
}

func loadBlock(t testing.TB, name string) blockFile {
	var b blockFile
	if err := json.Unmarshal(testenv.ReadShared(t, "extrinsics", name), &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBlockExtrinsics decodes real blocks' extrinsics and compares them with
// polkadot-js, then re-encodes them.
func TestBlockExtrinsics(t *testing.T) {
	for _, c := range blockCases {
		t.Run(c.block, func(t *testing.T) {
			f := loadFormat(t, c.meta)
			b := loadBlock(t, c.block)
			codec := value.New(f.Metadata(), b.SS58)
			omitted := 0
			if len(b.Decoded) == 0 {
				t.Fatal("no decoded extrinsics")
			}
			for _, want := range b.Decoded {
				raw := unhex(t, want.Hex)
				x, err := f.Decode(raw)
				if err != nil {
					t.Fatalf("#%d: %v", want.Index, err)
				}
				if fmt.Sprintf("0x%x", x.Call) != want.CallHex || fmt.Sprintf("0x%x", x.Call[:2]) != want.CallIndex {
					t.Errorf("#%d: call 0x%x, want %s", want.Index, x.Call, want.CallHex)
				}
				if x.Signed != want.Signed || int(x.Version)|boolBit(x.Signed) != want.Version {
					t.Errorf("#%d: version %d signed %v, want %d %v", want.Index, x.Version, x.Signed, want.Version, want.Signed)
				}
				if want.Signed {
					id, _ := x.Address.AccountID()
					if "0x"+hex.EncodeToString(id[:]) != want.SignerPublicKey {
						t.Errorf("#%d: signer %x, want %s", want.Index, id, want.SignerPublicKey)
					}
					if x.Signature.SignatureType() != want.SignatureVar || "0x"+hex.EncodeToString(x.Signature.Bytes) != want.Signature {
						t.Errorf("#%d: signature %s %x", want.Index, x.Signature.Scheme, x.Signature.Bytes)
					}
					if e := eraFromPJS(t, want.Era); e != x.Extra.Era {
						t.Errorf("#%d: era %v, want %v", want.Index, x.Extra.Era, e)
					}
					if want.Nonce.String() != fmt.Sprint(x.Extra.Nonce) || want.Tip != x.Extra.Tip.String() {
						t.Errorf("#%d: nonce %d tip %v, want %s %s", want.Index, x.Extra.Nonce, x.Extra.Tip, want.Nonce, want.Tip)
					}
				}
				call, err := codec.DecodeCall(x.Call)
				if err != nil {
					t.Fatalf("#%d: decode call: %v", want.Index, err)
				}
				if normKey(call.Pallet) != normKey(want.Pallet) || normKey(call.Name) != normKey(want.Method) {
					t.Errorf("#%d: call %s.%s, want %s.%s", want.Index, call.Pallet, call.Name, want.Pallet, want.Method)
				}
				var theirs any
				d := json.NewDecoder(bytes.NewReader(want.Args))
				d.UseNumber()
				if err := d.Decode(&theirs); err != nil {
					t.Fatal(err)
				}
				if s, ok := theirs.(string); ok && strings.HasPrefix(s, "(omitted") {
					omitted++
				} else if diff := sameValue(f.Metadata(), generic(call.Args), theirs, "args"); diff != "" {
					t.Errorf("#%d %s.%s: args differ from polkadot-js: %s", want.Index, want.Pallet, want.Method, diff)
				}
				if enc, err := codec.EncodeCall(call); err != nil || !bytes.Equal(enc, x.Call) {
					t.Errorf("#%d: call re-encodes differently (%v)", want.Index, err)
				}
				again, err := f.Encode(x)
				if err != nil || !bytes.Equal(again, raw) {
					t.Errorf("#%d: re-encoding differs (%v)", want.Index, err)
				}
			}
			if omitted > 1 {
				t.Errorf("polkadot-js omitted the args of %d extrinsics; only the parachain inherent is expected", omitted)
			}
		})
	}
}

func boolBit(b bool) int {
	if b {
		return 0x80
	}
	return 0
}
