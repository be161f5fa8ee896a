package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// TestLightTxBuild: `ksm tx build --from NAME --call ...` without the manual
// flags takes nonce, era block, versions, genesis, metadata and fee from the
// verified chain; the file and the saved metadata sign offline; a given
// version that contradicts the chain is refused (exit 2).
func TestLightTxBuild(t *testing.T) {
	slowTest(t, "executes the Kusama runtime")
	c := lighttest.Generate(t, lighttest.Options{Seed: "light-txbuild"})
	n := lighttest.Serve(t, c)
	startAt(t, n)
	home, dir := t.TempDir(), t.TempDir()
	pw := map[string]string{"KSM_PASSWORD": "correct horse battery"}
	importKey(t, home, "alice", "//Alice", pw)
	unsigned, meta := filepath.Join(dir, "tx.json"), filepath.Join(dir, "meta.scale")
	call := `{"pallet":"Balances","name":"transfer_keep_alive","args":{"dest":"` + lightBob + `","value":"1500000000000"}}`
	code, out, errOut := keyRun(t, home, keyRunOpts{env: pw}, "--rpc", n.URL, "--json", "tx", "build", "--from", "alice", "--call", call, "--out", unsigned, "--metadata-out", meta)
	if code != 0 {
		t.Fatalf("tx build from the chain: exit %d\n%s", code, errOut)
	}
	var u xtUnsigned
	mustJSON(t, out, &u)
	md, err := metadata.Load(meta)
	if err != nil {
		t.Fatal(err)
	}
	ci, err := md.ChainInfo()
	if err != nil {
		t.Fatal(err)
	}
	head := c.Blocks[len(c.Blocks)-1]
	if u.Nonce != 0 || u.GenesisHash != n.Genesis().String() || u.BlockHash != head.Hash.String() || u.BlockNumber != uint64(head.Header.Number) ||
		u.SpecVersion != ci.SpecVersion || u.TransactionVersion != ci.TxVersion || u.Fee == "" || u.Era.Type != "mortal" {
		t.Fatalf("built from the chain: %s (head #%d %s, runtime %d/%d)", out, head.Header.Number, head.Hash, ci.SpecVersion, ci.TxVersion)
	}
	// The file and the saved metadata sign offline; the screen shows the fee.
	spec := testenv.Shared(t, "chainspec", "local", "kusama-local.json")
	code, out, errOut = keyRun(t, home, keyRunOpts{env: pw}, "--yes", "--network", spec, "tx", "sign", unsigned, "--from", "alice", "--metadata", meta, "--allow-no-metadata-hash")
	if code != 0 || !strings.HasPrefix(out, "0x") || !strings.Contains(errOut, `"fee": "about `) || !strings.Contains(errOut, `"value": "1.5 `) {
		t.Fatalf("tx sign of the chain-built file: exit %d out %q\n%s", code, out, errOut)
	}
	// A spec version the chain does not run is refused before anything is written.
	code, _, errOut = keyRun(t, home, keyRunOpts{env: pw}, "--rpc", n.URL, "tx", "build", "--from", "alice", "--call", call, "--out", filepath.Join(dir, "x.json"), "--spec-version", "1")
	if code != ExitUsage || !strings.Contains(errOut, "--spec-version 1 contradicts the chain") {
		t.Fatalf("contradicting spec version: exit %d %s", code, errOut)
	}
}
