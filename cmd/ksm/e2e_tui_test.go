package main

// End-to-end: the dashboard (ksm tui) driven in tmux (send-keys,
// capture-pane) on the real Kusama runtime under chopsticks with
// --trust-rpc: //Alice transfers to //Bob, //Charlie bonds and nominates
// Alice's stash, each through the one confirm screen and the masked
// password prompt, and Charlie votes on a referendum; @polkadot/api checks
// the resulting state.

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/tx/hash"
)

// tmuxPane is a ksm tui running in a detached tmux session.
type tmuxPane struct {
	t    *testing.T
	name string
}

func startTUI(t *testing.T, c *e2eChain) *tmuxPane {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		// .ci/test installs tmux; a run that promised the oracles fails here.
		if os.Getenv("KSM_REQUIRE_ORACLES") != "" {
			t.Fatal("tmux is not installed (KSM_REQUIRE_ORACLES is set; .ci/test installs it)")
		}
		t.Skip("tmux is not installed")
	}
	p := &tmuxPane{t: t, name: fmt.Sprintf("ksm-tui-e2e-%d", os.Getpid())}
	cmd := fmt.Sprintf("env KSM_PASSWORD= KSM_HOME= NO_COLOR=1 %s --home %s --rpc %s --trust-rpc tui; sleep 600", e2eBinary, c.Home, c.URL)
	if out, err := exec.Command("tmux", "new-session", "-d", "-s", p.name, "-x", "120", "-y", "40", cmd).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", p.name).Run() })
	return p
}

func (p *tmuxPane) capture() string {
	out, err := exec.Command("tmux", "capture-pane", "-p", "-t", p.name).Output()
	if err != nil {
		p.t.Fatalf("capture-pane: %v", err)
	}
	return string(out)
}

// waitFor polls the screen until it shows all of parts (a generous
// deadline: a transaction round trip on chopsticks takes seconds).
func (p *tmuxPane) waitFor(parts ...string) string {
	p.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		s := p.capture()
		ok := true
		for _, part := range parts {
			if !strings.Contains(s, part) {
				ok = false
			}
		}
		if ok {
			return s
		}
		if strings.Contains(s, "Failed") && !strings.Contains(strings.Join(parts, ""), "Failed") {
			p.t.Fatalf("waiting for %q, the screen shows a failure:\n%s", parts, s)
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waiting for %q; the screen:\n%s", parts, s)
		}
		time.Sleep(100 * time.Millisecond) // polling the pane, not synchronising
	}
}

// selectedLine is the validator table's line with the full address.
func selectedLine(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "selected: ") {
			return l
		}
	}
	return ""
}

// waitChange polls until the selected line is no longer old (the cursor
// moved), or the end of the table kept it.
func (p *tmuxPane) waitChange(old string) string {
	p.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		s := p.capture()
		if selectedLine(s) != old || time.Now().After(deadline) {
			return s
		}
		time.Sleep(20 * time.Millisecond) // polling the pane
	}
}

func (p *tmuxPane) keys(keys ...string) {
	p.t.Helper()
	if out, err := exec.Command("tmux", append([]string{"send-keys", "-t", p.name}, keys...)...).CombinedOutput(); err != nil {
		p.t.Fatalf("send-keys: %v: %s", err, out)
	}
}

func (p *tmuxPane) text(s string) { p.keys("-l", s) }

// confirm answers the confirm screen and the password prompt, and waits for
// the outcome; it checks the password is not echoed.
func (p *tmuxPane) confirm(title string) {
	p.t.Helper()
	p.waitFor(title, "Sign and submit this transaction?")
	p.text("y")
	p.waitFor("Password:")
	p.text(e2ePassword)
	if s := p.capture(); strings.Contains(s, e2ePassword) {
		p.t.Fatalf("password echoed:\n%s", s)
	}
	p.keys("Enter")
	p.waitFor("Succeeded")
	p.keys("Enter")
}

func TestE2ETUI(t *testing.T) {
	// Its own chain: it bonds //Charlie, which must start unbonded.
	base := e2ePrivateKusama(t)
	c := *base
	c.Home = t.TempDir()
	for _, k := range []struct{ name, suri string }{{"alice", "//Alice"}, {"charlie", "//Charlie"}} {
		c.ksm(t, k.suri+"\n", "key", "import", "--name", k.name, "--suri-stdin").ok(t)
	}
	charlie := c.address(t, "charlie")
	scratch := c
	scratch.Home = t.TempDir()
	scratch.ksm(t, "//Alice//stash\n", "key", "import", "--name", "stash", "--suri-stdin").ok(t)
	stash := scratch.address(t, "stash")
	dec := c.decimals(t)

	idx := tuiReferendum(t, &c)
	// Charlie is a Staking proxy of Alice: the Accounts panel shows it
	// both ways.
	c.submit(t, "proxy", "add", charlie, "--type", "Staking", "--from", "alice")

	p := startTUI(t, &c)
	p.waitFor("alice", "charlie", "transferable", "unverified (trusted endpoint)")
	p.text("p")
	p.waitFor("May act for alice (1;", charlie, "Staking · key charlie")
	p.keys("j")
	p.waitFor("› charlie", "charlie may act for (1;", "Staking · key alice")
	p.keys("k")
	p.text("p")
	p.waitFor("› alice", "transferable")
	// The user's para ids: none on this chain (Registrar.Paras read).
	p.text("5")
	p.waitFor("Your para ids", "none: R reserves one")
	p.text("1")

	// Transfer 1.5 from alice to bob.
	before := c.oracleFree(t, c.Bob)[0]
	p.text("t")
	p.waitFor("Transfer", "To (address or key name)")
	p.text(c.Bob)
	p.keys("Enter")
	p.text("1.5")
	p.keys("Enter")
	p.confirm("transfer_keep_alive")
	after := c.oracleFree(t, c.Bob)[0]
	want := new(big.Int).Add(before, new(big.Int).Div(tokens(3, dec), big.NewInt(2)))
	if after.Cmp(want) != 0 {
		t.Fatalf("bob's free %s → %s, want %s", before, after, want)
	}

	// Charlie bonds 10 and nominates Alice's stash from the validator table.
	p.keys("j")
	p.waitFor("› charlie")
	p.text("2")
	p.waitFor("charlie has nothing bonded")
	p.text("b")
	p.waitFor("Bond", "Signed by key charlie")
	p.text("10")
	p.keys("Enter", "Enter")
	p.confirm("bond")
	p.text("u")
	p.waitFor("Staking of charlie", "bonded       10")
	// The unclaimed rewards follow the staking state (none yet).
	p.waitFor("nothing unclaimed")
	p.text("v")
	s := p.waitFor("Validators (", "selected: ", "noms")
	for i := 0; !strings.Contains(s, "selected: "+stash); i++ {
		if i > 50 {
			t.Fatalf("Alice's stash %s is not in the validator table:\n%s", stash, s)
		}
		p.text("j")
		s = p.waitChange(selectedLine(s))
	}
	p.text("x")
	p.waitFor("1 picked")
	p.text("n")
	p.confirm("nominate")

	res := c.query(t, e2eQ("query.staking.ledger", charlie), e2eQ("query.staking.nominators", charlie))
	if !strings.Contains(string(res[0]), charlie) {
		t.Errorf("ledger of charlie: %s", res[0])
	}
	if !strings.Contains(string(res[1]), stash) {
		t.Errorf("nominations of charlie: %s, want %s", res[1], stash)
	}

	// Charlie votes aye with 1 token at 2x on the referendum.
	tally := func() map[string]any {
		var v map[string]map[string]any
		if err := json.Unmarshal(c.query(t, e2eQ("query.referenda.referendumInfoFor", idx))[0], &v); err != nil {
			t.Fatal(err)
		}
		return v["ongoing"]["tally"].(map[string]any)
	}
	ayes := govJBig(t, tally()["ayes"])
	p.keys("Escape")
	p.text("3")
	p.waitFor("Referenda (")
	p.text("v")
	p.waitFor("Vote", "Signed by key charlie")
	p.keys("C-u")
	p.text(fmt.Sprint(idx))
	p.keys("Enter", "Enter") // direction: aye
	p.text("1")
	p.keys("Enter", "C-u")
	p.text("2x")
	p.keys("Enter", "Enter", "Enter")
	p.confirm("vote")
	if got := sub(govJBig(t, tally()["ayes"]), ayes); got.Cmp(tokens(2, dec)) != 0 {
		t.Errorf("ayes grew by %s, want 2 tokens (1 at 2x)", got)
	}
	p.logRSS()
	p.keys("C-c")
}

// logRSS logs the resident memory of the ksm tui process (Linux).
func (p *tmuxPane) logRSS() {
	out, err := exec.Command("tmux", "list-panes", "-t", p.name, "-F", "#{pane_pid}").Output()
	if err != nil {
		return
	}
	kids, err := exec.Command("pgrep", "-P", strings.TrimSpace(string(out)), "ksm").Output()
	if err != nil {
		return
	}
	pid := strings.Fields(string(kids))
	if len(pid) == 0 {
		return
	}
	st, err := os.ReadFile("/proc/" + pid[0] + "/status")
	if err != nil {
		return
	}
	for _, l := range strings.Split(string(st), "\n") {
		if strings.HasPrefix(l, "VmRSS") || strings.HasPrefix(l, "VmHWM") {
			p.t.Logf("ksm tui %s", strings.Join(strings.Fields(l), " "))
		}
	}
}

// tuiReferendum creates an ongoing referendum (a noted System.remark,
// submitted with a Root origin, decision deposit placed) as TestE2EGov does.
func tuiReferendum(t *testing.T, c *e2eChain) uint32 {
	t.Helper()
	var dr struct {
		CallHex string `json:"callHex"`
	}
	c.ksm(t, "", "tx", "call", "System.remark", "--args", `{"remark":"0x6b736d2d747569"}`, "--from", "alice", "--dry-run", "--json").ok(t).json(t, &dr)
	call, err := hex.DecodeString(strings.TrimPrefix(dr.CallHex, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	ph := hash.Blake2b256(call)
	c.submit(t, "tx", "call", "Preimage.note_preimage", "--args", `{"bytes":"`+dr.CallHex+`"}`, "--from", "alice")
	proposal := fmt.Sprintf(`{"Lookup":{"hash":"0x%x","len":%d}}`, ph[:], len(call))
	out := c.submit(t, "tx", "call", "Referenda.submit", "--args",
		`{"proposal_origin":{"system":"Root"},"proposal":`+proposal+`,"enactment_moment":{"After":10}}`, "--from", "alice")
	for _, e := range out.Events {
		if e.Pallet == "Referenda" && e.Name == "Submitted" {
			idx := uint32(e2eBigAny(t, e.Fields.(map[string]any)["index"]).Uint64())
			c.submit(t, "tx", "call", "Referenda.place_decision_deposit", "--args", fmt.Sprintf(`{"index":%d}`, idx), "--from", "alice")
			return idx
		}
	}
	t.Fatalf("no Referenda.Submitted: %+v", out.Events)
	return 0
}
