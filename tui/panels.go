package tui

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// ---- Accounts

func (m Model) accountsView(w, h int) string {
	switch m.keyState {
	case idle, loading:
		return dimStyle.Render("Loading keys…")
	case failed:
		return errorStyle.Render(errText("the keys", m.keysErr))
	}
	if len(m.keys) == 0 {
		return "No keys yet: n creates one, i imports one."
	}
	lw := min(24, w/3)
	if w >= 110 {
		lw = 40
	}
	sc := m.acc
	start, end := sc.window(h)
	var left []string
	for i := start; i < end; i++ {
		k := m.keys[i]
		name := k.Name
		if k.WatchOnly {
			name += " (watch)"
		}
		if lw >= 40 {
			if a, ok := m.accounts[k.Name]; ok && a.Total != "" {
				name = fmt.Sprintf("%-18s %s", name, a.Total)
			}
		}
		left = append(left, cursorMark(i == sc.cursor, name))
	}
	if start > 0 {
		left[0] = dimStyle.Render("  ↑ " + strconv.Itoa(start) + " more")
	}
	if end < len(m.keys) {
		left[len(left)-1] = dimStyle.Render("  ↓ " + strconv.Itoa(len(m.keys)-end) + " more")
	}
	rw := w - lw - 3
	return columns(left, m.accountDetail(rw, h), lw, h)
}

func (m Model) accountDetail(w, h int) []string {
	k, ok := m.selectedKey()
	if !ok {
		return nil
	}
	kind := k.Scheme
	if k.WatchOnly {
		kind = "watch-only"
	}
	lines := []string{titleStyle.Render(k.Name) + "  " + labelStyle.Render(kind), labelStyle.Render("Address (c copies)")}
	lines = append(lines, wrap(k.Address, w)...)
	if msg, wait := m.needChain(); wait {
		return append(lines, "", msg)
	}
	a, ok := m.accounts[k.Name]
	switch {
	case !ok && m.balState == failed:
		return append(lines, "", errorStyle.Render(errText("the balances", m.balErr)))
	case !ok:
		return append(lines, "", dimStyle.Render("Reading balances…"))
	case a.Err != "":
		return append(lines, "", errorStyle.Render(a.Err))
	}
	for _, b := range a.Balances {
		lines = append(lines, "", fmt.Sprintf("%s #%s · %s", titleStyle.Render(b.Chain), thousands(b.Block), vtag(b.Verified)))
		if b.Err != "" {
			lines = append(lines, errorStyle.Render("  "+b.Err))
			continue
		}
		lines = append(lines,
			row("transferable", b.Transferable), row("free", b.Free),
			row("reserved", b.Reserved), row("frozen", b.Frozen))
		for _, l := range b.Locks {
			lines = append(lines, labelStyle.Render("  lock ")+l)
		}
	}
	if a.Total != "" {
		lines = append(lines, "", row("total", a.Total))
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return lines
}

func row(label, value string) string {
	return labelStyle.Render(fmt.Sprintf("  %-13s", label)) + value
}

func (m Model) accountsKey(s string) (tea.Model, tea.Cmd) {
	if move(&m.acc, s, m.bodyHeight()) {
		return m, nil
	}
	k, ok := m.selectedKey()
	switch s {
	case "u":
		m.balState = idle
		m.accounts = map[string]Account{}
		return m, tea.Batch(m.loadKeys(), m.onPanel())
	case "n":
		m.overlay = newKeyForm()
		return m, nil
	case "i":
		m.overlay = importForm()
		return m, nil
	}
	if !ok {
		return m, nil
	}
	switch s {
	case "c", "y":
		be, addr := m.be, k.Address
		return m, func() tea.Msg { return copiedMsg{"the address of " + k.Name, be.Copy(addr)} }
	case "t":
		if k.WatchOnly {
			m.status = k.Name + " is watch-only: it cannot sign"
			return m, nil
		}
		m.overlay = transferForm(k.Name)
	case "r":
		m.overlay = renameForm(k.Name)
	case "x":
		m.overlay = &askOverlay{
			question: fmt.Sprintf("Remove key %q? Its file is deleted; without a backup of its secret the account is lost.", k.Name),
			yes: func(m *Model) tea.Cmd {
				be, ctx, name := m.be, m.ctx, k.Name
				return func() tea.Msg { return keyOpMsg{"removed key " + name, be.RemoveKey(ctx, name)} }
			},
		}
	}
	return m, nil
}

// ---- Staking

func (m Model) stakingView(w, h int) string {
	if msg, wait := m.needChain(); wait {
		return msg
	}
	if m.valTable {
		return m.validatorsView(w, h)
	}
	k, ok := m.selectedKey()
	if !ok {
		return "No key selected: pick one on the Accounts panel."
	}
	st, state, err := m.staking[k.Name], m.stakeState[k.Name], m.stakeErr[k.Name]
	switch {
	case state != loaded:
		return dimStyle.Render("Reading the staking state of " + k.Name + "…")
	case err != nil:
		return errorStyle.Render(errText("the staking state", err))
	case st == nil:
		return "Nothing to show."
	}
	lines := []string{fmt.Sprintf("%s · %s #%s · %s", titleStyle.Render("Staking of "+k.Name), st.Chain, thousands(st.Block), vtag(st.Verified))}
	if st.Note != "" {
		lines = append(lines, st.Note)
	}
	if st.Bonded {
		lines = append(lines,
			row("bonded", st.Total), row("active", st.Active), row("withdrawable", st.Withdrawable),
			row("payee", st.Payee), row("pending", st.Pending),
			row("era", fmt.Sprintf("active %d, current %d", st.ActiveEra, st.CurrentEra)))
		lines = append(lines, "", titleStyle.Render(fmt.Sprintf("Unlocking (%d)", len(st.Unlocking))))
		for _, u := range st.Unlocking {
			when := u.When
			if u.Withdrawable {
				when = "withdrawable now"
			}
			lines = append(lines, fmt.Sprintf("  %-20s era %-7d %s", u.Amount, u.Era, when))
		}
		lines = append(lines, "", titleStyle.Render(fmt.Sprintf("Nominations (%d): active / elected / waiting", len(st.Nominations))))
		for _, n := range st.Nominations {
			flag := ""
			if n.Blocked {
				flag = " blocked"
			}
			lines = append(lines, fmt.Sprintf("  %s %7s %-8s%s", n.Validator, n.Commission, n.State, flag))
		}
	}
	sc := m.stakeView
	sc.n = len(lines)
	return window(lines, sc.cursor, h)
}

var valSorts = []string{"total stake", "own stake", "commission", "era points"}

func (m *Model) sortValidators() {
	v := m.validators
	switch m.valSort {
	case 0:
		sort.SliceStable(v, func(i, j int) bool { return v[i].TotalStake > v[j].TotalStake })
	case 1:
		sort.SliceStable(v, func(i, j int) bool { return v[i].OwnStake > v[j].OwnStake })
	case 2:
		sort.SliceStable(v, func(i, j int) bool { return v[i].Commission < v[j].Commission })
	case 3:
		sort.SliceStable(v, func(i, j int) bool { return v[i].Points > v[j].Points })
	}
}

func (m Model) validatorsView(w, h int) string {
	switch {
	case m.valState != loaded:
		return dimStyle.Render("Reading the validators…")
	case m.valErr != nil:
		return errorStyle.Render(errText("the validators", m.valErr))
	}
	head := fmt.Sprintf("%s · sorted by %s · %d picked", titleStyle.Render(fmt.Sprintf("Validators (%d)", len(m.validators))), valSorts[m.valSort], len(m.picked))
	if len(m.validators) > 0 {
		head += " · " + vtag(m.validators[0].Verified)
	}
	aw := 16
	if w >= 120 {
		aw = 48
	}
	lines := []string{head, dimStyle.Render(fmt.Sprintf("      %-*s %7s %14s %14s %7s  flags", aw, "validator", "comm.", "own", "total", "points"))}
	sc := m.val
	start, end := sc.window(h - 4)
	for i := start; i < end; i++ {
		v := m.validators[i]
		box := "[ ]"
		if m.picked[v.Address] {
			box = "[x]"
		}
		var flags []string
		if v.Blocked {
			flags = append(flags, "blocked")
		}
		if v.Oversubscribed {
			flags = append(flags, "oversubscribed")
		}
		if v.Elected {
			flags = append(flags, "elected")
		}
		addr := v.Address
		if len(addr) > aw {
			addr = addr[:aw-1] + "…"
		}
		lines = append(lines, cursorMark(i == sc.cursor, fmt.Sprintf("%s %-*s %7s %14s %14s %7d  %s", box, aw, addr,
			percent(v.Commission), v.OwnText, v.TotalText, v.Points, strings.Join(flags, ","))))
	}
	for len(lines) < h-2 {
		lines = append(lines, "")
	}
	if sc.cursor < len(m.validators) {
		lines = append(lines, labelStyle.Render("selected: ")+m.validators[sc.cursor].Address)
	}
	return strings.Join(lines, "\n")
}

func percent(ppb uint64) string {
	return strconv.FormatFloat(float64(ppb)/1e7, 'f', 2, 64) + "%"
}

func (m Model) stakingKey(s string) (tea.Model, tea.Cmd) {
	if m.valTable {
		if move(&m.val, s, m.bodyHeight()-4) {
			return m, nil
		}
		switch s {
		case "s":
			m.valSort = (m.valSort + 1) % len(valSorts)
			m.sortValidators()
		case "x", "enter":
			if m.val.cursor < len(m.validators) {
				a := m.validators[m.val.cursor].Address
				if m.picked[a] {
					delete(m.picked, a)
				} else {
					m.picked[a] = true
				}
			}
		case "n":
			k, ok := m.selectedKey()
			if !ok || len(m.picked) == 0 {
				m.status = "pick validators with x or enter first"
				return m, nil
			}
			var targets []string
			for _, v := range m.validators {
				if m.picked[v.Address] {
					targets = append(targets, v.Address)
				}
			}
			return m.startAction(Action{Verb: "stake nominate", From: k.Name, Targets: targets})
		}
		return m, nil
	}
	if move(&m.stakeView, s, m.bodyHeight()) {
		return m, nil
	}
	k, ok := m.selectedKey()
	if !ok {
		return m, nil
	}
	switch s {
	case "v":
		m.valTable = true
		if m.valState == idle && m.connected == loaded {
			m.valState = loading
			return m, m.loadValidators()
		}
	case "u":
		m.stakeState[k.Name] = loading
		return m, m.loadStaking(k)
	case "b":
		m.overlay = actionForm("Bond", "stake bond", k.Name, field{"amount", "Amount", "", false}, field{"payee", "Payee (staked, stash, account:ADDR, none)", "staked", false})
	case "e":
		m.overlay = actionForm("Bond extra", "stake bond-extra", k.Name, field{"amount", "Amount", "", false})
	case "d":
		m.overlay = actionForm("Unbond", "stake unbond", k.Name, field{"amount", "Amount (or all)", "", false})
	case "r":
		m.overlay = actionForm("Rebond", "stake rebond", k.Name, field{"amount", "Amount (or all)", "", false})
	case "p":
		m.overlay = actionForm("Reward destination", "stake payee", k.Name, field{"payee", "Payee (staked, stash, account:ADDR, none)", "staked", false})
	case "w":
		return m.startAction(Action{Verb: "stake withdraw", From: k.Name})
	case "c":
		return m.startAction(Action{Verb: "stake chill", From: k.Name})
	case "o":
		return m.startAction(Action{Verb: "stake payout", From: k.Name, Fields: map[string]string{"all": "true"}})
	// Nomination pools.
	case "J":
		m.overlay = actionForm("Join a nomination pool", "pool join", k.Name, field{"pool", "Pool id", "", false}, field{"amount", "Amount", "", false})
	case "E":
		m.overlay = actionForm("Pool: bond extra", "pool bond-extra", k.Name, field{"amount", "Amount (or rewards)", "rewards", false})
	case "C":
		return m.startAction(Action{Verb: "pool claim", From: k.Name})
	case "D":
		m.overlay = actionForm("Pool: unbond", "pool unbond", k.Name, field{"amount", "Amount (or all)", "", false})
	case "W":
		return m.startAction(Action{Verb: "pool withdraw", From: k.Name})
	}
	return m, nil
}

// ---- Governance

func (m Model) govView(w, h int) string {
	if msg, wait := m.needChain(); wait {
		return msg
	}
	switch {
	case m.refState != loaded:
		return dimStyle.Render("Reading the referenda…")
	case m.refErr != nil:
		return errorStyle.Render(errText("the referenda", m.refErr))
	case len(m.referenda) == 0:
		return "No ongoing referenda."
	}
	if m.refDetail && m.ref.cursor < len(m.referenda) {
		return m.refDetailView(w, h)
	}
	lines := []string{
		fmt.Sprintf("%s · %s", titleStyle.Render(fmt.Sprintf("Referenda (%d ongoing)", len(m.referenda))), vtag(m.referenda[0].Verified)),
		dimStyle.Render(fmt.Sprintf("  %-5s %-18s %-9s %-12s %-12s %s", "#", "track", "phase", "approval/need", "support/need", "ends")),
	}
	sc := m.ref
	start, end := sc.window(h - 2)
	for i := start; i < end; i++ {
		r := m.referenda[i]
		pass := " "
		if r.Passing {
			pass = "✓"
		}
		lines = append(lines, cursorMark(i == sc.cursor, fmt.Sprintf("%-5d %-18s %-9s %-12s %-12s %s %s", r.Index, r.Track, r.Phase,
			r.Approval+"/"+r.NeedApproval, r.Support+"/"+r.NeedSupport, pass, r.TimeLeft)))
	}
	return strings.Join(lines, "\n")
}

func (m Model) refDetailView(w, h int) string {
	r := m.referenda[m.ref.cursor]
	state := "failing"
	if r.Passing {
		state = "passing"
	}
	lines := []string{
		fmt.Sprintf("%s · %s · %s", titleStyle.Render(fmt.Sprintf("Referendum %d", r.Index)), r.Track, vtag(r.Verified)),
		row("phase", r.Phase+", "+state),
		row("ayes", r.Ayes), row("nays", r.Nays),
		row("approval", r.Approval+" (needs "+r.NeedApproval+" now)"),
		row("support", r.Support+" (needs "+r.NeedSupport+" now)"),
		row("ends", r.TimeLeft),
		"", labelStyle.Render("Proposal"),
	}
	for _, l := range strings.Split(r.Proposal, "\n") {
		lines = append(lines, wrap(l, w)...)
	}
	return window(lines, 0, h)
}

func (m Model) govKey(s string) (tea.Model, tea.Cmd) {
	if !m.refDetail && move(&m.ref, s, m.bodyHeight()-2) {
		return m, nil
	}
	k, _ := m.selectedKey()
	ref := ""
	if m.ref.cursor < len(m.referenda) {
		ref = strconv.FormatUint(uint64(m.referenda[m.ref.cursor].Index), 10)
	}
	switch s {
	case "enter":
		m.refDetail = ref != ""
	case "u":
		m.refState = loading
		return m, m.loadReferenda()
	case "v":
		m.overlay = actionForm("Vote", "gov vote", k.Name,
			field{"referendum", "Referendum", ref, false},
			field{"direction", "aye, nay, abstain (empty: split)", "aye", false},
			field{"amount", "Amount", "", false},
			field{"conviction", "Conviction (none, 1x..6x)", "none", false},
			field{"aye", "Split: aye amount", "", false},
			field{"nay", "Split: nay amount", "", false})
	case "x":
		m.overlay = actionForm("Remove vote", "gov remove-vote", k.Name, field{"referendum", "Referendum", ref, false}, field{"track", "Track (name or id; optional)", "", false})
	case "l":
		m.overlay = actionForm("Delegate", "gov delegate", k.Name, field{"track", "Track", "", false}, field{"to", "Delegate (address or key)", "", false},
			field{"amount", "Amount", "", false}, field{"conviction", "Conviction", "none", false})
	case "L":
		m.overlay = actionForm("Undelegate", "gov undelegate", k.Name, field{"track", "Track", "", false})
	case "U":
		m.overlay = actionForm("Unlock", "gov unlock", k.Name, field{"track", "Track", "", false})
	}
	return m, nil
}

// ---- Claims

func (m Model) claimsView(w, h int) string {
	if msg, wait := m.needChain(); wait {
		return msg
	}
	switch m.claimState {
	case idle:
		return "Press e to look up the claim of an Ethereum address (for the key selected on Accounts)."
	case loading:
		return dimStyle.Render("Reading the claim…")
	}
	if m.claimErr != nil {
		return errorStyle.Render(errText("the claim", m.claimErr))
	}
	c := m.claim
	lines := []string{fmt.Sprintf("%s · %s", titleStyle.Render("Claim of "+c.EthAddress), vtag(c.Verified))}
	lines = append(lines, c.Lines...)
	if c.Message != "" {
		lines = append(lines, "", labelStyle.Render("Message to sign with the Ethereum key:"))
		lines = append(lines, wrap(c.Message, w)...)
	}
	return window(lines, 0, h)
}

func (m Model) claimsKey(s string) (tea.Model, tea.Cmd) {
	k, _ := m.selectedKey()
	eth := ""
	if m.claim != nil {
		eth = m.claim.EthAddress
	}
	switch s {
	case "e":
		m.overlay = &formOverlay{title: "Claim status", fields: newFields(field{"eth", "Ethereum address (0x…)", eth, false}),
			submit: func(m *Model, v map[string]string) (overlay, tea.Cmd) {
				m.claimState = loading
				return nil, m.loadClaim(v["eth"], k)
			}}
	case "c":
		m.overlay = actionForm("Claim", "claim", k.Name, field{"eth", "Ethereum address", eth, false},
			field{"signature", "Signature (0x…, 65 bytes) or empty to use a ksm-held Ethereum key", "", false}, field{"ethkey", "ksm Ethereum key name", "", false})
	case "a":
		m.overlay = actionForm("Attest", "claim attest", k.Name)
	}
	return m, nil
}

// ---- Parachains

func (m Model) parasView(w, h int) string {
	if msg, wait := m.needChain(); wait {
		return msg
	}
	switch m.paraState {
	case idle:
		return "Press i to show the status of para ids; R reserves a new one."
	case loading:
		return dimStyle.Render("Reading the parachains…")
	}
	if m.paraErr != nil {
		return errorStyle.Render(errText("the parachains", m.paraErr))
	}
	var lines []string
	for _, p := range m.paras {
		lines = append(lines, fmt.Sprintf("%s · %s", titleStyle.Render(fmt.Sprintf("Para %d", p.ID)), vtag(p.Verified)))
		lines = append(lines, p.Lines...)
		lines = append(lines, "")
	}
	return window(lines, 0, h)
}

func (m Model) parasKey(s string) (tea.Model, tea.Cmd) {
	k, _ := m.selectedKey()
	switch s {
	case "i":
		m.overlay = &formOverlay{title: "Parachain status", fields: newFields(field{"ids", "Para ids (comma separated)", "", false}),
			submit: func(m *Model, v map[string]string) (overlay, tea.Cmd) {
				var ids []uint32
				for _, f := range strings.FieldsFunc(v["ids"], func(r rune) bool { return r == ',' || r == ' ' }) {
					n, err := strconv.ParseUint(f, 10, 32)
					if err != nil {
						m.status = fmt.Sprintf("%q is not a para id", f)
						return nil, nil
					}
					ids = append(ids, uint32(n))
				}
				m.paraIDs, m.paraState = ids, loading
				return nil, m.loadParas(ids)
			}}
	case "R":
		return m.startAction(Action{Verb: "para reserve", From: k.Name})
	}
	return m, nil
}

// ---- Activity

func (m Model) activityView(w, h int) string {
	rows := append(append([]Tx(nil), m.session...), m.activity...)
	lines := []string{titleStyle.Render(fmt.Sprintf("Transactions: %d of this session, %d pending on this machine", len(m.session), len(m.activity)))}
	if m.actState == failed || m.actErr != nil {
		lines = append(lines, errorStyle.Render(errText("the pending transactions", m.actErr)))
	}
	if len(rows) == 0 {
		return strings.Join(append(lines, "Nothing yet."), "\n")
	}
	sc := m.act
	sc.n = len(rows)
	start, end := sc.window(h - 3)
	for i := start; i < end; i++ {
		t := rows[i]
		who := "pending"
		if t.Session {
			who = "session"
		}
		hash := t.Hash
		if len(hash) > 14 {
			hash = hash[:12] + "…"
		}
		lines = append(lines, cursorMark(i == sc.cursor, fmt.Sprintf("%-8s %-10s %-12s nonce %-5d %-14s %s", who, t.Chain, t.Account, t.Nonce, hash, t.Status)))
	}
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	if sc.cursor < len(rows) && rows[sc.cursor].Hash != "" {
		lines = append(lines, labelStyle.Render("hash: ")+rows[sc.cursor].Hash)
	}
	return strings.Join(lines, "\n")
}

func (m Model) activityKey(s string) (tea.Model, tea.Cmd) {
	m.act.n = len(m.session) + len(m.activity)
	if move(&m.act, s, m.bodyHeight()-3) {
		return m, nil
	}
	if s == "u" && m.connected == loaded {
		m.actState = loading
		return m, m.loadActivity()
	}
	return m, nil
}
