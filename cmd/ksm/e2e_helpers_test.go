package main

// Helpers of the end-to-end suite: the ksm binary is built once (TestMain),
// each local chain (chopsticks on a raw chain spec of ../shared/testdata) is
// started once per test binary and shared, and each chain has one ksm home
// with the keys alice (//Alice) and bob (//Bob) imported, password
// e2ePassword.
//
// Tests of other topics add their own e2e_<topic>_test.go files and use:
//
//	c := e2eKusama(t)                       // or e2ePaseo(t)
//	r := c.ksm(t, "", "transfer", "bob", "1.5", "--from", "alice", "--yes", "--json")
//	r.ok(t)                                 // exit 0, or the test fails with stderr
//	var out e2eOutcome; r.json(t, &out)     // the cli.md outcome of a submitting command
//	st := c.query(t, e2eQ("query.system.account", c.Bob)) // @polkadot/api's view
//
// Tests run one after another on a shared chain: read the state before and
// after a step and assert on the difference, never on absolute values.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// e2ePassword is the keystore password of the suite's keys.
const e2ePassword = "e2e-password"

// e2eBinary is the ksm binary built by TestMain ("" when the build failed).
var e2eBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ksm-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin := filepath.Join(dir, "ksm")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build of ksm failed: %v\n", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	e2eBinary = bin
	code := m.Run()
	testenv.StopChopsticks()
	if e2eHomes != "" {
		os.RemoveAll(e2eHomes)
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// e2eChain is a shared local chain and a ksm home with alice and bob.
type e2eChain struct {
	Name  string // "kusama-local", "paseo-local"
	URL   string // ws://127.0.0.1:PORT
	Home  string
	Alice string // addresses as ksm prints them on this chain
	Bob   string
	// Decimals is the token's decimals as ksm reads them.
	Decimals int
	// AssetHubURL, when set, is an Asset Hub chain beside the relay at URL
	// (e2ePrivateKusamaAssetHub): ksm is given it as --asset-hub-rpc.
	AssetHubURL string
}

var (
	e2eChainsMu sync.Mutex
	e2eChains   = map[string]*e2eChain{}
	e2eHomes    string
)

// e2eKusama is the chain of kusama-local.json (Kusama runtime 1_000_000,
// metadata v15, no CheckMetadataHash).
func e2eKusama(t *testing.T) *e2eChain { return e2eStart(t, "kusama-local") }

// e2ePaseo is the chain of paseo-local.json (Paseo runtime 1_009_003,
// metadata v16, CheckMetadataHash, DryRunApi).
func e2ePaseo(t *testing.T) *e2eChain { return e2eStart(t, "paseo-local") }

func e2eStart(t *testing.T, name string) *e2eChain {
	t.Helper()
	spec := testenv.Shared(t, "chainspec", "local", name+".json")
	testenv.OracleDir(t)
	url := testenv.SharedChopsticks(t, spec)
	e2eChainsMu.Lock()
	defer e2eChainsMu.Unlock()
	if c, ok := e2eChains[name]; ok {
		return c
	}
	if e2eHomes == "" {
		dir, err := os.MkdirTemp("", "ksm-e2e-homes-")
		if err != nil {
			t.Fatal(err)
		}
		e2eHomes = dir // removed by TestMain
	}
	e2eWarmUp(t, url)
	c := &e2eChain{Name: name, URL: url, Home: filepath.Join(e2eHomes, name)}
	c.importDevKeys(t)
	e2eChains[name] = c
	return c
}

// e2ePrivateKusama is a kusama-local chain of the calling test alone
// (stopped when it ends), for a test that depends on the state of
// well-known accounts (//Charlie unbonded, no transaction of //Bob in the
// pool) which the tests sharing e2eKusama change. Its Home holds no key.
func e2ePrivateKusama(t *testing.T) *e2eChain {
	t.Helper()
	spec := testenv.Shared(t, "chainspec", "local", "kusama-local.json")
	testenv.OracleDir(t)
	url := testenv.StartChopsticks(t, spec)
	e2eWarmUp(t, url)
	c := &e2eChain{Name: "kusama-local", URL: url, Home: t.TempDir()}
	c.importDevKeys(t)
	return c
}

// importDevKeys imports //Alice and //Bob into c's home as alice and bob
// and reads their addresses and the chain's decimals.
func (c *e2eChain) importDevKeys(t *testing.T) {
	t.Helper()
	for _, k := range []struct{ name, suri string }{{"alice", "//Alice"}, {"bob", "//Bob"}} {
		c.ksm(t, k.suri+"\n", "key", "import", "--name", k.name, "--suri-stdin").ok(t)
	}
	var b struct {
		Address  string `json:"address"`
		Decimals int    `json:"decimals"`
	}
	c.ksm(t, "", "balance", "alice", "--json").ok(t).json(t, &b)
	c.Alice, c.Decimals = b.Address, b.Decimals
	c.Bob = c.address(t, "bob")
}

// e2ePrivateKusamaAssetHub is a kusama-local relay chain and an
// asset-hub-kusama-local Asset Hub chain of the calling test alone
// (stopped when it ends), side by side: its ksm runs are given the relay as
// --rpc and Asset Hub as --asset-hub-rpc on the default network (kusama),
// so that each command is routed to one of them as on Kusama. Its Home
// holds alice and bob; Alice and Bob are their addresses.
func e2ePrivateKusamaAssetHub(t *testing.T) *e2eChain {
	t.Helper()
	relaySpec := testenv.Shared(t, "chainspec", "local", "kusama-local.json")
	ahSpec := testenv.Shared(t, "chainspec", "local", "asset-hub-kusama-local.json")
	testenv.OracleDir(t)
	url, ahURL := testenv.StartChopsticks(t, relaySpec), testenv.StartChopsticks(t, ahSpec)
	e2eWarmUp(t, url)
	e2eWarmUp(t, ahURL)
	c := &e2eChain{Name: "kusama-local+asset-hub-kusama-local", URL: url, AssetHubURL: ahURL, Home: t.TempDir()}
	c.importDevKeys(t)
	return c
}

// e2eWarmUp builds blocks until the chain has one past genesis: chopsticks'
// first block build on these specs sometimes fails ("Timestamp slot must
// match CurrentSlot") and silently drops the transactions it held.
func e2eWarmUp(t *testing.T, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := rpc.Dial(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; i < 5; i++ {
		h, err := c.Header(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if h.Number >= 1 {
			return
		}
		if _, err := c.DevNewBlock(ctx, 1); err != nil {
			t.Logf("warm-up block %d: %v", i, err)
		}
	}
	t.Fatalf("chain at %s builds no block", url)
}

// address returns the address of a key of the home on this chain.
func (c *e2eChain) address(t *testing.T, key string) string {
	t.Helper()
	var b struct {
		Address string `json:"address"`
	}
	c.ksm(t, "", "balance", key, "--json").json(t, &b)
	return b.Address
}

// ksmResult is one run of the binary.
type ksmResult struct {
	Args           []string
	Code           int
	Stdout, Stderr string
	Took           time.Duration
}

// ksm runs the binary as a user would: --home, --rpc and --trust-rpc of the
// chain, KSM_PASSWORD set, stdin given.
func (c *e2eChain) ksm(t *testing.T, stdin string, args ...string) *ksmResult {
	t.Helper()
	full := append([]string{"--home", c.Home, "--rpc", c.URL, "--trust-rpc"}, args...)
	if c.AssetHubURL != "" {
		full = append([]string{"--asset-hub-rpc", c.AssetHubURL}, full...)
	}
	return e2eRun(t, map[string]string{"KSM_PASSWORD": e2ePassword}, stdin, full...)
}

// e2eRun runs the ksm binary with extra environment variables.
func e2eRun(t *testing.T, env map[string]string, stdin string, args ...string) *ksmResult {
	t.Helper()
	if e2eBinary == "" {
		t.Fatal("the ksm binary was not built")
	}
	cmd := exec.Command(e2eBinary, args...)
	cmd.Env = append(os.Environ(), "KSM_PASSWORD=", "KSM_HOME=")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	begin := time.Now()
	err := cmd.Run()
	r := &ksmResult{Args: args, Stdout: out.String(), Stderr: errb.String(), Took: time.Since(begin)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run ksm: %v", err)
	}
	t.Logf("ksm %s → exit %d in %v", strings.Join(e2eShortArgs(args), " "), r.Code, r.Took.Round(time.Millisecond))
	return r
}

// e2eShortArgs drops the common flags from a log line.
func e2eShortArgs(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--home", "--rpc", "--asset-hub-rpc":
			i++
			continue
		case "--trust-rpc":
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// ok fails the test unless the run exited 0.
func (r *ksmResult) ok(t *testing.T) *ksmResult {
	t.Helper()
	r.code(t, 0)
	return r
}

// code fails the test unless the run exited with want.
func (r *ksmResult) code(t *testing.T, want int) *ksmResult {
	t.Helper()
	if r.Code != want {
		t.Fatalf("ksm %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(e2eShortArgs(r.Args), " "), r.Code, want, r.Stdout, r.Stderr)
	}
	return r
}

// json decodes stdout into v (numbers as json.Number when v holds any).
func (r *ksmResult) json(t *testing.T, v any) {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(r.Stdout))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		t.Fatalf("ksm %s: stdout is not the expected JSON: %v\n%s\nstderr:\n%s", strings.Join(e2eShortArgs(r.Args), " "), err, r.Stdout, r.Stderr)
	}
}

// oracleJSON decodes an answer of @polkadot/api into v (numbers as
// json.Number where v holds any).
func oracleJSON(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		t.Fatalf("@polkadot/api: %v: %s", err, raw)
	}
}

// stderrHas fails the test unless stderr contains every part.
func (r *ksmResult) stderrHas(t *testing.T, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.Stderr, p) {
			t.Fatalf("ksm %s: stderr lacks %q:\n%s", strings.Join(e2eShortArgs(r.Args), " "), p, r.Stderr)
		}
	}
}

// e2eOutcome is the JSON of a submitting command (cli.md).
type e2eOutcome struct {
	ExtrinsicHash string         `json:"extrinsicHash"`
	BlockHash     string         `json:"blockHash"`
	BlockNumber   uint64         `json:"blockNumber"`
	Success       bool           `json:"success"`
	Fee           json.Number    `json:"fee"`
	Events        []e2eEvent     `json:"events"`
	Error         *e2eError      `json:"error"`
	Verified      *bool          `json:"verified"`
	Extra         map[string]any `json:"-"`
}

// e2eCallJSON is what the tests read of JSON that shows a decoded call
// (--dry-run --json, gov show --json).
type e2eCallJSON struct {
	Call struct {
		Pallet string         `json:"pallet"`
		Name   string         `json:"name"`
		Args   map[string]any `json:"args"`
	} `json:"call"`
}

type e2eEvent struct {
	Pallet string `json:"pallet"`
	Name   string `json:"name"`
	Fields any    `json:"fields"`
}

type e2eError struct {
	Pallet string `json:"pallet"`
	Name   string `json:"name"`
	Docs   string `json:"docs"`
}

// has reports whether the outcome has the event pallet.name.
func (o *e2eOutcome) has(pallet, name string) bool {
	for _, e := range o.Events {
		if e.Pallet == pallet && e.Name == name {
			return true
		}
	}
	return false
}

// submit runs a submitting command with --yes --json and returns its
// outcome, failing the test unless it exits 0 with success true.
func (c *e2eChain) submit(t *testing.T, args ...string) *e2eOutcome {
	t.Helper()
	r := c.ksm(t, "", append(args, "--yes", "--json")...).ok(t)
	var o e2eOutcome
	r.json(t, &o)
	if !o.Success || o.Error != nil {
		t.Fatalf("ksm %s: not a success: %+v\n%s", strings.Join(e2eShortArgs(r.Args), " "), o, r.Stderr)
	}
	if o.Verified == nil || *o.Verified {
		t.Fatalf("outcome must say verified: false under --trust-rpc, got %v", o.Verified)
	}
	return &o
}

// field is the number in field of the last pallet.name event of the
// outcome; t fails when there is no such event.
func (o *e2eOutcome) field(t *testing.T, pallet, name, field string) *big.Int {
	t.Helper()
	var v *big.Int
	for _, e := range o.Events {
		if e.Pallet == pallet && e.Name == name {
			v = e2eBigAny(t, e.Fields.(map[string]any)[field])
		}
	}
	if v == nil {
		t.Fatalf("no %s.%s: %+v", pallet, name, o.Events)
	}
	return v
}

// submitHas is submit that also wants the event pallet.name among the
// outcome's events.
func (c *e2eChain) submitHas(t *testing.T, pallet, name string, args ...string) *e2eOutcome {
	t.Helper()
	out := c.submit(t, args...)
	if !out.has(pallet, name) {
		t.Fatalf("no %s.%s: %+v", pallet, name, out.Events)
	}
	return out
}

// e2eQuery is one @polkadot/api query of .interop/e2e-query.mjs.
type e2eQuery map[string]any

// e2eQ builds a query ("query.system.account", args...).
func e2eQ(q string, args ...any) e2eQuery {
	if args == nil {
		args = []any{}
	}
	return e2eQuery{"q": q, "args": args}
}

// query asks @polkadot/api 16.5.6 (an implementation independent of ksm)
// and returns one JSON result per query.
func (c *e2eChain) query(t *testing.T, qs ...e2eQuery) []json.RawMessage {
	t.Helper()
	return e2eQueryAt(t, c.URL, qs...)
}

// e2eQueryAt is query on the chain at url.
func e2eQueryAt(t *testing.T, url string, qs ...e2eQuery) []json.RawMessage {
	t.Helper()
	in, _ := json.Marshal(map[string]any{"url": url, "queries": qs})
	out := testenv.Node(t, in, "e2e-query.mjs")
	var res []json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(qs) {
		t.Fatalf("e2e-query.mjs: %v: %s", err, out)
	}
	return res
}

// oracleFree returns the free balances of addresses by @polkadot/api.
func (c *e2eChain) oracleFree(t *testing.T, addrs ...string) []*big.Int {
	t.Helper()
	return e2eOracleFreeAt(t, c.URL, addrs...)
}

// e2eOracleFreeAt is oracleFree on the chain at url.
func e2eOracleFreeAt(t *testing.T, url string, addrs ...string) []*big.Int {
	t.Helper()
	var qs []e2eQuery
	for _, a := range addrs {
		qs = append(qs, e2eQ("query.system.account", a))
	}
	var out []*big.Int
	for _, raw := range e2eQueryAt(t, url, qs...) {
		var acc struct {
			Data struct {
				Free json.Number `json:"free"`
			} `json:"data"`
		}
		oracleJSON(t, raw, &acc)
		out = append(out, e2eBig(t, acc.Data.Free))
	}
	return out
}

// ksmBalance is `ksm balance X --json`.
type ksmBalance struct {
	Address            string      `json:"address"`
	Free               json.Number `json:"free"`
	Reserved           json.Number `json:"reserved"`
	Frozen             json.Number `json:"frozen"`
	Transferable       json.Number `json:"transferable"`
	ExistentialDeposit json.Number `json:"existentialDeposit"`
	Nonce              uint64      `json:"nonce"`
	BlockNumber        uint64      `json:"blockNumber"`
	Verified           *bool       `json:"verified"`
	Locks              []struct {
		ID     string      `json:"id"`
		Amount json.Number `json:"amount"`
	} `json:"locks"`
	Holds []struct {
		Reason string      `json:"reason"`
		Amount json.Number `json:"amount"`
	} `json:"holds"`
}

// balance is `ksm balance who --json`.
func (c *e2eChain) balance(t *testing.T, who string) *ksmBalance {
	t.Helper()
	var b ksmBalance
	c.ksm(t, "", "balance", who, "--json").ok(t).json(t, &b)
	return &b
}

// e2eBig parses an integer given as a JSON number or decimal string.
func e2eBig(t *testing.T, n json.Number) *big.Int {
	t.Helper()
	s := strings.Trim(string(n), `"`)
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("not an integer: %q", n)
	}
	return v
}

// e2eBigAny parses an integer held in a decoded JSON value.
func e2eBigAny(t *testing.T, v any) *big.Int {
	t.Helper()
	switch x := v.(type) {
	case json.Number:
		return e2eBig(t, x)
	case string:
		return e2eBig(t, json.Number(x))
	case float64:
		return big.NewInt(int64(x))
	}
	t.Fatalf("not an integer: %v (%T)", v, v)
	return nil
}

// sub returns a − b.
func sub(a, b *big.Int) *big.Int { return new(big.Int).Sub(a, b) }

// add returns the sum.
func add(vs ...*big.Int) *big.Int {
	s := new(big.Int)
	for _, v := range vs {
		s.Add(s, v)
	}
	return s
}

// decimals is the chain's token decimals as ksm reads them.
func (c *e2eChain) decimals(t *testing.T) int { return c.Decimals }
