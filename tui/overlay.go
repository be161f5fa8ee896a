package tui

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// overlay is a screen over the panels (a form, the confirm screen, a
// question); it gets the keys first. event returns the next overlay (nil
// closes it), a Cmd, and whether it handled msg.
type overlay interface {
	event(m *Model, msg tea.Msg) (overlay, tea.Cmd, bool)
	view(m *Model, w, h int) string
	hints() string
}

// ---- forms

type field struct {
	key, label, value string
	secret            bool
}

type formField struct {
	field
	in textinput.Model
}

func newFields(fs ...field) []formField {
	out := make([]formField, len(fs))
	for i, f := range fs {
		in := textinput.New()
		in.Prompt = ""
		in.SetValue(f.value)
		in.CharLimit = 4096
		if f.secret {
			in.EchoMode = textinput.EchoPassword
			in.EchoCharacter = '•'
		}
		if i == 0 {
			in.Focus()
		}
		out[i] = formField{field: f, in: in}
	}
	return out
}

// formOverlay asks for a few values.
type formOverlay struct {
	title  string
	note   string
	fields []formField
	focus  int
	submit func(m *Model, values map[string]string) (overlay, tea.Cmd)
}

func (f *formOverlay) hints() string {
	return "tab/↑↓ field · enter next/submit · esc cancel"
}

func (f *formOverlay) setFocus(i int) {
	f.fields[f.focus].in.Blur()
	f.focus = (i + len(f.fields)) % len(f.fields)
	f.fields[f.focus].in.Focus()
}

func (f *formOverlay) event(m *Model, msg tea.Msg) (overlay, tea.Cmd, bool) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return f, nil, false
	}
	if len(f.fields) == 0 {
		switch k.String() {
		case "enter", "y":
			o, cmd := f.submit(m, map[string]string{})
			return o, cmd, true
		case "esc", "n", "q":
			return nil, nil, true
		}
		return f, nil, true
	}
	switch k.String() {
	case "esc":
		f.clear()
		return nil, nil, true
	case "tab", "down":
		f.setFocus(f.focus + 1)
		return f, nil, true
	case "shift+tab", "up":
		f.setFocus(f.focus - 1)
		return f, nil, true
	case "enter":
		if f.focus < len(f.fields)-1 {
			f.setFocus(f.focus + 1)
			return f, nil, true
		}
		v := map[string]string{}
		for _, ff := range f.fields {
			v[ff.key] = strings.TrimSpace(ff.in.Value())
			if ff.secret {
				v[ff.key] = ff.in.Value()
			}
		}
		f.clear()
		o, cmd := f.submit(m, v)
		return o, cmd, true
	}
	var cmd tea.Cmd
	f.fields[f.focus].in, cmd = f.fields[f.focus].in.Update(msg)
	return f, cmd, true
}

// clear empties the secret fields.
func (f *formOverlay) clear() {
	for i := range f.fields {
		if f.fields[i].secret {
			f.fields[i].in.SetValue("")
		}
	}
}

func (f *formOverlay) view(m *Model, w, h int) string {
	lines := []string{titleStyle.Render(f.title)}
	if f.note != "" {
		lines = append(lines, strings.Split(ansi.Wrap(f.note, w, ""), "\n")...)
	}
	lines = append(lines, "")
	for i, ff := range f.fields {
		ff.in.Width = max(10, w-6)
		lines = append(lines, cursorMark(i == f.focus, labelStyle.Render(ff.label)))
		lines = append(lines, "    "+ff.in.View())
	}
	if len(f.fields) == 0 {
		lines = append(lines, "enter or y: go on · esc or n: cancel")
	}
	return window(lines, max(0, 2*f.focus+4-h), h)
}

// actionForm is a form whose values become an action run through the
// confirm screen.
func actionForm(title, verb, from string, fs ...field) *formOverlay {
	note := "Signed by key " + from + "."
	if from == "" {
		note = "No key selected: pick one on the Accounts panel."
	}
	return &formOverlay{title: title, note: note, fields: newFields(fs...), submit: func(m *Model, v map[string]string) (overlay, tea.Cmd) {
		_, cmd := m.startActionCmd(Action{Verb: verb, From: from, Fields: v})
		return m.overlay, cmd
	}}
}

func transferForm(from string) *formOverlay {
	return actionForm("Transfer", "transfer", from, field{"to", "To (address or key name)", "", false}, field{"amount", "Amount (1.5, 1.5KSM, or all)", "", false})
}

func renameForm(name string) *formOverlay {
	return &formOverlay{title: "Rename " + name, fields: newFields(field{"to", "New name", name, false}),
		submit: func(m *Model, v map[string]string) (overlay, tea.Cmd) {
			be, ctx := m.be, m.ctx
			return nil, func() tea.Msg {
				return keyOpMsg{"renamed " + name + " to " + v["to"], be.RenameKey(ctx, name, v["to"])}
			}
		}}
}

func importForm() *formOverlay {
	return &formOverlay{title: "Import a key", note: "A mnemonic (12–24 words, optionally with a //derivation path), a 0x seed, or the path of a polkadot-js JSON file.",
		fields: newFields(field{"name", "Name", "", false}, field{"secret", "Secret", "", true}, field{"password", "Password for the keystore", "", true}),
		submit: func(m *Model, v map[string]string) (overlay, tea.Cmd) {
			be, ctx := m.be, m.ctx
			name, secret, pw := v["name"], v["secret"], []byte(v["password"])
			return nil, func() tea.Msg { return keyOpMsg{"imported key " + name, be.ImportKey(ctx, name, secret, pw)} }
		}}
}

func newKeyForm() *formOverlay {
	return &formOverlay{title: "New key", note: "A new sr25519 key from a fresh mnemonic. The words are shown once, on their own screen.",
		fields: newFields(field{"name", "Name", "", false}),
		submit: func(m *Model, v map[string]string) (overlay, tea.Cmd) {
			be, name := m.be, v["name"]
			return nil, func() tea.Msg {
				w, err := be.NewMnemonic()
				return mnemonicMsg{name, w, err}
			}
		}}
}

// askOverlay is a yes/no question.
type askOverlay struct {
	question string
	yes      func(m *Model) tea.Cmd
}

func (a *askOverlay) hints() string { return "y yes · n/esc no" }

func (a *askOverlay) event(m *Model, msg tea.Msg) (overlay, tea.Cmd, bool) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return a, nil, false
	}
	switch k.String() {
	case "y", "Y":
		return nil, a.yes(m), true
	case "n", "N", "esc", "q":
		return nil, nil, true
	}
	return a, nil, true
}

func (a *askOverlay) view(m *Model, w, h int) string {
	return strings.Join(append(wrap(a.question, w), "", "y / N"), "\n")
}

// ---- the mnemonic of a new key

type mnemonicOverlay struct {
	name  string
	words []string
	phase int // 0 shown, 1 backup check, 2 password
	ask   []int
	form  *formOverlay
	err   string
}

func newMnemonicOverlay(name, words string) *mnemonicOverlay {
	w := strings.Fields(words)
	sum := sha256.Sum256([]byte(words))
	a, b := int(sum[0])%len(w), int(sum[1])%len(w)
	if a == b {
		b = (a + 1) % len(w)
	}
	if a > b {
		a, b = b, a
	}
	return &mnemonicOverlay{name: name, words: w, ask: []int{a, b}}
}

func (o *mnemonicOverlay) hints() string {
	if o.phase == 0 {
		return "enter: I wrote them down · esc cancel (nothing is saved)"
	}
	return "enter next/submit · esc cancel (nothing is saved)"
}

func (o *mnemonicOverlay) wipe() {
	for i := range o.words {
		o.words[i] = ""
	}
	o.words = nil
}

func (o *mnemonicOverlay) event(m *Model, msg tea.Msg) (overlay, tea.Cmd, bool) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return o, nil, false
	}
	if k.String() == "esc" {
		o.wipe()
		return nil, nil, true
	}
	switch o.phase {
	case 0:
		if k.String() == "enter" {
			o.phase = 1
			o.form = &formOverlay{title: "Backup check", fields: newFields(
				field{"a", fmt.Sprintf("Word #%d", o.ask[0]+1), "", true}, field{"b", fmt.Sprintf("Word #%d", o.ask[1]+1), "", true}),
				submit: func(m *Model, v map[string]string) (overlay, tea.Cmd) {
					if strings.TrimSpace(v["a"]) != o.words[o.ask[0]] || strings.TrimSpace(v["b"]) != o.words[o.ask[1]] {
						o.phase, o.err = 0, "Those are not the words: here they are again."
						return o, nil
					}
					o.phase, o.err = 2, ""
					o.form = &formOverlay{title: "Password for " + o.name, fields: newFields(
						field{"pw", "Password", "", true}, field{"again", "Again", "", true}),
						submit: func(m *Model, v map[string]string) (overlay, tea.Cmd) {
							if v["pw"] != v["again"] {
								o.err = "The passwords differ."
								o.form.fields = newFields(field{"pw", "Password", "", true}, field{"again", "Again", "", true})
								o.form.focus = 0
								return o, nil
							}
							be, ctx, name, words := m.be, m.ctx, o.name, strings.Join(o.words, " ")
							o.wipe()
							pw := []byte(v["pw"])
							return nil, func() tea.Msg { return keyOpMsg{"created key " + name, be.CreateKey(ctx, name, words, pw)} }
						}}
					return o, nil
				}}
		}
		return o, nil, true
	default:
		next, cmd, _ := o.form.event(m, msg)
		if next == nil {
			return nil, cmd, true
		}
		return o, cmd, true
	}
}

func (o *mnemonicOverlay) view(m *Model, w, h int) string {
	if o.phase == 0 {
		lines := []string{titleStyle.Render("Mnemonic of " + o.name), "Write these words down, in order, and keep them offline.", ""}
		if o.err != "" {
			lines = append(lines, errorStyle.Render(o.err), "")
		}
		cols := 3
		if w < 60 {
			cols = 2
		}
		rows := (len(o.words) + cols - 1) / cols
		for r := 0; r < rows; r++ {
			var b strings.Builder
			for c := 0; c < cols; c++ {
				i := c*rows + r
				if i < len(o.words) {
					fmt.Fprintf(&b, "%3d %-14s", i+1, o.words[i])
				}
			}
			lines = append(lines, b.String())
		}
		return window(lines, 0, h)
	}
	v := o.form.view(m, w, h)
	if o.err != "" {
		v = errorStyle.Render(o.err) + "\n" + v
	}
	return v
}

// ---- actions and the confirm screen

type (
	reviewedMsg struct{ r Review }
	confirmReq  struct {
		r     Review
		reply chan bool
	}
	passwordReq struct {
		key   string
		reply chan []byte
	}
	actionStatusMsg string
	actionWarnMsg   string
	actionDoneMsg   struct {
		res *Result
		err error
	}
)

// bridge is the Asker an action runs with: it pushes questions to the
// update loop and waits for the answers.
type bridge struct{ m Model }

func (b bridge) Reviewed(r Review) { b.m.push(reviewedMsg{r}) }
func (b bridge) Status(t string)   { b.m.push(actionStatusMsg(t)) }
func (b bridge) Warn(t string)     { b.m.push(actionWarnMsg(t)) }

func (b bridge) Confirm(ctx context.Context, r Review) (bool, error) {
	reply := make(chan bool, 1)
	b.m.push(confirmReq{r, reply})
	select {
	case ok := <-reply:
		return ok, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

func (b bridge) Password(ctx context.Context, key string) ([]byte, error) {
	reply := make(chan []byte, 1)
	b.m.push(passwordReq{key, reply})
	select {
	case pw := <-reply:
		if pw == nil {
			return nil, context.Canceled
		}
		return pw, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// txOverlay is the one confirm screen of every action: preparing, the
// review, the question, the masked password, the progress and the result
// or failure, in place.
type txOverlay struct {
	action  Action
	phase   int // txPreparing ...
	review  *Review
	lines   []string
	confirm chan bool
	pwReply chan []byte
	pwKey   string
	pw      textinput.Model
	res     *Result
	err     error
	off     int
}

const (
	txPreparing = iota
	txConfirm
	txPassword
	txSending
	txDone
)

// startAction opens the confirm screen and runs a.
func (m Model) startAction(a Action) (tea.Model, tea.Cmd) {
	_, cmd := m.startActionCmd(a)
	return m, cmd
}

func (m *Model) startActionCmd(a Action) (overlay, tea.Cmd) {
	if a.From == "" {
		m.status = "no key selected: pick one on the Accounts panel"
		m.overlay = nil
		return nil, nil
	}
	pw := textinput.New()
	pw.EchoMode, pw.EchoCharacter, pw.Prompt = textinput.EchoPassword, '•', "Password: "
	o := &txOverlay{action: a, pw: pw}
	m.overlay = o
	m.session = append([]Tx{{Chain: "", Account: a.From, Status: a.Verb + ": preparing", Session: true}}, m.session...)
	be, ctx, ask := m.be, m.ctx, bridge{*m}
	push := m.push
	return o, func() tea.Msg {
		res, err := be.Run(ctx, a, ask)
		// Through the event channel, after the action's last status.
		push(actionDoneMsg{res, err})
		return nil
	}
}

func (o *txOverlay) hints() string {
	switch o.phase {
	case txConfirm:
		if o.review != nil && o.review.Unsigned {
			return "y submit (nothing is signed) · n/esc decline · ↑↓ scroll"
		}
		return "y sign and submit · n/esc decline · ↑↓ scroll"
	case txPassword:
		return "enter unlock · esc cancel (nothing is signed)"
	case txDone:
		return "enter/esc close · ↑↓ scroll"
	}
	return "working… · ctrl+c quits (nothing is sent after it)"
}

func (o *txOverlay) event(m *Model, msg tea.Msg) (overlay, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case reviewedMsg:
		r := msg.r
		o.review = &r
		return o, m.listen(), true
	case confirmReq:
		r := msg.r
		o.review, o.confirm, o.phase = &r, msg.reply, txConfirm
		return o, m.listen(), true
	case passwordReq:
		o.phase, o.pwReply, o.pwKey = txPassword, msg.reply, msg.key
		o.pw.SetValue("")
		return o, tea.Batch(m.listen(), o.pw.Focus()), true
	case actionStatusMsg:
		o.lines = append(o.lines, string(msg))
		m.setSessionStatus(o.action, string(msg))
		return o, m.listen(), true
	case actionWarnMsg:
		o.lines = append(o.lines, "warning: "+string(msg))
		return o, m.listen(), true
	case actionDoneMsg:
		o.phase, o.res, o.err = txDone, msg.res, msg.err
		st := "failed"
		if msg.err == nil && msg.res != nil && msg.res.Success {
			st = "succeeded"
		}
		m.setSessionStatus(o.action, st)
		if msg.res != nil && msg.res.Hash != "" && len(m.session) > 0 {
			m.session[0].Hash = msg.res.Hash
		}
		return o, m.listen(), true
	case tea.KeyMsg:
		s := msg.String()
		switch o.phase {
		case txConfirm:
			switch s {
			case "y", "Y":
				o.confirm <- true
				o.phase = txSending
			case "n", "N", "esc", "q":
				o.confirm <- false
				o.phase = txSending
			case "up", "k":
				o.off = max(0, o.off-1)
			case "down", "j":
				o.off++
			}
			return o, nil, true
		case txPassword:
			switch s {
			case "enter":
				pw := []byte(o.pw.Value())
				o.pw.SetValue("")
				o.pw.Blur()
				o.pwReply <- pw
				o.phase = txSending
				return o, nil, true
			case "esc":
				o.pw.SetValue("")
				o.pwReply <- nil
				o.phase = txSending
				return o, nil, true
			}
			var cmd tea.Cmd
			o.pw, cmd = o.pw.Update(msg)
			return o, cmd, true
		case txDone:
			switch s {
			case "enter", "esc", "q":
				return nil, nil, true
			case "up", "k":
				o.off = max(0, o.off-1)
			case "down", "j":
				o.off++
			}
		}
		return o, nil, true
	}
	return o, nil, false
}

func (m *Model) setSessionStatus(a Action, st string) {
	if len(m.session) > 0 {
		m.session[0].Status = a.Verb + ": " + st
	}
}

func (o *txOverlay) view(m *Model, w, h int) string {
	title := o.action.Verb
	var lines []string
	if r := o.review; r != nil {
		if r.Title != "" {
			title = r.Title
		}
		lines = append(lines, wrap(titleStyle.Render(title), w)...)
		if r.Details != "" {
			for _, l := range strings.Split(r.Details, "\n") {
				lines = append(lines, wrap(l, w)...)
			}
		}
		if r.Unsigned {
			lines = append(lines, row("from", "nobody signs: an unsigned transaction"))
		} else {
			lines = append(lines, row("from", r.From))
		}
		if r.Acting != "" {
			lines = append(lines, wrap(labelStyle.Render("  acting       ")+r.Acting, w)...)
		}
		lines = append(lines, row("chain", r.Chain+" · "+vtag(r.Verified)))
		lines = append(lines, labelStyle.Render("  call (decoded from the exact payload to sign)"))
		for _, l := range strings.Split(r.Call, "\n") {
			for _, p := range wrap(l, w-4) {
				lines = append(lines, "    "+p)
			}
		}
		lines = append(lines, row("fee", r.Fee))
		if !r.Unsigned {
			lines = append(lines, row("balance", r.Before+" → "+r.After))
		}
		if r.DryRun != "" {
			lines = append(lines, row("dry run", r.DryRun))
		}
		for _, wn := range r.Warnings {
			lines = append(lines, warnStyle.Render("  ⚠ "+wn))
		}
	} else {
		lines = append(lines, titleStyle.Render(title), dimStyle.Render("Preparing: reading the chain, fee, dry run…"))
	}
	for _, l := range o.lines {
		lines = append(lines, wrap("  "+l, w)...)
	}
	var tail []string
	switch o.phase {
	case txConfirm:
		q := "Sign and submit this transaction?"
		if r := o.review; r != nil && r.Unsigned {
			q = "Submit this transaction?"
			if r.Question != "" {
				q = r.Question
			}
		}
		tail = []string{selectedStyle.Render(q + " y / N")}
	case txPassword:
		tail = []string{"Key " + o.pwKey + " · " + o.pw.View()}
	case txSending:
		tail = []string{dimStyle.Render("Working…")}
	case txDone:
		switch {
		case o.err != nil:
			tail = append(tail, errorStyle.Render("Failed:"))
			for _, l := range strings.Split(o.err.Error(), "\n") {
				tail = append(tail, wrap(l, w)...)
			}
		case o.res != nil:
			st := okStyle.Render("Succeeded")
			if !o.res.Success {
				st = errorStyle.Render("Failed on chain")
			}
			tail = append(tail, st+" · "+vtag(o.res.Verified))
			for _, l := range o.res.Lines {
				tail = append(tail, wrap(l, w)...)
			}
		}
	}
	// The question stays in view: the review scrolls above it.
	room := max(1, h-len(tail))
	off := min(o.off, max(0, len(lines)-room))
	o.off = off
	body := window(lines, off, room)
	return body + "\n" + strings.Join(tail, "\n")
}
