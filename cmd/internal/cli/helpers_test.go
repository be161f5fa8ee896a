package cli

import (
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

// slowTest runs t in parallel and skips it under -short; why says what
// makes it slow ("executes the Kusama runtime", "builds the binary", ...).
func slowTest(t *testing.T, why string) {
	t.Helper()
	t.Parallel()
	if testing.Short() {
		t.Skip(why)
	}
}

// dryRunFee is the fee of a `--json ... --dry-run` that exited with code
// and printed out (errOut is shown when it failed).
func dryRunFee(t *testing.T, code int, out, errOut string) *big.Int {
	t.Helper()
	if code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, errOut)
	}
	var dry struct {
		Fee any `json:"fee"`
	}
	mustJSON(t, out, &dry)
	fee, ok := new(big.Int).SetString(jsonNum(dry.Fee), 10)
	if !ok {
		t.Fatalf("dry run fee %s", out)
	}
	return fee
}

// exitCase is a command line and what it must end with: its exit code and
// a piece of its stderr ("" for any).
type exitCase struct {
	args []string
	code int
	want string
}

// checkExits runs each case (runCLI, nothing on stdin) and checks its exit
// code and stderr.
func checkExits(t *testing.T, cases []exitCase) {
	t.Helper()
	for _, tc := range cases {
		code, _, stderr := runCLI(t, "", tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("ksm %s: exit %d, stderr %q; want exit %d with %q", strings.Join(tc.args, " "), code, stderr, tc.code, tc.want)
		}
	}
}

// checkEvents checks the names (Pallet.Name) of a transaction's events
// against want, comma-separated.
func checkEvents(t *testing.T, events []app.Event, want string) {
	t.Helper()
	names := []string{}
	for _, ev := range events {
		names = append(names, ev.Pallet+"."+ev.Name)
	}
	if strings.Join(names, ",") != want {
		t.Fatalf("events %v, want %s", names, want)
	}
}

// writeTestFile writes a test's input file (mode 0600).
func writeTestFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
