package cli

import (
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
)

// TestNetworkTrustedDevChainIsSingle: on --network kusama an endpoint
// trusted with --trust-rpc whose genesis is no embedded network's (a
// development chain, chopsticks) is one chain that every command goes to:
// balance and a staking call open it alone, not an Asset Hub it does not
// have (the generated chain served here proves nothing and lacks
// system_properties, so identifying it then fails: that failure shows which
// chain was opened).
func TestNetworkTrustedDevChainIsSingle(t *testing.T) {
	n := lighttest.Serve(t, lighttest.Shared(t, lighttest.Options{}))
	n.Server.Methods = []string{"rpc_methods", "chain_getFinalizedHead", "chain_getHeader", "chain_getBlockHash", "state_getStorage", "state_getMetadata"}
	home := t.TempDir()
	pw := map[string]string{"KSM_PASSWORD": "pw"}
	importKey(t, home, "alice", "//Alice", pw)
	for _, args := range [][]string{
		{"balance", lightAlice},
		{"stake", "bond", "1", "--from", "alice", "--dry-run"},
		{"transfer", lightBob, "1", "--from", "alice", "--dry-run"},
		{"gov", "vote", "0", "aye", "--amount", "1", "--from", "alice", "--dry-run"},
	} {
		_, _, errOut := keyRun(t, home, keyRunOpts{env: pw}, append([]string{"--network", "kusama", "--rpc", n.URL, "--trust-rpc"}, args...)...)
		if !strings.Contains(errOut, "is a development chain") || !strings.Contains(errOut, "identify the chain at") ||
			strings.Contains(errOut, "Asset Hub") || strings.Contains(errOut, "wrong chain") || strings.Contains(errOut, "Kusama:") {
			t.Errorf("%v: not the development chain alone:\n%s", args, errOut)
		}
	}
}
