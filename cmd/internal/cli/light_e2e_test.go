package cli

// End to end over the verified light client: the test network
// (cmd/internal/lighttest) is a generated chain with real GRANDPA voters
// whose every block holds kusama-local.json's genesis state, served over
// JSON-RPC with real proofs. The commands sync from its genesis (the
// backend.Hooks.Start seam), prove every value and execute the real Kusama
// runtime locally for fees, nonces and metadata. Chopsticks, an independent
// executor of the same runtime at its block 0 (the same state for every key
// these commands read), is the oracle.

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

const (
	lightAlice = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
	lightBob   = "0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48"
)

// dryRunSeen is what the e2e tests read of a --dry-run --json.
type dryRunSeen struct {
	CallHex string `json:"callHex"`
	Nonce   uint64 `json:"nonce"`
	Era     xtEra  `json:"era"`
	Fee     any    `json:"fee"`
	Balance struct {
		Free, Spend any
	} `json:"balance"`
	Result   *dryRunOutcome `json:"result"`
	Verified bool           `json:"verified"`
}

// dialGenesis connects to the endpoint url for the rest of the test (a
// minute at most) and returns its block 0's hash.
func dialGenesis(t *testing.T, url string) (context.Context, *rpc.Client, rpc.Hash) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	rc, err := rpc.Dial(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	b0, err := rc.BlockHash(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, rc, b0
}

// lightNet serves the test network and points the light client at it.
func lightNet(t *testing.T) *lighttest.Network {
	t.Helper()
	n := lighttest.Serve(t, lighttest.Shared(t, lighttest.Options{}))
	startAt(t, n)
	return n
}

// genesisFree decodes the free balance of an AccountInfo (nonce, consumers,
// providers, sufficients: u32 each; then free: u128).
func genesisFree(t *testing.T, n *lighttest.Network, id string) (*big.Int, []byte) {
	t.Helper()
	b, _ := hex.DecodeString(id[2:])
	v, ok := n.Value(lighttest.AccountKey(b))
	if !ok || len(v) < 32 {
		t.Fatalf("%s is not endowed in %s", id, n.SpecPath)
	}
	lo, hi := binary.LittleEndian.Uint64(v[16:24]), binary.LittleEndian.Uint64(v[24:32])
	free := new(big.Int).Lsh(new(big.Int).SetUint64(hi), 64)
	return free.Add(free, new(big.Int).SetUint64(lo)), v
}

func TestLightE2E(t *testing.T) {
	slowTest(t, "executes the Kusama runtime")
	n := lightNet(t)
	home := t.TempDir()
	head := n.Head()
	ksm := func(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
		t.Helper()
		return keyRun(t, home, keyRunOpts{stdin: stdin, env: env}, append([]string{"--rpc", n.URL}, args...)...)
	}
	pw := map[string]string{"KSM_PASSWORD": "pw"}
	importKey(t, home, "alice", "//Alice", pw)

	t.Run("balance", func(t *testing.T) {
		start := time.Now()
		code, out, errOut := ksm(t, "", nil, "--json", "balance", lightAlice)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		t.Logf("balance in %v", time.Since(start))
		var b balanceOut
		mustJSON(t, out, &b)
		want, _ := genesisFree(t, n, lightAlice)
		if !b.Verified || b.BlockNumber != head.Header.Number || b.BlockHash != head.Hash.String() || b.Free.String() != want.String() || b.Symbol != "KSM" {
			t.Fatalf("balance %+v, want free %s at #%d %s, verified", b, want, head.Header.Number, head.Hash)
		}
		if strings.Contains(errOut, "not verified") {
			t.Fatalf("a verified read warned: %s", errOut)
		}
		// The human form says where the value is from.
		code, out, errOut = ksm(t, "", nil, "balance", "alice")
		if code != 0 || !strings.Contains(out+errOut, "transferable") {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
	})

	// A read-only command creates no directory: a --home that does not
	// exist (a typo) is left so, the verified state and caches unkept.
	t.Run("balance in a missing home", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "typo")
		code, out, errOut := keyRun(t, missing, keyRunOpts{}, "--rpc", n.URL, "--json", "balance", lightAlice)
		if code != 0 || !strings.Contains(out, `"verified": true`) {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
		if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("balance created %s: %v", missing, err)
		}
	})

	t.Run("query-storage", func(t *testing.T) {
		code, out, errOut := ksm(t, "", nil, "--json", "query", "storage", "System", "Account", lightAlice)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var q queryStorageJSON
		mustJSON(t, out, &q)
		_, raw := genesisFree(t, n, lightAlice)
		if !q.Verified || !q.MetadataVerified || q.MetadataSource != "runtime" || !q.Found || q.Raw == nil || *q.Raw != "0x"+hex.EncodeToString(raw) ||
			q.Block.Number != head.Header.Number || q.Block.Hash != head.Hash {
			t.Fatalf("query %s", out)
		}
		b, _ := json.Marshal(q.Value)
		if !strings.Contains(string(b), `"free"`) {
			t.Fatalf("value %s", b)
		}
	})

	var dry dryRunSeen
	t.Run("transfer-dry-run", func(t *testing.T) {
		code, out, errOut := ksm(t, "", nil, "--json", "transfer", lightBob, "1.5", "--from", "alice", "--dry-run")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		mustJSON(t, out, &dry)
		if !dry.Verified || dry.Fee == nil || dry.Nonce != 0 || dry.Era.Type != "mortal" {
			t.Fatalf("dry run %s", out)
		}
		free, _ := genesisFree(t, n, lightAlice)
		if jsonNum(dry.Balance.Free) != free.String() || jsonNum(dry.Balance.Spend) != "1500000000000" {
			t.Fatalf("balance effect %+v", dry.Balance)
		}
	})

	t.Run("fee-equals-chopsticks", func(t *testing.T) {
		if dry.Fee == nil {
			t.Fatal("no fee to compare: the dry run above gave none (or failed)")
		}
		url := testenv.SharedChopsticks(t, n.SpecPath)
		fee := chopsticksFee(t, url, dry.CallHex, extrinsic.Params{SpecVersion: 1_000_000, TxVersion: 24, GenesisHash: n.Genesis(), Nonce: dry.Nonce,
			Era: extrinsic.MortalEra(dry.Era.Period, uint64(head.Header.Number)), BlockHash: head.Hash})
		if jsonNum(dry.Fee) != fee.String() {
			t.Fatalf("fee %v, chopsticks' TransactionPaymentApi_query_info says %s", dry.Fee, fee)
		}
		t.Logf("fee %s planck, equal to chopsticks'", fee)
	})

	// The metadata ksm verified (executing the runtime whose code is proven)
	// and cached is byte for byte what chopsticks' runtime returns, so
	// metadata inspect and hash say the same of both.
	t.Run("metadata-equals-chopsticks", func(t *testing.T) {
		files, _ := filepath.Glob(filepath.Join(home, "cache", "metadata", "*.scale"))
		if len(files) != 1 {
			t.Fatalf("verified metadata cache: %v", files)
		}
		ours, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		ctx, rc, b0 := dialGenesis(t, testenv.SharedChopsticks(t, n.SpecPath))
		theirs, err := rc.StateCall(ctx, "Metadata_metadata_at_version", []byte{15, 0, 0, 0}, &b0)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ours, theirs) {
			t.Fatalf("metadata: %d bytes, chopsticks' %d", len(ours), len(theirs))
		}
		theirsFile := filepath.Join(t.TempDir(), "chopsticks.scale")
		writeTestFile(t, theirsFile, theirs)
		for _, args := range [][]string{
			{"--json", "metadata", "inspect"},
			{"--json", "metadata", "hash", "--spec-name", "kusama", "--spec-version", "1000000", "--base58-prefix", "2", "--decimals", "12", "--token-symbol", "KSM"},
		} {
			c1, o1, e1 := runCLI(t, "", append(args, "--metadata", files[0])...)
			c2, o2, e2 := runCLI(t, "", append(args, "--metadata", theirsFile)...)
			if c1 != 0 || c2 != 0 || o1 != o2 || len(o1) < 10 {
				t.Fatalf("%v: exit %d/%d\n%s%s\n%.300s\n%.300s", args, c1, c2, e1, e2, o1, o2)
			}
		}
	})

	// Every read command says it is verified and names the block it read.
	t.Run("reads", func(t *testing.T) {
		for _, args := range [][]string{
			{"account", "alice"},
			{"stake", "status", "alice"},
			{"pool", "status", "alice"},
			{"gov", "votes", "alice"},
			{"claim", "status", "0x0000000000000000000000000000000000000001"},
			{"para", "status", "2000"},
		} {
			code, out, errOut := ksm(t, "", nil, append([]string{"--json"}, args...)...)
			if code != 0 {
				t.Errorf("%v: exit %d: %s", args, code, errOut)
				continue
			}
			var v struct {
				Verified    *bool  `json:"verified"`
				BlockNumber uint32 `json:"blockNumber"`
				BlockHash   string `json:"blockHash"`
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Errorf("%v: %v\n%s", args, err, out)
				continue
			}
			if v.Verified == nil || !*v.Verified || v.BlockNumber != head.Header.Number || v.BlockHash != head.Hash.String() {
				t.Errorf("%v: verified %v at #%d %s, want the verified head #%d %s\n%s", args, v.Verified, v.BlockNumber, v.BlockHash, head.Header.Number, head.Hash, out)
			}
		}
	})

	t.Run("liar", func(t *testing.T) {
		n.Server.SetLie(func(method string, res any) any {
			if method == "state_getReadProof" {
				return map[string]any{"at": head.Hash.String(), "proof": []string{"0x00"}}
			}
			return res
		})
		defer n.Server.SetLie(nil)
		code, out, errOut := ksm(t, "", nil, "--json", "balance", lightAlice)
		if code != ExitVerification || out != "" {
			t.Fatalf("lying proofs: exit %d out %q\n%s", code, out, errOut)
		}
		// A forged finality proof (one signature byte flipped).
		n.Server.SetLie(func(method string, res any) any {
			if s, ok := res.(string); ok && method == "grandpa_proveFinality" && len(s) > 200 {
				b := []byte(s)
				i := len(b) / 2
				if b[i] == '0' {
					b[i] = '1'
				} else {
					b[i] = '0'
				}
				return string(b)
			}
			return res
		})
		// (A fresh home: the suite's home saved the verified head already.)
		code, out, errOut = keyRun(t, t.TempDir(), keyRunOpts{}, "--rpc", n.URL, "--json", "balance", lightAlice)
		if code != ExitVerification || out != "" {
			t.Fatalf("forged finality: exit %d out %q\n%s", code, out, errOut)
		}
	})
}

// TestLightChopsticksModes: chopsticks proves nothing: exit 3 without
// --trust-rpc; with it a warning and "verified": false.
func TestLightChopsticksModes(t *testing.T) {
	slowTest(t, "starts chopsticks")
	url := testenv.SharedChopsticks(t, testenv.Shared(t, "chainspec", "local", "kusama-local.json"))
	home := t.TempDir()
	code, out, errOut := runCLI(t, "", "--home", home, "--rpc", url, "--json", "balance", lightAlice)
	if code != ExitVerification || out != "" || !strings.Contains(errOut, "--trust-rpc") {
		t.Fatalf("without --trust-rpc: exit %d out %q\n%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "--home", home, "--rpc", url, "--trust-rpc", "--json", "balance", lightAlice)
	if code != 0 || !strings.Contains(errOut, "not verified") {
		t.Fatalf("--trust-rpc: exit %d\n%s", code, errOut)
	}
	var b struct {
		Verified *bool `json:"verified"`
	}
	if err := json.Unmarshal([]byte(out), &b); err != nil || b.Verified == nil || *b.Verified {
		t.Fatalf("--trust-rpc output %s", out)
	}
}

// jsonNum writes a value JSON number (a json number or a decimal string).
func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// TestLightP2P: the default mode, libp2p: a full node of the test network
// on loopback TCP serves warp sync and storage proofs; ksm executes the
// runtime over them.
func TestLightP2P(t *testing.T) {
	slowTest(t, "executes the Kusama runtime")
	c := lighttest.Shared(t, lighttest.Options{})
	live := p2ptest.NewLiveChain(c.Chain, uint32(len(c.Blocks)-1))
	node := bootFromLoopback(t, c.Genesis(), p2ptest.NewChainSource(live))
	startAt(t, c)
	code, out, errOut := keyRun(t, t.TempDir(), keyRunOpts{}, "--json", "balance", lightAlice)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var b balanceOut
	mustJSON(t, out, &b)
	free, _ := genesisFree(t, &lighttest.Network{Chain: c}, lightAlice)
	if !b.Verified || b.Free.String() != free.String() || b.BlockNumber != c.Head().Header.Number {
		t.Fatalf("balance over p2p: %s", out)
	}
	if node.Requests.Load() == 0 {
		t.Fatal("the node served nothing")
	}
}

// chopsticksFee is the fee chopsticks' runtime at url gives the extrinsic
// ksm estimated: callHex signed by //Alice with params p (zero SpecVersion:
// the runtime's own spec and transaction version) and a placeholder sr25519
// signature of the right size. chopsticks' payment_queryInfo (polkadot-js
// decoding) refuses this v4 extrinsic as it stands, so the runtime API it
// runs is asked directly: RuntimeDispatchInfo {weight: {ref_time,
// proof_size: Compact<u64>}, class: u8, partial_fee: u128}.
func chopsticksFee(t *testing.T, url, callHex string, p extrinsic.Params) *big.Int {
	t.Helper()
	ctx, rc, b0 := dialGenesis(t, url)
	raw, err := rc.Metadata(ctx, &b0)
	if err != nil {
		t.Fatal(err)
	}
	md, err := metadata.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	format, err := extrinsic.New(md)
	if err != nil {
		t.Fatal(err)
	}
	if p.SpecVersion == 0 {
		var ver struct {
			SpecVersion        uint32 `json:"specVersion"`
			TransactionVersion uint32 `json:"transactionVersion"`
		}
		if err := rc.Call(ctx, "state_getRuntimeVersion", []any{b0}, &ver); err != nil {
			t.Fatal(err)
		}
		p.SpecVersion, p.TxVersion = ver.SpecVersion, ver.TransactionVersion
	}
	call, _ := hex.DecodeString(strings.TrimPrefix(callHex, "0x"))
	extra, err := format.AppendExtra(nil, &p)
	if err != nil {
		t.Fatal(err)
	}
	var alice [32]byte
	hex.Decode(alice[:], []byte(lightAlice[2:]))
	ext, err := format.Assemble(call, extrinsic.IDAddress(alice), extrinsic.Signature{Scheme: "sr25519", Bytes: make([]byte, 64)}, extra)
	if err != nil {
		t.Fatal(err)
	}
	args := scale.AppendU32(append([]byte(nil), ext...), uint32(len(ext)))
	out, err := rc.StateCall(ctx, "TransactionPaymentApi_query_info", args, &b0)
	if err != nil {
		t.Fatal(err)
	}
	d := scale.NewDecoder(out)
	d.CompactU64()
	d.CompactU64()
	d.U8()
	fee, err := d.Uint(16)
	if err != nil || d.Finish() != nil {
		t.Fatalf("RuntimeDispatchInfo %x: %v", out, err)
	}
	return fee
}
