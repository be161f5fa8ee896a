package cli

// ksm stake: bond, bond-extra, unbond, rebond, withdraw, nominate, chill,
// payee, payout and status. Every call is built from the runtime's metadata
// (tx/calls) and is planned in app (app.PlanStake*) and goes through the one execution path (app.Execute); what
// the chain would refuse and ksm can know is refused before signing with
// the reason (not bonded, more than bonded, too many nominations, ...).

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
)

// stakeLong is the help of ksm stake (the verbs are listed in addCommands).
const stakeLong = `Staking of the chain's token: bond it, nominate validators, unbond,
rebond, withdraw what has unlocked, set the reward destination and pay out
rewards. On Kusama staking lives on Asset Hub: use --network kusama-asset-hub
(its state is proven through the relay chain; add --rpc AH_ENDPOINT to submit).
ksm says so when a staking call is made on the relay chain.

Argument names and reward destinations are read from the runtime's metadata;
the nomination limit from Staking.MaxNominations or StakingApi_nominations_quota.`

// stakeEnv is an open chain checked to host a pallet, its finalized head
// and that head's runtime.
type stakeEnv struct {
	*chainEnv
	rt   *app.Runtime
	head chainclient.Header
}

// openPallet opens the chain and checks that pallet's calls are made here.
func openPallet(ctx context.Context, f *Factory, pallet string) (*stakeEnv, error) {
	e, err := openChainFor(ctx, f, pallet)
	if err != nil {
		return nil, err
	}
	if err := e.sess.Route(pallet); err != nil {
		e.Close()
		return nil, err
	}
	h, rt, err := e.sess.HeadRuntime(ctx)
	if err != nil {
		e.Close()
		return nil, err
	}
	if _, err := rt.Meta.Pallet(pallet); err != nil {
		e.Close()
		return nil, fmt.Errorf("%s has no %s pallet: %w", e.sess.ChainName(), pallet, err)
	}
	return &stakeEnv{chainEnv: e, rt: rt, head: *h}, nil
}

// palletRun is the run function of a command reading pallet's state: the
// chain is opened for it (openPallet), given to run and closed after.
func palletRun(f *Factory, pallet string, run func(ctx context.Context, e *stakeEnv, args []string) error) func(*cobra.Command, []string) error {
	return openedRun(argsAsGiven, func(ctx context.Context) (*stakeEnv, error) { return openPallet(ctx, f, pallet) }, run)
}

func newStakeBondCmd(f *Factory) *cobra.Command {
	var payee string
	cmd := submitCmd(f, &cobra.Command{
		Use:   "bond AMOUNT --from NAME [--payee staked|stash|account:ADDR|none]",
		Short: "Bond tokens for staking (Staking.bond)",
		Long: `Bond AMOUNT of the sender's free balance for staking. The tokens stay in
the account, locked. --payee says where rewards go: staked (added to the
bond, the default), stash (the account, free), account:ADDR, or none; the
runtime's reward destinations are read from its metadata. Runtimes whose
bond still takes a controller get the stash itself.

An account already bonded is refused (use bond-extra), as is more than the
free balance can give besides the fee.`,
		Example: `  ksm stake bond 10 --from alice --rpc wss://asset-hub-kusama.example --trust-rpc
  ksm stake bond 2.5KSM --from alice --payee stash --yes --json`,
		Args: exactArgs(1),
	}, func(args []string) app.StakeInput { return app.StakeInput{Amount: args[0], Payee: payee} }, app.PlanStakeBond)
	cmd.Flags().StringVar(&payee, "payee", "staked", "reward destination: staked, stash, account:ADDR or none")
	return cmd
}

func newStakeBondExtraCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "bond-extra AMOUNT --from NAME",
		Short: "Add to an existing bond (Staking.bond_extra)",
		Args:  exactArgs(1),
	}, func(args []string) app.StakeInput { return app.StakeInput{Amount: args[0]} }, app.PlanStakeBondExtra)
}

func newStakeUnbondCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "unbond AMOUNT|all --from NAME",
		Short: "Start unbonding (Staking.unbond); withdraw after the bonding duration",
		Long: `Unbond AMOUNT of the active bond (all: everything active). The amount
stops earning rewards now and can be withdrawn after the runtime's bonding
duration (Staking.BondingDuration eras); 'ksm stake status' shows when.
More than the active bond is refused.`,
		Args: exactArgs(1),
	}, func(args []string) app.StakeInput { return app.StakeInput{Amount: args[0]} }, app.PlanStakeUnbond)
}

func newStakeRebondCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "rebond AMOUNT|all --from NAME",
		Short: "Bond again what is unlocking (Staking.rebond)",
		Args:  exactArgs(1),
	}, func(args []string) app.StakeInput { return app.StakeInput{Amount: args[0]} }, app.PlanStakeRebond)
}

func newStakeWithdrawCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "withdraw --from NAME",
		Short: "Withdraw what has finished unbonding (Staking.withdraw_unbonded)",
		Long: `Unlock the unbonded chunks whose era has come. The num_slashing_spans
argument (where the runtime's call takes it) is computed from
Staking.SlashingSpans of the stash. Refused when nothing has unlocked yet.`,
		Args: exactArgs(0),
	}, func([]string) app.StakeInput { return app.StakeInput{} }, app.PlanStakeWithdraw)
}

func newStakeNominateCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "nominate VALIDATOR... --from NAME",
		Short: "Nominate validators (Staking.nominate)",
		Long: `Nominate up to the runtime's limit of validators (Staking.MaxNominations,
or StakingApi_nominations_quota for the bonded amount). Each target's
commission and blocked flag (Staking.Validators) are shown before the prompt.
More targets than the limit are refused before signing; so is a validator
that blocks new nominations; an account that is not a validator candidate
is nominated with a warning (it earns nothing until it validates).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return app.Usagef("nominate needs at least one VALIDATOR")
			}
			return nil
		},
	}, func(args []string) app.StakeInput { return app.StakeInput{Targets: args} }, app.PlanStakeNominate)
}

func newStakeChillCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "chill --from NAME",
		Short: "Stop nominating or validating (Staking.chill); the bond stays",
		Args:  exactArgs(0),
	}, func([]string) app.StakeInput { return app.StakeInput{} }, app.PlanStakeChill)
}

func newStakePayeeCmd(f *Factory) *cobra.Command {
	return submitCmd(f, &cobra.Command{
		Use:   "payee staked|stash|account:ADDR|none --from NAME",
		Short: "Set where staking rewards go (Staking.set_payee)",
		Args:  exactArgs(1),
	}, func(args []string) app.StakeInput { return app.StakeInput{Payee: args[0]} }, app.PlanStakePayee)
}

func newStakePayoutCmd(f *Factory) *cobra.Command {
	var all bool
	var who string
	cmd := submitCmd(f, &cobra.Command{
		Use:   "payout (VALIDATOR ERA | --all) --from NAME",
		Short: "Pay out staking rewards (Staking.payout_stakers)",
		Long: `Pay out the rewards of VALIDATOR for ERA, or with --all every unclaimed
era within the history depth in which the account (--for, default the
sender) backed one of its current nominations or validated, batched into
one Utility.batch_all. Anyone may sign a payout; the rewards go to every
staker of the validator's era.`,
		Args: rangeArgs(0, 2),
	}, func(args []string) app.StakeInput {
		in := app.StakeInput{All: all, For: who}
		if len(args) > 0 {
			in.Validator = args[0]
		}
		if len(args) > 1 {
			in.Era = args[1]
		}
		return in
	}, app.PlanStakePayout)
	cmd.Flags().BoolVar(&all, "all", false, "every unclaimed era of the account's nominations within the history depth")
	cmd.Flags().StringVar(&who, "for", "", "with --all: the staker whose rewards to pay out (default: the sender)")
	return cmd
}
