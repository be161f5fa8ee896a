package tui

import "github.com/charmbracelet/lipgloss"

// Styles. Every meaning is carried by text too (a "›" marks the
// selection, "verified" or "unverified" every value), so a terminal without
// colours (NO_COLOR) loses nothing.
var (
	titleStyle    = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#E6007A"))
	selectedStyle = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#E6007A"))
	tabStyle      = lipgloss.NewStyle().Foreground(lipgloss.Color("245"))
	activeTab     = lipgloss.NewStyle().Bold(true).Underline(true).Foreground(lipgloss.Color("#E6007A"))
	dimStyle      = lipgloss.NewStyle().Foreground(lipgloss.Color("241"))
	errorStyle    = lipgloss.NewStyle().Foreground(lipgloss.Color("9"))
	warnStyle     = lipgloss.NewStyle().Foreground(lipgloss.Color("11"))
	okStyle       = lipgloss.NewStyle().Foreground(lipgloss.Color("10"))
	labelStyle    = lipgloss.NewStyle().Foreground(lipgloss.Color("245"))
)
