// Package tui is ksm's terminal user interface, built with bubbletea.
//
// The TUI is a second face over the same use cases as the command line. It
// never touches a keystore, a network host or the filesystem itself: it
// declares the small interfaces it needs (KeySource) and the caller passes
// implementations. All I/O runs inside tea.Cmds, so Init and Update never
// block.
//
// Screens: a key browser (list on the left, details on the right). Keys:
// ↑/k and ↓/j move, r reloads, c copies nothing (addresses are shown in full
// so the terminal's own selection works), ? toggles help, q quits.
package tui
