package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/tx/value"
)

// callSpec is one call given on the command line.
type callSpec struct {
	pallet, name string
	args         any
}

func parseCallName(s string) (string, string, error) {
	p, n, ok := strings.Cut(strings.TrimSpace(s), ".")
	if !ok || p == "" || n == "" {
		return "", "", app.Usagef("call %q: write it as PALLET.CALL (e.g. Balances.transfer_keep_alive)", s)
	}
	return p, n, nil
}

func parseArgsJSON(s string, what string) (any, error) {
	if strings.TrimSpace(s) == "" {
		return value.Object{}, nil
	}
	v, err := value.ParseJSON([]byte(s))
	if err != nil {
		return nil, app.Usagef("%s: not JSON: %v", what, err)
	}
	return v, nil
}

func newTxCallCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	var more, moreArgs []string
	var callsStdin, batch bool
	var spend string
	cmd := &cobra.Command{
		Use:   "call PALLET.CALL --args JSON --from NAME [--call PALLET.CALL --args JSON]... [--batch]",
		Short: "Sign and submit any call (several as one Utility.batch_all)",
		Long: `Build any runtime call from metadata, show it, sign it with --from and submit it.

Arguments are value JSON keyed by the call's argument names (see 'ksm tx
encode-call'): accounts as addresses, balances in planck, enums as
{"Variant": value}.

Several calls: repeat --call PALLET.CALL, each followed by its --args JSON
(the first call may be the positional argument, taking the first --args),
or pass --calls-stdin with a JSON array of
{"pallet": "...", "name": "...", "args": {...}} on standard input. Several
calls need --batch: they are sent as one Utility.batch_all, which succeeds or
fails as a whole.

The balance effect and the existential-deposit check count the fee and the
value of Balances transfers among the calls; --spend AMOUNT declares what
other calls take from the sender (deposits, bonds) instead.`,
		Example: `  ksm tx call System.remark --args '{"remark":"0x68656c6c6f"}' --from alice
  ksm tx call Balances.transfer_keep_alive --args '{"dest":"<addr>","value":1000000000000}' \
      --call Balances.transfer_keep_alive --args '{"dest":"<addr2>","value":2000000000000}' --batch --from alice
  echo '[{"pallet":"System","name":"remark","args":{"remark":"0x01"}}]' | ksm tx call --calls-stdin --batch --from alice`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var specs []callSpec
			argList := moreArgs
			if len(args) == 1 {
				p, n, err := parseCallName(args[0])
				if err != nil {
					return err
				}
				a := ""
				if len(argList) > 0 {
					a, argList = argList[0], argList[1:]
				}
				v, err := parseArgsJSON(a, args[0]+" --args")
				if err != nil {
					return err
				}
				specs = append(specs, callSpec{p, n, v})
			}
			if len(more) > 0 && len(argList) != len(more) && len(argList) != 0 {
				return app.Usagef("give one --args after each --call (%d calls, %d --args)", len(more)+len(args), len(moreArgs))
			}
			for i, c := range more {
				p, n, err := parseCallName(c)
				if err != nil {
					return err
				}
				a := ""
				if i < len(argList) {
					a = argList[i]
				}
				v, err := parseArgsJSON(a, c+" --args")
				if err != nil {
					return err
				}
				specs = append(specs, callSpec{p, n, v})
			}
			if callsStdin {
				if f.Opts.PasswordStdin {
					return app.Usagef("--calls-stdin and --password-stdin both read standard input: give the password with --password-file or KSM_PASSWORD")
				}
				b, err := f.IO.ReadAll()
				if err != nil {
					return err
				}
				var items []struct {
					Pallet string          `json:"pallet"`
					Name   string          `json:"name"`
					Args   json.RawMessage `json:"args"`
				}
				if err := json.Unmarshal(b, &items); err != nil {
					return app.Usagef("--calls-stdin: want a JSON array of {\"pallet\", \"name\", \"args\"}: %v", err)
				}
				for i, it := range items {
					if it.Pallet == "" || it.Name == "" {
						return app.Usagef("--calls-stdin item %d: want {\"pallet\", \"name\", \"args\"}", i)
					}
					av, err := parseArgsJSON(string(it.Args), fmt.Sprintf("--calls-stdin item %d args", i))
					if err != nil {
						return err
					}
					specs = append(specs, callSpec{it.Pallet, it.Name, av})
				}
			}
			in := app.TxCallInput{Signing: sf.signing(), Batch: batch, Spend: spend}
			for _, c := range specs {
				in.Calls = append(in.Calls, app.CallInput{Pallet: c.pallet, Name: c.name, Args: c.args})
			}
			return submitPlan(cmd.Context(), f, func(kr app.Keyring) (*app.Plan, error) { return app.PlanTxCall(kr, in) })
		},
	}
	sf.add(cmd)
	fl := cmd.Flags()
	fl.StringArrayVar(&moreArgs, "args", nil, "arguments of the call as value JSON (one per call, in order)")
	fl.StringArrayVar(&more, "call", nil, "another call PALLET.CALL (repeatable; each followed by its --args)")
	fl.BoolVar(&callsStdin, "calls-stdin", false, "read a JSON array of calls from standard input")
	fl.BoolVar(&batch, "batch", false, "send several calls as one Utility.batch_all")
	fl.StringVar(&spend, "spend", "", "amount the calls take from the sender besides the fee (for the checks)")
	return cmd
}
