package extrinsic_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/tx/value"
)

// runtimeCase is a metadata file with its SS58 prefix.
type runtimeCase struct {
	name   string
	path   func(t *testing.T) string
	prefix uint16
}

func typesSupport(rel string) func(t *testing.T) string {
	return func(t *testing.T) string { return typesSupportPath(t, rel) }
}

func typesSupportPath(t testing.TB, rel string) string {
	return filepath.Join(testenv.OracleDir(t), "node_modules", "@polkadot", "types-support", "metadata", rel)
}

func shared(name string) func(t *testing.T) string {
	return func(t *testing.T) string { return testenv.Shared(t, "metadata", name) }
}

var runtimeCases = []runtimeCase{
	{"kusama-v15", shared("kusama-v15-spec1009002.scale"), 2},
	{"polkadot-v15 (PrevalidateAttests)", shared("polkadot-v15-spec2000000.scale"), 0},
	{"asset-hub-kusama-v15 (ChargeAssetTxPayment)", typesSupport("v15/asset-hub-kusama-hex.js"), 2},
	{"substrate-v16 (AuthorizeCall, WeightReclaim, extrinsic v5)", typesSupport("v16/substrate-hex.js"), 42},
}

func loadAnyFormat(t *testing.T, path string) *extrinsic.Format { return loadAnyFormatTB(t, path) }

func loadAnyFormatTB(t testing.TB, path string) *extrinsic.Format {
	t.Helper()
	b := testenv.ReadMetadataFile(t, path)
	md, err := metadata.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	f, err := extrinsic.New(md)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestRuntimesInterop signs a remark on runtimes with different transaction
// extensions and has polkadot-js verify each signature.
func TestRuntimesInterop(t *testing.T) {
	for _, rc := range runtimeCases {
		t.Run(rc.name, func(t *testing.T) {
			path := rc.path(t)
			f := loadAnyFormat(t, path)
			codec := value.New(f.Metadata(), rc.prefix)
			call, err := codec.CallByName("System", "remark", value.Object{{Name: "remark", Value: "0x" + strings.Repeat("6b", 40)}})
			if err != nil {
				t.Fatal(err)
			}
			p := extrinsic.Params{SpecVersion: 100, TxVersion: 7, GenesisHash: id32(0x10), BlockHash: id32(0x20),
				Era: extrinsic.MortalEra(128, 1000), Nonce: 42, Tip: big.NewInt(99)}
			var signed [][]byte
			for _, s := range []extrinsic.Signer{newSrSigner("a"), newEdSigner("b")} {
				ext, err := f.Sign(call, &p, s)
				if err != nil {
					t.Fatal(err)
				}
				x, err := f.Decode(ext)
				if err != nil {
					t.Fatal(err)
				}
				if x.Extra.Nonce != 42 || x.Extra.Tip.Int64() != 99 || x.Extra.Era != p.Era || !bytes.Equal(x.Call, call) {
					t.Errorf("decoded %+v", x.Extra)
				}
				if again, err := f.Encode(x); err != nil || !bytes.Equal(again, ext) {
					t.Errorf("re-encode: %v", err)
				}
				signed = append(signed, ext)
			}
			req := map[string]any{"metadata": path, "ss58": rc.prefix, "genesisHash": "0x" + hex.EncodeToString(p.GenesisHash[:]),
				"specVersion": p.SpecVersion, "txVersion": p.TxVersion}
			var exts []map[string]any
			for _, e := range signed {
				exts = append(exts, map[string]any{"hex": "0x" + hex.EncodeToString(e), "blockHash": "0x" + hex.EncodeToString(p.BlockHash[:])})
			}
			req["extrinsics"] = exts
			in, _ := json.Marshal(req)
			var res []pjsResult
			if err := json.Unmarshal(testenv.Node(t, in, "tx-verify.mjs"), &res); err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				if !r.SignatureValid || r.Method != "remark" || r.Nonce != "42" || r.Tip != "99" || r.Reencoded != "0x"+hex.EncodeToString(signed[i]) {
					t.Errorf("extrinsic %d: polkadot-js says %+v", i, r)
				}
			}
		})
	}
}

// TestV5 decodes v5 bare and general extrinsics on a runtime that declares them.
func TestV5(t *testing.T) {
	f := loadAnyFormat(t, typesSupport("v16/substrate-hex.js")(t))
	codec := value.New(f.Metadata(), 42)
	call, err := codec.CallByName("System", "remark", value.Object{{Name: "remark", Value: "0x01020304"}})
	if err != nil {
		t.Fatal(err)
	}
	bare := append([]byte{0x05}, call...)
	bare = append([]byte{byte(len(bare) << 2)}, bare...)
	x, err := f.Decode(bare)
	if err != nil || x.Version != 5 || x.Signed || x.General || !bytes.Equal(x.Call, call) {
		t.Fatalf("bare v5: %+v %v", x, err)
	}
	p := extrinsic.Params{Era: extrinsic.MortalEra(64, 77), Nonce: 9, Tip: big.NewInt(5)}
	extra, err := f.AppendExtra(nil, &p)
	if err != nil {
		t.Fatal(err)
	}
	body := append(append([]byte{0x45, 0}, extra...), call...)
	general := append([]byte{byte(len(body) << 2)}, body...)
	x, err = f.Decode(general)
	if err != nil || !x.General || x.ExtensionVersion != 0 || x.Extra.Nonce != 9 || x.Extra.Tip.Int64() != 5 || x.Extra.Era != p.Era {
		t.Fatalf("general v5: %+v %v", x, err)
	}
	if again, err := f.Encode(x); err != nil || !bytes.Equal(again, general) {
		t.Errorf("general v5 re-encodes as %x (%v)", again, err)
	}
	// Extension version 1 is not declared.
	body[1] = 1
	general = append([]byte{byte(len(body) << 2)}, body...)
	if _, err := f.Decode(general); !errors.Is(err, extrinsic.ErrUnsupportedVersion) {
		t.Errorf("unknown extension version: %v", err)
	}
	// v5 is refused by a runtime that only declares v4.
	k := loadFormat(t, "kusama-v15-spec1009002.scale")
	if _, err := k.Decode(bare); !errors.Is(err, extrinsic.ErrUnsupportedVersion) {
		t.Errorf("v5 on a v4 runtime: %v", err)
	}
}

// findType returns the id of the first type matching pred.
func findType(t *testing.T, md *metadata.Metadata, pred func(*metadata.Type) bool) metadata.TypeID {
	for i := range md.Types.Types {
		if pred(&md.Types.Types[i]) {
			return md.Types.Types[i].ID
		}
	}
	t.Fatal("no such type")
	return 0
}

// TestUnknownExtensions adds extensions ksm does not know to real metadata:
// a zero-sized one is fine, one with data is refused by name.
func TestUnknownExtensions(t *testing.T) {
	md, err := metadata.Decode(testenv.ReadShared(t, "metadata", "kusama-v15-spec1009002.scale"))
	if err != nil {
		t.Fatal(err)
	}
	unit := findType(t, md, func(ty *metadata.Type) bool { return ty.Def.Kind == metadata.KindTuple && len(ty.Def.Tuple) == 0 })
	u32 := findType(t, md, func(ty *metadata.Type) bool {
		return ty.Def.Kind == metadata.KindPrimitive && ty.Def.Primitive == metadata.U32
	})
	base, err := extrinsic.New(md)
	if err != nil {
		t.Fatal(err)
	}
	p := extrinsic.Params{SpecVersion: 1, TxVersion: 1, GenesisHash: id32(1), BlockHash: id32(1)}
	call := []byte{0, 0, 0} // System.remark(b"")
	want, err := base.SigningPayload(call, &p)
	if err != nil {
		t.Fatal(err)
	}
	add := func(id string, ty, implicit metadata.TypeID) *extrinsic.Format {
		m := *md
		m.Extrinsic.Extensions = append(append([]metadata.Extension{}, md.Extrinsic.Extensions...), metadata.Extension{Identifier: id, Type: ty, Implicit: implicit})
		idx := append(append([]uint32{}, md.Extrinsic.ExtensionsByVersion[0].Indices...), uint32(len(m.Extrinsic.Extensions)-1))
		m.Extrinsic.ExtensionsByVersion = []metadata.ExtensionVersion{{Version: 0, Indices: idx}}
		f, err := extrinsic.New(&m)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if got, err := add("SomethingNew", unit, unit).SigningPayload(call, &p); err != nil || !bytes.Equal(got, want) {
		t.Errorf("zero-sized unknown extension: %v", err)
	}
	_, err = add("MyDataExt", u32, unit).SigningPayload(call, &p)
	if !errors.Is(err, extrinsic.ErrUnknownExtension) || !strings.Contains(err.Error(), "MyDataExt") {
		t.Errorf("unknown extension with data: %v", err)
	}
	// A known name with an unexpected type is refused when resolving.
	m := *md
	m.Extrinsic.Extensions = append([]metadata.Extension{}, md.Extrinsic.Extensions...)
	for i := range m.Extrinsic.Extensions {
		if m.Extrinsic.Extensions[i].Identifier == "CheckSpecVersion" {
			m.Extrinsic.Extensions[i].Implicit = unit
		}
	}
	if _, err := extrinsic.New(&m); !errors.Is(err, extrinsic.ErrMetadata) {
		t.Errorf("CheckSpecVersion without data: %v", err)
	}
	// Decoding skips the unknown extension's data by its type.
	f := add("MyDataExt", u32, unit)
	ext := append([]byte{0x84, 0}, make([]byte, 32)...)
	ext = append(ext, 1)
	ext = append(ext, make([]byte, 64)...)
	extra, _ := base.AppendExtra(nil, &p)
	ext = append(ext, extra...)
	ext = append(ext, 7, 0, 0, 0) // MyDataExt's u32
	ext = append(ext, call...)
	x, err := f.DecodeBody(ext)
	if err != nil || len(x.ExtraRaw) == 0 || !bytes.Equal(x.ExtraRaw[len(x.ExtraRaw)-1], []byte{7, 0, 0, 0}) {
		t.Fatalf("decode with unknown extension: %+v %v", x, err)
	}
}

// TestWrapperExtension wraps ChargeAssetTxPayment in a SkipCheckIfFeeless-like
// composite (the inner extension plus a zero-sized marker), as runtimes do:
// the wrapper is looked through and the bytes are those of the inner one.
func TestWrapperExtension(t *testing.T) {
	f := loadAnyFormat(t, typesSupport("v15/asset-hub-kusama-hex.js")(t))
	md := *f.Metadata()
	unit := findType(t, &md, func(ty *metadata.Type) bool { return ty.Def.Kind == metadata.KindTuple && len(ty.Def.Tuple) == 0 })
	md.Types.Types = append([]metadata.Type{}, md.Types.Types...)
	md.Extrinsic.Extensions = append([]metadata.Extension{}, md.Extrinsic.Extensions...)
	wrapped := false
	for i, x := range md.Extrinsic.Extensions {
		if x.Identifier != "ChargeAssetTxPayment" {
			continue
		}
		id := metadata.TypeID(len(md.Types.Types))
		md.Types.Types = append(md.Types.Types, metadata.Type{ID: id, Path: []string{"pallet_skip_feeless_payment", "SkipCheckIfFeeless"},
			Def: metadata.TypeDef{Kind: metadata.KindComposite, Fields: []metadata.Field{{Type: x.Type}, {Type: unit}}}})
		md.Extrinsic.Extensions[i].Type = id
		wrapped = true
	}
	if !wrapped {
		t.Fatal("no ChargeAssetTxPayment")
	}
	w, err := extrinsic.New(&md)
	if err != nil {
		t.Fatal(err)
	}
	p := extrinsic.Params{SpecVersion: 1, TxVersion: 2, GenesisHash: id32(3), BlockHash: id32(4), Era: extrinsic.MortalEra(32, 9), Nonce: 5, Tip: big.NewInt(6)}
	call := []byte{0, 0, 0}
	a, err1 := f.SigningPayload(call, &p)
	b, err2 := w.SigningPayload(call, &p)
	if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
		t.Fatalf("wrapped payload %x (%v), plain %x (%v)", b, err2, a, err1)
	}
	got, err := w.DecodePayload(b)
	if err != nil || got.Extra.Tip.Int64() != 6 || !bytes.Equal(got.Extra.AssetID, []byte{0}) {
		t.Fatalf("decode wrapped: %+v %v", got, err)
	}
}
