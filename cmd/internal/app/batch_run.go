package app

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/wallet/keys"
)

// BatchItem is one row of a batch with its plan (the use case its command
// made of its arguments, checked offline).
type BatchItem struct {
	// Row is the 1-based index of the row in the batch.
	Row  int
	Line int
	ID   string
	Plan *Plan
}

// Row statuses of a batch's outcome.
const (
	BatchIncluded = "included"
	BatchFailed   = "failed"
	BatchSkipped  = "skipped"
)

// BatchRowResult is what became of one row.
type BatchRowResult struct {
	Row    int
	Line   int
	ID     string
	Status string
	Chain  string
	// Hash is the extrinsic hash ("" when nothing was signed).
	Hash        string
	BlockNumber uint64
	Fee         *big.Int
	Err         error
	Verified    bool
	// Unsettled marks a skipped row whose transaction was signed and may
	// still be included (network loss, interruption): --resume settles it.
	Unsettled bool
	// OnChain marks a row included whose call failed.
	OnChain bool
}

// BatchAsker is what a batch run asks its caller and tells it.
type BatchAsker interface {
	PasswordPrompter
	// Done receives each row once it is settled (any order).
	Done(r BatchRowResult)
	// Step receives each row's journal state as it is reached.
	Step(row int, state string)
	Warn(msg string)
}

// BatchRunner signs and submits a batch's rows with a journal: every
// state is in the journal before the next step, so that Resume (a run
// given the journal's records as Prior) never signs a row again while its
// earlier transaction can still be included.
type BatchRunner struct {
	Sess    *Session
	Keyring Keyring
	Journal *Journal
	Ask     BatchAsker
	// Prior are the records of the journal being resumed (nil for a new
	// run).
	Prior []JournalRecord
	// Concurrency bounds the transactions being prepared or followed at
	// once (1 when zero).
	Concurrency int
	// StopOnError skips the rows not yet started once one fails.
	StopOnError bool
	// Group puts up to Group consecutive rows of one sender with the same
	// options into one Utility.batch_all (all or nothing); 0 or 1: one
	// transaction per row.
	Group int
	// SettleEvery is how often a resumed row whose transaction may still be
	// included is looked for again (6 s when zero).
	SettleEvery time.Duration
}

// ErrBatchUnsettled means some rows were signed and their outcome is not
// known yet (a network loss): run again with --resume.
var ErrBatchUnsettled = errors.New("some rows are not settled")

// errResign says a signed row's transaction can never be included: the
// row may be signed again with a new nonce.
var errResign = errors.New("can never be included")

// Run runs items (in order per sender; senders side by side) and returns
// a result per item, in the items' order. The error is ctx's when it ended.
func (r *BatchRunner) Run(ctx context.Context, items []BatchItem) ([]BatchRowResult, error) {
	state := journalRows(r.Prior)
	if err := r.Journal.Append(JournalRecord{State: JournalRun, Owner: r.Sess.Nonces.owner}); err != nil {
		return nil, err
	}
	var deadOwners []string
	for _, rec := range r.Prior {
		if rec.State == JournalRun && rec.Owner != "" {
			deadOwners = append(deadOwners, rec.Owner)
		}
	}
	results := make([]BatchRowResult, len(items))
	var todo []int
	for i, it := range items {
		results[i] = BatchRowResult{Row: it.Row, Line: it.Line, ID: it.ID, Status: BatchSkipped, Chain: r.Sess.ChainName()}
		if rj := state[it.Row]; rj != nil && rj.final != nil {
			results[i] = resultFromJournal(results[i], rj.final)
			r.Ask.Done(results[i])
			continue
		}
		todo = append(todo, i)
	}
	// One password prompt per key, before anything is signed.
	pairs := map[string]*keys.Pair{}
	defer func() {
		for _, p := range pairs {
			p.Wipe()
		}
	}()
	for _, i := range todo {
		from := items[i].Plan.From
		if _, ok := pairs[from.Name]; ok {
			continue
		}
		pw, err := r.Ask.Password(ctx, from)
		if err != nil {
			return results, cancelled(ctx, err)
		}
		pair, err := r.Keyring.Unlock(from.Name, pw)
		wipe(pw)
		if err != nil {
			return results, fmt.Errorf("unlock key %q: %w", from.Name, err)
		}
		pairs[from.Name] = pair
	}
	conc := max(r.Concurrency, 1)
	sem := make(chan struct{}, conc)
	stop := make(chan struct{})
	var stopOnce sync.Once
	halt := func() { stopOnce.Do(func() { close(stop) }) }
	stopped := func() bool {
		select {
		case <-stop:
			return true
		case <-ctx.Done():
			return true
		default:
			return false
		}
	}
	bySender := map[[32]byte][]int{}
	var order [][32]byte
	for _, i := range todo {
		a := items[i].Plan.From.Account
		if _, ok := bySender[a]; !ok {
			order = append(order, a)
		}
		bySender[a] = append(bySender[a], i)
	}
	// The nonces the interrupted runs had reserved and not signed with are
	// free again (held, they would leave a gap no transaction fills).
	for _, acc := range order {
		_ = r.Sess.Nonces.ReleaseOwners(r.Sess.NonceGenesis(), acc, deadOwners)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	finish := func(unit []int, res BatchRowResult) {
		for k, i := range unit {
			row := res
			row.Row, row.Line, row.ID = items[i].Row, items[i].Line, items[i].ID
			if k > 0 {
				row.Fee = nil // the transaction's fee is on its first row
			}
			mu.Lock()
			results[i] = row
			mu.Unlock()
			r.Ask.Done(row)
		}
		if res.Status == BatchFailed && r.StopOnError {
			halt()
		}
		if res.Unsettled {
			// The network is gone or the outcome unknown: start nothing new.
			halt()
		}
	}
	for _, acc := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// prev is the accepted channel of this sender's transaction
			// sent before (nil: none).
			var prev chan struct{}
			for _, unit := range r.units(items, bySender[acc], state) {
				if stopped() {
					return
				}
				sem <- struct{}{}
				rr := &rowRun{r: r, rj: state[items[unit[0]].Row], pair: pairs[items[unit[0]].Plan.From.Name], res: BatchRowResult{Status: BatchSkipped, Chain: r.Sess.ChainName()},
					accepted: make(chan struct{})}
				for _, i := range unit {
					rr.its = append(rr.its, items[i])
				}
				submit, done := rr.prepare(ctx)
				if submit == nil {
					<-sem
					if done != nil {
						finish(rr.unitIndexes(unit), *done)
					}
					for _, x := range rr.dropped {
						finish([]int{unit[x.k]}, x.res)
					}
					continue
				}
				for _, x := range rr.dropped {
					finish([]int{unit[x.k]}, x.res)
				}
				// The next unit of this sender is prepared while this one is
				// followed (pipelined nonces); sem bounds the followed ones.
				wait := prev
				prev = rr.accepted
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					if wait != nil {
						select {
						case <-wait:
						case <-ctx.Done():
						}
					}
					res := submit()
					rr.markAccepted()
					finish(rr.unitIndexes(unit), res)
				}()
			}
		}()
	}
	wg.Wait()
	r.journalStop(ctx, results)
	return results, ctx.Err()
}

// journalStop ends the journal of a run that leaves rows unsettled or not
// started with a JournalStopped record saying why and which.
func (r *BatchRunner) journalStop(ctx context.Context, results []BatchRowResult) {
	rec := JournalRecord{State: JournalStopped}
	var netErr error
	for _, res := range results {
		switch {
		case res.Status != BatchSkipped:
		case res.Unsettled && res.Hash != "":
			rec.Unsettled = append(rec.Unsettled, res.Row)
			if netErr == nil && res.Err != nil {
				netErr = res.Err
			}
		case res.Unsettled || res.Err == nil:
			rec.Pending = append(rec.Pending, res.Row)
			if netErr == nil && res.Err != nil {
				netErr = res.Err
			}
		}
	}
	switch {
	case ctx.Err() != nil:
		rec.Reason = "interrupted: " + ctx.Err().Error()
	case len(rec.Unsettled) == 0 && len(rec.Pending) == 0:
		return
	case netErr != nil:
		rec.Reason = netErr.Error()
	default:
		rec.Reason = "stopped on error"
	}
	if err := r.Journal.Append(rec); err != nil {
		r.Ask.Warn(err.Error())
	}
}

// units splits a sender's rows (indexes of items, in order) into the
// transactions they go in: rows signed together by an earlier run stay
// together; fresh rows go one per transaction, or with Group up to Group
// consecutive rows of the same options together.
func (r *BatchRunner) units(items []BatchItem, idxs []int, state map[int]*rowJournal) [][]int {
	var units [][]int
	var cur []int
	// A row's key is the transaction its latest attempt was signed in: its
	// own signed record, or, for a row of a group whose records were cut
	// short, the one of the group's first row (the same transaction).
	key := func(i int) string {
		rj := state[items[i].Row]
		switch {
		case rj == nil:
			return ""
		case rj.signed != nil && rj.signedLast:
			return rj.signed.ExtrinsicHash
		case rj.planned != nil && rj.planned.Group != 0 && rj.planned.Group != items[i].Row:
			if lead := state[rj.planned.Group]; lead != nil && lead.signed != nil && lead.signedLast {
				return lead.signed.ExtrinsicHash
			}
		}
		return ""
	}
	for _, i := range idxs {
		if len(cur) > 0 {
			first := cur[0]
			k := key(i)
			same := k == key(first) && (k != "" || r.Group > 1 && len(cur) < r.Group && items[i].Plan.Options == items[first].Plan.Options)
			if !same {
				units = append(units, cur)
				cur = nil
			}
		}
		cur = append(cur, i)
	}
	if len(cur) > 0 {
		units = append(units, cur)
	}
	return units
}

// rowRun is one transaction's way through the states: its rows (one, or
// several in a batch_all).
type rowRun struct {
	r    *BatchRunner
	its  []BatchItem
	rj   *rowJournal
	pair *keys.Pair
	res  BatchRowResult
	// dropped are rows of the unit settled on their own (failed or
	// nothing to do while composing); k indexes the unit.
	dropped []droppedRow
	// kept are the indexes in the unit of the rows in the transaction.
	kept []int
	// accepted is closed once the endpoint has answered for the
	// transaction (its first status) or its submission ended: the sender's
	// next transaction is sent only then, so the endpoint sees one
	// sender's nonces in order (a node without a future queue, such as
	// chopsticks, refuses a nonce ahead of the ones it holds).
	accepted   chan struct{}
	acceptOnce sync.Once
}

func (rr *rowRun) markAccepted() { rr.acceptOnce.Do(func() { close(rr.accepted) }) }

type droppedRow struct {
	k   int
	res BatchRowResult
}

// unitIndexes are the items' indexes of the rows in the transaction.
func (rr *rowRun) unitIndexes(unit []int) []int {
	if rr.kept == nil {
		return unit
	}
	out := make([]int, len(rr.kept))
	for j, k := range rr.kept {
		out[j] = unit[k]
	}
	return out
}

// journal writes rec for each row of the transaction.
func (rr *rowRun) journal(rec JournalRecord) error {
	for j, it := range rr.its {
		if rr.kept != nil && !containsInt(rr.kept, j) {
			continue
		}
		rec.Row, rec.ID = it.Row, it.ID
		if n := len(rr.kept); n > 1 || rr.kept == nil && len(rr.its) > 1 {
			rec.Group = rr.its[0].Row
			if n > 0 {
				rec.Group = rr.its[rr.kept[0]].Row
			}
		}
		if err := rr.r.Journal.Append(rec); err != nil {
			return err
		}
		rr.r.Ask.Step(it.Row, rec.State)
	}
	return nil
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// prepare settles an earlier transaction of the row (resume), then
// composes, prepares, signs and journals a new one. It returns the
// submission to run, or the row's result when it is settled already (or
// nil when nothing is to be reported: never).
func (rr *rowRun) prepare(ctx context.Context) (func() BatchRowResult, *BatchRowResult) {
	s := rr.r.Sess
	if rj := rr.rj; rj != nil {
		if rj.signed != nil {
			out, err := rr.settleSigned(ctx, rj.signed)
			switch {
			case out != nil:
				res := rr.included(out)
				return nil, &res
			case errors.Is(err, errResign):
				// Never to be included: sign again below.
			default:
				res := rr.unsettledOrFailed(err)
				return nil, &res
			}
		} else if rj.planned != nil && rj.planned.Nonce != nil {
			// A nonce reserved by the interrupted run, never signed with.
			if from, err := decodeAccount(rj.planned.From); err == nil {
				_ = s.Nonces.ReleaseReserved(s.NonceGenesis(), from, *rj.planned.Nonce)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil
	}
	req, err := rr.compose(ctx)
	if err != nil {
		res := rr.prepFailed(err)
		return nil, &res
	}
	if req == nil {
		return nil, nil // every row was settled on its own
	}
	p, err := s.Prepare(ctx, *req)
	if err != nil {
		res := rr.prepFailed(err)
		if p != nil && p.Fee != nil {
			res.Fee = p.Fee
		}
		return nil, &res
	}
	if err := canSubmit(s); err != nil {
		s.Release(p)
		res := rr.prepFailed(err)
		return nil, &res
	}
	nonce := p.Params.Nonce
	from := "0x" + hex.EncodeToString(p.From[:])
	if err := rr.journal(JournalRecord{State: JournalPlanned, Chain: s.Genesis.String(), From: from, Nonce: &nonce}); err != nil {
		s.Release(p)
		res := rr.unsettledOrFailed(err)
		return nil, &res
	}
	signed, err := p.Sign(rr.pair)
	if err != nil {
		s.Release(p)
		res := rr.prepFailed(err)
		return nil, &res
	}
	snd := Sender{From: p.From, Nonce: nonce, Born: p.At.Number}
	era := &JournalEra{Born: p.At.Number}
	if p.Params.Era.Mortal {
		snd.Death = p.Params.Era.Death(p.At.Number)
		era.Period, era.Death = p.Params.Era.Period, snd.Death
	}
	h := ExtrinsicHash(signed)
	rr.res.Hash, rr.res.Fee = h.String(), p.Fee
	if err := rr.journal(JournalRecord{State: JournalSigned, Chain: s.Genesis.String(), From: from, Nonce: &nonce,
		ExtrinsicHash: h.String(), Era: era, SignedAt: &JournalBlock{Number: p.At.Number, Hash: p.At.Hash.String()},
		Extrinsic: "0x" + hex.EncodeToString(signed)}); err != nil {
		s.Release(p)
		res := rr.unsettledOrFailed(err)
		return nil, &res
	}
	if err := ctx.Err(); err != nil {
		// Signed and journalled, not sent: --resume settles it.
		s.Release(p)
		res := rr.res
		res.Unsettled, res.Err = true, fmt.Errorf("%w before sending: %w", ErrCancelled, err)
		return nil, &res
	}
	return func() BatchRowResult {
		o, err := s.SubmitTracked(ctx, signed, snd, rr.onStatus())
		if err != nil {
			return rr.unsettledOrFailed(err)
		}
		return rr.included(o)
	}, nil
}

// compose composes the calls of the transaction's rows: one row's call,
// or several in a batch_all. A row that fails to compose (or has nothing
// to do) is settled on its own (dropped); nil when none is left.
func (rr *rowRun) compose(ctx context.Context) (*Request, error) {
	s := rr.r.Sess
	var calls [][]byte
	var req Request
	rr.kept = []int{}
	for k, it := range rr.its {
		draft, err := it.Plan.compose(ctx, s, rr.r.Keyring)
		if err == nil && draft.Nothing == "" && draft.Request.SpendAll && len(rr.its) > 1 {
			err = Usagef("--all sends everything: it cannot be in a group (batch_all) of rows")
		}
		if err != nil {
			if IsNetworkErr(err) {
				return nil, err
			}
			one := &rowRun{r: rr.r, its: []BatchItem{it}, res: rr.res}
			rr.dropped = append(rr.dropped, droppedRow{k, one.failed(err)})
			continue
		}
		if draft.Nothing != "" {
			res := rr.res
			res.Status, res.Err = BatchSkipped, errors.New(draft.Nothing)
			rr.dropped = append(rr.dropped, droppedRow{k, res})
			continue
		}
		if len(calls) == 0 {
			req = draft.Request
		} else {
			req.Spend = new(big.Int).Add(nz(req.Spend), nz(draft.Request.Spend))
			req.AllowDeath = req.AllowDeath && draft.Request.AllowDeath
		}
		calls = append(calls, draft.Request.Call)
		rr.kept = append(rr.kept, k)
	}
	if len(calls) == 0 {
		return nil, nil
	}
	plan := rr.its[rr.kept[0]].Plan
	if len(calls) > 1 {
		_, rt, err := s.HeadRuntime(ctx)
		if err != nil {
			return nil, err
		}
		if req.Call, err = rt.Calls.BatchAll(calls); err != nil {
			return nil, err
		}
	}
	req.From, req.Scheme = plan.From.Account, plan.From.Scheme
	if err := plan.Options.apply(s, &req); err != nil {
		return nil, err
	}
	return &req, nil
}

// onStatus journals "submitted" at the first status the endpoint gives.
func (rr *rowRun) onStatus() Progress {
	var once sync.Once
	return func(chainclient.Status) {
		once.Do(func() {
			_ = rr.journal(JournalRecord{State: JournalSubmitted})
			rr.markAccepted()
		})
	}
}

// settleSigned decides what became of a transaction signed by an
// interrupted run (SettleLost): its outcome when it is on chain;
// errResign when it can never be included; while it can still be, it is
// sent again as it is (the same transaction: it can be included once
// only) and looked for until it is included or its era has ended.
func (rr *rowRun) settleSigned(ctx context.Context, rec *JournalRecord) (*Outcome, error) {
	s := rr.r.Sess
	ext, snd, err := signedFromJournal(rec)
	if err != nil {
		return nil, fmt.Errorf("journal row %d: %w", rec.Row, err)
	}
	if rec.Chain != s.Genesis.String() {
		return nil, fmt.Errorf("journal row %d was signed for chain %s, not this one (%s)", rec.Row, rec.Chain, s.Genesis)
	}
	rr.res.Hash = rec.ExtrinsicHash
	every := rr.r.SettleEvery
	if every <= 0 {
		every = 6 * time.Second
	}
	// send: the same signed bytes are to be sent (again): at first, and
	// after a send the endpoint stopped reporting on (the chain idle, or
	// the pool dropped it). A pool that holds them says so; they can be
	// included once only.
	send := true
	progress := rr.onStatus()
	for {
		o, err := s.SettleLost(ctx, ext, snd)
		var ni *NotIncludedError
		var ue *UnsettledError
		switch {
		case o != nil:
			return o, nil
		case errors.As(err, &ni):
			return nil, errResign
		case errors.As(err, &ue) && ue.NonceUsed:
			return nil, err
		case errors.As(err, &ue):
			if send {
				send = false
				o, err := s.SubmitTracked(ctx, ext, snd, progress)
				switch {
				case o != nil:
					return o, nil
				case errors.As(err, &ni):
					return nil, errResign
				case errors.As(err, &ue):
					// Known to the pool, or refused unproven: look again.
				case errors.Is(err, ErrFollowTimeout) && ctx.Err() == nil:
					// Sent, and no news since (a chain building no
					// block): look again, and send again.
					send = true
				default:
					return nil, err
				}
			}
		default:
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(every):
		}
	}
}

func signedFromJournal(rec *JournalRecord) ([]byte, Sender, error) {
	ext, err := hexBytes(rec.Extrinsic)
	if err != nil || len(ext) == 0 {
		return nil, Sender{}, errors.New("the signed record has no extrinsic")
	}
	if ExtrinsicHash(ext).String() != rec.ExtrinsicHash {
		return nil, Sender{}, errors.New("the signed record's extrinsic does not have its hash")
	}
	from, err := decodeAccount(rec.From)
	if err != nil || rec.Nonce == nil || rec.Era == nil {
		return nil, Sender{}, errors.New("the signed record lacks its sender, nonce or era")
	}
	return ext, Sender{From: from, Nonce: *rec.Nonce, Born: rec.Era.Born, Death: rec.Era.Death}, nil
}

func decodeAccount(s string) ([32]byte, error) {
	var a [32]byte
	b, err := hexBytes(s)
	if err != nil || len(b) != 32 {
		return a, errors.New("not a 0x-hex account id")
	}
	copy(a[:], b)
	return a, nil
}

// included journals and reports an outcome.
func (rr *rowRun) included(o *Outcome) BatchRowResult {
	res := rr.res
	res.Status, res.Hash, res.BlockNumber, res.Fee = BatchIncluded, o.ExtrinsicHash.String(), o.BlockNumber, o.Fee
	res.Verified = o.Verified
	ok := o.Success
	rec := JournalRecord{State: JournalIncluded, ExtrinsicHash: res.Hash, Block: &JournalBlock{Number: o.BlockNumber, Hash: o.BlockHash.String()},
		Success: &ok, Proven: o.Verified && o.Finalized}
	if o.Fee != nil {
		rec.Fee = o.Fee.String()
	}
	if !o.Success {
		res.Status, res.OnChain = BatchFailed, true
		res.Err = fmt.Errorf("included in block #%d but failed: %v", o.BlockNumber, o.Error)
		rec.Reason = res.Err.Error()
	}
	if err := rr.journal(rec); err != nil {
		rr.r.Ask.Warn(fmt.Sprintf("row %d: %v", rr.its[0].Row, err))
	}
	return res
}

// prepFailed: the row fails before anything was signed (a check, a dry
// run); a network failure leaves it unsettled instead (nothing journalled).
func (rr *rowRun) prepFailed(err error) BatchRowResult {
	if IsNetworkErr(err) || errors.Is(err, context.Canceled) {
		res := rr.res
		res.Unsettled, res.Err = true, err
		return res
	}
	return rr.failed(err)
}

func (rr *rowRun) failed(err error) BatchRowResult {
	res := rr.res
	res.Status, res.Err = BatchFailed, err
	if jerr := rr.journal(JournalRecord{State: JournalFailed, ExtrinsicHash: res.Hash, Reason: err.Error()}); jerr != nil {
		rr.r.Ask.Warn(fmt.Sprintf("row %d: %v", rr.its[0].Row, jerr))
	}
	return res
}

// unsettledOrFailed: a refusal settled by the chain fails the row; a
// "nonce used, inclusion not found" too (it will never be included, and is
// not sent again); anything else leaves it to --resume.
func (rr *rowRun) unsettledOrFailed(err error) BatchRowResult {
	var ni *NotIncludedError
	var ue *UnsettledError
	if errors.As(err, &ni) || errors.As(err, &ue) && ue.NonceUsed {
		return rr.failed(err)
	}
	res := rr.res
	res.Unsettled, res.Err = true, err
	return res
}

// IsNetworkErr reports whether err is the network failing (kind
// ErrNetwork, or the backend disconnected).
func IsNetworkErr(err error) bool {
	return errors.Is(err, ErrNetwork) || IsDisconnected(err) || chainclient.IsDisconnectedErr(err)
}

func resultFromJournal(res BatchRowResult, rec *JournalRecord) BatchRowResult {
	res.Hash = rec.ExtrinsicHash
	if rec.Fee != "" {
		res.Fee, _ = new(big.Int).SetString(rec.Fee, 10)
	}
	switch rec.State {
	case JournalIncluded:
		res.Status, res.Verified = BatchIncluded, rec.Proven
		if rec.Block != nil {
			res.BlockNumber = rec.Block.Number
		}
		if rec.Success != nil && !*rec.Success {
			res.Status, res.OnChain, res.Err = BatchFailed, true, errors.New(rec.Reason)
		}
	case JournalFailed:
		res.Status, res.Err = BatchFailed, errors.New(rec.Reason)
	}
	return res
}

// StatusLost is the status SettleLost gives the transaction it settles.
const StatusLost chainclient.StatusKind = "lost"

// SettleLost decides by the chain what became of a signed transaction
// whose fate is unknown (a batch interrupted after signing it), as
// SubmitTracked settles a refusal: its outcome when it is in a finalized
// block of its era; a *NotIncludedError when it can never be included
// (its era ended and its nonce unused: the pending nonce is forgotten);
// else an *UnsettledError (NonceUsed: its nonce was used by a transaction
// ksm did not find; otherwise it may still be included).
func (s *Session) SettleLost(ctx context.Context, ext []byte, snd Sender) (*Outcome, error) {
	return s.settle(ctx, ext, snd, &NotIncludedError{Hash: ExtrinsicHash(ext), Status: StatusLost, Reason: "the batch was interrupted"})
}
