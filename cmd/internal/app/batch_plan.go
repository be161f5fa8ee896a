package app

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ksm-wallet/ksm/tx/value"
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
	// Weight is the row's transaction's weight (its group's for a row in
	// a group; nil when unknown).
	Weight *Weight
	// Group is the first row of the rows planned together in one
	// Utility.batch_all (0: the row alone); the group's fee is on its
	// first row.
	Group int
	// Err says why the row would fail (nil: it would succeed).
	Err error
}

// BatchPlanGroup is one Utility.batch_all of a plan made with a group
// size (--group): its rows, nonce, fee and weight.
type BatchPlanGroup struct {
	Rows   []int
	From   KeyRef
	Nonce  uint64
	Fee    *big.Int
	Spend  *big.Int
	Weight *Weight
	// Err says why the group would fail (every row of it fails: all or
	// nothing).
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
	// Groups are the Utility.batch_all transactions of a plan made with a
	// group size (of two rows or more).
	Groups []BatchPlanGroup
	// MaxWeight is the most weight one transaction may have (the runtime's
	// normal-class max_extrinsic; nil when unknown).
	MaxWeight *Weight
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
	return PlanBatchGroups(ctx, s, kr, items, 0)
}

// PlanBatchGroups is PlanBatch with the rows grouped as a run with that
// group size (--group) would: up to group consecutive rows of one sender
// with the same options in one Utility.batch_all, dry-run, its fee and
// weight given once (Groups). A row that cannot be composed fails on its
// own and is left out of its group, as in a run.
func PlanBatchGroups(ctx context.Context, s *Session, kr Keyring, items []BatchItem, group int) (*BatchPlan, error) {
	bp := &BatchPlan{Verified: s.Chain.Verified()}
	bp.MaxWeight = s.maxExtrinsicWeight(ctx)
	// The first row of a sender takes the nonce a run would (reserved and
	// given back at once); the sender's next rows the ones after it.
	next := map[[32]byte]uint64{}
	senders := map[[32]byte]*BatchSenderTotal{}
	var order [][32]byte
	chainName := s.ChainName()
	// The transactions, as a run makes them: units of rows per sender.
	bySender := map[[32]byte][]int{}
	var sorder [][32]byte
	for i, it := range items {
		a := it.Plan.From.Account
		if _, ok := bySender[a]; !ok {
			sorder = append(sorder, a)
		}
		bySender[a] = append(bySender[a], i)
	}
	unitOf := map[int][]int{} // first item index → the unit
	br := &BatchRunner{Group: group}
	for _, a := range sorder {
		for _, u := range br.units(items, bySender[a], nil) {
			unitOf[u[0]] = u
		}
	}
	rows := make([]BatchPlanRow, len(items))
	for i := range items {
		unit, first := unitOf[i]
		if !first {
			continue
		}
		from := items[i].Plan.From
		var fixed *uint64
		if n, ok := next[from.Account]; ok {
			fixed = &n
		}
		var plans []*Plan
		for _, k := range unit {
			plans = append(plans, items[k].Plan)
		}
		p, titles, rowErrs, err := prepareUnit(ctx, s, kr, plans, fixed)
		if err != nil && IsNetworkErr(err) {
			return nil, err
		}
		var kept []int
		for j, k := range unit {
			it := items[k]
			row := BatchPlanRow{Row: it.Row, Line: it.Line, ID: it.ID, From: it.Plan.From, Chain: chainName, Title: titles[j], Err: rowErrs[j]}
			if row.Err == nil {
				kept = append(kept, k)
			}
			rows[k] = row
		}
		if p != nil {
			s.Release(p)
			if err == nil {
				next[from.Account] = p.Params.Nonce + 1
			}
		}
		for j, k := range kept {
			row := &rows[k]
			row.Err = err
			if p != nil {
				row.Nonce, row.Weight = p.Params.Nonce, p.Weight
				if j == 0 {
					row.Fee = p.Fee
				}
			}
			if len(kept) > 1 {
				row.Group = items[kept[0]].Row
			}
		}
		if len(kept) > 1 {
			g := BatchPlanGroup{From: from, Err: err}
			for _, k := range kept {
				g.Rows = append(g.Rows, items[k].Row)
			}
			if p != nil {
				g.Nonce, g.Fee, g.Spend, g.Weight = p.Params.Nonce, p.Fee, p.Spend, p.Weight
			}
			bp.Groups = append(bp.Groups, g)
		}
		st := senders[from.Account]
		if st == nil {
			st = &BatchSenderTotal{From: from, Chain: chainName, Spend: new(big.Int), Fees: new(big.Int)}
			senders[from.Account] = st
			order = append(order, from.Account)
		}
		if p != nil && p.Balance != nil && st.Free == nil {
			st.Free, st.Transferable = p.Balance.Free, p.Balance.Transferable
		}
		st.Rows += len(unit)
		if err == nil && p != nil {
			need := new(big.Int).Add(st.Spend, st.Fees)
			need.Add(need, p.Total())
			if st.Transferable != nil && !p.SpendAll && need.Cmp(st.Transferable) > 0 {
				err := fmt.Errorf("%w: with the rows before it, %s needs %s but has %s transferable",
					ErrInsufficientBalance, s.Account(p.From), s.FormatAmount(need), s.FormatAmount(st.Transferable))
				for _, k := range kept {
					rows[k].Err = err
				}
				if len(kept) > 1 {
					bp.Groups[len(bp.Groups)-1].Err = err
				}
			} else {
				st.Spend.Add(st.Spend, nz(p.Spend))
				st.Fees.Add(st.Fees, nz(p.Fee))
			}
		}
	}
	for _, row := range rows {
		if row.Err != nil {
			bp.Failing++
		}
	}
	bp.Rows = rows
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

// maxExtrinsicWeight reads the runtime's System.BlockWeights: the normal
// class's max_extrinsic (nil when the runtime does not say).
func (s *Session) maxExtrinsicWeight(ctx context.Context) *Weight {
	_, rt, err := s.HeadRuntime(ctx)
	if err != nil {
		return nil
	}
	v, err := rt.Codec.Constant("System", "BlockWeights")
	if err != nil {
		return nil
	}
	me := Get(v, "per_class", "normal", "max_extrinsic")
	if o, ok := me.(value.Object); ok {
		if inner, ok := o.Get("Some"); ok {
			me = inner
		}
	}
	rtime, err := value.BigInt(Get(me, "ref_time"))
	if err != nil || !rtime.IsUint64() {
		return nil
	}
	w := &Weight{RefTime: rtime.Uint64()}
	if ps, err := value.BigInt(Get(me, "proof_size")); err == nil && ps.IsUint64() {
		w.ProofSize = ps.Uint64()
	}
	return w
}

// prepareUnit composes and prepares the plans of one transaction as a run
// does (one plan's call, or several in a Utility.batch_all), without
// asking anything, with nonce when given: the titles of the rows, the
// errors of rows that fail on their own (left out of the transaction), and
// the transaction's (nil when no row is left). A nonce it reserved stays
// reserved (the caller releases it).
func prepareUnit(ctx context.Context, s *Session, kr Keyring, plans []*Plan, nonce *uint64) (*Prepared, []string, []error, error) {
	titles := make([]string, len(plans))
	rowErrs := make([]error, len(plans))
	if len(plans) == 1 {
		p, title, err := prepareItem(ctx, s, kr, plans[0], nonce)
		titles[0] = title
		if p == nil && err != nil && !IsNetworkErr(err) {
			rowErrs[0] = err
			return nil, titles, rowErrs, nil
		}
		return p, titles, rowErrs, err
	}
	var calls [][]byte
	var req Request
	var first *Plan
	for j, plan := range plans {
		draft, err := plan.compose(ctx, s, kr)
		if err == nil && draft.Nothing != "" {
			titles[j] = draft.Nothing
			err = fmt.Errorf("nothing to do: %s", draft.Nothing)
		} else if err == nil {
			titles[j] = draft.Title
			if draft.Request.SpendAll {
				err = Usagef("--all sends everything: it cannot be in a group (batch_all) of rows")
			}
		}
		if err != nil {
			if IsNetworkErr(err) {
				return nil, titles, rowErrs, err
			}
			rowErrs[j] = err
			continue
		}
		if first == nil {
			req, first = draft.Request, plan
		} else {
			req.Spend = new(big.Int).Add(nz(req.Spend), nz(draft.Request.Spend))
			req.AllowDeath = req.AllowDeath && draft.Request.AllowDeath
		}
		calls = append(calls, draft.Request.Call)
	}
	if first == nil {
		return nil, titles, rowErrs, nil
	}
	if len(calls) > 1 {
		_, rt, err := s.HeadRuntime(ctx)
		if err != nil {
			return nil, titles, rowErrs, err
		}
		if req.Call, err = rt.Calls.BatchAll(calls); err != nil {
			return nil, titles, rowErrs, err
		}
	}
	req.From, req.Scheme, req.nonce = first.From.Account, first.From.Scheme, nonce
	if err := first.Options.apply(s, &req); err != nil {
		return nil, titles, rowErrs, err
	}
	p, err := s.prepare(ctx, req)
	return p, titles, rowErrs, err
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
