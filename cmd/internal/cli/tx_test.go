package cli

// The offline transaction commands: tx build, encode-call, decode-call,
// decode, decode-payload, sign, and metadata hash.

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/wallet/keys"
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
	writeTestFile(t, pwFile, []byte("correct horse battery"))
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

func TestTxEncodeDecodeCall(t *testing.T) {
	t.Parallel()
	meta := testenv.Shared(t, "metadata", "kusama-v14-spec9370.scale")
	// Balances.transfer_keep_alive to Alice of 1 KSM: pallet 4, call 3,
	// MultiAddress::Id (0x00) + account, Compact(10^12).
	const alice = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	const want = "0x040300d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d070010a5d4e8"
	callJSON := `{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":{"Id":"` + alice + `"},"value":"1000000000000"}}`
	for _, tc := range []struct {
		stdin string
		args  []string
	}{
		{"", []string{"--json", "tx", "encode-call", "--metadata", meta, callJSON}},
		{callJSON, []string{"tx", "encode-call", "--metadata", meta}},
	} {
		code, stdout, stderr := runCLI(t, tc.stdin, tc.args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var out struct{ CallHex string }
		if err := json.Unmarshal([]byte(stdout), &out); err != nil || out.CallHex != want {
			t.Fatalf("callHex %q (%v), want %s", out.CallHex, err, want)
		}
	}
	code, stdout, stderr := runCLI(t, "", "--json", "tx", "decode-call", "--metadata", meta, want)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var dec struct {
		Pallet, Name string
		Index        []int
		Args         map[string]any
	}
	mustJSON(t, stdout, &dec)
	if dec.Pallet != "Balances" || dec.Name != "transfer_keep_alive" || len(dec.Index) != 2 || dec.Index[0] != 4 || dec.Index[1] != 3 ||
		dec.Args["dest"].(map[string]any)["Id"] != alice || dec.Args["value"] != float64(1e12) {
		t.Fatalf("decoded %s", stdout)
	}
	// Polkadot addresses for --network polkadot.
	_, stdout, _ = runCLI(t, "", "--json", "--network", "polkadot", "tx", "decode-call", "--metadata", meta, want)
	if !strings.Contains(stdout, "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5") {
		t.Fatalf("polkadot address not used: %s", stdout)
	}
}

func TestTxCallErrors(t *testing.T) {
	t.Parallel()
	meta := testenv.Shared(t, "metadata", "kusama-v14-spec9370.scale")
	checkExits(t, []exitCase{
		{[]string{"tx", "encode-call", "--metadata", meta, `{"pallet":"Nope","name":"x","args":{}}`}, ExitUsage, "no pallet"},
		{[]string{"tx", "encode-call", "--metadata", meta, `{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":{"Id":"HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"}}}`}, ExitUsage, "missing argument"},
		{[]string{"tx", "encode-call", "--metadata", meta, `{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":"bad","value":1}}`}, ExitUsage, "address"},
		{[]string{"tx", "encode-call", "--metadata", meta, `{"pallet":"System","name":"remark","args":{"remark":"0x00"},}`}, ExitUsage, "JSON"},
		{[]string{"tx", "encode-call", "--metadata", meta, `{"pallet":"Timestamp","name":"set","args":{"now":-1}}`}, ExitUsage, "range"},
		{[]string{"tx", "encode-call", "--metadata", meta}, ExitUsage, "no call JSON"},
		{[]string{"tx", "decode-call", "--metadata", meta, "0xzz"}, ExitUsage, "not hex"},
		{[]string{"tx", "decode-call", "--metadata", meta, "0x0403"}, ExitUsage, "end of input"},
		{[]string{"tx", "decode-call", "--metadata", meta, "0x00000000"}, ExitUsage, "trailing"},
		{[]string{"tx", "decode-call", "--metadata", meta, "0xff00"}, ExitUsage, "pallet"},
		{[]string{"tx", "decode-call", "0x0000"}, ExitUsage, "--metadata"},
	})
}

// TestCallCommandsTTY checks the human output on a terminal.
func TestCallCommandsTTY(t *testing.T) {
	t.Parallel()
	meta := testenv.Shared(t, "metadata", "kusama-v15-spec1009002.scale")
	run := func(args ...string) string {
		t.Helper()
		io, _, out, errOut := iostreams.Test()
		io.SetTTY(false, true, true)
		f := newTestFactory(t, io)
		if code := Run(context.Background(), f, args); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		return out.String()
	}
	out := run("tx", "encode-call", "--metadata", meta, `{"pallet":"Staking","name":"chill","args":{}}`)
	if !strings.HasPrefix(out, "0x") || strings.Contains(out, "{") {
		t.Fatalf("encode-call on a TTY: %q", out)
	}
	out = run("tx", "decode-call", "--metadata", meta, strings.TrimSpace(out))
	if !strings.HasPrefix(out, "Staking.chill") {
		t.Fatalf("decode-call on a TTY: %q", out)
	}
	out = run("metadata", "inspect", "--metadata", meta)
	if !strings.Contains(out, "Runtime metadata v15") || !strings.Contains(out, "Balances") || !strings.Contains(out, "CheckMortality") {
		t.Fatalf("inspect on a TTY: %q", out)
	}
}

// kusamaV15Digest is the RFC-0078 digest of kusama-v15-spec1009002.scale
// (decimals 12, KSM) as computed by npm @polkadot-api/merkleize-metadata 1.3.0.
const kusamaV15Digest = "0xa68d6a84e9038a47fc2d7edbdb0303d597a618273ae285d07d4191b3442a9af4"

func TestMetadataHashCmd(t *testing.T) {
	t.Parallel()
	meta := testenv.Shared(t, "metadata", "kusama-v15-spec1009002.scale")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"metadata", "hash", "--metadata", meta}, ExitOK, kusamaV15Digest},
		{[]string{"metadata", "hash", "--metadata", meta, "--spec-name", "kusama", "--spec-version", "1009002", "--base58-prefix", "2", "--decimals", "12", "--token-symbol", "KSM"}, ExitOK, kusamaV15Digest},
		{[]string{"metadata", "hash", "--metadata", meta, "--spec-version", "1009001"}, ExitFailure, "spec version"},
		{[]string{"metadata", "hash", "--metadata", meta, "--base58-prefix", "0"}, ExitFailure, "prefix"},
		{[]string{"metadata", "hash", "--metadata", testenv.Shared(t, "metadata", "kusama-v14-spec9370.scale")}, ExitFailure, "v15"},
		{[]string{"metadata", "hash"}, ExitUsage, "--metadata"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, "", tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("ksm %v: exit %d, out %q err %q; want %d with %q", tt.args[2:], code, out, errOut, tt.code, tt.want)
		}
	}
	// Other decimals give another digest.
	_, out, _ := runCLI(t, "", "metadata", "hash", "--metadata", meta, "--decimals", "10")
	if strings.Contains(out, kusamaV15Digest) || !strings.Contains(out, `"digest"`) {
		t.Errorf("decimals 10: %s", out)
	}
}

func TestTxDecodeCmds(t *testing.T) {
	t.Parallel()
	var payloads []struct {
		Blob  string `json:"blob"`
		Nonce string `json:"nonce"`
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "extrinsics", "kusama-ledger-signing-payloads-spec9370.polkadotjs-decoded.json"), &payloads); err != nil {
		t.Fatal(err)
	}
	meta := testenv.Shared(t, "metadata", "kusama-v14-spec9370.scale")
	stdin := payloads[0].Blob + "\n\n0x1234\n" + payloads[1].Blob + "\n"
	code, out, _ := runCLI(t, stdin, "tx", "decode-payload", "--metadata", meta)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != ExitFailure || len(lines) != 3 {
		t.Fatalf("line mode: exit %d, %d lines:\n%s", code, len(lines), out)
	}
	for i, want := range []string{`"nonce":` + payloads[0].Nonce, `"line":3,"error"`, `"nonce":` + payloads[1].Nonce} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d: %s, want %s", i, lines[i], want)
		}
	}
	var one map[string]any
	code, out, _ = runCLI(t, "", "tx", "decode-payload", "--metadata", meta, payloads[0].Blob)
	if err := json.Unmarshal([]byte(out), &one); code != 0 || err != nil {
		t.Fatalf("decode-payload: exit %d %v", code, err)
	}
	for _, k := range []string{"call", "callHex", "era", "nonce", "tip", "specVersion", "transactionVersion", "genesisHash", "blockHash", "metadataHashMode", "metadataHash"} {
		if _, ok := one[k]; !ok {
			t.Errorf("decode-payload output lacks %q", k)
		}
	}

	var block struct {
		Decoded []struct {
			Hex, Hash, Signer string
		} `json:"decodedByPolkadotJs"`
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "extrinsics", "polkadot-block-18468942.json"), &block); err != nil {
		t.Fatal(err)
	}
	pmeta := testenv.Shared(t, "metadata", "polkadot-v14-spec1000001-live.scale")
	for _, x := range block.Decoded {
		code, out, errOut := runCLI(t, "", "--network", "polkadot", "tx", "decode", "--metadata", pmeta, x.Hex)
		var got struct {
			Signed bool
			Signer string
			Hash   string
		}
		if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
			t.Fatalf("decode %s: exit %d %v %s", x.Hex[:20], code, err, errOut)
		}
		if got.Hash != x.Hash || got.Signer != x.Signer {
			t.Errorf("decode: hash %s signer %s, want %s %s", got.Hash, got.Signer, x.Hash, x.Signer)
		}
	}
}

// TestTxBuildSign runs the offline signing workflow: build an unsigned
// file, sign it with a stored //Alice key, check the result.
func TestTxBuildSign(t *testing.T) {
	t.Parallel()
	meta := testenv.Shared(t, "metadata", "kusama-v15-spec1009002.scale")
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	pwFile := filepath.Join(dir, "pw")
	writeTestFile(t, pwFile, []byte("secret\n"))
	if code, _, errOut := runCLI(t, "//Alice\n", "--home", home, "--password-file", pwFile, "key", "import", "--name", "alice", "--suri-stdin"); code != 0 {
		t.Fatalf("key import: %d %s", code, errOut)
	}
	alice, err := keys.FromURI("//Alice", keys.Sr25519)
	if err != nil {
		t.Fatal(err)
	}
	const aliceKSM = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	unsigned := filepath.Join(dir, "tx.json")
	build := []string{"--home", home, "tx", "build", "--metadata", meta,
		"--call", `{"pallet":"Staking","name":"bond","args":{"value":"1000000000000","payee":"Staked"}}`,
		"--from", aliceKSM, "--nonce", "3", "--genesis-hash", "0xb0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe",
		"--block-hash", "0x" + strings.Repeat("ab", 32), "--block-number", "1000", "--spec-version", "1009002", "--tx-version", "26",
		"--tip", "7", "--metadata-hash-mode", "enabled", "--out", unsigned}
	if code, _, errOut := runCLI(t, "", build...); code != 0 {
		t.Fatalf("tx build: %d %s", code, errOut)
	}
	if st, err := os.Stat(unsigned); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("unsigned file: %v %v", st, err)
	}
	var u xtUnsigned
	b, _ := os.ReadFile(unsigned)
	if err := json.Unmarshal(b, &u); err != nil || u.MetadataHash == nil || *u.MetadataHash != kusamaV15Digest || u.Era.Period != 64 {
		t.Fatalf("unsigned file: %v %s", err, b)
	}

	// The payload decodes to what was asked for.
	code, out, errOut := runCLI(t, "", "tx", "decode-payload", "--metadata", meta, u.SigningPayload)
	var dp struct {
		Call struct {
			Pallet, Name string
		}
		Era              xtEra
		Nonce, Tip       json.Number
		MetadataHashMode string
		MetadataHash     string
		BlockHash        string
	}
	if err := json.Unmarshal([]byte(out), &dp); code != 0 || err != nil {
		t.Fatalf("decode-payload: %d %v %s", code, err, errOut)
	}
	if dp.Call.Pallet != "Staking" || dp.Call.Name != "bond" || dp.Nonce != "3" || dp.Tip != "7" || dp.MetadataHashMode != "Enabled" ||
		dp.MetadataHash != kusamaV15Digest || dp.Era.Type != "mortal" || dp.Era.Period != 64 || *dp.Era.Phase != 1000%64 || dp.BlockHash != "0x"+strings.Repeat("ab", 32) {
		t.Errorf("decode-payload of the built payload: %s", out)
	}

	sign := []string{"--home", home, "--password-file", pwFile, "tx", "sign", unsigned, "--from", "alice", "--metadata", meta}
	if code, _, errOut := runCLI(t, "", sign...); code != ExitUsage || !strings.Contains(errOut, "--yes") || !strings.Contains(errOut, `"name": "bond"`) {
		t.Errorf("sign without a terminal or --yes: exit %d %s", code, errOut)
	}
	code, out, errOut = runCLI(t, "", append([]string{"--yes", "--json"}, sign...)...)
	if code != 0 {
		t.Fatalf("tx sign: %d %s", code, errOut)
	}
	var signed xtSigned
	mustJSON(t, out, &signed)
	// The signature must verify over the payload the file states.
	md, err := metadata.Load(meta)
	if err != nil {
		t.Fatal(err)
	}
	format, err := extrinsic.New(md)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := xtHex(signed.Extrinsic, "")
	x, err := format.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := xtHex(u.SigningPayload, "")
	if x.Signature.Scheme != "sr25519" || !keys.Verify(keys.Sr25519, alice.PublicKey(), extrinsic.SigningBytes(payload), x.Signature.Bytes) {
		t.Errorf("signature does not verify over the file's payload")
	}
	if x.Extra.Nonce != 3 || x.Extra.Tip.Int64() != 7 || x.Extra.MetadataHashMode != 1 {
		t.Errorf("signed extra %+v", x.Extra)
	}

	// A file whose fields were changed after building is refused (exit 3).
	bad := strings.Replace(string(b), `"nonce": 3`, `"nonce": 4`, 1)
	writeTestFile(t, unsigned, []byte(bad))
	if code, _, errOut := runCLI(t, "", append([]string{"--yes"}, sign...)...); code != ExitVerification {
		t.Errorf("tampered file: exit %d %s", code, errOut)
	}
	// A file whose metadata proof was altered is refused (exit 3).
	proofAt := strings.Index(string(b), `"metadataProof": "0x`) + 40
	if proofAt < 40 {
		t.Fatal("the built file has no metadataProof")
	}
	alt := []byte(string(b))
	alt[proofAt] = map[bool]byte{true: '1', false: '0'}[alt[proofAt] == '0']
	writeTestFile(t, unsigned, alt)
	if code, _, errOut := runCLI(t, "", append([]string{"--yes"}, sign...)...); code != ExitVerification || !strings.Contains(errOut, "proof") {
		t.Errorf("altered proof: exit %d %s", code, errOut)
	}
	// A file claiming other token facts than the metadata digest it signs is refused (exit 3).
	other := strings.Replace(string(b), `"tokenSymbol": "KSM"`, `"tokenSymbol": "XYZ"`, 1)
	writeTestFile(t, unsigned, []byte(other))
	if code, _, errOut := runCLI(t, "", append([]string{"--yes"}, sign...)...); code != ExitVerification || !strings.Contains(errOut, "digest") {
		t.Errorf("wrong token symbol: exit %d %s", code, errOut)
	}
	// Another key than the file's sender is refused.
	if code, _, _ := runCLI(t, "//Bob\n", "--home", home, "--password-file", pwFile, "key", "import", "--name", "bob", "--suri-stdin"); code != 0 {
		t.Fatal("import bob")
	}
	writeTestFile(t, unsigned, b)
	sign[8] = "bob"
	if code, _, errOut := runCLI(t, "", append([]string{"--yes"}, sign...)...); code != ExitUsage || !strings.Contains(errOut, "is account") {
		t.Errorf("wrong key: exit %d %s", code, errOut)
	}
}

// runCLITTY is runCLI on a terminal: prompts are possible.
func runCLITTY(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	io, in, out, errOut := iostreams.Test()
	io.SetTTY(true, true, true)
	in.WriteString(stdin)
	f := newTestFactory(t, io)
	code := Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func TestTxSignConfirmation(t *testing.T) {
	t.Parallel()
	meta := testenv.Shared(t, "metadata", "kusama-v15-spec1009002.scale")
	dir := t.TempDir()
	home, pwFile, unsigned := filepath.Join(dir, "home"), filepath.Join(dir, "pw"), filepath.Join(dir, "tx.json")
	writeTestFile(t, pwFile, []byte("pw"))
	if code, _, errOut := runCLI(t, "//Alice\n", "--home", home, "--password-file", pwFile, "key", "import", "--name", "alice", "--suri-stdin"); code != 0 {
		t.Fatalf("key import: %s", errOut)
	}
	code, _, errOut := runCLI(t, "", "tx", "build", "--metadata", meta,
		"--call", `{"pallet":"Registrar","name":"reserve","args":{}}`, "--from", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F",
		"--nonce", "0", "--genesis-hash", kusamaGenesis, "--block-hash", "0x"+strings.Repeat("22", 32),
		"--block-number", "5", "--spec-version", "1009002", "--tx-version", "26", "--era-period", "0", "--out", unsigned)
	if code != 0 {
		t.Fatalf("build: %s", errOut)
	}
	sign := []string{"--home", home, "--password-file", pwFile, "tx", "sign", unsigned, "--from", "alice", "--metadata", meta}
	code, out, errOut := runCLITTY(t, "n\n", sign...)
	if code != ExitCancelled || out != "" || !strings.Contains(errOut, `"name": "reserve"`) || !strings.Contains(errOut, `"type": "immortal"`) {
		t.Errorf("declined: exit %d out %q err %s", code, out, errOut)
	}
	code, out, errOut = runCLITTY(t, "y\n", sign...)
	if code != 0 || !strings.HasPrefix(out, "0x") {
		t.Fatalf("confirmed: exit %d out %q err %s", code, out, errOut)
	}
	// The extrinsic decodes to the signed call from Alice.
	code, out, _ = runCLI(t, "", "tx", "decode", "--metadata", meta, strings.TrimSpace(out))
	if code != 0 || !strings.Contains(out, `"signer": "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"`) || !strings.Contains(out, `"name": "reserve"`) {
		t.Errorf("decode signed: %d %s", code, out)
	}
}

const kusamaGenesis = "0xb0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe"
