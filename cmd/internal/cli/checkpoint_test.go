package cli

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/store"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// afterMaxAge is a day past the maximum age (365 days) of the embedded
// Kusama checkpoint of 2026-01-05.
var afterMaxAge = time.Date(2027, 1, 6, 12, 0, 0, 0, time.UTC)

// TestOldCheckpointFirstStart: past the maximum age a first start stops with
// exit 2 and a message naming the ways on (also in the --json error line),
// before any peer is dialled or anything created; with --accept-old-checkpoint the
// checkpoint's number and hash are printed and the start goes on (to the
// network: here an unreachable bootnode, exit 5), and the warning is in
// the warnings of the JSON output of a command that reports.
func TestOldCheckpointFirstStart(t *testing.T) {
	hooksOf(t).Now = func() time.Time { return afterMaxAge }
	home := filepath.Join(t.TempDir(), "home")
	code, stdout, stderr := runCLI(t, "", "--home", home, "--json", "balance", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F")
	if code != ExitUsage || stdout != "" {
		t.Fatalf("exit %d stdout %q, want 2 and nothing", code, stdout)
	}
	for _, w := range []string{"--checkpoint FILE", "--accept-old-checkpoint", "newer ksm", "#31697400", "0x33dcadca96cba14973d91a8a5c09f7165b754d00ef2682a30c865aec75a2dabe", "sync_state_genSyncSpec"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	last := stderr[strings.LastIndex(strings.TrimSpace(stderr), "\n")+1:]
	var je struct {
		Error struct {
			Message  string
			ExitCode int
		}
	}
	if err := json.Unmarshal([]byte(last), &je); err != nil || je.Error.ExitCode != 2 || !strings.Contains(je.Error.Message, "--accept-old-checkpoint") {
		t.Errorf("JSON error line %q: %v", last, err)
	}
	if _, err := os.Stat(home); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the refused start created %s", home)
	}

	// A verified state kept under --home is the trust root: two years on,
	// no refusal (the start goes to the network, here unreachable), a
	// warning that it is old.
	t.Run("saved state", func(t *testing.T) {
		h := hooksOf(t)
		h.Now = func() time.Time { return afterMaxAge.AddDate(1, 0, 0) }
		h.P2P = func(cfg *p2p.Config) []string {
			cfg.AllowAddr, cfg.Resolver = p2ptest.Loopback, p2ptest.NoDNS()
			return []string{"/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"}
		}
		home := t.TempDir()
		saveKusamaState(t, home, 10)
		code, _, stderr := runCLI(t, "", "--home", home, "chain", "status", "--wait", "0")
		if code == ExitUsage || code == ExitVerification || strings.Contains(stderr, "--accept-old-checkpoint") || !strings.Contains(stderr, "saved under --home") {
			t.Fatalf("exit %d, stderr:\n%s", code, stderr)
		}
	})

	t.Run("accepted", func(t *testing.T) {
		h := hooksOf(t)
		h.P2P = func(cfg *p2p.Config) []string {
			cfg.AllowAddr, cfg.Resolver = p2ptest.Loopback, p2ptest.NoDNS()
			return []string{"/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"}
		}
		code, _, stderr := runCLI(t, "", "--home", t.TempDir(), "--accept-old-checkpoint", "chain", "status", "--wait", "0")
		if code == ExitUsage || !strings.Contains(stderr, "#31697400 0x33dcadca96cba14973d91a8a5c09f7165b754d00ef2682a30c865aec75a2dabe") ||
			!strings.Contains(stderr, "block explorer") {
			t.Fatalf("exit %d, stderr:\n%s", code, stderr)
		}
	})
}

// TestJSONWarnings: the warnings of a command are the "warnings" array of
// its JSON object (last member), never added to an array or to an object
// with its own "warnings".
func TestJSONWarnings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		v    any
		ws   []string
		want string
	}{
		{"none", map[string]int{"a": 1}, nil, `{"a":1}`},
		{"object", struct {
			A int    `json:"a"`
			B string `json:"b"`
		}{1, "<x>"}, []string{"old <checkpoint>"}, `{"a":1,"b":"<x>","warnings":["old <checkpoint>"]}`},
		{"empty object", struct{}{}, []string{"w"}, `{"warnings":["w"]}`},
		{"array", []int{1}, []string{"w"}, `[1]`},
		{"own warnings", map[string][]string{"warnings": {"mine"}}, []string{"w"}, `{"warnings":["mine"]}`},
	} {
		io, _, out, errOut := iostreams.Test()
		f := NewFactory(io)
		for _, w := range tc.ws {
			f.Warnf("%s", w)
		}
		if err := f.PrintJSON(tc.v); err != nil {
			t.Fatal(err)
		}
		var got any
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("%s: %q: %v", tc.name, out, err)
		}
		if g, _ := json.Marshal(got); string(g) != mustCompact(tc.want) {
			t.Errorf("%s: got %s, want %s", tc.name, out, tc.want)
		}
		if !strings.HasPrefix(out.String(), "{\n  ") && !strings.HasPrefix(out.String(), "[") && tc.name != "none" {
			t.Errorf("%s: not indented: %q", tc.name, out)
		}
		if len(tc.ws) > 0 && !strings.Contains(errOut.String(), "ksm: warning: "+tc.ws[0]) {
			t.Errorf("%s: stderr %q", tc.name, errOut)
		}
		if tc.name == "object" && !strings.HasSuffix(strings.TrimSpace(out.String()), "]\n}") {
			t.Errorf("warnings not last: %s", out)
		}
		// The next document carries only the warnings since: none after
		// an object took them, the same ones after an array.
		out.Reset()
		if err := f.PrintJSON(map[string]int{"n": 2}); err != nil {
			t.Fatal(err)
		}
		left := len(tc.ws) > 0 && tc.name != "object" && tc.name != "empty object"
		if strings.Contains(out.String(), "warnings") != left {
			t.Errorf("%s: next document %s", tc.name, out)
		}
	}
}

func mustCompact(s string) string {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// TestCheckpointExportRoundTrip: chain checkpoint export writes (0600,
// never over a file without --yes) a chain spec whose lightSyncState is
// the verified state kept under --home; verify checkpoint reads it back as
// that block and set, and a first start past the maximum age of the
// embedded checkpoint starts from it with --checkpoint (no refusal: the
// exported block is young). Without a saved state: exit 1, nothing written.
func TestCheckpointExportRoundTrip(t *testing.T) {
	home := t.TempDir()
	file := filepath.Join(t.TempDir(), "ksm-checkpoint.json")
	code, _, stderr := runCLI(t, "", "--home", home, "chain", "checkpoint", "export", file)
	if code != ExitFailure || !strings.Contains(stderr, "ksm chain sync") {
		t.Fatalf("without a saved state: exit %d %s", code, stderr)
	}
	if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("a file was written without a saved state")
	}
	saved := saveKusamaState(t, home, 1000)
	code, stdout, stderr := runCLI(t, "", "--home", home, "--json", "chain", "checkpoint", "export", file)
	if code != 0 {
		t.Fatalf("export: exit %d %s", code, stderr)
	}
	var out checkpointExportJSON
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || out.Number != saved.number || out.Hash != saved.hash || out.Network != "kusama" || out.Date != "2026-01-05" || out.File != file {
		t.Fatalf("export JSON %s: %v", stdout, err)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("written file: %v %v", st, err)
	}
	if code, _, stderr := runCLI(t, "", "--home", home, "chain", "checkpoint", "export", file); code != ExitUsage || !strings.Contains(stderr, "--yes") {
		t.Errorf("over an existing file: exit %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "--home", home, "--yes", "chain", "checkpoint", "export", file); code != 0 {
		t.Errorf("over an existing file with --yes: exit %d %s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "--json", "verify", "checkpoint", "--chain-spec", file)
	if code != 0 {
		t.Fatalf("verify checkpoint: exit %d %s", code, stderr)
	}
	var v checkpointOut
	if err := json.Unmarshal([]byte(stdout), &v); err != nil || v.Number != saved.number || v.Hash != saved.hash || v.SetID != 12607 ||
		v.GenesisHash != "0xb0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe" || v.AuthorityCount == 0 {
		t.Fatalf("verify checkpoint of the export: %s %v", stdout, err)
	}
	// A fresh home, a clock past the embedded checkpoint's maximum age but
	// within the exported one's: --checkpoint starts (an unreachable
	// bootnode then: not exit 2), without it the start is refused.
	hooksOf(t).Now = func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }
	hooksOf(t).P2P = func(cfg *p2p.Config) []string {
		cfg.AllowAddr, cfg.Resolver = p2ptest.Loopback, p2ptest.NoDNS()
		return []string{"/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"}
	}
	code, stdout, stderr = runCLI(t, "", "--home", t.TempDir(), "--checkpoint", file, "--json", "chain", "status", "--wait", "0")
	if code == ExitUsage || code == ExitVerification || strings.Contains(stderr, "more than the limit") {
		t.Errorf("--checkpoint export: exit %d %s %s", code, stdout, stderr)
	}
	for _, bad := range []string{filepath.Join(t.TempDir(), "none.json"), testenv.Shared(t, "chainspec", "polkadot-lightsync-b26629221.json"),
		testenv.Shared(t, "chainspec", "kusama-asset-hub.json")} {
		if code, _, stderr := runCLI(t, "", "--home", t.TempDir(), "--checkpoint", bad, "chain", "status", "--wait", "0"); code != ExitUsage || !strings.Contains(stderr, "--checkpoint") {
			t.Errorf("--checkpoint %s: exit %d %s", bad, code, stderr)
		}
	}
}

type savedState struct {
	number uint32
	hash   string
}

// saveKusamaState saves under home a verified Kusama state `ahead` blocks
// past the embedded checkpoint (its header renumbered: the BABE slot, which
// dates it, stays the checkpoint's; the set is the checkpoint's).
func saveKusamaState(t *testing.T, home string, ahead uint32) savedState {
	t.Helper()
	p, err := chainspec.Lookup("kusama")
	if err != nil {
		t.Fatal(err)
	}
	cp, err := p.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	h := *cp.Header
	h.Number += ahead
	st := &store.State{GenesisHash: p.GenesisHash, Header: &h, Set: cp.Grandpa.Set.Clone(), SavedAt: time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC)}
	if err := store.Save(home, st); err != nil {
		t.Fatal(err)
	}
	return savedState{h.Number, st.Hash().String()}
}

// TestOldCheckpointProcess runs ksm as a process with a clock past the
// embedded checkpoint's maximum age: a first start exits 2 at once with the
// ways on (and the --json error line), creating nothing; config and offline
// commands are not affected.
func TestOldCheckpointProcess(t *testing.T) {
	t.Parallel()
	home := filepath.Join(t.TempDir(), "home")
	env := []string{testNowEnv + "=" + afterMaxAge.Format(time.RFC3339)}
	code, stdout, stderr, took := runKSM(t, home, env, "--json", "balance", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F")
	if code != ExitUsage || stdout != "" || took > 20*time.Second {
		t.Fatalf("exit %d after %s, stdout %q stderr %s", code, took, stdout, stderr)
	}
	for _, w := range []string{"--checkpoint FILE", "--accept-old-checkpoint", "newer ksm", `"exitCode":2`} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	if _, err := os.Stat(home); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("created %s", home)
	}
	if code, _, stderr, _ := runKSM(t, home, env, "key", "inspect", "//Alice"); code != 0 {
		t.Errorf("offline command: exit %d %s", code, stderr)
	}
}

// TestAgeWarningInJSON: the age warning of a checkpoint past the unbonding
// period is on stderr and in the JSON document's warnings array.
func TestAgeWarningInJSON(t *testing.T) {
	t.Parallel()
	spec := testenv.Shared(t, "chainspec", "kusama-lightsync-b20765720.json")
	code, stdout, stderr := runCLI(t, "", "--json", "verify", "checkpoint", "--chain-spec", spec)
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var v struct {
		Warning  string
		Warnings []string
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil || v.Warning == "" || len(v.Warnings) != 1 || v.Warnings[0] != v.Warning ||
		!strings.Contains(stderr, "ksm: warning: "+v.Warning) {
		t.Fatalf("stdout %s stderr %s: %v", stdout, stderr, err)
	}
}

// TestOldCheckpointTrustedDevChain: an endpoint trusted with --trust-rpc
// (a development chain, no light client) needs no checkpoint, so the
// embedded one's age does not stop it.
func TestOldCheckpointTrustedDevChain(t *testing.T) {
	srv, url, _ := testNetwork(t, 20)
	h := hooksOf(t)
	h.Start, h.Now = nil, func() time.Time { return afterMaxAge }
	srv.Methods = []string{"rpc_methods", "chain_getFinalizedHead", "chain_getHeader", "chain_getBlockHash", "state_getStorage", "state_getMetadata"}
	code, _, stderr := runCLI(t, "", "--home", t.TempDir(), "--rpc", url, "--trust-rpc", "--json", "chain", "status")
	if code != ExitOK || !strings.Contains(stderr, "development chain") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
}
