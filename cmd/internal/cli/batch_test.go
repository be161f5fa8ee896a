package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBatchBadInput runs ksm batch as a process on files with one bad row
// each: every mistake is exit 2 naming its line, before any connection is
// made (the endpoint counts them) and with no journal written.
func TestBatchBadInput(t *testing.T) {
	home := t.TempDir()
	if code, _, stderr := keyRun(t, home, keyRunOpts{stdin: "//Alice\n", env: map[string]string{"KSM_PASSWORD": "pw"}}, "key", "import", "--name", "alice", "--suri-stdin"); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := keyRun(t, home, keyRunOpts{}, "key", "add", "--name", "watch", "--address", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"); code != 0 {
		t.Logf("no watch-only key (%s)", stderr)
	}
	good := `["transfer", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F", "1.5", "--from", "alice"]` + "\n"
	bh := newBlackhole(t)
	for _, tc := range []struct {
		name, file, body, has string
		line                  int
	}{
		{"malformed line", "b.jsonl", good + `["transfer", "bob"` + "\n", "not a JSON array", 2},
		{"unknown command", "b.jsonl", good + good + `["frobnicate", "1"]` + "\n", `unknown command "frobnicate"`, 3},
		{"non-submitting command", "b.jsonl", good + `["balance", "alice"]` + "\n", `"balance" does not submit a transaction`, 2},
		{"key command", "b.jsonl", `["key", "delete", "alice"]` + "\n", `does not submit a transaction`, 1},
		{"unknown key", "b.jsonl", good + `{"id": "x", "args": ["transfer", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F", "1", "--from", "nobody"]}` + "\n", "nobody", 2},
		{"unknown recipient", "b.jsonl", `["transfer", "bobby", "1", "--from", "alice"]` + "\n", "bobby", 1},
		{"too many decimals", "b.jsonl", good + good + `["transfer", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F", "1.0000000000001", "--from", "alice"]` + "\n", "decimals", 3},
		{"negative amount", "b.jsonl", `["transfer", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F", "-1", "--from", "alice"]` + "\n", "positive", 1},
		{"unknown flag", "b.jsonl", `["transfer", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F", "1", "--from", "alice", "--memo", "x"]` + "\n", "memo", 1},
		{"global flag in a row", "b.jsonl", `["transfer", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F", "1", "--from", "alice", "--rpc", "ws://x"]` + "\n", "global flags", 1},
		{"dry-run in a row", "b.jsonl", `["transfer", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F", "1", "--from", "alice", "--dry-run"]` + "\n", "--dry-run", 1},
		{"help in a row", "b.jsonl", `["transfer", "--help"]` + "\n", "no transaction", 1},
		{"csv bad amount", "b.csv", "to,amount,from\nHNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F,1,alice\nHNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F,abc,alice\n", "abc", 3},
		{"csv without from", "b.csv", "to,amount\nHNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F,1\n", "--from", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, tc.file)
			if err := os.WriteFile(file, []byte(tc.body), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, verb := range []string{"plan", "run"} {
				code, _, stderr, _ := runKSM(t, home, []string{"KSM_PASSWORD=pw"}, "--rpc", bh.url, "--yes", "batch", verb, file)
				want := fmt.Sprintf("line %d:", tc.line)
				if code != ExitUsage || !strings.Contains(stderr, want) || !strings.Contains(stderr, tc.has) {
					t.Fatalf("batch %s: exit %d, stderr %q; want 2 with %q and %q", verb, code, stderr, want, tc.has)
				}
				if _, err := os.Stat(file + ".journal"); err == nil {
					t.Fatalf("batch %s wrote a journal", verb)
				}
			}
			if n := bh.accepted.Load(); n != 0 {
				t.Fatalf("%d connections before the input was checked", n)
			}
		})
	}
}
