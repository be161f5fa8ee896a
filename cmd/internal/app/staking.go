package app

// Staking use cases: reading an account's staking state (ledger, unlocking
// chunks, nominations, payee, pending rewards) and the numbers the staking
// commands check before signing (nomination limit, validator preferences,
// slashing spans). Storage items and constants are read by name from
// metadata; where runtimes differ (legacy ErasStakers versus paged
// ErasStakersOverview/ErasStakersPaged, ledger claimed_rewards versus
// ClaimedRewards, MaxNominations versus StakingApi_nominations_quota) the
// metadata decides which is read.

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/value"
)

// UnlockChunk is an unbonding amount and the era it can be withdrawn in.
type UnlockChunk struct {
	Value *big.Int
	Era   uint32
	// ErasLeft is how many eras until Era (0 when withdrawable).
	ErasLeft uint32
	// Remaining estimates the time until Era (0 when withdrawable or when
	// the era length is unknown).
	Remaining    time.Duration
	Withdrawable bool
}

// Nomination is one target of a nominator.
type Nomination struct {
	Validator [32]byte
	// IsValidator says the target is a validator candidate now
	// (Staking.Validators); Commission (parts per billion) and Blocked
	// are its preferences.
	IsValidator bool
	Commission  uint64
	Blocked     bool
	// Elected says the target is in the active era's exposures; Active
	// says the nominator's stake backs it there.
	Elected bool
	Active  bool
}

// PendingReward is an unclaimed staking reward of one validator's era.
type PendingReward struct {
	Validator [32]byte
	Era       uint32
	// Page is the exposure page the account is in (paged runtimes), nil
	// in runtimes without pages.
	Page *uint32
	// Amount is the account's estimated share (nil when not computable).
	Amount *big.Int
}

// StakeStatus is an account's staking state at one block.
type StakeStatus struct {
	Account    [32]byte
	Block      chainclient.Header
	Bonded     bool
	Stash      [32]byte
	Controller [32]byte
	Total      *big.Int
	Active     *big.Int
	Unlocking  []UnlockChunk
	// Withdrawable sums the chunks whose era has come.
	Withdrawable *big.Int
	// Payee is the reward destination as value JSON ("Staked",
	// {"Account": addr}); PayeeText writes it for people.
	Payee     any
	PayeeText string
	// Nominations of the stash (none when not nominating);
	// NominatedIn is the era they were submitted in.
	Nominations []Nomination
	NominatedIn uint32
	Nominating  bool
	IsValidator bool
	CurrentEra  uint32
	ActiveEra   uint32
	// EraLength is SessionsPerEra × EpochDuration × ExpectedBlockTime (0
	// when the runtime does not say).
	EraLength     time.Duration
	BondingEras   uint32
	HistoryDepth  uint32
	SlashingSpans uint32
	// Pending lists unclaimed rewards within the history depth (when
	// computed); PendingTotal sums their amounts.
	Pending        []PendingReward
	PendingTotal   *big.Int
	PendingChecked bool
}

// constU64 reads an integer constant, ok false when absent.
func constU64(rt *Runtime, pallet, name string) (uint64, bool) {
	v, err := rt.Codec.Constant(pallet, name)
	if err != nil {
		return 0, false
	}
	n, err := value.Uint64(v)
	return n, err == nil
}

// EraLength is SessionsPerEra × Babe.EpochDuration × Babe.ExpectedBlockTime
// from metadata constants (0 when any is missing).
func EraLength(rt *Runtime) time.Duration {
	sessions, ok1 := constU64(rt, "Staking", "SessionsPerEra")
	epoch, ok2 := constU64(rt, "Babe", "EpochDuration")
	blockMs, ok3 := constU64(rt, "Babe", "ExpectedBlockTime")
	if !ok1 || !ok2 || !ok3 {
		return 0
	}
	return time.Duration(sessions*epoch*blockMs) * time.Millisecond
}

// account reads an AccountId value (SS58 or hex) as an id.
func account(rt *Runtime, v any) ([32]byte, bool) {
	s, ok := v.(string)
	if !ok {
		if o, isObj := v.(value.Object); isObj && len(o) == 1 { // MultiAddress::Id
			s, ok = o[0].Value.(string)
		}
	}
	if !ok {
		return [32]byte{}, false
	}
	id, err := rt.Codec.ParseAccount(s)
	return id, err == nil
}

// Eras reads Staking.CurrentEra and ActiveEra (index and start, ms).
func (s *Session) Eras(ctx context.Context, rt *Runtime, at chainclient.Hash) (current, active uint32, activeStart uint64, err error) {
	cur, _, err := s.Read(ctx, rt, at, "Staking", "CurrentEra")
	if err != nil {
		return 0, 0, 0, err
	}
	if cur != nil {
		current = uint32(BigAt(cur).Uint64())
	}
	act, _, err := s.Read(ctx, rt, at, "Staking", "ActiveEra")
	if err != nil {
		return 0, 0, 0, err
	}
	if act != nil {
		active = uint32(BigAt(act, "index").Uint64())
		activeStart = BigAt(act, "start").Uint64()
	}
	return current, active, activeStart, nil
}

// Ledger is a staking ledger.
type Ledger struct {
	Stash, Controller [32]byte
	Total, Active     *big.Int
	Unlocking         []UnlockChunk
	// LegacyClaimed lists eras claimed (claimed_rewards or
	// legacy_claimed_rewards).
	LegacyClaimed []uint32
}

// LedgerOf finds the ledger of who, a stash (through Staking.Bonded) or a
// controller; nil when who is not bonded.
func (s *Session) LedgerOf(ctx context.Context, rt *Runtime, at chainclient.Hash, who [32]byte) (*Ledger, error) {
	ctrl := who
	b, found, err := s.Read(ctx, rt, at, "Staking", "Bonded", rt.Codec.FormatAccount(who))
	if err != nil {
		return nil, err
	}
	if found {
		if id, ok := account(rt, b); ok {
			ctrl = id
		}
	}
	l, found, err := s.Read(ctx, rt, at, "Staking", "Ledger", rt.Codec.FormatAccount(ctrl))
	if err != nil {
		return nil, err
	}
	if !found || l == nil {
		return nil, nil
	}
	out := &Ledger{Controller: ctrl, Total: BigAt(l, "total"), Active: BigAt(l, "active")}
	stash, ok := account(rt, Get(l, "stash"))
	if !ok {
		return nil, fmt.Errorf("Staking.Ledger: no stash in %v", l)
	}
	out.Stash = stash
	chunks, _ := Get(l, "unlocking").([]any)
	for _, c := range chunks {
		out.Unlocking = append(out.Unlocking, UnlockChunk{Value: BigAt(c, "value"), Era: uint32(BigAt(c, "era").Uint64())})
	}
	for _, name := range []string{"legacy_claimed_rewards", "claimed_rewards"} {
		if eras, ok := Get(l, name).([]any); ok {
			for _, e := range eras {
				if n, err := value.Uint64(e); err == nil {
					out.LegacyClaimed = append(out.LegacyClaimed, uint32(n))
				}
			}
		}
	}
	return out, nil
}

// SlashingSpans is the num_slashing_spans argument of withdraw_unbonded
// for stash: the number of spans Staking.SlashingSpans records (prior
// spans plus the current one), 0 when none. Runtimes without the item
// give 0.
func (s *Session) SlashingSpans(ctx context.Context, rt *Runtime, at chainclient.Hash, stash [32]byte) (uint32, error) {
	v, found, err := s.Read(ctx, rt, at, "Staking", "SlashingSpans", rt.Codec.FormatAccount(stash))
	if missingItem(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if !found || v == nil {
		return 0, nil
	}
	prior, _ := Get(v, "prior").([]any)
	return uint32(len(prior)) + 1, nil
}

// ValidatorPrefs reads Staking.Validators(v): whether v is a validator
// candidate, its commission (parts per billion) and blocked flag.
func (s *Session) ValidatorPrefs(ctx context.Context, rt *Runtime, at chainclient.Hash, v [32]byte) (isValidator bool, commission uint64, blocked bool, err error) {
	p, found, err := s.Read(ctx, rt, at, "Staking", "Validators", rt.Codec.FormatAccount(v))
	if err != nil {
		return false, 0, false, err
	}
	if !found {
		return false, 0, false, nil
	}
	b, _ := Get(p, "blocked").(bool)
	return true, BigAt(p, "commission").Uint64(), b, nil
}

// MaxNominations is the runtime's nomination limit for a nominator
// bonding bonded: the Staking.MaxNominations constant where the runtime
// has it, else StakingApi_nominations_quota(bonded). source names where
// the number came from.
func (s *Session) MaxNominations(ctx context.Context, rt *Runtime, at chainclient.Hash, bonded *big.Int) (limit uint32, source string, err error) {
	if n, ok := constU64(rt, "Staking", "MaxNominations"); ok {
		return uint32(n), "Staking.MaxNominations", nil
	}
	if _, err := rt.Meta.RuntimeAPI("StakingApi"); err == nil {
		v, err := s.CallAPI(ctx, rt, at, "StakingApi", "nominations_quota", nz(bonded))
		if err == nil {
			if n, err := value.Uint64(v); err == nil {
				return uint32(n), "StakingApi_nominations_quota", nil
			}
		} else if IsDisconnected(err) {
			return 0, "", err
		}
	}
	if n, ok := constU64(rt, "ElectionProviderMultiPhase", "MinerMaxVotesPerVoter"); ok {
		return uint32(n), "ElectionProviderMultiPhase.MinerMaxVotesPerVoter", nil
	}
	return 0, "", fmt.Errorf("the runtime says nothing about its nomination limit (no Staking.MaxNominations, StakingApi_nominations_quota or MinerMaxVotesPerVoter)")
}

// StakeStatusOptions select the costly parts of StakeStatus.
type StakeStatusOptions struct {
	// Rewards computes the unclaimed rewards of the nominations (and of
	// the account as a validator) within the history depth.
	Rewards bool
}

// StakeStatus reads who's staking state at block h.
func (s *Session) StakeStatus(ctx context.Context, rt *Runtime, h chainclient.Header, who [32]byte, o StakeStatusOptions) (*StakeStatus, error) {
	at := h.Hash
	st := &StakeStatus{Account: who, Block: h, Total: new(big.Int), Active: new(big.Int), Withdrawable: new(big.Int), PendingTotal: new(big.Int)}
	var err error
	var activeStart uint64
	if st.CurrentEra, st.ActiveEra, activeStart, err = s.Eras(ctx, rt, at); err != nil {
		return nil, err
	}
	st.EraLength = EraLength(rt)
	if n, ok := constU64(rt, "Staking", "BondingDuration"); ok {
		st.BondingEras = uint32(n)
	}
	if n, ok := constU64(rt, "Staking", "HistoryDepth"); ok {
		st.HistoryDepth = uint32(n)
	}
	l, err := s.LedgerOf(ctx, rt, at, who)
	if err != nil {
		return nil, err
	}
	if l == nil {
		st.Stash = who
		return st, nil
	}
	st.Bonded = true
	st.Stash, st.Controller, st.Total, st.Active = l.Stash, l.Controller, l.Total, l.Active
	// Time elapsed in the active era, for the estimates.
	var elapsed time.Duration
	if now, _, err := s.Read(ctx, rt, at, "Timestamp", "Now"); err == nil && activeStart > 0 {
		if n := BigAt(now).Uint64(); n > activeStart {
			elapsed = time.Duration(n-activeStart) * time.Millisecond
		}
	}
	for _, c := range l.Unlocking {
		if c.Era <= st.CurrentEra {
			c.Withdrawable = true
			st.Withdrawable.Add(st.Withdrawable, c.Value)
		} else {
			c.ErasLeft = c.Era - st.CurrentEra
			if st.EraLength > 0 {
				c.Remaining = time.Duration(c.ErasLeft)*st.EraLength - elapsed
				if c.Remaining < 0 {
					c.Remaining = 0
				}
			}
		}
		st.Unlocking = append(st.Unlocking, c)
	}
	stashText := rt.Codec.FormatAccount(st.Stash)
	if p, found, err := s.Read(ctx, rt, at, "Staking", "Payee", stashText); err != nil {
		return nil, err
	} else if found || p != nil {
		st.Payee = p
		st.PayeeText = payeeText(p)
	}
	if st.SlashingSpans, err = s.SlashingSpans(ctx, rt, at, st.Stash); err != nil {
		return nil, err
	}
	if isV, _, _, err := s.ValidatorPrefs(ctx, rt, at, st.Stash); err != nil {
		return nil, err
	} else {
		st.IsValidator = isV
	}
	n, found, err := s.Read(ctx, rt, at, "Staking", "Nominators", stashText)
	if err != nil {
		return nil, err
	}
	if found && n != nil {
		st.Nominating = true
		st.NominatedIn = uint32(BigAt(n, "submitted_in").Uint64())
		targets, _ := Get(n, "targets").([]any)
		for _, t := range targets {
			id, ok := account(rt, t)
			if !ok {
				continue
			}
			nm := Nomination{Validator: id}
			if nm.IsValidator, nm.Commission, nm.Blocked, err = s.ValidatorPrefs(ctx, rt, at, id); err != nil {
				return nil, err
			}
			ex, err := s.exposure(ctx, rt, at, st.ActiveEra, id, st.Stash, false)
			if err != nil {
				return nil, err
			}
			nm.Elected, nm.Active = ex.exists, ex.found
			st.Nominations = append(st.Nominations, nm)
		}
	}
	if o.Rewards {
		if st.Pending, err = s.PendingRewards(ctx, rt, at, st); err != nil {
			return nil, err
		}
		st.PendingChecked = true
		for _, p := range st.Pending {
			if p.Amount != nil {
				st.PendingTotal.Add(st.PendingTotal, p.Amount)
			}
		}
	}
	return st, nil
}

// payeeText writes a RewardDestination for people ("Staked", "Account ADDR").
func payeeText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case value.Object:
		if len(x) == 1 {
			if a, ok := x[0].Value.(string); ok {
				return x[0].Name + " " + a
			}
			return x[0].Name
		}
	}
	return fmt.Sprint(v)
}

// exposureInfo is what an era's exposure of a validator says of a staker.
type exposureInfo struct {
	exists bool     // the validator was elected in the era
	found  bool     // the staker backs it (own stake when the staker is the validator)
	total  *big.Int // the exposure's total
	stake  *big.Int // the staker's part
	own    bool     // the staker is the validator
	page   *uint32
}

// exposure reads validator v's exposure in era and finds staker in it:
// ErasStakersOverview + ErasStakersPaged where the runtime has them, else
// ErasStakersClipped (rewarded nominators, when rewards) or ErasStakers.
func (s *Session) exposure(ctx context.Context, rt *Runtime, at chainclient.Hash, era uint32, v, staker [32]byte, rewarded bool) (exposureInfo, error) {
	ex := exposureInfo{total: new(big.Int), stake: new(big.Int), own: v == staker}
	vText := rt.Codec.FormatAccount(v)
	find := func(others any) {
		items, _ := others.([]any)
		for _, it := range items {
			if id, ok := account(rt, Get(it, "who")); ok && id == staker {
				ex.found = true
				ex.stake = BigAt(it, "value")
			}
		}
	}
	if _, err := storage.Lookup(rt.Codec, "Staking", "ErasStakersOverview"); err == nil {
		ov, found, err := s.Read(ctx, rt, at, "Staking", "ErasStakersOverview", era, vText)
		if err != nil {
			return ex, err
		}
		if !found || ov == nil {
			// Older eras of a paged runtime may still be in ErasStakers.
			if _, err := storage.Lookup(rt.Codec, "Staking", "ErasStakers"); err != nil {
				return ex, nil
			}
		} else {
			ex.exists = true
			ex.total = BigAt(ov, "total")
			if ex.own {
				ex.found, ex.stake = true, BigAt(ov, "own")
				return ex, nil
			}
			pages := BigAt(ov, "page_count").Uint64()
			for p := uint64(0); p < pages && !ex.found; p++ {
				pg, _, err := s.Read(ctx, rt, at, "Staking", "ErasStakersPaged", era, vText, uint32(p))
				if err != nil {
					return ex, err
				}
				find(Get(pg, "others"))
				if ex.found {
					pp := uint32(p)
					ex.page = &pp
				}
			}
			return ex, nil
		}
	}
	item := "ErasStakers"
	if rewarded {
		if _, err := storage.Lookup(rt.Codec, "Staking", "ErasStakersClipped"); err == nil {
			item = "ErasStakersClipped"
		}
	}
	e, _, err := s.Read(ctx, rt, at, "Staking", item, era, vText)
	if missingItem(err) {
		return ex, nil
	}
	if err != nil {
		return ex, err
	}
	ex.total = BigAt(e, "total")
	ex.exists = ex.total.Sign() > 0
	if ex.own {
		ex.found, ex.stake = ex.exists, BigAt(e, "own")
		return ex, nil
	}
	find(Get(e, "others"))
	return ex, nil
}

// Pairs reads a BTreeMap value JSON: a list of [key, value] pairs, or an
// object keyed by the key's text.
func Pairs(v any) [][2]any { return pairs(v) }

func pairs(v any) [][2]any {
	var out [][2]any
	switch x := v.(type) {
	case []any:
		for _, it := range x {
			if kv, ok := it.([]any); ok && len(kv) == 2 {
				out = append(out, [2]any{kv[0], kv[1]})
			}
		}
	case value.Object:
		if len(x) == 1 && x[0].Name == "" {
			return pairs(x[0].Value)
		}
		for _, f := range x {
			out = append(out, [2]any{f.Name, f.Value})
		}
	}
	return out
}

// claimed reports whether validator v's rewards of era (page) were paid:
// Staking.ClaimedRewards(era, v) holds the page, or the validator's ledger
// lists the era (legacy_claimed_rewards / claimed_rewards).
func (s *Session) claimed(ctx context.Context, rt *Runtime, at chainclient.Hash, era uint32, v [32]byte, page *uint32, legacy []uint32) (bool, error) {
	for _, e := range legacy {
		if e == era {
			return true, nil
		}
	}
	if _, err := storage.Lookup(rt.Codec, "Staking", "ClaimedRewards"); err != nil {
		return false, nil
	}
	c, _, err := s.Read(ctx, rt, at, "Staking", "ClaimedRewards", era, rt.Codec.FormatAccount(v))
	if err != nil {
		return false, err
	}
	pages, _ := c.([]any)
	want := uint64(0)
	if page != nil {
		want = uint64(*page)
	}
	for _, p := range pages {
		if n, err := value.Uint64(p); err == nil && n == want {
			return true, nil
		}
	}
	return false, nil
}

// PendingRewards lists the eras within the history depth in which st's
// stash backed one of its current nominations (or validated itself), the
// era had a reward and the validator's payout for it has not been made,
// with the stash's estimated share:
// reward × points(v)/total points × (1 − commission) × stake/exposure
// (plus the commission when the stash is the validator).
func (s *Session) PendingRewards(ctx context.Context, rt *Runtime, at chainclient.Hash, st *StakeStatus) ([]PendingReward, error) {
	var validators [][32]byte
	if st.IsValidator {
		validators = append(validators, st.Stash)
	}
	for _, n := range st.Nominations {
		validators = append(validators, n.Validator)
	}
	if len(validators) == 0 || st.ActiveEra == 0 {
		return nil, nil
	}
	first := uint32(0)
	if st.HistoryDepth > 0 && st.ActiveEra > st.HistoryDepth {
		first = st.ActiveEra - st.HistoryDepth
	}
	legacy := map[[32]byte][]uint32{}
	var out []PendingReward
	for era := first; era < st.ActiveEra; era++ {
		rv, found, err := s.Read(ctx, rt, at, "Staking", "ErasValidatorReward", era)
		if err != nil {
			return nil, err
		}
		if !found || rv == nil {
			continue
		}
		reward := BigAt(rv)
		pts, _, err := s.Read(ctx, rt, at, "Staking", "ErasRewardPoints", era)
		if err != nil {
			return nil, err
		}
		totalPts := BigAt(pts, "total")
		points := map[[32]byte]*big.Int{}
		for _, kv := range pairs(Get(pts, "individual")) {
			if id, ok := account(rt, kv[0]); ok {
				if b, err := value.BigInt(kv[1]); err == nil {
					points[id] = b
				}
			}
		}
		for _, v := range validators {
			ex, err := s.exposure(ctx, rt, at, era, v, st.Stash, true)
			if err != nil {
				return nil, err
			}
			if !ex.found {
				continue
			}
			if _, ok := legacy[v]; !ok {
				l, err := s.LedgerOf(ctx, rt, at, v)
				if err != nil {
					return nil, err
				}
				legacy[v] = nil
				if l != nil {
					legacy[v] = l.LegacyClaimed
				}
			}
			done, err := s.claimed(ctx, rt, at, era, v, ex.page, legacy[v])
			if err != nil {
				return nil, err
			}
			if done {
				continue
			}
			pr := PendingReward{Validator: v, Era: era, Page: ex.page}
			if p := points[v]; p != nil && totalPts.Sign() > 0 && ex.total.Sign() > 0 {
				part := new(big.Int).Mul(reward, p)
				part.Quo(part, totalPts)
				var commission uint64
				if prefs, _, err := s.Read(ctx, rt, at, "Staking", "ErasValidatorPrefs", era, rt.Codec.FormatAccount(v)); err == nil {
					commission = BigAt(prefs, "commission").Uint64()
				}
				comm := new(big.Int).Mul(part, new(big.Int).SetUint64(commission))
				comm.Quo(comm, big.NewInt(1_000_000_000))
				left := new(big.Int).Sub(part, comm)
				amt := new(big.Int).Mul(left, ex.stake)
				amt.Quo(amt, ex.total)
				if ex.own {
					amt.Add(amt, comm)
				}
				pr.Amount = amt
			} else if p == nil && totalPts.Sign() > 0 {
				continue // no points: nothing to pay
			}
			out = append(out, pr)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Era < out[j].Era })
	return out, nil
}

// RewardedPerPage is how many nominators of a validator one payout
// rewards: the runtime's Staking.MaxExposurePageSize (paged exposures:
// more nominators need more payout pages), or
// MaxNominatorRewardedPerValidator on older runtimes (more are not
// rewarded at all). ok is false when the runtime has neither constant.
func RewardedPerPage(rt *Runtime) (n uint64, name string, ok bool) {
	for _, c := range []string{"MaxExposurePageSize", "MaxNominatorRewardedPerValidator"} {
		if n, ok := constU64(rt, "Staking", c); ok {
			return n, c, true
		}
	}
	return 0, "", false
}
