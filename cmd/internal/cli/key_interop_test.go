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

// TestKeyInteropCLI: a key exported by `ksm key export` opens in
// polkadot-js, and a polkadot-js file imports with `ksm key import
// --keystore`, with the real scrypt parameters.
func TestKeyInteropCLI(t *testing.T) {
	t.Parallel()
	testenv.OracleDir(t)
	useRealScrypt(t) // N=2^15, p=1, r=8
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

// TestKeySignWrappedInterop: `ksm key sign` signs <Bytes>MESSAGE</Bytes> as
// polkadot-js signRaw does. polkadot-js's verifiers accept ksm's signature
// over the wrapped message (and the strict ones refuse it over the raw
// bytes); a polkadot-js signature over the wrapped message verifies in
// `ksm key verify` as wrapped; a --raw signature verifies as raw.
func TestKeySignWrappedInterop(t *testing.T) {
	t.Parallel()
	testenv.OracleDir(t)
	home := t.TempDir()
	const msg = "I own this account"
	wrappedHex := "0x" + hex.EncodeToString([]byte("<Bytes>"+msg+"</Bytes>"))
	rawHex := "0x" + hex.EncodeToString([]byte(msg))
	for _, tc := range []struct{ name, scheme, suri string }{
		{"sr", "sr25519", "//Alice"}, {"ed", "ed25519", "//Alice"}, {"ec", "ecdsa", "//Alice"},
	} {
		o := pwEnv("pw")
		o.stdin = tc.suri + "\n"
		if code, _, errOut := keyRun(t, home, o, "key", "import", "--name", tc.name, "--scheme", tc.scheme, "--suri-stdin"); code != 0 {
			t.Fatal(errOut)
		}
		_, showOut, _ := keyRun(t, home, keyRunOpts{}, "--json", "key", "show", tc.name)
		var k keyJSON
		mustJSON(t, showOut, &k)
		code, out, errOut := keyRun(t, home, pwEnv("pw"), "--json", "key", "sign", tc.name, msg)
		var sig keySignatureJSON
		mustJSON(t, out, &sig)
		if code != 0 || !sig.Wrapped {
			t.Fatalf("%s sign: %d %s %s", tc.scheme, code, out, errOut)
		}
		req, _ := json.Marshal([]map[string]any{
			{"op": "verify", "type": tc.scheme, "publicKey": k.PublicKey, "message": wrappedHex, "signature": sig.Signature},
			{"op": "verify", "type": tc.scheme, "publicKey": k.PublicKey, "message": rawHex, "signature": sig.Signature},
			{"op": "signatureVerify", "publicKey": k.PublicKey, "message": wrappedHex, "signature": sig.Signature},
			{"op": "sign", "suri": tc.suri, "type": tc.scheme, "message": wrappedHex},
		})
		var res []struct {
			Valid     bool
			Crypto    string
			Signature string
		}
		if err := json.Unmarshal(testenv.Node(t, req, "keyring-oracle.mjs"), &res); err != nil {
			t.Fatal(err)
		}
		if !res[0].Valid || res[1].Valid || !res[2].Valid || res[2].Crypto != tc.scheme {
			t.Fatalf("%s: polkadot-js on ksm's signature: wrapped %v, raw %v, signatureVerify %v (%s)", tc.scheme, res[0].Valid, res[1].Valid, res[2].Valid, res[2].Crypto)
		}
		code, out, errOut = keyRun(t, home, keyRunOpts{}, "--json", "key", "verify", "--scheme", tc.scheme, "--public", k.PublicKey, "--signature", res[3].Signature, msg)
		var v keyVerifyJSON
		mustJSON(t, out, &v)
		if code != 0 || !v.Valid || v.Wrapped == nil || !*v.Wrapped {
			t.Fatalf("%s: ksm verify of polkadot-js signRaw: %d %s %s", tc.scheme, code, out, errOut)
		}
		code, out, errOut = keyRun(t, home, pwEnv("pw"), "--json", "key", "sign", "--raw", tc.name, msg)
		mustJSON(t, out, &sig)
		if code != 0 || sig.Wrapped || !strings.Contains(errOut, "--raw") {
			t.Fatalf("%s sign --raw: %d %s %s", tc.scheme, code, out, errOut)
		}
		_, out, _ = keyRun(t, home, keyRunOpts{}, "--json", "key", "verify", "--scheme", tc.scheme, "--public", k.PublicKey, "--signature", sig.Signature, msg)
		mustJSON(t, out, &v)
		if !v.Valid || v.Wrapped == nil || *v.Wrapped {
			t.Fatalf("%s: verify of a raw signature: %s", tc.scheme, out)
		}
	}
}
