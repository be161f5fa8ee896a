package cli

// ksm pool: join, bond-extra, claim, unbond, withdraw and status of
// nomination pools (NominationPools), calls built from metadata.

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
)

// poolLong is the help of ksm pool (the verbs are listed in addCommands).
const poolLong = `Nomination pools (NominationPools): join a pool with an amount, bond more
(or bond the pending rewards), claim rewards, unbond and withdraw. On Kusama
pools live on Asset Hub, with staking (--network kusama-asset-hub).`

func newPoolJoinCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "join AMOUNT POOL_ID --from NAME",
		Short: "Join a nomination pool (NominationPools.join)",
		Long: `Join pool POOL_ID with AMOUNT (at least NominationPools.MinJoinBond). The
amount moves to the pool's bonded account. An account can be in one pool;
a pool that is not Open is refused before signing.`,
		Args: exactArgs(2),
	}, func(args []string) app.PoolInput { return app.PoolInput{Amount: args[0], Pool: args[1]} }, app.PlanPoolJoin)
}

func newPoolBondExtraCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "bond-extra AMOUNT|rewards --from NAME",
		Short: "Bond more into your pool, or bond its pending rewards (NominationPools.bond_extra)",
		Args:  exactArgs(1),
	}, func(args []string) app.PoolInput { return app.PoolInput{Amount: args[0]} }, app.PlanPoolBondExtra)
}

func newPoolClaimCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "claim --from NAME",
		Short: "Claim your pool rewards to your free balance (NominationPools.claim_payout)",
		Args:  exactArgs(0),
	}, func([]string) app.PoolInput { return app.PoolInput{} }, app.PlanPoolClaim)
}

func newPoolUnbondCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "unbond AMOUNT|all --from NAME",
		Short: "Unbond from your pool (NominationPools.unbond)",
		Long: `Unbond AMOUNT of your pool balance (all: every point). The amount is
converted to pool points (NominationPoolsApi_balance_to_points, or the
pool's points and bonded stake); withdraw it after the bonding duration.`,
		Args: exactArgs(1),
	}, func(args []string) app.PoolInput { return app.PoolInput{Amount: args[0]} }, app.PlanPoolUnbond)
}

func newPoolWithdrawCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "withdraw --from NAME",
		Short: "Withdraw what has finished unbonding from your pool (NominationPools.withdraw_unbonded)",
		Long: `Withdraw the pool unbondings whose era has come. num_slashing_spans is
computed from Staking.SlashingSpans of the pool's bonded account.`,
		Args: exactArgs(0),
	}, func([]string) app.PoolInput { return app.PoolInput{} }, app.PlanPoolWithdraw)
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
	readAtJSON
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
		CurrentEra: st.CurrentEra, readAtJSON: readAt(s, st.Block),
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
	w := accountWriter(e, st.Account, key)
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
		RunE: palletRun(f, "NominationPools", func(ctx context.Context, e *stakeEnv, args []string) error {
			return showEach(f, e.chainEnv, args, "no keys yet: give an ADDRESS",
				func(t statusTarget) (*app.PoolStatus, error) { return e.sess.PoolStatus(ctx, e.rt, e.head, t.id) },
				func(st *app.PoolStatus, key string) poolStatusJSON { return poolStatusView(e.chainEnv, st, key) },
				func(st *app.PoolStatus, key string) { printPoolStatus(e.chainEnv, st, key) })
		}),
	}
	return cmd
}
