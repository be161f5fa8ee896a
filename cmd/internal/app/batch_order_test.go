package app

import (
	"context"
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
	type outcome struct {
		res []BatchRowResult
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := r.Run(context.Background(), items)
		done <- outcome{res, err}
	}()
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
	var o outcome
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
