package main

// End-to-end: staking and nomination pools on the real Kusama runtime
// (kusama-local hosts Staking and NominationPools on the relay). //Charlie
// bonds, adds to the bond, nominates the chain's validators, sets the
// reward destination, unbonds, rebonds, is paid out, withdraws and chills;
// //Eve creates a pool and //Dave joins it, bonds more, unbonds, claims and
// withdraws. After each step the state is read through ksm (stake status
// --json, pool status --json) and through @polkadot/api. Eras do not
// advance on the local chain: the test writes Staking.CurrentEra/ActiveEra
// and an era's reward data with dev_setStorage (.interop/e2e-staking-set.mjs,
// encoded by @polkadot/api). Its own accounts and ksm home keep it apart
// from the other e2e tests on the shared chain.

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// stakeStatusOut is `ksm stake status --json`.
type stakeStatusOut struct {
	Address      string      `json:"address"`
	Bonded       bool        `json:"bonded"`
	Stash        string      `json:"stash"`
	Total        json.Number `json:"total"`
	Active       json.Number `json:"active"`
	Withdrawable json.Number `json:"withdrawable"`
	Unlocking    []struct {
		Value        json.Number `json:"value"`
		Era          uint32      `json:"era"`
		ErasLeft     uint32      `json:"erasLeft"`
		SecondsLeft  *int64      `json:"secondsLeft"`
		Withdrawable bool        `json:"withdrawable"`
	} `json:"unlocking"`
	Payee       any  `json:"payee"`
	Nominating  bool `json:"nominating"`
	Nominations []struct {
		Validator   string `json:"validator"`
		IsValidator bool   `json:"isValidator"`
		Commission  uint64 `json:"commission"`
		Blocked     bool   `json:"blocked"`
	} `json:"nominations"`
	CurrentEra uint32  `json:"currentEra"`
	ActiveEra  uint32  `json:"activeEra"`
	EraSeconds *int64  `json:"eraLengthSeconds"`
	Bonding    uint32  `json:"bondingDurationEras"`
	Spans      *uint32 `json:"slashingSpans"`
	Pending    []struct {
		Validator string      `json:"validator"`
		Era       uint32      `json:"era"`
		Amount    json.Number `json:"amount"`
	} `json:"pendingRewards"`
	PendingTotal json.Number `json:"pendingRewardsTotal"`
	e2eReadAt
}

// e2eReadAt is where a status command read the state.
type e2eReadAt struct {
	BlockHash   string `json:"blockHash"`
	BlockNumber uint64 `json:"blockNumber"`
	Verified    *bool  `json:"verified"`
}

// poolStatusOut is `ksm pool status --json`.
type poolStatusOut struct {
	Member    bool        `json:"member"`
	PoolID    *uint32     `json:"poolId"`
	Points    json.Number `json:"points"`
	Balance   json.Number `json:"balance"`
	Pending   json.Number `json:"pendingRewards"`
	Unbonding []struct {
		Era          uint32      `json:"era"`
		Points       json.Number `json:"points"`
		Balance      json.Number `json:"balance"`
		Withdrawable bool        `json:"withdrawable"`
	} `json:"unbonding"`
	PoolState string `json:"poolState"`
	e2eReadAt
}

func (c *e2eChain) stakeStatus(t *testing.T, who string) *stakeStatusOut {
	t.Helper()
	var s stakeStatusOut
	c.status(t, &s, &s.e2eReadAt, "stake", who)
	return &s
}

func (c *e2eChain) poolStatus(t *testing.T, who string) *poolStatusOut {
	t.Helper()
	var s poolStatusOut
	c.status(t, &s, &s.e2eReadAt, "pool", who)
	return &s
}

// status reads `ksm NOUN status WHO --json` into v, whose block and
// verification are at; under --trust-rpc it must name its block and say
// verified: false.
func (c *e2eChain) status(t *testing.T, v any, at *e2eReadAt, noun, who string) {
	t.Helper()
	c.ksm(t, "", noun, "status", who, "--json").ok(t).json(t, v)
	if at.Verified == nil || *at.Verified || at.BlockHash == "" {
		t.Fatalf("%s status must name its block and say verified: false: %+v", noun, v)
	}
}

// stakeSnap is the state @polkadot/api reads in one run: charlie's
// ledger, payee and nominations, dave's free balance, pool membership and
// pending pool rewards.
type stakeSnap struct {
	Total, Active *big.Int
	Unlocking     [][2]*big.Int
	Payee         string // lower-case JSON
	Nominators    any
	DaveFree      *big.Int
	Member        map[string]any
	PoolPending   any
}

// ledgerIs checks the ledger @polkadot/api read: total, active and the
// value of each unlocking chunk.
func (o *stakeSnap) ledgerIs(t *testing.T, total, active *big.Int, chunks ...*big.Int) {
	t.Helper()
	eqBig(t, "ledger total", o.Total, total)
	eqBig(t, "ledger active", o.Active, active)
	if len(o.Unlocking) != len(chunks) {
		t.Fatalf("unlocking %v, want %d chunks", o.Unlocking, len(chunks))
	}
	for i, v := range chunks {
		eqBig(t, "chunk value", o.Unlocking[i][0], v)
	}
}

// snap asks @polkadot/api (one node run) for the state the steps assert.
func (c *e2eChain) snap(t *testing.T, stash, member string) *stakeSnap {
	t.Helper()
	res := c.query(t, e2eQ("query.staking.ledger", stash), e2eQ("query.staking.payee", stash), e2eQ("query.staking.nominators", stash),
		e2eQ("query.system.account", member), e2eQ("query.nominationPools.poolMembers", member), e2eQ("call.nominationPoolsApi.pendingRewards", member))
	dec := func(raw json.RawMessage) any {
		var v any
		oracleJSON(t, raw, &v)
		return v
	}
	s := &stakeSnap{Payee: lowerJSON(dec(res[1])), Nominators: dec(res[2]), PoolPending: dec(res[5])}
	if l, _ := dec(res[0]).(map[string]any); l != nil {
		if l["stash"] != stash {
			t.Fatalf("ledger stash %v, want %s", l["stash"], stash)
		}
		s.Total, s.Active = e2eBigAny(t, l["total"]), e2eBigAny(t, l["active"])
		for _, u := range l["unlocking"].([]any) {
			m := u.(map[string]any)
			s.Unlocking = append(s.Unlocking, [2]*big.Int{e2eBigAny(t, m["value"]), e2eBigAny(t, m["era"])})
		}
	}
	acc, _ := dec(res[3]).(map[string]any)
	s.DaveFree = e2eBigAny(t, acc["data"].(map[string]any)["free"])
	s.Member, _ = dec(res[4]).(map[string]any)
	return s
}

// setStaking writes storage through @polkadot/api and dev_setStorage.
func (c *e2eChain) setStaking(t *testing.T, sets ...map[string]any) {
	t.Helper()
	in, _ := json.Marshal(map[string]any{"url": c.URL, "sets": sets})
	out := testenv.Node(t, in, "e2e-staking-set.mjs")
	if !strings.Contains(string(out), `"ok":true`) {
		t.Fatalf("e2e-staking-set.mjs: %s", out)
	}
}

func set(item string, args []any, v any) map[string]any {
	if args == nil {
		args = []any{}
	}
	return map[string]any{"item": item, "args": args, "value": v}
}

// eraSets makes era the current and active era (started at ms).
func eraSets(era uint32, ms any) []map[string]any {
	return []map[string]any{set("staking.currentEra", nil, era), set("staking.activeEra", nil, map[string]any{"index": era, "start": ms})}
}

func (c *e2eChain) nonce(t *testing.T, who string) uint64 {
	t.Helper()
	return c.balance(t, who).Nonce
}

func eqBig(t *testing.T, what string, got, want *big.Int) {
	t.Helper()
	if got == nil || want == nil || got.Cmp(want) != 0 {
		t.Fatalf("%s: %v, want %v", what, got, want)
	}
}

func lowerJSON(v any) string {
	b, _ := json.Marshal(v)
	return strings.ToLower(string(b))
}

func TestE2EStaking(t *testing.T) {
	base := e2eKusama(t)
	// An own home with //Charlie (staker), //Dave (pool member) and //Eve
	// (pool creator), apart from the other tests' alice and bob.
	c := *base
	c.Home = t.TempDir()
	for _, k := range []struct{ name, suri string }{{"charlie", "//Charlie"}, {"dave", "//Dave"}, {"eve", "//Eve"}} {
		c.ksm(t, k.suri+"\n", "key", "import", "--name", k.name, "--suri-stdin").ok(t)
	}
	charlie, dave, eve := c.address(t, "charlie"), c.address(t, "dave"), c.address(t, "eve")
	dec := c.decimals(t)
	tok := func(n int64) *big.Int { return tokens(n, dec) }

	// The chain's validators, its nomination quota for 105 tokens, the
	// pools' minimum create bond and the time, as @polkadot/api sees them.
	var fixed []any
	for _, raw := range c.query(t, e2eQ("query.session.validators"), e2eQ("call.stakingApi.nominationsQuota", tok(105).String()),
		e2eQ("query.nominationPools.minCreateBond"), e2eQ("query.timestamp.now")) {
		var v any
		oracleJSON(t, raw, &v)
		fixed = append(fixed, v)
	}
	var validators []string
	for _, v := range fixed[0].([]any) {
		validators = append(validators, v.(string))
	}
	if len(validators) < 2 {
		t.Fatalf("validators: %v", validators)
	}
	v1, v2 := validators[0], validators[1]
	limit := e2eBigAny(t, fixed[1]).Int64()
	minCreate := e2eBigAny(t, fixed[2])
	now := fixed[3]

	// Refusals before anything is bonded: nothing reaches the chain.
	n0 := c.nonce(t, "charlie")
	c.ksm(t, "", "stake", "unbond", "1", "--from", "charlie", "--yes").code(t, 1).stderrHas(t, "nothing is bonded")
	free := e2eBig(t, c.balance(t, "charlie").Free)
	c.ksm(t, "", "stake", "bond", new(big.Int).Add(free, big.NewInt(1)).String()+"planck", "--from", "charlie", "--yes").
		code(t, 1).stderrHas(t, "insufficient balance")
	// More targets than the runtime's limit: refused before signing, the
	// limit named (StakingApi_nominations_quota on this runtime).
	var targets []string
	for i := int64(0); i <= limit; i++ {
		targets = append(targets, fmt.Sprintf("0x%064x", i+1))
	}
	if got := c.nonce(t, "charlie"); got != n0 {
		t.Fatalf("nonce moved from %d to %d: something was submitted", n0, got)
	}
	if s := c.stakeStatus(t, "charlie"); s.Bonded {
		t.Fatalf("charlie bonded before bond: %+v", s)
	}

	t.Run("bond", func(t *testing.T) {
		c.submitHas(t, "Staking", "Bonded", "stake", "bond", "100", "--from", "charlie", "--payee", "staked")
		o := c.snap(t, charlie, dave)
		o.ledgerIs(t, tok(100), tok(100))
		if o.Payee != `"staked"` && o.Payee != `{"staked":null}` {
			t.Fatalf("payee %s", o.Payee)
		}
		s := c.stakeStatus(t, "charlie")
		if !s.Bonded || s.Stash != charlie || lowerJSON(s.Payee) != `"staked"` {
			t.Fatalf("ksm status: %+v", s)
		}
		eqBig(t, "ksm total", e2eBig(t, s.Total), tok(100))
		// Bonding twice is refused.
		c.ksm(t, "", "stake", "bond", "1", "--from", "charlie", "--yes").code(t, 1).stderrHas(t, "already bonded", "bond-extra")
	})

	t.Run("bond-extra", func(t *testing.T) {
		c.submitHas(t, "Staking", "Bonded", "stake", "bond-extra", "5", "--from", "charlie")
		c.snap(t, charlie, dave).ledgerIs(t, tok(105), tok(105))
		s := c.stakeStatus(t, "charlie")
		eqBig(t, "ksm active", e2eBig(t, s.Active), tok(105))
	})

	t.Run("nominate", func(t *testing.T) {
		n := c.nonce(t, "charlie")
		args := append(append([]string{"stake", "nominate"}, targets...), "--from", "charlie", "--yes")
		c.ksm(t, "", args...).code(t, 1).stderrHas(t, fmt.Sprintf("at most %d nominations", limit), "StakingApi_nominations_quota")
		if got := c.nonce(t, "charlie"); got != n {
			t.Fatalf("nonce moved: something was submitted")
		}
		// A non-validator is nominated with a warning (dry run only).
		c.ksm(t, "", "stake", "nominate", v1, eve, "--from", "charlie", "--dry-run").ok(t).stderrHas(t, "not a validator")

		r := c.ksm(t, "", "stake", "nominate", v1, v2, "--from", "charlie", "--yes", "--json").ok(t)
		r.stderrHas(t, v1, v2, "commission 0%", fmt.Sprintf("of at most %d", limit))
		var out e2eOutcome
		r.json(t, &out)
		if !out.Success {
			t.Fatalf("nominate: %+v", out)
		}
		nom, _ := c.snap(t, charlie, dave).Nominators.(map[string]any)
		if nom == nil || fmt.Sprint(nom["targets"]) != fmt.Sprint([]any{v1, v2}) {
			t.Fatalf("@polkadot/api nominations %v, want [%s %s]", nom, v1, v2)
		}
		s := c.stakeStatus(t, "charlie")
		if !s.Nominating || len(s.Nominations) != 2 || s.Nominations[0].Validator != v1 || s.Nominations[1].Validator != v2 || !s.Nominations[0].IsValidator {
			t.Fatalf("ksm nominations: %+v", s.Nominations)
		}
	})

	t.Run("payee", func(t *testing.T) {
		c.submit(t, "stake", "payee", "stash", "--from", "charlie")
		c.submit(t, "stake", "payee", "account:dave", "--from", "charlie")
		if p := c.snap(t, charlie, dave).Payee; p != strings.ToLower(`{"account":"`+dave+`"}`) {
			t.Fatalf("payee %s, want account %s", p, dave)
		}
		s := c.stakeStatus(t, "charlie")
		if lowerJSON(s.Payee) != strings.ToLower(`{"Account":"`+dave+`"}`) {
			t.Fatalf("ksm payee %v", s.Payee)
		}
		c.ksm(t, "", "stake", "payee", "everywhere", "--from", "charlie", "--yes").code(t, 2)
	})

	var chunkEra uint32
	t.Run("unbond", func(t *testing.T) {
		before := c.stakeStatus(t, "charlie")
		c.submitHas(t, "Staking", "Unbonded", "stake", "unbond", "30", "--from", "charlie")
		o := c.snap(t, charlie, dave)
		o.ledgerIs(t, tok(105), tok(75), tok(30))
		eqBig(t, "chunk era", o.Unlocking[0][1], big.NewInt(int64(before.CurrentEra+before.Bonding)))
		s := c.stakeStatus(t, "charlie")
		if len(s.Unlocking) != 1 || s.Unlocking[0].Era != before.CurrentEra+before.Bonding || s.Unlocking[0].ErasLeft != before.Bonding ||
			s.Unlocking[0].Withdrawable || s.Unlocking[0].SecondsLeft == nil || *s.Unlocking[0].SecondsLeft <= 0 || s.EraSeconds == nil {
			t.Fatalf("ksm unlocking: %+v (era %v s)", s.Unlocking, s.EraSeconds)
		}
		// The estimate is erasLeft × era length less the time spent in the
		// active era: at most the full span.
		if max := int64(s.Unlocking[0].ErasLeft) * *s.EraSeconds; *s.Unlocking[0].SecondsLeft > max {
			t.Fatalf("%d s left, more than %d eras × %d s", *s.Unlocking[0].SecondsLeft, s.Unlocking[0].ErasLeft, *s.EraSeconds)
		}
		chunkEra = s.Unlocking[0].Era
		// More than the active bond is refused; so is withdrawing before
		// the era, with the era named.
		c.ksm(t, "", "stake", "unbond", "1000", "--from", "charlie", "--yes").code(t, 1).stderrHas(t, "more than the active bond")
		c.ksm(t, "", "stake", "withdraw", "--from", "charlie", "--yes").code(t, 1).stderrHas(t, fmt.Sprintf("era %d", chunkEra))
	})

	t.Run("rebond", func(t *testing.T) {
		c.submitHas(t, "Staking", "Bonded", "stake", "rebond", "10", "--from", "charlie")
		o := c.snap(t, charlie, dave)
		o.ledgerIs(t, tok(105), tok(85), tok(20))
		s := c.stakeStatus(t, "charlie")
		eqBig(t, "ksm active", e2eBig(t, s.Active), tok(85))
		eqBig(t, "ksm chunk", e2eBig(t, s.Unlocking[0].Value), tok(20))
	})

	t.Run("payout", func(t *testing.T) {
		// The active era ends with a reward; charlie backed both
		// validators in it (10% commission each).
		s := c.stakeStatus(t, "charlie")
		era := s.ActiveEra
		stake, reward := tok(85), tok(1000)
		var sets []map[string]any
		for _, v := range []string{v1, v2} {
			exp := map[string]any{"total": add(tok(100), stake).String(), "own": tok(100).String(),
				"others": []any{map[string]any{"who": charlie, "value": stake.String()}}}
			sets = append(sets, set("staking.erasStakers", []any{era, v}, exp), set("staking.erasStakersClipped", []any{era, v}, exp),
				set("staking.erasValidatorPrefs", []any{era, v}, map[string]any{"commission": 100_000_000, "blocked": false}))
		}
		sets = append(sets, set("staking.erasValidatorReward", []any{era}, reward.String()),
			set("staking.erasRewardPoints", []any{era}, map[string]any{"total": 40, "individual": map[string]any{v1: 20, v2: 20}}))
		// v2 now charges 5% and blocks new nominations (its preferences
		// in Staking.Validators).
		sets = append(sets, set("staking.validators", []any{v2}, map[string]any{"commission": 50_000_000, "blocked": true}))
		c.setStaking(t, append(sets, eraSets(era+1, now)...)...)

		s = c.stakeStatus(t, "charlie")
		if len(s.Pending) != 2 || s.Pending[0].Era != era {
			t.Fatalf("pending rewards: %+v", s.Pending)
		}
		if n := s.Nominations; len(n) != 2 || n[1].Commission != 50_000_000 || !n[1].Blocked || n[0].Blocked {
			t.Fatalf("ksm nominations after v2 blocked: %+v", n)
		}
		// Each validator's half of the reward, less 10%, times 85/185.
		want := new(big.Int).Div(new(big.Int).Mul(new(big.Int).Div(new(big.Int).Mul(reward, big.NewInt(9)), big.NewInt(20)), stake), add(tok(100), stake))
		eqBig(t, "estimated share", e2eBig(t, s.Pending[0].Amount), want)

		// One validator era (dry run: the call built).
		var dr e2eCallJSON
		c.ksm(t, "", "stake", "payout", v1, fmt.Sprint(era), "--from", "charlie", "--dry-run", "--json").ok(t).json(t, &dr)
		if dr.Call.Name != "payout_stakers" || dr.Call.Args["validator_stash"] != v1 || fmt.Sprint(dr.Call.Args["era"]) != fmt.Sprint(era) {
			t.Fatalf("payout call %+v", dr.Call)
		}
		// --all: both validator eras in one Utility.batch_all.
		c.ksm(t, "", "stake", "payout", "--all", "--from", "charlie", "--dry-run", "--json").ok(t).json(t, &dr)
		if dr.Call.Pallet != "Utility" || dr.Call.Name != "batch_all" || len(dr.Call.Args["calls"].([]any)) != 2 {
			t.Fatalf("payout --all call %+v", dr.Call)
		}
		daveBefore := c.snap(t, charlie, dave).DaveFree
		out := c.submit(t, "stake", "payout", "--all", "--from", "charlie")
		paid := e2eRewarded(t, out, charlie)
		// The runtime rounds through Perbill: within a millionth of ksm's estimate.
		est := e2eBig(t, s.PendingTotal)
		if diff := new(big.Int).Abs(sub(paid, est)); paid.Sign() == 0 || diff.Cmp(new(big.Int).Div(est, big.NewInt(1_000_000))) > 0 {
			t.Fatalf("paid %s, ksm estimated %s", paid, est)
		}
		// The payee is dave's account: @polkadot/api sees the reward arrive.
		eqBig(t, "dave's reward", sub(c.snap(t, charlie, dave).DaveFree, daveBefore), paid)
		if s := c.stakeStatus(t, "charlie"); len(s.Pending) != 0 {
			t.Fatalf("still pending after payout: %+v", s.Pending)
		}
		c.ksm(t, "", "stake", "payout", "--all", "--from", "charlie", "--yes").ok(t).stderrHas(t, "No unclaimed rewards")
		// Paying the same era again: the dry run of the signed transaction
		// (system_dryRun on this runtime) catches it; nothing is submitted.
		n := c.nonce(t, "charlie")
		c.ksm(t, "", "stake", "payout", v1, fmt.Sprint(era), "--from", "charlie", "--yes").code(t, 1).stderrHas(t, "dry run", "AlreadyClaimed")
		if got := c.nonce(t, "charlie"); got != n {
			t.Fatalf("nonce moved from %d to %d: a failing payout was submitted", n, got)
		}
	})

	t.Run("withdraw", func(t *testing.T) {
		c.setStaking(t, eraSets(chunkEra, now)...)
		s := c.stakeStatus(t, "charlie")
		if len(s.Unlocking) != 1 || !s.Unlocking[0].Withdrawable {
			t.Fatalf("ksm unlocking at era %d: %+v", chunkEra, s.Unlocking)
		}
		eqBig(t, "ksm withdrawable", e2eBig(t, s.Withdrawable), tok(20))
		var dr e2eCallJSON
		c.ksm(t, "", "stake", "withdraw", "--from", "charlie", "--dry-run", "--json").ok(t).json(t, &dr)
		if fmt.Sprint(dr.Call.Args["num_slashing_spans"]) != "0" { // Staking.SlashingSpans has none
			t.Fatalf("withdraw args %v", dr.Call.Args)
		}
		c.submitHas(t, "Staking", "Withdrawn", "stake", "withdraw", "--from", "charlie")
		o := c.snap(t, charlie, dave)
		o.ledgerIs(t, tok(85), tok(85))
	})

	t.Run("chill", func(t *testing.T) {
		c.submit(t, "stake", "chill", "--from", "charlie")
		if nom := c.snap(t, charlie, dave).Nominators; nom != nil {
			t.Fatalf("@polkadot/api: still nominating: %v", nom)
		}
		s := c.stakeStatus(t, "charlie")
		if s.Nominating || len(s.Nominations) != 0 {
			t.Fatalf("ksm: still nominating: %+v", s)
		}
		eqBig(t, "bond kept", e2eBig(t, s.Total), tok(85))
		c.ksm(t, "", "stake", "chill", "--from", "charlie", "--yes").code(t, 1).stderrHas(t, "nothing to chill")
		// v2 blocks new nominations: refused before signing, its commission shown.
		c.ksm(t, "", "stake", "nominate", v1, v2, "--from", "charlie", "--yes").code(t, 1).stderrHas(t, "commission 5%", "blocks new nominations")
	})

	t.Run("pool", func(t *testing.T) {
		// Eve creates a pool with the minimum create bond (at least 10 tokens).
		amount := minCreate
		if amount.Cmp(tok(10)) < 0 {
			amount = tok(10)
		}
		out := c.submit(t, "tx", "call", "NominationPools.create", "--args",
			fmt.Sprintf(`{"amount":"%s","root":"%s","nominator":"%s","bouncer":"%s"}`, amount, eve, eve, eve), "--spend", amount.String()+"planck", "--from", "eve")
		pool := uint32(out.field(t, "NominationPools", "Created", "pool_id").Uint64())
		if s := c.poolStatus(t, "dave"); s.Member {
			t.Fatalf("dave in a pool before joining: %+v", s)
		}
		c.ksm(t, "", "pool", "join", "5", "999", "--from", "dave", "--yes").code(t, 1).stderrHas(t, "no pool 999")

		out = c.submit(t, "pool", "join", "5", fmt.Sprint(pool), "--from", "dave")
		if !out.has("NominationPools", "Bonded") {
			t.Fatalf("no NominationPools.Bonded: %+v", out.Events)
		}
		o := c.snap(t, charlie, dave)
		if o.Member == nil || e2eBigAny(t, o.Member["poolId"]).Uint64() != uint64(pool) {
			t.Fatalf("@polkadot/api member: %v", o.Member)
		}
		eqBig(t, "member points", e2eBigAny(t, o.Member["points"]), tok(5))
		s := c.poolStatus(t, "dave")
		if !s.Member || s.PoolID == nil || *s.PoolID != pool || s.PoolState != "Open" {
			t.Fatalf("ksm pool status: %+v", s)
		}
		eqBig(t, "ksm points", e2eBig(t, s.Points), tok(5))
		eqBig(t, "ksm balance", e2eBig(t, s.Balance), tok(5))
		eqBig(t, "pending rewards", e2eBig(t, s.Pending), e2eBigAny(t, o.PoolPending))

		c.submit(t, "pool", "bond-extra", "2", "--from", "dave")
		out = c.submit(t, "pool", "claim", "--from", "dave")
		if !out.has("System", "ExtrinsicSuccess") {
			t.Fatalf("claim: %+v", out.Events)
		}
		out = c.submit(t, "pool", "unbond", "3", "--from", "dave")
		if !out.has("NominationPools", "Unbonded") {
			t.Fatalf("no NominationPools.Unbonded: %+v", out.Events)
		}
		o = c.snap(t, charlie, dave)
		eqBig(t, "member points after bond-extra 2 and unbond 3", e2eBigAny(t, o.Member["points"]), tok(4))
		s = c.poolStatus(t, "dave")
		eqBig(t, "ksm points", e2eBig(t, s.Points), tok(4))
		if len(s.Unbonding) != 1 || s.Unbonding[0].Withdrawable {
			t.Fatalf("ksm unbonding: %+v", s.Unbonding)
		}
		eqBig(t, "unbonding balance", e2eBig(t, s.Unbonding[0].Balance), tok(3))
		ue := o.Member["unbondingEras"].(map[string]any)
		if len(ue) != 1 || e2eBigAny(t, ue[fmt.Sprint(s.Unbonding[0].Era)]).Cmp(tok(3)) != 0 {
			t.Fatalf("@polkadot/api unbonding eras %v, ksm era %d", ue, s.Unbonding[0].Era)
		}
		c.ksm(t, "", "pool", "withdraw", "--from", "dave", "--yes").code(t, 1).stderrHas(t, "nothing has finished unbonding")

		c.setStaking(t, eraSets(s.Unbonding[0].Era, now)...)
		before := o.DaveFree
		out = c.submit(t, "pool", "withdraw", "--from", "dave")
		if !out.has("NominationPools", "Withdrawn") {
			t.Fatalf("no NominationPools.Withdrawn: %+v", out.Events)
		}
		o = c.snap(t, charlie, dave)
		eqBig(t, "withdrawn to dave", sub(o.DaveFree, before), sub(tok(3), e2eBig(t, out.Fee)))
		if ue := o.Member["unbondingEras"].(map[string]any); len(ue) != 0 {
			t.Fatalf("unbonding after withdraw: %v", ue)
		}
	})
}

// e2eRewarded sums the Staking.Rewarded amounts of stash in out's events.
func e2eRewarded(t *testing.T, out *e2eOutcome, stash string) *big.Int {
	t.Helper()
	paid := new(big.Int)
	for _, e := range out.Events {
		if e.Pallet == "Staking" && e.Name == "Rewarded" {
			if f := e.Fields.(map[string]any); f["stash"] == stash {
				paid.Add(paid, e2eBigAny(t, f["amount"]))
			}
		}
	}
	return paid
}

// TestE2EStakingPaseo builds the staking and pool calls for the Paseo
// runtime (metadata v16, CheckMetadataHash, DryRunApi) and dry-runs them
// there before signing; nothing is submitted.
func TestE2EStakingPaseo(t *testing.T) {
	base := e2ePaseo(t)
	c := *base
	c.Home = t.TempDir()
	c.ksm(t, "//Ferdie\n", "key", "import", "--name", "ferdie", "--suri-stdin").ok(t)
	n := c.nonce(t, "ferdie")
	var dr struct {
		DryRun       bool `json:"dryRun"`
		MetadataHash bool `json:"metadataHash"`
		Call         struct {
			Pallet string         `json:"pallet"`
			Name   string         `json:"name"`
			Args   map[string]any `json:"args"`
		} `json:"call"`
		Result *struct {
			Method  string `json:"method"`
			Success bool   `json:"success"`
		} `json:"result"`
	}
	c.ksm(t, "", "stake", "bond", "10", "--from", "ferdie", "--payee", "stash", "--dry-run", "--json").ok(t).json(t, &dr)
	if dr.Call.Name != "bond" || lowerJSON(dr.Call.Args["payee"]) != `"stash"` || dr.Call.Args["controller"] != nil {
		t.Fatalf("bond call on Paseo: %+v", dr.Call)
	}
	if dr.Result == nil || dr.Result.Method != "DryRunApi_dry_run_call" || !dr.Result.Success {
		t.Fatalf("bond dry run on Paseo: %+v", dr.Result)
	}
	if s := c.stakeStatus(t, "ferdie"); s.Bonded || s.EraSeconds == nil {
		t.Fatalf("ferdie on Paseo: %+v", s)
	}
	if s := c.poolStatus(t, "ferdie"); s.Member {
		t.Fatalf("ferdie in a pool on Paseo: %+v", s)
	}
	c.ksm(t, "", "stake", "unbond", "1", "--from", "ferdie", "--yes").code(t, 1).stderrHas(t, "nothing is bonded")
	if got := c.nonce(t, "ferdie"); got != n {
		t.Fatalf("nonce moved from %d to %d", n, got)
	}

	// Paged exposures (ErasStakersOverview/ErasStakersPaged, ClaimedRewards):
	// ferdie bonds and nominates, an era's page 0 of a validator holds it,
	// ksm finds the reward and pays it with payout_stakers_by_page.
	var fixed []any
	for _, raw := range c.query(t, e2eQ("query.session.validators"), e2eQ("query.timestamp.now")) {
		var v any
		oracleJSON(t, raw, &v)
		fixed = append(fixed, v)
	}
	v1 := fixed[0].([]any)[0].(string)
	dec := c.decimals(t)
	stake := tokens(10, dec)
	c.submit(t, "stake", "bond", "10", "--from", "ferdie", "--payee", "stash")
	c.submit(t, "stake", "nominate", v1, "--from", "ferdie")
	ferdie := c.address(t, "ferdie")
	s := c.stakeStatus(t, "ferdie")
	era := s.ActiveEra
	own := tokens(100, dec)
	c.setStaking(t, append([]map[string]any{
		set("staking.erasStakersOverview", []any{era, v1}, map[string]any{"total": add(own, stake).String(), "own": own.String(), "nominatorCount": 1, "pageCount": 1}),
		set("staking.erasStakersPaged", []any{era, v1, 0}, map[string]any{"pageTotal": stake.String(), "others": []any{map[string]any{"who": ferdie, "value": stake.String()}}}),
		set("staking.erasValidatorPrefs", []any{era, v1}, map[string]any{"commission": 0, "blocked": false}),
		set("staking.erasValidatorReward", []any{era}, tokens(110, dec).String()),
		set("staking.erasRewardPoints", []any{era}, map[string]any{"total": 10, "individual": map[string]any{v1: 10}}),
	}, eraSets(era+1, fixed[1])...)...)
	s = c.stakeStatus(t, "ferdie")
	// All points are v1's; ferdie's 10 of 110: 10 tokens.
	if len(s.Pending) != 1 || s.Pending[0].Era != era || s.Pending[0].Validator != v1 {
		t.Fatalf("pending on Paseo: %+v", s.Pending)
	}
	eqBig(t, "estimated share", e2eBig(t, s.Pending[0].Amount), stake)
	var pd e2eCallJSON
	c.ksm(t, "", "stake", "payout", "--all", "--from", "ferdie", "--dry-run", "--json").ok(t).json(t, &pd)
	if pd.Call.Name != "payout_stakers_by_page" || fmt.Sprint(pd.Call.Args["page"]) != "0" {
		t.Fatalf("paged payout call: %+v", pd.Call)
	}
	out := c.submit(t, "stake", "payout", "--all", "--from", "ferdie")
	paid := e2eRewarded(t, out, ferdie)
	if diff := new(big.Int).Abs(sub(paid, stake)); paid.Sign() == 0 || diff.Cmp(new(big.Int).Div(stake, big.NewInt(1_000_000))) > 0 {
		t.Fatalf("paid %s, ksm estimated %s", paid, stake)
	}
	if s := c.stakeStatus(t, "ferdie"); len(s.Pending) != 0 {
		t.Fatalf("pending after the paged payout (ClaimedRewards): %+v", s.Pending)
	}
}
