package cli

import (
	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

func newTUICmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "tui",
		Short: "Open the terminal UI (the key browser)",
		Long: `Open the terminal UI: the keys of the keystore, their addresses and
schemes. ksm with no arguments on a terminal opens it too.`,
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
