package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

func newAccountCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "account NAME|ADDRESS",
		Short: "Show an account: nonce, balances and what it takes part in",
		Long: `Show an account at the finalized head: nonce, balances (as 'ksm balance')
and the transactions this machine sent that the chain has not counted yet.
With --json: the balance fields plus "pending".`,
		Args: exactArgs(1),
		RunE: networkRun(f, func(ctx context.Context, e *chainEnv, args []string) error {
			id, key, err := e.resolveAccount(args[0])
			if err != nil {
				return err
			}
			bs, err := app.BalancesOf(ctx, e.sessions(), id)
			if err != nil {
				return err
			}
			b := bs.Main()
			pending, _ := e.sess.Nonces.Pending(e.sess.NonceGenesis(), id)
			if f.Opts.JSON {
				view := balanceView(e, bs, key)
				m := map[string]any{}
				raw, _ := jsonRoundTrip(view)
				for k, v := range raw {
					m[k] = v
				}
				if pending == nil {
					pending = []app.PendingTx{}
				}
				m["pending"] = pending
				return f.PrintJSON(m)
			}
			printBalance(e, bs, key)
			fmt.Fprintf(f.IO.Out, "  nonce\t%d\n", b.Nonce)
			for _, p := range pending {
				fmt.Fprintf(f.IO.Out, "  pending nonce %d\t%s\n", p.Nonce, p.Hash)
			}
			return nil
		}),
	}
	return cmd
}

// jsonRoundTrip turns a struct into a map of its JSON fields.
func jsonRoundTrip(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	err = d.Decode(&m)
	return m, err
}
