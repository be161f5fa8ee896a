package chainclient

import (
	"bytes"
	"context"
	"encoding/binary"
	"math/big"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
	txvalue "github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keys"
)

// slowSource adds a fixed latency to every request of a source (a peer far
// away) and counts the requests by kind.
type slowSource struct {
	lightclient.Source
	delay time.Duration
	reqs  [16]atomic.Int64
}

func (s *slowSource) Do(ctx context.Context, r chainsync.Request) ([]byte, error) {
	s.reqs[r.Kind].Add(1)
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.Source.Do(ctx, r)
}

// reset zeroes the counters.
func (s *slowSource) reset() {
	for i := range s.reqs {
		s.reqs[i].Store(0)
	}
}

// count is the requests of the kinds a runtime call makes.
func (s *slowSource) count() (storage, callProofs int64) {
	return s.reqs[chainsync.KindStorage].Load(), s.reqs[chainsync.KindCallProof].Load()
}

// callNet is the test network over one transport: it starts light clients
// whose every request is delayed.
type callNet struct {
	name  string
	chain *lighttest.Chain
	// source makes a fresh source for one client.
	source func(tb testing.TB) lightclient.Source
	// setVisible moves the network's finalized head.
	setVisible func(n uint32)
}

// head is the number of the chain's last block.
func (n *callNet) head() uint32 { return uint32(len(n.chain.Blocks) - 1) }

func (n *callNet) client(tb testing.TB, delay time.Duration) (*lightclient.Client, *slowSource) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	src := &slowSource{Source: n.source(tb), delay: delay}
	cl, err := lightclient.New(lightclient.Config{Genesis: n.chain.Genesis(), Checkpoint: n.chain.Checkpoint(),
		Sources: []lightclient.Source{src}, Tick: 10 * time.Millisecond, Sync: chainsync.Config{FollowInterval: 50 * time.Millisecond}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cl.Close() })
	if err := cl.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := cl.WaitSynced(ctx); err != nil {
		tb.Fatal(err)
	}
	return cl, src
}

// rpcCallNet serves the chain over JSON-RPC (no call proofs exist there).
func rpcCallNet(tb testing.TB, c *lighttest.Chain) *callNet {
	n := lighttest.Serve(tb, c)
	return &callNet{name: "rpc", chain: c, setVisible: n.Server.SetVisible, source: func(tb testing.TB) lightclient.Source {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		rc, err := rpc.Dial(ctx, n.URL)
		if err != nil {
			tb.Fatal(err)
		}
		return lightclient.NewRPCSource(rc, lightclient.RPCOptions{Name: "lighttest"})
	}}
}

// p2pCallNet serves the chain from p2ptest full nodes on a mocknet; the
// nodes answer /light/2 remote calls by executing them (prover). lie makes
// the first node forge its call proofs.
func p2pCallNet(tb testing.TB, c *lighttest.Chain, prover *p2ptest.CallProver, lie bool) (*callNet, []*p2ptest.Node) {
	genesis := c.Genesis()
	mn := mocknet.New()
	tb.Cleanup(func() { mn.Close() })
	var nodes []*p2ptest.Node
	for i := 0; i < 2; i++ {
		src := p2ptest.NewChainSource(prover.L)
		src.Calls = prover
		if lie && i == 0 {
			src.SetLie(p2ptest.LieCallProof)
		}
		nd, err := p2ptest.NewMock(mn, p2ptest.FullConfig(genesis, src), src)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { nd.Close() })
		nodes = append(nodes, nd)
	}
	return &callNet{name: "p2p", chain: c, setVisible: prover.L.SetVisible, source: func(tb testing.TB) lightclient.Source {
		lh, err := mn.GenPeer()
		if err != nil {
			tb.Fatal(err)
		}
		host, err := p2p.Wrap(lh, p2p.Config{Genesis: genesis, ProtocolID: "ksmcc3", RequestTimeout: 20 * time.Second,
			DialTimeout: 5 * time.Second, HandshakeTimeout: 5 * time.Second})
		if err != nil {
			tb.Fatal(err)
		}
		if err := mn.LinkAll(); err != nil {
			tb.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, nd := range nodes {
			if _, err := host.Connect(ctx, nd.AddrInfo()); err != nil {
				tb.Fatal(err)
			}
		}
		return lightclient.NewP2PSource(host, nil)
	}}, nodes
}

// warmProver returns the test nodes' call prover with the runtime
// compiled already (a full node has it compiled: its compile time is not
// the light client's).
func warmProver(tb testing.TB, c *lighttest.Chain) *p2ptest.CallProver {
	tb.Helper()
	p := &p2ptest.CallProver{L: p2ptest.NewLiveChain(c.Chain, uint32(len(c.Blocks)-1)), CacheDir: tb.TempDir()}
	tb.Cleanup(func() { p.Close() })
	if _, ok, err := p.Prove(c.Head().Hash, "Core_version", nil); !ok || err != nil {
		tb.Fatalf("prover: %v %v", ok, err)
	}
	return p
}

// callCase is a runtime call to measure.
type callCase struct {
	name, method string
	args         []byte
	check        func(tb testing.TB, out []byte)
}

// transferCalls are TaggedTransactionQueue_validate_transaction and
// TransactionPaymentApi_query_info of a transfer_keep_alive //Alice signs,
// built with the metadata the test network's runtime serves.
func transferCalls(tb testing.TB, n *callNet, compile Compiler) []callCase {
	tb.Helper()
	n.setVisible(n.head())
	cl, _ := n.client(tb, 0)
	l := NewLight(cl, LightOptions{Compile: compile})
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	head := Hash(n.chain.Head().Hash)
	raw, err := l.Metadata(ctx, head)
	if err != nil {
		tb.Fatal(err)
	}
	md, err := metadata.Decode(raw)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := extrinsic.New(md)
	if err != nil {
		tb.Fatal(err)
	}
	alice, err := keys.FromURI("//Alice", keys.Sr25519)
	if err != nil {
		tb.Fatal(err)
	}
	bob, err := keys.FromURI("//Bob", keys.Sr25519)
	if err != nil {
		tb.Fatal(err)
	}
	call, err := calls.New(txvalue.New(md, 2)).TransferKeepAlive(bob.AccountID(), big.NewInt(1_000_000_000_000))
	if err != nil {
		tb.Fatal(err)
	}
	v, err := l.RuntimeVersion(ctx, head)
	if err != nil {
		tb.Fatal(err)
	}
	// CheckGenesis compares with System.BlockHash(0) of the state.
	sys, bh := hash.Twox128([]byte("System")), hash.Twox128([]byte("BlockHash"))
	zero := scale.AppendU32(nil, 0)
	tw := hash.Twox64(zero)
	key := append(append(append(append([]byte{}, sys[:]...), bh[:]...), tw[:]...), zero...)
	gv, found, err := l.Storage(ctx, key, head)
	if err != nil || !found || len(gv) != 32 {
		tb.Fatalf("System.BlockHash(0): %x %v %v", gv, found, err)
	}
	ext, err := f.Sign(call, &extrinsic.Params{SpecVersion: v.SpecVersion, TxVersion: v.TransactionVersion,
		GenesisHash: [32]byte(gv), BlockHash: [32]byte(gv)}, alice)
	if err != nil {
		tb.Fatal(err)
	}
	validate := append(append([]byte{2}, ext...), head[:]...) // TransactionSource::External
	info := scale.AppendU32(append([]byte(nil), ext...), uint32(len(ext)))
	return []callCase{
		{"validate_transaction", "TaggedTransactionQueue_validate_transaction", validate, func(tb testing.TB, out []byte) {
			if len(out) < 2 || out[0] != 0 {
				tb.Fatalf("transfer not valid: %x", out)
			}
		}},
		{"query_info", "TransactionPaymentApi_query_info", info, func(tb testing.TB, out []byte) {
			d := scale.NewDecoder(out)
			d.CompactU64()
			d.CompactU64()
			d.U8()
			if fee, err := d.Uint(16); err != nil || d.Finish() != nil || fee.Sign() <= 0 {
				tb.Fatalf("RuntimeDispatchInfo %x: %v", out, err)
			}
		}},
	}
}

// measurement is one call at the head of a fresh client.
type measurement struct {
	storage, callProofs int64
	wall                time.Duration
	out                 []byte
	// keys is how many distinct keys the call read (with prefetch).
	keys int
}

// measureCall starts a fresh client (empty caches) while the block before
// the head is the finalized one, runs the call there (compiling the
// runtime; with prefetch, the read set is remembered), lets the client
// follow finality to the head, then measures the same call at the head:
// the requests it made and its wall time.
func measureCall(tb testing.TB, n *callNet, c callCase, compile Compiler, delay time.Duration, prefetch bool) measurement {
	tb.Helper()
	n.setVisible(n.head() - 1)
	cl, src := n.client(tb, delay)
	l := NewLight(cl, LightOptions{Compile: compile, NoPrefetch: !prefetch})
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	prev, head := Hash(n.chain.Blocks[n.head()-1].Hash), Hash(n.chain.Head().Hash)
	if _, err := l.RuntimeCall(ctx, c.method, c.args, prev); err != nil {
		tb.Fatalf("%s at genesis: %v", c.method, err)
	}
	n.setVisible(n.head())
	deadline := time.Now().Add(time.Minute)
	for h, _, _ := cl.Finalized(); h.Number != n.head(); h, _, _ = cl.Finalized() {
		if time.Now().After(deadline) {
			tb.Fatalf("the client did not follow to block %d", n.head())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The code of the head (same runtime) is read outside the measure.
	st, err := l.state(head)
	if err != nil {
		tb.Fatal(err)
	}
	rc, err := l.code(ctx, st)
	if err != nil {
		tb.Fatal(err)
	}
	m := timeCall(ctx, tb, l, src, c, head)
	rs, _ := l.calls.get(callKey{rc.hash, c.method}, "")
	m.keys = len(rs)
	return m
}

// timeCall runs c at head on l, counting the requests src answers for
// it, and checks its answer.
func timeCall(ctx context.Context, tb testing.TB, l *Light, src *slowSource, c callCase, head Hash) measurement {
	tb.Helper()
	src.reset()
	start := time.Now()
	out, err := l.RuntimeCall(ctx, c.method, c.args, head)
	wall := time.Since(start)
	if err != nil {
		tb.Fatalf("%s at head: %v", c.method, err)
	}
	c.check(tb, out)
	s, cp := src.count()
	return measurement{storage: s, callProofs: cp, wall: wall, out: out}
}

// measureNextCommand runs the call at the head with a fresh client and a
// read-set directory (a first command), then measures it with another fresh
// client using the same directory (the next command: nothing in memory).
func measureNextCommand(tb testing.TB, n *callNet, c callCase, compile Compiler, delay time.Duration, dir string) measurement {
	tb.Helper()
	n.setVisible(n.head())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	head := Hash(n.chain.Head().Hash)
	cl1, _ := n.client(tb, 0)
	l1 := NewLight(cl1, LightOptions{Compile: compile, ReadSets: dir})
	if _, err := l1.RuntimeCall(ctx, c.method, c.args, head); err != nil {
		tb.Fatal(err)
	}
	l1.Close()
	cl, src := n.client(tb, delay)
	l := NewLight(cl, LightOptions{Compile: compile, ReadSets: dir})
	defer l.Close()
	st, err := l.state(head)
	if err != nil {
		tb.Fatal(err)
	}
	rc, err := l.code(ctx, st)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := l.program(ctx, rc); err != nil { // from the compilation cache
		tb.Fatal(err)
	}
	return timeCall(ctx, tb, l, src, c, head)
}

// TestLightCallPrefetch measures TaggedTransactionQueue_validate_transaction
// and TransactionPaymentApi_query_info on the real Kusama runtime over the
// test network, each request delayed 50 ms, without and with prefetching:
// over p2p the call proof brings the call's reads in one request; over RPC
// the read set the previous execution remembered is proven in one batch.
// The answers are the same; the requests drop to a couple.
func TestLightCallPrefetch(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and runs the Kusama runtime")
	}
	const delay = 50 * time.Millisecond
	c := lighttest.Shared(t, lighttest.Options{})
	defer func(d time.Duration) { CallProofTimeout = d }(CallProofTimeout)
	CallProofTimeout = time.Minute // a proof takes seconds on a loaded machine; the test counts requests, not time
	compile := ExecutorCompiler(t.TempDir())
	prover := warmProver(t, c)
	pn, _ := p2pCallNet(t, c, prover, false)
	nets := []*callNet{rpcCallNet(t, c), pn}
	cases := transferCalls(t, nets[0], compile)
	// A peer whose call proofs omit keys is merely slower: the keys the
	// last execution read are proven in one batch, the answer is the same.
	t.Run("p2p-omitting/validate_transaction", func(t *testing.T) {
		before := measureCall(t, pn, cases[0], compile, delay, false)
		prover.Omit = 3
		defer func() { prover.Omit = 0 }()
		after := measureCall(t, pn, cases[0], compile, delay, true)
		t.Logf("before: %d storage requests, %v; after: %d storage + %d call-proof requests, %v",
			before.storage, before.wall.Round(time.Millisecond), after.storage, after.callProofs, after.wall.Round(time.Millisecond))
		if !bytes.Equal(before.out, after.out) || after.callProofs != 1 || after.storage < 1 || after.storage > 2 {
			t.Fatalf("omitting peer: %+v", after)
		}
	})
	// Over RPC the read set kept on disk serves the next command's first
	// call.
	t.Run("rpc-next-command/validate_transaction", func(t *testing.T) {
		m := measureNextCommand(t, nets[0], cases[0], compile, delay, filepath.Join(t.TempDir(), "readsets"))
		t.Logf("next command: %d storage requests, %v", m.storage, m.wall.Round(time.Millisecond))
		if m.storage != 1 || m.callProofs != 0 {
			t.Fatalf("next command: %+v", m)
		}
	})
	for _, n := range nets {
		for _, cc := range cases {
			t.Run(n.name+"/"+cc.name, func(t *testing.T) {
				before := measureCall(t, n, cc, compile, delay, false)
				after := measureCall(t, n, cc, compile, delay, true)
				t.Logf("%d keys read; before: %d storage requests, %v; after: %d storage + %d call-proof requests, %v",
					after.keys, before.storage, before.wall.Round(time.Millisecond), after.storage, after.callProofs, after.wall.Round(time.Millisecond))
				if !bytes.Equal(before.out, after.out) {
					t.Fatalf("answers differ: %x / %x", before.out, after.out)
				}
				if before.callProofs != 0 || before.storage < 1 {
					t.Fatalf("without prefetch: %d storage, %d call-proof requests", before.storage, before.callProofs)
				}
				if total := after.storage + after.callProofs; total > 2 || total > before.storage {
					t.Fatalf("with prefetch: %d storage + %d call-proof requests (before: %d)", after.storage, after.callProofs, before.storage)
				}
				if n.name == "p2p" && after.callProofs != 1 {
					t.Fatalf("p2p: %d call proofs", after.callProofs)
				}
				if n.name == "rpc" && after.callProofs != 0 {
					t.Fatalf("rpc: %d call proofs", after.callProofs)
				}
				if after.wall >= before.wall {
					t.Logf("note: not faster (%v >= %v)", after.wall, before.wall)
				}
			})
		}
	}
}

// TestLightCallProofLiar: a peer whose call proof does not hash-link from
// the state root is banned; the call still answers what the honest run
// answers (from the other peer's proof or key-by-key reads).
func TestLightCallProofLiar(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and runs the Kusama runtime")
	}
	c := lighttest.Shared(t, lighttest.Options{})
	defer func(d time.Duration) { CallProofTimeout = d }(CallProofTimeout)
	CallProofTimeout = time.Minute // the prover compiles the runtime first: seconds on a loaded machine
	compile := ExecutorCompiler(t.TempDir())
	prover := &p2ptest.CallProver{L: p2ptest.NewLiveChain(c.Chain, uint32(len(c.Blocks)-1)), CacheDir: t.TempDir()}
	t.Cleanup(func() { prover.Close() })
	n, nodes := p2pCallNet(t, c, prover, true)
	cl, src := n.client(t, 0)
	l := NewLight(cl, LightOptions{Compile: compile})
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	head := Hash(c.Head().Hash)
	host := src.Source.(*lightclient.P2PSource).Host()
	alice := aliceAccountKey[len(aliceAccountKey)-32:]
	// Peers are picked least recently used among those not busy, so on a
	// loaded machine the forger may be busy when a call is made: call until
	// it has been asked and banned (every answer must be right meanwhile),
	// not a fixed three times.
	for i := 0; i < 3 || (i < 40 && !host.Banned(nodes[0].ID())); i++ {
		out, err := l.RuntimeCall(ctx, "AccountNonceApi_account_nonce", alice, head)
		if err != nil {
			t.Fatal(err)
		}
		acc, _ := c.Value(aliceAccountKey)
		if len(out) != 4 || binary.LittleEndian.Uint32(out) != binary.LittleEndian.Uint32(acc) {
			t.Fatalf("nonce %x", out)
		}
		l.mu.Lock()
		l.states = map[Hash]*blockState{} // read again: another call proof
		l.order = nil
		l.mu.Unlock()
	}
	if prover.Proofs.Load() == 0 {
		t.Fatal("no call proof asked")
	}
	deadline := time.Now().Add(time.Minute) // a safety net, generous for a loaded machine
	for !host.Banned(nodes[0].ID()) {
		if time.Now().After(deadline) {
			t.Fatal("the forging peer is not banned")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if host.Banned(nodes[1].ID()) {
		t.Fatal("the honest peer is banned")
	}
}

// BenchmarkLightCallPrefetch reports the requests and wall time of
// validate_transaction at the head of a fresh client with 50 ms per
// request, over each transport, without and with prefetching.
func BenchmarkLightCallPrefetch(b *testing.B) {
	const delay = 50 * time.Millisecond
	c := lighttest.Shared(b, lighttest.Options{})
	compile := ExecutorCompiler(b.TempDir())
	prover := warmProver(b, c)
	pn, _ := p2pCallNet(b, c, prover, false)
	nets := []*callNet{rpcCallNet(b, c), pn}
	cc := transferCalls(b, nets[0], compile)[0]
	for _, n := range nets {
		for _, prefetch := range []bool{false, true} {
			name := n.name + "/before"
			if prefetch {
				name = n.name + "/after"
			}
			b.Run(name, func(b *testing.B) {
				var reqs int64
				var wall time.Duration
				for b.Loop() {
					m := measureCall(b, n, cc, compile, delay, prefetch)
					reqs += m.storage + m.callProofs
					wall += m.wall
				}
				b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
				b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "call-ms/op")
			})
		}
	}
}
