package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// TestNetworkJSONNamesChain: on --network kusama (the relay test chain and
// the Asset Hub test chain it records) the JSON of every command that reads
// or submits names the chain it used ("chain"), and an error about a chain
// names it. tx submit finds the chain of a signed extrinsic by its call's
// pallet: a transfer built for Asset Hub goes there, a Registrar.reserve
// built for the relay to the relay; --chain names the chain instead.
func TestNetworkJSONNamesChain(t *testing.T) {
	if testing.Short() {
		t.Skip("executes the Kusama and Asset Hub runtimes")
	}
	n := newTwoChainNet(t)
	home, dir := t.TempDir(), t.TempDir()
	pw := map[string]string{"KSM_PASSWORD": "pw"}
	ksm := func(t *testing.T, args ...string) (int, string, string) {
		t.Helper()
		return keyRun(t, home, keyRunOpts{env: pw}, append([]string{"--network", "kusama", "--rpc", n.relay.URL, "--asset-hub-rpc", n.ah.URL}, args...)...)
	}
	if code, _, errOut := keyRun(t, home, keyRunOpts{stdin: "//Alice\n", env: pw}, "key", "import", "--name", "alice", "--suri-stdin"); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	// chainOf runs a command with --json and returns its "chain" (of the
	// first element of an array).
	chainOf := func(t *testing.T, args ...string) string {
		t.Helper()
		code, out, errOut := ksm(t, append([]string{"--json"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut)
		}
		var v struct {
			Chain *string `json:"chain"`
		}
		if s := strings.TrimSpace(out); strings.HasPrefix(s, "[") {
			var arr []json.RawMessage
			if err := json.Unmarshal([]byte(s), &arr); err != nil || len(arr) == 0 {
				t.Fatalf("%v: %v\n%s", args, err, out)
			}
			out = string(arr[0])
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil || v.Chain == nil {
			t.Fatalf("%v: no \"chain\" (%v)\n%s", args, err, out)
		}
		return *v.Chain
	}
	ahTx, relayTx := filepath.Join(dir, "ah.json"), filepath.Join(dir, "relay.json")
	transfer := `{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":"` + lightBob + `","value":"10000000000"}}`
	reserve := `{"pallet":"Registrar","name":"reserve","args":{}}`
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"balance", "alice"}, "kusama-asset-hub"},
		{[]string{"account", "alice"}, "kusama-asset-hub"},
		{[]string{"query", "storage", "Balances", "TotalIssuance"}, "kusama-asset-hub"},
		{[]string{"query", "storage", "System", "Number"}, "kusama"},
		{[]string{"chain", "status", "--wait", "0"}, "kusama"},
		{[]string{"proxy", "list", "alice"}, "kusama-asset-hub"},
		{[]string{"proxy", "list", "alice", "--chain", "relay"}, "kusama"},
		{[]string{"para", "status", "1000"}, "kusama"},
		{[]string{"transfer", lightBob, "0.01", "--from", "alice", "--dry-run"}, "kusama-asset-hub"},
		{[]string{"tx", "build", "--from", "alice", "--call", transfer, "--out", ahTx}, "kusama-asset-hub"},
		{[]string{"tx", "build", "--from", "alice", "--call", reserve, "--out", relayTx}, "kusama"},
	} {
		if got := chainOf(t, tc.args...); got != tc.want {
			t.Errorf("%v: chain %q, want %q", tc.args, got, tc.want)
		}
	}

	// Governance lives on Asset Hub, whose early-2024 runtime here has no
	// Referenda yet: the error names the chain the command went to.
	for _, args := range [][]string{{"gov", "referenda"}, {"gov", "tracks"}, {"gov", "show", "0"}} {
		code, _, errOut := ksm(t, append([]string{"--json"}, args...)...)
		if code == 0 || !strings.Contains(errOut, "Kusama Asset Hub") {
			t.Errorf("%v: exit %d, want an error naming Kusama Asset Hub:\n%s", args, code, errOut)
		}
	}

	// tx submit: each signed extrinsic goes to the chain of its call.
	ahSpec := testenv.Shared(t, "chainspec", "local", "asset-hub-kusama-local.json")
	relaySpec := testenv.Shared(t, "chainspec", "local", "kusama-local.json")
	sign := func(t *testing.T, file, spec string) string {
		t.Helper()
		meta := file + ".scale"
		code, out, errOut := ksm(t, "tx", "build", "--from", "alice", "--call", map[string]string{ahTx: transfer, relayTx: reserve}[file], "--out", file, "--metadata-out", meta, "--yes")
		if code != 0 {
			t.Fatalf("tx build: exit %d\n%s%s", code, out, errOut)
		}
		code, out, errOut = keyRun(t, home, keyRunOpts{env: pw}, "--yes", "--network", spec, "tx", "sign", file, "--from", "alice", "--metadata", meta, "--allow-no-metadata-hash")
		if code != 0 || !strings.HasPrefix(out, "0x") {
			t.Fatalf("tx sign %s: exit %d %q\n%s", file, code, out, errOut)
		}
		return strings.TrimSpace(out)
	}
	ahXt, relayXt := sign(t, ahTx, ahSpec), sign(t, relayTx, relaySpec)
	for _, tc := range []struct {
		name, xt string
		extra    []string
		want     string
		wantErr  string
	}{
		{"asset-hub", ahXt, nil, "kusama-asset-hub", ""},
		{"relay", relayXt, nil, "kusama", ""},
		{"chosen", relayXt, []string{"--chain", "relay"}, "kusama", ""},
		{"chosen-wrong", relayXt, []string{"--chain", "asset-hub"}, "", "Kusama Asset Hub"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := ksm(t, append([]string{"--json", "tx", "submit", tc.xt, "--dry-run"}, tc.extra...)...)
			if tc.wantErr != "" {
				if code != ExitUsage || !strings.Contains(errOut, tc.wantErr) {
					t.Fatalf("exit %d, want %d naming %q:\n%s", code, ExitUsage, tc.wantErr, errOut)
				}
				return
			}
			var d struct {
				Chain    string  `json:"chain"`
				Verified bool    `json:"verified"`
				Signer   string  `json:"signer"`
				Nonce    *uint64 `json:"nonce"`
				Call     *struct {
					Pallet string `json:"pallet"`
				} `json:"call"`
			}
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, errOut)
			}
			mustJSON(t, out, &d)
			if d.Chain != tc.want || !d.Verified || d.Call == nil || d.Signer == "" || d.Nonce == nil {
				t.Fatalf("went to %q, want %q: %s", d.Chain, tc.want, out)
			}
		})
	}
}

// TestNetworkJSONNamesChainRelayOnly: gov reads on a relay test chain
// standing alone for kusama (no Asset Hub): its tracks name the chain.
func TestNetworkJSONNamesChainRelayOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("executes the Kusama runtime")
	}
	n := lighttest.Serve(t, lighttest.Shared(t, lighttest.Options{}))
	hooksOf(t).Start = func() (header.Hash, *chainspec.Checkpoint) { return n.Genesis(), n.Checkpoint() }
	home := t.TempDir()
	code, out, errOut := keyRun(t, home, keyRunOpts{}, "--rpc", n.URL, "--json", "gov", "tracks")
	if code != 0 {
		t.Fatalf("gov tracks: exit %d\n%s", code, errOut)
	}
	var tracks []struct {
		Name  string `json:"name"`
		Chain string `json:"chain"`
	}
	mustJSON(t, out, &tracks)
	if len(tracks) == 0 || tracks[0].Chain != "kusama" || tracks[0].Name == "" {
		t.Fatalf("gov tracks: %s", out)
	}
}
