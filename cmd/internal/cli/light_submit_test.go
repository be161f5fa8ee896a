package cli

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/value"
)

// TestLightSubmit: a transfer signed by ksm, sent over the verified light
// client (author_submitExtrinsic of the test network's endpoint), found in
// a GRANDPA-finalized block body verified against its extrinsics root, and
// its outcome read from that block's proven System.Events. The test chain
// does not execute transactions: the test gives the including block the
// events and balances the runtime would write (their values are the fee the
// runtime computed for ksm's dry run), so what is checked is that ksm finds,
// proves and reports them.
func TestLightSubmit(t *testing.T) {
	slowTest(t, "executes the Kusama runtime")
	t.Run("rpc", func(t *testing.T) {
		c := lighttest.Generate(t, lighttest.Options{Seed: "light-submit"})
		n := lighttest.Serve(t, c)
		startAt(t, n)
		lightSubmit(t, c, []string{"--rpc", n.URL}, func() int { return len(n.Server.Submitted()) })
	})
	// Over libp2p: a transactions notification to the full node, which
	// puts it in a new block, gossips the GRANDPA commit finalizing it and
	// announces it; the client follows finality from the commit.
	t.Run("p2p", func(t *testing.T) {
		c := lighttest.Generate(t, lighttest.Options{Seed: "light-submit-p2p"})
		live := p2ptest.NewLiveChain(c.Chain, uint32(len(c.Blocks)-1))
		node := bootFromLoopback(t, c.Genesis(), p2ptest.NewChainSource(live))
		prod := &p2ptest.Producer{L: live, Nodes: []*p2ptest.Node{node}}
		ctx, cancel := context.WithCancel(context.Background())
		go prod.Run(ctx)
		t.Cleanup(cancel)
		startAt(t, c)
		lightSubmit(t, c, nil, func() int { return int(prod.Included.Load()) })
	})
}

// lightSubmit runs the transfer on chain c reached with the flags given;
// included counts the transactions the network put in blocks.
func lightSubmit(t *testing.T, c *lighttest.Chain, flags []string, included func() int) {
	n := &lighttest.Network{Chain: c}
	home := t.TempDir()
	pw := map[string]string{"KSM_PASSWORD": "pw"}
	ksm := func(args ...string) (int, string, string) {
		t.Helper()
		return keyRun(t, home, keyRunOpts{env: pw}, append(append([]string(nil), flags...), args...)...)
	}
	importKey(t, home, "alice", "//Alice", pw)
	// The dry run gives the fee the runtime computes.
	code, out, errOut := ksm("--json", "transfer", lightBob, "1.5", "--from", "alice", "--dry-run")
	fee := dryRunFee(t, code, out, errOut)
	amount := big.NewInt(1_500_000_000_000)

	// The effects of the block, encoded with the verified metadata ksm
	// cached.
	alice, bob := lightAlice, lightBob
	events := extrinsicEvents(t, home, "",
		map[string]any{"Balances": map[string]any{"Withdraw": map[string]any{"who": alice, "amount": fee.String()}}},
		map[string]any{"Balances": map[string]any{"Transfer": map[string]any{"from": alice, "to": bob, "amount": amount.String()}}},
		feePaidEvent(alice, fee), successEvent)
	free, acc := genesisFree(t, n, alice)
	after := new(big.Int).Sub(free, new(big.Int).Add(fee, amount))
	newAcc := append([]byte(nil), acc...)
	binary.LittleEndian.PutUint32(newAcc, binary.LittleEndian.Uint32(acc)+1)
	lo := new(big.Int).And(after, new(big.Int).SetUint64(^uint64(0))).Uint64()
	hi := new(big.Int).Rsh(after, 64).Uint64()
	binary.LittleEndian.PutUint64(newAcc[16:], lo)
	binary.LittleEndian.PutUint64(newAcc[24:], hi)
	aliceID, _ := hex.DecodeString(alice[2:])
	next := uint32(len(c.Blocks))
	if err := c.SetState(next, []trie.KV{events, {Key: lighttest.AccountKey(aliceID), Value: newAcc}}); err != nil {
		t.Fatal(err)
	}

	code, out, errOut = ksm("--json", "--yes", "transfer", bob, "1.5", "--from", "alice")
	if code != 0 {
		t.Fatalf("transfer: exit %d\n%s\n%s", code, out, errOut)
	}
	var o submitJSON
	mustJSON(t, out, &o)
	if k := included(); k != 1 {
		t.Fatalf("%d transactions included", k)
	}
	if !o.Success || !o.Verified || o.BlockNumber != uint64(next) || o.BlockHash != c.Blocks[next].Hash.String() || jsonNum(o.Fee) != fee.String() || o.Error != nil {
		t.Fatalf("outcome %s", out)
	}
	checkEvents(t, o.Events, "Balances.Withdraw,Balances.Transfer,TransactionPayment.TransactionFeePaid,System.ExtrinsicSuccess")
	// The next read sees the new state, proven at the new block.
	code, out, errOut = ksm("--json", "balance", alice)
	if code != 0 {
		t.Fatalf("balance: %s", errOut)
	}
	var b balanceOut
	if err := json.Unmarshal([]byte(out), &b); err != nil || b.Free.String() != after.String() || b.Nonce != 1 || b.BlockNumber != next {
		t.Fatalf("balance after: %s (%v)", out, err)
	}
}

// extrinsicEvents is System.Events for a block whose extrinsic 1 (after the
// test chain's inherent) emitted evs, encoded with the metadata ksm cached
// in home (the one whose file name has chain in it, when there are
// several).
func extrinsicEvents(t *testing.T, home, chain string, evs ...any) trie.KV {
	t.Helper()
	codec := value.New(cachedMetadata(t, home, chain), 2)
	evEntry, err := storage.Lookup(codec, "System", "Events")
	if err != nil {
		t.Fatal(err)
	}
	var recs []any
	for _, ev := range evs {
		recs = append(recs, map[string]any{"phase": map[string]any{"ApplyExtrinsic": 1}, "event": ev, "topics": []any{}})
	}
	events, err := codec.Encode(evEntry.Meta.Value, recs)
	if err != nil {
		t.Fatal(err)
	}
	return trie.KV{Key: evEntry.Prefix(), Value: events}
}

// cachedMetadata is the metadata ksm cached in home (the one whose file
// name has chain in it, when there are several).
func cachedMetadata(t *testing.T, home, chain string) *metadata.Metadata {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(home, "cache", "metadata", "*.scale"))
	if len(files) > 1 && chain != "" {
		files, _ = filepath.Glob(filepath.Join(home, "cache", "metadata", "*"+chain+"*.scale"))
	}
	if len(files) != 1 {
		t.Fatalf("metadata cache: %v", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	md, err := metadata.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return md
}

// feePaidEvent is TransactionPayment.TransactionFeePaid of fee by who.
func feePaidEvent(who string, fee *big.Int) any {
	return map[string]any{"TransactionPayment": map[string]any{"TransactionFeePaid": map[string]any{"who": who, "actual_fee": fee.String(), "tip": 0}}}
}

// successEvent is System.ExtrinsicSuccess.
var successEvent = map[string]any{"System": map[string]any{"ExtrinsicSuccess": map[string]any{"dispatch_info": map[string]any{
	"weight": map[string]any{"ref_time": 1000, "proof_size": 10}, "class": "Normal", "pays_fee": "Yes"}}}}
