package cli

// The offline verification commands: verify checkpoint, genesis, header,
// justification and proof.

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func TestVerifyHeaderKusama(t *testing.T) {
	t.Parallel()
	path := testenv.Shared(t, "grandpa", "kusama-header-b7472481.scale")
	code, stdout, stderr := runCLI(t, "", "--json", "verify", "header", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Hash, ParentHash, StateRoot, ExtrinsicsRoot string
		Number                                      uint32
		Digest                                      []struct{ Type, Engine, Data string }
		GrandpaChange                               *struct {
			Kind        string
			Delay       uint32
			Authorities []struct {
				Key    string
				Weight uint64
			}
		}
	}
	mustJSON(t, stdout, &out)
	if out.Hash != "0xfb5aaba0f01ee697dd296fb261dda5167d68b44aa5557f0f43293681fcf73e40" || out.Number != 7472481 || len(out.Digest) != 27 {
		t.Fatalf("hash %s number %d digest %d", out.Hash, out.Number, len(out.Digest))
	}
	if out.ParentHash != "0xf145ba5dc914905d8a2754fcc3739896e584bd88e8d226fc81252db6b9886c8d" {
		t.Errorf("parent %s", out.ParentHash)
	}
	c := out.GrandpaChange
	if c == nil || c.Kind != "ScheduledChange" || len(c.Authorities) != 900 || c.Authorities[0].Key != "0xb0f81e9c4c670b51db5b990c7cf1ab617f4325f0e49ca87a3d3d0276aace80fd" || c.Authorities[0].Weight != 1 {
		t.Fatalf("grandpaChange %+v", c)
	}
	// Human output, hex argument and hex file give the same hash.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	hexFile := filepath.Join(t.TempDir(), "h.hex")
	writeTestFile(t, hexFile, []byte("0x"+hex.EncodeToString(raw)+"\n"))
	for _, arg := range []string{"0x" + hex.EncodeToString(raw), hexFile} {
		code, stdout, stderr := runCLI(t, "", "verify", "header", arg)
		if code != 0 || !strings.Contains(stdout, out.Hash) || !strings.Contains(stdout, "ScheduledChange to 900 authorities") {
			t.Errorf("arg %.20s: exit %d %s %s", arg, code, stdout, stderr)
		}
	}
	code, stdout, _ = runCLI(t, "0x"+hex.EncodeToString(raw), "--json", "verify", "header", "-")
	if code != 0 || !strings.Contains(stdout, out.Hash) {
		t.Errorf("stdin: exit %d", code)
	}
}

func TestVerifyHeaderWestendBlock(t *testing.T) {
	t.Parallel()
	var data struct {
		Blocks []struct {
			Number            uint32
			Hash, HeaderScale string
		}
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "grandpa", "westend-blocks-1-10.json"), &data); err != nil {
		t.Fatal(err)
	}
	b := data.Blocks[0]
	code, stdout, stderr := runCLI(t, "", "--json", "verify", "header", b.HeaderScale)
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var out struct {
		Hash   string
		Digest []struct {
			Type, Engine string
			Decoded      map[string]any
		}
		GrandpaChange any
	}
	mustJSON(t, stdout, &out)
	if out.Hash != b.Hash || out.GrandpaChange != nil {
		t.Fatalf("hash %s change %v", out.Hash, out.GrandpaChange)
	}
	if out.Digest[0].Type != "PreRuntime" || out.Digest[0].Engine != "BABE" || out.Digest[0].Decoded["slot"] == nil {
		t.Errorf("first digest item %+v", out.Digest[0])
	}
}

func TestVerifyHeaderInvalid(t *testing.T) {
	t.Parallel()
	checkExits(t, []exitCase{
		// Garbage is bad input (2), not a failed verification (3).
		{[]string{"verify", "header", "0x00"}, ExitUsage, "unexpected end"},
		{[]string{"verify", "header", "0x" + strings.Repeat("00", 99) + "00"}, ExitUsage, "trailing"},
		{[]string{"verify", "header", "0xzz"}, ExitUsage, "bad hex"},
		{[]string{"verify", "header"}, ExitUsage, "argument"},
		{[]string{"verify", "header", filepath.Join(t.TempDir(), "missing")}, ExitUsage, "no such file"},
	})
}

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
		writeTestFile(t, p, []byte(content))
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

func writeAuthoritiesJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "auths.json")
	writeTestFile(t, p, b)
	return p
}

func TestVerifyJustificationPolkadot(t *testing.T) {
	t.Parallel()
	path := testenv.Shared(t, "grandpa", "polkadot-b4635975-justification.scale")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	j, err := grandpa.DecodeJustification(raw)
	if err != nil {
		t.Fatal(err)
	}
	// Set 450's list is not available: its signers stand in for it.
	var keys []string
	var pairs [][]any
	for i, p := range j.Commit.Precommits {
		k := "0x" + hex.EncodeToString(p.ID[:])
		keys = append(keys, k)
		if i%2 == 0 {
			pairs = append(pairs, []any{k, 1})
		} else {
			pairs = append(pairs, []any{k, "1"})
		}
	}
	for _, auths := range []string{writeAuthoritiesJSON(t, keys), writeAuthoritiesJSON(t, pairs)} {
		code, stdout, stderr := runCLI(t, "", "--json", "verify", "justification", "--justification", path, "--set-id", "450", "--authorities", auths)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var out justificationOut
		mustJSON(t, stdout, &out)
		want := justificationOut{Valid: true, TargetHash: "0x2a82146e771968df054c8036040dea584339df52d8cbac6970d4c22ed59f7022", TargetNumber: 4635975, Round: 6971, Signatures: 199, Weight: 199, Threshold: 133}
		if out != want {
			t.Fatalf("got %+v", out)
		}
	}
	auths := writeAuthoritiesJSON(t, keys)
	// Wrong set id: exit 3 with the reason, JSON says invalid.
	code, stdout, stderr := runCLI(t, "", "--json", "verify", "justification", "--justification", path, "--set-id", "451", "--authorities", auths)
	if code != ExitVerification || !strings.Contains(stderr, "bad precommit signature") || !strings.Contains(stdout, `"valid": false`) {
		t.Errorf("set 451: exit %d %s %s", code, stdout, stderr)
	}
	// Too few authorities known: the first unknown signer is reported.
	code, _, stderr = runCLI(t, "", "verify", "justification", "--justification", path, "--set-id", "450", "--authorities", writeAuthoritiesJSON(t, keys[:150]))
	if code != ExitVerification || !strings.Contains(stderr, "not in authority set") {
		t.Errorf("partial set: exit %d %s", code, stderr)
	}
	// Human output.
	code, stdout, _ = runCLI(t, "", "verify", "justification", "--justification", path, "--set-id", "450", "--authorities", auths)
	if code != 0 || !strings.Contains(stdout, "valid justification of #4635975") {
		t.Errorf("human: exit %d %s", code, stdout)
	}
}

func TestVerifyJustificationGenerated(t *testing.T) {
	t.Parallel()
	c, err := testchain.Generate(testchain.Config{Seed: "cli", Blocks: 130, SetLength: 100, VoteAhead: 2, VariedWeights: true})
	if err != nil {
		t.Fatal(err)
	}
	b := c.Blocks[128]
	set := c.Set(b.SetID)
	var pairs [][]any
	for _, a := range set.Authorities {
		pairs = append(pairs, []any{"0x" + hex.EncodeToString(a.Key[:]), a.Weight})
	}
	auths := writeAuthoritiesJSON(t, pairs)
	jhex := "0x" + hex.EncodeToString(b.Justification.Encode())
	code, stdout, stderr := runCLI(t, "", "--json", "verify", "justification", "--justification", jhex, "--set-id", fmt.Sprint(set.SetID), "--authorities", auths)
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var out justificationOut
	mustJSON(t, stdout, &out)
	if !out.Valid || out.TargetNumber != 128 || out.Weight != set.TotalWeight() || out.Threshold != set.Threshold() {
		t.Fatalf("%+v", out)
	}
	bad := b.Justification.Encode()
	bad[len(bad)/2] ^= 1
	code, _, _ = runCLI(t, "", "verify", "justification", "--justification", "0x"+hex.EncodeToString(bad), "--set-id", fmt.Sprint(set.SetID), "--authorities", auths)
	if code != ExitVerification {
		t.Errorf("tampered: exit %d", code)
	}
	for _, args := range [][]string{
		{"verify", "justification", "--justification", jhex, "--authorities", auths},
		{"verify", "justification", "--justification", jhex, "--set-id", "1", "--authorities", writeAuthoritiesJSON(t, []any{42})},
		{"verify", "justification", "--justification", jhex, "--set-id", "1", "--authorities", writeAuthoritiesJSON(t, []any{"0x12"})},
	} {
		if code, _, _ := runCLI(t, "", args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want usage", args[len(args)-1], code)
		}
	}
}

const claimsRoot = "0x29d0d972cd27cbc511e9589fcb7a4506d5eb6a9e8df205f00472e5ab354a4e17"

func TestVerifyProof(t *testing.T) {
	t.Parallel()
	proofFile := testenv.Shared(t, "proofs", "polkadot-genesis-claims-preclaims-proof.json")
	var f struct {
		ProofScale string `json:"proofScale"`
		Queries    []struct {
			Key   string  `json:"key"`
			Value *string `json:"value"`
			Error string  `json:"error"`
		} `json:"queries"`
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "proofs", "polkadot-genesis-claims-preclaims-proof.json"), &f); err != nil {
		t.Fatal(err)
	}
	scaleFile := filepath.Join(t.TempDir(), "proof.scale")
	raw, _ := trie.DecodeHex(f.ProofScale)
	writeTestFile(t, scaleFile, raw)
	for _, proof := range []string{proofFile, f.ProofScale, scaleFile} {
		for _, q := range f.Queries {
			code, stdout, stderr := runCLI(t, "", "--json", "verify", "proof", "--root", claimsRoot, "--proof", proof, "--key", q.Key)
			if q.Error != "" {
				if code != ExitVerification || !strings.Contains(stderr, "incomplete") {
					t.Errorf("key %s: exit %d %s", q.Key, code, stderr)
				}
				continue
			}
			if code != 0 {
				t.Fatalf("key %s: exit %d %s", q.Key, code, stderr)
			}
			var out struct {
				Key   string
				Value *string
			}
			mustJSON(t, stdout, &out)
			if out.Key != q.Key || (q.Value == nil) != (out.Value == nil) || (q.Value != nil && *q.Value != *out.Value) {
				t.Errorf("key %s: %+v", q.Key, out)
			}
			if q.Value == nil && !strings.Contains(stdout, `"value": null`) {
				t.Errorf("absent key: %s", stdout)
			}
		}
	}
	// A proof that does not prove its root: exit 3; one that does not
	// even decode is bad input: exit 2.
	key := f.Queries[0].Key
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"--root", "0x" + strings.Repeat("11", 32), "--proof", proofFile, "--key", key}, ExitVerification},
		{[]string{"--root", claimsRoot, "--proof", "0x0401ff", "--key", key}, ExitUsage},
	} {
		if code, _, stderr := runCLI(t, "", append([]string{"verify", "proof"}, tt.args...)...); code != tt.code {
			t.Errorf("%v: exit %d, want %d: %s", tt.args, code, tt.code, stderr)
		}
	}
	for _, args := range [][]string{
		{"--root", claimsRoot, "--proof", proofFile},
		{"--root", "0x12", "--proof", proofFile, "--key", key},
		{"--root", claimsRoot, "--proof", proofFile, "--key", key, "--prefix", "0x00"},
	} {
		if code, _, _ := runCLI(t, "", append([]string{"verify", "proof"}, args...)...); code != ExitUsage {
			t.Errorf("%v: exit %d, want usage", args, code)
		}
	}
}

func TestVerifyProofSystemAccountV1(t *testing.T) {
	t.Parallel()
	var f struct {
		StateRoot   string          `json:"stateRoot"`
		RPCResponse json.RawMessage `json:"rpcResponse"`
		Queries     []struct{ Key, Value string }
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "proofs", "polkadot-system-account-readproof.json"), &f); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "resp.json")
	os.WriteFile(file, f.RPCResponse, 0o600)
	code, stdout, stderr := runCLI(t, "", "--json", "verify", "proof", "--root", f.StateRoot, "--proof", file, "--key", f.Queries[0].Key)
	if code != 0 || !strings.Contains(stdout, f.Queries[0].Value) {
		t.Fatalf("exit %d %s %s", code, stdout, stderr)
	}
}

func TestVerifyProofPrefix(t *testing.T) {
	t.Parallel()
	var f struct {
		Prefix   string   `json:"prefix"`
		Root     string   `json:"trie_root_hash"`
		Proofs   []string `json:"proofs"`
		Expected []string `json:"expected_entries"`
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "proofs", "staking-validators-prefix-scan-proofs.json"), &f); err != nil {
		t.Fatal(err)
	}
	// The first proof alone: incomplete, exit 3, partial JSON.
	code, stdout, _ := runCLI(t, "", "--json", "verify", "proof", "--root", f.Root, "--proof", f.Proofs[0], "--prefix", f.Prefix)
	if code != ExitVerification || !strings.Contains(stdout, `"complete": false`) {
		t.Fatalf("first proof: exit %d %s", code, stdout)
	}
	// All proofs merged into one JSON array of nodes: complete, 922 keys.
	var all []string
	for _, p := range f.Proofs {
		nodes, err := trie.ParseProof([]byte(p))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes {
			all = append(all, "0x"+strings.TrimPrefix(hex0x(n), "0x"))
		}
	}
	b, _ := json.Marshal(all)
	file := filepath.Join(t.TempDir(), "all.json")
	os.WriteFile(file, b, 0o600)
	code, stdout, stderr := runCLI(t, "", "--json", "verify", "proof", "--root", f.Root, "--proof", file, "--prefix", f.Prefix)
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var out struct {
		Entries  []struct{ Key, Value string }
		Complete bool
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || !out.Complete || len(out.Entries) != len(f.Expected) {
		t.Fatalf("%d entries complete=%v %v", len(out.Entries), out.Complete, err)
	}
}
