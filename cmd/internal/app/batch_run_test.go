package app

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// ledgerChain is the fake chain as a pool would take transactions: a
// transaction whose nonce is not the sender's next one, or whose era has
// ended, is refused; an included one moves the nonce. It counts how often
// each call was included (a payment made twice shows as 2).
type ledgerChain struct {
	*fakeChain
	format *extrinsic.Format

	mu       sync.Mutex
	nonce    map[[32]byte]uint64
	included map[string]int
	death    map[string]uint64
	// down refuses every submission as a lost connection (a dead process
	// sends nothing).
	down bool
}

// newTransferLedger is a ledger chain where Alice, the sender of the batch
// tests' transfers (returned), has funds and Bob, their receiver, exists.
func newTransferLedger(t *testing.T) (*ledgerChain, [32]byte) {
	alice := devKey(t, "//Alice").AccountID()
	l := newLedgerChain(t, alice)
	l.fakeChain.setAccount(devKey(t, "//Bob").AccountID(), 0, ksm(1), new(big.Int), new(big.Int))
	return l, alice
}

// newResumeFixture is what a crash-and-resume test's two runs share: a
// transfer ledger, the home of both processes, the keyring, rows transfers
// from Alice and the journal's path.
func newResumeFixture(t *testing.T, rows int) (l *ledgerChain, home string, kr *fakeKeyring, items []BatchItem, path string) {
	l, _ = newTransferLedger(t)
	kr = newFakeKeyring(t)
	return l, t.TempDir(), kr, transferItems(t, kr, rows, "alice"), filepath.Join(t.TempDir(), "b.journal")
}

func newLedgerChain(t *testing.T, senders ...[32]byte) *ledgerChain {
	f := newFakeChain(t, devGenesis)
	format, err := extrinsic.New(f.md)
	if err != nil {
		t.Fatal(err)
	}
	l := &ledgerChain{fakeChain: f, format: format, nonce: map[[32]byte]uint64{}, included: map[string]int{}, death: map[string]uint64{}}
	for _, s := range senders {
		f.setAccount(s, 0, ksm(1000), new(big.Int), new(big.Int))
	}
	f.result = func(ext []byte) ([]any, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.down {
			return nil, &chainclient.SubmitError{Err: chainclient.ErrDisconnected}
		}
		d, err := l.format.Decode(ext)
		if err != nil || d.Address == nil {
			return nil, fmt.Errorf("fake: decode: %v", err)
		}
		from := d.Address.ID
		n := l.nonce[from]
		f.mu.Lock()
		number := f.number
		f.mu.Unlock()
		switch {
		case d.Extra.Nonce < n:
			return nil, &chainclient.RejectedError{Code: 1010, Message: "Invalid Transaction", Data: "Transaction is outdated"}
		case d.Extra.Nonce > n:
			return nil, &chainclient.RejectedError{Code: 1010, Message: "Invalid Transaction", Data: "Transaction will be valid in the future"}
		case l.death[ExtrinsicHash(ext).String()] != 0 && number+1 >= l.death[ExtrinsicHash(ext).String()]:
			return nil, &chainclient.RejectedError{Code: 1010, Message: "Invalid Transaction", Data: "Transaction has an ancient birth block"}
		}
		l.nonce[from] = n + 1
		f.mu.Lock()
		f.nonce[from] = n + 1
		f.mu.Unlock()
		l.included[hex.EncodeToString(d.Call)]++
		f.setAccount(from, n+1, ksm(1000), new(big.Int), new(big.Int))
		return f.successEvents(), nil
	}
	return l
}

// learn makes the chain know the era of each transaction j journals
// (an extrinsic alone does not say which period its birth is in).
func (l *ledgerChain) learn(j *Journal, next func(*JournalRecord) error) {
	j.hook = func(r *JournalRecord) error {
		if next != nil {
			if err := next(r); err != nil {
				return err
			}
		}
		if r.State == JournalSigned {
			l.mu.Lock()
			l.death[r.ExtrinsicHash] = r.Era.Death
			l.mu.Unlock()
		}
		return nil
	}
}

// advance moves the chain on by n empty blocks.
func (l *ledgerChain) advance(n uint64) {
	l.fakeChain.mu.Lock()
	l.fakeChain.number += n
	l.fakeChain.mu.Unlock()
}

type batchAsk struct {
	mu        sync.Mutex
	passwords int
	done      map[int]BatchRowResult
}

func (a *batchAsk) Password(ctx context.Context, key KeyRef) ([]byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.passwords++
	return []byte("pw"), nil
}
func (a *batchAsk) Done(r BatchRowResult) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done == nil {
		a.done = map[int]BatchRowResult{}
	}
	a.done[r.Row] = r
}
func (a *batchAsk) Step(int, string) {}
func (a *batchAsk) Warn(string)      {}

// transferItems plans n transfers from alice to bob of distinct amounts.
func transferItems(t testing.TB, kr Keyring, n int, from string) []BatchItem {
	items := make([]BatchItem, n)
	for i := range items {
		p, err := PlanTransfer(kr, TransferInput{Signing: Signing{From: from, Options: DefaultTxOptions()}, To: "bob", Amount: fmt.Sprintf("1.%03d", i+1)})
		if err != nil {
			t.Fatal(err)
		}
		items[i] = BatchItem{Row: i + 1, Line: i + 1, ID: fmt.Sprint("r", i+1), Plan: p}
	}
	return items
}

var errCrashed = errors.New("crashed")

// TestBatchResumeNeverPaysTwice: a run dies after each journal record in
// turn (after signing and before sending, after sending and before the
// inclusion was journalled, ...); the chain sees nothing from the dead
// process, possibly for longer than the transactions' era; --resume then
// finishes the batch. Every transfer is included exactly once.
func TestBatchResumeNeverPaysTwice(t *testing.T) {
	const rows = 4
	total := 2 + rows*4 // batch, run, then planned, signed, submitted, included per row
	for _, group := range []int{1, 3} {
		for crashAt := 1; crashAt < total; crashAt++ {
			for _, eraEnds := range []bool{false, true} {
				t.Run(fmt.Sprintf("group %d, after record %d, era ends %v", group, crashAt+1, eraEnds), func(t *testing.T) {
					l, home, kr, items, path := newResumeFixture(t, rows)

					// The first run, killed after record crashAt.
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					j, err := CreateJournal(path)
					if err != nil {
						t.Fatal(err)
					}
					var mu sync.Mutex
					written := 0
					l.learn(j, func(r *JournalRecord) error {
						mu.Lock()
						defer mu.Unlock()
						if written > crashAt {
							return errCrashed
						}
						written++
						if written > crashAt {
							l.mu.Lock()
							l.down = true
							l.mu.Unlock()
							cancel()
						}
						return nil
					})
					if err := j.Append(JournalRecord{State: JournalBatch, Rows: rows}); err != nil {
						t.Fatal(err)
					}
					r1 := &BatchRunner{Sess: openFake(t, l.fakeChain, home), Keyring: kr, Journal: j, Ask: &batchAsk{}, Concurrency: 1, Group: group}
					_, _ = r1.Run(ctx, items)
					_ = j.Close()
					l.mu.Lock()
					l.down = false
					l.mu.Unlock()
					if eraEnds {
						l.advance(200)
					}

					// --resume, in a new process.
					j2, prior, err := OpenJournal(path)
					if err != nil {
						t.Fatal(err)
					}
					l.learn(j2, nil)
					ask := &batchAsk{}
					r2 := &BatchRunner{Sess: openFake(t, l.fakeChain, home), Keyring: kr, Journal: j2, Ask: ask, Prior: prior, Concurrency: 1, SettleEvery: time.Millisecond, Group: group}
					res, err := r2.Run(context.Background(), items)
					_ = j2.Close()
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range res {
						if r.Status != BatchIncluded {
							t.Errorf("row %d: %s %v", r.Row, r.Status, r.Err)
						}
					}
					// Each transfer once: counted in the calls included (a
					// batch_all counts each call it holds).
					paid := map[string]int{}
					for call, n := range l.included {
						for _, tr := range l.transfers(t, call) {
							paid[tr] += n
						}
					}
					if len(paid) != rows {
						t.Errorf("%d distinct transfers included, want %d", len(paid), rows)
					}
					for tr, n := range paid {
						if n != 1 {
							t.Errorf("transfer %s… included %d times", tr[:16], n)
						}
					}
				})
			}
		}
	}
}

// transfers splits an included call (hex) into the transfers it makes:
// itself, or the calls of a batch_all.
func (l *ledgerChain) transfers(t *testing.T, callHex string) []string {
	b, _ := hex.DecodeString(callHex)
	c, err := l.codec.DecodeCall(b)
	if err != nil {
		t.Fatal(err)
	}
	if c.Pallet != "Utility" {
		return []string{callHex}
	}
	cb := calls.New(l.codec)
	inner, err := cb.Split(b)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range inner {
		enc, err := l.codec.EncodeCall(x)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, hex.EncodeToString(enc))
	}
	return out
}

// TestBatchRunJournal: a run journals every state of every row, in order,
// in a 0600 file; a second run without --resume is refused; the whole run
// asks one password per key.
func TestBatchRunJournal(t *testing.T) {
	alice := devKey(t, "//Alice").AccountID()
	bob := devKey(t, "//Bob").AccountID()
	l := newLedgerChain(t, alice, bob)
	kr := newFakeKeyring(t)
	items := append(transferItems(t, kr, 3, "alice"), transferItems(t, kr, 2, "bob")...)
	for i := range items {
		items[i].Row = i + 1
	}
	path := filepath.Join(t.TempDir(), "b.journal")
	j, err := CreateJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	l.learn(j, nil)
	ask := &batchAsk{}
	r := &BatchRunner{Sess: openFake(t, l.fakeChain, t.TempDir()), Keyring: kr, Journal: j, Ask: ask, Concurrency: 4}
	res, err := r.Run(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	_ = j.Close()
	for _, x := range res {
		if x.Status != BatchIncluded || x.Hash == "" || x.BlockNumber == 0 {
			t.Fatalf("row %+v", x)
		}
	}
	if ask.passwords != 2 {
		t.Fatalf("%d password prompts for 2 keys", ask.passwords)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("journal mode %v %v", st.Mode(), err)
	}
	data, _ := os.ReadFile(path)
	recs, torn, err := ParseJournal([]byte("{\"state\":\"batch\"}\n" + string(data)))
	if err != nil || torn {
		t.Fatal(err, torn)
	}
	seq := map[int][]string{}
	for _, rec := range recs[1:] {
		seq[rec.Row] = append(seq[rec.Row], rec.State)
		if rec.State == JournalSigned && (rec.Nonce == nil || rec.Era == nil || rec.Era.Death == 0 || rec.SignedAt == nil || rec.Chain == "" || rec.ExtrinsicHash == "") {
			t.Fatalf("signed record %+v", rec)
		}
	}
	for row := 1; row <= 5; row++ {
		if got := strings.Join(seq[row], ","); got != "planned,signed,submitted,included" {
			t.Fatalf("row %d: %s", row, got)
		}
	}
	if _, err := CreateJournal(path); !errors.Is(err, ErrJournalExists) || !IsInputError(err) {
		t.Fatalf("second run: %v", err)
	}
}

func TestParseJournalTorn(t *testing.T) {
	good := `{"state":"batch","time":"x"}` + "\n" + `{"state":"planned","row":1,"time":"x"}` + "\n"
	recs, torn, err := ParseJournal([]byte(good + `{"state":"sig`))
	if err != nil || !torn || len(recs) != 2 {
		t.Fatalf("%v %v %d", err, torn, len(recs))
	}
	if _, _, err := ParseJournal([]byte(good[:20] + "\n" + good)); err == nil {
		t.Fatal("a damaged line in the middle was accepted")
	}
}

// TestPlanBatch: nonces follow each other per sender, a row the balance
// left by the rows before it cannot pay would fail, totals add up, and no
// nonce stays reserved.
func TestPlanBatch(t *testing.T) {
	alice := devKey(t, "//Alice").AccountID()
	l := newLedgerChain(t)
	l.fakeChain.setAccount(alice, 5, ksm(3), new(big.Int), new(big.Int))
	l.fakeChain.nonce[alice] = 5
	l.fakeChain.setAccount(devKey(t, "//Bob").AccountID(), 0, ksm(1), new(big.Int), new(big.Int))
	kr := newFakeKeyring(t)
	items := transferItems(t, kr, 3, "alice") // 1.001 + 1.002 + 1.003 KSM and fees: the third does not fit 3 KSM
	s := openFake(t, l.fakeChain, t.TempDir())
	bp, err := PlanBatch(context.Background(), s, kr, items)
	if err != nil {
		t.Fatal(err)
	}
	if bp.Rows[0].Nonce != 5 || bp.Rows[1].Nonce != 6 || bp.Rows[0].Err != nil || bp.Rows[1].Err != nil {
		t.Fatalf("rows %+v", bp.Rows)
	}
	if bp.Failing != 1 || !errors.Is(bp.Rows[2].Err, ErrInsufficientBalance) {
		t.Fatalf("third row: %v (failing %d)", bp.Rows[2].Err, bp.Failing)
	}
	st := bp.Senders[0]
	wantSpend := new(big.Int).Add(big.NewInt(1_001_000_000_000), big.NewInt(1_002_000_000_000))
	if st.Rows != 3 || st.Spend.Cmp(wantSpend) != 0 || st.Fees.Cmp(big.NewInt(2*150_000_000)) != 0 ||
		st.After.Cmp(new(big.Int).Sub(new(big.Int).Sub(ksm(3), wantSpend), big.NewInt(300_000_000))) != 0 {
		t.Fatalf("sender %+v", st)
	}
	if bp.Chains[0].Rows != 3 || bp.Chains[0].Spend.Cmp(wantSpend) != 0 {
		t.Fatalf("chain %+v", bp.Chains[0])
	}
	n, err := s.Nonces.Next(s.NonceGenesis(), alice, 5, 100)
	if err != nil || n != 5 {
		t.Fatalf("nonce 5 still reserved after the plan: next %d %v", n, err)
	}
}

// benchKeyring is a keyring of //Alice and //Bob for benchmarks.
type benchKeyring map[string]*keys.Pair

func (k benchKeyring) Get(name string) (*keystore.Entry, error) {
	p := k[name]
	if p == nil {
		return nil, keystore.ErrNotFound
	}
	return &keystore.Entry{Name: name, Scheme: p.Scheme(), PublicKey: p.PublicKey()}, nil
}
func (k benchKeyring) Unlock(name string, _ []byte) (*keys.Pair, error) { return k[name], nil }

// benchBatch is the offline setup of the batch benchmarks: a session on
// the fake chain, a keyring of Alice (rich) and Bob, and 1000 transfer rows
// from Alice.
func benchBatch(b *testing.B) (*Session, benchKeyring, *keys.Pair, []BatchItem) {
	f := newFakeChain(b, devGenesis)
	alice := devKey(b, "//Alice")
	f.setAccount(alice.AccountID(), 0, ksm(1_000_000), new(big.Int), new(big.Int))
	f.setAccount(devKey(b, "//Bob").AccountID(), 0, ksm(1), new(big.Int), new(big.Int))
	kr := benchKeyring{"alice": alice, "bob": devKey(b, "//Bob")}
	s, err := Open(context.Background(), f, Options{})
	if err != nil {
		b.Fatal(err)
	}
	return s, kr, alice, transferItems(b, kr, 1000, "alice")
}

// BenchmarkBatchPlanSign: rows of transfers composed, prepared (fee,
// balance, payload) and signed per second, offline (the fake chain).
func BenchmarkBatchPlanSign(b *testing.B) {
	s, kr, alice, items := benchBatch(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		it := items[i%len(items)]
		n := uint64(i)
		p, _, err := prepareItem(ctx, s, kr, it.Plan, &n)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Sign(alice); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestBatchResumeFreesDeadReservations: a run killed right after taking a
// nonce (before journalling it) leaves a reservation in the pending file;
// the resumed run gives back the reservations of the runs its journal
// lists, so its first transaction takes that nonce (no gap, which the pool
// would hold as future for ever).
func TestBatchResumeFreesDeadReservations(t *testing.T) {
	l, alice := newTransferLedger(t)
	home := t.TempDir()
	dead := openFake(t, l.fakeChain, home)
	if n, err := dead.Nonces.Next(dead.Genesis, alice, 0, 100); err != nil || n != 0 {
		t.Fatal(n, err)
	}
	path := filepath.Join(t.TempDir(), "b.journal")
	j, err := CreateJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Append(JournalRecord{State: JournalBatch}); err != nil {
		t.Fatal(err)
	}
	prior := []JournalRecord{{State: JournalBatch}, {State: JournalRun, Owner: dead.Nonces.owner}}
	kr := newFakeKeyring(t)
	l.learn(j, nil)
	r := &BatchRunner{Sess: openFake(t, l.fakeChain, home), Keyring: kr, Journal: j, Ask: &batchAsk{}, Prior: prior, Concurrency: 2}
	res, err := r.Run(context.Background(), transferItems(t, kr, 2, "alice"))
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range res {
		if x.Status != BatchIncluded {
			t.Fatalf("row %d: %s %v", x.Row, x.Status, x.Err)
		}
	}
	if _, _, err := OpenJournal(path); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("a second process opened the journal in use: %v", err)
	}
}

// TestBatchStopOnError: a row that would fail is recorded failed and not
// signed; the run goes on, or with StopOnError starts no further row.
func TestBatchStopOnError(t *testing.T) {
	for _, stop := range []bool{false, true} {
		t.Run(fmt.Sprint("stop ", stop), func(t *testing.T) {
			l, _ := newTransferLedger(t)
			kr := newFakeKeyring(t)
			items := transferItems(t, kr, 3, "alice")
			huge, err := PlanTransfer(kr, TransferInput{Signing: Signing{From: "alice", Options: DefaultTxOptions()}, To: "bob", Amount: "5000"})
			if err != nil {
				t.Fatal(err)
			}
			items[1].Plan = huge
			j, err := CreateJournal(filepath.Join(t.TempDir(), "j"))
			if err != nil {
				t.Fatal(err)
			}
			l.learn(j, nil)
			r := &BatchRunner{Sess: openFake(t, l.fakeChain, t.TempDir()), Keyring: kr, Journal: j, Ask: &batchAsk{}, Concurrency: 1, StopOnError: stop}
			res, err := r.Run(context.Background(), items)
			if err != nil {
				t.Fatal(err)
			}
			if res[0].Status != BatchIncluded || res[1].Status != BatchFailed || res[1].Hash != "" || !errors.Is(res[1].Err, ErrInsufficientBalance) {
				t.Fatalf("rows %+v", res[:2])
			}
			want := BatchIncluded
			if stop {
				want = BatchSkipped
			}
			if res[2].Status != want || len(l.included) != 3-boolInt(stop)-1 {
				t.Fatalf("third row %s (want %s), %d included", res[2].Status, want, len(l.included))
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkBatchPlanSignParallel: as BenchmarkBatchPlanSign with rows of
// several senders prepared and signed side by side (as a run does).
func BenchmarkBatchPlanSignParallel(b *testing.B) {
	s, kr, alice, items := benchBatch(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := uint64(0)
		for pb.Next() {
			i++
			n := i
			p, _, err := prepareItem(ctx, s, kr, items[i%uint64(len(items))].Plan, &n)
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := p.Sign(alice); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestBatchGroup: with Group 2, five rows of one sender go in three
// transactions (two batch_all of two, one alone), the rows of a
// transaction share its hash and block, and its fee is on its first row.
func TestBatchGroup(t *testing.T) {
	l, _ := newTransferLedger(t)
	kr := newFakeKeyring(t)
	j, err := CreateJournal(filepath.Join(t.TempDir(), "j"))
	if err != nil {
		t.Fatal(err)
	}
	l.learn(j, nil)
	r := &BatchRunner{Sess: openFake(t, l.fakeChain, t.TempDir()), Keyring: kr, Journal: j, Ask: &batchAsk{}, Concurrency: 1, Group: 2}
	res, err := r.Run(context.Background(), transferItems(t, kr, 5, "alice"))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.included) != 3 {
		t.Fatalf("%d transactions, want 3", len(l.included))
	}
	for _, x := range res {
		if x.Status != BatchIncluded {
			t.Fatalf("row %+v", x)
		}
	}
	if res[0].Hash != res[1].Hash || res[2].Hash != res[3].Hash || res[1].Hash == res[2].Hash || res[4].Hash == res[3].Hash {
		t.Fatalf("hashes %s %s %s %s %s", res[0].Hash, res[1].Hash, res[2].Hash, res[3].Hash, res[4].Hash)
	}
	if res[0].Fee == nil || res[1].Fee != nil || res[4].Fee == nil {
		t.Fatalf("fees %v %v %v", res[0].Fee, res[1].Fee, res[4].Fee)
	}
}

func TestParseBatch(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []BatchRow
		errLine  int    // 0: a usage error without a line
		errHas   string // "" with want: no error
	}{
		{name: "json lines", in: "[\"transfer\", \"bob\", \"1.5\", \"--from\", \"alice\"]\n\n{\"id\": \"p2\", \"args\": [\"gov\", \"vote\", 12, \"aye\"]}\n",
			want: []BatchRow{{Line: 1, Args: []string{"transfer", "bob", "1.5", "--from", "alice"}}, {Line: 3, ID: "p2", Args: []string{"gov", "vote", "12", "aye"}}}},
		{name: "leading blank lines count", in: "\n\n  [\"transfer\",\"bob\",\"1\"]\n", want: []BatchRow{{Line: 3, Args: []string{"transfer", "bob", "1"}}}},
		{name: "numeric id", in: `{"id": 7, "args": ["transfer","bob","1"]}`, want: []BatchRow{{Line: 1, ID: "7", Args: []string{"transfer", "bob", "1"}}}},
		{name: "csv", in: "to,amount,from,id\nbob,1.5,alice,a1\n\ncarol, 2 ,,a2\n",
			want: []BatchRow{{Line: 2, ID: "a1", Args: []string{"transfer", "bob", "1.5", "--from", "alice"}}, {Line: 4, ID: "a2", Args: []string{"transfer", "carol", "2"}}}},
		{name: "csv tip and column order", in: "amount,to,tip\n1,bob,0.01\n",
			want: []BatchRow{{Line: 2, Args: []string{"transfer", "bob", "1", "--tip", "0.01"}}}},
		{name: "malformed json", in: "[\"transfer\",\"bob\",\"1\"]\n[\"transfer\", \"bob\"\n", errLine: 2, errHas: "not a JSON array"},
		{name: "trailing value", in: "[\"a\"] [\"b\"]\n", errLine: 1, errHas: "more than one JSON value"},
		{name: "not a string", in: "[\"transfer\", true]\n", errLine: 1, errHas: "argument 2"},
		{name: "empty args", in: "[]\n", errLine: 1, errHas: "no arguments"},
		{name: "unknown field", in: `{"id":"x","args":["a"],"nonce":3}`, errLine: 1, errHas: "unknown field"},
		{name: "no args", in: `{"id":"x"}`, errLine: 1, errHas: `no "args"`},
		{name: "duplicate id", in: "{\"id\":\"x\",\"args\":[\"a\"]}\n{\"id\":\"x\",\"args\":[\"b\"]}\n", errLine: 2, errHas: "line 1"},
		{name: "csv unknown column", in: "to,amount,memo\nbob,1,hi\n", errLine: 1, errHas: `unknown column "memo"`},
		{name: "csv missing column", in: "to,from\nbob,alice\n", errLine: 1, errHas: `no "amount"`},
		{name: "csv missing value", in: "to,amount\nbob,1\ncarol,\n", errLine: 3, errHas: "required"},
		{name: "csv ragged", in: "to,amount\nbob,1,3\n", errLine: 2, errHas: "number of fields"},
		{name: "empty", in: "\n \n", errHas: "no rows"},
		{name: "header only", in: "to,amount\n", errHas: "no rows"},
		{name: "bad utf8", in: "[\"transfer\",\"\xff\"]\n", errLine: 1, errHas: "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := ParseBatch(strings.NewReader(tc.in))
			if tc.want != nil {
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(rows, tc.want) {
					t.Fatalf("rows %+v, want %+v", rows, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.errHas) || !IsInputError(err) {
				t.Fatalf("err %v, want one with %q (exit 2)", err, tc.errHas)
			}
			var be *BatchInputError
			if tc.errLine != 0 && (!errors.As(err, &be) || be.Line != tc.errLine) {
				t.Fatalf("err %v names line %+v, want %d", err, be, tc.errLine)
			}
		})
	}
}

// FuzzParseBatch: any input gives rows or an error, never a panic; rows
// have arguments and lines in order.
func FuzzParseBatch(f *testing.F) {
	for _, s := range []string{
		"[\"transfer\",\"bob\",\"1\"]\n", `{"id":"a","args":["x",1]}`, "to,amount\nbob,1\n", "to,amount,from,id,tip\n\"b,c\",1,a,\"x\"\"y\",2\n",
		"\n\n[1]\n[\"a\"]x", "{\"args\":[]}", "\ufeffto,amount\nx,1",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := ParseBatch(strings.NewReader(string(b)))
		if err != nil {
			if rows != nil {
				t.Fatal("rows with an error")
			}
			return
		}
		last := 0
		for _, r := range rows {
			if len(r.Args) == 0 || r.Line <= last {
				t.Fatalf("row %+v after line %d", r, last)
			}
			last = r.Line
		}
	})
}
