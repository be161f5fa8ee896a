package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func kusamaMetadata(t *testing.T) string {
	return testenv.Shared(t, "metadata", "kusama-v15-spec1009002.scale")
}

// serveUnproven makes srv an endpoint that cannot prove anything (no
// proof methods) and serves the Kusama metadata.
func serveUnproven(t *testing.T, srv *rpctest.Server) {
	t.Helper()
	raw, err := os.ReadFile(kusamaMetadata(t))
	if err != nil {
		t.Fatal(err)
	}
	srv.Metadata = raw
	srv.Methods = []string{"rpc_methods", "chain_getFinalizedHead", "chain_getHeader", "chain_getBlockHash", "state_getStorage", "state_getMetadata", "system_properties"}
}

func TestQueryStorage(t *testing.T) {
	t.Parallel()
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
			res := decodeQueryStorage(t, out)
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
	t.Parallel()
	code, _, stderr := runCLI(t, "", "query", "storage", "System")
	if code != ExitUsage {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// --para on a relay network needs the parachain's endpoint.
	code, _, stderr = runCLI(t, "", "--home", t.TempDir(), "query", "storage", "--para", "1000", "System", "Number")
	if code != ExitUsage || !strings.Contains(stderr, "--para-rpc") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// On a parachain network its own state is read: no --para.
	code, _, stderr = runCLI(t, "", "--home", t.TempDir(), "--network", "kusama-asset-hub", "query", "storage", "--para", "1000", "System", "Number")
	if code != ExitUsage || !strings.Contains(stderr, "--para is for relay networks") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "--home", t.TempDir(), "--network", "kusama-asset-hub", "query", "storage", "--para-rpc", "http://127.0.0.1:1", "System", "Number")
	if code != ExitUsage || !strings.Contains(stderr, "--para-rpc is for --para reads") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// TestQuerySyncProgress: on a terminal the warp sync draws its progress on
// stderr; stdout holds only the value.
func TestQuerySyncProgress(t *testing.T) {
	t.Parallel()
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

// TestQueryStoragePara: a parachain value proven through the relay chain:
// the relay's finalized state proves the para head (Paras::Heads), the
// parachain endpoint's proof is checked against that head's state root.
func TestQueryStoragePara(t *testing.T) {
	t.Parallel()
	md := kusamaMetadata(t)
	para, err := testchain.Generate(testchain.Config{Seed: "cli-para", Blocks: 30})
	if err != nil {
		t.Fatal(err)
	}
	// Relay block n records para block n-2 (at most 30, the para's head) as
	// the head of para 1000: block 40 records 30.
	_, relayURL, relay := testNetworkWith(t, 40, testchain.Config{Seed: "cli-para-relay", Blocks: 40, SetLength: 20,
		ExtraState: func(n uint32) []trie.KV {
			p := min(int(n-min(n, 2)), len(para.Blocks)-1)
			return []trie.KV{{Key: parachain.HeadsKey(1000), Value: parachain.EncodeHeadData(para.Blocks[p].Header)}}
		}})
	paraSrv := rpctest.New(para, 30)
	paraURL, stop := paraSrv.Start()
	t.Cleanup(stop)
	code, out, errOut := runCLI(t, "", "--home", t.TempDir(), "--rpc", relayURL, "--json", "query", "storage", "--para", "1000", "--para-rpc", paraURL, "--metadata", md, "System", "Number")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var q queryStorageJSON
	mustJSON(t, out, &q)
	if !q.Verified || q.Para == nil || q.Para.ID != 1000 || q.Para.Number != 30 || q.Para.Hash != para.Blocks[30].Hash ||
		q.Block.Number != 40 || q.Block.Hash != relay.Blocks[40].Hash || fmt.Sprint(q.Value) != "30" || q.MetadataVerified {
		t.Fatalf("para read %s", out)
	}
	// The parachain endpoint lying about its state: exit 3, nothing shown.
	paraSrv.SetLie(func(method string, res any) any {
		if method == "state_getReadProof" {
			return map[string]any{"at": para.Blocks[30].Hash.String(), "proof": []string{"0x00"}}
		}
		return res
	})
	code, out, errOut = runCLI(t, "", "--home", t.TempDir(), "--rpc", relayURL, "--json", "query", "storage", "--para", "1000", "--para-rpc", paraURL, "--metadata", md, "System", "Number")
	if code != ExitVerification || out != "" {
		t.Fatalf("lying para endpoint: exit %d out %q\n%s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "", "--home", t.TempDir(), "--rpc", relayURL, "query", "storage", "--para", "1000", "--metadata", md, "System", "Number")
	if code != ExitUsage || !strings.Contains(errOut, "--para-rpc") {
		t.Fatalf("no --para-rpc: exit %d: %s", code, errOut)
	}
}

// testNetworkWith is testNetwork for a chain of the given config.
func testNetworkWith(t *testing.T, visible uint32, cfg testchain.Config) (*rpctest.Server, string, *testchain.Chain) {
	t.Helper()
	c, err := testchain.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hooksOf(t).Start = func() (header.Hash, *chainspec.Checkpoint) {
		return c.Blocks[0].Hash, &chainspec.Checkpoint{Header: c.Blocks[0].Header, Hash: c.Blocks[0].Hash, Grandpa: &chainspec.GrandpaState{Set: c.Set(0)}}
	}
	srv := rpctest.New(c, visible)
	url, stop := srv.Start()
	t.Cleanup(stop)
	return srv, url, c
}

// TestQueryStorageTrustedRPC: with --trust-rpc on an endpoint that cannot
// prove anything, the value and the metadata are the endpoint's claims
// (read through app/chainclient's RPC Chain), an absent key is the default value.
func TestQueryStorageTrustedRPC(t *testing.T) {
	t.Parallel()
	srv, url, c := testNetwork(t, 100)
	serveUnproven(t, srv)
	for _, tc := range []struct {
		name  string
		args  []string
		found bool
		value string // in the value as %v prints it
	}{
		{"present", []string{"System", "Number"}, true, "100"},
		{"absent", []string{"System", "Account", "0x" + strings.Repeat("11", 32)}, false, "free:0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--home", t.TempDir(), "--rpc", url, "--trust-rpc", "--json", "query", "storage"}, tc.args...)
			code, out, stderr := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			res := decodeQueryStorage(t, out)
			if res.Verified || res.MetadataSource != "rpc" || res.Found != tc.found || res.Block.Number != 100 || res.Block.Hash != c.Blocks[100].Hash.String() {
				t.Fatalf("result %s", out)
			}
			if got := fmt.Sprint(res.Value); !strings.Contains(got, tc.value) {
				t.Fatalf("value %s, want %s in it", got, tc.value)
			}
		})
	}
}

// queryStorageResult is what the tests read of query storage --json.
type queryStorageResult struct {
	Found            bool   `json:"found"`
	Value            any    `json:"value"`
	Verified         bool   `json:"verified"`
	MetadataVerified bool   `json:"metadataVerified"`
	MetadataSource   string `json:"metadataSource"`
	Block            struct {
		Number uint32 `json:"number"`
		Hash   string `json:"hash"`
	} `json:"block"`
}

func decodeQueryStorage(t *testing.T, out string) queryStorageResult {
	t.Helper()
	var res queryStorageResult
	mustJSON(t, out, &res)
	return res
}
