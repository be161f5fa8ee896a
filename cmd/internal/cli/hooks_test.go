package cli

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
)

// backendHooks are each test's backend seams, by test name: a test sets
// its own (hooksOf) and the factories its helpers make get them
// (hooksFor), so tests with different seams can run in parallel.
var backendHooks sync.Map // string → *backend.Hooks

// hooksOf returns the seams of t to set, starting as a copy of its closest
// parent test's; they are forgotten when t ends.
func hooksOf(t testing.TB) *backend.Hooks {
	t.Helper()
	if h, ok := backendHooks.Load(t.Name()); ok {
		return h.(*backend.Hooks)
	}
	h := hooksFor(t)
	backendHooks.Store(t.Name(), &h)
	t.Cleanup(func() { backendHooks.Delete(t.Name()) })
	return &h
}

// hooksFor returns the seams of t or of its closest parent that has some.
func hooksFor(t testing.TB) backend.Hooks {
	for name := t.Name(); ; {
		if h, ok := backendHooks.Load(name); ok {
			return *h.(*backend.Hooks)
		}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			return backend.Hooks{}
		}
		name = name[:i]
	}
}

// checkpointed is a test chain that knows its genesis and checkpoint
// (lighttest's generated, served and relay chains).
type checkpointed interface {
	Genesis() header.Hash
	Checkpoint() *chainspec.Checkpoint
}

// startAt has t's light client start from c's checkpoint.
func startAt(t testing.TB, c checkpointed) {
	hooksOf(t).Start = func() (header.Hash, *chainspec.Checkpoint) { return c.Genesis(), c.Checkpoint() }
}

// bootFromLoopback serves src as a full node of the chain with that genesis
// on the loopback and has t's light client boot from it (and from nothing
// else: the test network's protocol id, loopback addresses only, no DNS).
func bootFromLoopback(t testing.TB, genesis header.Hash, src *p2ptest.ChainSource) *p2ptest.Node {
	t.Helper()
	node, err := p2ptest.NewLoopback("tcp", p2ptest.FullConfig(genesis, src), src)
	if err != nil {
		t.Fatal(err)
	}
	boot := bootOf(t, node)
	hooksOf(t).P2P = func(cfg *p2p.Config) []string {
		cfg.ProtocolID, cfg.AllowAddr, cfg.Resolver = "ksmcc3", p2ptest.Loopback, p2ptest.NoDNS()
		return boot
	}
	return node
}

// bootOf closes node when t ends and returns the addresses to boot from
// it.
func bootOf(t testing.TB, node *p2ptest.Node) []string {
	t.Cleanup(func() { node.Close() })
	var boot []string
	for _, a := range node.Multiaddrs() {
		boot = append(boot, a.String()+"/p2p/"+node.ID().String())
	}
	return boot
}

// balanceOut is what the light client tests read of `ksm balance --json`.
type balanceOut struct {
	Free        json.Number `json:"free"`
	Nonce       uint64      `json:"nonce"`
	BlockNumber uint32      `json:"blockNumber"`
	BlockHash   string      `json:"blockHash"`
	Verified    bool        `json:"verified"`
	Symbol      string      `json:"symbol"`
	Address     string      `json:"address"`
	ED          json.Number `json:"existentialDeposit"`
}
