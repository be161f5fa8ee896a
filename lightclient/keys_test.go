package lightclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

func storagePrefix(pallet, item string) []byte {
	p, i := hash.Twox128([]byte(pallet)), hash.Twox128([]byte(item))
	return append(p[:], i[:]...)
}

var (
	mapPrefix   = storagePrefix("Store", "Map")
	otherPrefix = storagePrefix("Store", "Other")
)

// mapState is a storage map of 2000 + n/10 entries at block n (a
// Blake2_128Concat map of u32), some values changing every block and some
// long enough to be stored as hashed values (layout V1), beside 40 entries
// of another map.
func mapState(n uint32) []trie.KV {
	size := 2000 + int(n)/10
	kvs := mapEntries(make([]trie.KV, 0, size+40), n, size, 7)
	for i := 0; i < 40; i++ {
		kvs = append(kvs, trie.KV{Key: append(append([]byte(nil), otherPrefix...), byte(i*6)), Value: []byte{byte(i)}})
	}
	return kvs
}

// mapEntries appends size entries of a map under mapPrefix at block n
// (Blake2_128Concat of the index): every changeEvery-th value changes with
// n, every fifth other one is long enough to be hashed (V1).
func mapEntries(kvs []trie.KV, n uint32, size, changeEvery int) []trie.KV {
	for i := 0; i < size; i++ {
		ib := scale.AppendU32(nil, uint32(i))
		h := hash.Blake2b128(ib)
		k := append(append(append([]byte(nil), mapPrefix...), h[:]...), ib...)
		v := append([]byte(nil), ib...)
		switch {
		case i%changeEvery == 0:
			v = scale.AppendU32(v, n)
		case i%5 == 0:
			v = append(v, bytes.Repeat([]byte{byte(i)}, 40)...)
		}
		kvs = append(kvs, trie.KV{Key: k, Value: v})
	}
	return kvs
}

var (
	mapChainOnce sync.Once
	mapChainVal  *testchain.Chain
	mapChainErr  error
)

// mapChain is a 200-block chain whose state holds mapState.
func mapChain(t testing.TB) *testchain.Chain {
	t.Helper()
	mapChainOnce.Do(func() {
		mapChainVal, mapChainErr = testchain.Generate(testchain.Config{Seed: "lc-keys", Blocks: 200, SetLength: 50, ExtraState: mapState})
	})
	if mapChainErr != nil {
		t.Fatal(mapChainErr)
	}
	return mapChainVal
}

// trueKeys is the sorted key set of block n under prefix, after start.
func trueKeys(c *testchain.Chain, n uint32, prefix, start []byte) [][]byte {
	var out [][]byte
	for _, kv := range c.State(n) {
		if bytes.HasPrefix(kv.Key, prefix) && (start == nil || bytes.Compare(kv.Key, start) > 0) {
			out = append(out, kv.Key)
		}
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i], out[j]) < 0 })
	return out
}

// pageAll enumerates prefix at block by pages of size.
func pageAll(t testing.TB, cl *Client, block header.Hash, prefix, start []byte, size int) [][]byte {
	t.Helper()
	var all [][]byte
	for page := 0; ; page++ {
		keys, err := cl.StorageKeys(ctxT(t), block, prefix, size, start)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		all = append(all, keys...)
		if len(keys) < size {
			return all
		}
		start = keys[len(keys)-1]
	}
}

// checkEnumeration runs the enumeration cases against a synced client.
func checkEnumeration(t *testing.T, cl *Client, c *testchain.Chain, head, older uint32) {
	headHash := c.Blocks[head].Hash
	// Paging by 512 gives exactly the sorted key set of the map.
	want := trueKeys(c, head, mapPrefix, nil)
	if len(want) < 2000 {
		t.Fatalf("only %d keys generated", len(want))
	}
	if got := pageAll(t, cl, headHash, mapPrefix, nil, 512); !sameKeyList(got, want) {
		t.Fatalf("paged %d keys, want %d", len(got), len(want))
	}
	// The zero hash reads at the finalized block.
	first, err := cl.StorageKeys(ctxT(t), header.Hash{}, mapPrefix, 3, nil)
	if err != nil || !sameKeyList(first, want[:3]) {
		t.Fatalf("zero-hash keys %x %v", first, err)
	}
	// An older kept block has its own key set.
	oldHash := c.Blocks[older].Hash
	wantOld := trueKeys(c, older, mapPrefix, nil)
	if len(wantOld) == len(want) {
		t.Fatal("the older block should hold fewer keys")
	}
	if got := pageAll(t, cl, oldHash, mapPrefix, nil, 700); !sameKeyList(got, wantOld) {
		t.Fatalf("older block: %d keys, want %d", len(got), len(wantOld))
	}
	// Start keys inside and outside the prefix, the empty prefix.
	mid := want[1234]
	cases := []struct {
		name          string
		prefix, start []byte
		count         int
	}{
		{"start-inside", mapPrefix, mid, 100},
		{"start-inside-not-a-key", mapPrefix, append(append([]byte(nil), mid...), 0), 50},
		{"start-below-prefix", mapPrefix, []byte{0x00}, 10},
		{"start-above-prefix", mapPrefix, []byte{0xff, 0xff}, 10},
		{"start-is-prefix", otherPrefix, otherPrefix, 100},
		{"other-map", otherPrefix, nil, 100},
		{"short-prefix", mapPrefix[:16], want[len(want)-5], 100},
		{"empty-prefix", nil, nil, 3000},
		{"empty-prefix-after", []byte{}, mid, 2},
		{"absent-prefix", []byte("nothing here"), nil, 10},
	}
	for _, tc := range cases {
		w := trueKeys(c, head, tc.prefix, tc.start)
		if len(w) > tc.count {
			w = w[:tc.count]
		}
		got, err := cl.StorageKeys(ctxT(t), headHash, tc.prefix, tc.count, tc.start)
		if err != nil || !sameKeyList(got, w) {
			t.Fatalf("%s: %d keys (%v), want %d", tc.name, len(got), err, len(w))
		}
	}
	// NextKey at the ends of the state.
	all := trueKeys(c, head, nil, nil)
	k, ok, err := cl.NextKey(ctxT(t), headHash, nil)
	if err != nil || !ok || !bytes.Equal(k, all[0]) {
		t.Fatalf("first key %x %v %v", k, ok, err)
	}
	k, ok, err = cl.NextKey(ctxT(t), headHash, all[len(all)-2])
	if err != nil || !ok || !bytes.Equal(k, all[len(all)-1]) {
		t.Fatalf("last key %x %v %v", k, ok, err)
	}
	if k, ok, err = cl.NextKey(ctxT(t), headHash, all[len(all)-1]); err != nil || ok {
		t.Fatalf("after the last key: %x %v %v", k, ok, err)
	}
	// ReadStorageAt an older block gives that block's values.
	key7 := want[0]
	for _, kv := range c.State(older) {
		if bytes.HasPrefix(kv.Key, mapPrefix) && len(kv.Value) == 8 {
			key7 = kv.Key // a value that changes every block
			break
		}
	}
	for _, n := range []uint32{older, head} {
		res, err := cl.ReadStorageAt(ctxT(t), c.Blocks[n].Hash, [][]byte{testchain.KeySystemNumber, key7})
		if err != nil {
			t.Fatal(err)
		}
		st := stateOf(c, n)
		if res.Number != n || res.Block != c.Blocks[n].Hash || !bytes.Equal(res.Values[0].Value, scale.AppendU32(nil, n)) ||
			!bytes.Equal(res.Values[1].Value, st[string(key7)]) || len(res.Proof) == 0 {
			t.Fatalf("ReadStorageAt(%d): block %d values %+v", n, res.Number, res.Values)
		}
	}
	// An unknown block.
	bogus := header.Hash{1, 2, 3}
	if _, err := cl.ReadStorageAt(ctxT(t), bogus, [][]byte{testchain.KeySystemNumber}); !errors.Is(err, ErrUnknownBlock) {
		t.Fatalf("ReadStorageAt unknown block: %v", err)
	}
	if _, err := cl.StorageKeys(ctxT(t), bogus, nil, 1, nil); !errors.Is(err, ErrUnknownBlock) {
		t.Fatalf("StorageKeys unknown block: %v", err)
	}
	if _, _, err := cl.NextKey(ctxT(t), bogus, nil); !errors.Is(err, ErrUnknownBlock) {
		t.Fatalf("NextKey unknown block: %v", err)
	}
	if _, ok := cl.Header(bogus); ok {
		t.Fatal("Header of an unknown block")
	}
	if h, ok := cl.Header(oldHash); !ok || h.Number != older {
		t.Fatal("Header of a kept block")
	}
}

func rpcSourceFor(t testing.TB, url, name string) *RPCSource {
	rc, err := rpc.Dial(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	return NewRPCSource(rc, RPCOptions{Name: name})
}

func startClient(t testing.TB, c *testchain.Chain, sources ...Source) *Client {
	t.Helper()
	return startClientSync(t, c, fastSync(), sources...)
}

// startClientSync is startClient with the machine's configuration sc.
func startClientSync(t testing.TB, c *testchain.Chain, sc chainsync.Config, sources ...Source) *Client {
	t.Helper()
	cl, err := New(Config{Genesis: c.Blocks[0].Hash, Checkpoint: genesisCheckpoint(c), Sources: sources, Sync: sc, Tick: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	synced(t, cl)
	return cl
}

// readProofLie makes a server answer state_getReadProof with a proof at
// another block (wrong root) or with half its nodes (truncated).
func readProofLie(c *testchain.Chain, how string) func(string, any) any {
	return func(method string, res any) any {
		m, ok := res.(map[string]any)
		if method != "state_getReadProof" || !ok {
			return res
		}
		proof := m["proof"].([]string)
		switch how {
		case "wrong-root":
			var keys [][]byte
			keys = append(keys, testchain.KeySystemNumber)
			proof = rpctest.ProofHex(c, 3, keys...)
		case "truncated":
			proof = proof[:len(proof)/2]
		}
		return map[string]any{"at": m["at"], "proof": proof}
	}
}

func TestStorageKeysRPC(t *testing.T) {
	c := mapChain(t)
	_, url := newChainServer(t, c, 180)
	cl := startClient(t, c, rpcSourceFor(t, url, "honest"))
	if h, _, _ := cl.Finalized(); h.Number != 180 {
		t.Fatalf("finalized %d", h.Number)
	}
	// Finality proofs bring every header: all blocks are kept.
	if n := cl.m.KnownHeaders(); n != 181 {
		t.Fatalf("%d headers kept, want 181", n)
	}
	checkEnumeration(t, cl, c, 180, 95)
}

func TestStorageKeysRPCLiars(t *testing.T) {
	c := mapChain(t)
	for _, how := range []string{"wrong-root", "truncated"} {
		t.Run(how, func(t *testing.T) {
			liarSrv, liarURL := newChainServer(t, c, 180)
			_, honestURL := newChainServer(t, c, 180)
			liar := rpcSourceFor(t, liarURL, "a-liar")
			honest := rpcSourceFor(t, honestURL, "b-honest")
			cl := startClient(t, c, liar, honest)
			liarSrv.SetLie(readProofLie(c, how))
			want := trueKeys(c, 180, mapPrefix, nil)
			// Several reads so that both peers are asked.
			for i := 0; i < 4 && liar.Banned() == nil; i++ {
				forgetKeyCache(cl)
				if got := pageAll(t, cl, c.Blocks[180].Hash, mapPrefix, nil, 512); !sameKeyList(got, want) {
					t.Fatalf("%d keys, want %d", len(got), len(want))
				}
			}
			if liar.Banned() == nil || !errors.Is(liar.Banned(), chainsync.ErrMalicious) {
				t.Fatalf("liar not banned: %v", liar.Banned())
			}
			if honest.Banned() != nil {
				t.Fatalf("honest banned: %v", honest.Banned())
			}
		})
	}
	t.Run("only-liars", func(t *testing.T) {
		srv, url := newChainServer(t, c, 180)
		cl := startClient(t, c, rpcSourceFor(t, url, "liar"))
		srv.SetLie(readProofLie(c, "truncated"))
		_, err := cl.StorageKeys(ctxT(t), c.Blocks[100].Hash, mapPrefix, 10, nil)
		if !errors.Is(err, chainsync.ErrQueryFailed) || !errors.Is(err, chainsync.ErrMalicious) {
			t.Fatalf("StorageKeys from a liar: %v", err)
		}
		_, err = cl.ReadStorageAt(ctxT(t), c.Blocks[100].Hash, [][]byte{testchain.KeySystemNumber})
		if !errors.Is(err, chainsync.ErrQueryFailed) {
			t.Fatalf("ReadStorageAt from a banned liar: %v", err)
		}
	})
}

// lyingChainSource serves the chain honestly except storage proofs.
type lyingChainSource struct {
	*chainSource
	how string
}

func (s *lyingChainSource) ReadProof(block header.Hash, keys [][]byte) ([][]byte, bool, error) {
	nodes, ok, err := s.chainSource.ReadProof(block, keys)
	switch s.how {
	case "wrong-root":
		_, nodes = trie.Prove(*s.c.Config.Layout, s.c.State(3), keys)
	case "truncated":
		nodes = nodes[:len(nodes)/2]
	}
	return nodes, ok, err
}

// keysOverLiars starts a client of c over p2p full nodes on a mock network:
// two liars (a proof at another block, a truncated proof), then, with
// honest, a truthful node.
func keysOverLiars(t *testing.T, c *testchain.Chain, honest bool) (*Client, *p2p.Host, []*p2ptest.Node) {
	t.Helper()
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	truth := &chainSource{c: c, visible: 180}
	srcs := []p2ptest.Source{
		&lyingChainSource{chainSource: truth, how: "wrong-root"},
		&lyingChainSource{chainSource: truth, how: "truncated"},
	}
	if honest {
		srcs = append(srcs, truth)
	}
	host, nodes := relayNodes(t, mn, c.Blocks[0].Hash, srcs...)
	return startClient(t, c, NewP2PSource(host, nil)), host, nodes
}

func TestStorageKeysP2P(t *testing.T) {
	c := mapChain(t)
	cl, host, nodes := keysOverLiars(t, c, true)
	if h, _, _ := cl.Finalized(); h.Number != 180 {
		t.Fatalf("finalized %d", h.Number)
	}
	// Warp sync keeps the fragment headers: blocks 50, 100, 150 and 180.
	checkEnumeration(t, cl, c, 180, 100)
	for i, n := range nodes[:2] {
		if !host.Banned(n.ID()) {
			t.Fatalf("liar %d not banned", i)
		}
	}
	if host.Banned(nodes[2].ID()) {
		t.Fatal("honest node banned")
	}
}

// forgetKeyCache empties the client's cache of proof nodes for key
// enumeration, so that the next enumeration asks the network again.
func forgetKeyCache(cl *Client) {
	cl.keysMu.Lock()
	cl.keyCache = nil
	cl.keysMu.Unlock()
}

// BenchmarkStorageKeys2000 enumerates the 2000+ keys of a map in one call
// from an empty node cache over an in-memory source: proof rounds and time.
func BenchmarkStorageKeys2000(b *testing.B) {
	c := mapChain(b)
	src := newProverSource(c, 180)
	cl := startClient(b, c, src)
	at := c.Blocks[180].Hash
	want := trueKeys(c, 180, mapPrefix, nil)
	ctx := context.Background()
	var requests int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		forgetKeyCache(cl)
		keys, n, err := cl.storageKeys(ctx, at, mapPrefix, 5000, nil)
		if err != nil || len(keys) != len(want) {
			b.Fatalf("%d keys, %v", len(keys), err)
		}
		requests = n
	}
	b.ReportMetric(float64(requests), "rounds")
	b.ReportMetric(float64(len(want)), "keys")
}

// BenchmarkStorageKeysPaged512 pages through the map by 512 (the cache of
// the block's proof nodes carries over between pages).
func BenchmarkStorageKeysPaged512(b *testing.B) {
	c := mapChain(b)
	src := newProverSource(c, 180)
	cl := startClient(b, c, src)
	at := c.Blocks[180].Hash
	ctx := context.Background()
	var requests int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		forgetKeyCache(cl)
		var start []byte
		requests = 0
		for {
			keys, n, err := cl.storageKeys(ctx, at, mapPrefix, 512, start)
			if err != nil {
				b.Fatal(err)
			}
			requests += n
			if len(keys) < 512 {
				break
			}
			start = keys[len(keys)-1]
		}
	}
	b.ReportMetric(float64(requests), "rounds")
}

// proverSource is a memSource that builds each block's trie once (the
// benchmarks measure the client, not the test server).
type proverSource struct {
	*memSource
	mu      sync.Mutex
	provers map[header.Hash]*trie.Prover
}

func newProverSource(c *testchain.Chain, visible uint32) *proverSource {
	return &proverSource{memSource: newMemSource(c, visible, 0), provers: map[header.Hash]*trie.Prover{}}
}

func (s *proverSource) Do(ctx context.Context, r chainsync.Request) ([]byte, error) {
	if r.Kind != chainsync.KindStorage {
		return s.memSource.Do(ctx, r)
	}
	s.mu.Lock()
	pv, ok := s.provers[r.Block]
	if !ok {
		n := s.number(r.Block)
		if n == ^uint32(0) {
			s.mu.Unlock()
			return nil, errors.New("unknown block")
		}
		pv = trie.NewProver(*s.c.Config.Layout, s.c.State(n))
		s.provers[r.Block] = pv
	}
	s.mu.Unlock()
	return trie.EncodeProofSCALE(pv.Prove(r.Keys)), nil
}

// countingSource counts the storage requests of a memSource.
type countingSource struct {
	*proverSource
	mu      sync.Mutex
	storage int
}

func (s *countingSource) Do(ctx context.Context, r chainsync.Request) ([]byte, error) {
	if r.Kind == chainsync.KindStorage {
		s.mu.Lock()
		s.storage++
		s.mu.Unlock()
	}
	return s.proverSource.Do(ctx, r)
}

func (s *countingSource) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.storage
}

// countedKeysClient starts a client of the map chain over a source that
// counts its requests; at is the finalized block 180.
func countedKeysClient(t *testing.T) (*testchain.Chain, *countingSource, *Client, header.Hash) {
	t.Helper()
	c := mapChain(t)
	src := &countingSource{proverSource: newProverSource(c, 180)}
	return c, src, startClient(t, c, src), c.Blocks[180].Hash
}

// Iterating the whole map with NextKey, as the runtime does, proves keys
// ahead: far fewer requests than keys.
func TestNextKeyIteration(t *testing.T) {
	c, src, cl, at := countedKeysClient(t)
	want := trueKeys(c, 180, mapPrefix, nil)
	before := src.requests()
	var got [][]byte
	key := mapPrefix
	for {
		k, ok, err := cl.NextKey(ctxT(t), at, key)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || !bytes.HasPrefix(k, mapPrefix) {
			break
		}
		got = append(got, k)
		key = k
	}
	if !sameKeyList(got, want) {
		t.Fatalf("iterated %d keys, want %d", len(got), len(want))
	}
	n := src.requests() - before
	if n == 0 || n > len(want)/8 {
		t.Fatalf("%d storage requests for %d keys", n, len(want))
	}
	t.Logf("%d keys by NextKey in %d storage requests", len(got), n)
}

// Keys already proven at a block are read again without a request.
func TestReadStorageAtCached(t *testing.T) {
	c, src, cl, at := countedKeysClient(t)
	all := trueKeys(c, 180, mapPrefix, nil)
	keys := [][]byte{all[10], all[500], []byte("absent"), testchain.KeySystemNumber}
	st := stateOf(c, 180)
	check := func(res *StorageResult) {
		t.Helper()
		for i, v := range res.Values {
			w, ok := st[string(keys[i])]
			if !bytes.Equal(v.Key, keys[i]) || v.Found != ok || !bytes.Equal(v.Value, w) {
				t.Fatalf("key %x: %x %v", keys[i], v.Value, v.Found)
			}
		}
		p, err := trie.NewProof(c.Blocks[180].Header.StateRoot, res.Proof)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range p.GetMany(keys) {
			if v.Err != nil {
				t.Fatal(v.Err)
			}
		}
	}
	res, err := cl.ReadStorageAt(ctxT(t), at, keys)
	if err != nil {
		t.Fatal(err)
	}
	check(res)
	n := src.requests()
	res.Values[0].Value[0] ^= 0xff // the caller's copy
	res, err = cl.ReadStorageAt(ctxT(t), at, keys[:2])
	if err != nil {
		t.Fatal(err)
	}
	res2, err := cl.ReadStorageAt(ctxT(t), at, keys)
	if err != nil {
		t.Fatal(err)
	}
	check(res2)
	if src.requests() != n {
		t.Fatalf("%d more requests for keys already proven", src.requests()-n)
	}
	// A key not covered yet needs a request.
	if _, err := cl.ReadStorageAt(ctxT(t), at, [][]byte{all[1500]}); err != nil || src.requests() != n+1 {
		t.Fatalf("uncovered key: %v, %d requests", err, src.requests()-n)
	}
}

// BenchmarkNextKeyIteration iterates the map key by key with NextKey from
// an empty node cache (the runtime executor's pattern).
func BenchmarkNextKeyIteration(b *testing.B) {
	c := mapChain(b)
	src := &countingSource{proverSource: newProverSource(c, 180)}
	cl := startClient(b, c, src)
	at := c.Blocks[180].Hash
	ctx := context.Background()
	var keys, requests int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		forgetKeyCache(cl)
		before := src.requests()
		keys = 0
		for key := mapPrefix; ; keys++ {
			k, ok, err := cl.NextKey(ctx, at, key)
			if err != nil {
				b.Fatal(err)
			}
			if !ok || !bytes.HasPrefix(k, mapPrefix) {
				break
			}
			key = k
		}
		requests = src.requests() - before
	}
	b.ReportMetric(float64(keys), "keys")
	b.ReportMetric(float64(requests), "requests")
}

// Concurrent enumerations of one block share the node cache.
func TestStorageKeysConcurrent(t *testing.T) {
	c := mapChain(t)
	cl := startClient(t, c, newProverSource(c, 180))
	at := c.Blocks[180].Hash
	want := trueKeys(c, 180, mapPrefix, nil)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := []byte(nil)
			if i%2 == 1 {
				start = want[i*100]
			}
			got, err := cl.StorageKeys(ctxT(t), at, mapPrefix, 5000, start)
			w := want
			if start != nil {
				w = want[i*100+1:]
			}
			if err == nil && !sameKeyList(got, w) {
				err = fmt.Errorf("%d keys, want %d", len(got), len(w))
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
	}
}

// With only lying peers over p2p, enumeration fails with a typed error and
// the liars are banned.
func TestStorageKeysP2POnlyLiars(t *testing.T) {
	c := mapChain(t)
	cl, host, nodes := keysOverLiars(t, c, false)
	_, err := cl.StorageKeys(ctxT(t), c.Blocks[180].Hash, mapPrefix, 10, nil)
	if err == nil {
		t.Fatal("keys from liars")
	}
	t.Logf("error: %v", err)
	if !errors.Is(err, chainsync.ErrMalicious) && !errors.Is(err, ErrVerification) {
		t.Fatalf("untyped error: %v", err)
	}
	for i, n := range nodes {
		if !host.Banned(n.ID()) {
			t.Fatalf("liar %d not banned", i)
		}
	}
}

// Enumeration over a real loopback TCP connection.
func TestStorageKeysP2PLoopback(t *testing.T) {
	c := mapChain(t)
	genesis := c.Blocks[0].Hash
	_, host, boot := loopbackNode(t, "tcp", genesis, &chainSource{c: c, visible: 180})
	cl := startClient(t, c, NewP2PSource(host, boot))
	want := trueKeys(c, 180, mapPrefix, nil)
	if got := pageAll(t, cl, c.Blocks[180].Hash, mapPrefix, nil, 512); !sameKeyList(got, want) {
		t.Fatalf("%d keys, want %d", len(got), len(want))
	}
	wantOld := trueKeys(c, 150, otherPrefix, nil)
	if got := pageAll(t, cl, c.Blocks[150].Hash, otherPrefix, nil, 7); !sameKeyList(got, wantOld) {
		t.Fatalf("block 150: %d keys, want %d", len(got), len(wantOld))
	}
}
