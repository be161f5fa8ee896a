package main

// End-to-end: proxies and multisig on the real Kusama runtime. //Ferdie
// (endowed) funds keys derived from it; an Any proxy transfers for it with
// --as, a Staking proxy's transfer is filtered (exit 4, nothing moved), a
// pure proxy is created, funded and used, and a 2-of-3 multisig's transfer
// is proposed by one signatory and approved by a second whose ksm home
// shares nothing with the first: its ksm fetches the call data from the
// chain and proves it. A second operation is cancelled and its deposit
// returned. State is checked through @polkadot/api.

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

type e2eProxyOutcome struct {
	e2eOutcome
	InnerFailed bool `json:"innerFailed"`
	Pure        *struct {
		Address string `json:"address"`
		Name    string `json:"name"`
		Height  uint64 `json:"height"`
	} `json:"pure"`
}

// reserved returns the reserved balance of addr by @polkadot/api.
func (c *e2eChain) oracleReserved(t *testing.T, addr string) *big.Int {
	t.Helper()
	var acc struct {
		Data struct {
			Reserved json.Number `json:"reserved"`
		} `json:"data"`
	}
	if err := json.Unmarshal(c.query(t, e2eQ("query.system.account", addr))[0], &acc); err != nil {
		t.Fatal(err)
	}
	return e2eBig(t, acc.Data.Reserved)
}

func TestE2EProxyMultisig(t *testing.T) {
	base := e2eKusama(t)
	c := *base
	c.Home = t.TempDir()
	keys := []struct{ name, suri string }{
		{"ferdie", "//Ferdie"}, {"hot", "//Ferdie//hot"}, {"stk", "//Ferdie//stk"},
		{"s1", "//Ferdie//s1"}, {"s2", "//Ferdie//s2"}, {"s3", "//Ferdie//s3"},
	}
	addr := map[string]string{}
	for _, k := range keys {
		c.ksm(t, k.suri+"\n", "key", "import", "--name", k.name, "--suri-stdin").ok(t)
		addr[k.name] = c.address(t, k.name)
	}
	tok := func(n int64) *big.Int { return tokens(n, c.Decimals) }
	for _, k := range []string{"hot", "stk", "s1", "s2"} {
		c.submit(t, "transfer", k, "50", "--from", "ferdie")
	}

	// Proxies: hot is Any, stk is Staking; both directions listed.
	c.submit(t, "proxy", "add", "hot", "--type", "any", "--from", "ferdie")
	c.submit(t, "proxy", "add", "stk", "--type", "Staking", "--from", "ferdie")
	var list struct {
		Proxies []struct{ Delegate, Type string } `json:"proxies"`
		ActsFor []struct {
			Real, Name, Type string
		} `json:"actsFor"`
		Types []string `json:"proxyTypes"`
	}
	c.ksm(t, "", "proxy", "list", "ferdie", "--json").ok(t).json(t, &list)
	if len(list.Proxies) != 2 || !strings.Contains(strings.Join(list.Types, ","), "NonTransfer") {
		t.Fatalf("proxy list ferdie: %+v", list)
	}
	got := map[string]string{}
	for _, p := range list.Proxies {
		got[p.Delegate] = p.Type
	}
	if got[addr["hot"]] != "Any" || got[addr["stk"]] != "Staking" {
		t.Fatalf("proxies %v", got)
	}
	var oracleProxies []any
	if err := json.Unmarshal(c.query(t, e2eQ("query.proxy.proxies", addr["ferdie"]))[0], &oracleProxies); err != nil || len(oracleProxies) != 2 {
		t.Fatalf("@polkadot/api proxy.proxies: %v %v", oracleProxies, err)
	}
	list.ActsFor = nil
	c.ksm(t, "", "proxy", "list", "hot", "--json").ok(t).json(t, &list)
	if len(list.ActsFor) != 1 || list.ActsFor[0].Real != addr["ferdie"] || list.ActsFor[0].Type != "Any" {
		t.Fatalf("proxy list hot: actsFor %+v", list.ActsFor)
	}

	// A transfer with --as through the Any proxy: ferdie pays the amount,
	// hot only the fee.
	before := c.oracleFree(t, addr["ferdie"], addr["hot"], c.Bob)
	r := c.ksm(t, "", "transfer", c.Bob, "1", "--as", "ferdie", "--from", "hot", "--yes", "--json").ok(t)
	var o e2eProxyOutcome
	r.json(t, &o)
	if !o.Success || !o.has("Proxy", "ProxyExecuted") {
		t.Fatalf("transfer --as: %+v\n%s", o, r.Stderr)
	}
	r.stderrHas(t, "Acts for:", "Proxy.proxy", "transfer_keep_alive")
	after := c.oracleFree(t, addr["ferdie"], addr["hot"], c.Bob)
	if d := new(big.Int).Sub(after[2], before[2]); d.Cmp(tok(1)) != 0 {
		t.Fatalf("bob received %s, want %s", d, tok(1))
	}
	if d := new(big.Int).Sub(before[0], after[0]); d.Cmp(tok(1)) != 0 {
		t.Fatalf("ferdie sent %s, want %s", d, tok(1))
	}
	if d := new(big.Int).Sub(before[1], after[1]); d.Cmp(e2eBig(t, o.Fee)) != 0 {
		t.Fatalf("hot paid %s, the fee is %s", d, o.Fee)
	}

	// The Staking proxy cannot transfer: included (the dry run skipped),
	// the inner call filtered: exit 4 with System.CallFiltered, nothing moved.
	before = c.oracleFree(t, addr["ferdie"], c.Bob)
	r = c.ksm(t, "", "transfer", c.Bob, "1", "--as", "ferdie", "--from", "stk", "--skip-dry-run", "--yes", "--json").code(t, 4)
	o = e2eProxyOutcome{}
	r.json(t, &o)
	if o.Success || !o.InnerFailed || o.Error == nil || o.Error.Name != "CallFiltered" {
		t.Fatalf("filtered transfer: %+v\n%s", o, r.Stderr)
	}
	after = c.oracleFree(t, addr["ferdie"], c.Bob)
	if after[0].Cmp(before[0]) != 0 || after[1].Cmp(before[1]) != 0 {
		t.Fatalf("a filtered transfer moved funds: %v → %v", before, after)
	}
	// With the dry run it is refused before signing.
	r = c.ksm(t, "", "transfer", c.Bob, "1", "--as", "ferdie", "--from", "stk", "--yes", "--json")
	t.Logf("filtered transfer with the dry run: exit %d: %s", r.Code, lastLine(r.Stderr))
	// The Staking proxy nominates for the stash.
	var vals []string
	if err := json.Unmarshal(c.query(t, e2eQ("query.session.validators"))[0], &vals); err != nil || len(vals) == 0 {
		t.Fatalf("validators: %v %v", vals, err)
	}
	c.submit(t, "stake", "bond", "10", "--from", "ferdie")
	c.submit(t, "stake", "nominate", vals[0], "--as", "ferdie", "--from", "stk")
	var nom struct {
		Targets []string `json:"targets"`
	}
	if err := json.Unmarshal(c.query(t, e2eQ("query.staking.nominators", addr["ferdie"]))[0], &nom); err != nil || len(nom.Targets) != 1 {
		t.Fatalf("nominators of ferdie: %+v %v", nom, err)
	}
	if id(t, &c, nom.Targets[0]) != id(t, &c, vals[0]) {
		t.Fatalf("nominated %s, want %s", nom.Targets[0], vals[0])
	}
	// A key that is no proxy at all: exit 2 before signing.
	c.ksm(t, "", "transfer", c.Bob, "1", "--as", "ferdie", "--from", "s3", "--yes").code(t, 2).stderrHas(t, "cannot act for")

	// A pure proxy: created, stored, funded, used.
	r = c.ksm(t, "", "proxy", "pure", "create", "--type", "Any", "--from", "hot", "--name", "vault", "--yes", "--json").ok(t)
	o = e2eProxyOutcome{}
	r.json(t, &o)
	if o.Pure == nil || o.Pure.Name != "vault" || !o.has("Proxy", "PureCreated") {
		t.Fatalf("pure create: %+v", o)
	}
	if v := c.address(t, "vault"); v != o.Pure.Address {
		t.Fatalf("address book vault %s, created %s", v, o.Pure.Address)
	}
	c.submit(t, "transfer", "vault", "5", "--from", "ferdie")
	before = c.oracleFree(t, o.Pure.Address, c.Bob)
	c.submit(t, "transfer", c.Bob, "2", "--as", "vault", "--from", "hot")
	after = c.oracleFree(t, o.Pure.Address, c.Bob)
	if new(big.Int).Sub(before[0], after[0]).Cmp(tok(2)) != 0 || new(big.Int).Sub(after[1], before[1]).Cmp(tok(2)) != 0 {
		t.Fatalf("pure transfer: %v → %v", before, after)
	}

	// Killing the pure account (its creation read from the address book):
	// its proxy is gone and hot's deposit returned.
	hotRes := c.oracleReserved(t, addr["hot"])
	r = c.ksm(t, "", "proxy", "pure", "kill", "vault", "--from", "hot", "--yes", "--json").ok(t)
	r.stderrHas(t, "still holds")
	var pureProxies []any
	if err := json.Unmarshal(c.query(t, e2eQ("query.proxy.proxies", o.Pure.Address))[0], &pureProxies); err != nil || len(pureProxies) != 2 || len(pureProxies[0].([]any)) != 0 {
		t.Fatalf("proxies of the killed pure account: %v %v", pureProxies, err)
	}
	if got := c.oracleReserved(t, addr["hot"]); got.Cmp(hotRes) >= 0 {
		t.Fatalf("hot's reserve %s → %s: the pure deposit was not returned", hotRes, got)
	}

	// A 2-of-3 multisig: s1 proposes, s2 (another home) approves with the
	// call data its ksm fetched and proved.
	var ms struct {
		Address     string   `json:"address"`
		Signatories []string `json:"signatories"`
	}
	c.ksm(t, "", "multisig", "new", "treasury", "--threshold", "2", "s1", "s2", "s3", "--json").ok(t).json(t, &ms)
	other := *base
	other.Home = t.TempDir()
	other.ksm(t, "//Ferdie//s2\n", "key", "import", "--name", "me", "--suri-stdin").ok(t)
	var ms2 struct {
		Address string `json:"address"`
	}
	// The other home names the signatories by address, in another order.
	other.ksm(t, "", "multisig", "new", "team", "--threshold", "2", addr["s3"], "me", addr["s1"], "--json").ok(t).json(t, &ms2)
	if ms2.Address != ms.Address {
		t.Fatalf("multisig address %s in one home, %s in the other", ms.Address, ms2.Address)
	}
	var sl struct {
		SignatoryOf []struct{ Address string } `json:"signatoryOf"`
	}
	c.ksm(t, "", "proxy", "list", "s2", "--json").ok(t).json(t, &sl)
	if len(sl.SignatoryOf) != 1 || sl.SignatoryOf[0].Address != ms.Address {
		t.Fatalf("proxy list s2: signatoryOf %+v", sl.SignatoryOf)
	}
	c.submit(t, "transfer", "treasury", "20", "--from", "ferdie")
	before = c.oracleFree(t, ms.Address, c.Bob)
	o1 := c.submit(t, "transfer", c.Bob, "3", "--as", "treasury", "--from", "s1")
	if !o1.has("Multisig", "NewMultisig") {
		t.Fatalf("proposal: %+v", o1)
	}
	var pend []struct {
		CallHash  string   `json:"callHash"`
		Approvals []string `json:"approvals"`
		Call      *struct {
			Pallet, Name string
		} `json:"call"`
		Proven    bool   `json:"callProven"`
		Note      string `json:"callNote"`
		Depositor string `json:"depositor"`
	}
	other.ksm(t, "", "multisig", "pending", "team", "--json").ok(t).json(t, &pend)
	// Under --trust-rpc the call is found by its hash but not proven:
	// chopsticks writes a mock extrinsics root.
	if len(pend) != 1 || pend[0].Proven || !strings.Contains(pend[0].Note, "not proven") || pend[0].Call == nil || pend[0].Call.Name != "transfer_keep_alive" ||
		len(pend[0].Approvals) != 1 || pend[0].Approvals[0] != addr["s1"] || pend[0].Depositor != addr["s1"] {
		t.Fatalf("pending: %+v", pend)
	}
	r = other.ksm(t, "", "multisig", "approve", "team", pend[0].CallHash, "--from", "me", "--yes", "--json").ok(t)
	o = e2eProxyOutcome{}
	r.json(t, &o)
	if !o.Success || !o.has("Multisig", "MultisigExecuted") {
		t.Fatalf("approval: %+v\n%s", o, r.Stderr)
	}
	r.stderrHas(t, "transfer_keep_alive", "last approval")
	after = c.oracleFree(t, ms.Address, c.Bob)
	if new(big.Int).Sub(before[0], after[0]).Cmp(tok(3)) != 0 || new(big.Int).Sub(after[1], before[1]).Cmp(tok(3)) != 0 {
		t.Fatalf("multisig transfer: %v → %v", before, after)
	}

	// Cancel: the deposit comes back.
	res0 := c.oracleReserved(t, addr["s1"])
	c.submit(t, "transfer", c.Bob, "4", "--as", "treasury", "--from", "s1")
	res1 := c.oracleReserved(t, addr["s1"])
	if res1.Cmp(res0) <= 0 {
		t.Fatalf("no deposit reserved: %s → %s", res0, res1)
	}
	pend = nil
	c.ksm(t, "", "multisig", "pending", "treasury", "--json").ok(t).json(t, &pend)
	if len(pend) != 1 {
		t.Fatalf("pending: %+v", pend)
	}
	other.ksm(t, "", "multisig", "cancel", "team", pend[0].CallHash, "--from", "me", "--yes").code(t, 2).stderrHas(t, "only the depositor")
	c.submit(t, "multisig", "cancel", "treasury", pend[0].CallHash, "--from", "s1")
	if res2 := c.oracleReserved(t, addr["s1"]); res2.Cmp(res0) != 0 {
		t.Fatalf("deposit not returned: %s → %s → %s", res0, res1, res2)
	}
	pend = nil
	c.ksm(t, "", "multisig", "pending", "treasury", "--json").ok(t).json(t, &pend)
	if len(pend) != 0 {
		t.Fatalf("pending after cancel: %+v", pend)
	}

	// Removing a proxy.
	c.submit(t, "proxy", "remove", "stk", "--type", "staking", "--from", "ferdie")
	c.ksm(t, "", "proxy", "remove", "stk", "--type", "Staking", "--from", "ferdie", "--yes").code(t, 2)
}

// id is the account id of an address as ksm reads it (any prefix).
func id(t *testing.T, c *e2eChain, addr string) string {
	t.Helper()
	var out struct {
		Address string `json:"address"`
	}
	c.ksm(t, "", "balance", addr, "--json").ok(t).json(t, &out)
	return out.Address
}
