package cli

// Submitting on Asset Hub with no endpoint at all (--network kusama, the
// relay and its Asset Hub both over libp2p): the transaction goes out on
// Asset Hub's own transactions protocol, a test Asset Hub node puts it in
// its next block, a test relay node records that block's head in
// Paras::Heads, and ksm finds the transaction in the Asset Hub blocks it
// fetched over /sync/2 between two heads the relay proved (headers hash-linked
// down from the proven head, bodies checked against their extrinsics
// roots), its events read by proof.

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// p2pTwoChains is the two-chain test network served over libp2p only: a
// relay full node and an Asset Hub full node on loopback. Every
// transaction the Asset Hub node receives goes in a new Asset Hub block,
// then a new relay block records its head (unless Hold).
type p2pTwoChains struct {
	ah       *lighttest.Chain
	relay    *lighttest.RelayNetwork
	paraLive *p2ptest.LiveChain
	paraSrc  *p2ptest.ParaSource
	paraNode *p2ptest.Node
	producer *p2ptest.Producer // the relay's
	// liarSrc and liarNode are a second Asset Hub node over the same
	// chain, lying as the test sets it; invent makes it serve blocks it
	// invented holding each transaction it receives.
	liarSrc  *p2ptest.ParaSource
	liarNode *p2ptest.Node
	invent   atomic.Bool
	// exclude makes the Asset Hub chain leave out the transactions it
	// receives (its next block is empty; the relay still records it).
	exclude atomic.Bool
	// received is when the Asset Hub nodes last got a transaction.
	received atomic.Int64
	// boot are the Asset Hub bootnodes ksm is given (setParaPeers).
	mu                   sync.Mutex
	boot                 []string
	honestBoot, liarBoot []string
}

// setParaPeers chooses the Asset Hub nodes ksm knows.
func (n *p2pTwoChains) setParaPeers(honest, liar bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.boot = nil
	if honest {
		n.boot = append(n.boot, n.honestBoot...)
	}
	if liar {
		n.boot = append(n.boot, n.liarBoot...)
	}
}

func newP2PTwoChains(t *testing.T, seed string) *p2pTwoChains {
	t.Helper()
	return newP2PTwoChainsOf(t, seed, "asset-hub-kusama-local.json")
}

// newP2PTwoChainsOf is newP2PTwoChains with the Asset Hub chain generated
// from the chain spec ahSpec.
func newP2PTwoChainsOf(t *testing.T, seed, ahSpec string) *p2pTwoChains {
	t.Helper()
	ah := lighttest.Generate(t, lighttest.Options{Spec: ahSpec, Seed: seed + "-ah", Blocks: 4})
	r := lighttest.ServeRelay(t, ah.Chain, lighttest.RelayOptions{Seed: seed + "-relay", Blocks: 8, Spec: "kusama-local.json"})
	n := &p2pTwoChains{ah: ah, relay: r}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	rlive := p2ptest.NewLiveChain(r.Chain, uint32(len(r.Blocks)-1))
	rsrc := p2ptest.NewChainSource(rlive)
	// The relay node serves call proofs too, as a relay full node does.
	rprover := &p2ptest.CallProver{L: rlive}
	t.Cleanup(func() { rprover.Close() })
	rsrc.Calls = rprover
	rnode, err := p2ptest.NewLoopback("tcp", p2ptest.FullConfig(r.Genesis(), rsrc), rsrc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rnode.Close() })
	n.producer = &p2ptest.Producer{L: rlive, Nodes: []*p2ptest.Node{rnode}}
	n.producer.Hold.Store(true) // no relay transactions here
	go n.producer.Run(ctx)

	n.paraLive = p2ptest.NewLiveChain(ah.Chain, uint32(len(ah.Blocks)-1))
	n.paraSrc = p2ptest.NewParaSource(n.paraLive)
	// Both Asset Hub nodes serve call proofs, made by executing the Asset
	// Hub runtime over the block's state.
	prover := &p2ptest.CallProver{L: n.paraLive}
	t.Cleanup(func() { prover.Close() })
	n.paraSrc.Calls = prover
	n.paraNode, err = p2ptest.NewParaLoopback("tcp", "", n.paraSrc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.paraNode.Close() })
	n.liarSrc = p2ptest.NewParaSource(n.paraLive)
	n.liarSrc.Calls = prover
	n.liarNode, err = p2ptest.NewParaLoopback("tcp", "", n.liarSrc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.liarNode.Close() })
	// A transaction reaches each node ksm knows: the chain takes it once.
	seen := map[string]bool{}
	onTx := func(tx p2p.TransactionsEvent, liar bool) {
		if liar && n.invent.Load() && len(tx.Transactions) > 0 {
			n.liarSrc.SetInvent(tx.Transactions[0])
		}
		key := string(bytes.Join(tx.Transactions, nil))
		if seen[key] {
			return
		}
		seen[key] = true
		n.received.Store(time.Now().UnixNano())
		xts := tx.Transactions
		if n.exclude.Load() {
			xts = nil
		}
		if _, _, err := n.paraLive.Produce(xts); err != nil {
			t.Errorf("para block: %v", err)
			return
		}
		if _, _, err := n.producer.Step(ctx, nil); err != nil {
			t.Errorf("relay block: %v", err)
		}
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case tx := <-n.paraNode.Transactions():
				onTx(tx, false)
			case tx := <-n.liarNode.Transactions():
				onTx(tx, true)
			}
		}
	}()

	boot := func(nd *p2ptest.Node) []string {
		var out []string
		for _, a := range nd.Multiaddrs() {
			out = append(out, a.String()+"/p2p/"+nd.ID().String())
		}
		return out
	}
	rboot := boot(rnode)
	n.honestBoot, n.liarBoot = boot(n.paraNode), boot(n.liarNode)
	n.setParaPeers(true, false)
	startAt(t, r)
	hooksOf(t).Para = func() header.Hash { return ah.Genesis() }
	hooksOf(t).P2P = func(cfg *p2p.Config) []string {
		cfg.ProtocolID, cfg.AllowAddr, cfg.Resolver = "ksmcc3", p2ptest.Loopback, p2ptest.NoDNS()
		return rboot
	}
	hooksOf(t).ParaP2P = func(cfg *p2p.Config) []string {
		cfg.AllowAddr, cfg.Resolver = p2ptest.Loopback, p2ptest.NoDNS()
		n.mu.Lock()
		defer n.mu.Unlock()
		return append([]string(nil), n.boot...)
	}
	hooksOf(t).ParaInclusionTimeout, hooksOf(t).ParaInclusionPoll = time.Minute, 200*time.Millisecond
	return n
}

// TestTwoChainsP2PSubmit: `ksm transfer` on --network kusama with no
// endpoint is sent on Asset Hub's libp2p network and its inclusion proven
// through the relay chain.
func TestTwoChainsP2PSubmit(t *testing.T) {
	slowTest(t, "executes the Kusama and Asset Hub runtimes")
	n := newP2PTwoChains(t, "cli-p2p-submit")
	home := t.TempDir()
	pw := map[string]string{"KSM_PASSWORD": "pw"}
	ksm := func(t *testing.T, args ...string) (int, string, string) {
		t.Helper()
		return keyRun(t, home, keyRunOpts{env: pw}, append([]string{"--network", "kusama"}, args...)...)
	}
	importKey(t, home, "alice", "//Alice", pw)
	code, out, errOut := ksm(t, "--json", "transfer", lightBob, "0.01", "--from", "alice", "--dry-run")
	fee := dryRunFee(t, code, out, errOut)
	events := ahEvents(t, home, fee)
	if n.paraSrc.Calls.Proofs.Load() == 0 {
		t.Fatal("the Asset Hub node made no call proof: the runtime calls did not use call proofs over libp2p")
	}

	// Asset Hub nodes whose call proofs do not hash-link from the state
	// root: beside an honest node, the dry run is verified and its fee
	// the runtime's; alone, no result (the liar is banned, nothing else
	// serves the state), never a wrong one.
	t.Run("lying-call-proof", func(t *testing.T) {
		n.liarSrc.SetBlockLie(p2ptest.LieCallProof)
		t.Cleanup(func() { n.liarSrc.SetBlockLie(p2ptest.Truthful); n.setParaPeers(true, false) })
		for _, honest := range []bool{true, false} {
			n.setParaPeers(honest, true)
			before := n.liarSrc.Calls.Proofs.Load()
			code, out, errOut := ksm(t, "--json", "transfer", lightBob, "0.01", "--from", "alice", "--dry-run")
			asked := n.liarSrc.Calls.Proofs.Load() > before
			if !honest {
				if code == 0 || out != "" {
					t.Fatalf("only a lying node: exit %d, out %q\n%s", code, out, errOut)
				}
				if !asked {
					t.Errorf("the lying node was not asked for a call proof")
				}
				t.Logf("only a lying call prover: exit %d: %s", code, firstLine(errOut))
				continue
			}
			if code != 0 {
				t.Fatalf("dry run beside a lying node: exit %d: %s", code, errOut)
			}
			var d struct {
				Fee      any  `json:"fee"`
				Verified bool `json:"verified"`
			}
			mustJSON(t, out, &d)
			if !d.Verified || jsonNum(d.Fee) != fee.String() {
				t.Fatalf("dry run beside a lying node: %s", out)
			}
			t.Logf("beside an honest node; the lying node was asked: %v", asked)
		}
	})

	t.Run("verified", func(t *testing.T) {
		next := uint32(len(n.ah.Blocks))
		if err := n.ah.SetState(next, []trie.KV{events}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		code, out, errOut := ksm(t, "--json", "--yes", "transfer", lightBob, "0.01", "--from", "alice")
		took := time.Since(start)
		if code != 0 {
			t.Fatalf("transfer: exit %d\n%s\n%s", code, out, errOut)
		}
		var o submitJSON
		mustJSON(t, out, &o)
		if len(n.ah.Blocks) != int(next)+1 {
			t.Fatalf("%d para blocks, want %d", len(n.ah.Blocks), next+1)
		}
		if !o.Success || !o.Verified || o.Chain != "kusama-asset-hub" || o.BlockNumber != uint64(next) ||
			o.BlockHash != n.ah.Blocks[next].Hash.String() || jsonNum(o.Fee) != fee.String() || o.Error != nil {
			t.Fatalf("outcome %s\n%s", out, errOut)
		}
		checkEvents(t, o.Events, "TransactionPayment.TransactionFeePaid,System.ExtrinsicSuccess")
		if strings.Contains(errOut, "NOT verified") {
			t.Errorf("stderr:\n%s", errOut)
		}
		recv := time.Unix(0, n.received.Load())
		t.Logf("transfer over libp2p: whole command %v; from the Asset Hub node receiving it to the command's end %v\nstderr:\n%s",
			took, time.Since(recv), errOut)
	})

	// A second Asset Hub node serves bodies that do not match their
	// extrinsics roots: when asked it is banned, and the honest node's
	// blocks prove the inclusion.
	t.Run("liar-and-honest", func(t *testing.T) {
		n.liarSrc.SetBlockLie(p2ptest.LieBody)
		n.setParaPeers(true, true)
		t.Cleanup(func() { n.liarSrc.SetBlockLie(p2ptest.Truthful); n.setParaPeers(true, false) })
		next := uint32(len(n.ah.Blocks))
		code, out, errOut := ksm(t, "--json", "--yes", "transfer", lightBob, "0.01", "--from", "alice")
		if code != 0 {
			t.Fatalf("transfer: exit %d\n%s\n%s", code, out, errOut)
		}
		var o submitJSON
		mustJSON(t, out, &o)
		if !o.Success || !o.Verified || o.Chain != "kusama-asset-hub" || o.BlockHash != n.ah.Blocks[next].Hash.String() {
			t.Fatalf("outcome %s\n%s", out, errOut)
		}
		t.Logf("the lying node answered %d block requests", n.liarSrc.BlockRequests.Load())
	})

	// Only lying or withholding Asset Hub nodes: no outcome, a network
	// failure (exit 5) once the inclusion timeout passes; never a verified
	// outcome, never "dropped".
	for _, tc := range []struct {
		name    string
		lie     p2ptest.Lie
		invent  bool // the node serves blocks it invented holding the transaction; the chain leaves it out
		wantErr string
	}{
		{"invented-inclusion", p2ptest.Truthful, true, "banned"},
		{"bad-body", p2ptest.LieBody, false, "banned"},
		{"withheld", p2ptest.NoBlocks, false, "does not serve block"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hooksOf(t).ParaInclusionTimeout = 5 * time.Second
			n.liarSrc.SetBlockLie(tc.lie)
			n.invent.Store(tc.invent)
			n.exclude.Store(tc.invent)
			n.setParaPeers(false, true)
			t.Cleanup(func() {
				n.liarSrc.SetBlockLie(p2ptest.Truthful)
				n.liarSrc.SetInvent(nil)
				n.invent.Store(false)
				n.exclude.Store(false)
				n.setParaPeers(true, false)
			})
			code, out, errOut := ksm(t, "--json", "--yes", "transfer", lightBob, "0.01", "--from", "alice")
			if code != ExitNetwork || out != "" || !strings.Contains(errOut, tc.wantErr) || strings.Contains(errOut, "dropped") ||
				!strings.Contains(errOut, "sent to the chain's peers") {
				t.Fatalf("exit %d (want %d), out %q\n%s", code, ExitNetwork, out, errOut)
			}
			t.Logf("stderr:\n%s", errOut)
		})
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
