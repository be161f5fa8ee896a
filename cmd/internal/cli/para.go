package cli

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

func init() { registerCommand(newParaCmd) }

func newParaCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "para",
		Short: "Parachain bonding on the relay chain: para ids, registration, crowdloans",
		Long: `Reserve a para id, register a parachain's genesis head and validation code,
deregister it and read its state (Registrar and Paras on the relay chain).

Crowdloans and slot auctions are closed on Kusama: contribute is filtered
there, and the deposits and contributions of old crowdloans come back
through AhOps on Asset Hub.`,
		Args: exactArgs(0),
	}
	cmd.AddCommand(newParaReserveCmd(f), newParaRegisterCmd(f), newParaDeregisterCmd(f), newParaStatusCmd(f),
		newParaContributeCmd(f), newParaWithdrawCmd(f), newParaRefundCmd(f))
	return cmd
}

func parseParaID(s string) (uint32, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, app.Usagef("para id %q: not a number", s)
	}
	return uint32(n), nil
}

// readBlob reads a file of raw bytes, or of 0x-hex text.
func readBlob(flag, file string) ([]byte, error) {
	if file == "" {
		return nil, app.Usagef("%s FILE is required", flag)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, app.Usagef("%s: %v", flag, err)
	}
	t := bytes.TrimSpace(b)
	if bytes.HasPrefix(t, []byte("0x")) {
		if d, err := hex.DecodeString(string(t[2:])); err == nil {
			return d, nil
		}
	}
	return b, nil
}

func newParaReserveCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "reserve --from NAME",
		Short: "Reserve the next free para id (Registrar.reserve; reserves Registrar.ParaDeposit)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openChain(ctx, f)
			if err != nil {
				return err
			}
			defer e.Close()
			rt, err := e.sess.Latest(ctx)
			if err != nil {
				return err
			}
			d, err := app.RegistrarDeposits(rt)
			if err != nil {
				return err
			}
			next, err := e.sess.NextFreeParaID(ctx, rt)
			if err != nil {
				return err
			}
			call, err := rt.Calls.Reserve()
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Reserve a para id (next free: %d); deposit %s (Registrar.ParaDeposit)", next, e.sess.FormatAmount(d.ParaDeposit))
			return runSubmit(ctx, e, submitSpec{flags: &sf, req: app.Request{Call: call, Spend: d.ParaDeposit}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
}

func newParaRegisterCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	var headFile, codeFile string
	cmd := &cobra.Command{
		Use:   "register ID --genesis-head FILE --validation-code FILE --from NAME",
		Short: "Register a reserved para id with its genesis head and validation code",
		Long: `Register para ID (reserved by the sender) with its genesis head and
validation code (Registrar.register). Files hold raw bytes or 0x-hex.

The deposit is shown first: Registrar.ParaDeposit + Registrar.DataDepositPerByte
× (head bytes + code bytes); reserve already took ParaDeposit, register
reserves the rest. Sizes are checked against the active configuration
(max_code_size, max_head_data_size) before signing.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseParaID(args[0])
			if err != nil {
				return err
			}
			head, err := readBlob("--genesis-head", headFile)
			if err != nil {
				return err
			}
			code, err := readBlob("--validation-code", codeFile)
			if err != nil {
				return err
			}
			if len(code) == 0 {
				return app.Usagef("--validation-code: the file is empty")
			}
			ctx := cmd.Context()
			e, err := openChain(ctx, f)
			if err != nil {
				return err
			}
			defer e.Close()
			rt, err := e.sess.Latest(ctx)
			if err != nil {
				return err
			}
			d, err := app.RegistrarDeposits(rt)
			if err != nil {
				return err
			}
			if lim, err := e.sess.ParaLimits(ctx, rt); err == nil {
				if lim.MaxCodeSize > 0 && uint64(len(code)) > lim.MaxCodeSize {
					return app.Usagef("--validation-code: %d bytes, more than the configuration's max_code_size of %d", len(code), lim.MaxCodeSize)
				}
				if lim.MaxHeadDataSize > 0 && uint64(len(head)) > lim.MaxHeadDataSize {
					return app.Usagef("--genesis-head: %d bytes, more than the configuration's max_head_data_size of %d", len(head), lim.MaxHeadDataSize)
				}
			}
			_, sender, err := e.sender(sf.from)
			if err != nil {
				return err
			}
			st, err := e.sess.ParaStatus(ctx, rt, id)
			if err != nil {
				return err
			}
			if !st.Registered {
				return fmt.Errorf("para id %d is not reserved: run 'ksm para reserve' first", id)
			}
			if st.Manager != e.sess.Account(sender) {
				return fmt.Errorf("para id %d is managed by %s, not by %s", id, st.Manager, e.sess.Account(sender))
			}
			if st.Lifecycle != "" {
				return fmt.Errorf("para id %d is already registered (lifecycle %s)", id, st.Lifecycle)
			}
			total, extra := d.RegisterDeposit(len(head), len(code))
			f.Infof("Deposit: %s = ParaDeposit %s + %s per byte × %d bytes (head %d, code %d); %s more is reserved now",
				e.sess.FormatAmount(total), e.sess.FormatAmount(d.ParaDeposit), e.sess.FormatAmount(d.DataDepositPerByte),
				len(head)+len(code), len(head), len(code), e.sess.FormatAmount(extra))
			call, err := rt.Calls.Register(id, head, code)
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Register para %d (genesis head %d bytes, validation code %d bytes)", id, len(head), len(code))
			return runSubmit(ctx, e, submitSpec{flags: &sf, req: app.Request{Call: call, Spend: extra}, title: title})
		},
	}
	sf.add(cmd)
	cmd.Flags().StringVar(&headFile, "genesis-head", "", "file with the genesis head (raw or 0x-hex)")
	cmd.Flags().StringVar(&codeFile, "validation-code", "", "file with the validation code wasm (raw or 0x-hex)")
	return cmd
}

func newParaDeregisterCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "deregister ID --from NAME",
		Short: "Deregister a para id and free its deposit (Registrar.deregister)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseParaID(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			e, err := openChain(ctx, f)
			if err != nil {
				return err
			}
			defer e.Close()
			rt, err := e.sess.Latest(ctx)
			if err != nil {
				return err
			}
			st, err := e.sess.ParaStatus(ctx, rt, id)
			if err != nil {
				return err
			}
			if !st.Registered {
				return fmt.Errorf("para id %d is not reserved or registered", id)
			}
			if st.Lifecycle != "" && st.Lifecycle != "Parathread" {
				return fmt.Errorf("para %d is %s: only an on-demand parachain (Parathread) or a reserved id can be deregistered", id, st.Lifecycle)
			}
			call, err := rt.Calls.Deregister(id)
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Deregister para %d (deposit %s returns to %s)", id, e.sess.FormatAmount(st.Deposit), st.Manager)
			return runSubmit(ctx, e, submitSpec{flags: &sf, req: app.Request{Call: call}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
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
	BlockNumber     uint64 `json:"blockNumber"`
	BlockHash       string `json:"blockHash"`
	Verified        bool   `json:"verified"`
}

func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func newParaStatusCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "status ID",
		Short: "A para id: manager, deposit, lifecycle, head (Registrar.Paras, Paras.*)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseParaID(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			e, err := openChain(ctx, f)
			if err != nil {
				return err
			}
			defer e.Close()
			head, err := e.head(ctx)
			if err != nil {
				return err
			}
			rt, err := e.sess.Latest(ctx)
			if err != nil {
				return err
			}
			st, err := e.sess.ParaStatus(ctx, rt, id)
			if err != nil {
				return err
			}
			j := paraStatusJSON{ID: id, Registered: st.Registered, Manager: st.Manager, Deposit: numOrNull(st.Deposit), Locked: st.Locked,
				Lifecycle: orNull(st.Lifecycle), Head: orNull(st.Head), CodeHash: orNull(st.CodeHash), UpcomingGenesis: st.Upcoming, Verified: e.sess.Chain.Verified(),
				BlockNumber: head.Number, BlockHash: head.Hash.String()}
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
		},
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

func newParaContributeCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "contribute PARA AMOUNT --from NAME",
		Short: "Contribute to a crowdloan (Crowdloan.contribute), where the runtime still allows it",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseParaID(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			e, err := openChain(ctx, f)
			if err != nil {
				return err
			}
			defer e.Close()
			amount, err := e.sess.ParseAmount(args[1])
			if err != nil {
				return app.Usagef("amount: %v", err)
			}
			rt, err := e.sess.Latest(ctx)
			if err != nil {
				return err
			}
			call, err := rt.Calls.Contribute(id, amount)
			if err != nil {
				return crowdloanErr(err)
			}
			return crowdloanErr(runSubmit(ctx, e, submitSpec{flags: &sf, req: app.Request{Call: call, Spend: amount},
				title: fmt.Sprintf("Contribute %s to the crowdloan of para %d", e.sess.FormatAmount(amount), id)}))
		},
	}
	sf.add(cmd)
	return cmd
}

func newParaWithdrawCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "withdraw PARA [WHO] --from NAME",
		Short: "Withdraw a contribution from a finished crowdloan (Crowdloan.withdraw)",
		Args:  rangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseParaID(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			e, err := openChain(ctx, f)
			if err != nil {
				return err
			}
			defer e.Close()
			var who [32]byte
			if len(args) == 2 {
				if who, _, err = e.resolveAccount(args[1]); err != nil {
					return err
				}
			} else if _, who, err = e.sender(sf.from); err != nil {
				return err
			}
			rt, err := e.sess.Latest(ctx)
			if err != nil {
				return err
			}
			call, err := rt.Calls.CrowdloanWithdraw(who, id)
			if err != nil {
				return crowdloanErr(err)
			}
			return crowdloanErr(runSubmit(ctx, e, submitSpec{flags: &sf, req: app.Request{Call: call},
				title: fmt.Sprintf("Withdraw the contribution of %s from the crowdloan of para %d", e.sess.Account(who), id)}))
		},
	}
	sf.add(cmd)
	return cmd
}

func newParaRefundCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "refund PARA --from NAME",
		Short: "Refund the contributors of a finished crowdloan (Crowdloan.refund)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseParaID(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			e, err := openChain(ctx, f)
			if err != nil {
				return err
			}
			defer e.Close()
			rt, err := e.sess.Latest(ctx)
			if err != nil {
				return err
			}
			call, err := rt.Calls.Refund(id)
			if err != nil {
				return crowdloanErr(err)
			}
			return crowdloanErr(runSubmit(ctx, e, submitSpec{flags: &sf, req: app.Request{Call: call}, title: fmt.Sprintf("Refund the crowdloan of para %d", id)}))
		},
	}
	sf.add(cmd)
	return cmd
}
