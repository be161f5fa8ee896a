package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
)

// failFastBound is how long an argument error may take. The network steps
// it must not wait for time out after 10–30 s; starting the process takes
// well under a second.
const failFastBound = 5 * time.Second

// TestFailFast: every argument error exits 2 before any network step. ksm
// runs as a process against an endpoint that never answers, so a command
// that dialled would hang for its timeout; the endpoint must see no
// connection at all.
func TestFailFast(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	// dev signs; bob is watch-only.
	importKey(t, home, "dev", "//Dev", map[string]string{"KSM_PASSWORD": "pw"})
	watchKey(t, home, "bob", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F")
	bh := newBlackhole(t)
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"balance", "nope"}, "neither a key name nor an address"},
		{[]string{"transfer", "bob", "abc", "--from", "dev"}, "amount"},
		{[]string{"transfer", "bob", "-1", "--from", "dev"}, "amount must be positive"},
		{[]string{"transfer", "bob", "0", "--from", "dev"}, "must be positive"},
		{[]string{"transfer", "nope", "1", "--from", "dev"}, "neither a key name nor an address"},
		{[]string{"transfer", "bob", "1", "--from", "nope"}, "no such key"},
		{[]string{"transfer", "dev", "1", "--from", "bob"}, "watch-only"},
		{[]string{"transfer", "bob", "1"}, "--from NAME is required"},
		{[]string{"transfer", "bob", "1", "--from", "dev", "--tip", "lots"}, "--tip"},
		{[]string{"stake", "nominate", "xyz", "--from", "dev"}, "xyz"},
		{[]string{"stake", "bond", "-5", "--from", "dev"}, "amount must be positive"},
		{[]string{"stake", "unbond", "some", "--from", "dev"}, "amount"},
		{[]string{"pool", "join", "1", "x", "--from", "dev"}, "not a number"},
		{[]string{"gov", "vote", "x", "aye", "--amount", "1", "--from", "dev"}, "x"},
		{[]string{"para", "contribute", "2000", "1", "--from", "nope"}, "no such key"},
		{[]string{"tx", "call", "Balances.transfer_keep_alive", "--args", `{"dest":{"Id":"0x00"},"value":1}`, "--from", "nope"}, "no such key"},
		{[]string{"--rpc", "ftp://x", "balance", "bob"}, "unsupported scheme"},
		{[]string{"--asset-hub-rpc", "ftp://x", "balance", "bob"}, "unsupported scheme"},
		{[]string{"--network", "kusama-asset-hub", "--asset-hub-rpc", "ws://127.0.0.1:1", "balance", "bob"}, "--asset-hub-rpc is for a relay network"},
		{[]string{"transfer", "bob", "1", "--from", "dev", "--chain", "parachain"}, "--chain"},
		{[]string{"--network", "kusama-asset-hub", "transfer", "bob", "1", "--from", "dev", "--chain", "relay"}, "single chain"},
		{[]string{"--network", "kusama", "--relay-rpc", "ws://127.0.0.1:1", "stake", "bond", "1", "--from", "dev"}, "--relay-rpc is for parachain networks"},
	}
	for _, tt := range tests {
		args := append([]string{"--rpc", bh.url}, tt.args...)
		code, _, stderr, took := runKSM(t, home, nil, args...)
		if code != ExitUsage || !strings.Contains(stderr, tt.msg) {
			t.Errorf("ksm %v: exit %d %q; want exit 2 with %q", tt.args, code, stderr, tt.msg)
		}
		if took > failFastBound {
			t.Errorf("ksm %v: took %v", tt.args, took)
		}
	}
	if n := bh.accepted.Load(); n != 0 {
		t.Errorf("argument errors dialled the endpoint %d times", n)
	}
}

// TestStakeBondNoNetwork: on the default network (kusama: the relay and
// its Asset Hub) a staking call goes for the network — Asset Hub followed
// through the relay — and, offline, fails as a network failure (exit 5)
// naming Asset Hub within 30 s; it is not refused with a routing error or
// a request for an endpoint. Once with Kusama's own bootnodes (skipped if
// this machine reaches them), once with a bootnode that refuses every
// connection (the same on every machine), also under --json, whose error
// document names the chain and exit code.
func TestStakeBondNoNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("dials the real Kusama bootnodes (fails fast without a network)")
	}
	home := t.TempDir()
	pw := map[string]string{"KSM_PASSWORD": "pw"}
	if code, _, stderr := keyRun(t, home, keyRunOpts{stdin: "//Dev\n", env: pw}, "key", "import", "--name", "K", "--suri-stdin"); code != 0 {
		t.Fatalf("key import: %d %s", code, stderr)
	}
	for _, tc := range []struct {
		name        string
		unreachable bool
		json        bool
	}{{"kusama-bootnodes", false, false}, {"unreachable-bootnode", true, false}, {"unreachable-bootnode-json", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.unreachable {
				hooksOf(t).P2P = func(cfg *p2p.Config) []string {
					cfg.AllowAddr, cfg.Resolver = p2ptest.Loopback, p2ptest.NoDNS()
					return []string{"/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"}
				}
			}
			args := []string{"stake", "bond", "1", "--from", "K", "--yes"}
			if tc.json {
				args = append([]string{"--json"}, args...)
			}
			start := time.Now()
			code, stdout, stderr := keyRun(t, home, keyRunOpts{env: pw}, args...)
			if d := time.Since(start); d > 30*time.Second+5*time.Second {
				t.Fatalf("took %v", d)
			}
			if code == ExitOK && !tc.unreachable {
				t.Skip("this machine reached Kusama")
			}
			if code != ExitNetwork || strings.Contains(stderr, "--network") || strings.Contains(stderr, "--rpc") || strings.Contains(stderr, "wrong chain") {
				t.Fatalf("exit %d, stderr %q; want exit 5, a network failure", code, stderr)
			}
			if !strings.Contains(stderr, "Kusama Asset Hub: ") {
				t.Errorf("the error does not name the chain: %q", stderr)
			}
			if tc.json {
				lines := strings.Split(strings.TrimSpace(stderr), "\n")
				var doc struct {
					Error struct {
						Message  string `json:"message"`
						ExitCode int    `json:"exitCode"`
					} `json:"error"`
				}
				if err := json.Unmarshal([]byte(lines[len(lines)-1]), &doc); err != nil || doc.Error.ExitCode != ExitNetwork ||
					!strings.HasPrefix(doc.Error.Message, "Kusama Asset Hub: ") || stdout != "" {
					t.Errorf("--json error document %q (%v), stdout %q", lines[len(lines)-1], err, stdout)
				}
			}
		})
	}
}
