package lightclient

import (
	"context"
	"encoding/hex"
	"errors"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/store"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

func newChainServer(t testing.TB, c *testchain.Chain, visible uint32) (*rpctest.Server, string) {
	s := rpctest.New(c, visible)
	url, stop := s.Start()
	t.Cleanup(stop)
	return s, url
}

func genChain(t testing.TB, cfg testchain.Config) *testchain.Chain {
	t.Helper()
	c, err := testchain.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// genesisCheckpoint is a checkpoint at the chain's genesis.
func genesisCheckpoint(c *testchain.Chain) *chainspec.Checkpoint {
	return &chainspec.Checkpoint{Header: c.Blocks[0].Header, Hash: c.Blocks[0].Hash, Grandpa: &chainspec.GrandpaState{Set: c.Set(0)}}
}

func fastSync() chainsync.Config {
	return chainsync.Config{FollowInterval: 20 * time.Millisecond, RequestTimeout: 5 * time.Second, Cooldown: 10 * time.Millisecond}
}

func rpcClient(t testing.TB, c *testchain.Chain, url, home string) (*Client, *RPCSource) {
	t.Helper()
	rc, err := rpc.Dial(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	src := NewRPCSource(rc, RPCOptions{Name: "rpc-test"})
	cl, err := New(Config{Genesis: c.Blocks[0].Hash, Checkpoint: genesisCheckpoint(c), Home: home, Sources: []Source{src}, Sync: fastSync(), Tick: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl, src
}

// waitLimit bounds every wait for what the client does on its own
// goroutines. It is a safety net, not a speed requirement: on a loaded
// machine (the suite next to other builds on two cores) what takes
// milliseconds alone can take seconds.
const waitLimit = time.Minute

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*waitLimit)
	t.Cleanup(cancel)
	return ctx
}

// started starts cl and returns a context that bounds the test's calls.
func started(t testing.TB, cl *Client) context.Context {
	t.Helper()
	ctx := ctxT(t)
	if err := cl.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// synced is started that also waits for cl to sync.
func synced(t testing.TB, cl *Client) context.Context {
	t.Helper()
	ctx := started(t, cl)
	if err := cl.WaitSynced(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// waitFor polls cond until it holds, failing the test with what after
// waitLimit.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	testenv.WaitFor(t, what, waitLimit, cond)
}

func TestRPCHonest(t *testing.T) {
	c := genChain(t, testchain.Config{Seed: "lc-rpc", Blocks: 400, SetLength: 30, ForcedEvery: 4, Voters: 8, Rotate: 3})
	srv, url := newChainServer(t, c, 350)
	home := t.TempDir()
	cl, _ := rpcClient(t, c, url, home)
	ctx := synced(t, cl)
	h, hash, setID := cl.Finalized()
	if h.Number != 350 || hash != c.Blocks[350].Hash || setID != c.SetIDAt(351) {
		t.Fatalf("finalized %d %s set %d", h.Number, hash, setID)
	}
	res, err := cl.ReadStorage(ctx, [][]byte{testchain.KeySystemNumber, testchain.KeyGrandpaSetID, []byte("nope")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Number < 350 || res.Block != c.Blocks[res.Number].Hash {
		t.Fatalf("read at %d %s", res.Number, res.Block)
	}
	want := stateOf(c, res.Number)
	for _, v := range res.Values {
		if w, ok := want[string(v.Key)]; ok != v.Found || string(w) != string(v.Value) {
			t.Fatalf("key %x: %x, want %x", v.Key, v.Value, w)
		}
	}
	// Follow the server's finality.
	srv.SetVisible(400)
	waitFor(t, "follow to 400", func() bool { h, _, _ := cl.Finalized(); return h.Number == 400 })
	// Persisted after every advance; a new client resumes there.
	var saved *store.State
	waitFor(t, "state saved at 400", func() bool {
		st, err := store.Load(home, c.Blocks[0].Hash)
		saved = st
		return err == nil && st.Header.Number == 400
	})
	if saved.Set.SetID != c.SetIDAt(401) {
		t.Fatalf("saved set %d", saved.Set.SetID)
	}
	cl.Close()
	cl2, _ := rpcClient(t, c, url, home)
	if sp := cl2.StartPoint(); sp.Source != store.FromSaved || sp.Header.Number != 400 {
		t.Fatalf("resume from %s #%d", sp.Source, sp.Header.Number)
	}
}

func stateOf(c *testchain.Chain, n uint32) map[string][]byte {
	m := map[string][]byte{}
	for _, kv := range c.State(n) {
		m[string(kv.Key)] = kv.Value
	}
	return m
}

func TestRPCLying(t *testing.T) {
	c := genChain(t, testchain.Config{Seed: "lc-rpc-lie", Blocks: 200, SetLength: 40})
	t.Run("forged-justification", func(t *testing.T) {
		srv, url := newChainServer(t, c, 200)
		srv.SetLie(func(method string, res any) any {
			if method != "grandpa_proveFinality" || res == nil {
				return res
			}
			raw, _ := hex.DecodeString(strings.TrimPrefix(res.(string), "0x"))
			p, err := chainsync.DecodeFinalityProof(raw)
			if err != nil {
				t.Fatal(err)
			}
			j, _ := grandpa.DecodeJustification(p.Justification)
			j.Commit.Precommits[0].Signature[9] ^= 0x40
			p.Justification = j.Encode()
			return rpctest.Hex(p.Encode())
		})
		cl, src := rpcClient(t, c, url, "")
		ctx := started(t, cl)
		err := cl.WaitSynced(ctx)
		if !errors.Is(err, ErrVerification) || !errors.Is(err, chainsync.ErrAllPeersMalicious) {
			t.Fatalf("WaitSynced: %v", err)
		}
		if src.Banned() == nil {
			t.Fatal("source not banned")
		}
		if h, _, _ := cl.Finalized(); h.Number != 0 {
			t.Fatalf("finalized %d from a liar", h.Number)
		}
	})
	t.Run("wrong-root-proof", func(t *testing.T) {
		srv, url := newChainServer(t, c, 200)
		srv.SetLie(func(method string, res any) any {
			if method != "state_getReadProof" {
				return res
			}
			return map[string]any{"at": c.Blocks[200].Hash.String(), "proof": rpctest.ProofHex(c, 150, testchain.KeySystemNumber)}
		})
		cl, _ := rpcClient(t, c, url, "")
		ctx := synced(t, cl)
		_, err := cl.ReadStorage(ctx, [][]byte{testchain.KeySystemNumber})
		if !errors.Is(err, chainsync.ErrQueryFailed) || !errors.Is(err, chainsync.ErrMalicious) {
			t.Fatalf("ReadStorage from a liar: %v", err)
		}
	})
	t.Run("unprovable", func(t *testing.T) {
		srv, url := newChainServer(t, c, 200)
		srv.Methods = []string{"rpc_methods", "chain_getFinalizedHead", "chain_getHeader", "state_getStorage"}
		cl, _ := rpcClient(t, c, url, "")
		err := cl.Start(ctxT(t))
		if !errors.Is(err, ErrUnprovable) {
			t.Fatalf("Start: %v", err)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		_, url := newChainServer(t, c, 200)
		rc, err := rpc.Dial(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		rc2, _ := rpc.Dial(context.Background(), "http://127.0.0.1:1")
		src := NewRPCSource(rc2, RPCOptions{})
		rc.Close()
		cl, err := New(Config{Genesis: c.Blocks[0].Hash, Checkpoint: genesisCheckpoint(c), Sources: []Source{src}})
		if err != nil {
			t.Fatal(err)
		}
		if err := cl.Start(ctxT(t)); !errors.Is(err, ErrUnreachable) {
			t.Fatalf("Start: %v", err)
		}
	})
}

func TestParachainStorageRPC(t *testing.T) {
	para := genChain(t, testchain.Config{Seed: "lc-para", Blocks: 150})
	relay := genChain(t, testchain.Config{Seed: "lc-relay", Blocks: 150, SetLength: 50, ExtraState: func(n uint32) []trie.KV {
		return []trie.KV{{Key: parachain.HeadsKey(1000), Value: parachain.EncodeHeadData(para.Blocks[n-min(n, 2)].Header)}}
	}})
	_, relayURL := newChainServer(t, relay, 140)
	_, paraURL := newChainServer(t, para, 150)
	rc, err := rpc.Dial(context.Background(), relayURL)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := rpc.Dial(context.Background(), paraURL)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := New(Config{Genesis: relay.Blocks[0].Hash, Checkpoint: genesisCheckpoint(relay), Sync: fastSync(), Tick: 5 * time.Millisecond,
		Sources: []Source{NewRPCSource(rc, RPCOptions{Name: "relay"}), NewRPCSource(pc, RPCOptions{Name: "asset-hub", Para: true, ParaID: 1000})}})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := started(t, cl)
	res, err := cl.ParachainStorage(ctx, 1000, [][]byte{testchain.KeySystemNumber})
	if err != nil {
		t.Fatal(err)
	}
	// Relay block 140 records para block 138.
	if res.Number != 140 || res.Para == nil || res.Para.Header.Number != 138 || res.Para.Hash != para.Blocks[138].Hash {
		t.Fatalf("para read %+v", res)
	}
	if want := stateOf(para, 138)[string(testchain.KeySystemNumber)]; string(res.Values[0].Value) != string(want) {
		t.Fatalf("para value %x, want %x", res.Values[0].Value, want)
	}
	if _, err := cl.ParachainStorage(ctx, 2000, [][]byte{testchain.KeySystemNumber}); !errors.Is(err, parachain.ErrNoHead) {
		t.Fatalf("unknown para: %v", err)
	}
}

func TestRuntimeVersionNoCode(t *testing.T) {
	c := genChain(t, testchain.Config{Seed: "lc-code", Blocks: 20})
	_, url := newChainServer(t, c, 20)
	cl, _ := rpcClient(t, c, url, "")
	ctx := started(t, cl)
	if _, err := cl.RuntimeVersion(ctx); err == nil || !strings.Contains(err.Error(), "no :code") {
		t.Fatalf("RuntimeVersion without code: %v", err)
	}
}

func TestRuntimeVersionKusamaGenesisCode(t *testing.T) {
	raw, err := os.ReadFile(testenv.Shared(t, "chainspec", "kusama-genesis-raw.json"))
	if err != nil {
		t.Fatal(err)
	}
	spec, err := chainspec.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	code, ok := spec.Raw.Code()
	if !ok {
		t.Fatal("no :code in the Kusama genesis")
	}
	c := genChain(t, testchain.Config{Seed: "lc-code2", Blocks: 10, ExtraState: func(uint32) []trie.KV {
		up := scale.AppendString(scale.AppendCompact(nil, 1020), "kusama")
		return []trie.KV{{Key: CodeKey, Value: code}, {Key: LastRuntimeUpgradeKey, Value: up}}
	}})
	_, url := newChainServer(t, c, 10)
	cl, _ := rpcClient(t, c, url, "")
	ctx := started(t, cl)
	info, err := cl.RuntimeVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The 2019 genesis runtime predates the runtime_version section.
	if info.Number != 10 || info.CodeSize != len(code) || info.CodeHash != hash.Blake2b256(code) || info.HasVersion {
		t.Fatalf("runtime %+v", info)
	}
	up, err := cl.LastRuntimeUpgrade(ctx)
	if err != nil || up.SpecVersion != 1020 || up.SpecName != "kusama" || up.Number != 10 {
		t.Fatalf("last runtime upgrade %+v %v", up, err)
	}
	// Same runtime: the stored code hash is used, ":code" is not read again.
	again, err := cl.RuntimeVersion(ctx)
	if err != nil || again.CodeHash != info.CodeHash {
		t.Fatalf("again %+v %v", again, err)
	}
	cl.mu.Lock()
	reads := cl.codeReads
	cl.mu.Unlock()
	if reads != 1 {
		t.Fatalf(":code read %d times", reads)
	}
}

func TestClientLifecycle(t *testing.T) {
	c := genChain(t, testchain.Config{Seed: "lc-life", Blocks: 30})
	src := newMemSource(c, 30, 0)
	if _, err := New(Config{Genesis: c.Blocks[0].Hash, Checkpoint: genesisCheckpoint(c)}); err == nil {
		t.Fatal("New without sources succeeded")
	}
	cl, err := New(Config{Genesis: c.Blocks[0].Hash, Checkpoint: genesisCheckpoint(c), Sources: []Source{src}})
	if err != nil {
		t.Fatal(err)
	}
	// Closed before Start: queries fail at once with ErrClosed.
	if err := cl.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.ReadStorage(ctxT(t), [][]byte{testchain.KeySystemNumber}); !errors.Is(err, ErrClosed) {
		t.Fatalf("ReadStorage after Close: %v", err)
	}
	if err := cl.Start(ctxT(t)); err == nil {
		t.Fatal("Start after Close succeeded")
	}
	cl2, err := New(Config{Genesis: c.Blocks[0].Hash, Checkpoint: genesisCheckpoint(c), Sources: []Source{newMemSource(c, 30, 0)}, Tick: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	if err := cl2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cl2.Start(ctx); err == nil {
		t.Fatal("second Start succeeded")
	}
	if err := cl2.WaitSynced(ctx); err != nil {
		t.Fatal(err)
	}
	var sawSynced bool
	for len(cl2.Events()) > 0 {
		if _, ok := (<-cl2.Events()).(chainsync.Synced); ok {
			sawSynced = true
		}
	}
	if !sawSynced {
		t.Fatal("no Synced event")
	}
	cl2.Close()
	<-cl2.Done()
	if !errors.Is(cl2.Err(), ErrClosed) {
		t.Fatalf("Err after Close: %v", cl2.Err())
	}
}
