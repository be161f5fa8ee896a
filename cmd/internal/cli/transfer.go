package cli

import (
	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

func newTransferCmd(f *Factory) *cobra.Command {
	var keepAlive, allowDeath, all bool
	cmd := submitCmd(f, &cobra.Command{
		Use:   "transfer TO AMOUNT --from NAME [--keep-alive|--allow-death|--all]",
		Short: "Send tokens to an address or a key",
		Long: `Send AMOUNT of the chain's token to TO (an address, or the name of a key).

AMOUNT is 1.5, 1.5KSM (the chain's symbol) or 1500000000000planck. By default
the transfer keeps the sender alive (Balances.transfer_keep_alive): an amount
that would leave it below the existential deposit is refused before signing.
--allow-death uses transfer_allow_death and lets the account be reaped;
--all sends everything transferable (transfer_all; AMOUNT is omitted; with
--keep-alive the existential deposit stays).

Before the prompt ksm shows the call decoded from the exact bytes to be
signed, the fee estimate and the balance effect; --yes skips the prompt and
--dry-run stops there. The outcome lists the transaction's events; exit code 4
when it was included but failed.`,
		Example: `  ksm transfer 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty 1.5 --from alice --rpc ws://127.0.0.1:8000 --trust-rpc
  ksm transfer bob 0.1KSM --from alice --allow-death --yes --json
  ksm transfer bob --all --from old-account`,
		Args: rangeArgs(1, 2),
	}, func(args []string) app.TransferInput {
		in := app.TransferInput{To: args[0], All: all, KeepAlive: keepAlive, AllowDeath: allowDeath}
		if len(args) == 2 {
			in.Amount = args[1]
		}
		return in
	}, app.PlanTransfer)
	fl := cmd.Flags()
	fl.BoolVar(&keepAlive, "keep-alive", false, "keep the sender above the existential deposit (the default)")
	fl.BoolVar(&allowDeath, "allow-death", false, "allow the sender to fall below the existential deposit (it is reaped)")
	fl.BoolVar(&all, "all", false, "send everything transferable")
	return cmd
}
