package cli

import (
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

// BenchmarkBalanceWarm is the whole `ksm --json balance ADDRESS` command
// with a warm data directory (verified state saved, the Kusama runtime
// compiled and cached, the read sets of its runtime calls known), over the
// JSON-RPC test network holding kusama-local's genesis state: start, resume,
// catch up with finality, prove the account, run the runtime for the
// metadata, print. The first (cold) run is reported as cold-ms.
func BenchmarkBalanceWarm(b *testing.B) {
	n := lighttest.Serve(b, lighttest.Shared(b, lighttest.Options{}))
	startAt(b, n)
	benchWarm(b, "--rpc", n.URL, "--json", "balance", lightAlice)
}

// BenchmarkBalanceTwoChainsWarm: `ksm balance` on --network kusama over a
// generated relay (Kusama runtime) and the Asset Hub chain it records, both
// read over one light client (their runtimes compiled and cached by the
// first, cold, run).
func BenchmarkBalanceTwoChainsWarm(b *testing.B) {
	ah := lighttest.Serve(b, lighttest.Shared(b, lighttest.Options{Spec: "asset-hub-kusama-local.json", Seed: "bench-net-ah", Blocks: 4}))
	r := lighttest.ServeRelay(b, ah.Chain.Chain, lighttest.RelayOptions{Seed: "bench-net-relay", Blocks: 8, Spec: "kusama-local.json"})
	startAt(b, r)
	hooksOf(b).Para = func() header.Hash { return ah.Genesis() }
	benchWarm(b, "--rpc", r.URL, "--asset-hub-rpc", ah.URL, "--json", "balance", lightAlice)
}

// benchWarm times `ksm args...` in one home: the first, cold, run is
// reported as cold-ms, the others are the benchmark.
func benchWarm(b *testing.B, args ...string) {
	home := b.TempDir()
	run := func() {
		if code, _, errOut := keyRun(b, home, keyRunOpts{}, args...); code != 0 {
			b.Fatalf("exit %d: %s", code, errOut)
		}
	}
	start := time.Now()
	run()
	cold := time.Since(start)
	b.ResetTimer()
	for b.Loop() {
		run()
	}
	b.ReportMetric(float64(cold.Milliseconds()), "cold-ms")
}

// BenchmarkFirstCommandAfterSync is the first command in a home that `ksm
// chain sync` just made (not timed) over relay + Asset Hub: the verified
// state is there, and the runtimes sync prepared (metadata cached, code
// compiled under --home). "balance" reads both chains; "dry-run" estimates
// a transfer's fee on Asset Hub, executing its runtime loaded from the
// compilation cache.
func BenchmarkFirstCommandAfterSync(b *testing.B) {
	ah := lighttest.Serve(b, lighttest.Shared(b, lighttest.Options{Spec: "asset-hub-kusama-local.json", Seed: "bench-net-ah", Blocks: 4}))
	r := lighttest.ServeRelay(b, ah.Chain.Chain, lighttest.RelayOptions{Seed: "bench-net-relay", Blocks: 8, Spec: "kusama-local.json"})
	startAt(b, r)
	hooksOf(b).Para = func() header.Hash { return ah.Genesis() }
	flags := []string{"--rpc", r.URL, "--asset-hub-rpc", ah.URL, "--json"}
	pw := map[string]string{"KSM_PASSWORD": "pw"}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"balance", []string{"balance", lightAlice}},
		{"dry-run", []string{"transfer", lightBob, "0.01", "--from", "alice", "--dry-run"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var sync time.Duration
			for b.Loop() {
				b.StopTimer()
				home := b.TempDir()
				importKey(b, home, "alice", "//Alice", pw)
				start := time.Now()
				if code, _, errOut := keyRun(b, home, keyRunOpts{env: pw}, append(flags, "chain", "sync")...); code != 0 {
					b.Fatalf("chain sync: exit %d: %s", code, errOut)
				}
				sync += time.Since(start)
				b.StartTimer()
				if code, _, errOut := keyRun(b, home, keyRunOpts{env: pw}, append(flags, c.args...)...); code != 0 {
					b.Fatalf("%s: exit %d: %s", c.name, code, errOut)
				}
			}
			b.ReportMetric(float64(sync.Milliseconds())/float64(b.N), "sync-ms/op")
		})
	}
}
