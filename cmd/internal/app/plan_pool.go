package app

// Plans of the nomination-pool verbs: join, bond-extra, claim, unbond and
// withdraw. The composers read the sender's membership and the pool and
// refuse what the chain would refuse, before anything is signed.

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// PoolInput is what a pool verb was given, as typed.
type PoolInput struct {
	Signing
	// Amount: an amount; "all" for unbond, "rewards" for bond-extra.
	Amount string
	// Pool is the pool number (join).
	Pool string
}

func poolPlan(kr Keyring, verb string, in PoolInput, build func(ctx context.Context, c *Composer) (*Draft, error)) (*Plan, error) {
	return NewPlan(kr, "pool "+verb, in.Signing, "NominationPools", build)
}

// poolMember reads the sender's membership, failing when it has none.
func (c *Composer) poolMember(ctx context.Context, id [32]byte, what string) (*PoolStatus, error) {
	st, err := c.Sess.PoolStatus(ctx, c.Rt, c.Head, id)
	if err != nil {
		return nil, err
	}
	if !st.Member {
		return nil, fmt.Errorf("%w: %s is in no nomination pool, so there is nothing to %s; join one with 'ksm pool join AMOUNT POOL_ID'", ErrNotPoolMember, c.Sess.Account(id), what)
	}
	return st, nil
}

// amountOrUnknown formats v, nil as "amount unknown".
func (c *Composer) amountOrUnknown(v *big.Int) string {
	if v == nil {
		return "amount unknown"
	}
	return c.Amount(v)
}

// PlanPoolJoin joins pool in.Pool with in.Amount.
func PlanPoolJoin(kr Keyring, in PoolInput) (*Plan, error) {
	if err := checkAmountField("amount", in.Amount); err != nil {
		return nil, err
	}
	pid, err := strconv.ParseUint(in.Pool, 10, 32)
	if err != nil {
		return nil, inputErrorf("POOL_ID", "%q is not a number (a pool id)", in.Pool)
	}
	return poolPlan(kr, "join", in, func(ctx context.Context, c *Composer) (*Draft, error) {
		s, id := c.Sess, c.From.Account
		amount, err := c.ParseAmount("amount", in.Amount)
		if err != nil {
			return nil, err
		}
		if st, err := s.PoolStatus(ctx, c.Rt, c.Head, id); err != nil {
			return nil, err
		} else if st.Member {
			return nil, fmt.Errorf("%s is already in pool %d: an account can be in one pool (use 'ksm pool bond-extra')", s.Account(id), st.PoolID)
		}
		pool, err := s.Pool(ctx, c.Rt, c.Head.Hash, uint32(pid))
		if err != nil {
			return nil, err
		}
		if !pool.Exists {
			return nil, fmt.Errorf("there is no pool %d on %s", pid, s.ChainName())
		}
		if pool.State != "Open" {
			return nil, fmt.Errorf("pool %d is %s: it accepts no new members", pid, pool.State)
		}
		min, err := s.MinJoinBond(ctx, c.Rt, c.Head.Hash)
		if err != nil {
			return nil, err
		}
		if amount.Cmp(min) < 0 {
			return nil, fmt.Errorf("%s is below the minimum join bond of %s (NominationPools.MinJoinBond)", c.Amount(amount), c.Amount(min))
		}
		call, err := c.Rt.Calls.PoolJoin(amount, uint32(pid))
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call, Spend: amount},
			Title: fmt.Sprintf("Join pool %d (%s state, %d members, %s bonded) with %s", pid, pool.State, pool.MemberCount, c.Amount(pool.Bonded), c.Amount(amount))}, nil
	})
}

// PlanPoolBondExtra bonds in.Amount more into the sender's pool, or its
// pending rewards ("rewards").
func PlanPoolBondExtra(kr Keyring, in PoolInput) (*Plan, error) {
	rewards := strings.EqualFold(in.Amount, "rewards")
	if !rewards {
		if err := checkAmountField("amount", in.Amount); err != nil {
			return nil, err
		}
	}
	return poolPlan(kr, "bond-extra", in, func(ctx context.Context, c *Composer) (*Draft, error) {
		id := c.From.Account
		st, err := c.poolMember(ctx, id, "bond more into")
		if err != nil {
			return nil, err
		}
		var amount *big.Int
		var title string
		if rewards {
			if st.Pending != nil && st.Pending.Sign() == 0 {
				return nil, fmt.Errorf("%s has no pending rewards in pool %d to bond", c.Sess.Account(id), st.PoolID)
			}
			title = fmt.Sprintf("Bond the pending rewards (%s) into pool %d", c.amountOrUnknown(st.Pending), st.PoolID)
		} else {
			if amount, err = c.ParseAmount("amount", in.Amount); err != nil {
				return nil, err
			}
			title = fmt.Sprintf("Bond %s more into pool %d", c.Amount(amount), st.PoolID)
		}
		call, err := c.Rt.Calls.PoolBondExtra(amount)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call, Spend: amount}, Title: title}, nil
	})
}

// PlanPoolClaim claims the sender's pool rewards to its free balance.
func PlanPoolClaim(kr Keyring, in PoolInput) (*Plan, error) {
	return poolPlan(kr, "claim", in, func(ctx context.Context, c *Composer) (*Draft, error) {
		id := c.From.Account
		st, err := c.poolMember(ctx, id, "claim from")
		if err != nil {
			return nil, err
		}
		d := &Draft{}
		if st.Pending != nil && st.Pending.Sign() == 0 {
			d.Warnings = append(d.Warnings, fmt.Sprintf("NominationPoolsApi_pending_rewards says %s has no pending rewards: the claim pays nothing", c.Sess.Account(id)))
		}
		call, err := c.Rt.Calls.PoolClaimPayout()
		if err != nil {
			return nil, err
		}
		d.Request = Request{Call: call}
		d.Title = fmt.Sprintf("Claim the pending rewards (%s) of pool %d", c.amountOrUnknown(st.Pending), st.PoolID)
		return d, nil
	})
}

// PlanPoolUnbond unbonds in.Amount (or "all") of the sender's pool balance,
// converted to pool points.
func PlanPoolUnbond(kr Keyring, in PoolInput) (*Plan, error) {
	all, err := amountOrAll(in.Amount)
	if err != nil {
		return nil, err
	}
	return poolPlan(kr, "unbond", in, func(ctx context.Context, c *Composer) (*Draft, error) {
		s, id := c.Sess, c.From.Account
		st, err := c.poolMember(ctx, id, "unbond")
		if err != nil {
			return nil, err
		}
		if st.Points.Sign() == 0 {
			return nil, fmt.Errorf("%w: %s has no active points in pool %d", ErrNothingToUnbond, s.Account(id), st.PoolID)
		}
		points := new(big.Int).Set(st.Points)
		shown := st.Balance
		if !all {
			amount, err := c.ParseAmount("amount", in.Amount)
			if err != nil {
				return nil, err
			}
			if st.Balance != nil && amount.Cmp(st.Balance) > 0 {
				return nil, fmt.Errorf("%w: unbond %s is more than your pool balance of %s", ErrNothingToUnbond, c.Amount(amount), c.Amount(st.Balance))
			}
			pool, err := s.Pool(ctx, c.Rt, c.Head.Hash, st.PoolID)
			if err != nil {
				return nil, err
			}
			points = s.BalanceToPoints(ctx, c.Rt, c.Head.Hash, pool, amount)
			if points.Cmp(st.Points) > 0 {
				points.Set(st.Points)
			}
			shown = amount
		}
		call, err := c.Rt.Calls.PoolUnbond(id, points)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call},
			Title: fmt.Sprintf("Unbond %s (%s points of %s) from pool %d", c.amountOrUnknown(shown), points, st.Points, st.PoolID)}, nil
	})
}

// PlanPoolWithdraw withdraws what has finished unbonding from the pool.
func PlanPoolWithdraw(kr Keyring, in PoolInput) (*Plan, error) {
	return poolPlan(kr, "withdraw", in, func(ctx context.Context, c *Composer) (*Draft, error) {
		s, id := c.Sess, c.From.Account
		st, err := c.poolMember(ctx, id, "withdraw")
		if err != nil {
			return nil, err
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
			msg := fmt.Sprintf("nothing has finished unbonding in pool %d for %s yet (current era %d)", st.PoolID, s.Account(id), st.CurrentEra)
			if len(st.Unbonding) > 0 {
				msg += fmt.Sprintf("; the next unbonding frees in era %d", st.Unbonding[0].Era)
			}
			return nil, fmt.Errorf("%s", msg)
		}
		spans, err := s.SlashingSpans(ctx, c.Rt, c.Head.Hash, st.BondedAcct)
		if err != nil {
			return nil, err
		}
		call, err := c.Rt.Calls.PoolWithdrawUnbonded(id, spans)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call},
			Title: fmt.Sprintf("Withdraw about %s unbonded from pool %d (slashing spans of the pool: %d)", c.Amount(ready), st.PoolID, spans)}, nil
	})
}
