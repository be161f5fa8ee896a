package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/config"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/value"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/golden/*.json from the current JSON types")

// jsonContract lists the types whose JSON the commands print, by golden file
// name. The JSON field names are the command-line contract (docs/cli.md):
// scripts read them, so none is renamed or removed without a deprecation.
var jsonContract = []struct {
	name string
	v    any
}{
	{"account-pending", app.PendingTx{}},
	{"balance", balanceJSON{}},
	{"batch-plan", batchPlanJSON{}},
	{"batch-row", batchRowJSON{}},
	{"batch-summary", batchSummaryJSON{}},
	{"batch-journal-record", app.JournalRecord{}},
	{"chain-checkpoint-export", checkpointExportJSON{}},
	{"chain-status", chainStatusJSON{}},
	{"chain-sync-progress", syncProgressJSON{}},
	{"chain-sync-finalized", syncFinalizedJSON{}},
	{"chain-sync-set-changed", syncSetChangedJSON{}},
	{"chain-sync-synced", syncDoneJSON{}},
	{"claim-status", claimStatusJSON{}},
	{"claim-submit", claimSubmitJSON{}},
	{"config-get", configValueJSON{}},
	{"config-list", []config.KV{}},
	{"gov-referendum", referendumJSON{}},
	{"gov-tracks", []trackJSON{}},
	{"gov-votes", votesJSON{}},
	{"key", keyJSON{}},
	{"key-inspect", inspectJSON{}},
	{"key-export", keyExportJSON{}},
	{"key-remove", keyRemovedJSON{}},
	{"metadata-inspect", metadata.Summary{}},
	{"multisig-new", multisigJSON{}},
	{"multisig-pending", []pendingJSON{}},
	{"para-status", paraStatusJSON{}},
	{"pool-status", poolStatusJSON{}},
	{"proxy-list", proxyListJSON{}},
	{"query-storage", queryStorageJSON{}},
	{"stake-status", stakeStatusJSON{}},
	{"submit-dry-run", dryRunJSON{}},
	{"submit-outcome", submitJSON{}},
	{"tx-build", xtUnsigned{}},
	{"tx-decode", xtDecoded{}},
	{"tx-decode-call", decodedCallJSON{}},
	{"tx-decode-payload", xtPayload{}},
	{"tx-encode-call", callHexJSON{}},
	{"tx-sign", xtSigned{}},
	{"tx-submit-dry-run", txSubmitDryRunJSON{}},
	{"verify-checkpoint", checkpointOut{}},
	{"verify-genesis", genesisOut{}},
	{"verify-header", headerOut{}},
	{"verify-justification", justificationOut{}},
	{"verify-proof", proofOut{}},
	{"verify-proof-prefix", proofPrefixOut{}},
	{"version", versionJSON{}},
}

// TestJSONGolden marshals a representative value of each type (every field
// set, so that omitempty fields show) and compares its field names with
// testdata/golden/NAME.json. A renamed or removed field fails: it breaks
// scripts. A new field fails too until the golden file is regenerated
// (go test ./cmd/internal/cli -run TestJSONGolden -update) and the field is
// described in docs/cli.md.
func TestJSONGolden(t *testing.T) {
	t.Parallel()
	for _, c := range jsonContract {
		t.Run(c.name, func(t *testing.T) {
			got := marshalRepresentative(t, c.v)
			path := filepath.Join("testdata", "golden", c.name+".json")
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			gotPaths, wantPaths := jsonPaths(t, got), jsonPaths(t, want)
			for _, p := range wantPaths {
				if !slices.Contains(gotPaths, p) {
					t.Errorf("JSON field %s was renamed or removed: scripts depend on it (docs/cli.md)", p)
				}
			}
			for _, p := range gotPaths {
				if !slices.Contains(wantPaths, p) {
					t.Errorf("new JSON field %s: describe it in docs/cli.md and run this test with -update", p)
				}
			}
		})
	}
}

// TestJSONFieldsDocumented checks that every field name of the golden files
// appears in docs/cli.md.
func TestJSONFieldsDocumented(t *testing.T) {
	t.Parallel()
	doc := readCLIDoc(t)
	for _, c := range jsonContract {
		for _, p := range jsonPaths(t, marshalRepresentative(t, c.v)) {
			parts := strings.FieldsFunc(p, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
			if len(parts) == 0 {
				continue
			}
			field := parts[len(parts)-1]
			if !regexp.MustCompile(`\b` + regexp.QuoteMeta(field) + `\b`).MatchString(doc) {
				t.Errorf("%s: JSON field %s (%s) is not described in docs/cli.md", c.name, field, p)
			}
		}
	}
}

func marshalRepresentative(t *testing.T, v any) []byte {
	t.Helper()
	filled := representative(reflect.TypeOf(v), 0)
	b, err := json.MarshalIndent(filled.Interface(), "", "  ")
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	return append(b, '\n')
}

var (
	rawMessageType = reflect.TypeOf(json.RawMessage(nil))
	valueObject    = reflect.TypeOf(value.Object(nil))
	valueCall      = reflect.TypeOf(value.Call{})
)

// representative returns a value of t with every exported field set: strings
// "x", numbers 1, true, pointers to such values, slices of one element. A
// call is {pallet, name, args}; value JSON inside it (args, any fields) is
// the user's data, not the contract, and is left as a plain string or {}.
func representative(t reflect.Type, depth int) reflect.Value {
	v := reflect.New(t).Elem()
	if depth > 8 {
		return v
	}
	switch {
	case t == rawMessageType:
		v.Set(reflect.ValueOf(json.RawMessage(`{"pallet":"x","name":"x","args":{}}`)))
		return v
	case t == valueObject:
		v.Set(reflect.ValueOf(value.Object{}))
		return v
	case t == valueCall:
		v.Set(reflect.ValueOf(value.Call{Pallet: "x", Name: "x", Args: value.Object{}}))
		return v
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		p.Elem().Set(representative(t.Elem(), depth+1))
		v.Set(p)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() {
				v.Field(i).Set(representative(f.Type, depth+1))
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(t, 1, 1)
		s.Index(0).Set(representative(t.Elem(), depth+1))
		v.Set(s)
	case reflect.Array:
		for i := 0; i < t.Len(); i++ {
			v.Index(i).Set(representative(t.Elem(), depth+1))
		}
	case reflect.Interface:
		v.Set(reflect.ValueOf("value"))
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	}
	return v
}

// jsonPaths lists the field paths of a JSON document: "a", "a.b", "c[].d".
func jsonPaths(t *testing.T, b []byte) []string {
	t.Helper()
	var doc any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("JSON %s: %v", b, err)
	}
	seen := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				seen[p] = true
				walk(p, x)
			}
		case []any:
			for _, x := range v {
				walk(prefix+"[]", x)
			}
		}
	}
	walk("", doc)
	paths := make([]string, 0, len(seen))
	for p := range seen {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// readCLIDoc reads docs/cli.md from the repository root.
func readCLIDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "cli.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
