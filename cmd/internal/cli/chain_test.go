package cli

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/store"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/scale"
)

var aliceID, _ = hex.DecodeString("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")

// accountInfo encodes an AccountInfo whose free balance is the block number.
func accountInfo(n uint32) []byte {
	b := scale.AppendU32(nil, 7) // nonce
	b = scale.AppendU32(b, 1)
	b = scale.AppendU32(b, 1)
	b = scale.AppendU32(b, 0)
	for i, v := range []uint64{uint64(n) * 1_000_000, 0, 0, 0} {
		_ = i
		b = scale.AppendU64(b, v)
		b = scale.AppendU64(b, 0)
	}
	return b
}

// testNetwork generates a chain, serves it over JSON-RPC and points the
// light client at its genesis.
func testNetwork(t *testing.T, visible uint32) (*rpctest.Server, string, *testchain.Chain) {
	t.Helper()
	return testNetworkWith(t, visible, testchain.Config{Seed: "cli-chain", Blocks: 240, SetLength: 40, ForcedEvery: 3,
		ExtraState: func(n uint32) []trie.KV {
			return []trie.KV{{Key: lighttest.AccountKey(aliceID), Value: accountInfo(n)},
				{Key: lightclient.LastRuntimeUpgradeKey, Value: scale.AppendString(scale.AppendCompact(nil, 9999), "kusama")}}
		}})
}

func TestChainStatusNoNetwork(t *testing.T) {
	slowTest(t, "dials the real Kusama bootnodes (fails fast without a network)")
	start := time.Now()
	code, _, stderr := runCLI(t, "", "--home", t.TempDir(), "chain", "status")
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("took %v", d)
	}
	if code == ExitOK {
		t.Skip("this machine reached a Kusama bootnode")
	}
	if code != ExitNetwork || !strings.Contains(stderr, "no bootnode was reachable") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestChainStatusRPC(t *testing.T) {
	t.Parallel()
	_, url, c := testNetwork(t, 200)
	home := t.TempDir()
	code, out, stderr := runCLI(t, "", "--home", home, "--rpc", url, "--json", "chain", "status")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var st chainStatusJSON
	mustJSON(t, out, &st)
	if !st.Verified || !st.Synced || st.Finalized.Number != 200 || st.Finalized.Hash != c.Blocks[200].Hash || st.Mode != "rpc" {
		t.Fatalf("status %+v", st)
	}
	if st.SetID == nil || *st.SetID != c.SetIDAt(201) || st.Peers != 1 || st.Progress.Percent != 100 || st.Runtime == nil || st.Runtime.SpecVersion != 9999 {
		t.Fatalf("status %+v", st)
	}
	// The verified state was saved: the next run starts there.
	saved, err := store.Load(home, c.Blocks[0].Hash)
	if err != nil || saved.Header.Number != 200 {
		t.Fatalf("saved %v %v", saved, err)
	}
	code, out, _ = runCLI(t, "", "--home", home, "--rpc", url, "chain", "status")
	if code != 0 || !strings.Contains(out, "finalized   #200") || !strings.Contains(out, "from saved") || !strings.Contains(out, "verified    yes") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestChainUnprovableRPC(t *testing.T) {
	t.Parallel()
	srv, url, _ := testNetwork(t, 100)
	srv.Methods = []string{"rpc_methods", "chain_getFinalizedHead", "chain_getHeader", "chain_getBlockHash", "state_getStorage", "state_getMetadata"}
	code, _, stderr := runCLI(t, "", "--home", t.TempDir(), "--rpc", url, "chain", "status")
	if code != ExitVerification || !strings.Contains(stderr, "cannot prove") || !strings.Contains(stderr, "--trust-rpc") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, out, stderr := runCLI(t, "", "--home", t.TempDir(), "--rpc", url, "--trust-rpc", "--json", "chain", "status")
	if code != 0 || !strings.Contains(stderr, "warning") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var st chainStatusJSON
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Verified || st.Finalized.Number != 100 {
		t.Fatalf("trusted status %+v %v", st, err)
	}
}

// TestTrustedRPCGenesisChecked: --trust-rpc accepts an endpoint that
// cannot prove its answers, never one of another real chain: its genesis is
// read and checked in the trusted branch too (a signature made there must
// not be valid on a network the user did not name). A development chain,
// whose genesis is no embedded network's, stays usable with a warning.
func TestTrustedRPCGenesisChecked(t *testing.T) {
	t.Parallel()
	polkadot, err := chainspec.Lookup("polkadot")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		methods []string // nil: chain_getBlockHash served
		genesis string   // what chain_getBlockHash(0) claims ("": the chain's own)
		code    int
		stderr  string
	}{
		{"the network's genesis", nil, "", ExitOK, "cannot prove"},
		{"another real network", nil, polkadot.GenesisHash.String(), ExitVerification, "serves another chain"},
		{"a development chain", nil, header.Hash{0xde, 0xf0}.String(), ExitOK, "development chain"},
		{"genesis not told", []string{"rpc_methods", "chain_getFinalizedHead", "chain_getHeader", "state_getStorage", "state_getMetadata"}, "",
			ExitVerification, "genesis"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, url, _ := testNetwork(t, 100)
			srv.Methods = []string{"rpc_methods", "chain_getFinalizedHead", "chain_getHeader", "chain_getBlockHash", "state_getStorage", "state_getMetadata"}
			if c.methods != nil {
				srv.Methods = c.methods
			}
			if c.genesis != "" {
				srv.SetLie(func(method string, result any) any {
					if method == "chain_getBlockHash" && result == srv.C.Blocks[0].Hash.String() {
						return c.genesis
					}
					return result
				})
			}
			code, out, stderr := runCLI(t, "", "--home", t.TempDir(), "--rpc", url, "--trust-rpc", "--json", "chain", "status")
			if code != c.code || !strings.Contains(stderr, c.stderr) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", code, c.code, stderr, c.stderr)
			}
			if code != ExitOK && out != "" {
				t.Fatalf("refused endpoint, yet output %q", out)
			}
		})
	}
}

func TestChainSyncJSONLines(t *testing.T) {
	t.Parallel()
	_, url, c := testNetwork(t, 240)
	code, out, stderr := runCLI(t, "", "--home", t.TempDir(), "--rpc", url, "chain", "sync")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var last map[string]any
	sets := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		last = nil
		if err := json.Unmarshal(sc.Bytes(), &last); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if last["event"] == "setChanged" {
			sets++
		}
		if last["chain"] == nil || last["chain"] == "" {
			t.Fatalf("line without a chain: %s", sc.Text())
		}
	}
	if last["event"] != "synced" || last["number"] != float64(240) || last["hash"] != c.Blocks[240].Hash.String() || last["verified"] != true {
		t.Fatalf("last line %v", last)
	}
	if sets != len(c.Changes) {
		t.Fatalf("%d setChanged lines, want %d", sets, len(c.Changes))
	}
	// The test chain has no runtime to prepare: a warning, not a failure.
	if !strings.Contains(stderr, "runtime not prepared") {
		t.Fatalf("stderr %q: want the runtime warning", stderr)
	}
}

func TestChainSyncLyingRPC(t *testing.T) {
	t.Parallel()
	srv, url, _ := testNetwork(t, 240)
	srv.SetLie(func(method string, res any) any {
		if method != "grandpa_proveFinality" || res == nil {
			return res
		}
		raw, _ := hex.DecodeString(strings.TrimPrefix(res.(string), "0x"))
		p, err := chainsync.DecodeFinalityProof(raw)
		if err != nil {
			return res
		}
		j, _ := grandpa.DecodeJustification(p.Justification)
		j.Commit.Precommits[0].Signature[3] ^= 1
		p.Justification = j.Encode()
		return rpctest.Hex(p.Encode())
	})
	code, _, stderr := runCLI(t, "", "--home", t.TempDir(), "--rpc", url, "chain", "sync")
	if code != ExitVerification || !strings.Contains(stderr, "invalid") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestChainSyncProgressBar(t *testing.T) {
	t.Parallel()
	_, url, _ := testNetwork(t, 240)
	io, _, out, errOut := iostreams.Test()
	io.SetTTY(false, true, true)
	f := newTestFactory(t, io)
	code := Run(context.Background(), f, []string{"--home", t.TempDir(), "--rpc", url, "chain", "sync"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out.Len() != 0 {
		t.Fatalf("stdout on a terminal: %q", out)
	}
	s := errOut.String()
	if !strings.Contains(s, "\r[##############################] 100.0% #240/#240") || !strings.Contains(s, "synced: finalized #240") {
		t.Fatalf("stderr %q", s)
	}
}
