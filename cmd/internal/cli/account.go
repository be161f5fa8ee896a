package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
)

// accountSection adds a part to `ksm account` (staking, voting, ...): it
// returns a JSON value (placed under key in the output; nil leaves the key
// out) and text lines for the human form. Other files register sections
// in their init with registerAccountSection.
type accountSection struct {
	key string
	fn  accountSectionFunc
}

// accountSectionFunc computes one section for account id at block head.
type accountSectionFunc func(ctx context.Context, e *chainEnv, rt *app.Runtime, head chainclient.Header, id [32]byte) (jsonValue any, text []string, err error)

var accountSections []accountSection

// registerAccountSection adds a section to `ksm account` under JSON key.
func registerAccountSection(key string, fn accountSectionFunc) {
	accountSections = append(accountSections, accountSection{key: key, fn: fn})
}

func newAccountCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "account NAME|ADDRESS",
		Short: "Show an account: nonce, balances and what it takes part in",
		Long: `Show an account at the finalized head: nonce, balances (as 'ksm balance'),
transactions this machine sent that the chain has not counted yet, and
sections such as staking and voting. With --json: the balance fields plus
"pending" and one field per section.`,
		Args: exactArgs(1),
		RunE: networkRun(f, func(ctx context.Context, e *chainEnv, args []string) error {
			id, key, err := e.resolveAccount(args[0])
			if err != nil {
				return err
			}
			head, rt, err := e.sess.HeadRuntime(ctx)
			if err != nil {
				return err
			}
			bs, err := app.BalancesOf(ctx, e.sessions(), id)
			if err != nil {
				return err
			}
			b := bs.Main()
			pending, _ := e.sess.Nonces.Pending(e.sess.NonceGenesis(), id)
			out := map[string]any{}
			var text []string
			for _, s := range accountSections {
				v, lines, err := s.fn(ctx, e, rt, *head, id)
				if err != nil {
					if app.IsDisconnected(err) {
						return err
					}
					f.Warnf("account %s: %v", s.key, err)
					continue
				}
				if v != nil {
					out[s.key] = v
				}
				if len(lines) > 0 {
					text = append(text, s.key+":")
					for _, l := range lines {
						text = append(text, "  "+l)
					}
				}
			}
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
				for k, v := range out {
					m[k] = v
				}
				return f.PrintJSON(m)
			}
			printBalance(e, bs, key)
			fmt.Fprintf(f.IO.Out, "  nonce\t%d\n", b.Nonce)
			for _, p := range pending {
				fmt.Fprintf(f.IO.Out, "  pending nonce %d\t%s\n", p.Nonce, p.Hash)
			}
			if len(text) > 0 {
				fmt.Fprintln(f.IO.Out, strings.Join(text, "\n"))
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
