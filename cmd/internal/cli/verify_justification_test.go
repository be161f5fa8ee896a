package cli

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func writeAuthoritiesJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "auths.json")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
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
