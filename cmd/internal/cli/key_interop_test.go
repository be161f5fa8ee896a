package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// TestKeyInteropCLI: a key exported by `ksm key export` opens in
// polkadot-js, and a polkadot-js file imports with `ksm key import
// --keystore`, with the real scrypt parameters.
func TestKeyInteropCLI(t *testing.T) {
	testenv.OracleDir(t)
	restore := keystore.SetInsecureParamsForTests(15) // = the real N=2^15, p=1, r=8
	defer func() { restore() }()
	home := t.TempDir()
	pw := pwEnv("correct horse")
	for _, tc := range []struct{ name, scheme, suri string }{
		{"sr", "sr25519", "//Alice//stash/1"}, {"ed", "ed25519", "//Alice//stash"}, {"ec", "ecdsa", "//Alice//1"},
	} {
		if code, _, errOut := keyRun(t, home, keyRunOpts{stdin: tc.suri + "\n", env: pw.env}, "key", "import", "--name", tc.name, "--scheme", tc.scheme, "--suri-stdin"); code != 0 {
			t.Fatal(errOut)
		}
		file := filepath.Join(t.TempDir(), tc.name+".json")
		if code, _, errOut := keyRun(t, home, keyRunOpts{}, "key", "export", tc.name, "--keystore", file); code != 0 {
			t.Fatal(errOut)
		}
		exported, _ := os.ReadFile(file)
		_, showOut, _ := keyRun(t, home, keyRunOpts{}, "--json", "key", "show", tc.name)
		var k keyJSON
		mustJSON(t, showOut, &k)
		req, _ := json.Marshal([]map[string]any{
			{"op": "decrypt", "json": string(exported), "password": "correct horse"},
			{"op": "encrypt", "suri": tc.suri, "type": tc.scheme, "password": "pjs", "name": "pjs"},
		})
		var out []struct{ Type, PublicKey, Error, JSON string }
		if err := json.Unmarshal(testenv.Node(t, req, "keyring-oracle.mjs"), &out); err != nil {
			t.Fatal(err)
		}
		if out[0].Error != "" || out[0].PublicKey != k.PublicKey || out[0].Type != tc.scheme {
			t.Fatalf("%s: polkadot-js read of ksm's export: %+v (ksm %s)", tc.scheme, out[0], k.PublicKey)
		}
		theirs := filepath.Join(t.TempDir(), "pjs.json")
		os.WriteFile(theirs, []byte(out[1].JSON), 0o600)
		code, impOut, errOut := keyRun(t, home, pwEnv("pjs"), "--json", "key", "import", "--name", tc.name+"-pjs", "--keystore", theirs)
		var imp keyJSON
		mustJSON(t, impOut, &imp)
		if code != 0 || imp.PublicKey != k.PublicKey {
			t.Fatalf("%s: import of polkadot-js's file: %d %s %+v", tc.scheme, code, errOut, imp)
		}
	}
}
