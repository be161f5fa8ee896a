package cli

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	if err := os.WriteFile(hexFile, []byte("0x"+hex.EncodeToString(raw)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
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
