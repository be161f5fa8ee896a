package cli

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
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
			writeTestFile(t, file, []byte(tc.body))
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

// batchBenchHome is a home with the key alice (//Alice) and a batch file
// of n transfers.
func batchBenchHome(b testing.TB, n int) (home, file string) {
	home = b.TempDir()
	if code, _, stderr := keyRun(b, home, keyRunOpts{stdin: "//Alice\n", env: map[string]string{"KSM_PASSWORD": "pw"}}, "key", "import", "--name", "alice", "--suri-stdin"); code != 0 {
		b.Fatal(stderr)
	}
	var sb strings.Builder
	sb.WriteString("to,amount,from\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F,1.%06d,alice\n", i)
	}
	file = filepath.Join(home, "b.csv")
	if err := os.WriteFile(file, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	return home, file
}

// BenchmarkBatchCollect: rows parsed by the command tree and checked
// offline into plans, per second.
func BenchmarkBatchCollect(b *testing.B) {
	home, file := batchBenchHome(b, b.N)
	io, _, _, _ := iostreams.Test()
	f := NewFactory(io)
	f.Opts.Home = home
	f.Getenv = func(string) string { return "" }
	b.ResetTimer()
	_, items, _, err := loadBatch(context.Background(), f, file, batchFlags{})
	if err != nil || len(items) != b.N {
		b.Fatal(err, len(items))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestBatchPlanMemory100k: the plans of 100,000 rows fit in 200 MiB of
// heap (KSM_BATCH_MEMORY=1; it takes a while).
func TestBatchPlanMemory100k(t *testing.T) {
	if os.Getenv("KSM_BATCH_MEMORY") == "" {
		t.Skip("set KSM_BATCH_MEMORY=1 to measure the plans of 100,000 rows")
	}
	const n = 100_000
	home, file := batchBenchHome(t, n)
	io, _, _, _ := iostreams.Test()
	f := NewFactory(io)
	f.Opts.Home = home
	f.Getenv = func(string) string { return "" }
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, items, _, err := loadBatch(context.Background(), f, file, batchFlags{})
	if err != nil || len(items) != n {
		t.Fatal(err, len(items))
	}
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	t.Logf("%d rows checked into plans in %v (%.0f rows/s); live heap %.1f MiB, peak heap %.1f MiB", n, took, n/took.Seconds(), heap, float64(after.HeapSys)/(1<<20))
	runtime.KeepAlive(items)
	if heap > 200 {
		t.Fatalf("%.1f MiB for %d rows", heap, n)
	}
}

// TestBatchRowsDoNotLeak: the rows share one command tree; the flags of a
// row never carry over to the next.
func TestBatchRowsDoNotLeak(t *testing.T) {
	home, _ := batchBenchHome(t, 1)
	io, _, _, _ := iostreams.Test()
	f := NewFactory(io)
	f.Opts.Home = home
	f.Getenv = func(string) string { return "" }
	st, _, err := openKeyring(f)
	if err != nil {
		t.Fatal(err)
	}
	to := "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	rows := []app.BatchRow{
		{Line: 1, Args: []string{"transfer", to, "1", "--from", "alice", "--tip", "0.5", "--mortality", "0", "--skip-dry-run"}},
		{Line: 2, Args: []string{"transfer", to, "2", "--from", "alice"}},
		{Line: 3, Args: []string{"gov", "vote", "12", "aye", "--amount", "5", "--from", "alice", "--tip", "1"}},
		{Line: 4, Args: []string{"gov", "vote", "13", "nay", "--amount", "5", "--from", "alice"}},
	}
	items, err := collectPlans(context.Background(), f, newCachedKeyring(st), rows)
	if err != nil {
		t.Fatal(err)
	}
	want := []app.TxOptions{
		{Tip: "0.5", Mortality: 0, SkipDryRun: true},
		app.DefaultTxOptions(),
		{Tip: "1", Mortality: app.DefaultEraPeriod},
		app.DefaultTxOptions(),
	}
	for i, it := range items {
		if it.Plan.Options != want[i] || it.Plan.From.Name != "alice" || it.Row != i+1 {
			t.Fatalf("row %d: %+v from %q, want %+v", i+1, it.Plan.Options, it.Plan.From.Name, want[i])
		}
	}
	if items[0].Plan.Verb != "transfer" || !strings.HasPrefix(items[2].Plan.Verb, "gov") {
		t.Fatalf("verbs %q %q", items[0].Plan.Verb, items[2].Plan.Verb)
	}
}

// TestBatchRunRefusesJournal: run refuses an existing journal without
// --resume, and --resume without one, before connecting.
func TestBatchRunRefusesJournal(t *testing.T) {
	home, file := batchBenchHome(t, 2)
	bh := newBlackhole(t)
	writeTestFile(t, file+".journal", []byte("{\"state\":\"batch\"}\n"))
	code, _, stderr, _ := runKSM(t, home, []string{"KSM_PASSWORD=pw"}, "--rpc", bh.url, "--yes", "batch", "run", file)
	if code != ExitUsage || !strings.Contains(stderr, "--resume") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, _, stderr, _ = runKSM(t, home, []string{"KSM_PASSWORD=pw"}, "--rpc", bh.url, "--yes", "batch", "run", file, "--resume", "--journal", file+".other")
	if code != ExitUsage || !strings.Contains(stderr, "no journal") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := bh.accepted.Load(); n != 0 {
		t.Fatalf("%d connections", n)
	}
}
