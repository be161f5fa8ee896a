// Package tui is ksm's terminal dashboard, built with bubbletea, bubbles
// and lipgloss.
//
// The dashboard is a second face over the same use cases as the command
// line. It never touches a keystore, a chain or the filesystem itself: it
// depends only on its port, Backend (keys, the chain's header and live
// progress, balances per chain, staking, validators, referenda, claims,
// parachains, activity, key changes, and Run for every action), which the
// caller implements (ksm's is in cmd/internal/cli over package app). Every
// Backend call runs inside a tea.Cmd, so Init and Update never block; an
// action's questions (its review, the confirmation, the password) come back
// to the update loop through a channel, and its answers go back the same
// way.
//
// Screens: a header (network, each chain's finalized block with
// "verified" or "unverified (trusted endpoint)", peers, warp-sync
// progress with rate and ETA, checkpoint age), tabs (Accounts, Staking,
// Governance, Claims, Parachains, Activity, Help), and overlays: forms,
// the mnemonic of a new key and its backup check, yes/no questions, and the
// one confirm screen of every action (review, masked password, statuses,
// result or failure in place). Keys: tab or 1–7 switch panels, ↑/k ↓/j
// pgup pgdown g G move, ? help, q or Esc back or quit, Ctrl-C quits from
// anywhere (the running action's context ends: nothing is sent after it).
// Every line is cut to the terminal's width; what a user copies is shown
// whole for the selection.
package tui
