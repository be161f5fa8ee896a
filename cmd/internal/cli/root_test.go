package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/wallet/keystore"
	"github.com/ksm-wallet/ksm/wallet/ss58"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
)

// runCLI runs ksm with in-memory streams and returns exit code, stdout, stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	io, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	f := newTestFactory(t, io)
	code := Run(context.Background(), f, append([]string{}, args...)) // never nil: cobra reads os.Args for nil
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	tests := []exitCase{
		{[]string{"version"}, ExitOK, ""},
		{[]string{"no-such-command"}, ExitUsage, "unknown command"},
		{[]string{"--no-such-flag"}, ExitUsage, "unknown flag"},
		{[]string{"version", "extra"}, ExitUsage, "takes 0 argument"},
		{[]string{"--network", "nowhere", "key", "inspect", "//Alice"}, ExitUsage, "unknown network"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, "", tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("ksm %v: exit %d stderr %q; want exit %d containing %q", tt.args, code, stderr, tt.code, tt.want)
		}
		// The usage hint follows command-line syntax errors only.
		syntax := strings.Contains(tt.want, "unknown command") || strings.Contains(tt.want, "unknown flag") || strings.Contains(tt.want, "takes 0")
		if hint := strings.Contains(stderr, "--help' for usage."); hint != syntax {
			t.Errorf("ksm %v: usage hint %v, want %v", tt.args, hint, syntax)
		}
	}
}

func TestVersionJSON(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runCLI(t, "", "--json", "version")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var v struct {
		Version, Go string
		Checkpoints []struct {
			Network, Hash, Date string
			Number              uint32
		}
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil || v.Version == "" || !strings.HasPrefix(v.Go, "go") {
		t.Fatalf("version JSON %q: %v", stdout, err)
	}
	// The embedded relay checkpoints (lightclient/chainspec/profiles/PROVENANCE.md).
	want := map[string]string{
		"kusama":   "#31697400 0x33dcadca96cba14973d91a8a5c09f7165b754d00ef2682a30c865aec75a2dabe 2026-01-05",
		"polkadot": "#29378183",
		"westend":  "#29233814",
		"paseo":    "#9802429",
	}
	if len(v.Checkpoints) != len(want) {
		t.Fatalf("checkpoints %+v, want %d", v.Checkpoints, len(want))
	}
	for _, c := range v.Checkpoints {
		got := fmt.Sprintf("#%d %s %s", c.Number, c.Hash, c.Date)
		if w, ok := want[c.Network]; !ok || !strings.HasPrefix(got, w) || len(c.Date) != 10 {
			t.Errorf("checkpoint %s: %s, want %s…", c.Network, got, w)
		}
	}
}

// TestExitCodeTable pins the one mapping from typed errors to exit codes.
func TestExitCodeTable(t *testing.T) {
	t.Parallel()
	chainDecode := fmt.Errorf("decode System.Account: %w", scale.ErrUnexpectedEOF)
	tests := []struct {
		name string
		err  error
		code int
	}{
		{"nil", nil, ExitOK},
		{"anything else", errString("anything else"), ExitFailure},
		{"chain data that does not decode", chainDecode, ExitFailure},
		{"input that does not decode", app.Input(fmt.Errorf("--args: %w", scale.ErrUnexpectedEOF)), ExitUsage},
		{"usage", app.Usagef("amount must be positive"), ExitUsage},
		{"bad address", fmt.Errorf("dest: %w", ss58.ErrBadChecksum), ExitUsage},
		{"unknown key", fmt.Errorf("--from: %w", keystore.ErrNotFound), ExitUsage},
		{"bad signature in a named file", app.Input(app.Unverified(errString("bad signature"))), ExitVerification},
		{"light client verification", fmt.Errorf("balance: %w", lightclient.ErrVerification), ExitVerification},
		{"claim signature of another account", fmt.Errorf("recover: %w", app.ErrClaimSignature), ExitVerification},
		{"no claim", fmt.Errorf("%w: nothing to claim", app.ErrNoClaim), ExitFailure},
		{"included but failed", app.FailedOnChain(errString("Balances.InsufficientBalance")), ExitTxFailed},
		{"network", app.Unreachable(errString("dial")), ExitNetwork},
		{"timeout", fmt.Errorf("sync: %w", context.DeadlineExceeded), ExitNetwork},
		{"unreachable", fmt.Errorf("%w: no peer", lightclient.ErrUnreachable), ExitNetwork},
		{"cancelled", context.Canceled, ExitCancelled},
		{"declined", ErrCancelled, ExitCancelled},
		{"cancelled while dialling", app.Unreachable(fmt.Errorf("dial: %w", context.Canceled)), ExitCancelled},
		{"command line", syntaxErrorf("unknown command"), ExitUsage},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.code {
			t.Errorf("%s: ExitCode(%v) = %d, want %d", tt.name, tt.err, got, tt.code)
		}
	}
}

// TestJSONErrorLine: under --json a failure ends stderr with one JSON line
// giving the message and the exit code; without --json there is none.
func TestJSONErrorLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []exitCase{
		{[]string{"--json", "--rpc", "ftp://x", "balance", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"}, ExitUsage, "unsupported scheme"},
		{[]string{"--json", "verify", "header", "0x00"}, ExitUsage, "unexpected end"},
		{[]string{"--json", "key", "lst"}, ExitUsage, "unknown command"},
	} {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		var line struct {
			Error *struct {
				Message  string
				ExitCode int
			}
		}
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &line); err != nil || line.Error == nil {
			t.Errorf("%v: last stderr line %q is not a JSON error: %v", tt.args, lines[len(lines)-1], err)
			continue
		}
		if code != tt.code || line.Error.ExitCode != code || !strings.Contains(line.Error.Message, tt.want) || stdout != "" {
			t.Errorf("%v: exit %d, JSON %+v, stdout %q; want exit %d and a message with %q", tt.args, code, *line.Error, stdout, tt.code, tt.want)
		}
	}
	if _, _, stderr := runCLI(t, "", "verify", "header", "0x00"); strings.Contains(stderr, "{") {
		t.Errorf("JSON error line without --json: %q", stderr)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestTUIKeySourceListsKeystore(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	io, in, _, _ := iostreams.Test()
	in.WriteString("//Alice\n")
	f := newTestFactory(t, io)
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
	list, err := (&tuiBackend{f: f2}).Keys(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("ListKeys = %+v, %v", list, err)
	}
	// //Alice on Kusama (prefix 2).
	if list[0].Name != "alice" || list[0].Address != "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F" || list[0].WatchOnly {
		t.Errorf("key = %+v", list[0])
	}
}

func TestNoArgsPrintsHelpWhenPiped(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runCLI(t, "")
	if code != 0 || !strings.Contains(stdout, "Usage:") {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
}

// TestUnknownSubcommands: a typo exits 2 with suggestions at every level,
// not help with exit 0; a group alone still prints its help.
func TestUnknownSubcommands(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args    []string
		code    int
		suggest string
	}{
		{[]string{"key", "lst"}, ExitUsage, "list"},
		{[]string{"blance"}, ExitUsage, "balance"},
		{[]string{"stake", "nominat"}, ExitUsage, "nominate"},
		{[]string{"tx", "nope"}, ExitUsage, ""},
		{[]string{"key"}, ExitOK, ""},
	} {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		if code != tt.code {
			t.Errorf("ksm %v: exit %d, want %d; stderr %q", tt.args, code, tt.code, stderr)
		}
		if code == ExitOK {
			if !strings.Contains(stdout, "Available Commands") {
				t.Errorf("ksm %v: no help on stdout: %q", tt.args, stdout)
			}
			continue
		}
		suggested := strings.Contains(stderr, "Did you mean this?\n\t"+tt.suggest)
		if tt.suggest == "" {
			suggested = !strings.Contains(stderr, "Did you mean")
		}
		hint := fmt.Sprintf("Run 'ksm%s --help' for usage.", strings.TrimSuffix(" "+strings.Join(tt.args[:len(tt.args)-1], " "), " "))
		if !strings.Contains(stderr, "unknown command") || !suggested || !strings.Contains(stderr, hint) || stdout != "" {
			t.Errorf("ksm %v: stderr %q, stdout %q; want unknown command and a suggestion of %q", tt.args, stderr, stdout, tt.suggest)
		}
	}
}

// TestTUICommand: ksm tui is a command; off a terminal it refuses (exit 2).
func TestTUICommand(t *testing.T) {
	t.Parallel()
	if code, stdout, _ := runCLI(t, "", "tui", "--help"); code != 0 || !strings.Contains(stdout, "ksm tui") {
		t.Errorf("tui --help: exit %d %q", code, stdout)
	}
	if code, _, stderr := runCLI(t, "", "tui"); code != ExitUsage || !strings.Contains(stderr, "needs a terminal") {
		t.Errorf("tui off a terminal: exit %d %q", code, stderr)
	}
}

// TestReadOnlyCommandsCreateNothing: KSM_HOME with a typo lists no keys,
// says the home does not exist, and leaves no directory behind; a command
// that writes a key creates the home 0700.
func TestReadOnlyCommandsCreateNothing(t *testing.T) {
	t.Parallel()
	home := filepath.Join(t.TempDir(), "typo")
	for _, args := range [][]string{
		{"--home", home, "key", "list"},
		{"--home", home, "--json", "key", "list"},
		{"--home", home, "key", "show", "alice"},
		{"--home", home, "key", "inspect", "//Alice"},
	} {
		code, stdout, stderr := runCLI(t, "", args...)
		if args[2] == "--json" && (code != 0 || strings.TrimSpace(stdout) != "[]") {
			t.Errorf("%v: exit %d stdout %q", args, code, stdout)
		}
		if args[len(args)-1] == "list" && !strings.Contains(stderr, "does not exist") {
			t.Errorf("%v: no note that the home does not exist: %q", args, stderr)
		}
		if _, err := os.Stat(home); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%v created %s (exit %d %s)", args, home, code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "", "--home", home, "key", "watch", "--name", "w", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"); code != 0 {
		t.Fatalf("key watch: exit %d %s", code, stderr)
	}
	for _, dir := range []string{home, filepath.Join(home, "keys")} {
		if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("%s after key watch: %v %v", dir, st, err)
		}
	}
}

// TestEveryCommandHasExample: every command shows examples in its help,
// each a command line that names that command (or one of its subcommands,
// for a group) and parses, and no example names a command that is gone.
func TestEveryCommandHasExample(t *testing.T) {
	t.Parallel()
	io, _, _, _ := iostreams.Test()
	root := NewRootCmd(NewFactory(io))
	seen := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		seen[c.CommandPath()] = true
		if c.Example == "" {
			t.Errorf("%s has no Example", c.CommandPath())
		}
		runsIt := c.Example == ""
		for _, line := range strings.Split(strings.ReplaceAll(c.Example, "\\\n", " "), "\n") {
			line = strings.TrimSpace(line)
			if i := strings.Index(line, " #"); i >= 0 {
				line = strings.TrimSpace(line[:i])
			}
			if i := strings.LastIndex(line, "| ksm "); i >= 0 {
				line = line[i+2:] // input piped into ksm
			}
			if i := strings.IndexAny(line, "<|"); i >= 0 {
				line = strings.TrimSpace(line[:i])
			}
			fields := strings.Fields(line)
			if len(fields) == 0 || fields[0] != "ksm" {
				t.Errorf("%s: example %q does not start with ksm", c.CommandPath(), line)
				continue
			}
			found, rest, err := root.Find(fields[1:])
			if err != nil {
				t.Errorf("%s: example %q: %v", c.CommandPath(), line, err)
				continue
			}
			if found == c || found.Parent() == c || c == root {
				runsIt = true
			}
			if err := found.ParseFlags(rest); err != nil {
				t.Errorf("%s: example %q: %v", c.CommandPath(), line, err)
			}
		}
		if !runsIt {
			t.Errorf("%s: no example runs it", c.CommandPath())
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	for path := range commandExamples {
		if !seen[path] {
			t.Errorf("commandExamples names %q, which is no command", path)
		}
	}
}

// TestGarbageInputFiles: a file the user names that is not what it should
// be, or is missing, is bad input (exit 2), never a failed verification (3).
func TestGarbageInputFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	writeTestFile(t, garbage, []byte("garbage"))
	missing := filepath.Join(dir, "missing")
	root := "0x" + strings.Repeat("11", 32)
	for _, args := range [][]string{
		{"metadata", "inspect", "--metadata", garbage},
		{"metadata", "hash", "--metadata", garbage},
		{"metadata", "inspect", "--metadata", missing},
		{"tx", "decode", "--metadata", garbage, "0x00"},
		{"tx", "decode-call", "--metadata", garbage, "0x00"},
		{"tx", "decode-payload", "--metadata", garbage, "0x00"},
		{"tx", "sign", garbage, "--from", "x", "--metadata", garbage},
		{"verify", "header", garbage},
		{"verify", "header", missing},
		{"verify", "justification", "--justification", garbage, "--set-id", "1", "--authorities", garbage},
		{"verify", "proof", "--root", root, "--proof", garbage, "--key", "0x00"},
		{"verify", "genesis", "--chain-spec", garbage},
		{"verify", "checkpoint", "--chain-spec", garbage},
		{"verify", "checkpoint", "--chain-spec", missing},
	} {
		if code, _, stderr := runCLI(t, "", append([]string{"--home", dir}, args...)...); code != ExitUsage {
			t.Errorf("ksm %v: exit %d, want 2: %s", args, code, stderr)
		}
	}
}
