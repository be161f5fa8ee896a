package metadata

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// sharedFiles are the metadata files of shared/testdata/metadata with their
// expected metadata version.
var sharedFiles = []struct {
	name    string
	version uint8
	pjs     bool // has a .polkadotjs-decoded.json beside it
}{
	{"kusama-v14-spec1002000-live.scale", 14, false},
	{"kusama-v14-spec1003000.scale", 14, true},
	{"kusama-v14-spec9370.scale", 14, true},
	{"kusama-v15-spec1009002.scale", 15, true},
	{"polkadot-v14-spec1000001-live.scale", 14, false},
	{"polkadot-v15-spec2000000.scale", 15, true},
}

func loadShared(t testing.TB, name string) (*Metadata, []byte) {
	t.Helper()
	b := testenv.ReadShared(t, "metadata", name)
	m, err := Decode(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m, b
}

// typesSupportHex reads the hex string exported by a @polkadot/types-support
// metadata JS module (`export default '0x...'`).
func typesSupportHex(t testing.TB, rel string) []byte {
	t.Helper()
	p := filepath.Join(testenv.OracleDir(t), "node_modules", "@polkadot", "types-support", "metadata", rel)
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`'0x([0-9a-fA-F]+)'`).FindSubmatch(src)
	if m == nil {
		t.Fatalf("%s: no hex string", p)
	}
	b, err := hex.DecodeString(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeSharedFiles(t *testing.T) {
	for _, f := range sharedFiles {
		t.Run(f.name, func(t *testing.T) {
			m, b := loadShared(t, f.name)
			if m.Version != f.version {
				t.Fatalf("version %d, want %d", m.Version, f.version)
			}
			if got := m.Encode(); !bytes.Equal(got, b) {
				t.Fatalf("re-encoding differs (len %d vs %d)", len(got), len(b))
			}
			sys, err := m.PalletByIndex(0)
			if err != nil || sys.Name != "System" {
				t.Fatalf("pallet 0 = %v, %v", sys, err)
			}
			if !m.Extrinsic.HasTypes {
				t.Fatal("extrinsic address/call/signature types not found")
			}
			ct, _ := m.CallType()
			if n := m.Types.Name(ct); n != "RuntimeCall" && n != "Call" {
				t.Fatalf("call type %d is %s", ct, n)
			}
			et, ok := m.EventType()
			if !ok || !strings.HasSuffix(m.Types.Name(et), "Event") {
				t.Fatalf("event type %d (%v) is %s", et, ok, m.Types.Name(et))
			}
			it, err := m.Call("Balances", "transfer_keep_alive")
			if err != nil {
				t.Fatal(err)
			}
			bal, _ := m.Pallet("Balances")
			if it.Pallet != bal || len(it.Variant.Fields) != 2 || it.Variant.Fields[0].Name != "dest" {
				t.Fatalf("Balances.transfer_keep_alive: pallet %d fields %+v", it.Pallet.Index, it.Variant.Fields)
			}
			byIdx, err := m.CallByIndex(bal.Index, it.Variant.Index)
			if err != nil || byIdx.Variant != it.Variant {
				t.Fatalf("CallByIndex: %v", err)
			}
			ext, err := m.Extrinsic.ExtensionsFor(0)
			if err != nil || len(ext) == 0 || ext[0].Identifier == "" {
				t.Fatalf("extensions: %v %v", ext, err)
			}
			// The version constant is present and the runtime version's spec name
			// is inside it.
			c, err := m.Constant("System", "Version")
			if err != nil || !bytes.Contains(c.Value, []byte("kusama")) && !bytes.Contains(c.Value, []byte("polkadot")) {
				t.Fatalf("System.Version: %v", err)
			}
		})
	}
}

func TestDecodeWrappers(t *testing.T) {
	_, raw := loadShared(t, "kusama-v15-spec1009002.scale")
	vec := append(appendCompactLen(nil, len(raw)), raw...)
	opt := append([]byte{1}, vec...)
	hexText := []byte("  0x" + hex.EncodeToString(opt) + "\n")
	for name, in := range map[string][]byte{"raw": raw, "vec": vec, "option": opt, "hex": hexText, "barehex": []byte(hex.EncodeToString(raw))} {
		m, err := Parse(in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.Version != 15 || len(m.Pallets) == 0 {
			t.Fatalf("%s: version %d, %d pallets", name, m.Version, len(m.Pallets))
		}
	}
	if _, err := Decode([]byte{0}); err != ErrNotAvailable {
		t.Fatalf("None: %v", err)
	}
	for _, bad := range [][]byte{nil, []byte("meta"), []byte("meta\x0d"), []byte("xyz"), append([]byte("meta\x0f"), 1)} {
		if _, err := Parse(bad); err == nil {
			t.Fatalf("%q decoded", bad)
		}
	}
	// Truncations never decode (and never panic).
	for _, n := range []int{5, 6, 100, len(raw) / 2, len(raw) - 1} {
		if _, err := Decode(raw[:n]); err == nil {
			t.Fatalf("truncated to %d decoded", n)
		}
	}
}

func appendCompactLen(b []byte, n int) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n<<2))
	case n < 1<<14:
		return append(b, byte(n<<2|1), byte(n>>6))
	}
	v := uint32(n)<<2 | 2
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

func TestTypesSupportV16AndAssetHub(t *testing.T) {
	for _, c := range []struct {
		js, json string
		version  uint8
	}{
		{"v16/substrate-hex.js", "v16/substrate-json.json", 16},
		{"v15/asset-hub-kusama-hex.js", "v15/asset-hub-kusama-json.json", 15},
		{"v15/kusama-hex.js", "v15/kusama-json.json", 15},
	} {
		t.Run(c.js, func(t *testing.T) {
			in := typesSupportHex(t, c.js)
			m, err := Decode(in)
			if err != nil {
				t.Fatal(err)
			}
			if m.Version != c.version {
				t.Fatalf("version %d", m.Version)
			}
			raw, _ := Unwrap(in)
			if !bytes.Equal(m.Encode(), raw) {
				t.Fatal("re-encoding differs")
			}
			p := filepath.Join(testenv.OracleDir(t), "node_modules", "@polkadot", "types-support", "metadata", c.json)
			js, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			comparePJS(t, m, js)
		})
	}
}

func TestPolkadotJSDecoded(t *testing.T) {
	for _, f := range sharedFiles {
		if !f.pjs {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			m, _ := loadShared(t, f.name)
			js := testenv.ReadShared(t, "metadata", strings.TrimSuffix(f.name, ".scale")+".polkadotjs-decoded.json")
			comparePJS(t, m, js)
		})
	}
}

// TestPolkadotJSNames compares pallet, call, storage, event, error,
// constant and extension names and call/event/error indices of every file
// with polkadot-js' decoding of the same bytes.
func TestPolkadotJSNames(t *testing.T) {
	var paths []string
	for _, f := range sharedFiles {
		paths = append(paths, testenv.Shared(t, "metadata", f.name))
	}
	var all []struct {
		Summary Summary
		Indices []struct{ Calls, Events, Errors []int }
	}
	if err := json.Unmarshal(testenv.Node(t, nil, "metadata-names.mjs", paths...), &all); err != nil {
		t.Fatal(err)
	}
	if len(all) != len(sharedFiles) {
		t.Fatalf("%d results", len(all))
	}
	for fi, f := range sharedFiles {
		want := all[fi]
		t.Run(f.name, func(t *testing.T) {
			m, _ := loadShared(t, f.name)
			got := Summarize(m)
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(want.Summary)
			if !bytes.Equal(gb, wb) {
				t.Fatalf("summary differs from polkadot-js:\n got %.600s\nwant %.600s", gb, wb)
			}
			if len(want.Indices) != len(m.Pallets) {
				t.Fatalf("%d pallets, polkadot-js %d", len(m.Pallets), len(want.Indices))
			}
			n := 0
			for i := range m.Pallets {
				for k, w := range [][]int{want.Indices[i].Calls, want.Indices[i].Events, want.Indices[i].Errors} {
					vs := m.Variants(&m.Pallets[i], EnumKind(k))
					if len(vs) != len(w) {
						t.Fatalf("%s %s: %d variants, want %d", m.Pallets[i].Name, EnumKind(k), len(vs), len(w))
					}
					for j := range vs {
						if int(vs[j].Index) != w[j] {
							t.Fatalf("%s %s %s: index %d, want %d", m.Pallets[i].Name, EnumKind(k), vs[j].Name, vs[j].Index, w[j])
						}
						n++
					}
				}
			}
			t.Logf("%d pallets, %d call/event/error variants equal polkadot-js", len(m.Pallets), n)
		})
	}
}
