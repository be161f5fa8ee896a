package cli

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
	if err := os.WriteFile(pwFile, []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
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
	if err := os.WriteFile(unsigned, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
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
	if err := os.WriteFile(unsigned, alt, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "", append([]string{"--yes"}, sign...)...); code != ExitVerification || !strings.Contains(errOut, "proof") {
		t.Errorf("altered proof: exit %d %s", code, errOut)
	}
	// A file claiming other token facts than the metadata digest it signs is refused (exit 3).
	other := strings.Replace(string(b), `"tokenSymbol": "KSM"`, `"tokenSymbol": "XYZ"`, 1)
	if err := os.WriteFile(unsigned, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "", append([]string{"--yes"}, sign...)...); code != ExitVerification || !strings.Contains(errOut, "digest") {
		t.Errorf("wrong token symbol: exit %d %s", code, errOut)
	}
	// Another key than the file's sender is refused.
	if code, _, _ := runCLI(t, "//Bob\n", "--home", home, "--password-file", pwFile, "key", "import", "--name", "bob", "--suri-stdin"); code != 0 {
		t.Fatal("import bob")
	}
	if err := os.WriteFile(unsigned, b, 0o600); err != nil {
		t.Fatal(err)
	}
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
	if err := os.WriteFile(pwFile, []byte("pw"), 0o600); err != nil {
		t.Fatal(err)
	}
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
