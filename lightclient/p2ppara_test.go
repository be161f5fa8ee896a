package lightclient

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// testParaNetwork is the network of the generated parachain of paraChains
// (para 1000, Substrate's default protocol id).
func testParaNetwork(p *testchain.Chain) *ParaNetwork {
	return &ParaNetwork{ParaID: 1000, Relay: "test-relay", Genesis: p.Blocks[0].Hash}
}

func testHostConfig() p2p.Config {
	return p2p.Config{RequestTimeout: 5 * time.Second, DialTimeout: 5 * time.Second, HandshakeTimeout: 5 * time.Second}
}

// p2pRelaySource is a P2PSource on mn connected to a relay full node
// serving relay up to block visible.
func p2pRelaySource(t testing.TB, mn mocknet.Mocknet, relay *testchain.Chain, visible uint32) *P2PSource {
	t.Helper()
	s, _ := p2pRelayLive(t, mn, relay, visible)
	return s
}

// p2pRelayLive is p2pRelaySource with the relay node's live chain.
func p2pRelayLive(t testing.TB, mn mocknet.Mocknet, relay *testchain.Chain, visible uint32) (*P2PSource, *p2ptest.LiveChain) {
	t.Helper()
	genesis := relay.Blocks[0].Hash
	l := p2ptest.NewLiveChain(relay, visible)
	src := p2ptest.NewChainSource(l)
	h, _ := relayNodes(t, mn, genesis, src)
	return NewP2PSource(h, nil), l
}

// paraNodes starts one parachain full node on mn per lie.
func paraNodes(t testing.TB, mn mocknet.Mocknet, p *testchain.Chain, lies ...p2ptest.ParaLie) ([]*p2ptest.Node, []*p2ptest.ParaSource) {
	t.Helper()
	l := p2ptest.NewLiveChain(p, uint32(len(p.Blocks)-1))
	srcs := make([]*p2ptest.ParaSource, len(lies))
	for i, lie := range lies {
		srcs[i] = p2ptest.NewParaSource(l)
		srcs[i].SetLie(lie)
	}
	return paraMocks(t, mn, srcs), srcs
}

// paraMocks starts one parachain full node on mn per source.
func paraMocks(t testing.TB, mn mocknet.Mocknet, srcs []*p2ptest.ParaSource) []*p2ptest.Node {
	t.Helper()
	nodes := make([]*p2ptest.Node, len(srcs))
	for i, src := range srcs {
		n, err := p2ptest.NewParaMock(mn, "", src)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
		nodes[i] = n
	}
	return nodes
}

// p2pParaSource is a P2PParaSource on mn connected to nodes.
func p2pParaSource(t testing.TB, mn mocknet.Mocknet, p *testchain.Chain, nodes []*p2ptest.Node) *P2PParaSource {
	t.Helper()
	lh, err := mn.GenPeer()
	if err != nil {
		t.Fatal(err)
	}
	pn := testParaNetwork(p)
	h, err := p2p.Wrap(lh, pn.HostConfig(testHostConfig()))
	if err != nil {
		t.Fatal(err)
	}
	if err := mn.LinkAll(); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if _, err := h.Connect(context.Background(), n.AddrInfo()); err != nil {
			t.Fatal(err)
		}
	}
	return NewP2PParaSource(h, nil, pn.ParaID)
}

// p2pParaClient is a client following, on one mock network, a relay chain
// through a P2P relay node showing it up to a visible block, and its
// parachain through a P2PParaSource connected to one para node per lie.
type p2pParaClient struct {
	relay, para *testchain.Chain
	nodes       []*p2ptest.Node
	srcs        []*p2ptest.ParaSource
	ps          *P2PParaSource
	cl          *Client
}

// startP2PParaClient starts a p2pParaClient over paraChains and waits
// until the client knows every node.
func startP2PParaClient(t testing.TB, visible uint32, lies ...p2ptest.ParaLie) *p2pParaClient {
	t.Helper()
	n := new(p2pParaClient)
	n.relay, n.para = paraChains(t)
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	rs := p2pRelaySource(t, mn, n.relay, visible)
	n.nodes, n.srcs = paraNodes(t, mn, n.para, lies...)
	n.ps = p2pParaSource(t, mn, n.para, n.nodes)
	n.cl = startParaClient(t, n.relay, 1+len(lies), rs, n.ps)
	return n
}

// startParaClient is startClient that also waits until the client knows
// peers peers (relay and para): the sources' first events reach the driver
// on goroutines of their own, possibly after the relay synced.
func startParaClient(t testing.TB, relay *testchain.Chain, peers int, sources ...Source) *Client {
	t.Helper()
	cl := startClient(t, relay, sources...)
	waitFor(t, fmt.Sprintf("client knows %d peers", peers), func() bool { return cl.Status().Peers >= peers })
	return cl
}

func TestP2PParaSource(t *testing.T) {
	n := startP2PParaClient(t, 40, p2ptest.ParaTruthful)
	relay, p, srcs, cl := n.relay, n.para, n.srcs, n.cl
	ctx := ctxT(t)
	pv := cl.Para(1000)

	res, err := pv.ReadStorageAt(ctx, header.Hash{}, [][]byte{testchain.KeySystemNumber, paraMapState(0)[11].Key, []byte("absent")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Number != 40 || res.Block != relay.Blocks[40].Hash {
		t.Fatalf("proved at relay %d %s", res.Number, res.Block)
	}
	checkParaValues(t, p, 38, res)
	head, ok := pv.Latest()
	if !ok || head.Hash != p.Blocks[38].Hash {
		t.Fatalf("latest %+v", head)
	}
	if got, err := pv.StorageKeys(ctx, head.Hash, mapPrefix, 1000, nil); err != nil || !sameKeyList(got, trueKeys(p, 38, mapPrefix, nil)) {
		t.Fatalf("keys %d %v", len(got), err)
	}
	want := trueKeys(p, 38, mapPrefix, nil)
	page, err := pv.StorageKeys(ctx, head.Hash, mapPrefix, 25, want[100])
	if err != nil || !sameKeyList(page, want[101:126]) {
		t.Fatalf("page %d %v", len(page), err)
	}
	if k, found, err := pv.NextKey(ctx, head.Hash, want[len(want)-1]); err != nil || (found && strings.HasPrefix(string(k), string(mapPrefix))) {
		t.Fatalf("next key after the map: %x %v %v", k, found, err)
	}
	if srcs[0].Reads.Load() == 0 {
		t.Fatal("the para node served no read")
	}
	// The relay side is untouched by the para peers.
	if _, err := cl.ReadStorage(ctx, [][]byte{testchain.KeySystemNumber}); err != nil {
		t.Fatalf("relay read: %v", err)
	}
	if st := cl.Status(); st.Target != 40 {
		t.Fatalf("relay target %d: para peers moved it", st.Target)
	}
}

// As the relay chain finalizes, the para head it proves moves on and is
// read over the para network; older kept heads stay readable.
func TestP2PParaSourceFollows(t *testing.T) {
	relay, p := paraChains(t)
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	rs, l := p2pRelayLive(t, mn, relay, 30)
	nodes, _ := paraNodes(t, mn, p, p2ptest.ParaTruthful, p2ptest.ParaTruthful)
	cl := startParaClient(t, relay, 3, rs, p2pParaSource(t, mn, p, nodes))
	ctx := ctxT(t)
	pv := cl.Para(1000)
	first, err := pv.ReadStorageAt(ctx, header.Hash{}, [][]byte{testchain.KeySystemNumber})
	if err != nil {
		t.Fatal(err)
	}
	checkParaValues(t, p, 28, first)
	for _, visible := range []uint32{37, 52} {
		l.SetVisible(visible)
		waitFor(t, fmt.Sprintf("relay follows to %d", visible), func() bool { h, _, _ := cl.Finalized(); return h.Number == visible })
		keys := [][]byte{testchain.KeySystemNumber, paraMapState(0)[visible].Key, paraMapState(visible)[300+visible-paraLag].Key}
		res, err := pv.ReadStorageAt(ctx, header.Hash{}, keys)
		if err != nil {
			t.Fatal(err)
		}
		if res.Number != visible {
			t.Fatalf("proved at relay %d, want %d", res.Number, visible)
		}
		checkParaValues(t, p, visible-paraLag, res)
		if got, err := pv.StorageKeys(ctx, res.Para.Hash, mapPrefix, 1000, nil); err != nil || !sameKeyList(got, trueKeys(p, visible-paraLag, mapPrefix, nil)) {
			t.Fatalf("keys at %d: %d %v", visible-paraLag, len(got), err)
		}
	}
	// The first head is still kept and still readable.
	again, err := pv.ReadStorageAt(ctx, first.Para.Hash, [][]byte{paraMapState(0)[6].Key})
	if err != nil {
		t.Fatal(err)
	}
	checkParaValues(t, p, 28, again)
}

func TestP2PParaSourceLiarBanned(t *testing.T) {
	n := startP2PParaClient(t, 50, p2ptest.ParaWrongRoot, p2ptest.ParaTruthful)
	p, nodes, ps, cl := n.para, n.nodes, n.ps, n.cl
	liar, honest := nodes[0], nodes[1]
	ctx := ctxT(t)
	pv := cl.Para(1000)
	head, err := pv.Head(ctx)
	if err != nil || head.Header.Number != 48 {
		t.Fatalf("head %+v %v", head, err)
	}
	// Peers are asked least recently used first: within two reads of keys
	// not read before, the liar is asked, caught and banned.
	for i := 0; i < 6 && !ps.Host().Banned(liar.ID()); i++ {
		res, err := pv.ReadStorageAt(ctx, head.Hash, [][]byte{paraMapState(0)[20+i].Key})
		if err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		checkParaValues(t, p, 48, res)
	}
	reason, banned := ps.Host().BanReason(liar.ID())
	if !banned || !strings.Contains(reason, "invalid answer") {
		t.Fatalf("liar banned %v (%q)", banned, reason)
	}
	if ps.Host().Banned(honest.ID()) {
		t.Fatal("honest node banned")
	}
	if got, err := pv.StorageKeys(ctx, head.Hash, mapPrefix, 1000, nil); err != nil || !sameKeyList(got, trueKeys(p, 48, mapPrefix, nil)) {
		t.Fatalf("keys %d %v", len(got), err)
	}
}

// A node that cannot prove (pruned state) is not a liar: it is skipped, not
// banned, and the reads are answered by the other node.
func TestP2PParaSourcePruned(t *testing.T) {
	n := startP2PParaClient(t, 44, p2ptest.ParaNoProof, p2ptest.ParaTruthful)
	p, nodes, srcs, ps, cl := n.para, n.nodes, n.srcs, n.ps, n.cl
	ctx := ctxT(t)
	pv := cl.Para(1000)
	for i := 0; i < 4; i++ {
		res, err := pv.ReadStorageAt(ctx, header.Hash{}, [][]byte{paraMapState(0)[40+i].Key})
		if err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		checkParaValues(t, p, 42, res)
	}
	if srcs[0].Reads.Load() == 0 {
		t.Fatal("the pruned node was never asked")
	}
	if ps.Host().Banned(nodes[0].ID()) || ps.Host().Banned(nodes[1].ID()) {
		t.Fatal("a node was banned")
	}
}

func TestP2PParaSourceOnlyLiar(t *testing.T) {
	n := startP2PParaClient(t, 30, p2ptest.ParaWrongRoot)
	nodes, ps, cl := n.nodes, n.ps, n.cl
	ctx := ctxT(t)
	_, err := cl.Para(1000).ReadStorageAt(ctx, header.Hash{}, [][]byte{testchain.KeySystemNumber})
	if !errors.Is(err, chainsync.ErrQueryFailed) || !errors.Is(err, chainsync.ErrMalicious) {
		t.Fatalf("only a liar: %v", err)
	}
	if !ps.Host().Banned(nodes[0].ID()) {
		t.Fatal("liar not banned")
	}
	if _, err := cl.ReadStorage(ctx, [][]byte{testchain.KeySystemNumber}); err != nil {
		t.Fatalf("relay read after the para liar: %v", err)
	}
}

// Over loopback TCP from bootnode addresses, as ksm runs it: a node of
// another chain that shares the protocol id (another parachain's genesis)
// and a relay node are refused at the handshake; the honest para node
// alone is reported and answers.
func TestP2PParaSourceBootnodesTCP(t *testing.T) {
	relay, p := paraChains(t)
	other, err := testchain.Generate(testchain.Config{Seed: "lc-p2ppara-other", Blocks: 5})
	if err != nil {
		t.Fatal(err)
	}
	start := func(src p2ptest.Source, cfg p2p.Config) *p2ptest.Node {
		n, err := p2ptest.NewLoopback("tcp", cfg, src)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
		return n
	}
	honestSrc := p2ptest.NewParaSource(p2ptest.NewLiveChain(p, uint32(len(p.Blocks)-1)))
	honest := start(honestSrc, p2ptest.ParaConfig(p.Blocks[0].Hash, "", honestSrc))
	otherSrc := p2ptest.NewParaSource(p2ptest.NewLiveChain(other, 5))
	wrongPara := start(otherSrc, p2ptest.ParaConfig(other.Blocks[0].Hash, "", otherSrc))
	relaySrc := p2ptest.NewChainSource(p2ptest.NewLiveChain(relay, 30))
	relayNode := start(relaySrc, p2ptest.FullConfig(relay.Blocks[0].Hash, relaySrc))
	addr := func(n *p2ptest.Node) string { return n.Multiaddrs()[0].String() }
	newSrc := func(boot ...string) *P2PParaSource {
		cfg := testHostConfig()
		cfg.AllowAddr, cfg.Resolver = p2ptest.Loopback, p2ptest.NoDNS()
		n := testParaNetwork(p)
		n.Bootnodes = boot
		s, err := n.Open(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	ctx := ctxT(t)

	t.Run("only-wrong-nodes", func(t *testing.T) {
		s := newSrc(addr(wrongPara), addr(relayNode))
		err := s.Start(ctx)
		if !errors.Is(err, ErrUnreachable) || !errors.Is(err, p2p.ErrNoBootnode) {
			t.Fatalf("start: %v", err)
		}
		if !strings.Contains(err.Error(), "parachain 1000") {
			t.Fatalf("error does not name the parachain: %v", err)
		}
	})

	t.Run("redial", func(t *testing.T) {
		s := newSrc(addr(honest))
		s.Redial = 20 * time.Millisecond
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		want := s.PeerID(honest.ID())
		next := func() SourceEvent {
			select {
			case ev := <-s.Events():
				if ev.Peer != want {
					t.Fatalf("event %+v", ev)
				}
				return ev
			case <-time.After(waitLimit):
				t.Fatal("no event")
			}
			return SourceEvent{}
		}
		if ev := next(); ev.Gone {
			t.Fatalf("first event %+v", ev)
		}
		// The node drops the connection: the source reports the peer gone,
		// then dials the bootnode again and reports it back.
		_ = honest.LibP2P().Network().ClosePeer(s.Host().ID())
		for ev := next(); !ev.Gone; ev = next() {
		}
		if ev := next(); ev.Gone || ev.Caps.ParaID != 1000 {
			t.Fatalf("after the redial %+v", ev)
		}
		if len(s.Host().Peers()) != 1 {
			t.Fatal("not connected again")
		}
	})

	t.Run("client", func(t *testing.T) {
		s := newSrc(addr(wrongPara), addr(relayNode), addr(honest))
		mn := mocknet.New()
		t.Cleanup(func() { mn.Close() })
		cl := startParaClient(t, relay, 2, p2pRelaySource(t, mn, relay, 30), s)
		peers := s.Host().Peers()
		if len(peers) != 1 || peers[0].ID != honest.ID() {
			t.Fatalf("para peers %+v, want only %s", peers, honest.ID())
		}
		if hs := peers[0].Handshake; hs.GenesisHash != p.Blocks[0].Hash || hs.BestNumber != uint32(len(p.Blocks)-1) {
			t.Fatalf("handshake %+v", hs)
		}
		pv := cl.Para(1000)
		res, err := pv.ReadStorageAt(ctx, header.Hash{}, [][]byte{testchain.KeySystemNumber, paraMapState(0)[3].Key})
		if err != nil {
			t.Fatal(err)
		}
		checkParaValues(t, p, 28, res)
		if got, err := pv.StorageKeys(ctx, res.Para.Hash, mapPrefix, 1000, nil); err != nil || !sameKeyList(got, trueKeys(p, 28, mapPrefix, nil)) {
			t.Fatalf("keys %d %v", len(got), err)
		}
		if n := honestSrc.Reads.Load(); n == 0 {
			t.Fatal("honest node served nothing")
		}
		if n := otherSrc.Reads.Load() + relayNode.Requests.Load(); n != 0 {
			t.Fatalf("refused nodes were asked %d times", n)
		}
	})
}

// Do serves only storage reads of its own parachain.
func TestP2PParaSourceDo(t *testing.T) {
	_, p := paraChains(t)
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	nodes, _ := paraNodes(t, mn, p, p2ptest.ParaTruthful)
	s := p2pParaSource(t, mn, p, nodes)
	t.Cleanup(func() { s.Close() })
	var src Source = s
	if _, ok := src.(Submitter); ok {
		t.Fatal("a para source must not take relay transactions")
	}
	if _, ok := src.(grandpaStater); ok {
		t.Fatal("a para source must not send GRANDPA neighbor packets")
	}
	if err := s.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	ev := <-s.Events()
	want := chainsync.PeerCaps{Kinds: chainsync.CanStorage | chainsync.CanCallProof, Para: true, ParaID: 1000}
	if ev.Peer != s.PeerID(nodes[0].ID()) || ev.Caps != want || ev.Best != 0 || !strings.HasPrefix(string(ev.Peer), "para1000/") {
		t.Fatalf("event %+v", ev)
	}
	ctx := ctxT(t)
	block := p.Blocks[9].Hash
	if _, err := s.Do(ctx, chainsync.Request{Peer: ev.Peer, Kind: chainsync.KindStorage, Block: block, Keys: [][]byte{testchain.KeySystemNumber}, Para: true, ParaID: 1000}); err != nil {
		t.Fatalf("para read: %v", err)
	}
	bad := []chainsync.Request{
		{Peer: ev.Peer, Kind: chainsync.KindWarp, Block: block},
		{Peer: ev.Peer, Kind: chainsync.KindStorage, Block: block, Keys: [][]byte{{1}}},                           // a relay read
		{Peer: ev.Peer, Kind: chainsync.KindStorage, Block: block, Keys: [][]byte{{1}}, Para: true, ParaID: 2000}, // another para
		{Peer: ev.Peer, Kind: chainsync.KindCallProof, Block: block, Method: "Core_version"},                      // a relay call
		{Peer: ev.Peer, Kind: chainsync.KindCallProof, Block: block, Method: "Core_version", Para: true, ParaID: 2000},
		{Peer: ev.Peer, Kind: chainsync.KindBody, Block: block, Para: true, ParaID: 1000},
		{Peer: chainsync.PeerID(nodes[0].ID().String()), Kind: chainsync.KindStorage, Block: block, Para: true, ParaID: 1000},
		{Peer: "para1000/not-a-peer-id", Kind: chainsync.KindStorage, Block: block, Para: true, ParaID: 1000},
	}
	for i, r := range bad {
		if _, err := s.Do(ctx, r); err == nil {
			t.Errorf("request %d (%s, para %v %d, peer %s) served", i, r.Kind, r.Para, r.ParaID, r.Peer)
		}
	}
	if nodes[0].Requests.Load() != 1 {
		t.Fatalf("%d requests reached the node, want 1", nodes[0].Requests.Load())
	}
	s.Ban("para2000/"+chainsync.PeerID(nodes[0].ID().String()), errors.New("x"))
	if s.Host().Banned(nodes[0].ID()) {
		t.Fatal("ban of another para's peer name applied")
	}
	s.Ban(ev.Peer, errors.New("test ban"))
	if r, ok := s.Host().BanReason(nodes[0].ID()); !ok || r != "test ban" {
		t.Fatalf("ban %q %v", r, ok)
	}
	// (The host's own connected event may come first.)
	for gone := false; !gone; {
		select {
		case ev := <-s.Events():
			if ev.Peer != s.PeerID(nodes[0].ID()) {
				t.Fatalf("after ban: %+v", ev)
			}
			gone = ev.Gone
		case <-time.After(waitLimit):
			t.Fatal("no gone event after the ban")
		}
	}
	// No peers and no bootnodes: unreachable.
	lh, err := mn.GenPeer()
	if err != nil {
		t.Fatal(err)
	}
	h, err := p2p.Wrap(lh, testParaNetwork(p).HostConfig(testHostConfig()))
	if err != nil {
		t.Fatal(err)
	}
	empty := NewP2PParaSource(h, nil, 1000)
	defer empty.Close()
	if err := empty.Start(ctx); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("start without peers: %v", err)
	}
}

func TestParaNetworkOf(t *testing.T) {
	ah, err := chainspec.Lookup("kusama-asset-hub")
	if err != nil {
		t.Fatal(err)
	}
	n, err := ParaNetworkOf(ah)
	if err != nil {
		t.Fatal(err)
	}
	if n.ParaID != 1000 || n.Relay != "ksmcc3" || n.Genesis != ah.GenesisHash || n.ProtocolID != "" {
		t.Fatalf("network %+v", n)
	}
	if len(n.Bootnodes) != 26 {
		t.Fatalf("%d bootnodes, want the spec's 26", len(n.Bootnodes))
	}
	ids := map[string]bool{}
	for _, b := range n.Bootnodes {
		ids[b[strings.LastIndex(b, "/p2p/"):]] = true
	}
	if infos, err := p2p.ParseBootnodes(n.Bootnodes); err != nil || len(infos) != len(ids) || len(ids) < 10 {
		t.Fatalf("%d bootnode peers, %v", len(infos), err)
	}
	cfg := n.HostConfig(p2p.Config{Genesis: header.Hash{1}, ProtocolID: "ksmcc3", Roles: wire.RoleFull, DialTimeout: time.Second})
	if cfg.Genesis != ah.GenesisHash || cfg.ProtocolID != "" || !cfg.NoGrandpa || cfg.Roles != wire.RoleLight || cfg.DialTimeout != time.Second {
		t.Fatalf("host config %+v", cfg)
	}
	names := wire.NewNames(cfg.Genesis, cfg.ForkID, cfg.ProtocolID)
	if names.Light != "/48239ef607d7928874027a43a67689209727dfb3d3dc5e5b03a39bdc2eda771a/light/2" || names.LegacyLight != "/sup/light/2" {
		t.Fatalf("names %s %s", names.Light, names.LegacyLight)
	}
	for _, p := range chainspec.Profiles() {
		n, err := ParaNetworkOf(p)
		if p.IsRelay() {
			if !errors.Is(err, ErrNotParachain) {
				t.Errorf("%s: %v", p.Name, err)
			}
			continue
		}
		if err != nil || n.Genesis != p.GenesisHash || n.ParaID != p.ParaID || len(n.Bootnodes) == 0 {
			t.Errorf("%s: %+v %v", p.Name, n, err)
		}
		if rp := p.RelayProfile(); rp == nil || rp.SpecID != n.Relay {
			t.Errorf("%s: relay_chain %q, want the relay profile's spec id", p.Name, n.Relay)
		}
	}
	kusama, _ := chainspec.Lookup("kusama")
	s, err := kusama.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParaNetworkFromSpec(s); !errors.Is(err, ErrNotParachain) {
		t.Fatalf("relay spec: %v", err)
	}
}

func BenchmarkP2PParaRead(b *testing.B) {
	pv := startP2PParaClient(b, 40, p2ptest.ParaTruthful).cl.Para(1000)
	ctx := ctxT(b)
	head, err := pv.Head(ctx)
	if err != nil {
		b.Fatal(err)
	}
	keys := [][]byte{testchain.KeySystemNumber, paraMapState(0)[5].Key}
	b.ResetTimer()
	for b.Loop() {
		// read, not ReadStorageAt: every round trip goes to the para node.
		if _, err := pv.read(ctx, head.Hash, keys); err != nil {
			b.Fatal(err)
		}
	}
}

// A para network that cannot be reached does not stop the relay client:
// Start succeeds on the relay source alone, relay reads work, and a para
// read fails at once (no para peer) instead of waiting.
func TestP2PParaSourceUnreachable(t *testing.T) {
	relay, p := paraChains(t)
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	rs := p2pRelaySource(t, mn, relay, 30)
	cfg := testHostConfig()
	cfg.AllowAddr, cfg.Resolver, cfg.DialTimeout = p2ptest.Loopback, p2ptest.NoDNS(), time.Second
	// A closed loopback port, and a DNS name nothing resolves.
	ps, err := testParaNetwork(p).Open(cfg, []string{
		"/ip4/127.0.0.1/tcp/9/p2p/12D3KooWMzvdGcUXxacLdMQzRVrsP1mJrZHcrz8LtGbhLzve84Qx",
		"/dns/para.invalid/tcp/30333/p2p/12D3KooWQmGf5z3DU1kKcZoLzMNgdbP31ybjuwxS1VGLKMUjq5ez",
	})
	if err != nil {
		t.Fatal(err)
	}
	// "At once" is told from "after a wait" by the waits being far longer
	// than the test's safety net, not by a clock.
	sc := fastSync()
	sc.PeerWait, sc.RequestTimeout = 10*waitLimit, 10*waitLimit
	cl := startClientSync(t, relay, sc, rs, ps)
	ctx := ctxT(t)
	if _, err := cl.ReadStorage(ctx, [][]byte{testchain.KeySystemNumber}); err != nil {
		t.Fatalf("relay read: %v", err)
	}
	failed := make(chan error, 1)
	go func() {
		_, err := cl.Para(1000).ReadStorageAt(ctx, header.Hash{}, [][]byte{testchain.KeySystemNumber})
		failed <- err
	}()
	select {
	case err := <-failed:
		if !errors.Is(err, chainsync.ErrQueryFailed) {
			t.Fatalf("para read without para peers: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("the para read waits instead of failing at once")
	}
}
