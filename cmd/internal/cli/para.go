package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

// paraLong is the help of ksm para (the verbs are listed in addCommands).
const paraLong = `Reserve a para id, register a parachain's genesis head and validation code,
deregister it and read its state (Registrar and Paras on the relay chain).

Crowdloans and slot auctions are closed on Kusama: contribute is filtered
there, and the deposits and contributions of old crowdloans come back
through AhOps on Asset Hub.`

func newParaReserveCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "reserve --from NAME",
		Short: "Reserve the next free para id (Registrar.reserve; reserves Registrar.ParaDeposit)",
		Args:  exactArgs(0),
	}, func([]string) app.ParaInput { return app.ParaInput{} }, app.PlanParaReserve)
}

func newParaRegisterCmd(f *Factory) *cobra.Command {
	var headFile, codeFile string
	cmd := submitCmd(f, &cobra.Command{
		Use:   "register ID --genesis-head FILE --validation-code FILE --from NAME",
		Short: "Register a reserved para id with its genesis head and validation code",
		Long: `Register para ID (reserved by the sender) with its genesis head and
validation code (Registrar.register). Files hold raw bytes or 0x-hex.

The deposit is shown first: Registrar.ParaDeposit + Registrar.DataDepositPerByte
× (head bytes + code bytes); reserve already took ParaDeposit, register
reserves the rest. Sizes are checked against the active configuration
(max_code_size, max_head_data_size) before signing.`,
		Args: exactArgs(1),
	}, func(args []string) app.ParaInput {
		return app.ParaInput{ID: args[0], GenesisHeadFile: headFile, ValidationCodeFile: codeFile}
	}, app.PlanParaRegister)
	cmd.Flags().StringVar(&headFile, "genesis-head", "", "file with the genesis head (raw or 0x-hex)")
	cmd.Flags().StringVar(&codeFile, "validation-code", "", "file with the validation code wasm (raw or 0x-hex)")
	return cmd
}

func newParaDeregisterCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "deregister ID --from NAME",
		Short: "Deregister a para id and free its deposit (Registrar.deregister)",
		Args:  exactArgs(1),
	}, func(args []string) app.ParaInput { return app.ParaInput{ID: args[0]} }, app.PlanParaDeregister)
}

// paraStatusJSON is `para status --json`.
type paraStatusJSON struct {
	ID              uint32 `json:"id"`
	Registered      bool   `json:"registered"`
	Manager         string `json:"manager,omitempty"`
	Deposit         any    `json:"deposit"`
	Locked          any    `json:"locked"`
	Lifecycle       any    `json:"lifecycle"`
	Head            any    `json:"head"`
	CodeHash        any    `json:"codeHash"`
	UpcomingGenesis bool   `json:"upcomingGenesis"`
	blockAtJSON
}

func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// paraIDArg is the para id the first argument names.
func paraIDArg(args []string) (uint32, error) { return app.ParseParaID(args[0]) }

func newParaStatusCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "status ID",
		Short: "A para id: manager, deposit, lifecycle, head (Registrar.Paras, Paras.*)",
		Args:  exactArgs(1),
		RunE: parsedChainRun(f, "Registrar", paraIDArg, func(ctx context.Context, e *chainEnv, id uint32) error {
			head, rt, err := e.sess.HeadRuntime(ctx)
			if err != nil {
				return err
			}
			st, err := e.sess.ParaStatus(ctx, rt, id)
			if err != nil {
				return err
			}
			j := paraStatusJSON{ID: id, Registered: st.Registered, Manager: st.Manager, Deposit: numOrNull(st.Deposit), Locked: st.Locked,
				Lifecycle: orNull(st.Lifecycle), Head: orNull(st.Head), CodeHash: orNull(st.CodeHash), UpcomingGenesis: st.Upcoming,
				blockAtJSON: blockAt(e.sess, *head)}
			if f.Opts.JSON {
				return f.PrintJSON(j)
			}
			if !st.Registered && st.Lifecycle == "" {
				fmt.Fprintf(f.IO.Out, "para %d is not reserved or registered\n", id)
				return nil
			}
			b, _ := json.MarshalIndent(j, "", "  ")
			fmt.Fprintln(f.IO.Out, string(b))
			return nil
		}),
	}
}

// crowdloanClosed explains a filtered crowdloan call.
const crowdloanClosed = "crowdloans and slot auctions are closed on Kusama: the relay filters Crowdloan calls, and the deposits and contributions of old crowdloans come back through AhOps on Asset Hub (ksm --network kusama-asset-hub)"

// crowdloanErr adds where the action lives now to a filtered call's error.
func crowdloanErr(err error) error {
	if err != nil && strings.Contains(err.Error(), "CallFiltered") {
		return fmt.Errorf("%w\n%s", err, crowdloanClosed)
	}
	return err
}

// crowdloanCmd is a crowdloan command c whose errors go through
// crowdloanErr.
func crowdloanCmd(c *cobra.Command) *cobra.Command {
	run := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error { return crowdloanErr(run(cmd, args)) }
	return c
}

func newParaContributeCmd(f *Factory) *cobra.Command {
	return crowdloanCmd(submitCmd(f, &cobra.Command{
		Use:   "contribute PARA AMOUNT --from NAME",
		Short: "Contribute to a crowdloan (Crowdloan.contribute), where the runtime still allows it",
		Args:  exactArgs(2),
	}, func(args []string) app.ParaInput { return app.ParaInput{ID: args[0], Amount: args[1]} }, app.PlanCrowdloanContribute))
}

func newParaWithdrawCmd(f *Factory) *cobra.Command {
	return crowdloanCmd(submitCmd(f, &cobra.Command{
		Use:   "withdraw PARA [WHO] --from NAME",
		Short: "Withdraw a contribution from a finished crowdloan (Crowdloan.withdraw)",
		Args:  rangeArgs(1, 2),
	}, func(args []string) app.ParaInput {
		in := app.ParaInput{ID: args[0]}
		if len(args) == 2 {
			in.Who = args[1]
		}
		return in
	}, app.PlanCrowdloanWithdraw))
}

func newParaRefundCmd(f *Factory) *cobra.Command {
	return crowdloanCmd(submitCmd(f, &cobra.Command{
		Use:   "refund PARA --from NAME",
		Short: "Refund the contributors of a finished crowdloan (Crowdloan.refund)",
		Args:  exactArgs(1),
	}, func(args []string) app.ParaInput { return app.ParaInput{ID: args[0]} }, app.PlanCrowdloanRefund))
}
