package cli

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/wallet/keys"
)

// TestPlansFailFast: what was typed wrong fails with exit 2 before any
// network step. The endpoint given is a listener that counts connections:
// none may arrive.
func TestPlansFailFast(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	pair := addKey(t, home, "alice", "//Alice")
	st := openTestStore(t, home)
	if _, err := st.AddWatch("watcher", pair.Scheme(), pair.PublicKey()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	conns := make(chan string, 64)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns <- c.RemoteAddr().String()
			c.Close()
		}
	}()
	url := "ws://" + ln.Addr().String()
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"transfer", "alice", "abc", "--from", "alice"}, "not an amount"},
		{[]string{"transfer", "alice", "0", "--from", "alice"}, "more than zero"},
		{[]string{"transfer", "alice", "1", "--from", "nope"}, "no such key"},
		{[]string{"transfer", "alice", "1", "--from", "watcher"}, "watch-only"},
		{[]string{"transfer", "alice", "1", "--from", "alice", "--tip", "x"}, "--tip"},
		{[]string{"stake", "nominate", "xyz", "--from", "alice"}, "validator 1"},
		{[]string{"stake", "bond", "1", "--payee", "bogus", "--from", "alice"}, "--payee"},
		{[]string{"stake", "unbond", "most", "--from", "alice"}, "not an amount"},
		{[]string{"stake", "payout", "alice", "x", "--from", "alice"}, "ERA"},
		{[]string{"pool", "join", "1", "one", "--from", "alice"}, "POOL_ID"},
		{[]string{"pool", "unbond", "half", "--from", "alice"}, "not an amount"},
		{[]string{"gov", "vote", "x", "aye", "--amount", "1", "--from", "alice"}, "not a number"},
		{[]string{"gov", "vote", "1", "aye", "--amount", "lots", "--from", "alice"}, "--amount"},
		{[]string{"gov", "vote", "1", "aye", "--amount", "1", "--conviction", "9x", "--from", "alice"}, "--conviction"},
		{[]string{"gov", "vote", "1", "abstain", "--amount", "1", "--conviction", "2x", "--from", "alice"}, "no conviction"},
		{[]string{"gov", "delegate", "0", "nobody", "--amount", "1", "--from", "alice"}, "TO"},
		{[]string{"gov", "unlock", "0", "nobody", "--from", "alice"}, "TARGET"},
		{[]string{"tx", "call", "System.remark", "--args", `["0x00"]`, "--from", "nope"}, "no such key"},
		{[]string{"tx", "call", "System.remark", "--args", `["0x00"]`, "--spend", "x", "--from", "alice"}, "--spend"},
		{[]string{"claim", "submit", "--to", "alice", "--eth-signature", "0xzz"}, "--eth-signature"},
		{[]string{"claim", "submit", "--to", "nobody", "--eth-signature", "0x" + strings.Repeat("ab", 64) + "1b"}, "neither a key name nor an address"},
		{[]string{"claim", "submit", "--to", "alice"}, "give one of"},
		{[]string{"claim", "attest", "--from", "nope"}, "no such key"},
		{[]string{"para", "reserve", "--from", "nope"}, "no such key"},
		{[]string{"para", "register", "x", "--genesis-head", "h", "--validation-code", "c", "--from", "alice"}, "not a number"},
		{[]string{"para", "register", "2000", "--genesis-head", filepath.Join(home, "none"), "--validation-code", "c", "--from", "alice"}, "--genesis-head"},
		{[]string{"para", "deregister", "-", "--from", "alice"}, "not a number"},
		{[]string{"para", "contribute", "x", "1", "--from", "alice"}, "not a number"},
		{[]string{"para", "contribute", "2000", "lots", "--from", "alice"}, "not an amount"},
		{[]string{"para", "contribute", "2000", "1", "--from", "nope"}, "no such key"},
		{[]string{"para", "withdraw", "2000", "nobody", "--from", "alice"}, "WHO"},
		{[]string{"para", "refund", "two", "--from", "alice"}, "not a number"},
	} {
		start := time.Now()
		code, out, errOut := runCLI(t, "", append([]string{"--home", home, "--rpc", url, "--trust-rpc", "--password-file", filepath.Join(home, "none")}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.msg) || out != "" {
			t.Errorf("ksm %s: exit %d, stdout %q, want 2 with %q\n%s", strings.Join(tc.args, " "), code, out, tc.msg, errOut)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("ksm %s: took %v", strings.Join(tc.args, " "), d)
		}
	}
	// A last connection of our own: connections are accepted in order, so
	// any the commands made arrive before it.
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for others := 0; ; {
		select {
		case from := <-conns:
			if from != c.LocalAddr().String() {
				others++
				continue
			}
			if others != 0 {
				t.Fatalf("%d connections to the endpoint: input errors must be found before the network", others)
			}
			return
		case <-time.After(30 * time.Second):
			t.Fatal("the test's own connection was never accepted")
		}
	}
}

// addKey stores the key of uri under name in home's keystore (password "pw").
func addKey(t *testing.T, home, name, uri string) *keys.Pair {
	t.Helper()
	st := openTestStore(t, home)
	pair, err := keys.FromURI(uri, keys.Sr25519)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Add(name, pair, []byte("pw"), nil); err != nil {
		t.Fatal(err)
	}
	return pair
}
