package tui

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// Key is what the TUI shows of one keystore entry. It carries no secret.
type Key struct {
	Name      string
	Scheme    string
	PublicKey string
	Address   string
	WatchOnly bool
}

// KeySource lists the keys to browse. Implementations may do I/O; the TUI
// calls it only from a tea.Cmd.
type KeySource interface {
	ListKeys(ctx context.Context) ([]Key, error)
}

// Options configure a TUI session.
type Options struct {
	Keys    KeySource
	Network string // shown in the title
}

// state is the key browser's loading state.
type state int

const (
	stateLoading state = iota
	stateReady
	stateFailed
)

func (s state) String() string {
	switch s {
	case stateLoading:
		return "loading"
	case stateReady:
		return "ready"
	case stateFailed:
		return "failed"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

type keysLoadedMsg struct{ keys []Key }
type keysFailedMsg struct{ err error }

// Model is the key browser. Create it with New.
type Model struct {
	ctx    context.Context
	opts   Options
	keys   keyMap
	help   help.Model
	state  state
	list   []Key
	cursor int
	err    error
	width  int
	height int
}

// New returns the key browser model for opts.
func New(ctx context.Context, opts Options) Model {
	return Model{ctx: ctx, opts: opts, keys: defaultKeyMap(), help: help.New(), width: 80, height: 24}
}

// Init starts loading the keys.
func (m Model) Init() tea.Cmd { return m.load() }

func (m Model) load() tea.Cmd {
	src, ctx := m.opts.Keys, m.ctx
	return func() tea.Msg {
		keys, err := src.ListKeys(ctx)
		if err != nil {
			return keysFailedMsg{err}
		}
		return keysLoadedMsg{keys}
	}
}

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.Width = msg.Width
	case keysLoadedMsg:
		m.state, m.list, m.err = stateReady, msg.keys, nil
		if m.cursor >= len(m.list) {
			m.cursor = max(0, len(m.list)-1)
		}
	case keysFailedMsg:
		m.state, m.err = stateFailed, msg.err
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.keys.Quit):
			return m, tea.Quit
		case key.Matches(msg, m.keys.Help):
			m.help.ShowAll = !m.help.ShowAll
		case key.Matches(msg, m.keys.Reload):
			m.state = stateLoading
			return m, m.load()
		case key.Matches(msg, m.keys.Up):
			if m.cursor > 0 {
				m.cursor--
			}
		case key.Matches(msg, m.keys.Down):
			if m.cursor < len(m.list)-1 {
				m.cursor++
			}
		case key.Matches(msg, m.keys.Top):
			m.cursor = 0
		case key.Matches(msg, m.keys.Bottom):
			m.cursor = max(0, len(m.list)-1)
		}
	}
	return m, nil
}

// View renders the screen.
func (m Model) View() string {
	var b strings.Builder
	title := "ksm · keys"
	if m.opts.Network != "" {
		title += " · " + m.opts.Network
	}
	b.WriteString(titleStyle.Render(title) + "\n\n")
	switch m.state {
	case stateLoading:
		b.WriteString(dimStyle.Render("Loading keys…") + "\n")
	case stateFailed:
		b.WriteString(errorStyle.Render("Could not list keys: "+m.err.Error()) + "\n")
	case stateReady:
		if len(m.list) == 0 {
			b.WriteString("No keys yet. Create one with: ksm key new --name NAME\n")
			break
		}
		b.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, m.listView(), " ", m.detailView()) + "\n")
	}
	b.WriteString("\n" + m.help.View(m.keys))
	return b.String()
}

func (m Model) listView() string {
	var lines []string
	for i, k := range m.list {
		name := k.Name
		if k.WatchOnly {
			name += " (watch)"
		}
		if i == m.cursor {
			lines = append(lines, selectedStyle.Render("› "+name))
		} else {
			lines = append(lines, "  "+name)
		}
	}
	return paneStyle.Width(24).Render(strings.Join(lines, "\n"))
}

func (m Model) detailView() string {
	k := m.list[m.cursor]
	kind := k.Scheme
	if k.WatchOnly {
		kind = "watch-only"
	}
	rows := []string{
		labelStyle.Render("Name") + k.Name,
		labelStyle.Render("Type") + kind,
		labelStyle.Render("Address") + k.Address,
		labelStyle.Render("Public key"),
		k.PublicKey,
	}
	width := m.width - 27 - 2 // list pane and gap, then this pane's border
	if width < 70 {
		width = 70
	}
	return paneStyle.Width(width).Render(strings.Join(rows, "\n"))
}

// Run runs the TUI on the given terminal streams until the user quits.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer) error {
	p := tea.NewProgram(New(ctx, opts), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen())
	_, err := p.Run()
	return err
}
