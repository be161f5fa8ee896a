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
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/tx/hash"
)

// TestE2EBatchKillResume: 100 transfers of //Alice to fresh accounts with
// distinct amounts and 10 conviction votes of //Bob on 10 referenda, run by
// the ksm binary against the real Kusama runtime (a chopsticks chain of its
// own, --trust-rpc); the process is killed with SIGKILL again and again —
// mostly by the test seam KSM_TEST_BATCH_STOP right after a chosen journal
// record (planned, signed: between sign and submit, submitted: between
// submit and inclusion, included), some at a random time — and resumed
// each time. At the end @polkadot/api sees every recipient holding exactly
// its amount, every vote recorded once (in Bob's votes and in each
// referendum's tally), each sender's nonce moved by exactly its rows (no
// transaction paid twice), and the journal one inclusion per row.
func TestE2EBatchKillResume(t *testing.T) {
	begin := time.Now()
	c := e2ePrivateKusama(t)
	const transfers, votes = 100, 10
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("KSM_BATCH_E2E_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (KSM_BATCH_E2E_SEED)", seed)
	rnd := mrand.New(mrand.NewPCG(seed, 1))
	dir := t.TempDir()
	// Blocks as on a real chain, at a steady pace with whatever the pool
	// holds (pipelined nonces: many transactions of a sender per block),
	// rather than one block per transaction (chopsticks' instant mode).
	stopBlocks := e2eBlockTicker(t, c, 3*time.Second)
	defer stopBlocks()

	// The referenda: one preimage, 10 Referenda.submit of Alice (a batch
	// run, itself checked by the oracle's referendum count).
	refs := e2eReferenda(t, c, dir, votes)
	accountNonce := func(who string) uint64 {
		var acc struct {
			Nonce json.Number `json:"nonce"`
		}
		_ = json.Unmarshal(c.query(t, e2eQ("query.system.account", who))[0], &acc)
		n, _ := strconv.ParseUint(acc.Nonce.String(), 10, 64)
		return n
	}
	aliceNonce, bobNonce := accountNonce(c.Alice), accountNonce(c.Bob)

	file := filepath.Join(dir, "payouts.jsonl")
	var addrs []string
	var amounts []*big.Int
	var voteAmounts []*big.Int
	var body bytes.Buffer
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(c.Decimals)), nil)
	row := func(v any) {
		line, _ := json.Marshal(v)
		body.Write(append(line, '\n'))
	}
	for i := 0; i < transfers; i++ {
		var id [32]byte
		_, _ = rand.Read(id[:])
		addr := "0x" + hex.EncodeToString(id[:])
		// 0.01 + i·0.0001 tokens: distinct, above the existential deposit.
		amt := new(big.Int).Add(new(big.Int).Div(unit, big.NewInt(100)), new(big.Int).Mul(big.NewInt(int64(i)), new(big.Int).Div(unit, big.NewInt(10_000))))
		addrs, amounts = append(addrs, addr), append(amounts, amt)
		row(map[string]any{"id": fmt.Sprint("p", i), "args": []string{"transfer", addr, amt.String() + "planck", "--from", "alice"}})
		if i%10 == 4 {
			// A vote every tenth row: Bob's rows run beside Alice's.
			k := len(voteAmounts)
			va := new(big.Int).Mul(unit, big.NewInt(int64(k+1)))
			voteAmounts = append(voteAmounts, va)
			side := "aye"
			if k%2 == 1 {
				side = "nay"
			}
			row(map[string]any{"id": fmt.Sprint("v", k), "args": []string{"gov", "vote", fmt.Sprint(refs[k]), side, "--amount", fmt.Sprint(k + 1), "--conviction", "1x", "--from", "bob"}})
		}
	}
	if err := os.WriteFile(file, body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	rows := transfers + votes
	journal := file + ".journal"
	base := []string{"--home", c.Home, "--rpc", c.URL, "--trust-rpc", "--yes", "--json", "batch", "run", file, "--concurrency", "8"}
	// The kills: each phase twice, in a random order, at a random count of
	// records; and two at a random time once the run has begun.
	var plan []string
	for _, phase := range []string{"planned", "signed", "submitted", "included"} {
		plan = append(plan, phase, phase)
	}
	plan = append(plan, "timed", "timed")
	rnd.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
	hit := map[string]int{}
	betweenSignSubmit, betweenSubmitInclusion := 0, 0
	trialsBegin := time.Now()
	for trial, phase := range plan {
		args := base
		if _, err := os.Stat(journal); err == nil {
			args = append(append([]string(nil), base...), "--resume")
		}
		cmd := exec.Command(e2eBinary, args...)
		cmd.Env = append(os.Environ(), "KSM_PASSWORD="+e2ePassword, "KSM_HOME=")
		stop := ""
		if phase != "timed" {
			stop = fmt.Sprintf("kill:%s:%d", phase, 1+rnd.IntN(4))
			cmd.Env = append(cmd.Env, "KSM_TEST_BATCH_STOP="+stop)
		}
		_, errb, done := startKsm(t, cmd)
		var timer <-chan time.Time
		if phase == "timed" {
			// A random moment once this run has journalled something.
			journalLen := func() int {
				if _, err := os.Stat(journal); err != nil {
					return 0
				}
				return len(readJournal(t, journal))
			}
			before := journalLen()
			for journalLen() <= before+1 {
				select {
				case err := <-done:
					t.Fatalf("trial %d: ksm ended by itself: %v\n%s", trial, err, errb.String())
				case <-time.After(100 * time.Millisecond):
				}
			}
			timer = time.After(time.Duration(rnd.IntN(3000)) * time.Millisecond)
		}
		select {
		case err := <-done:
			if cmd.ProcessState.String() != "signal: killed" {
				t.Fatalf("trial %d (%s): ksm ended by itself: %v\n%s", trial, stop, err, errb.String())
			}
		case <-timer:
			_ = cmd.Process.Kill() // SIGKILL
			<-done
		}
		recs := readJournal(t, journal)
		last := recs[len(recs)-1]
		s, sub := journalTail(t, journal)
		betweenSignSubmit += s
		betweenSubmitInclusion += sub
		hit[phase]++
		t.Logf("trial %d: SIGKILL %s: last record %s of row %d; %d rows signed and not sent, %d sent and not included",
			trial, map[bool]string{true: "at a random time", false: "after " + stop}[stop == ""], last.State, last.Row, s, sub)
	}
	t.Logf("%d kills in %v (phases %v); rows caught between sign and submit: %d, between submit and inclusion: %d",
		len(plan), time.Since(trialsBegin).Round(time.Millisecond), hit, betweenSignSubmit, betweenSubmitInclusion)
	if betweenSignSubmit == 0 || betweenSubmitInclusion == 0 {
		t.Fatalf("no kill between sign and submit (%d) or between submit and inclusion (%d)", betweenSignSubmit, betweenSubmitInclusion)
	}
	// Finish: one resume settles everything (the chain is not lost: exit
	// 5 would be a bug).
	r := e2eRun(t, map[string]string{"KSM_PASSWORD": e2ePassword}, "", append(append([]string(nil), base...), "--resume")...)
	if r.Code != 0 {
		t.Fatalf("resume: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	var lastLine map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &lastLine); err != nil || lastLine["summary"] == nil {
		t.Fatalf("last line %q: %v", lines[len(lines)-1], err)
	}
	if sum := lastLine["summary"].(map[string]any); sum["included"] != float64(rows) || sum["failed"] != float64(0) {
		t.Fatalf("summary %v\n%s", sum, r.Stderr)
	}
	// What @polkadot/api sees: each recipient holds exactly its amount.
	got := c.oracleFree(t, addrs...)
	for i := range addrs {
		if got[i].Cmp(amounts[i]) != 0 {
			t.Errorf("transfer %d: recipient %s holds %s, want %s (paid %s times)", i, addrs[i], got[i], amounts[i], new(big.Rat).SetFrac(got[i], amounts[i]).FloatString(2))
		}
	}
	// Each vote once: in Bob's votes on the root track, and in each
	// referendum's tally (1x: the amount itself).
	var voting struct {
		Casting struct {
			Votes [][2]json.RawMessage `json:"votes"`
		} `json:"casting"`
	}
	if err := json.Unmarshal(c.query(t, e2eQ("query.convictionVoting.votingFor", c.Bob, 0))[0], &voting); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, v := range voting.Casting.Votes {
		seen[string(v[0])]++
	}
	var tallies []e2eQuery
	for _, ref := range refs {
		tallies = append(tallies, e2eQ("query.referenda.referendumInfoFor", ref))
	}
	for k, raw := range c.query(t, tallies...) {
		if seen[fmt.Sprint(refs[k])] != 1 {
			t.Errorf("referendum %d: Bob's vote recorded %d times (%d votes)", refs[k], seen[fmt.Sprint(refs[k])], len(voting.Casting.Votes))
		}
		var info struct {
			Ongoing struct {
				Tally map[string]json.Number `json:"tally"`
			} `json:"ongoing"`
		}
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&info); err != nil {
			t.Fatal(err)
		}
		side, other := "ayes", "nays"
		if k%2 == 1 {
			side, other = "nays", "ayes"
		}
		if g := e2eBig(t, info.Ongoing.Tally[side]); g.Cmp(voteAmounts[k]) != 0 || e2eBig(t, info.Ongoing.Tally[other]).Sign() != 0 {
			t.Errorf("referendum %d: tally %v, want %s %s", refs[k], info.Ongoing.Tally, side, voteAmounts[k])
		}
	}
	// No transaction paid twice: each sender's nonce moved by its rows.
	if d := accountNonce(c.Alice) - aliceNonce; d != transfers {
		t.Errorf("Alice's nonce moved by %d, want %d", d, transfers)
	}
	if d := accountNonce(c.Bob) - bobNonce; d != votes {
		t.Errorf("Bob's nonce moved by %d, want %d", d, votes)
	}
	// And the journal one inclusion per row.
	e2eCheckIncludedOnce(t, journal, rows)
	t.Logf("%d rows, %d kills, in %v", rows, len(plan), time.Since(begin).Round(time.Millisecond))
}

// e2eBlockTicker builds a block on c when its pool holds transactions,
// looking every interval, until the returned stop is called (no empty
// blocks: chopsticks builds one block at a time and answers nothing else
// meanwhile).
func e2eBlockTicker(t *testing.T, c *e2eChain, interval time.Duration) (stop func()) {
	t.Helper()
	cl, err := rpc.Dial(context.Background(), c.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := cl.Call(ctx, "dev_setBlockBuildMode", []any{"Manual"}, nil); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			var pending []string
			err := cl.Call(ctx, "author_pendingExtrinsics", []any{}, &pending)
			if err == nil && len(pending) > 0 {
				_, err = cl.DevNewBlock(ctx, 1)
			}
			if err != nil && ctx.Err() == nil {
				t.Logf("block ticker: %v", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(interval):
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
			_ = cl.Call(context.Background(), "dev_setBlockBuildMode", []any{"Instant"}, nil)
			cl.Close()
		})
	}
}

// e2eReferenda makes n referenda of Alice on the root track (a System.remark
// preimage, then n Referenda.submit in a batch run) and returns their
// indexes.
func e2eReferenda(t *testing.T, c *e2eChain, dir string, n int) []uint32 {
	t.Helper()
	var dr struct {
		CallHex string `json:"callHex"`
	}
	c.ksm(t, "", "tx", "call", "System.remark", "--args", `{"remark":"0x6b736d2d62617463682d65326527"}`, "--from", "alice", "--dry-run", "--json").ok(t).json(t, &dr)
	call, err := hex.DecodeString(strings.TrimPrefix(dr.CallHex, "0x"))
	if err != nil || len(call) < 3 {
		t.Fatalf("callHex %q", dr.CallHex)
	}
	c.submit(t, "tx", "call", "Preimage.note_preimage", "--args", `{"bytes":"`+dr.CallHex+`"}`, "--from", "alice")
	ph := hash.Blake2b256(call)
	count := func() uint32 {
		var k uint32
		if err := json.Unmarshal(c.query(t, e2eQ("query.referenda.referendumCount"))[0], &k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	before := count()
	var body bytes.Buffer
	for i := 0; i < n; i++ {
		args := fmt.Sprintf(`{"proposal_origin":{"system":"Root"},"proposal":{"Lookup":{"hash":"0x%x","len":%d}},"enactment_moment":{"After":%d}}`, ph[:], len(call), 10+i)
		line, _ := json.Marshal([]string{"tx", "call", "Referenda.submit", "--args", args, "--from", "alice"})
		body.Write(append(line, '\n'))
	}
	file := filepath.Join(dir, "referenda.jsonl")
	if err := os.WriteFile(file, body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ksm(t, "", "--yes", "--json", "batch", "run", file, "--concurrency", "4").ok(t)
	after := count()
	if after != before+uint32(n) {
		t.Fatalf("referendum count %d → %d, want %d more", before, after, n)
	}
	var refs []uint32
	for k := before; k < after; k++ {
		refs = append(refs, k)
	}
	return refs
}

type e2eJournalRecord struct {
	State     string `json:"state"`
	Row       int    `json:"row"`
	Reason    string `json:"reason"`
	Unsettled []int  `json:"unsettled"`
	Pending   []int  `json:"pending"`
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

// journalTail counts the rows the last run of a journal (the records
// after its last "run" record) left signed and not sent, and sent and not
// included.
func journalTail(t *testing.T, path string) (signed, submitted int) {
	recs := readJournal(t, path)
	from := 0
	for i, r := range recs {
		if r.State == "run" {
			from = i
		}
	}
	last := map[int]string{}
	for _, r := range recs[from:] {
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

// startKsm starts cmd with its output captured; done receives what its
// Wait returns.
func startKsm(t *testing.T, cmd *exec.Cmd) (stdout, stderr *bytes.Buffer, done <-chan error) {
	t.Helper()
	stdout, stderr = new(bytes.Buffer), new(bytes.Buffer)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ch := make(chan error, 1)
	go func() { ch <- cmd.Wait() }()
	return stdout, stderr, ch
}

// e2eTransferBatch writes the batch file name.jsonl of n transfers from
// Alice to fresh accounts, the i-th of 1/div token + i·10⁶ planck, and
// returns it with the recipients and the amounts.
func e2eTransferBatch(t *testing.T, c *e2eChain, name string, n int, div int64) (file string, addrs []string, amounts []*big.Int) {
	var body bytes.Buffer
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(c.Decimals)), nil)
	for i := 0; i < n; i++ {
		var id [32]byte
		_, _ = rand.Read(id[:])
		addr := "0x" + hex.EncodeToString(id[:])
		amt := new(big.Int).Add(new(big.Int).Div(unit, big.NewInt(div)), big.NewInt(int64(i)*1_000_000))
		addrs, amounts = append(addrs, addr), append(amounts, amt)
		line, _ := json.Marshal([]string{"transfer", addr, amt.String() + "planck", "--from", "alice"})
		body.Write(append(line, '\n'))
	}
	file = filepath.Join(t.TempDir(), name+".jsonl")
	if err := os.WriteFile(file, body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return file, addrs, amounts
}

// e2eCheckPaid checks with @polkadot/api that each of addrs holds the
// amount it was sent (so was paid exactly once).
func e2eCheckPaid(t *testing.T, c *e2eChain, addrs []string, amounts []*big.Int) {
	t.Helper()
	got := c.oracleFree(t, addrs...)
	for i := range addrs {
		if got[i].Cmp(amounts[i]) != 0 {
			t.Errorf("recipient %d holds %s, want %s", i, got[i], amounts[i])
		}
	}
}

// e2eCheckIncludedOnce checks that the journal records one inclusion for
// each of rows rows.
func e2eCheckIncludedOnce(t *testing.T, journal string, rows int) {
	t.Helper()
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

// TestE2EBatchInterrupt: Ctrl-C (SIGINT to the ksm process) in the middle
// of a batch run, right after a row was signed and before it was sent (the
// test seam KSM_TEST_BATCH_STOP pauses the run there): ksm exits 130 with
// the JSON error, the journal ends with a "stopped" record naming the row
// as unsettled and the rows not started as pending, and --resume finishes
// the batch; @polkadot/api sees every recipient paid exactly once.
func TestE2EBatchInterrupt(t *testing.T) {
	c := e2eKusama(t)
	const n = 6
	file, addrs, amounts := e2eTransferBatch(t, c, "interrupt", n, 40)
	journal := file + ".journal"
	base := []string{"--home", c.Home, "--rpc", c.URL, "--trust-rpc", "--yes", "--json", "batch", "run", file, "--concurrency", "2"}
	cmd := exec.Command(e2eBinary, base...)
	cmd.Env = append(os.Environ(), "KSM_PASSWORD="+e2ePassword, "KSM_HOME=", "KSM_TEST_BATCH_STOP=pause:signed:3")
	var out bytes.Buffer
	cmd.Stdout = &out
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	paused := make(chan int, 1)
	var errb bytes.Buffer
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			line := sc.Text()
			errb.WriteString(line + "\n")
			var row int
			if _, err := fmt.Sscanf(line, "ksm-test: paused after signed of row %d", &row); err == nil {
				paused <- row
			}
		}
	}()
	var row int
	select {
	case row = <-paused:
	case <-readDone:
		_ = cmd.Wait()
		t.Fatalf("ksm ended before the pause:\n%s", errb.String())
	case <-time.After(10 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("no pause")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	<-readDone
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("Ctrl-C: exit %d, want 130\n%s", code, errb.String())
	}
	if !strings.Contains(errb.String(), `"exitCode":130`) || !strings.Contains(errb.String(), "--resume") {
		t.Fatalf("stderr lacks the JSON error or the hint to resume:\n%s", errb.String())
	}
	recs := readJournal(t, journal)
	last := recs[len(recs)-1]
	if last.State != "stopped" || !strings.Contains(last.Reason, "interrupted") || !slices.Contains(last.Unsettled, row) {
		t.Fatalf("the journal ends with %+v, want stopped (interrupted) with row %d unsettled", last, row)
	}
	lastOf := map[int]string{}
	for _, r := range recs {
		if r.Row > 0 {
			lastOf[r.Row] = r.State
		}
	}
	if lastOf[row] != "signed" {
		t.Fatalf("row %d: last state %q, want signed (paused between sign and submit)", row, lastOf[row])
	}
	for r := 1; r <= n; r++ {
		if lastOf[r] == "" && !slices.Contains(last.Pending, r) {
			t.Fatalf("row %d never started and not pending in %+v", r, last)
		}
	}
	t.Logf("interrupted after row %d was signed: journal says unsettled %v, pending %v", row, last.Unsettled, last.Pending)
	r := e2eRun(t, map[string]string{"KSM_PASSWORD": e2ePassword}, "", append(base, "--resume")...).ok(t)
	if !strings.Contains(r.Stdout, fmt.Sprintf(`{"summary":{"included":%d,"failed":0,"skipped":0}}`, n)) {
		t.Fatalf("resume:\n%s", r.Stdout)
	}
	e2eCheckPaid(t, c, addrs, amounts)
	e2eCheckIncludedOnce(t, journal, n)
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
	// The block is made only once all 50 are in the pool: on a loaded
	// machine (chopsticks validating each in seconds) the first ones wait
	// longer than the default 3 minutes without news, so the follow
	// timeout is raised, as a user of a chain with slow blocks would.
	cmd := exec.Command(e2eBinary, "--home", c.Home, "--rpc", c.URL, "--trust-rpc", "--yes", "--json", "--follow-timeout", "30m", "batch", "run", file, "--concurrency", "64")
	cmd.Env = append(os.Environ(), "KSM_PASSWORD="+e2ePassword, "KSM_HOME=")
	out, errb, done := startKsm(t, cmd)
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
	file, addrs, amounts := e2eTransferBatch(t, c, "group", 6, 50)
	// The plan shows the two batch_all as run will send them: rows, one
	// nonce and fee each, their weight within the most a transaction may
	// have.
	var plan struct {
		Rows []struct {
			Row   int `json:"row"`
			Group int `json:"group"`
			Fee   any `json:"fee"`
		} `json:"rows"`
		Groups []struct {
			Rows   []int  `json:"rows"`
			Nonce  uint64 `json:"nonce"`
			Fee    any    `json:"fee"`
			OK     bool   `json:"ok"`
			Weight *struct {
				RefTime uint64 `json:"refTime"`
			} `json:"weight"`
		} `json:"groups"`
		MaxWeight *struct {
			RefTime uint64 `json:"refTime"`
		} `json:"maxWeight"`
	}
	c.ksm(t, "", "--json", "batch", "plan", file, "--group", "3").ok(t).json(t, &plan)
	if len(plan.Groups) != 2 || fmt.Sprint(plan.Groups[0].Rows) != "[1 2 3]" || fmt.Sprint(plan.Groups[1].Rows) != "[4 5 6]" ||
		plan.Groups[1].Nonce != plan.Groups[0].Nonce+1 || plan.MaxWeight == nil {
		t.Fatalf("plan --group 3: %+v", plan)
	}
	for _, g := range plan.Groups {
		if !g.OK || g.Fee == nil || g.Weight == nil || g.Weight.RefTime == 0 || g.Weight.RefTime > plan.MaxWeight.RefTime {
			t.Fatalf("group %+v (max %+v)", g, plan.MaxWeight)
		}
	}
	if plan.Rows[1].Group != 1 || plan.Rows[1].Fee != nil || plan.Rows[4].Group != 4 {
		t.Fatalf("rows %+v", plan.Rows)
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
	e2eCheckPaid(t, c, addrs, amounts)
}
