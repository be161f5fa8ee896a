package app

// Plans of the staking verbs: bond, bond-extra, unbond, rebond, withdraw,
// nominate, chill, payee and payout. Each checks what was typed before the
// chain is opened; its composer reads the ledger and refuses what the chain
// would refuse and ksm can know (not bonded, more than bonded, too many
// nominations, a blocked validator, ...), with the reason.

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ksm-wallet/ksm/tx/calls"
)

// StakeInput is what a staking verb was given, as typed.
type StakeInput struct {
	Signing
	// Amount: an amount, or "all" where the verb allows it (unbond, rebond).
	Amount string
	// Payee: staked, stash, account:ADDR or none (bond, payee).
	Payee string
	// Targets are validators (nominate): key names or addresses.
	Targets []string
	// Validator and Era of a payout; All pays out every unclaimed era of
	// For (default the sender).
	Validator string
	Era       string
	All       bool
	For       string
}

// ErrNotBonded means the account has no staking ledger.
var ErrNotBonded = errors.New("not bonded")

func stakePlan(kr Keyring, verb string, in StakeInput, build func(ctx context.Context, c *Composer) (*Draft, error)) (*Plan, error) {
	return NewPlan(kr, "stake "+verb, in.Signing, "Staking", build)
}

// ledger reads the staking ledger of who, failing with ErrNotBonded.
func (c *Composer) ledger(ctx context.Context, who [32]byte, what string) (*Ledger, error) {
	l, err := c.Sess.LedgerOf(ctx, c.Rt, c.Head.Hash, who)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, fmt.Errorf("%w: nothing is bonded by %s, so there is nothing to %s; bond first with 'ksm stake bond AMOUNT --from NAME'", ErrNotBonded, c.Sess.Account(who), what)
	}
	return l, nil
}

// PlanStakeBond bonds in.Amount with reward destination in.Payee.
func PlanStakeBond(kr Keyring, in StakeInput) (*Plan, error) {
	if err := checkAmountField("amount", in.Amount); err != nil {
		return nil, err
	}
	payee, err := parsePayee(kr, "--payee", in.Payee)
	if err != nil {
		return nil, err
	}
	return stakePlan(kr, "bond", in, func(ctx context.Context, c *Composer) (*Draft, error) {
		amount, err := c.ParseAmount("amount", in.Amount)
		if err != nil {
			return nil, err
		}
		id := c.From.Account
		if l, err := c.Sess.LedgerOf(ctx, c.Rt, c.Head.Hash, id); err != nil {
			return nil, err
		} else if l != nil {
			return nil, fmt.Errorf("%s is already bonded (%s): add to the bond with 'ksm stake bond-extra AMOUNT'", c.Sess.Account(id), c.Amount(l.Total))
		}
		if ed, err := c.Rt.ExistentialDeposit(); err == nil && amount.Cmp(ed) < 0 {
			return nil, fmt.Errorf("a bond of %s is less than the existential deposit %s: the chain refuses it (InsufficientBond)", c.Amount(amount), c.Amount(ed))
		}
		call, err := c.Rt.Calls.Bond(id, amount, payee)
		if err != nil {
			return nil, err
		}
		// The bonded amount stays in the account but can no longer be
		// transferred: checked as a spend, without the reaping check.
		return &Draft{Request: Request{Call: call, Spend: amount, AllowDeath: true},
			Title: fmt.Sprintf("Bond %s for staking (locked in the account; rewards: %s)", c.Amount(amount), payee)}, nil
	})
}

// parsePayee reads a reward destination; an account:NAME is resolved.
func parsePayee(kr Keyring, field, text string) (calls.Payee, error) {
	p, err := calls.ParsePayee(text)
	if err != nil {
		return p, fieldError(field, err)
	}
	if p.Kind == "Account" {
		t, err := ResolveTarget(kr, field, p.Account)
		if err != nil {
			return p, err
		}
		p.Account = fmt.Sprintf("0x%x", t.Account[:])
	}
	return p, nil
}

// PlanStakeBondExtra adds in.Amount to the sender's bond.
func PlanStakeBondExtra(kr Keyring, in StakeInput) (*Plan, error) {
	if err := checkAmountField("amount", in.Amount); err != nil {
		return nil, err
	}
	return stakePlan(kr, "bond-extra", in, func(ctx context.Context, c *Composer) (*Draft, error) {
		amount, err := c.ParseAmount("amount", in.Amount)
		if err != nil {
			return nil, err
		}
		id := c.From.Account
		l, err := c.ledger(ctx, id, "add to")
		if err != nil {
			return nil, err
		}
		if l.Stash != id {
			return nil, fmt.Errorf("%s is the controller of %s: bond-extra must be signed by the stash", c.Sess.Account(id), c.Sess.Account(l.Stash))
		}
		call, err := c.Rt.Calls.BondExtra(amount)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call, Spend: amount, AllowDeath: true},
			Title: fmt.Sprintf("Bond %s more (bonded now %s, active %s)", c.Amount(amount), c.Amount(l.Total), c.Amount(l.Active))}, nil
	})
}

// amountOrAll checks an amount or "all".
func amountOrAll(text string) (all bool, err error) {
	if strings.EqualFold(text, "all") {
		return true, nil
	}
	return false, checkAmountField("amount", text)
}

// ledgerPlan is the plan of verb (unbond, rebond) of in.Amount or "all"
// of a part of the sender's staking ledger: build gets the ledger and
// whether all was asked.
func ledgerPlan(kr Keyring, verb string, in StakeInput, build func(ctx context.Context, c *Composer, l *Ledger, all bool) (*Draft, error)) (*Plan, error) {
	all, err := amountOrAll(in.Amount)
	if err != nil {
		return nil, err
	}
	return stakePlan(kr, verb, in, func(ctx context.Context, c *Composer) (*Draft, error) {
		l, err := c.ledger(ctx, c.From.Account, verb)
		if err != nil {
			return nil, err
		}
		return build(ctx, c, l, all)
	})
}

// amountOrAll is a copy of avail when all was asked, else the amount text
// says.
func (c *Composer) amountOrAll(all bool, text string, avail *big.Int) (*big.Int, error) {
	if all {
		return new(big.Int).Set(avail), nil
	}
	return c.ParseAmount("amount", text)
}

// ErrNothingToUnbond means an unbond or rebond of more than there is.
var ErrNothingToUnbond = errors.New("nothing to unbond")

// PlanStakeUnbond unbonds in.Amount (or "all") of the active bond.
func PlanStakeUnbond(kr Keyring, in StakeInput) (*Plan, error) {
	return ledgerPlan(kr, "unbond", in, func(ctx context.Context, c *Composer, l *Ledger, all bool) (*Draft, error) {
		id := c.From.Account
		amount, err := c.amountOrAll(all, in.Amount, l.Active)
		if err != nil {
			return nil, err
		}
		if l.Active.Sign() == 0 {
			return nil, fmt.Errorf("%w: %s has nothing active to unbond (bonded %s, all of it unlocking)", ErrNothingToUnbond, c.Sess.Account(id), c.Amount(l.Total))
		}
		if amount.Cmp(l.Active) > 0 {
			return nil, fmt.Errorf("%w: unbond %s is more than the active bond of %s", ErrNothingToUnbond, c.Amount(amount), c.Amount(l.Active))
		}
		d := &Draft{}
		if max, ok := StakingConst(c.Rt, "MaxUnlockingChunks"); ok && uint64(len(l.Unlocking)) >= max {
			d.Warnings = append(d.Warnings, fmt.Sprintf("%d unlocking chunks already (the limit is %d): withdraw what has unlocked first, or the chain refuses this unbond", len(l.Unlocking), max))
		}
		call, err := c.Rt.Calls.Unbond(amount)
		if err != nil {
			return nil, err
		}
		d.Request = Request{Call: call}
		d.Title = fmt.Sprintf("Unbond %s of %s active", c.Amount(amount), c.Amount(l.Active))
		if n, ok := StakingConst(c.Rt, "BondingDuration"); ok {
			cur, _, _, _ := c.Sess.Eras(ctx, c.Rt, c.Head.Hash)
			d.Title += fmt.Sprintf("; withdrawable from era %d (%d eras%s)", cur+uint32(n), n, eraTime(c.Rt, n))
		}
		return d, nil
	})
}

// StakingConst reads a Staking integer constant.
func StakingConst(rt *Runtime, name string) (uint64, bool) {
	v, err := rt.Codec.Constant("Staking", name)
	if err != nil {
		return 0, false
	}
	b := BigAt(v)
	return b.Uint64(), b.IsUint64()
}

// eraTime writes ", about D" for n eras ("" when the era length is unknown).
func eraTime(rt *Runtime, n uint64) string {
	l := EraLength(rt)
	if l == 0 {
		return ""
	}
	return ", about " + HumanDuration(l*time.Duration(n))
}

// HumanDuration writes a duration as days, hours and minutes.
func HumanDuration(d time.Duration) string {
	if d < time.Minute {
		return "less than a minute"
	}
	m := int64(d / time.Minute)
	days, hours, mins := m/1440, (m%1440)/60, m%60
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	}
	return fmt.Sprintf("%dm", mins)
}

// PerbillPercent writes parts per billion as a percentage.
func PerbillPercent(ppb uint64) string {
	s := fmt.Sprintf("%d.%07d", ppb/10_000_000, ppb%10_000_000)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// PlanStakeRebond bonds again in.Amount (or "all") of what is unlocking.
func PlanStakeRebond(kr Keyring, in StakeInput) (*Plan, error) {
	return ledgerPlan(kr, "rebond", in, func(ctx context.Context, c *Composer, l *Ledger, all bool) (*Draft, error) {
		id := c.From.Account
		unlocking := new(big.Int)
		for _, ch := range l.Unlocking {
			unlocking.Add(unlocking, ch.Value)
		}
		amount, err := c.amountOrAll(all, in.Amount, unlocking)
		if err != nil {
			return nil, err
		}
		if unlocking.Sign() == 0 {
			return nil, fmt.Errorf("%w: nothing is unlocking for %s, so there is nothing to rebond", ErrNothingToUnbond, c.Sess.Account(id))
		}
		if amount.Cmp(unlocking) > 0 {
			return nil, fmt.Errorf("%w: rebond %s is more than the %s unlocking", ErrNothingToUnbond, c.Amount(amount), c.Amount(unlocking))
		}
		call, err := c.Rt.Calls.Rebond(amount)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call},
			Title: fmt.Sprintf("Rebond %s of %s unlocking (active now %s)", c.Amount(amount), c.Amount(unlocking), c.Amount(l.Active))}, nil
	})
}

// PlanStakeWithdraw withdraws what has finished unbonding.
func PlanStakeWithdraw(kr Keyring, in StakeInput) (*Plan, error) {
	return stakePlan(kr, "withdraw", in, func(ctx context.Context, c *Composer) (*Draft, error) {
		id := c.From.Account
		st, err := c.Sess.StakeStatus(ctx, c.Rt, c.Head, id, StakeStatusOptions{})
		if err != nil {
			return nil, err
		}
		if !st.Bonded {
			_, err := c.ledger(ctx, id, "withdraw")
			return nil, err
		}
		if st.Withdrawable.Sign() == 0 {
			msg := fmt.Sprintf("nothing has finished unbonding for %s yet (current era %d)", c.Sess.Account(id), st.CurrentEra)
			if len(st.Unlocking) > 0 {
				next := st.Unlocking[0]
				for _, x := range st.Unlocking {
					if x.Era < next.Era {
						next = x
					}
				}
				msg += fmt.Sprintf("; the next %s unlocks in era %d", c.Amount(next.Value), next.Era)
				if next.Remaining > 0 {
					msg += ", in about " + HumanDuration(next.Remaining)
				}
			}
			return nil, fmt.Errorf("%s", msg)
		}
		call, err := c.Rt.Calls.WithdrawUnbonded(st.SlashingSpans)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call},
			Title: fmt.Sprintf("Withdraw %s unbonded (slashing spans: %d)", c.Amount(st.Withdrawable), st.SlashingSpans)}, nil
	})
}

// ErrTooManyNominations means more targets than the runtime allows.
var ErrTooManyNominations = errors.New("too many nominations")

// ErrBadTarget means a nomination target the chain would refuse.
var ErrBadTarget = errors.New("bad nomination target")

// PlanStakeNominate nominates in.Targets.
func PlanStakeNominate(kr Keyring, in StakeInput) (*Plan, error) {
	if len(in.Targets) == 0 {
		return nil, inputErrorf("", "nominate needs at least one VALIDATOR")
	}
	var targets [][32]byte
	seen := map[[32]byte]string{}
	for i, a := range in.Targets {
		t, err := ResolveTarget(kr, fmt.Sprintf("validator %d", i+1), a)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[t.Account]; ok {
			return nil, inputErrorf("", "%s and %s name the same validator", prev, a)
		}
		seen[t.Account] = a
		targets = append(targets, t.Account)
	}
	return stakePlan(kr, "nominate", in, func(ctx context.Context, c *Composer) (*Draft, error) {
		s := c.Sess
		l, err := c.ledger(ctx, c.From.Account, "nominate with")
		if err != nil {
			return nil, err
		}
		limit, source, err := s.MaxNominations(ctx, c.Rt, c.Head.Hash, l.Active)
		if err != nil {
			return nil, err
		}
		if uint32(len(targets)) > limit {
			return nil, fmt.Errorf("%w: %d targets, but this runtime allows at most %d nominations (%s)", ErrTooManyNominations, len(targets), limit, source)
		}
		st, err := s.StakeStatus(ctx, c.Rt, c.Head, l.Stash, StakeStatusOptions{})
		if err != nil {
			return nil, err
		}
		current := map[[32]byte]bool{}
		for _, n := range st.Nominations {
			current[n.Validator] = true
		}
		if v, _, err := s.Read(ctx, c.Rt, c.Head.Hash, "Staking", "MinNominatorBond"); err == nil {
			if min := BigAt(v); l.Active.Cmp(min) < 0 {
				return nil, fmt.Errorf("the active bond of %s is below the minimum nominator bond of %s (Staking.MinNominatorBond): bond more first", c.Amount(l.Active), c.Amount(min))
			}
		}
		d := &Draft{}
		var table strings.Builder
		w := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
		fmt.Fprintf(w, "Targets (%d of at most %d, %s):\n", len(targets), limit, source)
		for _, t := range targets {
			isV, comm, blocked, err := s.ValidatorPrefs(ctx, c.Rt, c.Head.Hash, t)
			if err != nil {
				return nil, err
			}
			if !isV {
				fmt.Fprintf(w, "  %s\tnot a validator\n", s.Account(t))
				d.Warnings = append(d.Warnings, fmt.Sprintf("%s is not a validator candidate (no Staking.Validators entry): the nomination earns nothing until it validates", s.Account(t)))
				continue
			}
			b := ""
			if blocked {
				b = "\tBLOCKED (accepts no new nominations)"
			}
			fmt.Fprintf(w, "  %s\tcommission %s%s\n", s.Account(t), PerbillPercent(comm), b)
			if blocked && !current[t] {
				// The targets read so far, commission and all, go with the
				// refusal: the user sees why without a second command.
				_ = w.Flush()
				return nil, fmt.Errorf("%w: %s blocks new nominations (Staking.Validators blocked flag); the chain would refuse the nomination\n%s",
					ErrBadTarget, s.Account(t), strings.TrimRight(table.String(), "\n"))
			}
		}
		_ = w.Flush()
		d.Details = strings.TrimRight(table.String(), "\n")
		call, err := c.Rt.Calls.Nominate(targets)
		if err != nil {
			return nil, err
		}
		d.Request = Request{Call: call}
		d.Title = fmt.Sprintf("Nominate %d validator(s) with %s active", len(targets), c.Amount(l.Active))
		return d, nil
	})
}

// PlanStakeChill stops nominating or validating.
func PlanStakeChill(kr Keyring, in StakeInput) (*Plan, error) {
	return stakePlan(kr, "chill", in, func(ctx context.Context, c *Composer) (*Draft, error) {
		l, err := c.ledger(ctx, c.From.Account, "chill")
		if err != nil {
			return nil, err
		}
		st, err := c.Sess.StakeStatus(ctx, c.Rt, c.Head, l.Stash, StakeStatusOptions{})
		if err != nil {
			return nil, err
		}
		if !st.Nominating && !st.IsValidator {
			return nil, fmt.Errorf("%s neither nominates nor validates: there is nothing to chill", c.Sess.Account(l.Stash))
		}
		call, err := c.Rt.Calls.Chill()
		if err != nil {
			return nil, err
		}
		what := "nominating"
		if st.IsValidator {
			what = "validating"
		}
		return &Draft{Request: Request{Call: call}, Title: fmt.Sprintf("Stop %s (the bond of %s stays)", what, c.Amount(l.Total))}, nil
	})
}

// PlanStakePayee sets the reward destination to in.Payee.
func PlanStakePayee(kr Keyring, in StakeInput) (*Plan, error) {
	payee, err := parsePayee(kr, "payee", in.Payee)
	if err != nil {
		return nil, err
	}
	return stakePlan(kr, "payee", in, func(ctx context.Context, c *Composer) (*Draft, error) {
		if payee.Kind == "Account" {
			t, _ := ResolveTarget(nil, "payee", payee.Account)
			payee.Account = c.Sess.Account(t.Account)
		}
		if _, err := c.ledger(ctx, c.From.Account, "set a reward destination for"); err != nil {
			return nil, err
		}
		call, err := c.Rt.Calls.SetPayee(payee)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call}, Title: "Set the reward destination to " + payee.String()}, nil
	})
}

// PlanStakePayout pays out in.Validator's rewards of in.Era, or with in.All
// every unclaimed era of in.For (default the sender) in one batch.
func PlanStakePayout(kr Keyring, in StakeInput) (*Plan, error) {
	if in.All == (in.Validator != "") || !in.All && in.Era == "" {
		return nil, inputErrorf("", "give VALIDATOR ERA, or --all")
	}
	if !in.All {
		v, err := ResolveTarget(kr, "VALIDATOR", in.Validator)
		if err != nil {
			return nil, err
		}
		era, err := strconv.ParseUint(in.Era, 10, 32)
		if err != nil {
			return nil, inputErrorf("ERA", "%q is not an era number", in.Era)
		}
		return stakePlan(kr, "payout", in, func(ctx context.Context, c *Composer) (*Draft, error) {
			call, err := c.Rt.Calls.PayoutStakers(v.Account, uint32(era), nil)
			if err != nil {
				return nil, err
			}
			return &Draft{Request: Request{Call: call}, Title: fmt.Sprintf("Pay out %s's rewards of era %d", c.Sess.Account(v.Account), era)}, nil
		})
	}
	var forAccount *[32]byte
	if in.For != "" {
		t, err := ResolveTarget(kr, "--for", in.For)
		if err != nil {
			return nil, err
		}
		forAccount = &t.Account
	}
	return stakePlan(kr, "payout", in, func(ctx context.Context, c *Composer) (*Draft, error) {
		target := c.From.Account
		if forAccount != nil {
			target = *forAccount
		}
		st, err := c.Sess.StakeStatus(ctx, c.Rt, c.Head, target, StakeStatusOptions{Rewards: true})
		if err != nil {
			return nil, err
		}
		if len(st.Pending) == 0 {
			return &Draft{Nothing: fmt.Sprintf("No unclaimed rewards for %s within the last %d eras (active era %d).", c.Sess.Account(target), st.HistoryDepth, st.ActiveEra)}, nil
		}
		var list [][]byte
		for _, p := range st.Pending {
			call, err := c.Rt.Calls.PayoutStakers(p.Validator, p.Era, p.Page)
			if err != nil {
				return nil, err
			}
			list = append(list, call)
		}
		call, err := c.Rt.Calls.BatchAll(list)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call},
			Title: fmt.Sprintf("Pay out %d unclaimed validator era(s) for %s (its estimated share %s)", len(st.Pending), c.Sess.Account(target), c.Amount(st.PendingTotal))}, nil
	})
}
