package chainclient

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// paraNet is a relay chain whose block n records block n-2 of para as the
// head of parachain 1000, both served over JSON-RPC, and a started relay
// light client with a para-capable source.
type paraNet struct {
	relay, para *testchain.Chain
	relaySrv    *rpctest.Server
	cl          *lightclient.Client
}

func newParaNet(t *testing.T, para *testchain.Chain, relayBlocks, visible uint32) *paraNet {
	t.Helper()
	relay, err := testchain.Generate(testchain.Config{Seed: "chain-lightpara-relay", Blocks: int(relayBlocks), SetLength: 20,
		ExtraState: func(n uint32) []trie.KV {
			p := min(int(n-min(n, 2)), len(para.Blocks)-1)
			return []trie.KV{{Key: parachain.HeadsKey(1000), Value: parachain.EncodeHeadData(para.Blocks[p].Header)}}
		}})
	if err != nil {
		t.Fatal(err)
	}
	relaySrv := rpctest.New(relay, visible)
	relayURL, stop := relaySrv.Start()
	t.Cleanup(stop)
	paraURL, stopPara := rpctest.New(para, uint32(len(para.Blocks)-1)).Start()
	t.Cleanup(stopPara)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rc, err := rpc.Dial(ctx, relayURL)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := rpc.Dial(ctx, paraURL)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := lightclient.New(lightclient.Config{Genesis: relay.Blocks[0].Hash,
		Checkpoint: &chainspec.Checkpoint{Header: relay.Blocks[0].Header, Hash: relay.Blocks[0].Hash, Grandpa: &chainspec.GrandpaState{Set: relay.Set(0)}},
		Sources: []lightclient.Source{lightclient.NewRPCSource(rc, lightclient.RPCOptions{Name: "relay"}),
			lightclient.NewRPCSource(pc, lightclient.RPCOptions{Name: "asset-hub", Para: true, ParaID: 1000})},
		Sync: chainsync.Config{FollowInterval: 20 * time.Millisecond, Cooldown: 10 * time.Millisecond}, Tick: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	if err := cl.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return &paraNet{relay: relay, para: para, relaySrv: relaySrv, cl: cl}
}

var paraMapPrefix = func() []byte {
	p, i := hash.Twox128([]byte("Assets")), hash.Twox128([]byte("Account"))
	return append(p[:], i[:]...)
}()

// paraAccounts is a map of 150+n entries at para block n.
func paraAccounts(n uint32) []trie.KV {
	var kvs []trie.KV
	for i := 0; i < 150+int(n); i++ {
		ib := scale.AppendU32(nil, uint32(i))
		h := hash.Blake2b128(ib)
		kvs = append(kvs, trie.KV{Key: append(append(append([]byte(nil), paraMapPrefix...), h[:]...), ib...), Value: scale.AppendU32(ib, n)})
	}
	return kvs
}

func paraKeys(c *testchain.Chain, n uint32, prefix []byte) [][]byte {
	var out [][]byte
	for _, kv := range c.State(n) {
		if bytes.HasPrefix(kv.Key, prefix) {
			out = append(out, kv.Key)
		}
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i], out[j]) < 0 })
	return out
}

func TestLightParaStorage(t *testing.T) {
	para, err := testchain.Generate(testchain.Config{Seed: "chain-lightpara-para", Blocks: 40, ExtraState: paraAccounts})
	if err != nil {
		t.Fatal(err)
	}
	n := newParaNet(t, para, 40, 30)
	var closed bool
	var c Chain = NewLightPara(n.cl.Para(1000), LightOptions{Genesis: Hash(para.Blocks[0].Hash), Close: func() error { closed = true; return nil }})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if !c.Verified() {
		t.Fatal("not verified")
	}
	if g, _ := c.GenesisHash(ctx); g != Hash(para.Blocks[0].Hash) {
		t.Fatalf("genesis %s", g)
	}
	fin, err := c.FinalizedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Relay block 30 records para block 28.
	if fin.Number != 28 || fin.Hash != Hash(para.Blocks[28].Hash) || fin.StateRoot != Hash(para.Blocks[28].Header.StateRoot) {
		t.Fatalf("finalized %+v", fin)
	}
	if best, err := c.BestHead(ctx); err != nil || *best != *fin {
		t.Fatalf("best %+v %v", best, err)
	}
	if h, err := c.Header(ctx, fin.Hash); err != nil || h.ParentHash != Hash(para.Blocks[27].Hash) {
		t.Fatalf("header %+v %v", h, err)
	}
	accounts := paraAccounts(28)
	for _, i := range []int{0, 7, 177} {
		v, found, err := c.Storage(ctx, accounts[i].Key, fin.Hash)
		if err != nil || !found || !bytes.Equal(v, accounts[i].Value) {
			t.Fatalf("account %d: %x %v %v", i, v, found, err)
		}
	}
	if _, found, err := c.Storage(ctx, append(bytes.Clone(paraMapPrefix), 1, 2, 3), fin.Hash); err != nil || found {
		t.Fatalf("absent key: %v %v", found, err)
	}
	// Keys by pages equal the true set.
	want := paraKeys(para, 28, paraMapPrefix)
	var all [][]byte
	var start []byte
	for {
		page, err := c.StorageKeys(ctx, paraMapPrefix, 50, start, fin.Hash)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if len(page) < 50 {
			break
		}
		start = page[len(page)-1]
	}
	if len(all) != len(want) || len(want) != 178 {
		t.Fatalf("%d keys, want %d", len(all), len(want))
	}
	for i := range want {
		if !bytes.Equal(all[i], want[i]) {
			t.Fatalf("key %d: %x, want %x", i, all[i], want[i])
		}
	}

	// Relay finality moves: the finalized para head follows, the older head
	// stays readable.
	n.relaySrv.SetVisible(40)
	deadline := time.Now().Add(time.Minute) // a safety net, generous for a loaded machine
	for {
		if h, _, _ := n.cl.Finalized(); h.Number == 40 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("relay did not follow")
		}
		time.Sleep(5 * time.Millisecond)
	}
	fin2, err := c.FinalizedHead(ctx)
	if err != nil || fin2.Number != 38 {
		t.Fatalf("new finalized %+v %v", fin2, err)
	}
	if v, _, err := c.Storage(ctx, accounts[7].Key, fin.Hash); err != nil || !bytes.Equal(v, accounts[7].Value) {
		t.Fatalf("old head read %x %v", v, err)
	}
	if v, _, err := c.Storage(ctx, accounts[7].Key, fin2.Hash); err != nil || !bytes.Equal(v, paraAccounts(38)[7].Value) {
		t.Fatalf("new head read %x %v", v, err)
	}
	// Pin keeps reads at one head.
	lp := c.(*LightPara)
	if p, err := lp.Pin(ctx); err != nil || p.Hash != fin2.Hash {
		t.Fatalf("pin %+v %v", p, err)
	}
	lp.Unpin()

	// Unknown blocks: not found. Relay blocks are not para blocks.
	for _, b := range []Hash{Hash(para.Blocks[29].Hash), Hash(n.relay.Blocks[40].Hash)} {
		if _, err := c.Header(ctx, b); !errors.Is(err, ErrNotFound) {
			t.Fatalf("header %s: %v", b, err)
		}
		if _, _, err := c.Storage(ctx, accounts[0].Key, b); !errors.Is(err, ErrNotFound) {
			t.Fatalf("storage at %s: %v", b, err)
		}
		if _, err := c.StorageKeys(ctx, paraMapPrefix, 5, nil, b); !errors.Is(err, ErrNotFound) {
			t.Fatalf("keys at %s: %v", b, err)
		}
	}
	// Bodies and submission need the parachain's own network.
	if _, err := c.BlockBody(ctx, fin.Hash); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("body: %v", err)
	}
	_, err = c.Submit(ctx, []byte{4, 1, 2})
	var se *SubmitError
	if !errors.As(err, &se) || se.MaybeSent || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("submit: %v", err)
	}
	if lp.ParaID() != 1000 {
		t.Fatal("para id")
	}
	if err := c.Close(); err != nil || !closed {
		t.Fatalf("close %v %v", err, closed)
	}
}

func TestLightParaNoHead(t *testing.T) {
	para, err := testchain.Generate(testchain.Config{Seed: "chain-lightpara-nohead", Blocks: 10})
	if err != nil {
		t.Fatal(err)
	}
	n := newParaNet(t, para, 10, 10)
	c := NewLightPara(n.cl.Para(2000), LightOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.FinalizedHead(ctx); !errors.Is(err, ErrNotFound) || !errors.Is(err, parachain.ErrNoHead) {
		t.Fatalf("finalized head of a para without one: %v", err)
	}
}

// A fake ParaClient: LightPara's own logic without the network.
type fakePara struct {
	heads []*lightclient.ParaHead
	calls int
}

func (f *fakePara) ParaID() uint32 { return 7 }
func (f *fakePara) Head(context.Context) (*lightclient.ParaHead, error) {
	h := f.heads[min(f.calls, len(f.heads)-1)]
	f.calls++
	return h, nil
}
func (f *fakePara) Header(hash header.Hash) (*header.Header, bool) {
	for _, h := range f.heads {
		if h.Hash == hash {
			return h.Header, true
		}
	}
	return nil, false
}
func (f *fakePara) ReadStorageAt(context.Context, header.Hash, [][]byte) (*lightclient.StorageResult, error) {
	return nil, lightclient.ErrClosed
}
func (f *fakePara) StorageKeys(context.Context, header.Hash, []byte, int, []byte) ([][]byte, error) {
	return nil, lightclient.ErrClosed
}
func (f *fakePara) NextKey(context.Context, header.Hash, []byte) ([]byte, bool, error) {
	return nil, false, lightclient.ErrClosed
}

// The finalized para head never moves back to one proven at an older relay
// block (two concurrent proofs finishing out of order), and errors map to
// the chain sentinels.
func TestLightParaHeadOrder(t *testing.T) {
	mk := func(n, relay uint32) *lightclient.ParaHead {
		h := &header.Header{Number: n}
		return &lightclient.ParaHead{ParaID: 7, Header: h, Hash: h.Hash(), RelayNumber: relay}
	}
	f := &fakePara{heads: []*lightclient.ParaHead{mk(10, 12), mk(9, 11), mk(11, 13)}}
	l := NewLightPara(f, LightOptions{})
	ctx := context.Background()
	for i, want := range []uint64{10, 10, 11} {
		h, err := l.FinalizedHead(ctx)
		if err != nil || h.Number != want {
			t.Fatalf("call %d: %+v %v, want #%d", i, h, err, want)
		}
	}
	if _, _, err := l.Storage(ctx, []byte("k"), Hash(f.heads[0].Hash)); !errors.Is(err, ErrDisconnected) {
		t.Fatalf("closed client read: %v", err)
	}
	var _ Chain = l
}

// Head is the pinned head with the relay block that proved it, staying put
// while later heads are proven; CanSubmit says whether Submit sends.
func TestLightParaPinHead(t *testing.T) {
	mk := func(n, relay uint32) *lightclient.ParaHead {
		h := &header.Header{Number: n}
		return &lightclient.ParaHead{ParaID: 7, Header: h, Hash: h.Hash(), Relay: header.Hash{byte(relay)}, RelayNumber: relay}
	}
	f := &fakePara{heads: []*lightclient.ParaHead{mk(10, 12), mk(11, 13), mk(12, 14)}}
	l := NewLightPara(f, LightOptions{})
	if l.Head() != nil || l.CanSubmit() {
		t.Fatalf("fresh: head %v, can submit %v", l.Head(), l.CanSubmit())
	}
	ctx := context.Background()
	h, err := l.Pin(ctx)
	if err != nil || h.Number != 10 {
		t.Fatalf("pin: %+v %v", h, err)
	}
	// A later proof (another reader asking for the latest head) does not
	// move the pinned head nor its relay block.
	if err := l.pl.WaitSynced(ctx); err != nil {
		t.Fatal(err)
	}
	ph := l.Head()
	if ph == nil || ph.Header.Number != 10 || ph.RelayNumber != 12 || ph.Relay != (header.Hash{12}) {
		t.Fatalf("pinned head %+v", ph)
	}
	if fh, err := l.FinalizedHead(ctx); err != nil || fh.Number != 10 {
		t.Fatalf("finalized while pinned: %+v %v", fh, err)
	}
	if _, err := l.Submit(ctx, []byte{1}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("submit without a submitter: %v", err)
	}
	sent := false
	l2 := NewLightPara(f, LightOptions{Submit: func(context.Context, []byte) (Watch, error) { sent = true; return nil, nil }})
	if !l2.CanSubmit() {
		t.Fatal("CanSubmit false with a submitter")
	}
	if _, err := l2.Submit(ctx, []byte{1}); err != nil || !sent {
		t.Fatalf("submit through the submitter: %v %v", err, sent)
	}
}

// The real Kusama Asset Hub runtime (asset-hub-kusama-local's code),
// executed over storage proven through the relay chain.
func TestLightParaRealRuntime(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the Asset Hub runtime")
	}
	ah := lighttest.Shared(t, lighttest.Options{Spec: "asset-hub-kusama-local.json", Seed: "chain-lightpara-ah", Blocks: 6})
	n := newParaNet(t, ah.Chain, 8, 8)
	l := NewLightPara(n.cl.Para(1000), LightOptions{Genesis: Hash(ah.Genesis()), Compile: ExecutorCompiler(t.TempDir())})
	t.Cleanup(func() { l.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	head, err := l.FinalizedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if head.Number != 6 || head.Hash != Hash(ah.Blocks[6].Hash) {
		t.Fatalf("para head %+v", head)
	}
	v, err := l.RuntimeVersion(ctx, head.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if v.SpecName != "statemine" {
		t.Fatalf("runtime version %+v", v)
	}
	raw, err := l.RuntimeCall(ctx, "Core_version", nil, head.Hash)
	if err != nil {
		t.Fatal(err)
	}
	cv, err := DecodeRuntimeVersion(raw)
	if err != nil || *cv != *v {
		t.Fatalf("Core_version %+v %v, the code's section says %+v", cv, err, v)
	}
	t.Logf("asset hub runtime %+v", v)
	md, err := l.Metadata(ctx, head.Hash)
	if err != nil {
		t.Fatal(err)
	}
	m, err := metadata.Decode(md)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("asset hub metadata v%d, %d bytes", m.Version, len(md))
	// Asset Hub's pallets; an early-2024 runtime: no staking yet.
	for _, name := range []string{"System", "Balances", "Assets", "ParachainSystem", "PolkadotXcm"} {
		if _, err := m.Pallet(name); err != nil {
			t.Errorf("asset hub metadata lacks %s: %v", name, err)
		}
	}
	if _, err := m.Pallet("Staking"); err == nil {
		t.Error("the early-2024 asset hub runtime has Staking?")
	}
	// AccountNonceApi over proven System.Account of //Alice, as genesis says.
	acc, ok := ah.Value(aliceAccountKey)
	if !ok {
		t.Fatal("alice not endowed on asset hub")
	}
	nonce, err := l.NextNonce(ctx, [32]byte(aliceAccountKey[len(aliceAccountKey)-32:]))
	if err != nil || nonce != uint64(binary.LittleEndian.Uint32(acc)) {
		t.Fatalf("nonce %d %v, genesis says %d", nonce, err, binary.LittleEndian.Uint32(acc))
	}
	v2, _, err := l.Storage(ctx, aliceAccountKey, head.Hash)
	if err != nil || !bytes.Equal(v2, acc) {
		t.Fatalf("alice account %x %v", v2, err)
	}
}

// fakeP2PSubmitter stands for the parachain's own network.
type fakeP2PSubmitter struct {
	err    error
	body   [][]byte
	bodyOf header.Hash
}

func (f *fakeP2PSubmitter) Submit(context.Context, []byte) (*lightclient.Submission, error) {
	return nil, f.err
}

func (f *fakeP2PSubmitter) BlockBody(_ context.Context, block header.Hash) ([][]byte, error) {
	if block != f.bodyOf {
		return nil, lightclient.ErrUnknownBlock
	}
	return f.body, nil
}

// Without an endpoint or the parachain's network LightPara cannot send;
// given the network (SubmitOverP2P) it sends there and serves bodies from
// it, its errors classified like the relay light client's.
func TestLightParaSubmitOverP2P(t *testing.T) {
	h := &header.Header{Number: 3}
	f := &fakePara{heads: []*lightclient.ParaHead{{ParaID: 7, Header: h, Hash: h.Hash()}}}
	l := NewLightPara(f, LightOptions{})
	ctx := context.Background()
	var se *SubmitError
	if _, err := l.Submit(ctx, []byte{4, 1}); l.CanSubmit() || !errors.As(err, &se) || se.MaybeSent || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("without a way to send: can %v, %v", l.CanSubmit(), err)
	}
	if _, err := l.BlockBody(ctx, Hash(h.Hash())); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("body without the network: %v", err)
	}
	p := &fakeP2PSubmitter{body: [][]byte{{4, 1}}, bodyOf: h.Hash()}
	l.SubmitOverP2P(p)
	if !l.CanSubmit() {
		t.Fatal("cannot submit over the parachain's network")
	}
	for _, tc := range []struct {
		err      error
		rejected bool
	}{
		{fmt.Errorf("%w: no full peer took the transaction", lightclient.ErrUnreachable), false},
		{fmt.Errorf("%w: empty extrinsic", lightclient.ErrRejected), true},
	} {
		p.err = tc.err
		_, err := l.Submit(ctx, []byte{4, 1})
		var re *RejectedError
		if errors.As(err, &re) != tc.rejected || (!tc.rejected && !errors.As(err, &se)) {
			t.Fatalf("submit failing with %v: %v", tc.err, err)
		}
	}
	if b, err := l.BlockBody(ctx, Hash(h.Hash())); err != nil || len(b) != 1 {
		t.Fatalf("body: %v %v", b, err)
	}
	if _, err := l.BlockBody(ctx, Hash{1}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("body of an unknown block: %v", err)
	}
}
