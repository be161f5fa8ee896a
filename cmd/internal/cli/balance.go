package cli

import (
	"context"
	"fmt"

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
	readAtJSON
	// Chains is the balance on each chain of the network (the main chain,
	// whose balance the fields above give, first); Total sums them.
	Chains []chainBalanceJSON `json:"chains"`
	Total  balanceTotalJSON   `json:"total"`
}

// chainBalanceJSON is an account's balance on one chain of the network.
type chainBalanceJSON struct {
	Chain        string     `json:"chain"`
	Free         any        `json:"free"`
	Reserved     any        `json:"reserved"`
	Frozen       any        `json:"frozen"`
	Transferable any        `json:"transferable"`
	Locks        []lockJSON `json:"locks"`
	Holds        []holdJSON `json:"holds"`
	BlockNumber  uint64     `json:"blockNumber"`
	BlockHash    string     `json:"blockHash"`
	Verified     bool       `json:"verified"`
}

// balanceTotalJSON sums the balances of the chains.
type balanceTotalJSON struct {
	Free         any `json:"free"`
	Reserved     any `json:"reserved"`
	Frozen       any `json:"frozen"`
	Transferable any `json:"transferable"`
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

func balanceView(e *chainEnv, bs *app.Balances, key string) balanceJSON {
	b := bs.Main()
	j := balanceJSON{
		Address: e.sess.Account(b.Account), Key: key,
		Free: numOrNull(b.Free), Reserved: numOrNull(b.Reserved), Frozen: numOrNull(b.Frozen),
		Transferable: numOrNull(b.Transferable), ExistentialDeposit: numOrNull(b.ExistentialDeposit),
		Locks: locksJSON(b.Locks), Holds: holdsJSON(b.Holds), Freezes: holdsJSON(b.Freezes),
		Nonce: b.Nonce, readAtJSON: readAt(e.sess, b.Block),
		Chains: []chainBalanceJSON{},
		Total: balanceTotalJSON{Free: numOrNull(bs.Total.Free), Reserved: numOrNull(bs.Total.Reserved),
			Frozen: numOrNull(bs.Total.Frozen), Transferable: numOrNull(bs.Total.Transferable)},
	}
	j.Chain, j.Verified = bs.Chains[0].Chain, bs.Chains[0].Verified
	for _, c := range bs.Chains {
		j.Chains = append(j.Chains, chainBalanceJSON{Chain: c.Chain,
			Free: numOrNull(c.Free), Reserved: numOrNull(c.Reserved), Frozen: numOrNull(c.Frozen), Transferable: numOrNull(c.Transferable),
			Locks: locksJSON(c.Locks), Holds: holdsJSON(c.Holds), BlockNumber: c.Block.Number, BlockHash: c.Block.Hash.String(), Verified: c.Verified})
	}
	return j
}

func locksJSON(ls []app.Lock) []lockJSON {
	out := []lockJSON{}
	for _, l := range ls {
		out = append(out, lockJSON{ID: l.ID, Amount: numOrNull(l.Amount), Reasons: l.Reasons})
	}
	return out
}

func holdsJSON(hs []app.Hold) []holdJSON {
	out := []holdJSON{}
	for _, h := range hs {
		out = append(out, holdJSON{Reason: h.Reason, Amount: numOrNull(h.Amount)})
	}
	return out
}

// printBalance writes a balance as text on stdout: on one chain its
// parts, on a network of several a compact table of the chains side by
// side with their total, then each chain's locks, holds and freezes.
func printBalance(e *chainEnv, bs *app.Balances, key string) {
	s := e.sess
	b := bs.Main()
	w := accountWriter(e, b.Account, key)
	if len(bs.Chains) == 1 {
		fmt.Fprintf(w, "  free\t%s\n", s.FormatAmount(b.Free))
		fmt.Fprintf(w, "  reserved\t%s\n", s.FormatAmount(b.Reserved))
		fmt.Fprintf(w, "  frozen\t%s\n", s.FormatAmount(b.Frozen))
		fmt.Fprintf(w, "  transferable\t%s\n", s.FormatAmount(b.Transferable))
	} else {
		fmt.Fprintf(w, "  chain\tfree\treserved\tfrozen\ttransferable\n")
		for _, c := range bs.Chains {
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", c.ChainName, s.FormatAmount(c.Free), s.FormatAmount(c.Reserved), s.FormatAmount(c.Frozen), s.FormatAmount(c.Transferable))
		}
		t := bs.Total
		fmt.Fprintf(w, "  total\t%s\t%s\t%s\t%s\n", s.FormatAmount(t.Free), s.FormatAmount(t.Reserved), s.FormatAmount(t.Frozen), s.FormatAmount(t.Transferable))
	}
	for _, c := range bs.Chains {
		where := ""
		if len(bs.Chains) > 1 {
			where = " (" + c.ChainName + ")"
		}
		for _, l := range c.Locks {
			fmt.Fprintf(w, "  lock %s%s\t%s\t(%s)\n", l.ID, where, s.FormatAmount(l.Amount), l.Reasons)
		}
		for _, h := range c.Holds {
			fmt.Fprintf(w, "  hold %s%s\t%s\n", h.Reason, where, s.FormatAmount(h.Amount))
		}
		for _, h := range c.Freezes {
			fmt.Fprintf(w, "  freeze %s%s\t%s\n", h.Reason, where, s.FormatAmount(h.Amount))
		}
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
argument, every key in the keystore. With --json amounts are in planck.

On a relay network (kusama, ...) the balance on Asset Hub, where an
account's balance lives since the Asset Hub migration, and on the relay
chain are shown side by side with their total.`,
		Args: rangeArgs(0, 1),
		RunE: networkRun(f, func(ctx context.Context, e *chainEnv, args []string) error {
			return showEach(f, e, args, "no keys yet: give an ADDRESS, or add a key with 'ksm key new' or 'ksm key import'",
				func(t statusTarget) (*app.Balances, error) { return app.BalancesOf(ctx, e.sessions(), t.id) },
				func(b *app.Balances, key string) balanceJSON { return balanceView(e, b, key) },
				func(b *app.Balances, key string) { printBalance(e, b, key) })
		}),
	}
	return cmd
}
