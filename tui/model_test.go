package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// upd feeds one message to the model, dropping the Cmd (the tests feed
// the Cmds' results themselves).
func upd(m Model, msg tea.Msg) Model {
	next, _ := m.Update(msg)
	return next.(Model)
}

func press(m Model, keys ...string) Model {
	for _, k := range keys {
		m = upd(m, keyMsg(k))
	}
	return m
}

// namedKeys are the keys keyMsg takes by name.
var namedKeys = map[string]tea.KeyType{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab,
	"shift+tab": tea.KeyShiftTab, "ctrl+c": tea.KeyCtrlC, "up": tea.KeyUp, "down": tea.KeyDown}

func keyMsg(k string) tea.KeyMsg {
	if k == " " {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	if t, ok := namedKeys[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// dashboard is a model with keys, the chain and balances loaded.
func dashboard(t testing.TB, f *fakeBackend, w, h int) Model {
	t.Helper()
	ctx := context.Background()
	m := New(ctx, Options{Backend: f, Network: "kusama"})
	m = upd(m, tea.WindowSizeMsg{Width: w, Height: h})
	keys, _ := f.Keys(ctx)
	m = upd(m, keysMsg{keys, nil})
	m = upd(m, connectedMsg{fakeHeader, nil})
	accs, _ := f.Balances(ctx, keys)
	return upd(m, balancesMsg{accs, nil})
}

// pages are the screens of the dashboard, reached from a loaded one.
var pages = []struct {
	name string
	to   func(m Model, f *fakeBackend) Model
}{
	{"accounts", func(m Model, f *fakeBackend) Model { return m }},
	{"staking", func(m Model, f *fakeBackend) Model {
		return upd(upd(press(m, "2"), stakingMsg{"alice", fakeStaking, nil}), rewardsMsg{"alice", fakeRewards, nil})
	}},
	{"proxies", func(m Model, f *fakeBackend) Model {
		r, _ := f.Relations(context.Background(), f.keys[0])
		return upd(press(m, "p"), relationsMsg{"alice", r, nil})
	}},
	{"oversubscribed", func(m Model, f *fakeBackend) Model {
		m = upd(press(m, "2"), stakingMsg{"alice", fakeStaking, nil})
		v, _ := f.Validators(context.Background())
		return press(upd(press(m, "v"), validatorsMsg{v, nil}), "j", "j", "j", "j", "j")
	}},
	{"claim_form", func(m Model, f *fakeBackend) Model {
		return press(m, "4", "c")
	}},
	{"claim_confirm", func(m Model, f *fakeBackend) Model {
		m = press(m, "4", "c", "enter", "e", "t", "h", "enter")
		return upd(m, confirmReq{fakeClaimReview, make(chan bool, 1)})
	}},
	{"register_form", func(m Model, f *fakeBackend) Model {
		p, _ := f.MyParas(context.Background(), f.keys)
		return press(upd(press(m, "5"), myParasMsg{p, nil}), "G")
	}},
	{"validators", func(m Model, f *fakeBackend) Model {
		m = upd(press(m, "2"), stakingMsg{"alice", fakeStaking, nil})
		v, _ := f.Validators(context.Background())
		return press(upd(press(m, "v"), validatorsMsg{v, nil}), "j", "x", "j", "j", "x", "s")
	}},
	{"governance", func(m Model, f *fakeBackend) Model {
		r, _ := f.Referenda(context.Background())
		return upd(press(m, "3"), referendaMsg{r, nil})
	}},
	{"referendum", func(m Model, f *fakeBackend) Model {
		r, _ := f.Referenda(context.Background())
		return press(upd(press(m, "3"), referendaMsg{r, nil}), "j", "enter")
	}},
	{"claims", func(m Model, f *fakeBackend) Model {
		c, _ := f.Claim(context.Background(), "0x3a9b2f6f8c1e4e2ee7b3b2e4c8b4ba1dc6a3c9f0", Key{})
		return upd(press(m, "4"), claimMsg{c, nil})
	}},
	{"parachains", func(m Model, f *fakeBackend) Model {
		p, _ := f.Paras(context.Background(), []uint32{2000, 2001})
		my, _ := f.MyParas(context.Background(), f.keys)
		return upd(upd(press(m, "5"), myParasMsg{my, nil}), parasMsg{p, nil})
	}},
	{"activity", func(m Model, f *fakeBackend) Model {
		a, _ := f.Activity(context.Background())
		return upd(press(m, "6"), activityMsg{a, nil})
	}},
	{"help", func(m Model, f *fakeBackend) Model { return press(m, "7") }},
	{"transfer_form", func(m Model, f *fakeBackend) Model { return press(m, "t") }},
	{"confirm", func(m Model, f *fakeBackend) Model {
		m = press(m, "t", "c", "h", "a", "r", "l", "i", "e", "enter", "1", ".", "5", "enter")
		m = upd(m, actionWarnMsg("checkpoint is 3 days old"))
		return upd(m, confirmReq{fakeReview, make(chan bool, 1)})
	}},
	{"password", func(m Model, f *fakeBackend) Model {
		m = press(m, "t")
		m = press(m, "enter", "enter")
		m = upd(m, confirmReq{fakeReview, make(chan bool, 1)})
		m = press(m, "y")
		return press(upd(m, passwordReq{"alice", make(chan []byte, 1)}), "s", "e", "c", "r", "e", "t")
	}},
	{"result", func(m Model, f *fakeBackend) Model {
		m = press(m, "t", "enter", "enter")
		m = upd(m, confirmReq{fakeReview, make(chan bool, 1)})
		m = upd(m, actionStatusMsg("in block #30123457"))
		return upd(m, actionDoneMsg{&Result{Success: true, Verified: true, Hash: "0xcd", Lines: []string{"Balances.Transfer"}}, nil})
	}},
	{"failure", func(m Model, f *fakeBackend) Model {
		m = press(m, "t", "enter", "enter")
		m = upd(m, confirmReq{fakeReview, make(chan bool, 1)})
		return upd(m, actionDoneMsg{nil, errors.New("transaction failed on chain: Balances.InsufficientBalance: Balance too low to send value.")})
	}},
}

func pageNamed(name string) func(Model, *fakeBackend) Model {
	for _, p := range pages {
		if p.name == name {
			return p.to
		}
	}
	panic("no page " + name)
}

var goldenSizes = [][2]int{{80, 24}, {120, 40}}

// TestPagesGolden: every panel and the confirm screen at 80×24 and
// 120×40 (update with -update).
func TestPagesGolden(t *testing.T) {
	for _, sz := range goldenSizes {
		for _, p := range pages {
			t.Run(fmt.Sprintf("%s_%dx%d", p.name, sz[0], sz[1]), func(t *testing.T) {
				f := newFake()
				m := p.to(dashboard(t, f, sz[0], sz[1]), f)
				golden.RequireEqual(t, []byte(m.View()))
			})
		}
	}
}

// TestNoLineWiderThanTheTerminal renders every page at several sizes.
func TestNoLineWiderThanTheTerminal(t *testing.T) {
	for _, sz := range [][2]int{{40, 12}, {60, 20}, {80, 24}, {100, 30}, {120, 40}, {200, 60}} {
		for _, p := range pages {
			f := manyKeys(45)
			m := p.to(dashboard(t, f, sz[0], sz[1]), f)
			lines := strings.Split(m.View(), "\n")
			if len(lines) != sz[1] {
				t.Errorf("%s at %dx%d: %d lines", p.name, sz[0], sz[1], len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > sz[0] {
					t.Errorf("%s at %dx%d: line %d is %d wide: %q", p.name, sz[0], sz[1], i, w, l)
				}
			}
		}
	}
}

// TestAddressesInFull: at 80 columns the selected key's address and a
// picked validator's address are shown whole (nothing a user copies is cut).
func TestAddressesInFull(t *testing.T) {
	f := newFake()
	m := dashboard(t, f, 80, 24)
	if v := m.View(); !strings.Contains(v, aliceAddr) {
		t.Errorf("address of alice not in full:\n%s", v)
	}
	m = pageNamed("validators")(dashboard(t, f, 80, 24), f)
	if v := m.View(); !strings.Contains(v, "selected: "+m.validators[m.val.cursor].Address) {
		t.Errorf("selected validator not in full:\n%s", v)
	}
}

func TestKeys(t *testing.T) {
	f := newFake()
	m := dashboard(t, f, 80, 24)
	tests := []struct {
		keys []string
		want panel
	}{
		{[]string{"tab"}, pStaking},
		{[]string{"tab", "tab", "shift+tab"}, pStaking},
		{[]string{"shift+tab"}, pHelp},
		{[]string{"5"}, pParas},
		{[]string{"?"}, pHelp},
		{[]string{"?", "?"}, pAccounts},
		{[]string{"7", "esc"}, pAccounts},
	}
	for _, tt := range tests {
		if got := press(m, tt.keys...).panel; got != tt.want {
			t.Errorf("%v: panel %v, want %v", tt.keys, panelNames[got], panelNames[tt.want])
		}
	}
	// q and esc quit at the top; ctrl+c quits from inside a form too.
	for _, keys := range [][]string{{"q"}, {"esc"}, {"t", "ctrl+c"}, {"2", "v", "ctrl+c"}} {
		mm := press(m, keys[:len(keys)-1]...)
		_, cmd := mm.Update(keyMsg(keys[len(keys)-1]))
		if cmd == nil {
			t.Errorf("%v: no command", keys)
			continue
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%v does not quit", keys)
		}
	}
	if mm := press(m, "t", "ctrl+c"); !mm.interrupted {
		t.Error("ctrl+c not recorded (Run returns ErrInterrupted: exit 130)")
	}
	if mm := press(m, "q"); mm.interrupted {
		t.Error("q recorded as an interruption")
	}
	// In a form, q is typed, not a quit.
	mm := press(m, "t", "q")
	if mm.overlay == nil {
		t.Fatal("q closed the transfer form")
	}
	if v := mm.overlay.(*formOverlay).fields[0].in.Value(); v != "q" {
		t.Errorf("typed %q", v)
	}
	// Esc from the validator table goes back to the staking panel.
	mm = press(upd(press(m, "2"), stakingMsg{"alice", fakeStaking, nil}), "v", "esc")
	if mm.valTable || mm.panel != pStaking {
		t.Error("esc did not leave the validator table")
	}
}

func TestScrollLongList(t *testing.T) {
	f := manyKeys(45)
	m := dashboard(t, f, 80, 24)
	m = press(m, "G")
	v := m.View()
	if !strings.Contains(v, "› key44") || !strings.Contains(v, "more") {
		t.Errorf("last key not shown with a scroll mark:\n%s", v)
	}
	if strings.Contains(v, "alice") {
		t.Errorf("first key still shown after scrolling to the end:\n%s", v)
	}
	// The header stays.
	if !strings.HasPrefix(v, "ksm · kusama · Kusama #30,123,456 verified") {
		t.Errorf("header scrolled away:\n%s", v)
	}
	m = press(m, "k", "k", "g")
	if m.acc.cursor != 0 || !strings.Contains(m.View(), "› alice") {
		t.Errorf("g did not go to the first key")
	}
}

func TestUnverifiedShown(t *testing.T) {
	f := newFake()
	m := dashboard(t, f, 120, 40)
	h := fakeHeader
	h.Chains = []Chain{{Name: "Kusama", Block: 1}}
	a := fakeAccount(f.keys[0])
	a.Balances[0].Verified = false
	m = upd(upd(m, connectedMsg{h, nil}), balancesMsg{[]Account{a}, nil})
	if v := m.View(); strings.Count(v, "unverified (trusted endpoint)") != 2 {
		t.Errorf("want header and balance unverified:\n%s", v)
	}
}

func TestCopyAddress(t *testing.T) {
	f := newFake()
	m := press(dashboard(t, f, 80, 24), "j")
	_, cmd := m.Update(keyMsg("c"))
	m = upd(m, cmd())
	if len(f.copied) != 1 || f.copied[0] != charlieAddr {
		t.Errorf("copied %v", f.copied)
	}
	if !strings.Contains(m.View(), "copied the address of charlie") {
		t.Errorf("no confirmation:\n%s", m.View())
	}
}

func TestRemoveKeyAsks(t *testing.T) {
	f := newFake()
	m := dashboard(t, f, 80, 24)
	m = press(m, "x", "n")
	if m.overlay != nil {
		t.Fatal("n did not close the question")
	}
	m = press(m, "x")
	_, cmd := m.Update(keyMsg("y"))
	cmd()
	if len(f.removed) != 1 || f.removed[0] != "alice" {
		t.Errorf("removed %v", f.removed)
	}
}

func TestWatchOnlyCannotTransfer(t *testing.T) {
	f := newFake()
	m := press(dashboard(t, f, 80, 24), "j", "j", "t")
	if m.overlay != nil || !strings.Contains(m.View(), "watch-only") {
		t.Errorf("transfer form opened for a watch-only key")
	}
}

// TestNewKeyMnemonic: the words are on their own screen, gone before the
// backup check, and the key is created only after it.
func TestNewKeyMnemonic(t *testing.T) {
	f := newFake()
	m := dashboard(t, f, 80, 24)
	m = press(m, "n", "b", "o", "b")
	_, cmd := m.Update(keyMsg("enter"))
	m = upd(m, cmd())
	words, _ := f.NewMnemonic()
	if v := m.View(); !strings.Contains(v, "sausage") {
		t.Fatalf("mnemonic not shown:\n%s", v)
	}
	m = press(m, "enter")
	v := m.View()
	for _, w := range strings.Fields(words) {
		if strings.Contains(v, w) {
			t.Fatalf("word %q still on the backup check screen:\n%s", w, v)
		}
	}
	o := m.overlay.(*mnemonicOverlay)
	wl := strings.Fields(words)
	// A wrong answer shows the words again; nothing is created.
	m = press(m, "x", "enter", "y", "enter")
	if o.phase != 0 || len(f.created) != 0 {
		t.Fatalf("wrong words accepted (phase %d)", o.phase)
	}
	m = press(m, "enter")
	m = press(m, strings.Split(wl[o.ask[0]], "")...)
	m = press(m, "enter")
	m = press(m, strings.Split(wl[o.ask[1]], "")...)
	m = press(m, "enter", "p", "w", "enter", "p", "w")
	_, cmd = m.Update(keyMsg("enter"))
	if cmd == nil {
		t.Fatalf("no create command; view:\n%s", m.View())
	}
	m = upd(m, cmd())
	if f.created["bob"] != words {
		t.Errorf("created %v", f.created)
	}
	if !strings.Contains(m.View(), "created key bob") {
		t.Errorf("no confirmation:\n%s", m.View())
	}
}

func TestNoColor(t *testing.T) {
	// With the Ascii profile (NO_COLOR) no escape sequence is written.
	f := newFake()
	for _, p := range pages {
		m := p.to(dashboard(t, f, 80, 24), f)
		if v := m.View(); strings.Contains(v, "\x1b[") {
			t.Errorf("%s: escape sequence without colours: %q", p.name, v)
		}
	}
}

// TestChainAdded: a chain opened after the first joins the header and the
// shown panel reads again.
func TestChainAdded(t *testing.T) {
	f := newFake()
	m := dashboard(t, f, 120, 40)
	m.header.Chains = m.header.Chains[:1]
	next, cmd := m.Update(progressMsg(Progress{Finalized: &Chain{Name: "Asset Hub", Block: 7, Verified: true}, Reload: true}))
	m = next.(Model)
	if cmd == nil || m.balState != loading {
		t.Errorf("balances not read again (state %v)", m.balState)
	}
	if v := m.View(); !strings.Contains(strings.Split(v, "\n")[0], "Asset Hub #7 verified") {
		t.Errorf("header:\n%s", v)
	}
}

// TestHeaderNarrowUnverified: at 80 columns both chains and their
// trusted-endpoint tag fit in the header.
func TestHeaderNarrowUnverified(t *testing.T) {
	m := dashboard(t, newFake(), 80, 24)
	h := fakeHeader
	h.Chains = []Chain{{Name: "Kusama", Block: 30123456}, {Name: "Asset Hub", Block: 10987654}}
	m = upd(m, connectedMsg{h, nil})
	first := strings.Split(m.View(), "\n")[0]
	if first != "ksm · Kusama #30,123,456 · Asset Hub #10,987,654 · unverified (trusted endpoint)" {
		t.Errorf("header %q", first)
	}
}

// runCmd runs a Cmd and every Cmd of a tea.Batch it returns, feeding
// their messages to m (only the messages of the given types: the test's
// own reads).
func runCmd(m Model, cmd tea.Cmd, keep func(tea.Msg) bool) Model {
	if cmd == nil {
		return m
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			m = runCmd(m, c, keep)
		}
		return m
	}
	if msg != nil && keep(msg) {
		next, _ := m.Update(msg)
		return next.(Model)
	}
	return m
}

// TestRelationsLoad: p shows the proxies and multisigs of the selected
// key, read by a Cmd for each key the cursor reaches (once), both
// directions and the multisig's pending count shown.
func TestRelationsLoad(t *testing.T) {
	f := &countingBackend{fakeBackend: newFake(), calls: map[string]int{}}
	m := dashboard(t, f.fakeBackend, 120, 40)
	m.be = f
	isRel := func(msg tea.Msg) bool { _, ok := msg.(relationsMsg); return ok }
	next, cmd := m.Update(keyMsg("p"))
	m = runCmd(next.(Model), cmd, isRel)
	v := m.View()
	for _, want := range []string{"May act for alice (2; deposit 0.02 KSM)", charlieAddr, "Staking · key charlie", "Any · announce, delay 100 blocks",
		"alice may act for (1; 4 accounts checked)", "Governance · key watch", "treasury 2-of-3, signatory · 1 pending", multisigAddr} {
		if !strings.Contains(v, want) {
			t.Errorf("missing %q:\n%s", want, v)
		}
	}
	next, cmd = m.Update(keyMsg("j"))
	m = runCmd(next.(Model), cmd, isRel)
	next, cmd = m.Update(keyMsg("k"))
	if cmd != nil {
		if msg := cmd(); msg != nil {
			t.Errorf("alice's relations read again: %T", msg)
		}
	}
	m = next.(Model)
	if f.calls["relations alice"] != 1 || f.calls["relations charlie"] != 1 {
		t.Errorf("calls %v", f.calls)
	}
	// p again: the balances.
	if v := press(m, "p").View(); !strings.Contains(v, "transferable") || strings.Contains(v, "May act for") {
		t.Errorf("p did not go back to the balances:\n%s", v)
	}
	// An error is shown in place.
	m = upd(m, relationsMsg{"alice", nil, errors.New("proof missing")})
	if v := m.View(); !strings.Contains(v, "Could not read the proxies: proof missing") {
		t.Errorf("error not shown:\n%s", v)
	}
}

type countingBackend struct {
	*fakeBackend
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingBackend) Relations(ctx context.Context, k Key) ([]Relations, error) {
	c.mu.Lock()
	c.calls["relations "+k.Name]++
	c.mu.Unlock()
	return c.fakeBackend.Relations(ctx, k)
}

func (c *countingBackend) Rewards(ctx context.Context, k Key) (*Rewards, error) {
	c.mu.Lock()
	c.calls["rewards "+k.Name]++
	c.mu.Unlock()
	return c.fakeBackend.Rewards(ctx, k)
}

// TestRewardsFollowStaking: the unclaimed rewards are read after the
// staking state of a bonded key (not of an unbonded one), shown while
// read, then with their eras.
func TestRewardsFollowStaking(t *testing.T) {
	f := &countingBackend{fakeBackend: newFake(), calls: map[string]int{}}
	m := dashboard(t, f.fakeBackend, 120, 40)
	m.be = f
	m = press(m, "2")
	next, cmd := m.Update(stakingMsg{"alice", fakeStaking, nil})
	m = next.(Model)
	if v := m.View(); !strings.Contains(v, "reading the unclaimed eras") {
		t.Errorf("no reading note:\n%s", v)
	}
	m = runCmd(m, cmd, func(tea.Msg) bool { return true })
	v := m.View()
	for _, want := range []string{"pending      0.0123 KSM (2 unclaimed eras) · verified", "era 8121/1   0.0062 KSM", "Pending rewards (2 eras; o pays them out)"} {
		if !strings.Contains(v, want) {
			t.Errorf("missing %q:\n%s", want, v)
		}
	}
	_, cmd = m.Update(stakingMsg{"charlie", &Staking{Chain: "Asset Hub", Note: "charlie has nothing bonded"}, nil})
	if cmd != nil {
		t.Error("rewards read for an unbonded key")
	}
	if f.calls["rewards alice"] != 1 {
		t.Errorf("calls %v", f.calls)
	}
	m = upd(m, rewardsMsg{"alice", &Rewards{Verified: false}, nil})
	if v := m.View(); !strings.Contains(v, "nothing unclaimed · unverified (trusted endpoint)") {
		t.Errorf("empty rewards:\n%s", v)
	}
}

// TestOversubscribedMarked: the oversubscribed validator is flagged in
// the table and explained on the selected line.
func TestOversubscribedMarked(t *testing.T) {
	f := newFake()
	for _, w := range []int{80, 120, 200} {
		m := pageNamed("oversubscribed")(dashboard(t, f, w, 40), f)
		v := m.View()
		flag := "oversubscribed"
		if w < 140 {
			flag = "over"
		}
		if !strings.Contains(v, "   700  "+flag) || !strings.Contains(v, "oversubscribed: 700 nominators, 512 per reward page") {
			t.Errorf("%d: not marked:\n%s", w, v)
		}
	}
}

// TestParasPanel: the user's para ids are read when the panel opens; G
// registers through an action with the para id, genesis head and code.
func TestParasPanel(t *testing.T) {
	f := newFake()
	m := dashboard(t, f, 80, 24)
	next, cmd := m.Update(keyMsg("5"))
	m = runCmd(next.(Model), cmd, func(msg tea.Msg) bool { _, ok := msg.(myParasMsg); return ok })
	if v := m.View(); !strings.Contains(v, "Para 2114 · verified") || !strings.Contains(v, "(alice)") {
		t.Fatalf("para ids not shown:\n%s", v)
	}
	m = press(m, "G", "enter")
	m = press(m, strings.Split("/tmp/head", "")...)
	m = press(m, "enter")
	m = press(m, strings.Split("/tmp/code.wasm", "")...)
	done := f.withDone()
	_, cmd = m.Update(keyMsg("enter"))
	go cmd()
	// The confirm question arrives through the bridge; decline it.
	for msg := range m.events {
		if c, ok := msg.(confirmReq); ok {
			c.reply <- false
			break
		}
	}
	<-done
	a := f.ran[0]
	if a.Verb != "para register" || a.From != "alice" || a.Fields["id"] != "2114" || a.Fields["head"] != "/tmp/head" || a.Fields["code"] != "/tmp/code.wasm" {
		t.Errorf("ran %+v", a)
	}
}

// TestConnectAfterKeys: the chain is opened once, after the keys arrived
// (one frame later, so that they are painted first), not by Init.
func TestConnectAfterKeys(t *testing.T) {
	f := newFake()
	m := New(context.Background(), Options{Backend: f, Network: "kusama"})
	m = upd(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := m.View(); !strings.Contains(v, "connecting…") {
		t.Errorf("no connecting note:\n%s", v)
	}
	keys, _ := f.Keys(context.Background())
	next, cmd := m.Update(keysMsg{keys, nil})
	m = next.(Model)
	if !strings.Contains(m.View(), aliceAddr) || m.connected != idle {
		t.Fatalf("keys not painted before the chain (state %v)", m.connected)
	}
	if cmd == nil {
		t.Fatal("no connection started after the keys")
	}
	msg := cmd()
	if _, ok := msg.(startConnectMsg); !ok {
		t.Fatalf("got %T", msg)
	}
	next, cmd = m.Update(msg)
	m = next.(Model)
	if m.connected != loading || cmd == nil {
		t.Fatalf("state %v", m.connected)
	}
	if c, ok := cmd().(connectedMsg); !ok || c.err != nil {
		t.Fatalf("connect gave %+v", c)
	}
	// The fallback tick of Init arriving later starts nothing.
	if _, cmd = m.Update(startConnectMsg{}); cmd != nil {
		t.Error("connected twice")
	}
}

// TestHintsFit: the key hints of every page fit the terminal uncut at 80
// and 120 columns.
func TestHintsFit(t *testing.T) {
	for _, sz := range goldenSizes {
		for _, p := range pages {
			f := newFake()
			m := p.to(dashboard(t, f, sz[0], sz[1]), f)
			lines := strings.Split(m.View(), "\n")
			if last := lines[len(lines)-1]; strings.HasSuffix(last, "…") {
				t.Errorf("%s at %dx%d: hints cut: %q", p.name, sz[0], sz[1], last)
			}
		}
	}
}

// flakyHeader's Header fails while down is set.
type flakyHeader struct {
	*fakeBackend
	mu       sync.Mutex
	down     bool
	headers  int
	connects int
	failConn int
	// gate, when set, holds the connections after the failed ones.
	gate chan struct{}
}

func (f *flakyHeader) Header(ctx context.Context) (Header, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.headers++
	if f.down {
		return Header{}, errors.New("websocket: connection reset")
	}
	h := fakeHeader
	h.Chains = append([]Chain(nil), h.Chains...)
	h.Chains[0].Block += uint64(f.headers)
	return h, nil
}

func (f *flakyHeader) Connect(ctx context.Context, progress func(Progress)) (Header, error) {
	f.mu.Lock()
	f.connects++
	n, gate := f.connects, f.gate
	f.mu.Unlock()
	if n <= f.failConn {
		return Header{}, errors.New("no bootnode was reachable")
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return Header{}, ctx.Err()
		}
	}
	return fakeHeader, nil
}

func (f *flakyHeader) set(down bool) {
	f.mu.Lock()
	f.down = down
	f.mu.Unlock()
}

// TestReconnectModel: a header read that fails marks the connection lost
// (said in the header, panels kept), asks again with a doubling wait, and
// on the first answer reads the shown panel again.
func TestReconnectModel(t *testing.T) {
	f := &flakyHeader{fakeBackend: newFake(), down: true}
	m := dashboard(t, f.fakeBackend, 120, 40)
	m.be = f
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		next, cmd := m.Update(headerTickMsg{})
		m = next.(Model)
		if cmd == nil {
			t.Fatal("no header read")
		}
		next, cmd = m.Update(cmd())
		m = next.(Model)
		if !m.lost || m.retries != i+1 || m.retryIn != want || cmd == nil {
			t.Fatalf("attempt %d: lost %v retries %d wait %v", i+1, m.lost, m.retries, m.retryIn)
		}
	}
	v := m.View()
	if !strings.Contains(v, "connection lost · reconnecting, attempt 3 in 4s · websocket: connection reset") {
		t.Errorf("not said:\n%s", v)
	}
	if !strings.Contains(v, "12.5 KSM") {
		t.Errorf("the panel was dropped:\n%s", v)
	}
	f.set(false)
	next, cmd := m.Update(headerTickMsg{})
	next, cmd = next.(Model).Update(cmd())
	m = next.(Model)
	if m.lost || m.retries != 0 || m.balState != loading || cmd == nil {
		t.Fatalf("not back: lost %v retries %d balances %v", m.lost, m.retries, m.balState)
	}
	if v := m.View(); strings.Contains(v, "connection lost") || !strings.Contains(v, "reconnected") || !strings.Contains(v, "Kusama #30,123,460") {
		t.Errorf("after reconnecting:\n%s", v)
	}
	// The backoff stops growing at 30 s.
	if d := m.backoff(20); d != 30*time.Second {
		t.Errorf("backoff(20) = %v", d)
	}
}

// TestConnectRetries: a failed connection is tried again after a wait
// instead of leaving the dashboard offline.
func TestConnectRetries(t *testing.T) {
	f := &flakyHeader{fakeBackend: newFake()}
	m := New(context.Background(), Options{Backend: f, Network: "kusama"})
	m = upd(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = upd(m, startConnectMsg{})
	next, cmd := m.Update(connectedMsg{Header{}, errors.New("no bootnode was reachable")})
	m = next.(Model)
	if m.connected != failed || cmd == nil || m.retryIn != time.Second {
		t.Fatalf("state %v wait %v", m.connected, m.retryIn)
	}
	if v := m.View(); !strings.Contains(v, "not connected · retrying, attempt 2 in 1s · no bootnode was reachable") {
		t.Errorf("not said:\n%s", v)
	}
	next, cmd = m.Update(retryConnectMsg{})
	m = next.(Model)
	if m.connected != loading || cmd == nil {
		t.Fatalf("no retry: %v", m.connected)
	}
	next, _ = m.Update(cmd())
	m = next.(Model)
	if m.connected != loaded || m.retries != 0 || f.connects != 1 {
		t.Errorf("state %v retries %d connects %d", m.connected, m.retries, f.connects)
	}
}

// BenchmarkFirstPaint is the dashboard's own work before its first paint
// with 45 keys at 120×40 (keys from a fake keystore; the chain is not
// waited for).
func BenchmarkFirstPaint(b *testing.B) {
	f := manyKeys(45)
	b.ReportAllocs()
	for b.Loop() {
		if v := FirstPaint(context.Background(), Options{Backend: f, Network: "kusama"}, 120, 40); !strings.Contains(v, "key04") {
			b.Fatalf("no keys:\n%s", v)
		}
	}
}
