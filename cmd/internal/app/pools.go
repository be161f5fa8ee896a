package app

// Nomination-pool use cases: a member's points, their balance, unbonding
// eras and pending rewards (NominationPoolsApi where the runtime has it),
// and the conversions the pool commands need.

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/value"
)

// ErrNotPoolMember means the account is in no nomination pool.
var ErrNotPoolMember = errors.New("not a pool member")

// PoolUnbonding is a member's unbonding of one era.
type PoolUnbonding struct {
	Era          uint32
	Points       *big.Int
	Balance      *big.Int // nil when not computable
	Withdrawable bool
}

// PoolStatus is an account's membership of a nomination pool at one block.
type PoolStatus struct {
	Account [32]byte
	Block   chainclient.Header
	Member  bool
	PoolID  uint32
	Points  *big.Int
	// Balance is the member's points in tokens (nil when not computable).
	Balance *big.Int
	// Pending is NominationPoolsApi_pending_rewards (nil when the
	// runtime lacks the API).
	Pending    *big.Int
	Unbonding  []PoolUnbonding
	PoolState  string
	PoolPoints *big.Int
	// PoolBonded is the pool's active stake (its bonded account's ledger).
	PoolBonded  *big.Int
	BondedAcct  [32]byte
	CurrentEra  uint32
	MemberCount uint64
}

// PoolInfo is a bonded pool: its points, state, member count and its
// bonded account's active stake.
type PoolInfo struct {
	ID          uint32
	Exists      bool
	Points      *big.Int
	State       string
	MemberCount uint64
	BondedAcct  [32]byte
	Bonded      *big.Int
}

// Pool reads NominationPools.BondedPools(id) and the pool's stake.
func (s *Session) Pool(ctx context.Context, rt *Runtime, at chainclient.Hash, id uint32) (*PoolInfo, error) {
	p := &PoolInfo{ID: id, Points: new(big.Int), Bonded: new(big.Int)}
	v, found, err := s.Read(ctx, rt, at, "NominationPools", "BondedPools", id)
	if err != nil {
		return nil, err
	}
	if !found || v == nil {
		return p, nil
	}
	p.Exists = true
	p.Points = BigAt(v, "points")
	p.State = EnumPath(Get(v, "state"))
	p.MemberCount = BigAt(v, "member_counter").Uint64()
	if p.BondedAcct, err = rt.Calls.PoolAccount(calls.PoolBonded, id); err != nil {
		return nil, err
	}
	l, err := s.LedgerOf(ctx, rt, at, p.BondedAcct)
	if err != nil {
		return nil, err
	}
	if l != nil {
		p.Bonded = l.Active
	}
	return p, nil
}

// PointsToBalance converts pool points to tokens:
// NominationPoolsApi_points_to_balance when the runtime has it, else
// points × bonded / pool points.
func (s *Session) PointsToBalance(ctx context.Context, rt *Runtime, at chainclient.Hash, pool *PoolInfo, points *big.Int) *big.Int {
	if v, err := s.CallAPI(ctx, rt, at, "NominationPoolsApi", "points_to_balance", pool.ID, points); err == nil {
		if b, err := value.BigInt(v); err == nil {
			return b
		}
	}
	if pool.Points.Sign() == 0 {
		return new(big.Int)
	}
	b := new(big.Int).Mul(points, pool.Bonded)
	return b.Quo(b, pool.Points)
}

// BalanceToPoints converts tokens to pool points (for unbond):
// NominationPoolsApi_balance_to_points when the runtime has it, else the
// pallet's rule amount × pool points / bonded.
func (s *Session) BalanceToPoints(ctx context.Context, rt *Runtime, at chainclient.Hash, pool *PoolInfo, amount *big.Int) *big.Int {
	if v, err := s.CallAPI(ctx, rt, at, "NominationPoolsApi", "balance_to_points", pool.ID, amount); err == nil {
		if b, err := value.BigInt(v); err == nil {
			return b
		}
	}
	if pool.Bonded.Sign() == 0 || pool.Points.Sign() == 0 {
		return new(big.Int).Set(amount)
	}
	p := new(big.Int).Mul(amount, pool.Points)
	return p.Quo(p, pool.Bonded)
}

// PoolStatus reads who's pool membership at block h.
func (s *Session) PoolStatus(ctx context.Context, rt *Runtime, h chainclient.Header, who [32]byte) (*PoolStatus, error) {
	at := h.Hash
	st := &PoolStatus{Account: who, Block: h, Points: new(big.Int), PoolPoints: new(big.Int), PoolBonded: new(big.Int)}
	cur, _, _, err := s.Eras(ctx, rt, at)
	if err != nil {
		return nil, err
	}
	st.CurrentEra = cur
	m, found, err := s.Read(ctx, rt, at, "NominationPools", "PoolMembers", rt.Codec.FormatAccount(who))
	if err != nil {
		return nil, err
	}
	if !found || m == nil {
		return st, nil
	}
	st.Member = true
	st.PoolID = uint32(BigAt(m, "pool_id").Uint64())
	st.Points = BigAt(m, "points")
	pool, err := s.Pool(ctx, rt, at, st.PoolID)
	if err != nil {
		return nil, err
	}
	st.PoolState, st.PoolPoints, st.PoolBonded, st.BondedAcct, st.MemberCount = pool.State, pool.Points, pool.Bonded, pool.BondedAcct, pool.MemberCount
	st.Balance = s.PointsToBalance(ctx, rt, at, pool, st.Points)
	if _, err := rt.Meta.RuntimeAPI("NominationPoolsApi"); err == nil {
		v, err := s.CallAPI(ctx, rt, at, "NominationPoolsApi", "pending_rewards", rt.Codec.FormatAccount(who))
		if err != nil && IsDisconnected(err) {
			return nil, err
		}
		if err == nil {
			if b, err := value.BigInt(v); err == nil {
				st.Pending = b
			}
		}
	}
	// Unbonding points per era, valued by the pool's sub-pools.
	sub, _, err := s.Read(ctx, rt, at, "NominationPools", "SubPoolsStorage", st.PoolID)
	if err != nil && !missingItem(err) {
		return nil, err
	}
	withEra := map[uint32][2]*big.Int{}
	for _, kv := range pairs(Get(sub, "with_era")) {
		if e, err := value.Uint64(kv[0]); err == nil {
			withEra[uint32(e)] = [2]*big.Int{BigAt(kv[1], "points"), BigAt(kv[1], "balance")}
		}
	}
	for _, kv := range pairs(Get(m, "unbonding_eras")) {
		e, err := value.Uint64(kv[0])
		if err != nil {
			continue
		}
		pts, err := value.BigInt(kv[1])
		if err != nil {
			continue
		}
		u := PoolUnbonding{Era: uint32(e), Points: pts, Withdrawable: uint32(e) <= cur}
		if sp, ok := withEra[uint32(e)]; ok && sp[0].Sign() > 0 {
			b := new(big.Int).Mul(pts, sp[1])
			u.Balance = b.Quo(b, sp[0])
		}
		st.Unbonding = append(st.Unbonding, u)
	}
	sort.Slice(st.Unbonding, func(i, j int) bool { return st.Unbonding[i].Era < st.Unbonding[j].Era })
	return st, nil
}

// MinJoinBond reads NominationPools.MinJoinBond (0 when absent).
func (s *Session) MinJoinBond(ctx context.Context, rt *Runtime, at chainclient.Hash) (*big.Int, error) {
	v, _, err := s.Read(ctx, rt, at, "NominationPools", "MinJoinBond")
	if err != nil {
		return nil, fmt.Errorf("NominationPools.MinJoinBond: %w", err)
	}
	return BigAt(v), nil
}
