// Package testenv helps ksm's tests find the real data they check against
// and the independent implementations they compare with:
//
//   - Shared returns a path under ../shared/testdata (beside the repository),
//     skipping the test with a clear message when that folder is absent, or
//     failing it under CI=true, where a run that skipped the real data would
//     pass having checked nothing.
//   - Node runs a script of the npm oracle project in .interop/ (polkadot-js,
//     polkadot-api, pinned in its package-lock.json) and returns its output.
//
// The test command (.ci/test) installs the oracles and sets
// KSM_REQUIRE_ORACLES=1, so a missing oracle fails there instead of skipping.
package testenv

import (
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var (
	rootOnce sync.Once
	rootDir  string
)

// RepoRoot returns the directory holding ksm's go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			return
		}
		for {
			if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module github.com/ksm-wallet/ksm\n")) {
				rootDir = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return
			}
			dir = parent
		}
	})
	if rootDir == "" {
		t.Fatal("testenv: cannot find the ksm repository root")
	}
	return rootDir
}

// SharedDir returns ../shared/testdata beside the repository, or the
// directory named by KSM_SHARED_TESTDATA, and whether it exists.
func SharedDir(t testing.TB) (string, bool) {
	t.Helper()
	dir := os.Getenv("KSM_SHARED_TESTDATA")
	if dir == "" {
		dir = filepath.Join(RepoRoot(t), "..", "shared", "testdata")
	}
	st, err := os.Stat(dir)
	return dir, err == nil && st.IsDir()
}

// Shared returns the path of a file or folder under the shared test data,
// skipping the test when the shared data is absent (failing it under CI=true).
func Shared(t testing.TB, elem ...string) string {
	t.Helper()
	dir, ok := SharedDir(t)
	if !ok {
		if underCI() {
			t.Fatalf("shared test data not found at %s under CI=%s: a CI run must check the real data, so it fails instead of skipping (check out the shared test data beside the repository or set KSM_SHARED_TESTDATA)", dir, os.Getenv("CI"))
		}
		t.Skipf("shared test data not found at %s (set KSM_SHARED_TESTDATA): skipping a test on real data", dir)
	}
	p := filepath.Join(append([]string{dir}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared test data present but %s is missing: %v", p, err)
	}
	return p
}

// underCI reports whether the tests run under CI (CI=true, as CI services
// set it): there missing shared test data is a failure, not a skip.
func underCI() bool {
	ci, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && ci
}

// ReadShared reads a file under the shared test data (see Shared).
func ReadShared(t testing.TB, elem ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(Shared(t, elem...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsHexExport matches the hex string a metadata module of
// @polkadot/types-support exports (`export default '0x...'`).
var jsHexExport = regexp.MustCompile(`export default '0x([0-9a-fA-F]+)'`)

// ReadMetadataFile reads a metadata file: SCALE bytes as they are or, from
// a .js module of @polkadot/types-support, the hex string it exports.
func ReadMetadataFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Ext(path) != ".js" {
		return b
	}
	m := jsHexExport.FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s: no hex default export", path)
	}
	if b, err = hex.DecodeString(string(m[1])); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

// SharedSeed reads a file under the shared test data for a fuzz seed, or
// returns nil when the shared data is absent (a fuzz target's literal seeds
// still run); a file missing from data that is present fails the test.
func SharedSeed(t testing.TB, elem ...string) []byte {
	t.Helper()
	dir, ok := SharedDir(t)
	if !ok {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(append([]string{dir}, elem...)...))
	if err != nil {
		t.Fatalf("shared test data present but unreadable: %v", err)
	}
	return b
}

// OracleDir returns the npm oracle project directory, skipping the test (or
// failing it under KSM_REQUIRE_ORACLES) when node or its packages are missing.
func OracleDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(RepoRoot(t), ".interop")
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not installed"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", "@polkadot", "api")); err != nil {
		missing = "the npm oracles are not installed (run .ci/test, or npm ci in .interop)"
	}
	if missing != "" {
		if os.Getenv("KSM_REQUIRE_ORACLES") != "" {
			t.Fatalf("interop oracle required but %s", missing)
		}
		t.Skipf("interop test skipped: %s", missing)
	}
	return dir
}

// Node runs `node .interop/<script> args...` with stdin and returns stdout;
// the test fails with stderr when the script fails.
func Node(t testing.TB, stdin []byte, script string, args ...string) []byte {
	t.Helper()
	dir := OracleDir(t)
	cmd := exec.Command("node", append([]string{filepath.Join(dir, script)}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("oracle %s failed: %v\n%s", script, err, errb.String())
	}
	return out.Bytes()
}

// Unhex decodes a hex test vector (with or without 0x), failing the test on
// bad hex.
func Unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}
