package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

func kusamaMetadata(t *testing.T) string {
	return testenv.Shared(t, "metadata", "kusama-v15-spec1009002.scale")
}

func TestQueryStorage(t *testing.T) {
	md := kusamaMetadata(t)
	srv, url, c := testNetwork(t, 200)
	raw, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	srv.Metadata = raw
	for _, tc := range []struct {
		name string
		args []string
		want func(v any) error
	}{
		{"plain-file", []string{"--metadata", md, "System", "Number"}, func(v any) error {
			if fmt.Sprint(v) != "200" {
				return fmt.Errorf("System.Number = %v", v)
			}
			return nil
		}},
		{"map-file", []string{"--metadata", md, "System", "Account", "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"}, func(v any) error {
			b, _ := json.Marshal(v)
			if !strings.Contains(string(b), `"free":200000000`) || !strings.Contains(string(b), `"nonce":7`) {
				return fmt.Errorf("System.Account = %s", b)
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--home", t.TempDir(), "--rpc", url, "--json", "query", "storage"}, tc.args...)
			code, out, stderr := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var res struct {
				Found            bool `json:"found"`
				Value            any  `json:"value"`
				Verified         bool `json:"verified"`
				MetadataVerified bool `json:"metadataVerified"`
				Block            struct {
					Number uint32 `json:"number"`
					Hash   string `json:"hash"`
				} `json:"block"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err, out)
			}
			if !res.Verified || res.MetadataVerified || !res.Found || res.Block.Number != 200 || res.Block.Hash != c.Blocks[200].Hash.String() {
				t.Fatalf("result %s", out)
			}
			if err := tc.want(res.Value); err != nil {
				t.Fatal(err)
			}
		})
	}
	// A lying proof: exit 3, nothing printed on stdout.
	srv.SetLie(func(method string, res any) any {
		if method == "state_getReadProof" {
			return map[string]any{"at": c.Blocks[200].Hash.String(), "proof": []string{"0x00"}}
		}
		return res
	})
	code, out, stderr := runCLI(t, "", "--home", t.TempDir(), "--rpc", url, "query", "storage", "--metadata", md, "System", "Number")
	if code != ExitVerification || out != "" {
		t.Fatalf("lying proof: exit %d out %q err %s", code, out, stderr)
	}
}

func TestQueryStorageUsage(t *testing.T) {
	code, _, stderr := runCLI(t, "", "query", "storage", "System")
	if code != ExitUsage {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// A parachain's metadata cannot come from executing the relay runtime.
	code, _, stderr = runCLI(t, "", "--home", t.TempDir(), "query", "storage", "--para", "1000", "System", "Number")
	if code != ExitUsage || !strings.Contains(stderr, "--metadata") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "--home", t.TempDir(), "--network", "kusama-asset-hub", "query", "storage", "System", "Number")
	if code != ExitUsage || !strings.Contains(stderr, "parachain 1000") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// TestQuerySyncProgress: on a terminal the warp sync draws its progress on
// stderr; stdout holds only the value.
func TestQuerySyncProgress(t *testing.T) {
	md := kusamaMetadata(t)
	_, url, _ := testNetwork(t, 200)
	code, out, errOut := keyRun(t, t.TempDir(), keyRunOpts{tty: true}, "--rpc", url, "query", "storage", "--metadata", md, "System", "Number")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.TrimSpace(out) != "200" {
		t.Fatalf("stdout %q", out)
	}
	if !strings.Contains(errOut, "syncing") || !strings.Contains(errOut, "%") {
		t.Fatalf("no progress on the terminal: %q", errOut)
	}
}
