package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/rpc"
)

// TestE2EBatchKillResume: a batch of transfers to fresh accounts with
// distinct amounts, run by the ksm binary against the real Kusama runtime
// (chopsticks, --trust-rpc); the process is killed with SIGKILL at random
// moments and resumed, again and again; at the end @polkadot/api sees every
// recipient holding exactly its amount (paid once), and the journal a
// single inclusion per row.
func TestE2EBatchKillResume(t *testing.T) {
	c := e2eKusama(t)
	rows := 24
	if s := os.Getenv("KSM_BATCH_E2E_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := mrand.New(mrand.NewPCG(seed, 1))
	dir := t.TempDir()
	file := filepath.Join(dir, "payouts.jsonl")
	var addrs []string
	var amounts []*big.Int
	var body bytes.Buffer
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(c.Decimals)), nil)
	for i := 0; i < rows; i++ {
		var id [32]byte
		_, _ = rand.Read(id[:])
		addr := "0x" + hex.EncodeToString(id[:])
		// 0.01 + i·0.0001 tokens: distinct, above the existential deposit.
		amt := new(big.Int).Add(new(big.Int).Div(unit, big.NewInt(100)), new(big.Int).Mul(big.NewInt(int64(i)), new(big.Int).Div(unit, big.NewInt(10_000))))
		addrs, amounts = append(addrs, addr), append(amounts, amt)
		line, _ := json.Marshal(map[string]any{"id": fmt.Sprint("p", i), "args": []string{"transfer", addr, amt.String() + "planck", "--from", "alice"}})
		body.Write(append(line, '\n'))
	}
	if err := os.WriteFile(file, body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	journal := file + ".journal"
	base := []string{"--home", c.Home, "--rpc", c.URL, "--trust-rpc", "--yes", "--json", "batch", "run", file, "--concurrency", "8"}
	kills, betweenSignSubmit, betweenSubmitInclusion := 0, 0, 0
	finished := false
	for trial := 0; trial < 12 && !finished; trial++ {
		args := base
		if _, err := os.Stat(journal); err == nil {
			args = append(append([]string(nil), base...), "--resume")
		}
		cmd := exec.Command(e2eBinary, args...)
		cmd.Env = append(os.Environ(), "KSM_PASSWORD="+e2ePassword, "KSM_HOME=")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		delay := time.Duration(1000+rnd.IntN(11000)) * time.Millisecond
		select {
		case err := <-done:
			t.Logf("trial %d: ended by itself (%v) before the kill at %v", trial, err, delay)
			finished = err == nil
			if err != nil && !strings.Contains(errb.String(), "not settled") {
				t.Logf("stderr: %s", errb.String())
			}
		case <-time.After(delay):
			_ = cmd.Process.Kill() // SIGKILL
			<-done
			kills++
			s, sub := journalTail(t, journal)
			betweenSignSubmit += s
			betweenSubmitInclusion += sub
			t.Logf("trial %d: SIGKILL after %v: %d rows signed and not sent, %d sent and not included", trial, delay, s, sub)
		}
	}
	if kills < 10 && !finished {
		t.Fatalf("only %d kills", kills)
	}
	t.Logf("%d kills; rows caught between sign and submit: %d, between submit and inclusion: %d", kills, betweenSignSubmit, betweenSubmitInclusion)
	// Finish.
	deadline := time.Now().Add(10 * time.Minute)
	for !finished {
		r := e2eRun(t, map[string]string{"KSM_PASSWORD": e2ePassword}, "", append(append([]string(nil), base...), "--resume")...)
		switch {
		case r.Code == 0:
			finished = true
			var last map[string]any
			lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last["summary"] == nil {
				t.Fatalf("last line %q: %v", lines[len(lines)-1], err)
			}
			sum := last["summary"].(map[string]any)
			if sum["included"] != float64(rows) || sum["failed"] != float64(0) {
				t.Fatalf("summary %v\n%s", sum, r.Stderr)
			}
		case r.Code == 5 && time.Now().Before(deadline):
			t.Logf("resume: unsettled rows, again: %s", lastLine(r.Stderr))
			for _, line := range strings.Split(r.Stdout, "\n") {
				if strings.Contains(line, `"skipped"`) {
					t.Logf("  %s", line)
				}
			}
		default:
			t.Fatalf("resume: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
	}
	// What @polkadot/api sees: each recipient holds exactly its amount.
	got := c.oracleFree(t, addrs...)
	for i := range addrs {
		if got[i].Cmp(amounts[i]) != 0 {
			t.Errorf("row %d: recipient %s holds %s, want %s (paid %s times)", i+1, addrs[i], got[i], amounts[i], new(big.Rat).SetFrac(got[i], amounts[i]).FloatString(2))
		}
	}
	// And the journal one inclusion per row.
	inc := map[int]int{}
	for _, rec := range readJournal(t, journal) {
		if rec.State == "included" {
			inc[rec.Row]++
		}
	}
	for row := 1; row <= rows; row++ {
		if inc[row] != 1 {
			t.Errorf("row %d: %d inclusions in the journal", row, inc[row])
		}
	}
}

type e2eJournalRecord struct {
	State string `json:"state"`
	Row   int    `json:"row"`
}

func readJournal(t *testing.T, path string) []e2eJournalRecord {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []e2eJournalRecord
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r e2eJournalRecord
		if json.Unmarshal(sc.Bytes(), &r) == nil {
			out = append(out, r)
		}
	}
	return out
}

// journalTail counts the rows a killed run left signed and not sent, and
// sent and not included.
func journalTail(t *testing.T, path string) (signed, submitted int) {
	last := map[int]string{}
	for _, r := range readJournal(t, path) {
		if r.Row > 0 {
			last[r.Row] = r.State
		}
	}
	for _, s := range last {
		switch s {
		case "signed":
			signed++
		case "submitted":
			submitted++
		}
	}
	return signed, submitted
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestE2EBatchOneBlock: in manual block mode, 50 transfers of one sender
// are all in the pool before a block is built (pipelined nonces), and the
// one block built then includes all 50.
func TestE2EBatchOneBlock(t *testing.T) {
	// Its own chain: manual block mode and 50 transactions of //Bob in the
	// pool must not reach the tests sharing e2eKusama.
	c := e2ePrivateKusama(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cl, err := rpc.Dial(ctx, c.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Call(ctx, "dev_setBlockBuildMode", []any{"Manual"}, nil); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cl.Call(context.Background(), "dev_setBlockBuildMode", []any{"Instant"}, nil) }()
	const n = 50
	var body bytes.Buffer
	for i := 0; i < n; i++ {
		var id [32]byte
		_, _ = rand.Read(id[:])
		line, _ := json.Marshal([]string{"transfer", "0x" + hex.EncodeToString(id[:]), fmt.Sprintf("0.01%04d", i), "--from", "bob"})
		body.Write(append(line, '\n'))
	}
	file := filepath.Join(t.TempDir(), "block.jsonl")
	if err := os.WriteFile(file, body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(e2eBinary, "--home", c.Home, "--rpc", c.URL, "--trust-rpc", "--yes", "--json", "batch", "run", file, "--concurrency", "64")
	cmd.Env = append(os.Environ(), "KSM_PASSWORD="+e2ePassword, "KSM_HOME=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Wait until the endpoint has accepted all 50 (the journal says
	// "submitted" at the first status of each), then build one block.
	for {
		sent := 0
		if _, err := os.Stat(file + ".journal"); err == nil {
			for _, r := range readJournal(t, file+".journal") {
				if r.State == "submitted" {
					sent++
				}
			}
		}
		if sent >= n {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("ksm ended with %d sent: %v\n%s", sent, err, errb.String())
		case <-ctx.Done():
			t.Fatalf("only %d transactions sent", sent)
		case <-time.After(500 * time.Millisecond):
		}
	}
	if _, err := cl.DevNewBlock(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("ksm batch run: %v\n%s", err, errb.String())
	}
	blocks := map[float64]int{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if r["summary"] != nil {
			continue
		}
		if r["status"] != "included" {
			t.Fatalf("row %v", r)
		}
		blocks[r["blockNumber"].(float64)]++
	}
	if len(blocks) != 1 {
		t.Fatalf("the 50 transfers are in blocks %v, want one", blocks)
	}
	for b, k := range blocks {
		t.Logf("%d transfers of one sender in block #%v", k, b)
		if k != n {
			t.Fatalf("%d rows in block %v", k, b)
		}
	}
}

// TestE2EBatchPlan: batch plan on the real runtime: fees, consecutive
// nonces, the totals of the sender, a row that would fail, and nothing
// sent (the sender's nonce per @polkadot/api does not move).
func TestE2EBatchPlan(t *testing.T) {
	c := e2eKusama(t)
	file := filepath.Join(t.TempDir(), "plan.csv")
	body := "to,amount,id\n" + c.Bob + ",1.25,a\n" + c.Bob + ",2.5,b\n" + c.Bob + ",99999999,c\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	nonceOf := func() string {
		raw := c.query(t, e2eQ("query.system.account", c.Alice))[0]
		var acc struct {
			Nonce json.Number `json:"nonce"`
		}
		_ = json.Unmarshal(raw, &acc)
		return acc.Nonce.String()
	}
	before := nonceOf()
	r := c.ksm(t, "", "--json", "batch", "plan", file, "--from", "alice")
	if r.Code == 0 {
		t.Fatalf("a plan with a failing row exited 0")
	}
	var p struct {
		Rows []struct {
			Row   int     `json:"row"`
			ID    string  `json:"id"`
			Nonce uint64  `json:"nonce"`
			Fee   any     `json:"fee"`
			OK    bool    `json:"ok"`
			Error *string `json:"error"`
		} `json:"rows"`
		Senders []struct {
			Key   string `json:"key"`
			Rows  int    `json:"rows"`
			Spend any    `json:"spend"`
			After any    `json:"after"`
		} `json:"senders"`
		Failing int `json:"failing"`
	}
	r.json(t, &p)
	if len(p.Rows) != 3 || !p.Rows[0].OK || !p.Rows[1].OK || p.Rows[2].OK || p.Failing != 1 || p.Rows[2].Error == nil {
		t.Fatalf("plan %+v\n%s", p, r.Stderr)
	}
	if p.Rows[1].Nonce != p.Rows[0].Nonce+1 || p.Rows[0].Fee == nil {
		t.Fatalf("nonces %d %d, fee %v", p.Rows[0].Nonce, p.Rows[1].Nonce, p.Rows[0].Fee)
	}
	if len(p.Senders) != 1 || p.Senders[0].Key != "alice" || p.Senders[0].Rows != 3 || fmt.Sprint(p.Senders[0].Spend) != "3750000000000" {
		t.Fatalf("senders %+v", p.Senders)
	}
	t.Logf("row 3: %s", *p.Rows[2].Error)
	if after := nonceOf(); after != before {
		t.Fatalf("the plan sent something: nonce %s → %s", before, after)
	}
}

// TestE2EBatchGroup: --group 3 on the real runtime: six transfers in two
// Utility.batch_all transactions; @polkadot/api sees every amount.
func TestE2EBatchGroup(t *testing.T) {
	c := e2eKusama(t)
	var body bytes.Buffer
	var addrs []string
	var amounts []*big.Int
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(c.Decimals)), nil)
	for i := 0; i < 6; i++ {
		var id [32]byte
		_, _ = rand.Read(id[:])
		addr := "0x" + hex.EncodeToString(id[:])
		amt := new(big.Int).Add(new(big.Int).Div(unit, big.NewInt(50)), big.NewInt(int64(i)*1_000_000))
		addrs, amounts = append(addrs, addr), append(amounts, amt)
		line, _ := json.Marshal([]string{"transfer", addr, amt.String() + "planck", "--from", "alice"})
		body.Write(append(line, '\n'))
	}
	file := filepath.Join(t.TempDir(), "group.jsonl")
	if err := os.WriteFile(file, body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	r := c.ksm(t, "", "--yes", "--json", "batch", "run", file, "--group", "3").ok(t)
	hashes := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		var row map[string]any
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatal(err)
		}
		if h, ok := row["extrinsicHash"].(string); ok {
			hashes[h]++
		}
	}
	if len(hashes) != 2 {
		t.Fatalf("transactions %v, want 2 of 3 rows", hashes)
	}
	got := c.oracleFree(t, addrs...)
	for i := range addrs {
		if got[i].Cmp(amounts[i]) != 0 {
			t.Errorf("recipient %d holds %s, want %s", i, got[i], amounts[i])
		}
	}
}
