package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// chrome is the rows around the body: two header rows, the tabs, the
// status row and the key hints.
const chrome = 5

// bodyHeight is the rows a panel has.
func (m Model) bodyHeight() int { return max(1, m.height-chrome) }

// View renders the screen: never a line wider than the terminal, never
// more lines than it has.
func (m Model) View() string {
	w, h := max(m.width, 20), max(m.height, chrome+1)
	bh := h - chrome
	var body string
	if m.overlay != nil {
		body = m.overlay.view(&m, w, bh)
	} else {
		body = m.panelView(w, bh)
	}
	lines := []string{m.headerLine(), m.syncLine(), m.tabsLine()}
	bl := strings.Split(body, "\n")
	for i := 0; i < bh; i++ {
		if i < len(bl) {
			lines = append(lines, bl[i])
		} else {
			lines = append(lines, "")
		}
	}
	lines = append(lines, m.statusLine(), dimStyle.Render(m.hints()))
	return fit(lines, w)
}

// fit cuts every line to width columns.
func fit(lines []string, width int) string {
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// vtag says how a value is known.
func vtag(verified bool) string {
	if verified {
		return okStyle.Render("verified")
	}
	return warnStyle.Render("unverified (trusted endpoint)")
}

func (m Model) headerLine() string {
	parts := []string{titleStyle.Render("ksm")}
	if m.header.Network != "" {
		parts = append(parts, m.header.Network)
	}
	full, short := append([]string(nil), parts...), append([]string(nil), parts...)
	same := true
	for _, c := range m.header.Chains {
		full = append(full, fmt.Sprintf("%s #%s %s", c.Name, thousands(c.Block), vtag(c.Verified)))
		short = append(short, fmt.Sprintf("%s #%s", c.Name, thousands(c.Block)))
		same = same && c.Verified == m.header.Chains[0].Verified
	}
	line := strings.Join(full, " · ")
	if ansi.StringWidth(line) > m.width && same && len(m.header.Chains) > 1 {
		// Narrow: one tag for all the chains (whose names say the network).
		return strings.Join(append(short[:1], short[len(parts):]...), " · ") + " · " + vtag(m.header.Chains[0].Verified)
	}
	return line
}

func (m Model) syncLine() string {
	var parts []string
	switch {
	case m.sync != nil && m.connected != loaded:
		s := m.sync
		pct := 0
		if span := int64(s.Target) - int64(s.Start); span > 0 {
			pct = int(100 * (int64(s.Done) - int64(s.Start)) / span)
		}
		t := fmt.Sprintf("warp sync #%s of #%s (%d%%)", thousands(uint64(s.Done)), thousands(uint64(s.Target)), pct)
		if m.syncRate > 0 && s.Target > s.Done {
			eta := time.Duration(float64(s.Target-s.Done)/m.syncRate) * time.Second
			t += fmt.Sprintf(" · %.0f blocks/s · ETA %s", m.syncRate, eta.Round(time.Second))
		}
		parts = append(parts, t)
	case m.lost:
		parts = append(parts, errorStyle.Render(fmt.Sprintf("connection lost · reconnecting, attempt %d in %s · %v", m.retries, m.retryIn, m.lostErr)))
	case m.connected == failed:
		t := "not connected: " + m.connErr.Error()
		if m.retryIn > 0 {
			t = fmt.Sprintf("not connected · retrying, attempt %d in %s · %v", m.retries+1, m.retryIn, m.connErr)
		}
		parts = append(parts, errorStyle.Render(t))
	case m.connected != loaded && !m.opts.NoConnect && m.retries > 0:
		parts = append(parts, warnStyle.Render(fmt.Sprintf("connecting…, attempt %d · last: %v", m.retries+1, m.connErr)))
	case m.connected != loaded && !m.opts.NoConnect:
		parts = append(parts, "connecting…")
	case m.opts.NoConnect:
		parts = append(parts, "offline")
	}
	if m.header.Peers >= 0 {
		parts = append(parts, fmt.Sprintf("%d peers", m.header.Peers))
	}
	if m.header.Mode != "" {
		parts = append(parts, m.header.Mode)
	}
	if m.header.CheckpointAge > 0 {
		parts = append(parts, "checkpoint "+humanAge(m.header.CheckpointAge)+" old")
	}
	if m.header.Warning != "" {
		parts = append(parts, warnStyle.Render("⚠ "+m.header.Warning))
	}
	return strings.Join(parts, " · ")
}

func humanAge(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d min", int(d.Minutes()))
}

func (m Model) tabsLine() string {
	var parts []string
	for i, n := range panelNames {
		t := fmt.Sprintf("%d %s", i+1, n)
		if m.width < 100 {
			t = fmt.Sprintf("%d %s", i+1, shortName(n))
		}
		if panel(i) == m.panel {
			parts = append(parts, activeTab.Render("["+t+"]"))
		} else {
			parts = append(parts, tabStyle.Render(" "+t+" "))
		}
	}
	return strings.Join(parts, "")
}

func shortName(n string) string {
	switch n {
	case "Governance":
		return "Gov"
	case "Parachains":
		return "Paras"
	case "Accounts":
		return "Accts"
	case "Activity":
		return "Activ"
	}
	return n
}

func (m Model) statusLine() string {
	if m.status == "" {
		return ""
	}
	return m.status
}

// pickHints chooses a panel's hints: those of its inner view when inner is
// shown, else the short ones on a narrow screen, else the full ones.
func (m Model) pickHints(inner bool, innerHints, narrow, full string) string {
	switch {
	case inner:
		return innerHints
	case m.width < 120:
		return narrow
	}
	return full
}

func (m Model) hints() string {
	if m.overlay != nil {
		return m.overlay.hints()
	}
	common := "tab/1-7 panels · ? help · q quit"
	if m.width < 120 {
		common = "? help"
	}
	switch m.panel {
	case pAccounts:
		return m.pickHints(m.showRel, "p balances · J/K scroll · c copy · t transfer · u refresh · "+common,
			"c copy t transfer n new i import r rename x remove p proxies u refresh · "+common,
			"c copy · t transfer · n new · i import · r rename · x remove · p proxies · u refresh · "+common)
	case pStaking:
		return m.pickHints(m.valTable, "x/enter pick · s sort · n nominate picked · esc back · "+common,
			"v vals b bond e extra d unbond r rebond w withdraw p payee c chill o payout ?",
			"v validators · b bond · e extra · d unbond · r rebond · w withdraw · p payee · c chill · o payout · ? help · q quit")
	case pGov:
		return m.pickHints(m.refDetail, "v vote · x remove vote · esc back · "+common,
			"enter detail v vote x remove l delegate L undelegate U unlock · "+common,
			"enter detail · v vote · x remove vote · l delegate · L undelegate · U unlock · "+common)
	case pClaims:
		return "e Ethereum address · c claim · a attest · " + common
	case pParas:
		return "R reserve · G register · i other para ids · u refresh · " + common
	case pActivity:
		return "↑↓ · u refresh · " + common
	}
	return common
}

// panelViews render each panel, in the order of the panels.
var panelViews = [numPanels]func(m Model, w, h int) string{
	Model.accountsView, Model.stakingView, Model.govView, Model.claimsView, Model.parasView, Model.activityView,
	func(_ Model, w, h int) string { return helpView(w, h) },
}

// panelView renders the shown panel.
func (m Model) panelView(w, h int) string {
	if m.panel < 0 || m.panel >= numPanels {
		return ""
	}
	return panelViews[m.panel](m, w, h)
}

// needChain is the body of a panel whose data needs the chain.
func (m Model) needChain() (string, bool) {
	switch m.connected {
	case loaded:
		return "", false
	case failed:
		return errorStyle.Render("Not connected: " + m.connErr.Error()), true
	}
	if m.opts.NoConnect {
		return dimStyle.Render("Offline: no chain was opened."), true
	}
	return dimStyle.Render("Connecting to the chain…"), true
}

// columns joins a left and a right block side by side, the left padded
// to lw columns.
func columns(left, right []string, lw, h int) string {
	var b strings.Builder
	for i := 0; i < h; i++ {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		if ansi.StringWidth(l) > lw {
			l = ansi.Truncate(l, lw, "…")
		}
		b.WriteString(l + strings.Repeat(" ", lw-ansi.StringWidth(l)) + " │ " + r)
		if i < h-1 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// wrap breaks a long value (an address, a hash) over lines of width,
// without losing a character.
func wrap(s string, width int) []string {
	if width < 1 {
		width = 1
	}
	return strings.Split(ansi.Hardwrap(s, width, true), "\n")
}

// window shows lines [off, off+h) of a scrollable text.
func window(lines []string, off, h int) string {
	if off > len(lines)-h {
		off = max(0, len(lines)-h)
	}
	end := min(len(lines), off+h)
	out := lines[off:end]
	if off > 0 && len(out) > 0 {
		out[0] = dimStyle.Render("↑ more")
	}
	if end < len(lines) && len(out) > 0 {
		out[len(out)-1] = dimStyle.Render("↓ more")
	}
	return strings.Join(out, "\n")
}

func thousands(n uint64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func cursorMark(sel bool, s string) string {
	if sel {
		return selectedStyle.Render("› " + s)
	}
	return "  " + s
}

func helpView(w, h int) string {
	lines := []string{
		titleStyle.Render("Keys"),
		"  tab, shift+tab, 1–7   switch panels      ? this help",
		"  ↑/k ↓/j pgup pgdn g G move in a list     enter open",
		"  q, esc                back, or quit      ctrl+c quit at once (nothing is sent after it)",
		"",
		titleStyle.Render("Accounts"),
		"  c copy the address (OSC 52)   t transfer   n new key   i import   r rename   x remove",
		"  p proxies (both ways) and multisigs with their pending operations; J/K scroll them",
		titleStyle.Render("Staking"),
		"  b bond  e bond extra  d unbond  r rebond  w withdraw  p payee  c chill  o payout all",
		"  v validators: s sort, x/enter pick (multi-select), n nominate the picked validators",
		"  pools: J join  E bond extra  C claim  D unbond  W withdraw",
		titleStyle.Render("Governance"),
		"  enter detail  v vote (aye/nay/abstain, split, conviction)  x remove vote",
		"  l delegate  L undelegate  U unlock expired locks",
		titleStyle.Render("Claims, Parachains, Activity"),
		"  e Ethereum address, c claim (signature or a ksm Ethereum key), a attest",
		"  R reserve a para id, G register it, i other para ids · u refresh",
		"",
		"Every action shows one confirm screen: the call decoded from the exact bytes",
		"to sign, the chain, fee, balance before and after, warnings; then the key's",
		"password (masked). Every value says verified (proven by the light client) or",
		"unverified (trusted endpoint).",
	}
	return window(lines, 0, h)
}
