package cli

// ksm pool: join, bond-extra, claim, unbond, withdraw and status of
// nomination pools (NominationPools), calls built from metadata.

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

func newPoolCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pool",
		Short: "Join nomination pools, claim their rewards, unbond and withdraw",
		Long: `Nomination pools (NominationPools): join a pool with an amount, bond more
(or bond the pending rewards), claim rewards, unbond and withdraw. On Kusama
pools live on Asset Hub, with staking (--network kusama-asset-hub).`,
		Args: exactArgs(0),
	}
	for _, c := range []func(*Factory) *cobra.Command{
		newPoolJoinCmd, newPoolBondExtraCmd, newPoolClaimCmd, newPoolUnbondCmd, newPoolWithdrawCmd, newPoolStatusCmd,
	} {
		cmd.AddCommand(c(f))
	}
	return cmd
}

// poolMember reads the sender's membership, failing when it has none.
func (e *stakeEnv) poolMember(cmd *cobra.Command, id [32]byte, what string) (*app.PoolStatus, error) {
	st, err := e.sess.PoolStatus(cmd.Context(), e.rt, e.head, id)
	if err != nil {
		return nil, err
	}
	if !st.Member {
		return nil, fmt.Errorf("%w: %s is in no nomination pool, so there is nothing to %s; join one with 'ksm pool join AMOUNT POOL_ID'", app.ErrNotPoolMember, e.sess.Account(id), what)
	}
	return st, nil
}

func newPoolJoinCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "join AMOUNT POOL_ID --from NAME",
		Short: "Join a nomination pool (NominationPools.join)",
		Long: `Join pool POOL_ID with AMOUNT (at least NominationPools.MinJoinBond). The
amount moves to the pool's bonded account. An account can be in one pool;
a pool that is not Open is refused before signing.`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "NominationPools")
			if err != nil {
				return err
			}
			defer e.Close()
			amount, err := e.amountArg(args[0])
			if err != nil {
				return err
			}
			pid, err := strconv.ParseUint(args[1], 10, 32)
			if err != nil {
				return app.Usagef("POOL_ID: %q is not a pool number", args[1])
			}
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			if st, err := e.sess.PoolStatus(ctx, e.rt, e.head, id); err != nil {
				return err
			} else if st.Member {
				return fmt.Errorf("%s is already in pool %d: an account can be in one pool (use 'ksm pool bond-extra')", e.sess.Account(id), st.PoolID)
			}
			pool, err := e.sess.Pool(ctx, e.rt, e.head.Hash, uint32(pid))
			if err != nil {
				return err
			}
			if !pool.Exists {
				return fmt.Errorf("there is no pool %d on %s", pid, e.sess.ChainName())
			}
			if pool.State != "Open" {
				return fmt.Errorf("pool %d is %s: it accepts no new members", pid, pool.State)
			}
			min, err := e.sess.MinJoinBond(ctx, e.rt, e.head.Hash)
			if err != nil {
				return err
			}
			if amount.Cmp(min) < 0 {
				return fmt.Errorf("%s is below the minimum join bond of %s (NominationPools.MinJoinBond)", e.amt(amount), e.amt(min))
			}
			call, err := e.rt.Calls.PoolJoin(amount, uint32(pid))
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Join pool %d (%s state, %d members, %s bonded) with %s", pid, pool.State, pool.MemberCount, e.amt(pool.Bonded), e.amt(amount))
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call, Spend: amount}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
}

func newPoolBondExtraCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "bond-extra AMOUNT|rewards --from NAME",
		Short: "Bond more into your pool, or bond its pending rewards (NominationPools.bond_extra)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "NominationPools")
			if err != nil {
				return err
			}
			defer e.Close()
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			st, err := e.poolMember(cmd, id, "bond more into")
			if err != nil {
				return err
			}
			var amount *big.Int
			title := ""
			if strings.EqualFold(args[0], "rewards") {
				if st.Pending != nil && st.Pending.Sign() == 0 {
					return fmt.Errorf("%s has no pending rewards in pool %d to bond", e.sess.Account(id), st.PoolID)
				}
				title = fmt.Sprintf("Bond the pending rewards (%s) into pool %d", amountOrUnknown(e, st.Pending), st.PoolID)
			} else {
				if amount, err = e.amountArg(args[0]); err != nil {
					return err
				}
				title = fmt.Sprintf("Bond %s more into pool %d", e.amt(amount), st.PoolID)
			}
			call, err := e.rt.Calls.PoolBondExtra(amount)
			if err != nil {
				return err
			}
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call, Spend: amount}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
}

func amountOrUnknown(e *stakeEnv, v *big.Int) string {
	if v == nil {
		return "amount unknown"
	}
	return e.amt(v)
}

func newPoolClaimCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "claim --from NAME",
		Short: "Claim your pool rewards to your free balance (NominationPools.claim_payout)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "NominationPools")
			if err != nil {
				return err
			}
			defer e.Close()
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			st, err := e.poolMember(cmd, id, "claim from")
			if err != nil {
				return err
			}
			if st.Pending != nil && st.Pending.Sign() == 0 {
				e.f.Warnf("NominationPoolsApi_pending_rewards says %s has no pending rewards: the claim pays nothing", e.sess.Account(id))
			}
			call, err := e.rt.Calls.PoolClaimPayout()
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Claim the pending rewards (%s) of pool %d", amountOrUnknown(e, st.Pending), st.PoolID)
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
}

func newPoolUnbondCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "unbond AMOUNT|all --from NAME",
		Short: "Unbond from your pool (NominationPools.unbond)",
		Long: `Unbond AMOUNT of your pool balance (all: every point). The amount is
converted to pool points (NominationPoolsApi_balance_to_points, or the
pool's points and bonded stake); withdraw it after the bonding duration.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "NominationPools")
			if err != nil {
				return err
			}
			defer e.Close()
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			st, err := e.poolMember(cmd, id, "unbond")
			if err != nil {
				return err
			}
			if st.Points.Sign() == 0 {
				return fmt.Errorf("%w: %s has no active points in pool %d", app.ErrNothingToUnbond, e.sess.Account(id), st.PoolID)
			}
			points := new(big.Int).Set(st.Points)
			shown := st.Balance
			if !strings.EqualFold(args[0], "all") {
				amount, err := e.amountArg(args[0])
				if err != nil {
					return err
				}
				if st.Balance != nil && amount.Cmp(st.Balance) > 0 {
					return fmt.Errorf("%w: unbond %s is more than your pool balance of %s", app.ErrNothingToUnbond, e.amt(amount), e.amt(st.Balance))
				}
				pool, err := e.sess.Pool(ctx, e.rt, e.head.Hash, st.PoolID)
				if err != nil {
					return err
				}
				points = e.sess.BalanceToPoints(ctx, e.rt, e.head.Hash, pool, amount)
				if points.Cmp(st.Points) > 0 {
					points.Set(st.Points)
				}
				shown = amount
			}
			call, err := e.rt.Calls.PoolUnbond(id, points)
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Unbond %s (%s points of %s) from pool %d", amountOrUnknown(e, shown), points, st.Points, st.PoolID)
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
}

func newPoolWithdrawCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "withdraw --from NAME",
		Short: "Withdraw what has finished unbonding from your pool (NominationPools.withdraw_unbonded)",
		Long: `Withdraw the pool unbondings whose era has come. num_slashing_spans is
computed from Staking.SlashingSpans of the pool's bonded account.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "NominationPools")
			if err != nil {
				return err
			}
			defer e.Close()
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			st, err := e.poolMember(cmd, id, "withdraw")
			if err != nil {
				return err
			}
			ready := new(big.Int)
			n := 0
			for _, u := range st.Unbonding {
				if u.Withdrawable {
					n++
					if u.Balance != nil {
						ready.Add(ready, u.Balance)
					}
				}
			}
			if n == 0 {
				msg := fmt.Sprintf("nothing has finished unbonding in pool %d for %s yet (current era %d)", st.PoolID, e.sess.Account(id), st.CurrentEra)
				if len(st.Unbonding) > 0 {
					msg += fmt.Sprintf("; the next unbonding frees in era %d", st.Unbonding[0].Era)
				}
				return fmt.Errorf("%s", msg)
			}
			spans, err := e.sess.SlashingSpans(ctx, e.rt, e.head.Hash, st.BondedAcct)
			if err != nil {
				return err
			}
			call, err := e.rt.Calls.PoolWithdrawUnbonded(id, spans)
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Withdraw about %s unbonded from pool %d (slashing spans of the pool: %d)", e.amt(ready), st.PoolID, spans)
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
}

// poolStatusJSON is `ksm pool status --json` (amounts and points in planck
// / points as value JSON numbers).
type poolStatusJSON struct {
	Address     string          `json:"address"`
	Key         string          `json:"key,omitempty"`
	Member      bool            `json:"member"`
	PoolID      *uint32         `json:"poolId"`
	Points      any             `json:"points"`
	Balance     any             `json:"balance"`
	Pending     any             `json:"pendingRewards"`
	Unbonding   []poolUnbondRow `json:"unbonding"`
	PoolState   string          `json:"poolState,omitempty"`
	PoolPoints  any             `json:"poolPoints"`
	PoolBonded  any             `json:"poolBonded"`
	BondedAcct  string          `json:"poolBondedAccount,omitempty"`
	MemberCount uint64          `json:"poolMemberCount"`
	CurrentEra  uint32          `json:"currentEra"`
	BlockNumber uint64          `json:"blockNumber"`
	BlockHash   string          `json:"blockHash"`
	Decimals    int             `json:"decimals"`
	Symbol      string          `json:"symbol"`
	Verified    bool            `json:"verified"`
}

type poolUnbondRow struct {
	Era          uint32 `json:"era"`
	Points       any    `json:"points"`
	Balance      any    `json:"balance"`
	Withdrawable bool   `json:"withdrawable"`
}

func poolStatusView(e *chainEnv, st *app.PoolStatus, key string) poolStatusJSON {
	s := e.sess
	j := poolStatusJSON{
		Address: s.Account(st.Account), Key: key, Member: st.Member, Points: numOrNull(st.Points), Balance: numOrNull(st.Balance),
		Pending: numOrNull(st.Pending), Unbonding: []poolUnbondRow{}, PoolState: st.PoolState,
		PoolPoints: numOrNull(st.PoolPoints), PoolBonded: numOrNull(st.PoolBonded), MemberCount: st.MemberCount,
		CurrentEra: st.CurrentEra, BlockNumber: st.Block.Number, BlockHash: st.Block.Hash.String(),
		Decimals: s.Token.Decimals, Symbol: s.Token.Symbol, Verified: s.Chain.Verified(),
	}
	if st.Member {
		id := st.PoolID
		j.PoolID = &id
		j.BondedAcct = s.Account(st.BondedAcct)
	}
	for _, u := range st.Unbonding {
		j.Unbonding = append(j.Unbonding, poolUnbondRow{Era: u.Era, Points: numOrNull(u.Points), Balance: numOrNull(u.Balance), Withdrawable: u.Withdrawable})
	}
	return j
}

func printPoolStatus(e *chainEnv, st *app.PoolStatus, key string) {
	s := e.sess
	w := tabwriter.NewWriter(e.f.IO.Out, 0, 4, 2, ' ', 0)
	title := s.Account(st.Account)
	if key != "" {
		title += "  (key " + key + ")"
	}
	fmt.Fprintf(w, "%s\n", title)
	if !st.Member {
		fmt.Fprintf(w, "  in no nomination pool\n")
		_ = w.Flush()
		return
	}
	fmt.Fprintf(w, "  pool\t%d (%s, %d members, %s bonded)\n", st.PoolID, st.PoolState, st.MemberCount, s.FormatAmount(st.PoolBonded))
	fmt.Fprintf(w, "  points\t%s\n", st.Points)
	if st.Balance != nil {
		fmt.Fprintf(w, "  balance\t%s\n", s.FormatAmount(st.Balance))
	}
	if st.Pending != nil {
		fmt.Fprintf(w, "  pending rewards\t%s\n", s.FormatAmount(st.Pending))
	}
	for _, u := range st.Unbonding {
		when := fmt.Sprintf("frees in era %d", u.Era)
		if u.Withdrawable {
			when = fmt.Sprintf("era %d: withdrawable now", u.Era)
		}
		amt := u.Points.String() + " points"
		if u.Balance != nil {
			amt = s.FormatAmount(u.Balance)
		}
		fmt.Fprintf(w, "  unbonding\t%s\t%s\n", amt, when)
	}
	_ = w.Flush()
}

func newPoolStatusCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status [ADDRESS|NAME]",
		Short: "Show pool membership: points, balance, pending rewards, unbonding",
		Long: `Show an account's nomination-pool membership at the finalized head: the
pool, points and their balance, pending rewards
(NominationPoolsApi_pending_rewards) and unbonding eras. Without an
argument, every key.

--json prints one object (an array without an argument): address, key,
member, poolId, points, balance, pendingRewards (null when the runtime has
no NominationPoolsApi), unbonding [{era, points, balance, withdrawable}],
poolState, poolPoints, poolBonded, poolBondedAccount, poolMemberCount,
currentEra, blockNumber and blockHash (the state's block), decimals, symbol
and verified. Amounts in planck.`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "NominationPools")
			if err != nil {
				return err
			}
			defer e.Close()
			targets, err := statusTargets(e.chainEnv, args)
			if err != nil {
				return err
			}
			var views []poolStatusJSON
			for i, t := range targets {
				st, err := e.sess.PoolStatus(ctx, e.rt, e.head, t.id)
				if err != nil {
					return err
				}
				if f.Opts.JSON {
					views = append(views, poolStatusView(e.chainEnv, st, t.key))
					continue
				}
				if i > 0 {
					fmt.Fprintln(f.IO.Out)
				}
				printPoolStatus(e.chainEnv, st, t.key)
			}
			if f.Opts.JSON {
				if len(args) == 1 {
					return f.PrintJSON(views[0])
				}
				return f.PrintJSON(views)
			}
			return nil
		},
	}
	return cmd
}
