package tui

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
)

// FirstPaint renders what the dashboard paints first at width×height: the
// keys listed (the chain is not waited for). It measures the start's cost.
func FirstPaint(ctx context.Context, opts Options, width, height int) string {
	m := New(ctx, opts)
	defer m.cancel()
	next, _ := m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	next, _ = next.Update(m.loadKeys()())
	return next.View()
}
