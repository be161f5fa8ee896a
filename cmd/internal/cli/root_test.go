package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
)

// runCLI runs ksm with in-memory streams and returns exit code, stdout, stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	io, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	f := NewFactory(io)
	f.Backend = hooksFor(t)
	f.Getenv = func(string) string { return "" }
	code := Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"version"}, ExitOK, ""},
		{[]string{"no-such-command"}, ExitUsage, "unknown command"},
		{[]string{"--no-such-flag"}, ExitUsage, "unknown flag"},
		{[]string{"version", "extra"}, ExitUsage, "takes 0 argument"},
		{[]string{"--network", "nowhere", "key", "inspect", "//Alice"}, ExitUsage, "unknown network"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, "", tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.err) {
			t.Errorf("ksm %v: exit %d stderr %q; want exit %d containing %q", tt.args, code, stderr, tt.code, tt.err)
		}
		// The usage hint follows command-line syntax errors only.
		syntax := strings.Contains(tt.err, "unknown command") || strings.Contains(tt.err, "unknown flag") || strings.Contains(tt.err, "takes 0")
		if hint := strings.Contains(stderr, "Run 'ksm --help'"); hint != syntax {
			t.Errorf("ksm %v: usage hint %v, want %v", tt.args, hint, syntax)
		}
	}
}

func TestVersionJSON(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "--json", "version")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var v struct{ Version, Go string }
	if err := json.Unmarshal([]byte(stdout), &v); err != nil || v.Version == "" || !strings.HasPrefix(v.Go, "go") {
		t.Fatalf("version JSON %q: %v", stdout, err)
	}
}

func TestExitCodeMapping(t *testing.T) {
	tests := []struct {
		err  error
		code int
	}{
		{nil, 0},
		{VerificationError(context.Canceled), ExitVerification},
		{NetworkError(errString("x")), ExitNetwork},
		{TxFailedError(errString("x")), ExitTxFailed},
		{context.Canceled, ExitCancelled},
		{ErrCancelled, ExitCancelled},
		{errString("anything else"), ExitFailure},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.code {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.code)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestTUIKeySourceListsKeystore(t *testing.T) {
	home := t.TempDir()
	io, in, _, _ := iostreams.Test()
	in.WriteString("//Alice\n")
	f := NewFactory(io)
	f.Backend = hooksFor(t)
	f.Getenv = func(k string) string {
		if k == "KSM_PASSWORD" {
			return "pw"
		}
		return ""
	}
	f.Opts.Home = home
	if code := Run(context.Background(), f, []string{"--home", home, "key", "import", "--name", "alice", "--suri-stdin"}); code != 0 {
		t.Fatalf("import exit %d", code)
	}
	f2 := NewFactory(io)
	f2.Opts.Home, f2.Opts.Network = home, "kusama"
	list, err := tuiKeys{f2}.ListKeys(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("ListKeys = %+v, %v", list, err)
	}
	// //Alice on Kusama (prefix 2).
	if list[0].Name != "alice" || list[0].Address != "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F" || list[0].WatchOnly {
		t.Errorf("key = %+v", list[0])
	}
}

func TestNoArgsPrintsHelpWhenPiped(t *testing.T) {
	code, stdout, _ := runCLI(t, "")
	if code != 0 || !strings.Contains(stdout, "Usage:") {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
}
