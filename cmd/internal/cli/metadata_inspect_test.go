package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// TestMetadataInspectMatchesPolkadotJS: `ksm metadata inspect --json` lists
// exactly the names polkadot-js finds in the same file.
func TestMetadataInspectMatchesPolkadotJS(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"kusama-v14-spec9370.scale", "kusama-v15-spec1009002.scale"} {
		path := testenv.Shared(t, "metadata", file)
		code, stdout, stderr := runCLI(t, "", "--json", "metadata", "inspect", "--metadata", path)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var want []struct {
			Summary json.RawMessage `json:"summary"`
		}
		if err := json.Unmarshal(testenv.Node(t, nil, "metadata-names.mjs", path), &want); err != nil || len(want) != 1 {
			t.Fatal(err)
		}
		var g, w any
		json.Unmarshal([]byte(stdout), &g)
		json.Unmarshal(want[0].Summary, &w)
		gb, _ := json.Marshal(g)
		wb, _ := json.Marshal(w)
		if !bytes.Equal(gb, wb) {
			t.Fatalf("%s: inspect differs from polkadot-js:\n%.400s\n%.400s", file, gb, wb)
		}
	}
}

func TestMetadataInspectErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"metadata", "inspect"},
		{"metadata", "inspect", "--metadata", "/nonexistent/file"},
		{"metadata", "inspect", "--metadata", "metadata_inspect_test.go"},
	} {
		if code, _, stderr := runCLI(t, "", args...); code != ExitUsage || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}
