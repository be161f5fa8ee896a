package cli

import (
	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

func newTUICmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "tui",
		Short: "Open the terminal dashboard (accounts, staking, governance, claims, parachains, activity)",
		Long: `Open the terminal dashboard: the header shows the network, the verified
finalized block, peers, the warp sync's progress and the checkpoint's age;
panels (tab or 1-7) show the keys with their balances, staking, referenda,
claims, parachains and this session's and machine's transactions. Every
action (transfer, stake, vote, ...) runs the same plan as its command and
ends on one confirm screen (the call decoded from the exact payload, chain,
fee, balance before and after, warnings) and a masked password prompt.
Every value says verified or unverified (trusted endpoint). ? shows the
keys; q or Esc goes back or quits; Ctrl-C quits at once, sending nothing
after it. NO_COLOR turns colours off. ksm with no arguments on a terminal
opens it too. The global flags (--network, --rpc, --trust-rpc, --home)
apply.`,
		Example: `  ksm tui
  ksm --network polkadot tui`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !f.IO.IsStdinTTY() || !f.IO.IsStdoutTTY() {
				return app.Usagef("ksm tui needs a terminal on standard input and output")
			}
			return runTUI(cmd.Context(), f)
		},
	}
}
