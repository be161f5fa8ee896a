package cli

// ksm stake: bond, bond-extra, unbond, rebond, withdraw, nominate, chill,
// payee, payout and status. Every call is built from the runtime's metadata
// (tx/calls) and goes through the shared submit screen (runSubmit); what
// the chain would refuse and ksm can know is refused before signing with
// the reason (not bonded, more than bonded, too many nominations, ...).

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
	"github.com/ksm-wallet/ksm/tx/calls"
)

func newStakeCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stake",
		Short: "Bond, nominate, unbond and claim staking rewards",
		Long: `Staking of the chain's token: bond it, nominate validators, unbond,
rebond, withdraw what has unlocked, set the reward destination and pay out
rewards. On Kusama staking lives on Asset Hub: use --network kusama-asset-hub
(its state is proven through the relay chain; add --rpc AH_ENDPOINT to submit).
ksm says so when a staking call is made on the relay chain.

Argument names and reward destinations are read from the runtime's metadata;
the nomination limit from Staking.MaxNominations or StakingApi_nominations_quota.`,
		Args: exactArgs(0),
	}
	for _, c := range []func(*Factory) *cobra.Command{
		newStakeBondCmd, newStakeBondExtraCmd, newStakeUnbondCmd, newStakeRebondCmd, newStakeWithdrawCmd,
		newStakeNominateCmd, newStakeChillCmd, newStakePayeeCmd, newStakePayoutCmd, newStakeStatusCmd,
	} {
		cmd.AddCommand(c(f))
	}
	return cmd
}

// stakeEnv is an open chain checked to host a pallet, its finalized head
// and that head's runtime.
type stakeEnv struct {
	*chainEnv
	rt   *app.Runtime
	head chain.Header
}

// openPallet opens the chain and checks that pallet's calls are made here.
func openPallet(ctx context.Context, f *Factory, pallet string) (*stakeEnv, error) {
	e, err := openChain(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := e.sess.Route(pallet); err != nil {
		e.Close()
		return nil, err
	}
	h, err := e.sess.Chain.FinalizedHead(ctx)
	if err != nil {
		e.Close()
		return nil, err
	}
	rt, err := e.sess.Runtime(ctx, h.Hash)
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

// amountArg reads a positive amount.
func (e *stakeEnv) amountArg(text string) (*big.Int, error) {
	a, err := e.sess.ParseAmount(text)
	if err != nil {
		return nil, app.Usagef("amount: %v", err)
	}
	if a.Sign() <= 0 {
		return nil, app.Usagef("amount: must be more than zero")
	}
	return a, nil
}

// fromID resolves --from to its account (the submit screen checks the key
// again when it signs).
func (e *stakeEnv) fromID(sf *submitFlags) ([32]byte, error) {
	_, id, err := e.sender(sf.from)
	return id, err
}

// ledger reads the staking ledger of who, failing with ErrNotBonded.
func (e *stakeEnv) ledger(ctx context.Context, who [32]byte, what string) (*app.Ledger, error) {
	l, err := e.sess.LedgerOf(ctx, e.rt, e.head.Hash, who)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, fmt.Errorf("%w: nothing is bonded by %s, so there is nothing to %s; bond first with 'ksm stake bond AMOUNT --from NAME'", app.ErrNotBonded, e.sess.Account(who), what)
	}
	return l, nil
}

func (e *stakeEnv) amt(v *big.Int) string { return e.sess.FormatAmount(v) }

func newStakeBondCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	var payee string
	cmd := &cobra.Command{
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
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "Staking")
			if err != nil {
				return err
			}
			defer e.Close()
			amount, err := e.amountArg(args[0])
			if err != nil {
				return err
			}
			p, err := calls.ParsePayee(payee)
			if err != nil {
				return app.Usagef("--payee: %v", err)
			}
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			if l, err := e.sess.LedgerOf(ctx, e.rt, e.head.Hash, id); err != nil {
				return err
			} else if l != nil {
				return fmt.Errorf("%s is already bonded (%s): add to the bond with 'ksm stake bond-extra AMOUNT'", e.sess.Account(id), e.amt(l.Total))
			}
			if ed, err := e.rt.ExistentialDeposit(); err == nil && amount.Cmp(ed) < 0 {
				return fmt.Errorf("a bond of %s is less than the existential deposit %s: the chain refuses it (InsufficientBond)", e.amt(amount), e.amt(ed))
			}
			call, err := e.rt.Calls.Bond(id, amount, p)
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Bond %s for staking (locked in the account; rewards: %s)", e.amt(amount), p)
			// The bonded amount stays in the account but can no longer be
			// transferred: check it as a spend, without the reaping check.
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call, Spend: amount, AllowDeath: true}, title: title})
		},
	}
	sf.add(cmd)
	cmd.Flags().StringVar(&payee, "payee", "staked", "reward destination: staked, stash, account:ADDR or none")
	return cmd
}

func newStakeBondExtraCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "bond-extra AMOUNT --from NAME",
		Short: "Add to an existing bond (Staking.bond_extra)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "Staking")
			if err != nil {
				return err
			}
			defer e.Close()
			amount, err := e.amountArg(args[0])
			if err != nil {
				return err
			}
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			l, err := e.ledger(ctx, id, "add to")
			if err != nil {
				return err
			}
			if l.Stash != id {
				return fmt.Errorf("%s is the controller of %s: bond-extra must be signed by the stash", e.sess.Account(id), e.sess.Account(l.Stash))
			}
			call, err := e.rt.Calls.BondExtra(amount)
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Bond %s more (bonded now %s, active %s)", e.amt(amount), e.amt(l.Total), e.amt(l.Active))
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call, Spend: amount, AllowDeath: true}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
}

func newStakeUnbondCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "unbond AMOUNT|all --from NAME",
		Short: "Start unbonding (Staking.unbond); withdraw after the bonding duration",
		Long: `Unbond AMOUNT of the active bond (all: everything active). The amount
stops earning rewards now and can be withdrawn after the runtime's bonding
duration (Staking.BondingDuration eras); 'ksm stake status' shows when.
More than the active bond is refused.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "Staking")
			if err != nil {
				return err
			}
			defer e.Close()
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			l, err := e.ledger(ctx, id, "unbond")
			if err != nil {
				return err
			}
			var amount *big.Int
			if strings.EqualFold(args[0], "all") {
				amount = new(big.Int).Set(l.Active)
			} else if amount, err = e.amountArg(args[0]); err != nil {
				return err
			}
			if l.Active.Sign() == 0 {
				return fmt.Errorf("%w: %s has nothing active to unbond (bonded %s, all of it unlocking)", app.ErrNothingToUnbond, e.sess.Account(id), e.amt(l.Total))
			}
			if amount.Cmp(l.Active) > 0 {
				return fmt.Errorf("%w: unbond %s is more than the active bond of %s", app.ErrNothingToUnbond, e.amt(amount), e.amt(l.Active))
			}
			if max, ok := stakeConst(e.rt, "MaxUnlockingChunks"); ok && uint64(len(l.Unlocking)) >= max {
				e.f.Warnf("%d unlocking chunks already (the limit is %d): withdraw what has unlocked first, or the chain refuses this unbond", len(l.Unlocking), max)
			}
			call, err := e.rt.Calls.Unbond(amount)
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Unbond %s of %s active", e.amt(amount), e.amt(l.Active))
			if n, ok := stakeConst(e.rt, "BondingDuration"); ok {
				cur, _, _, _ := e.sess.Eras(ctx, e.rt, e.head.Hash)
				title += fmt.Sprintf("; withdrawable from era %d (%d eras%s)", cur+uint32(n), n, eraTime(e.rt, n))
			}
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
}

// stakeConst reads a Staking integer constant.
func stakeConst(rt *app.Runtime, name string) (uint64, bool) {
	v, err := rt.Codec.Constant("Staking", name)
	if err != nil {
		return 0, false
	}
	b := app.BigAt(v)
	return b.Uint64(), b.IsUint64()
}

// eraTime writes ", about D" for n eras ("" when the era length is unknown).
func eraTime(rt *app.Runtime, n uint64) string {
	l := app.EraLength(rt)
	if l == 0 {
		return ""
	}
	return ", about " + humanDuration(l*timeDuration(n))
}

func newStakeRebondCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "rebond AMOUNT|all --from NAME",
		Short: "Bond again what is unlocking (Staking.rebond)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "Staking")
			if err != nil {
				return err
			}
			defer e.Close()
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			l, err := e.ledger(ctx, id, "rebond")
			if err != nil {
				return err
			}
			unlocking := new(big.Int)
			for _, c := range l.Unlocking {
				unlocking.Add(unlocking, c.Value)
			}
			var amount *big.Int
			if strings.EqualFold(args[0], "all") {
				amount = unlocking
			} else if amount, err = e.amountArg(args[0]); err != nil {
				return err
			}
			if unlocking.Sign() == 0 {
				return fmt.Errorf("%w: nothing is unlocking for %s, so there is nothing to rebond", app.ErrNothingToUnbond, e.sess.Account(id))
			}
			if amount.Cmp(unlocking) > 0 {
				return fmt.Errorf("%w: rebond %s is more than the %s unlocking", app.ErrNothingToUnbond, e.amt(amount), e.amt(unlocking))
			}
			call, err := e.rt.Calls.Rebond(amount)
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Rebond %s of %s unlocking (active now %s)", e.amt(amount), e.amt(unlocking), e.amt(l.Active))
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
}

func newStakeWithdrawCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "withdraw --from NAME",
		Short: "Withdraw what has finished unbonding (Staking.withdraw_unbonded)",
		Long: `Unlock the unbonded chunks whose era has come. The num_slashing_spans
argument (where the runtime's call takes it) is computed from
Staking.SlashingSpans of the stash. Refused when nothing has unlocked yet.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "Staking")
			if err != nil {
				return err
			}
			defer e.Close()
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			st, err := e.sess.StakeStatus(ctx, e.rt, e.head, id, app.StakeStatusOptions{})
			if err != nil {
				return err
			}
			if !st.Bonded {
				_, err := e.ledger(ctx, id, "withdraw")
				return err
			}
			if st.Withdrawable.Sign() == 0 {
				msg := fmt.Sprintf("nothing has finished unbonding for %s yet (current era %d)", e.sess.Account(id), st.CurrentEra)
				if len(st.Unlocking) > 0 {
					c := st.Unlocking[0]
					for _, x := range st.Unlocking {
						if x.Era < c.Era {
							c = x
						}
					}
					msg += fmt.Sprintf("; the next %s unlocks in era %d", e.amt(c.Value), c.Era)
					if c.Remaining > 0 {
						msg += ", in about " + humanDuration(c.Remaining)
					}
				}
				return fmt.Errorf("%s", msg)
			}
			call, err := e.rt.Calls.WithdrawUnbonded(st.SlashingSpans)
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Withdraw %s unbonded (slashing spans: %d)", e.amt(st.Withdrawable), st.SlashingSpans)
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
}

func newStakeNominateCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
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
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "Staking")
			if err != nil {
				return err
			}
			defer e.Close()
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			var targets [][32]byte
			seen := map[[32]byte]bool{}
			for _, a := range args {
				t, _, err := e.resolveAccount(a)
				if err != nil {
					return err
				}
				if seen[t] {
					return app.Usagef("%s is given twice", e.sess.Account(t))
				}
				seen[t] = true
				targets = append(targets, t)
			}
			l, err := e.ledger(ctx, id, "nominate with")
			if err != nil {
				return err
			}
			limit, source, err := e.sess.MaxNominations(ctx, e.rt, e.head.Hash, l.Active)
			if err != nil {
				return err
			}
			if uint32(len(targets)) > limit {
				return fmt.Errorf("%w: %d targets, but this runtime allows at most %d nominations (%s)", app.ErrTooManyNominations, len(targets), limit, source)
			}
			current := map[[32]byte]bool{}
			st, err := e.sess.StakeStatus(ctx, e.rt, e.head, l.Stash, app.StakeStatusOptions{})
			if err != nil {
				return err
			}
			for _, n := range st.Nominations {
				current[n.Validator] = true
			}
			if v, _, err := e.sess.Read(ctx, e.rt, e.head.Hash, "Staking", "MinNominatorBond"); err == nil {
				if min := app.BigAt(v); l.Active.Cmp(min) < 0 {
					return fmt.Errorf("the active bond of %s is below the minimum nominator bond of %s (Staking.MinNominatorBond): bond more first", e.amt(l.Active), e.amt(min))
				}
			}
			var warnings []string
			w := tabwriter.NewWriter(e.f.IO.ErrOut, 0, 4, 2, ' ', 0)
			fmt.Fprintf(w, "Targets (%d of at most %d, %s):\n", len(targets), limit, source)
			for _, t := range targets {
				isV, comm, blocked, err := e.sess.ValidatorPrefs(ctx, e.rt, e.head.Hash, t)
				if err != nil {
					return err
				}
				switch {
				case !isV:
					fmt.Fprintf(w, "  %s\tnot a validator\n", e.sess.Account(t))
				default:
					b := ""
					if blocked {
						b = "\tBLOCKED (accepts no new nominations)"
					}
					fmt.Fprintf(w, "  %s\tcommission %s%s\n", e.sess.Account(t), perbillPercent(comm), b)
				}
				if isV && blocked && !current[t] {
					_ = w.Flush()
					return fmt.Errorf("%w: %s blocks new nominations (Staking.Validators blocked flag); the chain would refuse the nomination", app.ErrBadTarget, e.sess.Account(t))
				}
				if !isV {
					warnings = append(warnings, fmt.Sprintf("%s is not a validator candidate (no Staking.Validators entry): the nomination earns nothing until it validates", e.sess.Account(t)))
				}
			}
			_ = w.Flush()
			for _, m := range warnings {
				e.f.Warnf("%s", m)
			}
			call, err := e.rt.Calls.Nominate(targets)
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Nominate %d validator(s) with %s active", len(targets), e.amt(l.Active))
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
}

// perbillPercent writes parts per billion as a percentage.
func perbillPercent(ppb uint64) string {
	s := fmt.Sprintf("%d.%07d", ppb/10_000_000, ppb%10_000_000)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

func newStakeChillCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "chill --from NAME",
		Short: "Stop nominating or validating (Staking.chill); the bond stays",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "Staking")
			if err != nil {
				return err
			}
			defer e.Close()
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			l, err := e.ledger(ctx, id, "chill")
			if err != nil {
				return err
			}
			st, err := e.sess.StakeStatus(ctx, e.rt, e.head, l.Stash, app.StakeStatusOptions{})
			if err != nil {
				return err
			}
			if !st.Nominating && !st.IsValidator {
				return fmt.Errorf("%s neither nominates nor validates: there is nothing to chill", e.sess.Account(l.Stash))
			}
			call, err := e.rt.Calls.Chill()
			if err != nil {
				return err
			}
			what := "nominating"
			if st.IsValidator {
				what = "validating"
			}
			title := fmt.Sprintf("Stop %s (the bond of %s stays)", what, e.amt(l.Total))
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call}, title: title})
		},
	}
	sf.add(cmd)
	return cmd
}

func newStakePayeeCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	cmd := &cobra.Command{
		Use:   "payee staked|stash|account:ADDR|none --from NAME",
		Short: "Set where staking rewards go (Staking.set_payee)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "Staking")
			if err != nil {
				return err
			}
			defer e.Close()
			p, err := calls.ParsePayee(args[0])
			if err != nil {
				return app.Usagef("%v", err)
			}
			if p.Kind == "Account" {
				acct, _, err := e.resolveAccount(p.Account)
				if err != nil {
					return err
				}
				p.Account = e.sess.Account(acct)
			}
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			if _, err := e.ledger(ctx, id, "set a reward destination for"); err != nil {
				return err
			}
			call, err := e.rt.Calls.SetPayee(p)
			if err != nil {
				return err
			}
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call}, title: "Set the reward destination to " + p.String()})
		},
	}
	sf.add(cmd)
	return cmd
}

func newStakePayoutCmd(f *Factory) *cobra.Command {
	var sf submitFlags
	var all bool
	var who string
	cmd := &cobra.Command{
		Use:   "payout (VALIDATOR ERA | --all) --from NAME",
		Short: "Pay out staking rewards (Staking.payout_stakers)",
		Long: `Pay out the rewards of VALIDATOR for ERA, or with --all every unclaimed
era within the history depth in which the account (--for, default the
sender) backed one of its current nominations or validated, batched into
one Utility.batch_all. Anyone may sign a payout; the rewards go to every
staker of the validator's era.`,
		Args: rangeArgs(0, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if all != (len(args) == 0) {
				return app.Usagef("give VALIDATOR ERA, or --all")
			}
			ctx := cmd.Context()
			e, err := openPallet(ctx, f, "Staking")
			if err != nil {
				return err
			}
			defer e.Close()
			id, err := e.fromID(&sf)
			if err != nil {
				return err
			}
			if !all {
				v, _, err := e.resolveAccount(args[0])
				if err != nil {
					return err
				}
				var era uint32
				if _, err := fmt.Sscan(args[1], &era); err != nil {
					return app.Usagef("ERA: %q is not an era number", args[1])
				}
				call, err := e.rt.Calls.PayoutStakers(v, era, nil)
				if err != nil {
					return err
				}
				return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call}, title: fmt.Sprintf("Pay out %s's rewards of era %d", e.sess.Account(v), era)})
			}
			target := id
			if who != "" {
				if target, _, err = e.resolveAccount(who); err != nil {
					return err
				}
			}
			st, err := e.sess.StakeStatus(ctx, e.rt, e.head, target, app.StakeStatusOptions{Rewards: true})
			if err != nil {
				return err
			}
			if len(st.Pending) == 0 {
				e.f.Infof("No unclaimed rewards for %s within the last %d eras (active era %d).", e.sess.Account(target), st.HistoryDepth, st.ActiveEra)
				return nil
			}
			var list [][]byte
			for _, p := range st.Pending {
				c, err := e.rt.Calls.PayoutStakers(p.Validator, p.Era, p.Page)
				if err != nil {
					return err
				}
				list = append(list, c)
			}
			call, err := e.rt.Calls.BatchAll(list)
			if err != nil {
				return err
			}
			title := fmt.Sprintf("Pay out %d unclaimed validator era(s) for %s (its estimated share %s)", len(st.Pending), e.sess.Account(target), e.amt(st.PendingTotal))
			return runSubmit(ctx, e.chainEnv, submitSpec{flags: &sf, req: app.Request{Call: call}, title: title})
		},
	}
	sf.add(cmd)
	cmd.Flags().BoolVar(&all, "all", false, "every unclaimed era of the account's nominations within the history depth")
	cmd.Flags().StringVar(&who, "for", "", "with --all: the staker whose rewards to pay out (default: the sender)")
	return cmd
}
