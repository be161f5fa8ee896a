package app

import (
	"context"
	"fmt"
	"math/big"
)

// BatchPlanRow is what the dry run says of one row.
type BatchPlanRow struct {
	Row   int
	Line  int
	ID    string
	Title string
	Chain string
	From  KeyRef
	// Nonce the row would be signed with (rows of one sender follow each
	// other).
	Nonce uint64
	Fee   *big.Int
	// Spend is what leaves the sender besides the fee.
	Spend *big.Int
	// Err says why the row would fail (nil: it would succeed).
	Err error
}

// BatchSenderTotal is a sender's part of a batch: its rows, what they
// spend and cost, its balance before and after them all.
type BatchSenderTotal struct {
	From         KeyRef
	Chain        string
	Rows         int
	Spend, Fees  *big.Int
	Free         *big.Int
	Transferable *big.Int
	After        *big.Int
}

// BatchPlan is a batch's dry run.
type BatchPlan struct {
	Rows    []BatchPlanRow
	Senders []BatchSenderTotal
	// Chains totals per chain: rows, spend and fees.
	Chains []BatchChainTotal
	// Failing counts the rows that would fail.
	Failing  int
	Verified bool
}

// BatchChainTotal is a chain's part of a batch.
type BatchChainTotal struct {
	Chain       string
	Rows        int
	Spend, Fees *big.Int
}

// PlanBatch dry-runs items on the chain: each row composed and prepared as
// it would be signed (nonces following each other per sender), its fee and
// dry run, and per sender what the rows spend together against its
// transferable balance (a row that the balance left by the rows before it
// cannot pay would fail). Nothing is signed; the nonces reserved meanwhile
// are given back. An error is returned only when the chain cannot be read.
func PlanBatch(ctx context.Context, s *Session, kr Keyring, items []BatchItem) (*BatchPlan, error) {
	bp := &BatchPlan{Verified: s.Chain.Verified()}
	// The first row of a sender takes the nonce a run would (reserved and
	// given back at once); the sender's next rows the ones after it.
	next := map[[32]byte]uint64{}
	senders := map[[32]byte]*BatchSenderTotal{}
	var order [][32]byte
	chainName := s.ChainName()
	for _, it := range items {
		row := BatchPlanRow{Row: it.Row, Line: it.Line, ID: it.ID, From: it.Plan.From, Chain: chainName}
		var fixed *uint64
		if n, ok := next[it.Plan.From.Account]; ok {
			fixed = &n
		}
		p, title, err := prepareItem(ctx, s, kr, it.Plan, fixed)
		if p != nil {
			s.Release(p)
			row.Nonce, row.Fee, row.Spend = p.Params.Nonce, p.Fee, p.Spend
			if err == nil {
				next[it.Plan.From.Account] = p.Params.Nonce + 1
			}
		}
		if err != nil && IsNetworkErr(err) {
			return nil, err
		}
		row.Title, row.Err = title, err
		st := senders[it.Plan.From.Account]
		if st == nil {
			st = &BatchSenderTotal{From: it.Plan.From, Chain: chainName, Spend: new(big.Int), Fees: new(big.Int)}
			senders[it.Plan.From.Account] = st
			order = append(order, it.Plan.From.Account)
		}
		if p != nil && p.Balance != nil && st.Free == nil {
			st.Free, st.Transferable = p.Balance.Free, p.Balance.Transferable
		}
		st.Rows++
		if row.Err == nil && p != nil {
			need := new(big.Int).Add(st.Spend, st.Fees)
			need.Add(need, p.Total())
			if st.Transferable != nil && !p.SpendAll && need.Cmp(st.Transferable) > 0 {
				row.Err = fmt.Errorf("%w: with the rows before it, %s needs %s but has %s transferable",
					ErrInsufficientBalance, s.Account(p.From), s.FormatAmount(need), s.FormatAmount(st.Transferable))
			} else {
				st.Spend.Add(st.Spend, nz(p.Spend))
				st.Fees.Add(st.Fees, nz(p.Fee))
			}
		}
		if row.Err != nil {
			bp.Failing++
		}
		bp.Rows = append(bp.Rows, row)
	}
	ct := BatchChainTotal{Chain: chainName, Spend: new(big.Int), Fees: new(big.Int)}
	for _, a := range order {
		st := senders[a]
		if st.Free != nil {
			st.After = new(big.Int).Sub(st.Free, st.Spend)
			st.After.Sub(st.After, st.Fees)
		}
		ct.Rows += st.Rows
		ct.Spend.Add(ct.Spend, st.Spend)
		ct.Fees.Add(ct.Fees, st.Fees)
		bp.Senders = append(bp.Senders, *st)
	}
	bp.Chains = []BatchChainTotal{ct}
	return bp, nil
}

// prepareItem composes and prepares a plan as Execute does, without
// asking anything, with nonce when given; a nonce it reserved stays
// reserved (the caller releases it).
func prepareItem(ctx context.Context, s *Session, kr Keyring, plan *Plan, nonce *uint64) (*Prepared, string, error) {
	draft, err := plan.compose(ctx, s, kr)
	if err != nil {
		return nil, "", err
	}
	if draft.Nothing != "" {
		return nil, draft.Nothing, fmt.Errorf("nothing to do: %s", draft.Nothing)
	}
	req := draft.Request
	req.From, req.Scheme, req.nonce = plan.From.Account, plan.From.Scheme, nonce
	if err := plan.Options.apply(s, &req); err != nil {
		return nil, draft.Title, err
	}
	p, err := s.prepare(ctx, req)
	return p, draft.Title, err
}
