package main

// End-to-end: OpenGov on the real Kusama runtime (kusama-local hosts
// Referenda and ConvictionVoting on the relay): a referendum is created
// (Preimage.note_preimage, Referenda.submit with a Root origin and a
// Lookup proposal, place_decision_deposit), then voted on with ksm gov
// (standard, split, split-abstain), votes read by ksm and @polkadot/api,
// removed, and a delegation made and ended.

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/hash"
)

func TestE2EGov(t *testing.T) {
	c := e2eKusama(t)
	dec := c.decimals(t)

	// The proposal: a System.remark call, noted as a preimage.
	var dr struct {
		CallHex string `json:"callHex"`
	}
	c.ksm(t, "", "tx", "call", "System.remark", "--args", `{"remark":"0x6b736d2d676f762d653265"}`, "--from", "alice", "--dry-run", "--json").ok(t).json(t, &dr)
	call, err := hex.DecodeString(strings.TrimPrefix(dr.CallHex, "0x"))
	if err != nil || len(call) < 3 {
		t.Fatalf("callHex %q", dr.CallHex)
	}
	ph := hash.Blake2b256(call)
	out := c.submit(t, "tx", "call", "Preimage.note_preimage", "--args", `{"bytes":"`+dr.CallHex+`"}`, "--from", "alice")
	if !out.has("Preimage", "Noted") {
		t.Fatalf("no Preimage.Noted: %+v", out.Events)
	}
	proposal := fmt.Sprintf(`{"Lookup":{"hash":"0x%x","len":%d}}`, ph[:], len(call))
	out = c.submit(t, "tx", "call", "Referenda.submit", "--args",
		`{"proposal_origin":{"system":"Root"},"proposal":`+proposal+`,"enactment_moment":{"After":10}}`, "--from", "alice")
	idx := uint32(out.field(t, "Referenda", "Submitted", "index").Uint64())
	out = c.submit(t, "tx", "call", "Referenda.place_decision_deposit", "--args", fmt.Sprintf(`{"index":%d}`, idx), "--from", "alice")
	if !out.has("Referenda", "DecisionDepositPlaced") {
		t.Fatalf("no DecisionDepositPlaced: %+v", out.Events)
	}
	n := fmt.Sprint(idx)

	t.Run("referenda-show", func(t *testing.T) {
		var list []map[string]any
		c.ksm(t, "", "gov", "referenda", "--json").ok(t).json(t, &list)
		var mine map[string]any
		for _, r := range list {
			if fmt.Sprint(r["index"]) == n {
				mine = r
			}
		}
		if mine == nil || mine["status"] != "Ongoing" || mine["trackName"] != "root" || mine["decisionDepositPlaced"] != true {
			t.Fatalf("referendum %d in gov referenda: %v", idx, mine)
		}
		// The thresholds come from the root track's curves at x = 0 (not
		// deciding yet): their ceilings, as @polkadot/api reads the constant.
		tracks := c.query(t, e2eQ("consts.referenda.tracks"))[0]
		var tr [][2]json.RawMessage
		if err := json.Unmarshal(tracks, &tr); err != nil {
			t.Fatal(err)
		}
		var root struct {
			Name        string                     `json:"name"`
			MinApproval map[string]json.RawMessage `json:"minApproval"`
			MinSupport  map[string]json.RawMessage `json:"minSupport"`
		}
		for _, p := range tr {
			if string(p[0]) == "0" {
				if err := json.Unmarshal(p[1], &root); err != nil {
					t.Fatal(err)
				}
			}
		}
		if want := govCurveStart(t, root.MinApproval); fmt.Sprint(mine["needApproval"]) != want {
			t.Fatalf("needApproval %v, the root track's approval curve starts at %s (%v)", mine["needApproval"], want, root.MinApproval)
		}
		if want := govCurveStart(t, root.MinSupport); fmt.Sprint(mine["needSupport"]) != want {
			t.Fatalf("needSupport %v, the root track's support curve starts at %s", mine["needSupport"], want)
		}
		// The table for people, and the tracks.
		if r := c.ksm(t, "", "gov", "referenda").ok(t); !strings.Contains(r.Stdout, "root") || !strings.Contains(r.Stdout, "preparing") {
			t.Fatalf("gov referenda:\n%s", r.Stdout)
		}
		var tks []map[string]any
		c.ksm(t, "", "gov", "tracks", "--json").ok(t).json(t, &tks)
		if len(tks) != len(tr) || tks[0]["name"] != root.Name {
			t.Fatalf("gov tracks: %d tracks (oracle %d), first %v", len(tks), len(tr), tks[0]["name"])
		}
		// show decodes the proposal from its preimage.
		var sh e2eCallJSON
		c.ksm(t, "", "gov", "show", n, "--json").ok(t).json(t, &sh)
		if sh.Call.Pallet != "System" || sh.Call.Name != "remark" || sh.Call.Args["remark"] != "0x6b736d2d676f762d653265" {
			t.Fatalf("gov show call: %+v", sh.Call)
		}
	})

	oracleVoting := func(t *testing.T, who string, track int) map[string]any {
		var v map[string]any
		oracleJSON(t, c.query(t, e2eQ("query.convictionVoting.votingFor", who, track))[0], &v)
		return v
	}
	castVotes := func(t *testing.T, who string) string {
		b, _ := json.Marshal(oracleVoting(t, who, 0)["casting"].(map[string]any)["votes"])
		return string(b)
	}
	oracleTally := func(t *testing.T) map[string]any {
		var v map[string]map[string]any
		if err := json.Unmarshal(c.query(t, e2eQ("query.referenda.referendumInfoFor", idx))[0], &v); err != nil {
			t.Fatal(err)
		}
		tally, _ := v["ongoing"]["tally"].(map[string]any)
		return tally
	}
	one := tokens(1, dec)

	t.Run("vote-standard", func(t *testing.T) {
		before := oracleTally(t)
		out := c.submit(t, "gov", "vote", n, "aye", "--amount", "1", "--conviction", "2x", "--from", "alice")
		if !out.has("ConvictionVoting", "Voted") && !out.has("System", "ExtrinsicSuccess") {
			t.Fatalf("events %+v", out.Events)
		}
		after := oracleTally(t)
		if got := sub(govJBig(t, after["ayes"]), govJBig(t, before["ayes"])); got.Cmp(new(big.Int).Mul(one, big.NewInt(2))) != 0 {
			t.Fatalf("ayes grew by %s, want 2 × 1 token (conviction 2x)", got)
		}
		if got := sub(govJBig(t, after["support"]), govJBig(t, before["support"])); got.Cmp(one) != 0 {
			t.Fatalf("support grew by %s, want 1 token", got)
		}
		votes := castVotes(t, c.Alice)
		if !strings.Contains(votes, fmt.Sprintf(`[%d,{"standard":{"balance":%s,"vote":{"aye":true,"conviction":"Locked2x"}}}]`, idx, one)) {
			t.Fatalf("@polkadot/api votingFor: %s", votes)
		}
		kv := govKsmVotes(t, c, "alice")
		if !strings.Contains(kv, `"referendum":`+n) || !strings.Contains(kv, `{"Standard":{"balance":`+one.String()+`,"vote":{"aye":true,"conviction":"Locked2x"}}}`) {
			t.Fatalf("ksm gov votes: %s", kv)
		}
	})

	t.Run("vote-split-and-abstain", func(t *testing.T) {
		c.submit(t, "gov", "vote", n, "--split-aye", "2", "--split-nay", "1", "--from", "bob")
		v := castVotes(t, c.Bob)
		if !strings.Contains(v, fmt.Sprintf(`{"split":{"aye":%s,"nay":%s}}`, tokens(2, dec), one)) {
			t.Fatalf("@polkadot/api votingFor bob: %s", v)
		}
		if kv := govKsmVotes(t, c, c.Bob); !strings.Contains(kv, `{"Split":{"aye":`+tokens(2, dec).String()+`,"nay":`+one.String()+`}}`) {
			t.Fatalf("ksm gov votes bob: %s", kv)
		}
		// Alice's vote becomes a split-abstain vote (a new vote replaces the old).
		before := oracleTally(t)
		c.submit(t, "gov", "vote", n, "abstain", "--amount", "3", "--split-aye", "1", "--from", "alice")
		v = castVotes(t, c.Alice)
		if !strings.Contains(v, fmt.Sprintf(`{"splitAbstain":{"abstain":%s,"aye":%s,"nay":0}}`, tokens(3, dec), one)) {
			t.Fatalf("@polkadot/api votingFor alice: %s", v)
		}
		after := oracleTally(t)
		// ayes: −2 (the 2x vote) + 0.1 × 1 (split votes count 0.1x).
		want := new(big.Int).Sub(new(big.Int).Div(one, big.NewInt(10)), new(big.Int).Mul(one, big.NewInt(2)))
		if got := sub(govJBig(t, after["ayes"]), govJBig(t, before["ayes"])); got.Cmp(want) != 0 {
			t.Fatalf("ayes changed by %s, want %s", got, want)
		}
	})

	t.Run("remove-vote", func(t *testing.T) {
		c.submit(t, "gov", "remove-vote", n, "--from", "bob")
		if v := castVotes(t, c.Bob); v != "[]" {
			t.Fatalf("bob's votes after remove-vote: %s", v)
		}
		if kv := govKsmVotes(t, c, c.Bob); strings.Contains(kv, `"referendum":`+n) {
			t.Fatalf("ksm still shows bob's vote: %s", kv)
		}
		// No vote left to remove: refused before signing.
		c.ksm(t, "", "gov", "remove-vote", n, "--from", "bob", "--yes").code(t, 1).stderrHas(t, "no vote on referendum")
	})

	t.Run("missing-referendum", func(t *testing.T) {
		nonce := c.balance(t, "alice").Nonce
		c.ksm(t, "", "gov", "vote", "99999", "aye", "--amount", "1", "--from", "alice", "--yes").code(t, 1).stderrHas(t, "referendum 99999 does not exist")
		if got := c.balance(t, "alice").Nonce; got != nonce {
			t.Fatalf("nonce moved %d → %d: something was submitted", nonce, got)
		}
	})

	t.Run("delegate-undelegate", func(t *testing.T) {
		c.submit(t, "gov", "delegate", "small_tipper", "alice", "--amount", "2", "--conviction", "1x", "--from", "bob")
		d := oracleVoting(t, c.Bob, 30)
		del, ok := d["delegating"].(map[string]any)
		if !ok || del["target"] != c.Alice || govJBig(t, del["balance"]).Cmp(tokens(2, dec)) != 0 || del["conviction"] != "Locked1x" {
			t.Fatalf("@polkadot/api votingFor bob track 30: %v", d)
		}
		if kv := govKsmVotes(t, c, c.Bob); !strings.Contains(kv, `"kind":"Delegating"`) || !strings.Contains(kv, c.Alice) {
			t.Fatalf("ksm gov votes bob: %s", kv)
		}
		c.submit(t, "gov", "undelegate", "30", "--from", "bob")
		d = oracleVoting(t, c.Bob, 30)
		if _, ok := d["casting"]; !ok {
			t.Fatalf("after undelegate: %v", d)
		}
		// The lock of the delegation stays until its conviction period ends:
		// unlock runs, and the prior lock stays.
		c.submit(t, "gov", "unlock", "small_tipper", "--from", "bob")
	})
}

// govKsmVotes is `ksm gov votes WHO --json` as compact JSON text.
func govKsmVotes(t *testing.T, c *e2eChain, who string) string {
	t.Helper()
	r := c.ksm(t, "", "gov", "votes", who, "--json").ok(t)
	var v any
	r.json(t, &v)
	b, _ := json.Marshal(v)
	return string(b)
}

// govJBig reads an integer of a decoded JSON value (float64 or string).
func govJBig(t *testing.T, v any) *big.Int {
	t.Helper()
	switch x := v.(type) {
	case float64:
		b, _ := new(big.Float).SetFloat64(x).Int(nil)
		return b
	case string:
		b, ok := new(big.Int).SetString(strings.TrimPrefix(x, "0x"), map[bool]int{true: 16, false: 10}[strings.HasPrefix(x, "0x")])
		if !ok {
			t.Fatalf("not an integer: %q", x)
		}
		return b
	case json.Number:
		return e2eBig(t, x)
	}
	t.Fatalf("not an integer: %v (%T)", v, v)
	return nil
}

// govCurveStart is a curve's value at x = 0 as @polkadot/api gives the curve.
func govCurveStart(t *testing.T, c map[string]json.RawMessage) string {
	t.Helper()
	for kind, raw := range c {
		var f map[string]json.Number
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatal(err)
		}
		switch kind {
		case "linearDecreasing":
			return string(f["ceil"])
		case "steppedDecreasing":
			return string(f["begin"])
		case "reciprocal":
			fa, xo, yo := e2eBig(t, f["factor"]), e2eBig(t, f["xOffset"]), e2eBig(t, f["yOffset"])
			q := new(big.Int).Mul(fa, big.NewInt(1e18))
			q.Quo(q, xo).Add(q, yo).Quo(q, big.NewInt(1e9))
			if q.Cmp(big.NewInt(1e9)) > 0 {
				q.SetInt64(1e9)
			}
			if q.Sign() < 0 {
				q.SetInt64(0)
			}
			return q.String()
		}
	}
	t.Fatalf("unknown curve %v", c)
	return ""
}
