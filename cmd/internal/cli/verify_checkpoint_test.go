package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

func TestVerifyCheckpoint(t *testing.T) {
	old := checkpointNow
	checkpointNow = func() time.Time { return time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC) }
	defer func() { checkpointNow = old }()
	tests := []struct {
		file, genesis, hash string
		number              uint32
		setID               uint64
		authorities         int
	}{
		{"kusama-lightsync-b28972375.json", "0xb0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe", "0x71b94e12a54a85ce27826e795c55cc468b59bf2f57bc80c42ebaaf0d538d6914", 28972375, 11472, 1000},
		{"polkadot-lightsync-b26629221.json", "0x91b171bb158e2d3848fa23a9f1c25182fb8e20313b2c1eb49219da7a70ce90c3", "0x1c1ade092c227adeaaaa5e9c334bca97e1820cd076b2af77384447ba79d9261c", 26629221, 2755, 600},
		{"westend-lightsync-b26651536.json", "0xe143f23803ac50e8f6f8e62695d1ce9e4e1d68aa36c1cd2cfd15340213f3423e", "0x592623528f9a56606614b254dedd2c955c0bf0e02d4c1e3ba5660bcc172ad199", 26651536, 9431, 19},
	}
	for _, tt := range tests {
		path := testenv.Shared(t, "chainspec", tt.file)
		authFile := filepath.Join(t.TempDir(), "auths.json")
		code, stdout, stderr := runCLI(t, "", "--json", "verify", "checkpoint", "--chain-spec", path, "--authorities-out", authFile)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tt.file, code, stderr)
		}
		var out struct {
			GenesisHash, Hash string
			Number            uint32
			SetID             uint64 `json:"setId"`
			Authorities       [][2]any
			AuthorityCount    int
			Timestamp         string
		}
		mustJSON(t, stdout, &out)
		if out.GenesisHash != tt.genesis || out.Hash != tt.hash || out.Number != tt.number || out.SetID != tt.setID ||
			len(out.Authorities) != tt.authorities || out.AuthorityCount != tt.authorities {
			t.Errorf("%s: %+v", tt.file, out)
		}
		if !strings.Contains(stderr, "unbonding period") {
			t.Errorf("%s: no age warning: %q", tt.file, stderr)
		}
		var pairs [][2]any
		b, _ := os.ReadFile(authFile)
		if err := json.Unmarshal(b, &pairs); err != nil || len(pairs) != tt.authorities {
			t.Errorf("%s: authorities file: %d %v", tt.file, len(pairs), err)
		}
	}
	// The embedded spec of --network, a day after its checkpoint: no warning.
	checkpointNow = func() time.Time { return time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC) }
	code, stdout, stderr := runCLI(t, "", "--json", "--network", "kusama", "verify", "checkpoint")
	if code != 0 || !strings.Contains(stdout, `"number": 31697400`) || strings.Contains(stderr, "warning") {
		t.Fatalf("embedded: exit %d %s %s", code, stdout, stderr)
	}
}

func TestVerifyCheckpointErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		args []string
		code int
	}{
		// Files that are not what they should be are bad input (2), not a
		// failed verification (3).
		{[]string{"verify", "checkpoint", "--chain-spec", testenv.Shared(t, "chainspec", "kusama-asset-hub.json")}, ExitUsage},
		{[]string{"verify", "checkpoint", "--chain-spec", write("bad.json", `{"id":"x","lightSyncState":{"finalizedBlockHeader":"0x00","grandpaAuthoritySet":"0x00"}}`)}, ExitUsage},
		{[]string{"verify", "checkpoint", "--chain-spec", write("garbage.json", `{`)}, ExitUsage},
		{[]string{"verify", "checkpoint", "--chain-spec", filepath.Join(dir, "missing.json")}, ExitUsage},
		{[]string{"--network", "nowhere", "verify", "checkpoint"}, ExitUsage},
	}
	for _, tt := range tests {
		if code, _, stderr := runCLI(t, "", tt.args...); code != tt.code {
			t.Errorf("%v: exit %d, want %d: %s", tt.args, code, tt.code, stderr)
		}
	}
}
