package cli

// Submitting on Asset Hub from verified mode: the transaction goes through
// the Asset Hub endpoint (--rpc), and the block the endpoint says includes
// it is proven through the relay chain before its outcome is read.

import (
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// TestAssetHubSubmit: a transfer on a generated Asset Hub chain, sent
// through its endpoint (author_submitExtrinsic: the endpoint serves plain
// HTTP, so ksm finds the transaction in its finalized blocks), included in a
// new para block that a new relay block then records in Paras::Heads. ksm
// waits until the relay light client proves that head, checks the body the
// endpoint serves against the proven extrinsics root and reads the events
// (which the test gives the block: the chain does not execute) proven at
// it. An endpoint lying about the body: exit 3. A block the relay chain
// never proves: the endpoint's claim, marked unverified.
func TestAssetHubSubmit(t *testing.T) {
	slowTest(t, "executes the Asset Hub runtime")
	ah := lighttest.Serve(t, lighttest.Generate(t, lighttest.Options{Spec: "asset-hub-kusama-local.json", Seed: "cli-ah-submit", Blocks: 4}))
	r := lighttest.ServeRelay(t, ah.Chain.Chain, lighttest.RelayOptions{Seed: "cli-ah-submit-relay", Blocks: 8})
	startAt(t, r)
	hooksOf(t).Para = func() header.Hash { return ah.Genesis() }
	hooksOf(t).ParaInclusionTimeout, hooksOf(t).ParaInclusionPoll = time.Minute, 200*time.Millisecond
	home := t.TempDir()
	pw := map[string]string{"KSM_PASSWORD": "pw"}
	ksm := func(t *testing.T, args ...string) (int, string, string) {
		t.Helper()
		return keyRun(t, home, keyRunOpts{env: pw}, append([]string{"--network", "kusama-asset-hub", "--rpc", ah.URL, "--relay-rpc", r.URL}, args...)...)
	}
	importKey(t, home, "alice", "//Alice", pw)
	code, out, errOut := ksm(t, "--json", "transfer", lightBob, "0.01", "--from", "alice", "--dry-run")
	fee := dryRunFee(t, code, out, errOut)
	events := ahEvents(t, home, fee)

	// relayFollows extends the relay chain once the para chain has grown
	// by one block (the endpoint included a transaction): the new relay
	// block records that para block.
	relayFollows := func(t *testing.T, paraAfter int) {
		before := len(ah.Server.Submitted())
		done := make(chan struct{})
		t.Cleanup(func() { <-done })
		go func() {
			defer close(done)
			for i := 0; i < 1200; i++ { // up to a minute: generous for a loaded machine
				if len(ah.Server.Submitted()) > before {
					for range paraAfter {
						if _, err := ah.Server.Extend(nil); err != nil {
							t.Errorf("para extend: %v", err)
						}
					}
					if _, err := r.Server.Extend(nil); err != nil {
						t.Errorf("relay extend: %v", err)
					}
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
	}
	type outcome struct {
		submitJSON
		Fee any `json:"fee"`
	}
	// nextBlock gives the next para block the transfer's events and returns
	// its number; transferOK sends the transfer, which must succeed, and
	// reads its outcome.
	nextBlock := func(t *testing.T) uint32 {
		t.Helper()
		next := uint32(len(ah.Blocks))
		if err := ah.SetState(next, []trie.KV{events}); err != nil {
			t.Fatal(err)
		}
		return next
	}
	transferOK := func(t *testing.T) (o outcome, out, errOut string) {
		t.Helper()
		code, out, errOut := ksm(t, "--json", "--yes", "transfer", lightBob, "0.01", "--from", "alice")
		if code != 0 {
			t.Fatalf("transfer: exit %d\n%s\n%s", code, out, errOut)
		}
		mustJSON(t, out, &o)
		return o, out, errOut
	}

	t.Run("verified", func(t *testing.T) {
		next := nextBlock(t)
		relayFollows(t, 0)
		o, out, errOut := transferOK(t)
		if len(ah.Server.Submitted()) != 1 || len(ah.Blocks) != int(next)+1 {
			t.Fatalf("%d submitted, %d para blocks", len(ah.Server.Submitted()), len(ah.Blocks))
		}
		if !o.Success || !o.Verified || o.BlockNumber != uint64(next) || o.BlockHash != ah.Blocks[next].Hash.String() ||
			jsonNum(o.Fee) != fee.String() || o.Error != nil {
			t.Fatalf("outcome %s\n%s", out, errOut)
		}
		checkEvents(t, o.Events, "TransactionPayment.TransactionFeePaid,System.ExtrinsicSuccess")
		if !strings.Contains(errOut, "waiting for the relay chain to prove") || !strings.Contains(errOut, "proven") ||
			strings.Contains(errOut, "NOT verified") {
			t.Errorf("stderr:\n%s", errOut)
		}
		t.Logf("stderr:\n%s", errOut)
	})

	t.Run("lying-body", func(t *testing.T) {
		nextBlock(t)
		// The endpoint adds an extrinsic to the body of every block it
		// serves: the transaction is still found there, but the body does
		// not match the proven extrinsics root.
		ah.Server.SetLie(func(method string, res any) any {
			if method != "chain_getBlock" {
				return res
			}
			m, ok := res.(map[string]any)
			if !ok {
				return res
			}
			b := m["block"].(map[string]any)
			b["extrinsics"] = append(b["extrinsics"].([]string), "0x0c010203")
			return m
		})
		t.Cleanup(func() { ah.Server.SetLie(nil) })
		relayFollows(t, 0)
		code, out, errOut := ksm(t, "--json", "--yes", "transfer", lightBob, "0.01", "--from", "alice")
		if code != ExitVerification || out != "" || !strings.Contains(errOut, "was sent") || !strings.Contains(errOut, "does not verify") {
			t.Fatalf("lying body: exit %d out %q\n%s", code, out, errOut)
		}
		t.Logf("stderr:\n%s", errOut)
	})

	// The relay chain proves a later para head: ksm follows the parent
	// hashes back to the including block over the endpoint's headers.
	t.Run("ancestor", func(t *testing.T) {
		next := nextBlock(t)
		relayFollows(t, 1)
		o, out, errOut := transferOK(t)
		if !o.Success || !o.Verified || o.BlockNumber != uint64(next) || o.BlockHash != ah.Blocks[next].Hash.String() {
			t.Fatalf("outcome %s\n%s", out, errOut)
		}
		if !strings.Contains(errOut, "an ancestor of #"+strconv.Itoa(int(next)+1)) {
			t.Errorf("stderr:\n%s", errOut)
		}
	})

	t.Run("unproven", func(t *testing.T) {
		next := nextBlock(t)
		hooksOf(t).ParaInclusionTimeout = 2 * time.Second
		// No relay block records the new para block.
		o, out, errOut := transferOK(t)
		if o.Verified || !o.Success || o.BlockHash != ah.Blocks[next].Hash.String() || !strings.Contains(errOut, "NOT verified") {
			t.Fatalf("unproven outcome %s\n%s", out, errOut)
		}
		t.Logf("stderr:\n%s", errOut)
	})
}

// ahEvents is System.Events for a block whose extrinsic 1 (after the test
// chain's inherent) paid fee and succeeded, encoded with the Asset Hub
// metadata ksm cached in home (beside the relay's with --network kusama).
func ahEvents(t *testing.T, home string, fee *big.Int) trie.KV {
	t.Helper()
	return extrinsicEvents(t, home, "statemine", feePaidEvent(lightAlice, fee), successEvent)
}
