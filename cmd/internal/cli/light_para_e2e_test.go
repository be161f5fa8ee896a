package cli

// End to end on a parachain network (--network kusama-asset-hub): the
// light client follows a generated relay chain (real GRANDPA voters) whose
// every block n records block n-2 of a generated Asset Hub chain in
// Paras::Heads(1000); the Asset Hub chain's every block holds the genesis
// state of asset-hub-kusama-local.json (the real Asset Hub runtime, its
// endowed dev accounts). Values are proven against the para head the relay
// proves; fees, nonces and metadata come from executing the Asset Hub
// runtime. Chopsticks running the same spec at its block 0 is the oracle.

import (
	"encoding/hex"
	"fmt"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// ahNet is an Asset Hub test chain seen through a relay test chain, both
// served over JSON-RPC, with the hooks pointing the light client at them.
type ahNet struct {
	ah        *lighttest.Network
	relay     *lighttest.RelayNetwork
	relayURL  string
	paraBlock uint32 // the para head the finalized relay block records
}

func newAHNet(t *testing.T) *ahNet {
	t.Helper()
	ah := lighttest.Serve(t, lighttest.Shared(t, lighttest.Options{Spec: "asset-hub-kusama-local.json", Seed: "cli-ah", Blocks: 4}))
	r := lighttest.ServeRelay(t, ah.Chain.Chain, lighttest.RelayOptions{Seed: "cli-ah-relay", Blocks: 8})
	startAt(t, r)
	hooksOf(t).Para = func() header.Hash { return ah.Genesis() }
	return &ahNet{ah: ah, relay: r, relayURL: r.URL, paraBlock: r.ParaHead}
}

func TestAssetHubE2E(t *testing.T) {
	slowTest(t, "executes the Asset Hub runtime")
	n := newAHNet(t)
	home := t.TempDir()
	ksm := func(t *testing.T, args ...string) (int, string, string) {
		t.Helper()
		return keyRun(t, home, keyRunOpts{env: map[string]string{"KSM_PASSWORD": "pw"}},
			append([]string{"--network", "kusama-asset-hub", "--rpc", n.ah.URL, "--relay-rpc", n.relayURL}, args...)...)
	}
	importKey(t, home, "alice", "//Alice", map[string]string{"KSM_PASSWORD": "pw"})
	paraHead := n.ah.Blocks[n.paraBlock]
	relayHead := n.relay.Blocks[len(n.relay.Blocks)-1]
	aliceFree, aliceRaw := genesisFree(t, n.ah, lightAlice)

	t.Run("balance", func(t *testing.T) {
		start := time.Now()
		code, out, errOut := ksm(t, "--json", "balance", lightAlice)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		t.Logf("balance (compiling the Asset Hub runtime) in %v", time.Since(start))
		start = time.Now()
		if code, _, errOut := ksm(t, "--json", "balance", lightAlice); code != 0 {
			t.Fatalf("again: exit %d: %s", code, errOut)
		}
		t.Logf("balance again (compiled runtime cached) in %v", time.Since(start))
		var b balanceOut
		mustJSON(t, out, &b)
		if !b.Verified || b.BlockNumber != paraHead.Header.Number || b.BlockHash != paraHead.Hash.String() ||
			b.Free.String() != aliceFree.String() || b.Symbol != "KSM" || !strings.HasPrefix(b.Address, "H") {
			t.Fatalf("balance %s\nwant free %s at para #%d %s, verified", out, aliceFree, paraHead.Header.Number, paraHead.Hash)
		}
		// Asset Hub's own existential deposit (this early-2024 local
		// runtime: 33,333,333), not the relay's 333,333,333.
		if b.ED.String() != "33333333" {
			t.Errorf("existential deposit %s, the Asset Hub runtime's is 33333333", b.ED)
		}
		// stderr names the relay block that proved the para head.
		if !strings.Contains(errOut, relayHead.Hash.String()) || !strings.Contains(errOut, paraHead.Hash.String()) {
			t.Errorf("stderr does not name the para and relay blocks:\n%s", errOut)
		}
		t.Logf("stderr: %s", errOut)
	})

	// chain status names the proven Asset Hub head beside the relay's
	// finalized block.
	t.Run("chain-status", func(t *testing.T) {
		code, out, errOut := ksm(t, "--json", "chain", "status")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var st chainStatusJSON
		mustJSON(t, out, &st)
		p := st.Para
		if !st.Verified || st.Finalized.Hash != relayHead.Hash || p == nil || p.ParaID != 1000 || p.Source != "rpc" ||
			p.Head == nil || p.Head.Hash != paraHead.Hash || p.Head.Number != paraHead.Header.Number ||
			p.Relay == nil || p.Relay.Hash != relayHead.Hash || p.GenesisHash == nil || *p.GenesisHash != n.ah.Blocks[0].Hash {
			t.Fatalf("status %s\nwant para head #%d %s proven at relay %s", out, paraHead.Header.Number, paraHead.Hash, relayHead.Hash)
		}
		if code, out, _ := ksm(t, "chain", "status"); code != 0 || !strings.Contains(out, "head #"+fmt.Sprint(paraHead.Header.Number)) {
			t.Logf("%s", out)
			t.Fatalf("human status: exit %d\n%s", code, out)
		}
	})

	t.Run("query-storage-runtime-metadata", func(t *testing.T) {
		code, out, errOut := ksm(t, "--json", "query", "storage", "System", "Account", lightAlice)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var q queryStorageJSON
		mustJSON(t, out, &q)
		if !q.Verified || !q.MetadataVerified || q.MetadataSource != "runtime" || !q.Found || q.Raw == nil ||
			*q.Raw != "0x"+hex.EncodeToString(aliceRaw) || q.Para == nil || q.Para.ID != 1000 ||
			q.Para.Number != paraHead.Header.Number || q.Para.Hash != paraHead.Hash ||
			q.Block.Number != relayHead.Header.Number || q.Block.Hash != relayHead.Hash {
			t.Fatalf("query %s", out)
		}
		// An Asset Hub pallet the relay runtime lacks: the metadata is the
		// parachain's.
		code, out, errOut = ksm(t, "--json", "query", "storage", "ParachainInfo", "ParachainId")
		if code != 0 {
			t.Fatalf("ParachainInfo.ParachainId: exit %d: %s", code, errOut)
		}
		mustJSON(t, out, &q)
		if jsonNum(q.Value) != "1000" || !q.MetadataVerified {
			t.Fatalf("ParachainInfo.ParachainId %s", out)
		}
	})

	// The same read from the relay network with --para: the parachain's
	// runtime gives the metadata there too.
	t.Run("query-storage-para-flag", func(t *testing.T) {
		code, out, errOut := keyRun(t, home, keyRunOpts{}, "--rpc", n.relayURL, "--json", "query", "storage", "--para", "1000", "--para-rpc", n.ah.URL, "System", "Account", lightAlice)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var q queryStorageJSON
		mustJSON(t, out, &q)
		if !q.Verified || !q.MetadataVerified || q.MetadataSource != "runtime" || q.Raw == nil || *q.Raw != "0x"+hex.EncodeToString(aliceRaw) ||
			q.Para == nil || q.Para.Hash != paraHead.Hash || q.Block.Hash != relayHead.Hash {
			t.Fatalf("query --para %s", out)
		}
	})

	var dry dryRunSeen
	t.Run("transfer-dry-run", func(t *testing.T) {
		code, out, errOut := ksm(t, "--json", "transfer", lightBob, "0.01", "--from", "alice", "--dry-run")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		mustJSON(t, out, &dry)
		if !dry.Verified || dry.Fee == nil || dry.Nonce != 0 || dry.Era.Type != "mortal" ||
			jsonNum(dry.Balance.Free) != aliceFree.String() || jsonNum(dry.Balance.Spend) != "10000000000" {
			t.Fatalf("dry run %s", out)
		}
		t.Logf("fee %v, dry run %+v", dry.Fee, dry.Result)
	})

	t.Run("fee-equals-chopsticks", func(t *testing.T) {
		if dry.Fee == nil {
			t.Fatal("no fee to compare: the dry run above gave none (or failed)")
		}
		url := testenv.SharedChopsticks(t, n.ah.SpecPath)
		// Spec and transaction version left zero: chopsticks' own.
		fee := chopsticksFee(t, url, dry.CallHex, extrinsic.Params{GenesisHash: n.ah.Genesis(), Nonce: dry.Nonce,
			Era: extrinsic.MortalEra(dry.Era.Period, uint64(paraHead.Header.Number)), BlockHash: paraHead.Hash})
		if jsonNum(dry.Fee) != fee.String() {
			t.Fatalf("fee %v, chopsticks' TransactionPaymentApi_query_info on Asset Hub says %s", dry.Fee, fee)
		}
		t.Logf("Asset Hub fee %s planck, equal to chopsticks'", fee)
	})

	// Chopsticks lists state_getReadProof, so it passes as a parachain
	// endpoint, but its block 0 is not the Asset Hub genesis the network
	// names: exit 3, --trust-rpc or not (that flag accepts endpoints that
	// cannot prove, not another chain).
	t.Run("chopsticks-endpoint", func(t *testing.T) {
		url := testenv.SharedChopsticks(t, n.ah.SpecPath)
		args := []string{"--network", "kusama-asset-hub", "--relay-rpc", n.relayURL, "--rpc", url, "--json", "balance", lightAlice}
		for _, extra := range [][]string{nil, {"--trust-rpc"}} {
			code, out, errOut := keyRun(t, home, keyRunOpts{}, append(extra, args...)...)
			if code != ExitVerification || out != "" || !strings.Contains(errOut, "serves another chain") {
				t.Fatalf("%v chopsticks as the Asset Hub endpoint: exit %d out %q\n%s", extra, code, out, errOut)
			}
		}
	})

	// Submitting through the Asset Hub endpoint is TestAssetHubSubmit (it
	// extends its own chains; this one is shared).
}

// TestAssetHubLyingEndpoint: an Asset Hub endpoint whose proofs do not match
// the head the relay proves, or that serves another chain: exit 3, nothing
// on stdout.
func TestAssetHubLyingEndpoint(t *testing.T) {
	slowTest(t, "executes the Asset Hub runtime")
	n := newAHNet(t)
	run := func(t *testing.T, args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, "", append([]string{"--home", t.TempDir(), "--network", "kusama-asset-hub", "--rpc", n.ah.URL, "--relay-rpc", n.relayURL}, args...)...)
	}
	t.Run("bad-proofs", func(t *testing.T) {
		n.ah.Server.SetLie(func(method string, res any) any {
			if method == "state_getReadProof" {
				return map[string]any{"at": n.ah.Blocks[n.paraBlock].Hash.String(), "proof": []string{"0x00"}}
			}
			return res
		})
		t.Cleanup(func() { n.ah.Server.SetLie(nil) })
		for _, args := range [][]string{{"--json", "balance", lightAlice}, {"--json", "query", "storage", "System", "Number"}} {
			code, out, errOut := run(t, args...)
			if code != ExitVerification || out != "" {
				t.Fatalf("%v: exit %d out %q\n%s", args, code, out, errOut)
			}
			t.Logf("%v: exit %d: %s", args, code, errOut)
		}
	})
	t.Run("wrong-genesis", func(t *testing.T) {
		hooksOf(t).Para = func() header.Hash { return n.relay.Blocks[0].Hash }
		code, out, errOut := run(t, "--json", "balance", lightAlice)
		if code != ExitVerification || out != "" || !strings.Contains(errOut, "another chain") {
			t.Fatalf("exit %d out %q\n%s", code, out, errOut)
		}
	})
	t.Run("flags", func(t *testing.T) {
		code, _, errOut := runCLI(t, "", "--home", t.TempDir(), "--relay-rpc", n.relayURL, "balance", lightAlice)
		if code != ExitUsage || !strings.Contains(errOut, "--relay-rpc") {
			t.Fatalf("--relay-rpc on a relay network: exit %d: %s", code, errOut)
		}
		code, _, errOut = run(t, "query", "storage", "--para", "1000", "System", "Number")
		if code != ExitUsage || !strings.Contains(errOut, "--para") {
			t.Fatalf("--para on a parachain network: exit %d: %s", code, errOut)
		}
	})
}

// TestAssetHubP2P: without --rpc the Asset Hub state comes from the
// parachain's own libp2p network (a full node of the generated Asset Hub
// chain on loopback), checked against the head the relay proves.
func TestAssetHubP2P(t *testing.T) {
	slowTest(t, "executes the Asset Hub runtime")
	n := newAHNet(t)
	src := p2ptest.NewParaSource(p2ptest.NewLiveChain(n.ah.Chain.Chain, uint32(len(n.ah.Blocks)-1)))
	node, err := p2ptest.NewParaLoopback("tcp", "", src)
	if err != nil {
		t.Fatal(err)
	}
	boot := bootOf(t, node)
	hooksOf(t).ParaP2P = func(cfg *p2p.Config) []string {
		cfg.AllowAddr, cfg.Resolver = p2ptest.Loopback, p2ptest.NoDNS()
		return boot
	}
	run := func(t *testing.T, args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, "", append([]string{"--home", t.TempDir(), "--network", "kusama-asset-hub", "--relay-rpc", n.relayURL}, args...)...)
	}
	free, _ := genesisFree(t, n.ah, lightAlice)
	paraHead := n.ah.Blocks[n.paraBlock]
	checkBalance := func(t *testing.T, code int, out, errOut string) {
		t.Helper()
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var b balanceOut
		mustJSON(t, out, &b)
		if !b.Verified || b.Free.String() != free.String() || b.BlockHash != paraHead.Hash.String() {
			t.Fatalf("balance over the para p2p network %s, want free %s at %s", out, free, paraHead.Hash)
		}
	}
	code, out, errOut := run(t, "--json", "balance", lightAlice)
	checkBalance(t, code, out, errOut)
	// No endpoint at all, as by default: the relay chain over libp2p too
	// (a relay full node on loopback).
	t.Run("all-p2p", func(t *testing.T) {
		bootFromLoopback(t, n.relay.Genesis(), p2ptest.NewChainSource(p2ptest.NewLiveChain(n.relay.Chain, uint32(len(n.relay.Blocks)-1))))
		code, out, errOut := runCLI(t, "", "--home", t.TempDir(), "--network", "kusama-asset-hub", "--json", "balance", lightAlice)
		checkBalance(t, code, out, errOut)
	})
	// Submitting without an Asset Hub endpoint: the transaction goes to
	// the Asset Hub node on its transactions protocol. This node puts it
	// in no block: once the inclusion timeout passes, a network failure
	// (exit 5), never "dropped".
	t.Run("submit-no-endpoint", func(t *testing.T) {
		home := t.TempDir()
		pw := map[string]string{"KSM_PASSWORD": "pw"}
		importKey(t, home, "alice", "//Alice", pw)
		hooksOf(t).ParaInclusionTimeout, hooksOf(t).ParaInclusionPoll = 2*time.Second, 100*time.Millisecond
		code, out, errOut := keyRun(t, home, keyRunOpts{env: pw}, "--network", "kusama-asset-hub", "--relay-rpc", n.relayURL,
			"--yes", "transfer", lightBob, "0.01", "--from", "alice")
		if code != ExitNetwork || out != "" || strings.Contains(errOut, "dropped") || !strings.Contains(errOut, "may still be included") {
			t.Fatalf("submit on Asset Hub over p2p: exit %d out %q\n%s", code, out, errOut)
		}
		select {
		case tx := <-node.Transactions():
			if len(tx.Transactions) != 1 {
				t.Fatalf("the node got %d transactions", len(tx.Transactions))
			}
		default:
			t.Fatal("the Asset Hub node received no transaction")
		}
	})
	// A para node lying about the state: exit 3.
	src.SetLie(p2ptest.ParaWrongRoot)
	code, out, errOut = run(t, "--json", "balance", lightAlice)
	if code != ExitVerification || out != "" {
		t.Fatalf("lying para node: exit %d out %q\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "invalid answer") {
		t.Errorf("lying para node: %s", errOut)
	}
	// No parachain bootnode: a clear message before any read.
	hooksOf(t).ParaP2P = func(*p2p.Config) []string { return nil }
	code, _, errOut = run(t, "balance", lightAlice)
	if code != ExitUsage || !strings.Contains(errOut, "--rpc") {
		t.Fatalf("no para bootnodes: exit %d: %s", code, errOut)
	}
}

// Every embedded parachain network can be joined without --rpc: its spec
// names its para id, genesis and bootnodes.
func TestParaNetworkProfiles(t *testing.T) {
	t.Parallel()
	seen := 0
	for _, p := range chainspec.Profiles() {
		if p.IsRelay() {
			continue
		}
		seen++
		pn, err := lightclient.ParaNetworkOf(p)
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		if pn.ParaID != p.ParaID || pn.Genesis != p.GenesisHash || len(pn.Bootnodes) == 0 {
			t.Errorf("%s: para %d genesis %s, %d bootnodes", p.Name, pn.ParaID, pn.Genesis, len(pn.Bootnodes))
		}
		if !backend.IsParaNetwork(Network{Profile: p}) {
			t.Errorf("%s is not a parachain network", p.Name)
		}
	}
	if seen == 0 {
		t.Fatal("no parachain profile")
	}
}
