package tui

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// ErrInterrupted is what Run returns when the user quit with Ctrl-C (it
// wraps context.Canceled).
var ErrInterrupted = fmt.Errorf("interrupted: %w", context.Canceled)

// Options configure a dashboard.
type Options struct {
	Backend Backend
	// Network is shown until the chain is connected.
	Network string
	// Now is the clock (time.Now when nil), for sync rates.
	Now func() time.Time
	// NoConnect leaves the chain closed (tests of the offline screens).
	NoConnect bool
	// HeaderEvery is how often the header is read again while connected
	// (15 s when 0); RetryBase is the first wait before a reconnection
	// (1 s when 0; it doubles up to 30 s).
	HeaderEvery, RetryBase time.Duration
}

// panel is one of the dashboard's tabs.
type panel int

const (
	pAccounts panel = iota
	pStaking
	pGov
	pClaims
	pParas
	pActivity
	pHelp
	numPanels
)

var panelNames = [numPanels]string{"Accounts", "Staking", "Governance", "Claims", "Parachains", "Activity", "Help"}

// loadState is where a read stands.
type loadState int

const (
	idle loadState = iota
	loading
	loaded
	failed
)

// Model is the dashboard. Create it with New; it implements tea.Model.
type Model struct {
	ctx    context.Context
	cancel context.CancelFunc
	opts   Options
	be     Backend
	now    func() time.Time
	events chan tea.Msg

	width, height int
	interrupted   bool
	panel         panel
	overlay       overlay
	status        string

	header    Header
	connected loadState
	connErr   error
	// lost is set when the chain stopped answering after it was
	// connected (lostErr why); retries counts the attempts since the
	// connection was last good, retryIn is the wait before the next.
	lost      bool
	lostErr   error
	retries   int
	retryIn   time.Duration
	sync      *Sync
	syncRate  float64
	syncSeen  time.Time
	syncFirst *Sync

	keys     []Key
	keysErr  error
	keyState loadState
	accounts map[string]Account
	balState loadState
	balErr   error
	acc      scroller

	staking    map[string]*Staking
	stakeErr   map[string]error
	stakeState map[string]loadState
	stakeView  scroller

	validators []Validator
	valState   loadState
	valErr     error
	valTable   bool
	valSort    int
	val        scroller
	picked     map[string]bool

	referenda []Referendum
	refState  loadState
	refErr    error
	ref       scroller
	refDetail bool

	claim      *Claim
	claimState loadState
	claimErr   error

	paras     []Para
	paraState loadState
	paraErr   error
	paraIDs   []uint32
	myParas   []Para
	myState   loadState
	myErr     error

	// showRel shows the selected key's proxies and multisigs instead of
	// its balances.
	showRel   bool
	detailOff int
	rel       map[string][]Relations
	relErr    map[string]error
	relState  map[string]loadState

	rewards  map[string]*Rewards
	rewErr   map[string]error
	rewState map[string]loadState

	activity []Tx
	actState loadState
	actErr   error
	act      scroller
	session  []Tx
}

// New returns the dashboard for opts; ctx bounds every read and action
// (Ctrl-C cancels it).
func New(ctx context.Context, opts Options) Model {
	ctx, cancel := context.WithCancel(ctx)
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return Model{
		ctx: ctx, cancel: cancel, opts: opts, be: opts.Backend, now: now,
		events: make(chan tea.Msg, 64), width: 80, height: 24,
		header:   Header{Network: opts.Network, Peers: -1},
		accounts: map[string]Account{}, staking: map[string]*Staking{}, stakeErr: map[string]error{},
		stakeState: map[string]loadState{}, picked: map[string]bool{},
		rel: map[string][]Relations{}, relErr: map[string]error{}, relState: map[string]loadState{},
		rewards: map[string]*Rewards{}, rewErr: map[string]error{}, rewState: map[string]loadState{},
	}
}

// Messages from the tea.Cmds.
type (
	keysMsg struct {
		keys []Key
		err  error
	}
	connectedMsg struct {
		h   Header
		err error
	}
	progressMsg Progress
	headerMsg   struct {
		h   Header
		err error
	}
	balancesMsg struct {
		accounts []Account
		err      error
	}
	stakingMsg struct {
		key string
		st  *Staking
		err error
	}
	validatorsMsg struct {
		list []Validator
		err  error
	}
	referendaMsg struct {
		list []Referendum
		err  error
	}
	claimMsg struct {
		c   *Claim
		err error
	}
	parasMsg struct {
		list []Para
		err  error
	}
	activityMsg struct {
		list []Tx
		err  error
	}
	myParasMsg struct {
		list []Para
		err  error
	}
	relationsMsg struct {
		key  string
		list []Relations
		err  error
	}
	rewardsMsg struct {
		key string
		r   *Rewards
		err error
	}
	copiedMsg struct {
		what string
		err  error
	}
	keyOpMsg struct {
		what string
		err  error
	}
	mnemonicMsg struct {
		name  string
		words string
		err   error
	}
)

// connectDelay is how long the chain waits for the keys' first paint:
// opening it (checkpoint, runtime, peers) competes for the CPU with the
// keystore's read and the first frame, so it starts one frame after the
// keys arrive, or after connectDelay if they are slow.
const connectDelay = 250 * time.Millisecond

// frame is a frame of the renderer (60 per second).
const frame = time.Second / 60

// startConnectMsg starts the chain's connection (once).
type startConnectMsg struct{}

// headerEvery is how often the header is read again while connected
// (the light client's events update it in between).
const headerEvery = 15 * time.Second

// maxBackoff bounds the wait between two reconnection attempts.
const maxBackoff = 30 * time.Second

// backoff is the wait before attempt n (1, 2, 4 … 30 s).
func (m Model) backoff(n int) time.Duration {
	d := m.opts.RetryBase
	if d <= 0 {
		d = time.Second
	}
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// retryLater counts a failed attempt and returns the wait before the next.
func (m *Model) retryLater() time.Duration {
	m.retries++
	m.retryIn = m.backoff(m.retries)
	return m.retryIn
}

// readAgain marks everything the panels read as to be read again.
func (m *Model) readAgain() {
	m.balState, m.refState, m.valState, m.myState = idle, idle, idle, idle
	m.stakeState, m.relState, m.rewState = map[string]loadState{}, map[string]loadState{}, map[string]loadState{}
}

func (m Model) headerEvery() time.Duration {
	if m.opts.HeaderEvery > 0 {
		return m.opts.HeaderEvery
	}
	return headerEvery
}

type (
	// headerTickMsg reads the header again (a liveness check).
	headerTickMsg struct{}
	// retryConnectMsg opens the chain again after a failed connection.
	retryConnectMsg struct{}
)

func headerTick(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return headerTickMsg{} })
}

// Init loads the keys and listens for events; the chain is connected
// once the keys are painted (startConnectMsg), so the first paint waits
// for nothing but the keystore.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.loadKeys(), m.listen()}
	if !m.opts.NoConnect {
		cmds = append(cmds, tea.Tick(connectDelay, func(time.Time) tea.Msg { return startConnectMsg{} }))
	}
	return tea.Batch(cmds...)
}

// listen waits for the next event pushed by a running Cmd (sync progress,
// an action's questions); Update arms it again after each.
func (m Model) listen() tea.Cmd {
	ch, done := m.events, m.ctx.Done()
	return func() tea.Msg {
		select {
		case msg := <-ch:
			return msg
		case <-done:
			return nil
		}
	}
}

// push sends msg to the update loop from a Cmd's goroutine.
func (m Model) push(msg tea.Msg) {
	select {
	case m.events <- msg:
	case <-m.ctx.Done():
	}
}

// load runs get on the backend off the Update goroutine (a tea.Cmd) and
// delivers its result as the message msg makes of it.
func load[T any](m Model, get func(Backend, context.Context) (T, error), msg func(T, error) tea.Msg) tea.Cmd {
	be, ctx := m.be, m.ctx
	return func() tea.Msg {
		v, err := get(be, ctx)
		return msg(v, err)
	}
}

func (m Model) loadKeys() tea.Cmd {
	return load(m, Backend.Keys, func(k []Key, err error) tea.Msg { return keysMsg{k, err} })
}

func (m Model) connect() tea.Cmd {
	progress := func(p Progress) { m.push(progressMsg(p)) }
	return load(m, func(be Backend, ctx context.Context) (Header, error) { return be.Connect(ctx, progress) },
		func(h Header, err error) tea.Msg { return connectedMsg{h, err} })
}

func (m Model) loadBalances() tea.Cmd {
	keys := append([]Key(nil), m.keys...)
	return load(m, func(be Backend, ctx context.Context) ([]Account, error) { return be.Balances(ctx, keys) },
		func(a []Account, err error) tea.Msg { return balancesMsg{a, err} })
}

func (m Model) loadHeader() tea.Cmd {
	return load(m, Backend.Header, func(h Header, err error) tea.Msg { return headerMsg{h, err} })
}

func (m Model) loadStaking(k Key) tea.Cmd {
	return load(m, func(be Backend, ctx context.Context) (*Staking, error) { return be.Staking(ctx, k) },
		func(st *Staking, err error) tea.Msg { return stakingMsg{k.Name, st, err} })
}

func (m Model) loadValidators() tea.Cmd {
	return load(m, Backend.Validators, func(v []Validator, err error) tea.Msg { return validatorsMsg{v, err} })
}

func (m Model) loadReferenda() tea.Cmd {
	return load(m, Backend.Referenda, func(r []Referendum, err error) tea.Msg { return referendaMsg{r, err} })
}

func (m Model) loadClaim(eth string, k Key) tea.Cmd {
	return load(m, func(be Backend, ctx context.Context) (*Claim, error) { return be.Claim(ctx, eth, k) },
		func(c *Claim, err error) tea.Msg { return claimMsg{c, err} })
}

func (m Model) loadParas(ids []uint32) tea.Cmd {
	return load(m, func(be Backend, ctx context.Context) ([]Para, error) { return be.Paras(ctx, ids) },
		func(p []Para, err error) tea.Msg { return parasMsg{p, err} })
}

func (m Model) loadMyParas() tea.Cmd {
	keys := append([]Key(nil), m.keys...)
	return load(m, func(be Backend, ctx context.Context) ([]Para, error) { return be.MyParas(ctx, keys) },
		func(p []Para, err error) tea.Msg { return myParasMsg{p, err} })
}

func (m Model) loadRelations(k Key) tea.Cmd {
	return load(m, func(be Backend, ctx context.Context) ([]Relations, error) { return be.Relations(ctx, k) },
		func(r []Relations, err error) tea.Msg { return relationsMsg{k.Name, r, err} })
}

func (m Model) loadRewards(k Key) tea.Cmd {
	return load(m, func(be Backend, ctx context.Context) (*Rewards, error) { return be.Rewards(ctx, k) },
		func(r *Rewards, err error) tea.Msg { return rewardsMsg{k.Name, r, err} })
}

func (m Model) loadActivity() tea.Cmd {
	return load(m, Backend.Activity, func(a []Tx, err error) tea.Msg { return activityMsg{a, err} })
}

// Update handles one message; it never does I/O itself.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, nil
	case tea.KeyMsg:
		if msg.Type == tea.KeyCtrlC {
			// Nothing is sent after this: the running action's context ends
			// before its submission (app.Execute checks it).
			m.interrupted = true
			m.cancel()
			return m, tea.Quit
		}
		return m.key(msg)
	case keysMsg:
		m.keys, m.keysErr = msg.keys, msg.err
		m.keyState = loaded
		if msg.err != nil {
			m.keyState = failed
		}
		m.acc.n = len(m.keys)
		m.acc.clamp()
		if m.connected == loaded {
			return m, m.onPanel()
		}
		if !m.opts.NoConnect && m.connected == idle {
			return m, tea.Tick(frame, func(time.Time) tea.Msg { return startConnectMsg{} })
		}
		return m, nil
	case startConnectMsg:
		if m.opts.NoConnect || m.connected != idle {
			return m, nil
		}
		m.connected = loading
		return m, m.connect()
	case connectedMsg:
		if msg.err != nil {
			if m.ctx.Err() != nil {
				return m, nil
			}
			// Try again, waiting longer each time; the dashboard stays.
			m.connected, m.connErr = failed, msg.err
			return m, tea.Tick(m.retryLater(), func(time.Time) tea.Msg { return retryConnectMsg{} })
		}
		m.connected, m.header, m.sync, m.retries, m.retryIn = loaded, msg.h, nil, 0, 0
		return m, tea.Batch(m.onPanel(), headerTick(m.headerEvery()))
	case retryConnectMsg:
		if m.connected != failed {
			return m, nil
		}
		m.connected = loading
		m.syncFirst, m.syncRate = nil, 0
		return m, m.connect()
	case headerTickMsg:
		if m.connected != loaded {
			return m, nil
		}
		return m, m.loadHeader()
	case progressMsg:
		m.progress(Progress(msg))
		if msg.Reload && m.connected == loaded {
			m.readAgain()
			return m, tea.Batch(m.listen(), m.onPanel())
		}
		return m, m.listen()
	case headerMsg:
		if msg.err != nil {
			if m.ctx.Err() != nil {
				return m, nil
			}
			// The chain stopped answering: say so, keep what is shown,
			// and ask again with backoff (the backend reconnects).
			m.lost, m.lostErr = true, msg.err
			return m, headerTick(m.retryLater())
		}
		m.header = msg.h
		if m.lost {
			// Back: what was read while it was gone is read again.
			m.lost, m.lostErr, m.retries, m.retryIn = false, nil, 0, 0
			m.status = "reconnected"
			m.readAgain()
			return m, tea.Batch(m.onPanel(), headerTick(m.headerEvery()))
		}
		return m, headerTick(m.headerEvery())
	case balancesMsg:
		m.balErr = msg.err
		m.balState = loaded
		if msg.err != nil {
			m.balState = failed
		}
		for _, a := range msg.accounts {
			m.accounts[a.Key.Name] = a
		}
		return m, nil
	case stakingMsg:
		m.staking[msg.key], m.stakeErr[msg.key] = msg.st, msg.err
		m.stakeState[msg.key] = loaded
		// The unclaimed rewards take many reads: they follow.
		if msg.err == nil && msg.st != nil && msg.st.Bonded && m.rewState[msg.key] == idle {
			for _, k := range m.keys {
				if k.Name == msg.key {
					m.rewState[msg.key] = loading
					return m, m.loadRewards(k)
				}
			}
		}
		return m, nil
	case rewardsMsg:
		m.rewards[msg.key], m.rewErr[msg.key], m.rewState[msg.key] = msg.r, msg.err, loaded
		return m, nil
	case relationsMsg:
		m.rel[msg.key], m.relErr[msg.key], m.relState[msg.key] = msg.list, msg.err, loaded
		return m, nil
	case myParasMsg:
		m.myParas, m.myErr, m.myState = msg.list, msg.err, loaded
		return m, nil
	case validatorsMsg:
		m.validators, m.valErr, m.valState = msg.list, msg.err, loaded
		m.sortValidators()
		m.val.n = len(m.validators)
		m.val.clamp()
		return m, nil
	case referendaMsg:
		m.referenda, m.refErr, m.refState = msg.list, msg.err, loaded
		m.ref.n = len(m.referenda)
		m.ref.clamp()
		return m, nil
	case claimMsg:
		m.claim, m.claimErr, m.claimState = msg.c, msg.err, loaded
		return m, nil
	case parasMsg:
		m.paras, m.paraErr, m.paraState = msg.list, msg.err, loaded
		return m, nil
	case activityMsg:
		m.activity, m.actErr, m.actState = msg.list, msg.err, loaded
		m.act.n = len(m.session) + len(m.activity)
		m.act.clamp()
		return m, nil
	case copiedMsg:
		if msg.err != nil {
			m.status = "copy failed: " + msg.err.Error()
		} else {
			m.status = "copied " + msg.what + " to the clipboard (OSC 52)"
		}
		return m, nil
	case keyOpMsg:
		if msg.err != nil {
			m.status = msg.what + " failed: " + msg.err.Error()
			return m, nil
		}
		m.status = msg.what
		return m, m.loadKeys()
	case mnemonicMsg:
		if msg.err != nil {
			m.status = "new key failed: " + msg.err.Error()
			return m, nil
		}
		m.overlay = newMnemonicOverlay(msg.name, msg.words)
		return m, nil
	}
	if m.overlay != nil {
		o, cmd, handled := m.overlay.event(&m, msg)
		if handled {
			m.overlay = o
			return m, cmd
		}
	}
	// An action's question with no confirm screen to answer it: decline.
	switch msg := msg.(type) {
	case confirmReq:
		msg.reply <- false
		return m, m.listen()
	case passwordReq:
		msg.reply <- nil
		return m, m.listen()
	case reviewedMsg, actionStatusMsg, actionWarnMsg, actionDoneMsg:
		return m, m.listen()
	}
	return m, nil
}

// progress records a step of the connection.
func (m *Model) progress(p Progress) {
	if p.Peers > 0 {
		m.header.Peers = p.Peers
	}
	if p.Log != "" {
		m.status = p.Log
	}
	if s := p.Sync; s != nil {
		t := m.now()
		if m.syncFirst == nil {
			first := *s
			m.syncFirst, m.syncSeen = &first, t
		} else if dt := t.Sub(m.syncSeen).Seconds(); dt > 0 && s.Done > m.syncFirst.Done {
			m.syncRate = float64(s.Done-m.syncFirst.Done) / dt
		}
		m.sync = s
	}
	if f := p.Finalized; f != nil {
		// A copy: the header's slice may be shared (the backend's, or an
		// earlier model's).
		m.header.Chains = append([]Chain(nil), m.header.Chains...)
		for i := range m.header.Chains {
			if m.header.Chains[i].Name == f.Name {
				m.header.Chains[i] = *f
				return
			}
		}
		m.header.Chains = append(m.header.Chains, *f)
	}
}

// selectedKey is the key under the Accounts cursor.
func (m Model) selectedKey() (Key, bool) {
	if m.acc.cursor < 0 || m.acc.cursor >= len(m.keys) {
		return Key{}, false
	}
	return m.keys[m.acc.cursor], true
}

// onPanel starts the reads the shown panel needs and has not done.
func (m *Model) onPanel() tea.Cmd {
	if m.connected != loaded {
		return nil
	}
	switch m.panel {
	case pAccounts:
		var cmds []tea.Cmd
		if m.balState == idle && m.keyState == loaded {
			m.balState = loading
			cmds = append(cmds, m.loadBalances())
		}
		if k, ok := m.selectedKey(); ok && m.showRel && m.relState[k.Name] == idle {
			m.relState[k.Name] = loading
			cmds = append(cmds, m.loadRelations(k))
		}
		return tea.Batch(cmds...)
	case pStaking:
		if k, ok := m.selectedKey(); ok && m.stakeState[k.Name] == idle {
			m.stakeState[k.Name] = loading
			return m.loadStaking(k)
		}
	case pGov:
		if m.refState == idle {
			m.refState = loading
			return m.loadReferenda()
		}
	case pParas:
		if m.myState == idle && m.keyState == loaded {
			m.myState = loading
			return m.loadMyParas()
		}
	case pActivity:
		if m.actState != loading {
			m.actState = loading
			return m.loadActivity()
		}
	}
	return nil
}

// key handles a key press.
func (m Model) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.overlay != nil {
		o, cmd, _ := m.overlay.event(&m, msg)
		m.overlay = o
		return m, cmd
	}
	s := msg.String()
	switch s {
	case "q":
		return m, m.quit()
	case "esc":
		switch {
		case m.panel == pStaking && m.valTable:
			m.valTable = false
			return m, nil
		case m.panel == pGov && m.refDetail:
			m.refDetail = false
			return m, nil
		case m.panel == pHelp:
			m.panel = pAccounts
			return m, nil
		}
		return m, m.quit()
	case "tab":
		m.panel = (m.panel + 1) % numPanels
		return m, m.onPanel()
	case "shift+tab":
		m.panel = (m.panel + numPanels - 1) % numPanels
		return m, m.onPanel()
	case "1", "2", "3", "4", "5", "6", "7":
		m.panel = panel(s[0] - '1')
		return m, m.onPanel()
	case "?":
		if m.panel == pHelp {
			m.panel = pAccounts
		} else {
			m.panel = pHelp
		}
		return m, nil
	}
	switch m.panel {
	case pAccounts:
		return m.accountsKey(s)
	case pStaking:
		return m.stakingKey(s)
	case pGov:
		return m.govKey(s)
	case pClaims:
		return m.claimsKey(s)
	case pParas:
		return m.parasKey(s)
	case pActivity:
		return m.activityKey(s)
	}
	return m, nil
}

func (m *Model) quit() tea.Cmd {
	m.cancel()
	return tea.Quit
}

// move applies a navigation key to a scroller; false when s is not one.
func move(sc *scroller, s string, page int) bool {
	switch s {
	case "up", "k":
		sc.move(-1)
	case "down", "j":
		sc.move(1)
	case "pgup":
		sc.move(-max(1, page))
	case "pgdown", " ":
		sc.move(max(1, page))
	case "home", "g":
		sc.move(-sc.n)
	case "end", "G":
		sc.move(sc.n)
	default:
		return false
	}
	sc.window(page)
	return true
}

// Run runs the dashboard on the given terminal streams until the user
// quits. NO_COLOR (any value) turns colours off.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer) error {
	if os.Getenv("NO_COLOR") != "" {
		lipgloss.SetColorProfile(termenv.Ascii)
	}
	p := tea.NewProgram(New(ctx, opts), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen())
	final, err := p.Run()
	if fm, ok := final.(Model); ok && err == nil && fm.interrupted {
		return ErrInterrupted
	}
	if err == tea.ErrProgramKilled && ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil && strings.Contains(err.Error(), "context canceled") {
		return context.Canceled
	}
	return err
}

// errText writes an error for a panel.
func errText(what string, err error) string {
	return fmt.Sprintf("Could not read %s: %v", what, err)
}
