package app

import (
	"context"
	"fmt"
	"math/big"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestBatchSubmitsInOrderPerSender: the endpoint answers a transaction
// only when the test lets it; meanwhile the runner prepares and signs the
// sender's next rows (pipelined) but must not send nonce n+1 before the
// endpoint has answered for nonce n (a node without a future queue refuses
// it). The endpoint sees the nonces 0..n-1 one after the other, never two
// of the sender at once, and every row is included once.
func TestBatchSubmitsInOrderPerSender(t *testing.T) {
	const rows, conc = 10, 8
	alice := devKey(t, "//Alice").AccountID()
	l := newLedgerChain(t, alice)
	ledger := l.fakeChain.result
	arrived := make(chan uint64, rows)
	release := make(chan struct{})
	var mu sync.Mutex
	inFlight, most := 0, 0
	l.fakeChain.result = func(ext []byte) ([]any, error) {
		d, err := l.format.Decode(ext)
		if err != nil {
			t.Errorf("decode: %v", err)
			return ledger(ext)
		}
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		arrived <- d.Extra.Nonce
		<-release // the endpoint has not answered yet
		mu.Lock()
		inFlight--
		mu.Unlock()
		return ledger(ext)
	}
	kr := newFakeKeyring(t)
	items := transferItems(t, kr, rows, "alice")
	j, err := CreateJournal(filepath.Join(t.TempDir(), "b.journal"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	signed := make(chan int, rows)
	l.learn(j, func(r *JournalRecord) error {
		if r.State == JournalSigned {
			signed <- r.Row
		}
		return nil
	})
	ask := &batchAsk{}
	r := &BatchRunner{Sess: openFake(t, l.fakeChain, t.TempDir()), Keyring: kr, Journal: j, Ask: ask, Concurrency: conc}
	done := runInBackground(r, items)
	deadline := time.After(2 * time.Minute)
	nSigned := 0
	for want := uint64(0); want < rows; want++ {
		var got uint64
		select {
		case got = <-arrived:
		case <-deadline:
			t.Fatalf("nonce %d never sent", want)
		}
		if got != want {
			t.Fatalf("the endpoint got nonce %d, want %d (out of order)", got, want)
		}
		// Before answering the first, let the runner sign all it may hold
		// (conc transactions): had it not waited, it would be sending them.
		for wantSigned := min(conc, rows); want == 0 && nSigned < wantSigned; nSigned++ {
			select {
			case <-signed:
			case <-deadline:
				t.Fatalf("only %d rows signed while the first was unanswered", nSigned)
			}
		}
		select {
		case n := <-arrived:
			t.Fatalf("nonce %d sent while nonce %d was unanswered", n, want)
		default:
		}
		release <- struct{}{}
	}
	var o batchOutcome
	select {
	case o = <-done:
	case <-deadline:
		t.Fatal("the run did not end")
	}
	if o.err != nil {
		t.Fatal(o.err)
	}
	for _, x := range o.res {
		if x.Status != BatchIncluded {
			t.Fatalf("row %d: %s %v", x.Row, x.Status, x.Err)
		}
	}
	if most != 1 {
		t.Fatalf("%d transactions of one sender at the endpoint at once, want 1", most)
	}
	for call, n := range l.included {
		if n != 1 {
			t.Fatalf("call %s included %d times", call, n)
		}
	}
}

// TestPlanBatchGroups: with a group size the plan prepares the rows as a
// run sends them: Alice's rows two by two in a Utility.batch_all (one
// nonce, one fee on the first row, one weight), her last row alone, Bob's
// row between them in its own transaction; the groups name their rows.
func TestPlanBatchGroups(t *testing.T) {
	alice := devKey(t, "//Alice").AccountID()
	bob := devKey(t, "//Bob").AccountID()
	l := newLedgerChain(t, alice, bob)
	l.fakeChain.nonce[alice] = 7
	kr := newFakeKeyring(t)
	a := transferItems(t, kr, 5, "alice")
	b := transferItems(t, kr, 1, "bob")
	items := []BatchItem{a[0], a[1], b[0], a[2], a[3], a[4]}
	for i := range items {
		items[i].Row, items[i].Line = i+1, i+1
	}
	s := openFake(t, l.fakeChain, t.TempDir())
	bp, err := PlanBatchGroups(context.Background(), s, kr, items, 2)
	if err != nil {
		t.Fatal(err)
	}
	if bp.Failing != 0 {
		t.Fatalf("failing %d: %+v", bp.Failing, bp.Rows)
	}
	type want struct {
		nonce  uint64
		group  int
		hasFee bool
	}
	wants := []want{{7, 1, true}, {7, 1, false}, {0, 0, true}, {8, 4, true}, {8, 4, false}, {9, 0, true}}
	for i, w := range wants {
		r := bp.Rows[i]
		if r.Nonce != w.nonce || r.Group != w.group || (r.Fee != nil) != w.hasFee || r.Weight == nil {
			t.Fatalf("row %d: nonce %d group %d fee %v weight %v, want %+v", r.Row, r.Nonce, r.Group, r.Fee, r.Weight, w)
		}
	}
	if len(bp.Groups) != 2 || fmt.Sprint(bp.Groups[0].Rows) != "[1 2]" || fmt.Sprint(bp.Groups[1].Rows) != "[4 5]" {
		t.Fatalf("groups %+v", bp.Groups)
	}
	g := bp.Groups[0]
	wantSpend := big.NewInt(1_001_000_000_000 + 1_002_000_000_000)
	if g.Nonce != 7 || g.Fee == nil || g.Weight == nil || g.Spend.Cmp(wantSpend) != 0 || g.Err != nil {
		t.Fatalf("group %+v", g)
	}
	// Three transactions of Alice: three fees, not five.
	if st := bp.Senders[0]; st.Rows != 5 || st.Fees.Cmp(new(big.Int).Mul(l.fakeChain.fee, big.NewInt(3))) != 0 {
		t.Fatalf("alice %+v (fee %s)", st, l.fakeChain.fee)
	}
	// Without a group size: one transaction per row.
	bp, err = PlanBatchGroups(context.Background(), s, kr, items, 0)
	if err != nil || len(bp.Groups) != 0 || bp.Rows[1].Nonce != 8 || bp.Rows[1].Group != 0 {
		t.Fatalf("no groups: %v %+v", err, bp)
	}
}

// TestBatchResumeIdleChain: a row signed and not sent by a killed run is
// sent again by --resume; the endpoint takes it and then reports nothing
// (a chain building no block, a pool that dropped it) past the follow
// timeout. The row is not left unsettled (which ended the resume with exit
// 5): it is looked for again and sent again, and is included once.
func TestBatchResumeIdleChain(t *testing.T) {
	l, home, kr, items, path := newResumeFixture(t, 1)

	// The first run dies right after journalling the signed transaction.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	j, err := CreateJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	dead := false
	l.learn(j, func(r *JournalRecord) error {
		if dead {
			return errCrashed
		}
		if r.State == JournalSigned {
			dead = true
			cancel()
		}
		return nil
	})
	if err := j.Append(JournalRecord{State: JournalBatch, Rows: 1}); err != nil {
		t.Fatal(err)
	}
	_, _ = (&BatchRunner{Sess: openFake(t, l.fakeChain, home), Keyring: kr, Journal: j, Ask: &batchAsk{}, Concurrency: 1}).Run(ctx, items)
	_ = j.Close()
	if len(l.fakeChain.submitted) != 0 {
		t.Fatalf("the dead run sent %d transactions", len(l.fakeChain.submitted))
	}

	// --resume on an endpoint that takes transactions and says nothing.
	l.fakeChain.mu.Lock()
	l.fakeChain.silent = true
	l.fakeChain.mu.Unlock()
	j2, prior, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	l.learn(j2, nil)
	s := openFake(t, l.fakeChain, home)
	s.FollowTimeout = 20 * time.Millisecond
	r2 := &BatchRunner{Sess: s, Keyring: kr, Journal: j2, Ask: &batchAsk{}, Prior: prior, Concurrency: 1, SettleEvery: time.Millisecond}
	done := runInBackground(r2, items)
	// Once it was sent twice into the silence, blocks are built again.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		l.fakeChain.mu.Lock()
		n := len(l.fakeChain.submitted)
		if n >= 2 {
			l.fakeChain.silent = false
		}
		l.fakeChain.mu.Unlock()
		if n >= 2 {
			break
		}
		select {
		case o := <-done:
			t.Fatalf("the resume ended after %d sends: %+v %v", n, o.res, o.err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("sent %d times", n)
		}
		time.Sleep(time.Millisecond)
	}
	o := <-done
	if o.err != nil || o.res[0].Status != BatchIncluded {
		t.Fatalf("row: %+v %v", o.res[0], o.err)
	}
	if len(l.included) != 1 {
		t.Fatalf("%d calls included", len(l.included))
	}
	for _, n := range l.included {
		if n != 1 {
			t.Fatalf("included %d times", n)
		}
	}
}

// batchOutcome is what a BatchRunner's Run returned.
type batchOutcome struct {
	res []BatchRowResult
	err error
}

// runInBackground runs r over items in a goroutine; the channel receives
// what Run returned.
func runInBackground(r *BatchRunner, items []BatchItem) <-chan batchOutcome {
	done := make(chan batchOutcome, 1)
	go func() {
		res, err := r.Run(context.Background(), items)
		done <- batchOutcome{res, err}
	}()
	return done
}
