package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

// balanceJSON is an account's balance (amounts in planck, value JSON
// numbers or decimal strings beyond 2^53).
type balanceJSON struct {
	Address            string     `json:"address"`
	Key                string     `json:"key,omitempty"`
	Free               any        `json:"free"`
	Reserved           any        `json:"reserved"`
	Frozen             any        `json:"frozen"`
	Transferable       any        `json:"transferable"`
	ExistentialDeposit any        `json:"existentialDeposit"`
	Locks              []lockJSON `json:"locks"`
	Holds              []holdJSON `json:"holds"`
	Freezes            []holdJSON `json:"freezes"`
	Nonce              uint64     `json:"nonce"`
	BlockNumber        uint64     `json:"blockNumber"`
	BlockHash          string     `json:"blockHash"`
	Decimals           int        `json:"decimals"`
	Symbol             string     `json:"symbol"`
	Verified           bool       `json:"verified"`
}

type lockJSON struct {
	ID      string `json:"id"`
	Amount  any    `json:"amount"`
	Reasons string `json:"reasons"`
}

type holdJSON struct {
	Reason string `json:"reason"`
	Amount any    `json:"amount"`
}

func balanceView(e *chainEnv, b *app.Balance, key string) balanceJSON {
	j := balanceJSON{
		Address: e.sess.Account(b.Account), Key: key,
		Free: numOrNull(b.Free), Reserved: numOrNull(b.Reserved), Frozen: numOrNull(b.Frozen),
		Transferable: numOrNull(b.Transferable), ExistentialDeposit: numOrNull(b.ExistentialDeposit),
		Locks: []lockJSON{}, Holds: []holdJSON{}, Freezes: []holdJSON{},
		Nonce: b.Nonce, BlockNumber: b.Block.Number, BlockHash: b.Block.Hash.String(),
		Decimals: e.sess.Token.Decimals, Symbol: e.sess.Token.Symbol, Verified: e.sess.Chain.Verified(),
	}
	for _, l := range b.Locks {
		j.Locks = append(j.Locks, lockJSON{ID: l.ID, Amount: numOrNull(l.Amount), Reasons: l.Reasons})
	}
	for _, h := range b.Holds {
		j.Holds = append(j.Holds, holdJSON{Reason: h.Reason, Amount: numOrNull(h.Amount)})
	}
	for _, h := range b.Freezes {
		j.Freezes = append(j.Freezes, holdJSON{Reason: h.Reason, Amount: numOrNull(h.Amount)})
	}
	return j
}

// printBalance writes a balance as text on stdout.
func printBalance(e *chainEnv, b *app.Balance, key string) {
	s := e.sess
	w := tabwriter.NewWriter(e.f.IO.Out, 0, 4, 2, ' ', 0)
	title := s.Account(b.Account)
	if key != "" {
		title += "  (key " + key + ")"
	}
	fmt.Fprintf(w, "%s\n", title)
	fmt.Fprintf(w, "  free\t%s\n", s.FormatAmount(b.Free))
	fmt.Fprintf(w, "  reserved\t%s\n", s.FormatAmount(b.Reserved))
	fmt.Fprintf(w, "  frozen\t%s\n", s.FormatAmount(b.Frozen))
	fmt.Fprintf(w, "  transferable\t%s\n", s.FormatAmount(b.Transferable))
	for _, l := range b.Locks {
		fmt.Fprintf(w, "  lock %s\t%s\t(%s)\n", l.ID, s.FormatAmount(l.Amount), l.Reasons)
	}
	for _, h := range b.Holds {
		fmt.Fprintf(w, "  hold %s\t%s\n", h.Reason, s.FormatAmount(h.Amount))
	}
	for _, h := range b.Freezes {
		fmt.Fprintf(w, "  freeze %s\t%s\n", h.Reason, s.FormatAmount(h.Amount))
	}
	_ = w.Flush()
}

func newBalanceCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "balance [ADDRESS|NAME]",
		Short: "Show free, reserved, frozen and transferable balance, locks and holds",
		Long: `Show an account's balance at the finalized head: free, reserved, frozen and
transferable (free − max(frozen − reserved, 0)), its locks (Balances.Locks:
staking, voting, vesting, ...), holds and freezes by reason. Without an
argument, every key in the keystore. With --json amounts are in planck.`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openChainFor(ctx, f, "Balances")
			if err != nil {
				return err
			}
			defer e.Close()
			targets, err := statusTargets(e, args, "no keys yet: give an ADDRESS, or add a key with 'ksm key new' or 'ksm key import'")
			if err != nil {
				return err
			}
			return showEach(f, args, targets,
				func(t statusTarget) (*app.Balance, error) { return e.sess.Balance(ctx, t.id) },
				func(b *app.Balance, key string) balanceJSON { return balanceView(e, b, key) },
				func(b *app.Balance, key string) { printBalance(e, b, key) })
		},
	}
	return cmd
}
