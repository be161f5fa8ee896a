package cli

import (
	"context"
	"fmt"
	"math/big"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

func newTransferCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	var keepAlive, allowDeath, all bool
	cmd := &cobra.Command{
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
		RunE: func(cmd *cobra.Command, args []string) error {
			n := 0
			for _, b := range []bool{keepAlive, allowDeath} {
				if b {
					n++
				}
			}
			if n > 1 {
				return app.Usagef("--keep-alive and --allow-death exclude each other")
			}
			if all && len(args) != 1 {
				return app.Usagef("--all sends everything: give TO without an AMOUNT")
			}
			if !all && len(args) != 2 {
				return app.Usagef("transfer takes TO and AMOUNT (or TO --all)")
			}
			ctx := cmd.Context()
			e, err := openChain(ctx, f)
			if err != nil {
				return err
			}
			defer e.Close()
			dest, destName, err := e.resolveAccount(args[0])
			if err != nil {
				return err
			}
			rt, err := e.sess.Latest(ctx)
			if err != nil {
				return err
			}
			req := app.Request{AllowDeath: allowDeath}
			destText := e.sess.Account(dest)
			if destName != "" {
				destText += " (key " + destName + ")"
			}
			var call []byte
			var title string
			if all {
				call, err = rt.Calls.TransferAll(dest, keepAlive)
				req.SpendAll = true
				req.AllowDeath = !keepAlive
				title = "Transfer everything transferable to " + destText
			} else {
				amount, perr := e.sess.ParseAmount(args[1])
				if perr != nil {
					return app.Usagef("amount: %v", perr)
				}
				if amount.Sign() <= 0 {
					return app.Usagef("amount: must be more than zero")
				}
				if err := checkRecipient(ctx, e, rt, dest, amount); err != nil {
					return err
				}
				req.Spend = amount
				if allowDeath {
					call, err = rt.Calls.TransferAllowDeath(dest, amount)
				} else {
					call, err = rt.Calls.TransferKeepAlive(dest, amount)
				}
				title = fmt.Sprintf("Transfer %s to %s", e.sess.FormatAmount(amount), destText)
			}
			if err != nil {
				return err
			}
			req.Call = call
			return runSubmit(ctx, e, submitSpec{flags: &sf, req: req, title: title})
		},
	}
	sf.add(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&keepAlive, "keep-alive", false, "keep the sender above the existential deposit (the default)")
	fl.BoolVar(&allowDeath, "allow-death", false, "allow the sender to fall below the existential deposit (it is reaped)")
	fl.BoolVar(&all, "all", false, "send everything transferable")
	return cmd
}

// checkRecipient refuses an amount that would create an account below the
// existential deposit (the chain would refuse it).
func checkRecipient(ctx context.Context, e *chainEnv, rt *app.Runtime, dest [32]byte, amount *big.Int) error {
	h, err := e.sess.Chain.FinalizedHead(ctx)
	if err != nil {
		return err
	}
	b, err := e.sess.BalanceAt(ctx, rt, *h, dest)
	if err != nil {
		return err
	}
	total := new(big.Int).Add(b.Free, b.Reserved)
	after := new(big.Int).Add(b.Free, amount)
	if total.Sign() == 0 && b.ExistentialDeposit != nil && after.Cmp(b.ExistentialDeposit) < 0 {
		return fmt.Errorf("%w: %s does not exist yet and %s would not reach the existential deposit of %s; send at least that much",
			app.ErrExistentialDeposit, e.sess.Account(dest), e.sess.FormatAmount(amount), e.sess.FormatAmount(b.ExistentialDeposit))
	}
	return nil
}
