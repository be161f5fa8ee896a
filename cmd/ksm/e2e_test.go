package main

// The end-to-end suite: the ksm binary against real Kusama and Paseo
// runtimes executed by chopsticks (../shared/docs/local-chain.md), checked
// through ksm and through @polkadot/api. See e2e_helpers_test.go for the
// harness that other topics' e2e_<topic>_test.go files share.

import (
	"bufio"
	"encoding/json"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestE2ECore runs the core transaction pipeline on both chains at once.
func TestE2ECore(t *testing.T) {
	for _, name := range []string{"kusama-local", "paseo-local"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := e2eStart(t, name)
			t.Run("balance", func(t *testing.T) { e2eBalance(t, c) })
			t.Run("transfer", func(t *testing.T) { e2eTransfers(t, c) })
			t.Run("batch", func(t *testing.T) { e2eBatch(t, c) })
			t.Run("failed-on-chain", func(t *testing.T) { e2eFailedOnChain(t, c) })
			t.Run("submit-hex", func(t *testing.T) { e2eSubmitHex(t, c) })
			t.Run("refusals", func(t *testing.T) { e2eRefusals(t, c) })
			t.Run("disconnect", func(t *testing.T) { e2eDisconnect(t, c) })
			if name == "paseo-local" {
				t.Run("metadata-hash", func(t *testing.T) { e2eMetadataHash(t, c) })
			}
		})
	}
}

// e2eBalance: ksm's balance equals @polkadot/api's; the access modes.
func e2eBalance(t *testing.T, c *e2eChain) {
	b := c.balance(t, "alice")
	if b.Verified == nil || *b.Verified {
		t.Fatalf("balance --json must say verified: false under --trust-rpc")
	}
	if b.Address != c.Alice {
		t.Fatalf("address %s, want %s", b.Address, c.Alice)
	}
	res := c.query(t, e2eQ("query.system.account", c.Alice), e2eQuery{"q": "consts.balances.existentialDeposit"})
	var acc struct {
		Data struct {
			Free json.Number `json:"free"`
		} `json:"data"`
	}
	if err := json.Unmarshal(res[0], &acc); err != nil {
		t.Fatal(err)
	}
	if e2eBig(t, b.Free).Cmp(e2eBig(t, acc.Data.Free)) != 0 {
		t.Fatalf("ksm free %s, @polkadot/api %s", b.Free, acc.Data.Free)
	}
	if strings.Trim(string(res[1]), `"`) != string(b.ExistentialDeposit) {
		t.Fatalf("existential deposit %s, @polkadot/api %s", b.ExistentialDeposit, res[1])
	}
	// The human form, with the chain's symbol.
	r := c.ksm(t, "", "balance", "bob").ok(t)
	if !strings.Contains(r.Stdout, "transferable") || !strings.Contains(r.Stderr, "not verified") {
		t.Fatalf("balance text:\n%s\n%s", r.Stdout, r.Stderr)
	}
	// Without --trust-rpc: exit 3; without --rpc: exit 5.
	e2eRun(t, nil, "", "--home", c.Home, "--rpc", c.URL, "balance", "alice").code(t, 3).stderrHas(t, "--trust-rpc")
	e2eRun(t, nil, "", "--home", c.Home, "balance", "alice").code(t, 5).stderrHas(t, "light client")
}

// e2eTransfers: keep-alive and allow-death transfers move exactly the
// amount plus the fee the outcome reports, seen by ksm and @polkadot/api.
func e2eTransfers(t *testing.T, c *e2eChain) {
	dec := c.Decimals
	for _, tc := range []struct {
		name     string
		from, to string
		fromAddr string
		toAddr   string
		amount   string
		planck   *big.Int
		flags    []string
		call     string
	}{
		{"keep-alive", "alice", "bob", c.Alice, c.Bob, "1.5", tokens(15, dec-1), nil, "transfer_keep_alive"},
		{"allow-death", "bob", "alice", c.Bob, c.Alice, "250000000planck", big.NewInt(250000000), []string{"--allow-death"}, "transfer_allow_death"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := c.oracleFree(t, tc.fromAddr, tc.toAddr)
			out := c.submit(t, append([]string{"transfer", tc.to, tc.amount, "--from", tc.from}, tc.flags...)...)
			fee := e2eBig(t, out.Fee)
			if fee.Sign() <= 0 || !out.has("Balances", "Transfer") || !out.has("System", "ExtrinsicSuccess") || !out.has("TransactionPayment", "TransactionFeePaid") {
				t.Fatalf("outcome: fee %s events %+v", fee, out.Events)
			}
			after := c.oracleFree(t, tc.fromAddr, tc.toAddr)
			if got, want := sub(before[0], after[0]), add(tc.planck, fee); got.Cmp(want) != 0 {
				t.Fatalf("sender paid %s, want amount %s + fee %s = %s", got, tc.planck, fee, want)
			}
			if got := sub(after[1], before[1]); got.Cmp(tc.planck) != 0 {
				t.Fatalf("recipient got %s, want %s", got, tc.planck)
			}
			// ksm reads the same state.
			if b := c.balance(t, tc.from); e2eBig(t, b.Free).Cmp(after[0]) != 0 {
				t.Fatalf("ksm balance %s, @polkadot/api %s", b.Free, after[0])
			}
			// The call that was signed is the one asked for.
			var tr map[string]any
			for _, e := range out.Events {
				if e.Pallet == "Balances" && e.Name == "Transfer" {
					tr, _ = e.Fields.(map[string]any)
				}
			}
			if tr["from"] != tc.fromAddr || tr["to"] != tc.toAddr || e2eBigAny(t, tr["amount"]).Cmp(tc.planck) != 0 {
				t.Fatalf("Transfer event %v", tr)
			}
		})
	}
}

// e2eBatch: two transfers as one Utility.batch_all through tx call.
func e2eBatch(t *testing.T, c *e2eChain) {
	dec := c.Decimals
	one, two := tokens(1, dec), tokens(2, dec)
	before := c.oracleFree(t, c.Alice, c.Bob)
	out := c.submit(t, "tx", "call", "Balances.transfer_keep_alive", "--args", `{"dest":"`+c.Bob+`","value":"`+one.String()+`"}`,
		"--call", "Balances.transfer_keep_alive", "--args", `{"dest":"`+c.Bob+`","value":`+two.String()+`}`,
		"--batch", "--from", "alice")
	if !out.has("Utility", "BatchCompleted") {
		t.Fatalf("no Utility.BatchCompleted: %+v", out.Events)
	}
	n := 0
	for _, e := range out.Events {
		if e.Pallet == "Balances" && e.Name == "Transfer" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d Balances.Transfer events, want 2", n)
	}
	after := c.oracleFree(t, c.Alice, c.Bob)
	fee := e2eBig(t, out.Fee)
	if got, want := sub(before[0], after[0]), add(one, two, fee); got.Cmp(want) != 0 {
		t.Fatalf("alice paid %s, want %s", got, want)
	}
	if got := sub(after[1], before[1]); got.Cmp(add(one, two)) != 0 {
		t.Fatalf("bob got %s, want %s", got, add(one, two))
	}
	// Several calls without --batch are refused before anything is built.
	c.ksm(t, "", "tx", "call", "System.remark", "--args", `{"remark":"0x01"}`, "--call", "System.remark", "--args", `{"remark":"0x02"}`, "--from", "alice", "--yes").code(t, 2).stderrHas(t, "--batch")
	// A JSON array on stdin, dry run only.
	r := c.ksm(t, `[{"pallet":"System","name":"remark","args":{"remark":"0x01"}},{"pallet":"System","name":"remark","args":{"remark":"0x02"}}]`,
		"tx", "call", "--calls-stdin", "--batch", "--from", "alice", "--dry-run", "--json").ok(t)
	var dr struct {
		DryRun bool `json:"dryRun"`
		Call   struct {
			Pallet string `json:"pallet"`
			Name   string `json:"name"`
		} `json:"call"`
	}
	r.json(t, &dr)
	if !dr.DryRun || dr.Call.Pallet != "Utility" || dr.Call.Name != "batch_all" {
		t.Fatalf("dry run: %+v", dr)
	}
}

// e2eFailedOnChain: a call that fails on chain (the dry run skipped) is
// included, pays its fee, and is reported with its decoded module error
// and exit code 4.
func e2eFailedOnChain(t *testing.T, c *e2eChain) {
	before := c.oracleFree(t, c.Alice)[0]
	r := c.ksm(t, "", "tx", "call", "Proxy.remove_proxy", "--args", `{"delegate":"`+c.Bob+`","proxy_type":"Any","delay":0}`,
		"--from", "alice", "--skip-dry-run", "--yes", "--json").code(t, 4)
	var o e2eOutcome
	r.json(t, &o)
	if o.Success || o.Error == nil || o.Error.Pallet != "Proxy" || o.Error.Name != "NotFound" || o.Error.Docs == "" || !o.has("System", "ExtrinsicFailed") {
		t.Fatalf("outcome %+v error %+v", o, o.Error)
	}
	r.stderrHas(t, "included", "failed", "Proxy.NotFound")
	// The fee was paid all the same.
	if got := sub(before, c.oracleFree(t, c.Alice)[0]); got.Cmp(e2eBig(t, o.Fee)) != 0 {
		t.Fatalf("alice paid %s, the outcome says fee %s", got, o.Fee)
	}
}

// e2eSubmitHex: a transaction signed by polkadot-js, submitted by ksm.
func e2eSubmitHex(t *testing.T, c *e2eChain) {
	res := c.query(t, e2eQuery{"q": "sign", "suri": "//Alice", "to": c.Bob, "value": "12345000000"}, e2eQ("query.system.account", c.Bob))
	var hexTx string
	if err := json.Unmarshal(res[0], &hexTx); err != nil {
		t.Fatal(err)
	}
	before := e2eAccountFree(t, res[1])
	r := c.ksm(t, hexTx+"\n", "tx", "submit", "-", "--dry-run").ok(t)
	r.stderrHas(t, "transfer_keep_alive", "Signer:    "+c.Alice, "Dry run only")
	out := c.submit(t, "tx", "submit", hexTx)
	if !out.has("Balances", "Transfer") {
		t.Fatalf("events %+v", out.Events)
	}
	after := c.query(t, e2eQ("query.system.account", c.Bob), e2eQ("query.system.account", c.Alice))
	if got := sub(e2eAccountFree(t, after[0]), before); got.Int64() != 12345000000 {
		t.Fatalf("bob got %s", got)
	}
	// The same bytes again: refused by the chain (stale nonce), reported.
	c.ksm(t, "", "tx", "submit", hexTx, "--yes").code(t, 1).stderrHas(t, "Stale")
	// ksm account: nonce and balance agree with @polkadot/api.
	var acc struct {
		Address string      `json:"address"`
		Nonce   uint64      `json:"nonce"`
		Free    json.Number `json:"free"`
		Pending []any       `json:"pending"`
	}
	c.ksm(t, "", "account", "alice", "--json").ok(t).json(t, &acc)
	var oracle struct {
		Nonce uint64 `json:"nonce"`
		Data  struct {
			Free json.Number `json:"free"`
		} `json:"data"`
	}
	if err := json.Unmarshal(after[1], &oracle); err != nil {
		t.Fatal(err)
	}
	if acc.Address != c.Alice || acc.Nonce != oracle.Nonce || e2eBig(t, acc.Free).Cmp(e2eBig(t, oracle.Data.Free)) != 0 || acc.Pending == nil {
		t.Fatalf("ksm account %+v, @polkadot/api %+v", acc, oracle)
	}
}

// e2eAccountFree reads data.free of a System.Account result.
func e2eAccountFree(t *testing.T, raw json.RawMessage) *big.Int {
	t.Helper()
	var acc struct {
		Data struct {
			Free json.Number `json:"free"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &acc); err != nil {
		t.Fatal(err)
	}
	return e2eBig(t, acc.Data.Free)
}

// e2eRefusals: what ksm refuses before anything reaches the chain.
func e2eRefusals(t *testing.T, c *e2eChain) {
	// The sender of the existential-deposit case below: a fresh key, funded
	// before alice's nonce is noted.
	if r := c.ksm(t, "//KsmE2eExistentialDeposit\n", "key", "import", "--name", "edtest", "--suri-stdin"); r.Code != 0 && !strings.Contains(r.Stderr, "exists") {
		t.Fatalf("import edtest: %s", r.Stderr)
	}
	ed := e2eBig(t, c.balance(t, "bob").ExistentialDeposit)
	c.submit(t, "transfer", "edtest", new(big.Int).Mul(ed, big.NewInt(10)).String()+"planck", "--from", "alice")
	nonceBefore := c.balance(t, "alice").Nonce
	bobFree := e2eBig(t, c.balance(t, "bob").Free)

	// Insufficient balance.
	c.ksm(t, "", "transfer", "bob", new(big.Int).Mul(bobFree, big.NewInt(3)).String()+"planck", "--from", "alice", "--yes").
		code(t, 1).stderrHas(t, "insufficient balance")

	// Below the existential deposit: leave a sender about ED/2 after the
	// fee. The sender is the fresh key funded above, so that no lock left by
	// another suite on this shared chain (a vote, a bond) makes the amount
	// merely untransferable.
	edFree := e2eBig(t, c.balance(t, "edtest").Free)
	var dry struct {
		Fee json.Number `json:"fee"`
	}
	// (the fee of a transfer of an amount of the same encoded size)
	c.ksm(t, "", "transfer", "alice", new(big.Int).Div(edFree, big.NewInt(2)).String()+"planck", "--from", "edtest", "--dry-run", "--json").ok(t).json(t, &dry)
	amount := sub(sub(edFree, e2eBig(t, dry.Fee)), new(big.Int).Div(ed, big.NewInt(2)))
	c.ksm(t, "", "transfer", "alice", amount.String()+"planck", "--from", "edtest", "--yes").
		code(t, 1).stderrHas(t, "existential deposit", "--allow-death")
	// With --allow-death the same amount passes the checks (dry run only).
	c.ksm(t, "", "transfer", "alice", amount.String()+"planck", "--from", "edtest", "--allow-death", "--dry-run").ok(t)
	// --all sends everything transferable with Balances.transfer_all.
	var all e2eCallJSON
	c.ksm(t, "", "transfer", "alice", "--all", "--from", "bob", "--dry-run", "--json").ok(t).json(t, &all)
	if all.Call.Name != "transfer_all" || all.Call.Args["keep_alive"] != false {
		t.Fatalf("--all: %+v", all.Call)
	}
	// A new account must receive at least the existential deposit.
	c.ksm(t, "", "transfer", "0x"+strings.Repeat("77", 32), "1planck", "--from", "alice", "--allow-death", "--yes").
		code(t, 1).stderrHas(t, "existential deposit")

	// Wrong password, given on stdin (the only source: KSM_PASSWORD is
	// unset here): nothing is signed.
	r := e2eRun(t, nil, "not-the-password\n", "--home", c.Home, "--rpc", c.URL, "--trust-rpc",
		"transfer", "bob", "1", "--from", "alice", "--yes", "--password-stdin")
	r.code(t, 1).stderrHas(t, "wrong password")

	// A call that fails: the dry run catches it before submission (on Paseo
	// before signing: the password is never asked).
	env := map[string]string{"KSM_PASSWORD": e2ePassword}
	if c.Name == "paseo-local" {
		env["KSM_PASSWORD"] = "not-the-password"
	}
	r = e2eRun(t, env, "", "--home", c.Home, "--rpc", c.URL, "--trust-rpc", "tx", "call", "Balances.force_transfer",
		"--args", `{"source":"`+c.Bob+`","dest":"`+c.Alice+`","value":1}`, "--from", "alice", "--yes")
	r.code(t, 1).stderrHas(t, "dry run", "BadOrigin")

	if got := c.balance(t, "alice").Nonce; got != nonceBefore {
		t.Fatalf("alice's nonce moved from %d to %d: something was submitted", nonceBefore, got)
	}
}

// e2eDisconnect: the endpoint goes away right after the transaction was
// sent. ksm says what it knows, exits 5 and never sends it again.
func e2eDisconnect(t *testing.T, c *e2eChain) {
	before := c.balance(t, "alice")
	p := newCutProxy(t, strings.TrimPrefix(c.URL, "ws://"), "author_submitAndWatchExtrinsic")
	r := e2eRun(t, map[string]string{"KSM_PASSWORD": e2ePassword}, "", "--home", c.Home, "--rpc", "ws://"+p.addr(), "--trust-rpc",
		"transfer", "bob", "1", "--from", "alice", "--yes", "--json")
	r.code(t, 5).stderrHas(t, "connection was lost", "may have been sent", "did not send it again")
	if n := p.submits.Load(); n != 1 {
		t.Fatalf("%d submissions reached the endpoint, want exactly 1", n)
	}
	// The chain got it once: the nonce moved by one (the chain builds the
	// block even though the client went away).
	waitNonce(t, c, before.Nonce+1)
	// The pending file holds it until the chain's nonce passes it.
	var acc struct {
		Pending []struct {
			Nonce uint64 `json:"nonce"`
		} `json:"pending"`
	}
	c.ksm(t, "", "account", "alice", "--json").ok(t).json(t, &acc)
	if len(acc.Pending) != 1 || acc.Pending[0].Nonce != before.Nonce {
		t.Fatalf("pending %+v, want the lost transaction's nonce %d", acc.Pending, before.Nonce)
	}
	// The next transaction takes the following nonce without a collision.
	out := c.submit(t, "transfer", "bob", "1", "--from", "alice")
	if !out.Success {
		t.Fatal("next transfer failed")
	}
	if got := c.balance(t, "alice").Nonce; got != before.Nonce+2 {
		t.Fatalf("nonce %d after two transactions, want %d", got, before.Nonce+2)
	}
}

// waitNonce waits until alice's nonce reaches want (polled through ksm,
// then checked with @polkadot/api).
func waitNonce(t *testing.T, c *e2eChain, want uint64) {
	t.Helper()
	for i := 0; i < 30; i++ {
		n := c.balance(t, "alice").Nonce
		if n > want {
			t.Fatalf("nonce %d, want %d: submitted more than once", n, want)
		}
		if n == want {
			var acc struct {
				Nonce uint64 `json:"nonce"`
			}
			if err := json.Unmarshal(c.query(t, e2eQ("query.system.account", c.Alice))[0], &acc); err != nil {
				t.Fatal(err)
			}
			if acc.Nonce != want {
				t.Fatalf("@polkadot/api sees nonce %d, want %d", acc.Nonce, want)
			}
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("nonce did not reach %d", want)
}

// e2eMetadataHash: ksm's RFC-0078 digest equals @polkadot-api/merkleize-
// metadata's for the running Paseo runtime, and the runtime's answer to
// mode 1 is found and handled.
func e2eMetadataHash(t *testing.T, c *e2eChain) {
	var dr struct {
		MetadataHash bool   `json:"metadataHash"`
		Note         string `json:"metadataHashNote"`
		Digest       string `json:"metadataDigest"`
	}
	c.ksm(t, "", "transfer", "bob", "1", "--from", "alice", "--dry-run", "--json").ok(t).json(t, &dr)
	res := c.query(t, e2eQuery{"q": "digest", "decimals": c.Decimals, "symbol": "PAS"},
		e2eQuery{"q": "mode1", "suri": "//Alice", "to": c.Bob, "value": "1000000000", "digest": "auto", "decimals": c.Decimals, "symbol": "PAS"})
	var oracle string
	if err := json.Unmarshal(res[0], &oracle); err != nil {
		t.Fatal(err)
	}
	if dr.Digest == "" || dr.Digest != oracle {
		t.Fatalf("ksm digest %q, @polkadot-api/merkleize-metadata %q", dr.Digest, oracle)
	}
	// What the runtime says of a mode 1 transaction signed by polkadot-js
	// with that digest.
	m1 := res[1]
	builtIn := !strings.Contains(strings.ToLower(string(m1)), "cannotlookup")
	t.Logf("runtime's answer to CheckMetadataHash mode 1 with the right digest: %s", m1)
	if builtIn != dr.MetadataHash {
		t.Fatalf("ksm signs with mode 1 = %v, but the runtime's metadata hash built in = %v (%s)", dr.MetadataHash, builtIn, m1)
	}
	if !builtIn && !strings.Contains(dr.Note, "CannotLookup") {
		t.Fatalf("mode 0 without an explanation: %q", dr.Note)
	}
}

// tokens is n × 10^dec planck.
func tokens(n int64, dec int) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(dec)), nil))
}

// cutProxy forwards TCP to a WebSocket endpoint and cuts every connection
// right after forwarding a client frame that contains cut (the request has
// reached the endpoint; its answer never comes back).
type cutProxy struct {
	ln      net.Listener
	target  string
	cut     string
	submits atomic.Int32
	wg      sync.WaitGroup
}

func newCutProxy(t *testing.T, target, cut string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, cut: cut}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

func (p *cutProxy) serve() {
	for {
		conn, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.pipe(conn)
		}()
	}
}

func (p *cutProxy) pipe(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(client, server)
		close(done)
	}()
	// Client frames are masked: unmask WebSocket frames to see the method.
	br := bufio.NewReader(client)
	// The HTTP upgrade request.
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		if _, err := server.Write([]byte(line)); err != nil {
			return
		}
		if line == "\r\n" {
			break
		}
	}
	for {
		frame, payload, err := readWSFrame(br)
		if err != nil {
			return
		}
		if _, err := server.Write(frame); err != nil {
			return
		}
		if strings.Contains(string(payload), p.cut) {
			p.submits.Add(1)
			return // cut: both connections close
		}
		select {
		case <-done:
			return
		default:
		}
	}
}

// readWSFrame reads one client WebSocket frame; it returns the raw frame
// and the unmasked payload.
func readWSFrame(r *bufio.Reader) (raw, payload []byte, err error) {
	h := make([]byte, 2)
	if _, err := io.ReadFull(r, h); err != nil {
		return nil, nil, err
	}
	raw = append(raw, h...)
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		b := make([]byte, 2)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, nil, err
		}
		raw = append(raw, b...)
		n = uint64(b[0])<<8 | uint64(b[1])
	case 127:
		b := make([]byte, 8)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, nil, err
		}
		raw = append(raw, b...)
		n = 0
		for _, x := range b {
			n = n<<8 | uint64(x)
		}
	}
	var mask []byte
	if h[1]&0x80 != 0 {
		mask = make([]byte, 4)
		if _, err := io.ReadFull(r, mask); err != nil {
			return nil, nil, err
		}
		raw = append(raw, mask...)
	}
	if n > 64<<20 {
		return nil, nil, io.ErrUnexpectedEOF
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return nil, nil, err
	}
	raw = append(raw, payload...)
	if mask != nil {
		for i := range payload {
			payload[i] ^= mask[i%4]
		}
	}
	return raw, payload, nil
}
