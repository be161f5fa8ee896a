package p2p_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/libp2p/go-libp2p/core/peer"
)

// TestKademliaDiscovery: the client knows one bootnode, which is connected
// to two more nodes; FIND_NODE reveals them and the client can use them.
func TestKademliaDiscovery(t *testing.T) {
	for _, tr := range []string{"mock", "tcp"} {
		t.Run(tr, func(t *testing.T) {
			tn := newNet(t, tr, nil)
			var others []*p2ptest.Node
			for i := 0; i < 2; i++ {
				var n *p2ptest.Node
				var err error
				if tr == "mock" {
					n, err = p2ptest.NewMock(tn.mn, p2ptest.FullConfig(genesis, tn.chain.src), tn.chain.src)
				} else {
					n, err = p2ptest.NewLoopback("tcp", p2ptest.FullConfig(genesis, tn.chain.src), tn.chain.src)
				}
				if err != nil {
					t.Fatal(err)
				}
				defer n.Close()
				others = append(others, n)
			}
			if tn.mn != nil {
				if err := tn.mn.LinkAll(); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			for _, o := range others {
				if _, err := tn.node.Connect(ctx, o.AddrInfo()); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := tn.client.Discover(ctx, 4); err == nil {
				t.Fatal("discovery without any connection succeeded")
			}
			tn.connect(t)
			// A direct FIND_NODE to the bootnode lists the two others.
			closer, err := tn.client.FindNode(ctx, tn.node.ID(), []byte(tn.client.ID()))
			if err != nil {
				t.Fatal(err)
			}
			want := map[peer.ID]bool{others[0].ID(): true, others[1].ID(): true}
			got := 0
			for _, ai := range closer {
				if ai.ID == tn.client.ID() {
					t.Fatal("FIND_NODE reply lists the requester")
				}
				if want[ai.ID] && len(ai.Addrs) > 0 {
					got++
				}
			}
			if got != 2 {
				t.Fatalf("FIND_NODE found %d of 2 (%v)", got, closer)
			}
			found, err := tn.client.Discover(ctx, 4)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, ai := range found {
				if want[ai.ID] {
					seen++
				}
			}
			if seen != 2 {
				t.Fatalf("Discover found %v", found)
			}
			// The discovered addresses are usable: connect and request by id only.
			for _, o := range others {
				if _, err := tn.client.Connect(ctx, peer.AddrInfo{ID: o.ID()}); err != nil {
					t.Fatal(err)
				}
				if _, err := tn.client.RequestBlocks(ctx, o.ID(), blockReq()); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestConnectBootnodesLoopback(t *testing.T) {
	c := newChain(4)
	var addrs []string
	for _, tr := range []string{"tcp", "ws"} {
		n, err := p2ptest.NewLoopback(tr, p2ptest.FullConfig(genesis, c.src), c.src)
		if err != nil {
			t.Fatal(err)
		}
		defer n.Close()
		for _, a := range n.Multiaddrs() {
			addrs = append(addrs, a.String())
		}
	}
	// One unreachable bootnode (a closed loopback port) among them.
	addrs = append(addrs, "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWSueCPH3puP2PcvqPJdNaDNF3jMZjtJtDiSy35pWrbt5h")
	client, err := p2p.New(clientConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	res, err := client.ConnectBootnodes(context.Background(), addrs)
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for _, r := range res {
		if r.Err == nil {
			ok++
			if r.Handshake.BestNumber != 4 {
				t.Errorf("handshake %+v", r.Handshake)
			}
		}
	}
	if ok != 2 || len(res) != 3 {
		t.Fatalf("%d of %d bootnodes connected: %+v", ok, len(res), res)
	}
	if _, err := p2p.ParseBootnodes([]string{"/ip4/127.0.0.1/tcp/1", "garbage"}); err == nil {
		t.Fatal("bootnodes without /p2p/ accepted")
	}
}

// TestKusamaBootnodesOffline dials the embedded Kusama bootnodes with DNS
// pointed at 127.0.0.1 (where nothing answers) and dialing restricted to
// loopback: every dial must fail fast with a clear error.
func TestKusamaBootnodesOffline(t *testing.T) {
	prof, err := chainspec.Lookup("kusama")
	if err != nil {
		t.Fatal(err)
	}
	boot, err := prof.BootNodes()
	if err != nil {
		t.Fatal(err)
	}
	if len(boot) == 0 {
		t.Fatal("no bootnodes in the kusama profile")
	}
	cfg := clientConfig()
	cfg.Genesis = prof.GenesisHash
	cfg.DialTimeout = 2 * time.Second
	client, err := p2p.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	start := time.Now()
	res, err := client.ConnectBootnodes(context.Background(), boot)
	elapsed := time.Since(start)
	if !errors.Is(err, p2p.ErrNoBootnode) {
		t.Fatalf("err = %v", err)
	}
	if elapsed > waitLimit { // a safety net: the dials fail at DNS, not at the dial timeout
		t.Fatalf("took %v", elapsed)
	}
	msg := err.Error()
	if !strings.Contains(msg, "dial") || !strings.Contains(msg, "DNS resolution failed") || !strings.Contains(msg, "polkadot.io") {
		t.Fatalf("unclear error: %.400s", msg)
	}
	for _, r := range res {
		if r.Err == nil {
			t.Fatalf("connected to %s", r.Peer)
		}
	}
	t.Logf("%d bootnode peers failed in %v; first error: %.200s", len(res), elapsed, res[0].Err)
}
