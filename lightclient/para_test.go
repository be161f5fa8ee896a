package lightclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// paraMapState is a parachain's storage map of 300 + n entries at block n,
// some values changing every block, some long enough to be hashed (V1).
func paraMapState(n uint32) []trie.KV {
	size := 300 + int(n)
	return mapEntries(make([]trie.KV, 0, size), n, size, 3)
}

// paraLag is how far the relay's recorded para head trails: relay block n
// records para block n-paraLag.
const paraLag = 2

var (
	paraChainsOnce  sync.Once
	paraRelay, para *testchain.Chain
	paraChainsErr   error
)

// paraChains are a 60-block parachain holding paraMapState and a relay
// chain whose block n records para block n-2 as the head of parachain 1000.
func paraChains(t testing.TB) (relay, p *testchain.Chain) {
	t.Helper()
	paraChainsOnce.Do(func() {
		para, paraChainsErr = testchain.Generate(testchain.Config{Seed: "lc-paraview-para", Blocks: 60, ExtraState: paraMapState})
		if paraChainsErr != nil {
			return
		}
		paraRelay, paraChainsErr = testchain.Generate(testchain.Config{Seed: "lc-paraview-relay", Blocks: 60, SetLength: 20, ExtraState: func(n uint32) []trie.KV {
			return []trie.KV{{Key: parachain.HeadsKey(1000), Value: parachain.EncodeHeadData(para.Blocks[n-min(n, paraLag)].Header)}}
		}})
	})
	if paraChainsErr != nil {
		t.Fatal(paraChainsErr)
	}
	return paraRelay, para
}

func paraSourceFor(t testing.TB, url, name string, paraID uint32) *RPCSource {
	t.Helper()
	rc, err := rpc.Dial(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	return NewRPCSource(rc, RPCOptions{Name: name, Para: true, ParaID: paraID})
}

// paraEnv is a started client with a relay server and para servers.
type paraEnv struct {
	relay, para *testchain.Chain
	relaySrv    *rpctest.Server
	paraSrv     *rpctest.Server
	cl          *Client
	pv          *ParaView
}

func newParaEnv(t testing.TB, visible uint32, extra ...Source) *paraEnv {
	t.Helper()
	relay, p := paraChains(t)
	e := &paraEnv{relay: relay, para: p}
	var relayURL, paraURL string
	e.relaySrv, relayURL = newChainServer(t, relay, visible)
	e.paraSrv, paraURL = newChainServer(t, p, uint32(len(p.Blocks)-1))
	srcs := append([]Source{rpcSourceFor(t, relayURL, "relay"), paraSourceFor(t, paraURL, "b-para", 1000)}, extra...)
	e.cl = startClient(t, relay, srcs...)
	e.pv = e.cl.Para(1000)
	return e
}

func (e *paraEnv) waitFinalized(t *testing.T, n uint32) {
	t.Helper()
	waitFor(t, fmt.Sprintf("follow to %d", n), func() bool { h, _, _ := e.cl.Finalized(); return h.Number == n })
}

func checkParaValues(t *testing.T, p *testchain.Chain, n uint32, res *StorageResult) {
	t.Helper()
	if res.Para == nil || res.Para.Hash != p.Blocks[n].Hash {
		t.Fatalf("read at para %+v, want block %d", res.Para, n)
	}
	want := stateOf(p, n)
	for _, v := range res.Values {
		w, ok := want[string(v.Key)]
		if ok != v.Found || !bytes.Equal(w, v.Value) {
			t.Fatalf("para block %d key %x: %x (found %v), want %x", n, v.Key, v.Value, v.Found, w)
		}
	}
	// The proof given back proves them against the head's state root.
	pr, err := trie.NewProofWith(trie.Hash(p.Blocks[n].Header.StateRoot), res.Proof, trie.Options{AllowUnused: true})
	if err != nil {
		t.Fatalf("para block %d proof: %v", n, err)
	}
	for _, v := range res.Values {
		if got, found, err := pr.Get(v.Key); err != nil || found != v.Found || !bytes.Equal(got, v.Value) {
			t.Fatalf("proof lookup %x: %x %v %v", v.Key, got, found, err)
		}
	}
}

func TestParaViewRPC(t *testing.T) {
	e := newParaEnv(t, 40)
	ctx := ctxT(t)
	pv, p := e.pv, e.para
	if pv.ParaID() != 1000 || pv.Client() != e.cl {
		t.Fatal("view identity")
	}
	if _, ok := pv.Latest(); ok {
		t.Fatal("a head before any was proven")
	}
	head, err := pv.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if head.Hash != p.Blocks[38].Hash || head.Header.Number != 38 || head.RelayNumber != 40 || head.Relay != e.relay.Blocks[40].Hash {
		t.Fatalf("head %+v", head)
	}
	// Until relay finality moves, the head proven is not asked again.
	before := e.relaySrv.Calls("state_getReadProof")
	if again, err := pv.Head(ctx); err != nil || again.Hash != head.Hash {
		t.Fatalf("head again %+v %v", again, err)
	}
	if got := e.relaySrv.Calls("state_getReadProof"); got != before {
		t.Fatalf("head proven again at the same relay block (%d requests)", got-before)
	}
	if h, ok := pv.Header(p.Blocks[38].Hash); !ok || h.Hash() != p.Blocks[38].Hash {
		t.Fatal("proven head not kept")
	}
	if _, ok := pv.Header(p.Blocks[37].Hash); ok {
		t.Fatal("unproven para block kept")
	}
	if _, ok := e.cl.Header(p.Blocks[38].Hash); ok {
		t.Fatal("para head among the relay headers")
	}
	keys := [][]byte{testchain.KeySystemNumber, paraMapState(0)[3].Key, paraMapState(0)[5].Key, []byte("absent")}
	res, err := pv.ReadStorageAt(ctx, p.Blocks[38].Hash, keys)
	if err != nil {
		t.Fatal(err)
	}
	checkParaValues(t, p, 38, res)
	if res.Number != 40 || res.Block != e.relay.Blocks[40].Hash {
		t.Fatalf("relay block of the read: %d %s", res.Number, res.Block)
	}

	// Finality moves on: a newer head, the older one still readable.
	e.relaySrv.SetVisible(55)
	e.waitFinalized(t, 55)
	res, err = pv.ReadStorageAt(ctx, header.Hash{}, keys)
	if err != nil {
		t.Fatal(err)
	}
	checkParaValues(t, p, 53, res)
	if l, ok := pv.Latest(); !ok || l.Hash != p.Blocks[53].Hash || l.RelayNumber != 55 {
		t.Fatalf("latest %+v", l)
	}
	before = e.paraSrv.Calls("state_getReadProof")
	res, err = pv.ReadStorageAt(ctx, p.Blocks[38].Hash, keys[1:3])
	if err != nil {
		t.Fatal(err)
	}
	checkParaValues(t, p, 38, res)
	if got := e.paraSrv.Calls("state_getReadProof"); got != before {
		t.Fatalf("keys already proven at para 38 asked again (%d requests)", got-before)
	}

	// Paged enumeration equals the true key sets, at both heads.
	for _, n := range []uint32{38, 53} {
		want := trueKeys(p, n, mapPrefix, nil)
		if len(want) != 300+int(n) {
			t.Fatalf("true set %d", len(want))
		}
		var all [][]byte
		var start []byte
		for page := 0; ; page++ {
			got, err := pv.StorageKeys(ctx, p.Blocks[n].Hash, mapPrefix, 64, start)
			if err != nil {
				t.Fatalf("para %d page %d: %v", n, page, err)
			}
			all = append(all, got...)
			if len(got) < 64 {
				break
			}
			start = got[len(got)-1]
		}
		if !sameKeyList(all, want) {
			t.Fatalf("para %d: %d keys, want %d", n, len(all), len(want))
		}
		// After a key in the middle.
		mid := want[len(want)/2]
		got, err := pv.StorageKeys(ctx, p.Blocks[n].Hash, mapPrefix, 10, mid)
		if err != nil || !sameKeyList(got, trueKeys(p, n, mapPrefix, mid)[:10]) {
			t.Fatalf("para %d after %x: %d keys %v", n, mid, len(got), err)
		}
	}
	// The zero hash: the latest head (53).
	if got, err := pv.StorageKeys(ctx, header.Hash{}, mapPrefix, 1000, nil); err != nil || !sameKeyList(got, trueKeys(p, 53, mapPrefix, nil)) {
		t.Fatalf("latest keys: %d %v", len(got), err)
	}

	// NextKey walks the whole state in order, then reports its end.
	all := trueKeys(p, 38, nil, nil)
	key := []byte(nil)
	for i := 0; ; i++ {
		next, found, err := pv.NextKey(ctx, p.Blocks[38].Hash, key)
		if err != nil {
			t.Fatal(err)
		}
		if !found {
			if i != len(all) {
				t.Fatalf("state ended after %d keys, want %d", i, len(all))
			}
			break
		}
		if i >= len(all) || !bytes.Equal(next, all[i]) {
			t.Fatalf("next key %d: %x", i, next)
		}
		key = next
	}

	// Unknown para blocks, relay blocks included.
	for _, b := range []header.Hash{p.Blocks[39].Hash, e.relay.Blocks[55].Hash, {1}} {
		if _, err := pv.ReadStorageAt(ctx, b, keys); !errors.Is(err, ErrUnknownBlock) {
			t.Fatalf("read at %s: %v", b, err)
		}
		if _, err := pv.StorageKeys(ctx, b, nil, 5, nil); !errors.Is(err, ErrUnknownBlock) {
			t.Fatalf("keys at %s: %v", b, err)
		}
		if _, _, err := pv.NextKey(ctx, b, nil); !errors.Is(err, ErrUnknownBlock) {
			t.Fatalf("next key at %s: %v", b, err)
		}
	}
	// The relay view is unaffected: a para head is not a relay block.
	if _, err := e.cl.ReadStorageAt(ctx, p.Blocks[53].Hash, keys); !errors.Is(err, ErrUnknownBlock) {
		t.Fatalf("relay read at a para block: %v", err)
	}
}

func TestParaViewLiarBanned(t *testing.T) {
	for _, how := range []string{"wrong-root", "truncated"} {
		t.Run(how, func(t *testing.T) {
			_, p := paraChains(t)
			liarSrv, liarURL := newChainServer(t, p, uint32(len(p.Blocks)-1))
			// "a-" sorts first: the liar is asked first.
			liar := paraSourceFor(t, liarURL, "a-para-liar", 1000)
			e := newParaEnv(t, 50, liar)
			liarSrv.SetLie(readProofLie(p, how))
			ctx := ctxT(t)
			head, err := e.pv.Head(ctx)
			if err != nil || head.Header.Number != 48 {
				t.Fatalf("head %+v %v", head, err)
			}
			res, err := e.pv.ReadStorageAt(ctx, head.Hash, [][]byte{testchain.KeySystemNumber, paraMapState(0)[7].Key})
			if err != nil {
				t.Fatal(err)
			}
			checkParaValues(t, p, 48, res)
			if liar.Banned() == nil || !errors.Is(liar.Banned(), chainsync.ErrMalicious) {
				t.Fatalf("liar not banned: %v", liar.Banned())
			}
			// Enumeration still equals the truth through the honest peer.
			if got, err := e.pv.StorageKeys(ctx, head.Hash, mapPrefix, 1000, nil); err != nil || !sameKeyList(got, trueKeys(p, 48, mapPrefix, nil)) {
				t.Fatalf("keys %d %v", len(got), err)
			}
		})
	}
}

func TestParaViewOnlyLiar(t *testing.T) {
	relay, p := paraChains(t)
	_, relayURL := newChainServer(t, relay, 30)
	liarSrv, liarURL := newChainServer(t, p, uint32(len(p.Blocks)-1))
	liarSrv.SetLie(readProofLie(p, "wrong-root"))
	liar := paraSourceFor(t, liarURL, "para-liar", 1000)
	cl := startClient(t, relay, rpcSourceFor(t, relayURL, "relay"), liar)
	ctx := ctxT(t)
	_, err := cl.Para(1000).ReadStorageAt(ctx, header.Hash{}, [][]byte{testchain.KeySystemNumber})
	if !errors.Is(err, chainsync.ErrQueryFailed) || !errors.Is(err, chainsync.ErrMalicious) {
		t.Fatalf("only a liar: %v", err)
	}
	if liar.Banned() == nil {
		t.Fatal("liar not banned")
	}
	// The relay side still works.
	if _, err := cl.ReadStorage(ctx, [][]byte{testchain.KeySystemNumber}); err != nil {
		t.Fatalf("relay read after the para liar: %v", err)
	}
}

func TestParaViewNoHead(t *testing.T) {
	e := newParaEnv(t, 20)
	ctx := ctxT(t)
	pv := e.cl.Para(2000)
	if _, err := pv.Head(ctx); !errors.Is(err, parachain.ErrNoHead) || !errors.Is(err, chainsync.ErrQueryFailed) {
		t.Fatalf("head of a para without one: %v", err)
	}
	if _, err := pv.ReadStorageAt(ctx, header.Hash{}, [][]byte{testchain.KeySystemNumber}); !errors.Is(err, parachain.ErrNoHead) {
		t.Fatalf("read of a para without head: %v", err)
	}
	if _, err := pv.StorageKeys(ctx, header.Hash{}, nil, 3, nil); !errors.Is(err, parachain.ErrNoHead) {
		t.Fatalf("keys of a para without head: %v", err)
	}
	if keys, err := pv.StorageKeys(ctx, header.Hash{}, nil, 0, nil); err != nil || keys != nil {
		t.Fatalf("count 0: %v %v", keys, err)
	}
}

func TestParaViewClosed(t *testing.T) {
	e := newParaEnv(t, 20)
	e.cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if _, err := e.pv.Head(ctx); err == nil {
		t.Fatal("head from a closed client")
	}
	if _, err := e.pv.ReadStorageAt(ctx, header.Hash{}, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("read from a closed client: %v", err)
	}
}

// BenchmarkParaViewStorageKeys enumerates the 338 keys of a para map from
// a cold cache: proofs of a loopback para RPC node, verified and walked.
func BenchmarkParaViewStorageKeys(b *testing.B) {
	e := newParaEnv(b, 40)
	cl, pv := e.cl, e.pv
	head, err := pv.Head(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	requests := 0
	for i := 0; i < b.N; i++ {
		cl.keysMu.Lock()
		cl.keyCache = nil
		cl.keysMu.Unlock()
		keys, n, err := pv.storageKeys(context.Background(), head.Hash, mapPrefix, 1000, nil)
		if err != nil || len(keys) != 338 {
			b.Fatalf("%d keys %v", len(keys), err)
		}
		requests += n
	}
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
}

// BenchmarkParaViewHead proves the para head at the finalized relay block
// (one Paras::Heads proof from the relay node, verified).
func BenchmarkParaViewHead(b *testing.B) {
	e := newParaEnv(b, 40)
	cl, pv := e.cl, e.pv
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := pv.ask(context.Background(), func(done func(chainsync.QueryResult)) { cl.m.QueryParaHead(1000, done) })
		if err != nil || r.Para == nil {
			b.Fatal(err)
		}
	}
}

// Concurrent readers of one para block share the verified nodes and all
// see the truth.
func TestParaViewConcurrent(t *testing.T) {
	e := newParaEnv(t, 45)
	ctx := ctxT(t)
	head, err := e.pv.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := trueKeys(e.para, head.Header.Number, mapPrefix, nil)
	state := stateOf(e.para, head.Header.Number)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if g%2 == 0 {
				got, err := e.pv.StorageKeys(ctx, head.Hash, mapPrefix, 1000, nil)
				if err != nil || !sameKeyList(got, want) {
					errs <- fmt.Errorf("goroutine %d: %d keys %v", g, len(got), err)
				}
				return
			}
			k := want[g*17]
			res, err := e.pv.ReadStorageAt(ctx, header.Hash{}, [][]byte{k})
			if err != nil || !bytes.Equal(res.Values[0].Value, state[string(k)]) {
				errs <- fmt.Errorf("goroutine %d: read %v", g, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// The relay followed over libp2p (as ksm does by default), the parachain's
// proofs from a para RPC node.
func TestParaViewP2PRelay(t *testing.T) {
	relay, p := paraChains(t)
	genesis := relay.Blocks[0].Hash
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	src := &chainSource{c: relay, visible: 40}
	host, _ := relayNodes(t, mn, genesis, src)
	_, paraURL := newChainServer(t, p, uint32(len(p.Blocks)-1))
	cl := startClient(t, relay, NewP2PSource(host, nil), paraSourceFor(t, paraURL, "asset-hub", 1000))
	ctx := ctxT(t)
	pv := cl.Para(1000)
	head, err := pv.Head(ctx)
	if err != nil || head.Hash != p.Blocks[38].Hash || head.RelayNumber != 40 {
		t.Fatalf("head %+v %v", head, err)
	}
	res, err := pv.ReadStorageAt(ctx, head.Hash, [][]byte{testchain.KeySystemNumber, paraMapState(0)[11].Key})
	if err != nil {
		t.Fatal(err)
	}
	checkParaValues(t, p, 38, res)
	if got, err := pv.StorageKeys(ctx, head.Hash, mapPrefix, 1000, nil); err != nil || !sameKeyList(got, trueKeys(p, 38, mapPrefix, nil)) {
		t.Fatalf("keys %d %v", len(got), err)
	}
}
