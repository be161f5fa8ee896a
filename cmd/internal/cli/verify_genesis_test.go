package cli

import (
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

func TestVerifyGenesis(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args            []string
		stateRoot, hash string
		source          string
	}{
		{[]string{"--chain-spec", testenv.Shared(t, "chainspec", "kusama-genesis-raw.json")},
			"0xb0006203c3a6e6bd2c6a17b1d4ae8ca49a31da0f4579da950b127774b44aef6b", "0xb0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe", "raw"},
		{[]string{"--chain-spec", testenv.Shared(t, "chainspec", "polkadot-lightsync-b26629221.json")},
			"0x29d0d972cd27cbc511e9589fcb7a4506d5eb6a9e8df205f00472e5ab354a4e17", "0x91b171bb158e2d3848fa23a9f1c25182fb8e20313b2c1eb49219da7a70ce90c3", "stateRootHash"},
		{[]string{"--chain-spec", testenv.Shared(t, "chainspec", "kusama-genesis-raw.json"), "--state-version", "1"},
			"", "", "raw"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, "", append([]string{"--json", "verify", "genesis"}, tt.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", tt.args, code, stderr)
		}
		var out struct{ StateRoot, GenesisHash, Source string }
		mustJSON(t, stdout, &out)
		if out.Source != tt.source {
			t.Errorf("%v: source %s", tt.args, out.Source)
		}
		if tt.hash == "" {
			// V1 forced on a V0 genesis: a different (wrong) root.
			if out.GenesisHash == "0xb0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe" {
				t.Errorf("--state-version 1 ignored")
			}
			continue
		}
		if out.StateRoot != tt.stateRoot || out.GenesisHash != tt.hash {
			t.Errorf("%v: %+v", tt.args, out)
		}
	}
	if code, _, _ := runCLI(t, "", "verify", "genesis", "--chain-spec", testenv.Shared(t, "chainspec", "kusama-genesis-raw.json"), "--state-version", "7"); code != ExitUsage {
		t.Errorf("bad --state-version: exit %d", code)
	}
}
