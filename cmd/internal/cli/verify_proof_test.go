package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

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
	if err := os.WriteFile(scaleFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
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
