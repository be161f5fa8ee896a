package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// TestKeyScripts runs the built ksm binary through the testscript files in
// testdata/key: real pipes, real exit codes, real scrypt parameters.
func TestKeyScripts(t *testing.T) {
	slowTest(t, "builds the binary")
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "ksm"), "github.com/ksm-wallet/ksm/cmd/ksm")
	build.Dir = testenv.RepoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	shared, _ := testenv.SharedDir(t)
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "key"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", bin+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("KSM_HOME", filepath.Join(env.WorkDir, "home"))
			env.Setenv("SHARED", shared)
			return nil
		},
	})
}
