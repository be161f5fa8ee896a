package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// TestTxBuildOffline: tx build takes spec and transaction version from the
// metadata and the genesis hash from --network, refuses given ones that
// contradict them (exit 2 naming the mismatch), takes a key name or an
// address in --from, and enables CheckMetadataHash whenever the runtime
// has it.
func TestTxBuildOffline(t *testing.T) {
	t.Parallel()
	v15 := testenv.Shared(t, "metadata", "kusama-v15-spec1009002.scale")
	v14 := testenv.Shared(t, "metadata", "kusama-v14-spec9370.scale")
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	pwFile := filepath.Join(dir, "pw")
	os.WriteFile(pwFile, []byte("correct horse battery\n"), 0o600)
	if code, _, errOut := runCLI(t, "//Alice\n", "--home", home, "--password-file", pwFile, "key", "import", "--name", "alice", "--suri-stdin"); code != 0 {
		t.Fatalf("key import: %s", errOut)
	}
	const aliceKSM = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	bond := `{"pallet":"Staking","name":"bond","args":{"value":"1000000000000","payee":"Staked"}}`
	base := func(meta, from string, extra ...string) []string {
		call := bond
		if meta == v14 {
			call = `{"pallet":"System","name":"remark","args":{"remark":"0x00"}}`
		}
		return append([]string{"--home", home, "tx", "build", "--metadata", meta, "--call", call, "--from", from,
			"--nonce", "3", "--block-hash", "0x" + strings.Repeat("ab", 32), "--block-number", "1000", "--out", filepath.Join(dir, "tx.json")}, extra...)
	}
	tests := []struct {
		name      string
		args      []string
		code      int
		want      string // in stderr
		mode      string // metadataHashMode of the file
		spec, txv uint32
	}{
		{"defaults from the metadata and network", base(v15, aliceKSM), ExitOK, "", "Enabled", 1009002, 26},
		{"key name in --from", base(v15, "alice"), ExitOK, "", "Enabled", 1009002, 26},
		{"runtime without the extension", base(v14, "alice"), ExitOK, "", "Disabled", 9370, 19},
		{"agreeing versions", base(v15, "alice", "--spec-version", "1009002", "--tx-version", "26", "--genesis-hash", kusamaGenesis), ExitOK, "", "Enabled", 1009002, 26},
		{"mode 0 asked for", base(v15, "alice", "--metadata-hash-mode", "disabled"), ExitOK, "allow-no-metadata-hash", "Disabled", 1009002, 26},
		{"spec version contradicts", base(v15, "alice", "--spec-version", "1009001"), ExitUsage, "--spec-version 1009001 contradicts the metadata", "", 0, 0},
		{"tx version contradicts", base(v15, "alice", "--tx-version", "25"), ExitUsage, "--tx-version 25 contradicts", "", 0, 0},
		{"genesis of another chain", base(v15, "alice", "--genesis-hash", "0x"+strings.Repeat("11", 32)), ExitUsage, "not the genesis of kusama", "", 0, 0},
		{"polkadot genesis on kusama", base(v15, "alice", "--genesis-hash", "0x91b171bb158e2d3848fa23a9f1c25182fb8e20313b2c1eb49219da7a70ce90c3"), ExitUsage, "not the genesis of kusama", "", 0, 0},
		{"unknown sender", base(v15, "nobody"), ExitUsage, "neither a key name nor an address", "", 0, 0},
		{"enabled without the extension", base(v14, "alice", "--metadata-hash-mode", "enabled"), ExitUsage, "no CheckMetadataHash", "", 0, 0},
		{"block flags needed offline", []string{"--home", home, "tx", "build", "--metadata", v15, "--call", bond, "--from", "alice", "--nonce", "1", "--out", filepath.Join(dir, "x.json")}, ExitUsage, "--block-hash is required offline", "", 0, 0},
	}
	for _, tc := range tests {
		os.Remove(filepath.Join(dir, "tx.json"))
		code, out, errOut := runCLI(t, "", tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d with %q", tc.name, code, errOut, tc.code, tc.want)
			continue
		}
		if code != ExitOK {
			if _, err := os.Stat(filepath.Join(dir, "tx.json")); err == nil {
				t.Errorf("%s: a refused build wrote the file", tc.name)
			}
			continue
		}
		var u xtUnsigned
		if err := json.Unmarshal([]byte(out), &u); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if u.MetadataHashMode != tc.mode || u.SpecVersion != tc.spec || u.TransactionVersion != tc.txv || u.GenesisHash != kusamaGenesis || u.From != aliceKSM {
			t.Errorf("%s: mode %s spec %d tx %d genesis %s from %s", tc.name, u.MetadataHashMode, u.SpecVersion, u.TransactionVersion, u.GenesisHash, u.From)
		}
	}
}

// TestTxSignModeZero: a mode-0 payload for a runtime with CheckMetadataHash
// is signed only with --allow-no-metadata-hash, with a warning.
func TestTxSignModeZero(t *testing.T) {
	t.Parallel()
	meta := testenv.Shared(t, "metadata", "kusama-v15-spec1009002.scale")
	home, pwFile, unsigned := txAliceHome(t)
	if code, _, errOut := runCLI(t, "", "--home", home, "tx", "build", "--metadata", meta, "--call", `{"pallet":"Registrar","name":"reserve","args":{}}`,
		"--from", "alice", "--nonce", "0", "--era-period", "0", "--metadata-hash-mode", "disabled", "--out", unsigned); code != 0 {
		t.Fatalf("build: %s", errOut)
	}
	sign := []string{"--yes", "--home", home, "--password-file", pwFile, "tx", "sign", unsigned, "--from", "alice", "--metadata", meta}
	code, out, errOut := runCLI(t, "", sign...)
	if code != ExitUsage || out != "" || !strings.Contains(errOut, "--allow-no-metadata-hash") {
		t.Fatalf("mode 0 without --allow-no-metadata-hash: exit %d out %q err %s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", append(sign, "--allow-no-metadata-hash")...)
	if code != 0 || !strings.HasPrefix(out, "0x") || !strings.Contains(errOut, "warning: signing without a metadata hash") {
		t.Fatalf("mode 0 allowed: exit %d out %q err %s", code, out, errOut)
	}
}

// TestTxSignScreen: the confirmation shows the chain's name, token amounts
// in the chain's units (not planck) and refuses a file for another chain
// than --network.
func TestTxSignScreen(t *testing.T) {
	t.Parallel()
	meta := testenv.Shared(t, "metadata", "kusama-v15-spec1009002.scale")
	home, pwFile, unsigned := txAliceHome(t)
	if code, _, errOut := runCLI(t, "", "--home", home, "tx", "build", "--metadata", meta,
		"--call", `{"pallet":"Utility","name":"batch_all","args":{"calls":[{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F","value":"1500000000000"}},{"pallet":"Staking","name":"bond","args":{"value":"2000000000000","payee":"Staked"}}]}}`,
		"--from", "alice", "--nonce", "0", "--era-period", "0", "--tip", "7000000000", "--out", unsigned); code != 0 {
		t.Fatalf("build: %s", errOut)
	}
	sign := []string{"--home", home, "--password-file", pwFile, "tx", "sign", unsigned, "--from", "alice", "--metadata", meta}
	code, _, errOut := runCLITTY(t, "n\n", sign...)
	for _, want := range []string{`"chain": "kusama"`, `"value": "1.5 KSM"`, `"value": "2 KSM"`, `"tip": "0.007 KSM"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("screen lacks %s:\n%s", want, errOut)
		}
	}
	if code != ExitCancelled || strings.Contains(errOut, "1500000000000") {
		t.Errorf("declined: exit %d, planck on the screen:\n%s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", append([]string{"--yes", "--network", "polkadot"}, sign...)...)
	if code != ExitUsage || out != "" || !strings.Contains(errOut, "not polkadot") {
		t.Errorf("kusama file signed as polkadot: exit %d %s", code, errOut)
	}
}

// txAliceHome makes a home with //Alice stored as "alice", its password
// file, and the path for an unsigned-transaction file.
func txAliceHome(t *testing.T) (home, pwFile, unsigned string) {
	t.Helper()
	dir := t.TempDir()
	home, pwFile, unsigned = filepath.Join(dir, "home"), filepath.Join(dir, "pw"), filepath.Join(dir, "tx.json")
	if err := os.WriteFile(pwFile, []byte("correct horse battery"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "//Alice\n", "--home", home, "--password-file", pwFile, "key", "import", "--name", "alice", "--suri-stdin"); code != 0 {
		t.Fatalf("key import: %s", errOut)
	}
	return home, pwFile, unsigned
}

// TestTxBuildAddressCreatesNothing: an address in --from is not looked up
// in a keystore that does not exist, and no home is created for it.
func TestTxBuildAddressCreatesNothing(t *testing.T) {
	t.Parallel()
	meta := testenv.Shared(t, "metadata", "kusama-v15-spec1009002.scale")
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	code, _, errOut := runCLI(t, "", "--home", home, "tx", "build", "--metadata", meta, "--call", `{"pallet":"Registrar","name":"reserve","args":{}}`,
		"--from", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F", "--nonce", "0", "--era-period", "0", "--out", filepath.Join(dir, "tx.json"))
	if code != 0 {
		t.Fatalf("build: %s", errOut)
	}
	if _, err := os.Stat(home); err == nil {
		t.Fatal("tx build with an address created the home directory")
	}
}
