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
	if m.showRel {
		return m.relationsDetail(k, lines, w, h)
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

// relationsDetail is the selected key's proxies (both directions) and
// multisigs, per chain, scrolled by J/K.
func (m Model) relationsDetail(k Key, lines []string, w, h int) []string {
	switch {
	case m.relState[k.Name] != loaded:
		return append(lines, "", dimStyle.Render("Reading proxies and multisigs…"))
	case m.relErr[k.Name] != nil:
		return append(lines, "", errorStyle.Render(errText("the proxies", m.relErr[k.Name])))
	}
	account := func(p Proxy) []string {
		var out []string
		for _, l := range wrap(p.Account, w-2) {
			out = append(out, "  "+l)
		}
		d := "    " + p.Type
		if p.Delay > 0 {
			d += fmt.Sprintf(" · announce, delay %d blocks", p.Delay)
		}
		if p.Name != "" {
			d += " · key " + p.Name
		}
		return append(out, d)
	}
	list := m.rel[k.Name]
	if len(list) == 0 {
		lines = append(lines, "", "No chain of this network has proxies or multisigs.")
	}
	for _, r := range list {
		lines = append(lines, "", fmt.Sprintf("%s #%s · %s", titleStyle.Render(r.Chain), thousands(r.Block), vtag(r.Verified)))
		if r.Err != "" {
			lines = append(lines, errorStyle.Render("  "+r.Err))
			continue
		}
		head := fmt.Sprintf("May act for %s (%d", k.Name, len(r.Proxies))
		if r.Deposit != "" && len(r.Proxies) > 0 {
			head += "; deposit " + r.Deposit
		}
		lines = append(lines, labelStyle.Render(head+")"))
		for _, p := range r.Proxies {
			lines = append(lines, account(p)...)
		}
		lines = append(lines, labelStyle.Render(fmt.Sprintf("%s may act for (%d; %d accounts checked)", k.Name, len(r.ActsFor), r.Checked)))
		for _, p := range r.ActsFor {
			lines = append(lines, account(p)...)
		}
		if len(r.Multisigs) > 0 {
			lines = append(lines, labelStyle.Render(fmt.Sprintf("Multisigs (%d)", len(r.Multisigs))))
		}
		for _, ms := range r.Multisigs {
			what := fmt.Sprintf("%d-of-%d", ms.Threshold, ms.Signatories)
			if ms.Self {
				what = "this key is a " + what + " multisig"
			} else {
				what = ms.Name + " " + what + ", signatory"
			}
			switch {
			case ms.PendingErr != "":
				what += " · pending: " + ms.PendingErr
			case ms.Pending >= 0:
				what += fmt.Sprintf(" · %d pending", ms.Pending)
			}
			lines = append(lines, wrap("  "+what, w)...)
			if !ms.Self {
				for _, l := range wrap(ms.Address, w-4) {
					lines = append(lines, "    "+l)
				}
			}
		}
	}
	off := min(m.detailOff, max(0, len(lines)-h))
	if len(lines) > h || off > 0 {
		return strings.Split(window(lines, off, h), "\n")
	}
	return lines
}

func row(label, value string) string {
	return labelStyle.Render(fmt.Sprintf("  %-13s", label)) + value
}

func (m Model) accountsKey(s string) (tea.Model, tea.Cmd) {
	if move(&m.acc, s, m.bodyHeight()) {
		m.detailOff = 0
		return m, m.onPanel()
	}
	k, ok := m.selectedKey()
	switch s {
	case "u":
		m.balState = idle
		m.accounts = map[string]Account{}
		m.relState = map[string]loadState{}
		return m, tea.Batch(m.loadKeys(), m.onPanel())
	case "p":
		m.showRel, m.detailOff = !m.showRel, 0
		return m, m.onPanel()
	case "J":
		m.detailOff++
		return m, nil
	case "K":
		m.detailOff = max(0, m.detailOff-1)
		return m, nil
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
	return window(m.stakingLines(k, st, w), m.stakeView.cursor, h)
}

// stakingLines is the staking state of k, scrolled by the staking panel's
// arrows.
func (m Model) stakingLines(k Key, st *Staking, w int) []string {
	lines := []string{fmt.Sprintf("%s · %s #%s · %s", titleStyle.Render("Staking of "+k.Name), st.Chain, thousands(st.Block), vtag(st.Verified))}
	if st.Note != "" {
		lines = append(lines, st.Note)
	}
	if !st.Bonded {
		return lines
	}
	rw, rstate, rerr := m.rewards[k.Name], m.rewState[k.Name], m.rewErr[k.Name]
	pending := st.Pending
	switch {
	case rstate == loading:
		pending = dimStyle.Render("reading the unclaimed eras…")
	case rstate == loaded && rerr != nil:
		pending = errorStyle.Render(errText("the rewards", rerr))
	case rstate == loaded && rw != nil && len(rw.Eras) == 0:
		pending = "nothing unclaimed · " + vtag(rw.Verified)
	case rstate == loaded && rw != nil:
		total := rw.Total
		if total == "" {
			total = "?"
		}
		pending = fmt.Sprintf("%s (%d unclaimed eras) · %s", total, len(rw.Eras), vtag(rw.Verified))
	}
	lines = append(lines,
		row("bonded", st.Total), row("active", st.Active), row("withdrawable", st.Withdrawable),
		row("payee", st.Payee), row("pending", pending),
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
	if rstate == loaded && rw != nil && len(rw.Eras) > 0 {
		lines = append(lines, "", titleStyle.Render(fmt.Sprintf("Pending rewards (%d eras; o pays them out)", len(rw.Eras))))
		for _, r := range rw.Eras {
			era := fmt.Sprint(r.Era)
			if r.Page != "" {
				era += "/" + r.Page
			}
			amt := r.Amount
			if amt == "" {
				amt = "?"
			}
			lines = append(lines, fmt.Sprintf("  era %-8s %-14s %s", era, amt, r.Validator))
		}
	}
	return lines
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
	aw, sw := 16, 11
	if w >= 120 {
		aw, sw = 48, 14
	}
	lines := []string{head, dimStyle.Render(fmt.Sprintf("      %-*s %7s %*s %*s %6s %5s  flags", aw, "validator", "comm.", sw, "own", sw, "total", "points", "noms"))}
	sc := m.val
	start, end := sc.window(h - 4)
	for i := start; i < end; i++ {
		v := m.validators[i]
		box := "[ ]"
		if m.picked[v.Address] {
			box = "[x]"
		}
		addr := v.Address
		if len(addr) > aw {
			addr = addr[:aw-1] + "…"
		}
		noms := "?"
		if v.Elected || v.Nominators > 0 {
			noms = strconv.Itoa(v.Nominators)
		}
		lines = append(lines, cursorMark(i == sc.cursor, fmt.Sprintf("%s %-*s %7s %*s %*s %6d %5s  %s", box, aw, addr,
			percent(v.Commission), sw, v.OwnText, sw, v.TotalText, v.Points, noms, strings.Join(valFlags(v, w < 140), ","))))
	}
	for len(lines) < h-2 {
		lines = append(lines, "")
	}
	if sc.cursor < len(m.validators) {
		v := m.validators[sc.cursor]
		lines = append(lines, labelStyle.Render("selected: ")+v.Address)
		if v.Oversubscribed {
			lines = append(lines, warnStyle.Render(fmt.Sprintf("oversubscribed: %d nominators, %d per reward page (payout takes several pages)", v.Nominators, v.Rewarded)))
		}
	}
	return strings.Join(lines, "\n")
}

// valFlags are a validator's marks (short ones in narrow terminals; the
// selected row's line below the table says them in full).
func valFlags(v Validator, short bool) []string {
	var flags []string
	add := func(on bool, long, abbr string) {
		if !on {
			return
		}
		if short {
			long = abbr
		}
		flags = append(flags, long)
	}
	add(v.Blocked, "blocked", "blk")
	add(v.Oversubscribed, "oversubscribed", "over")
	add(v.Elected, "elected", "el")
	return flags
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
	k, ok := m.selectedKey()
	if st := m.staking[k.Name]; ok && st != nil {
		m.stakeView.n = max(1, len(m.stakingLines(k, st, m.width))-m.bodyHeight()+1)
	}
	if move(&m.stakeView, s, m.bodyHeight()) {
		return m, nil
	}
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
		m.stakeState[k.Name], m.rewState[k.Name] = loading, idle
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

// ethKey is the first ksm-held Ethereum key ("" when none).
func (m Model) ethKey() Key {
	for _, k := range m.keys {
		if (k.Scheme == "ethereum" || k.Scheme == "ecdsa") && !k.WatchOnly {
			return k
		}
	}
	return Key{}
}

func (m Model) claimsKey(s string) (tea.Model, tea.Cmd) {
	k, _ := m.selectedKey()
	eth := ""
	if m.claim != nil {
		eth = m.claim.EthAddress
	} else if ek := m.ethKey(); ek.Name != "" && strings.HasPrefix(ek.Address, "0x") {
		eth = ek.Address
	}
	switch s {
	case "e":
		m.overlay = &formOverlay{title: "Claim status", fields: newFields(field{"eth", "Ethereum address (0x…)", eth, false}),
			submit: func(m *Model, v map[string]string) (overlay, tea.Cmd) {
				m.claimState = loading
				return nil, m.loadClaim(v["eth"], k)
			}}
	case "c":
		if k.Name == "" {
			m.status = "no key selected: pick the account that receives the claim on the Accounts panel"
			return m, nil
		}
		f := actionForm("Claim to "+k.Name, "claim", k.Name,
			field{"signature", "Signature of the message (0x…, 65 bytes), or empty", "", false},
			field{"ethkey", "…or the ksm Ethereum key that signs it", m.ethKey().Name, false})
		f.note = "The claim pays " + k.Name + " (" + k.Address + "). It is an unsigned transaction: no fee, no key of " + k.Name + " signs it; the signer is recovered and checked before sending."
		m.overlay = f
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
	lines := []string{titleStyle.Render("Your para ids") + dimStyle.Render(" (managed by one of your keys)")}
	switch {
	case m.myState == loading || m.myState == idle:
		lines = append(lines, dimStyle.Render("  Reading Registrar.Paras…"))
	case m.myErr != nil:
		lines = append(lines, errorStyle.Render("  "+errText("the para ids", m.myErr)))
	case len(m.myParas) == 0:
		lines = append(lines, "  none: R reserves one, G registers it")
	}
	for _, p := range m.myParas {
		lines = append(lines, fmt.Sprintf("%s · %s", titleStyle.Render(fmt.Sprintf("Para %d", p.ID)), vtag(p.Verified)))
		lines = append(lines, p.Lines...)
	}
	switch m.paraState {
	case loading:
		lines = append(lines, "", dimStyle.Render("Reading the parachains…"))
	case loaded:
		lines = append(lines, "", titleStyle.Render("Looked up"))
		if m.paraErr != nil {
			lines = append(lines, errorStyle.Render(errText("the parachains", m.paraErr)))
		}
		for _, p := range m.paras {
			lines = append(lines, fmt.Sprintf("%s · %s", titleStyle.Render(fmt.Sprintf("Para %d", p.ID)), vtag(p.Verified)))
			lines = append(lines, p.Lines...)
		}
	default:
		lines = append(lines, "", "i shows the status of other para ids.")
	}
	var out []string
	for _, l := range lines {
		out = append(out, wrap(l, w)...)
	}
	return window(out, 0, h)
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
	case "u":
		if m.connected == loaded {
			m.myState = loading
			return m, m.loadMyParas()
		}
	case "R":
		return m.startAction(Action{Verb: "para reserve", From: k.Name})
	case "G":
		id := ""
		for _, p := range m.myParas {
			id = strconv.FormatUint(uint64(p.ID), 10)
		}
		m.overlay = actionForm("Register a parachain", "para register", k.Name,
			field{"id", "Para id (reserved by this key)", id, false},
			field{"head", "Genesis head file (raw or 0x-hex)", "", false},
			field{"code", "Validation code file (wasm, raw or 0x-hex)", "", false})
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
