package cli

import (
	"strings"
	"testing"
)

// TestChainAccessModes: which chain access ksm accepts, and the exit codes
// of the failures found before any value is read.
func TestChainAccessModes(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	// The keys named exist: argument checks pass and the endpoint is reached.
	importKey(t, home, "alice", "//Alice", map[string]string{"KSM_PASSWORD": "pw"})
	watchKey(t, home, "bob", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F")
	// Port 1 (tcpmux) has no listener: a port freed by closing a listener
	// could be taken by a test running in parallel.
	closed := "ws://127.0.0.1:1"
	// An endpoint that cannot prove anything (no grandpa_proveFinality,
	// no state_getReadProof), like chopsticks.
	srv, url, _ := testNetwork(t, 10)
	srv.Methods = []string{"rpc_methods", "chain_getFinalizedHead", "chain_getHeader", "chain_getBlockHash", "state_getStorage"}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--rpc", url, "balance", "alice"}, ExitVerification, "--trust-rpc accepts its answers unverified"},
		{[]string{"--rpc", url + "/?key=hidden", "account", "alice"}, ExitVerification, "cannot prove"},
		{[]string{"--rpc", url, "transfer", "alice", "1", "--from", "alice"}, ExitVerification, "cannot prove"},
		{[]string{"--rpc", closed, "--trust-rpc", "balance", "alice"}, ExitNetwork, "connect to"},
		{[]string{"--rpc", "wss://user:secret@127.0.0.1:1/?key=hidden", "balance", "alice"}, ExitNetwork, "connect to"},
		{[]string{"--network", "nowhere.json", "balance", "alice"}, ExitUsage, "network"},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"--home", home}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.msg) {
			t.Errorf("ksm %s: exit %d (want %d)\n%s", strings.Join(tc.args, " "), code, tc.code, errOut)
		}
		if strings.Contains(errOut, "secret") || strings.Contains(errOut, "hidden") {
			t.Errorf("credentials of the URL in a message: %s", errOut)
		}
	}
}

// usageCase is a command line that must fail with exit 2 (usage) and a
// part of its message.
type usageCase struct {
	args []string
	want string
}

// checkUsage runs each case with --home home and stdin and wants exit 2
// with its message.
func checkUsage(t *testing.T, stdin, home string, cases []usageCase) {
	t.Helper()
	for _, tc := range cases {
		code, _, errOut := runCLI(t, stdin, append([]string{"--home", home}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("ksm %s: exit %d, want 2 with %q\n%s", strings.Join(tc.args, " "), code, tc.want, errOut)
		}
	}
}

// TestSubmitUsage: mistakes found before any network access (exit 2).
func TestSubmitUsage(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	checkUsage(t, "not json", home, []usageCase{
		{[]string{"transfer", "bob", "1", "--from", "a", "--keep-alive", "--allow-death"}, "exclude each other"},
		{[]string{"transfer", "bob", "1", "--all", "--from", "a"}, "without an AMOUNT"},
		{[]string{"transfer", "bob", "--from", "a"}, "TO and AMOUNT"},
		{[]string{"tx", "call", "--from", "a"}, "no call given"},
		{[]string{"tx", "call", "Balances", "--from", "a"}, "PALLET.CALL"},
		{[]string{"tx", "call", "System.remark", "--args", "{nope", "--from", "a"}, "not JSON"},
		{[]string{"tx", "call", "System.remark", "--args", "{}", "--call", "System.remark", "--args", "{}", "--from", "a"}, "--batch"},
		{[]string{"tx", "call", "--calls-stdin", "--batch", "--password-stdin", "--from", "a"}, "both read standard input"},
		{[]string{"tx", "call", "--calls-stdin", "--batch", "--from", "a"}, "JSON array"},
		{[]string{"tx", "submit", "0xzz"}, "not hex"},
	})
}
