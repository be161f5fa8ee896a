package cli

// ksm batch: many submitting commands from a file. Each row is parsed by
// the command tree itself (its flags and offline checks are exactly the
// command's), and the plan its command makes (submitPlan) is collected
// instead of executed (Factory.collect); app plans, dry-runs
// (app.PlanBatch) or runs them with a journal (app.BatchRunner).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

const batchFileHelp = `FILE is JSON Lines, each line the arguments of one submitting command as
typed after ksm:

  ["transfer", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F", "1.5", "--from", "treasury"]
  {"id": "vote-12", "args": ["gov", "vote", "12", "aye", "--amount", "5", "--from", "v1"]}

or CSV with a header row, every row a transfer: columns to and amount,
optionally from (else --from), id and tip. Each row is parsed and checked
by its command exactly as on the command line (flags, key names, amounts
in the network's decimals) before anything is read from the chain; a bad
row stops everything with exit 2, naming its line. Global flags (--network,
--rpc, --trust-rpc, --yes, password options) apply to the whole batch and
are refused inside a row, as is --dry-run (that is ksm batch plan).`

// batchFlags are the flags of plan and run.
type batchFlags struct {
	from string
}

func (b *batchFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&b.from, "from", "", "key that signs the rows that name none (CSV rows without a from column)")
}

func newBatchPlanCmd(f *Factory) *cobra.Command {
	var bf batchFlags
	var group int
	cmd := &cobra.Command{
		Use:   "plan FILE",
		Short: "Check every row and dry-run the batch on chain: fees, totals per sender, rows that would fail; nothing is signed",
		Long: batchFileHelp + `

plan then prepares every row on the chain as run would (nonces following
each other per sender): its fee, its dry run, and per sender what the rows
spend together against the transferable balance (a row the balance left by
the rows before it cannot pay would fail). Nothing is signed or sent. Exit
0 when every row would succeed; otherwise the exit code of the first
failing row's error.

--group N plans the rows as run --group N would send them: up to N
consecutive rows of one sender in one Utility.batch_all, each group
prepared and dry-run as one transaction, with its fee and weight against
the most weight one transaction may have.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if group < 0 {
				return app.Usagef("--group must not be negative")
			}
			return runBatchPlan(cmd.Context(), f, args[0], bf, group)
		},
	}
	bf.add(cmd)
	cmd.Flags().IntVar(&group, "group", 0, "plan up to N consecutive rows of one sender (same options) in one Utility.batch_all, as run --group N")
	return cmd
}

func newBatchRunCmd(f *Factory) *cobra.Command {
	var bf batchFlags
	var journal string
	var resume, stopOnError bool
	var concurrency, group int
	cmd := &cobra.Command{
		Use:   "run FILE [--journal FILE] [--resume]",
		Short: "Sign and submit every row of a batch, journalled so that an interrupted run resumes without paying twice",
		Long: batchFileHelp + `

run signs and submits the rows (one password prompt per key; rows of one
sender get consecutive nonces and several can land in one block; senders
run side by side up to --concurrency transactions at once) and writes each
row's states to an append-only journal (--journal, default FILE.journal,
mode 0600), each record on disk before the next step: planned (nonce),
signed (extrinsic hash, nonce, era, chain, the block it was signed at, the
transaction), submitted, included (block, proven) or failed (reason).

If the journal exists run refuses to start without --resume. --resume
skips settled rows and settles every signed one by the chain before
anything else: it is looked for in the blocks of its era and by its
sender's nonce at the finalized block; while it may still be included the
same signed bytes are sent again (they can be included only once) and it is
looked for until it is, or until its era has ended. Only a transaction that
can never be included is signed again, with a new nonce.

--group N puts up to N consecutive rows of one sender with the same
options into one Utility.batch_all (all of them succeed or none; its fee is
on its first row); N must keep the call within the block's weight.

A row failing on chain is recorded and the run goes on (--stop-on-error
stops starting new rows). Progress goes to stderr; with --json one line per
row on stdout and a last summary line. Exit 0 when every row was included
and succeeded, 4 when some failed, 5 when the network was lost (resume
later), 130 on Ctrl-C (the journal says where it stopped).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if concurrency < 1 {
				return app.Usagef("--concurrency must be at least 1")
			}
			if group < 0 {
				return app.Usagef("--group must not be negative")
			}
			o := batchRunOptions{journal: journal, resume: resume, stopOnError: stopOnError, concurrency: concurrency, group: group}
			if o.journal == "" {
				o.journal = args[0] + ".journal"
			}
			return runBatchRun(cmd.Context(), f, args[0], bf, o)
		},
	}
	bf.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&journal, "journal", "", "the run's journal (default FILE.journal)")
	fl.BoolVar(&resume, "resume", false, "finish the run the journal records (settling its signed rows on chain first)")
	fl.BoolVar(&stopOnError, "stop-on-error", false, "start no new row once one has failed")
	fl.IntVar(&concurrency, "concurrency", 16, "transactions prepared or followed at once")
	fl.IntVar(&group, "group", 0, "put up to N consecutive rows of one sender (same options) into one Utility.batch_all: all or nothing")
	return cmd
}

// loadBatch reads FILE and makes every row's plan, offline.
func loadBatch(ctx context.Context, f *Factory, file string, bf batchFlags) ([]app.BatchRow, []app.BatchItem, *keystore.Store, error) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, nil, nil, app.Usagef("batch file: %w", err)
	}
	rows, err := app.ParseBatch(fh)
	_ = fh.Close()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	st, _, err := openKeyring(f)
	if err != nil {
		return nil, nil, nil, err
	}
	if net, err := f.Network(); err == nil {
		st.Prefix = net.SS58Prefix
	}
	// The rows as run (with --from where they name no key): the journal's
	// fingerprint covers what is signed.
	for i := range rows {
		if bf.from != "" && !hasFlag(rows[i].Args, "from") {
			rows[i].Args = append(append([]string(nil), rows[i].Args...), "--from", bf.from)
		}
	}
	items, err := collectPlans(ctx, f, newCachedKeyring(st), rows)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	return rows, items, st, nil
}

// collectPlans parses each row with the command tree and collects its plan.
func collectPlans(ctx context.Context, f *Factory, kr app.Keyring, rows []app.BatchRow) ([]app.BatchItem, error) {
	items := make([]app.BatchItem, 0, len(rows))
	rp := newRowParser(f, kr)
	for i, row := range rows {
		plan, err := rp.plan(ctx, row.Args)
		if err != nil {
			return nil, app.BatchLineError(row.Line, err)
		}
		items = append(items, app.BatchItem{Row: i + 1, Line: row.Line, ID: row.ID, Plan: plan})
	}
	return items, nil
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "--"+name || strings.HasPrefix(a, "--"+name+"=") {
			return true
		}
	}
	return false
}

// quietIO are the streams a row's command gets: no terminal, nothing shown.
func quietIO() *iostreams.IOStreams {
	s, _, _, _ := iostreams.Test()
	return s
}

// rowParser runs rows through one command tree whose submitting commands
// hand their plan over instead of executing it (Factory.collect). The tree
// is built once (building it is most of the cost of a row); after each row
// every flag of the commands it ran is set back to its default, so that
// nothing of a row carries over to the next.
type rowParser struct {
	f    *Factory
	rf   *Factory
	root *cobra.Command
	got  *app.Plan
}

func newRowParser(f *Factory, kr app.Keyring) *rowParser {
	rp := &rowParser{f: f}
	rp.rf = &Factory{IO: quietIO(), Opts: &GlobalOptions{}, Getenv: f.Getenv, Backend: f.Backend, keyring: kr}
	rp.rf.collect = func(p *app.Plan) error {
		rp.got = p
		return nil
	}
	rp.root = NewRootCmd(rp.rf)
	rp.root.SetOut(io.Discard)
	rp.root.SetErr(io.Discard)
	return rp
}

// resetFlags sets every flag of cmd and its parents back to its default.
func resetFlags(cmd *cobra.Command) {
	reset := func(fl *pflag.Flag) {
		if !fl.Changed {
			return
		}
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			_ = sv.Replace(nil)
		} else {
			_ = fl.Value.Set(fl.DefValue)
		}
		fl.Changed = false
	}
	for c := cmd; c != nil; c = c.Parent() {
		c.Flags().VisitAll(reset)
		c.PersistentFlags().VisitAll(reset)
	}
}

// plan parses args as a command line and returns its command's plan.
func (rp *rowParser) plan(ctx context.Context, args []string) (*app.Plan, error) {
	root := rp.root
	*rp.rf.Opts = *rp.f.Opts
	rp.got = nil
	cmd, _, err := root.Find(args)
	if err != nil || cmd == root {
		return nil, app.Usagef("unknown command %q (a row is a submitting command as typed after ksm: transfer, stake bond, gov vote, ...)", args[0])
	}
	if cmd.Annotations[submitsAnnotation] == "" {
		return nil, app.Usagef("%q does not submit a transaction (a row is a submitting command as typed after ksm: transfer, stake bond, gov vote, ...)", strings.TrimPrefix(cmd.CommandPath(), "ksm "))
	}
	defer resetFlags(cmd)
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		return nil, err
	}
	var global []string
	root.PersistentFlags().VisitAll(func(fl *pflag.Flag) {
		if fl.Changed {
			global = append(global, "--"+fl.Name)
		}
	})
	if len(global) > 0 {
		return nil, app.Usagef("%s in a row: global flags apply to the whole batch (give them to ksm batch)", strings.Join(global, ", "))
	}
	if cmd.Flags().Changed("dry-run") {
		return nil, app.Usagef("--dry-run in a row: ksm batch plan dry-runs the whole batch")
	}
	if rp.got == nil {
		return nil, app.Usagef("the row makes no transaction")
	}
	return rp.got, nil
}

// cachedKeyring looks each key up once.
type cachedKeyring struct {
	st  *keystore.Store
	mu  sync.Mutex
	got map[string]*keystore.Entry
}

func newCachedKeyring(st *keystore.Store) *cachedKeyring {
	return &cachedKeyring{st: st, got: map[string]*keystore.Entry{}}
}

func (k *cachedKeyring) Get(name string) (*keystore.Entry, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if e, ok := k.got[name]; ok {
		return e, nil
	}
	e, err := k.st.Get(name)
	if err != nil {
		return nil, err
	}
	k.got[name] = e
	return e, nil
}

func (k *cachedKeyring) Unlock(name string, pw []byte) (*keys.Pair, error) {
	return k.st.Unlock(name, pw)
}

// batchPlanJSON is what batch plan --json prints (cli.md).
type batchPlanJSON struct {
	Rows      []batchPlanRowJSON    `json:"rows"`
	Groups    []batchGroupJSON      `json:"groups,omitempty"`
	MaxWeight *weightJSON           `json:"maxWeight,omitempty"`
	Senders   []batchSenderJSON     `json:"senders"`
	Chains    []batchChainTotalJSON `json:"chains"`
	Failing   int                   `json:"failing"`
	Verified  bool                  `json:"verified"`
}

type weightJSON struct {
	RefTime   uint64 `json:"refTime"`
	ProofSize uint64 `json:"proofSize"`
}

func weightOrNil(w *app.Weight) *weightJSON {
	if w == nil {
		return nil
	}
	return &weightJSON{RefTime: w.RefTime, ProofSize: w.ProofSize}
}

type batchGroupJSON struct {
	Rows   []int       `json:"rows"`
	From   string      `json:"from"`
	Nonce  uint64      `json:"nonce"`
	Fee    any         `json:"fee"`
	Spend  any         `json:"spend"`
	Weight *weightJSON `json:"weight"`
	OK     bool        `json:"ok"`
	Error  *string     `json:"error"`
}

type batchPlanRowJSON struct {
	Row   int    `json:"row"`
	Line  int    `json:"line"`
	ID    string `json:"id,omitempty"`
	Title string `json:"title"`
	Chain string `json:"chain"`
	From  string `json:"from"`
	Nonce uint64 `json:"nonce"`
	Fee   any    `json:"fee"`
	Spend any    `json:"spend"`
	// Group is the first row of the row's Utility.batch_all (plan
	// --group; absent: the row alone).
	Group  int         `json:"group,omitempty"`
	Weight *weightJSON `json:"weight,omitempty"`
	OK     bool        `json:"ok"`
	Error  *string     `json:"error"`
}

type batchSenderJSON struct {
	Key          string `json:"key"`
	Address      string `json:"address"`
	Chain        string `json:"chain"`
	Rows         int    `json:"rows"`
	Spend        any    `json:"spend"`
	Fees         any    `json:"fees"`
	Free         any    `json:"free"`
	Transferable any    `json:"transferable"`
	After        any    `json:"after"`
}

type batchChainTotalJSON struct {
	Chain string `json:"chain"`
	Rows  int    `json:"rows"`
	Spend any    `json:"spend"`
	Fees  any    `json:"fees"`
}

func errText(err error) *string {
	if err == nil {
		return nil
	}
	s := err.Error()
	return &s
}

func runBatchPlan(ctx context.Context, f *Factory, file string, bf batchFlags, group int) error {
	_, items, st, err := loadBatch(ctx, f, file, bf)
	if err != nil {
		return err
	}
	e, err := openChain(ctx, f)
	if err != nil {
		return err
	}
	defer e.Close()
	bp, err := app.PlanBatchGroups(ctx, e.sess, st, items, group)
	if err != nil {
		return err
	}
	s := e.sess
	v := batchPlanJSON{Failing: bp.Failing, Verified: bp.Verified, Rows: []batchPlanRowJSON{}}
	for _, r := range bp.Rows {
		v.Rows = append(v.Rows, batchPlanRowJSON{Row: r.Row, Line: r.Line, ID: r.ID, Title: r.Title, Chain: r.Chain, From: r.From.Name,
			Nonce: r.Nonce, Fee: numOrNull(r.Fee), Spend: numOrNull(nz(r.Spend)), Group: r.Group, Weight: weightOrNil(r.Weight), OK: r.Err == nil, Error: errText(r.Err)})
	}
	if group > 1 {
		v.MaxWeight = weightOrNil(bp.MaxWeight)
		v.Groups = []batchGroupJSON{}
		for _, g := range bp.Groups {
			v.Groups = append(v.Groups, batchGroupJSON{Rows: g.Rows, From: g.From.Name, Nonce: g.Nonce, Fee: numOrNull(g.Fee), Spend: numOrNull(nz(g.Spend)),
				Weight: weightOrNil(g.Weight), OK: g.Err == nil, Error: errText(g.Err)})
		}
	}
	for _, st := range bp.Senders {
		v.Senders = append(v.Senders, batchSenderJSON{Key: st.From.Name, Address: s.Account(st.From.Account), Chain: st.Chain, Rows: st.Rows,
			Spend: numOrNull(st.Spend), Fees: numOrNull(st.Fees), Free: numOrNull(st.Free), Transferable: numOrNull(st.Transferable), After: numOrNull(st.After)})
	}
	for _, c := range bp.Chains {
		v.Chains = append(v.Chains, batchChainTotalJSON{Chain: c.Chain, Rows: c.Rows, Spend: numOrNull(c.Spend), Fees: numOrNull(c.Fees)})
	}
	if f.Opts.JSON {
		if err := f.PrintJSON(v); err != nil {
			return err
		}
	} else {
		w := f.IO.Out
		fmtAmt := func(x *big.Int) string {
			if x == nil {
				return "?"
			}
			return s.FormatAmount(x)
		}
		for _, r := range bp.Rows {
			state := "ok"
			if r.Err != nil {
				state = "WOULD FAIL: " + r.Err.Error()
			}
			id := ""
			if r.ID != "" {
				id = " [" + r.ID + "]"
			}
			fee := "fee " + fmtAmt(r.Fee)
			if r.Group != 0 && r.Group != r.Row {
				fee = fmt.Sprintf("in the batch_all of row %d", r.Group)
			}
			fmt.Fprintf(w, "row %d (line %d)%s  %s  from %s  nonce %d  %s  %s\n", r.Row, r.Line, id, r.Title, r.From.Name, r.Nonce, fee, state)
		}
		for _, g := range bp.Groups {
			state := "ok"
			if g.Err != nil {
				state = "WOULD FAIL: " + g.Err.Error()
			}
			fmt.Fprintf(w, "batch_all of rows %s  from %s  nonce %d  fee %s  weight %s  %s\n", intList(g.Rows), g.From.Name, g.Nonce, fmtAmt(g.Fee), fmtWeight(g.Weight, bp.MaxWeight), state)
		}
		for _, st := range bp.Senders {
			fmt.Fprintf(w, "sender %s (%s) on %s: %d rows, spends %s + fees %s; free %s → %s after\n", st.From.Name, s.Account(st.From.Account), st.Chain, st.Rows,
				fmtAmt(st.Spend), fmtAmt(st.Fees), fmtAmt(st.Free), fmtAmt(st.After))
		}
		for _, c := range bp.Chains {
			fmt.Fprintf(w, "total on %s: %d rows, spends %s + fees %s\n", c.Chain, c.Rows, fmtAmt(c.Spend), fmtAmt(c.Fees))
		}
		f.Infof("Plan only: nothing was signed or sent.")
	}
	for _, r := range bp.Rows {
		if r.Err != nil {
			return fmt.Errorf("%d of %d rows would fail; row %d (line %d): %w", bp.Failing, len(bp.Rows), r.Row, r.Line, r.Err)
		}
	}
	return nil
}

type batchRunOptions struct {
	journal     string
	resume      bool
	stopOnError bool
	concurrency int
	group       int
}

// batchRowJSON is one line of batch run --json (cli.md).
type batchRowJSON struct {
	Row           int     `json:"row"`
	Line          int     `json:"line"`
	ID            string  `json:"id"`
	Status        string  `json:"status"`
	Chain         string  `json:"chain"`
	ExtrinsicHash *string `json:"extrinsicHash"`
	BlockNumber   *uint64 `json:"blockNumber"`
	Fee           any     `json:"fee"`
	Error         *string `json:"error"`
	Verified      bool    `json:"verified"`
}

type batchSummaryJSON struct {
	Summary struct {
		Included int `json:"included"`
		Failed   int `json:"failed"`
		Skipped  int `json:"skipped"`
	} `json:"summary"`
}

func rowJSON(r app.BatchRowResult) batchRowJSON {
	v := batchRowJSON{Row: r.Row, Line: r.Line, ID: r.ID, Status: r.Status, Chain: r.Chain, Fee: numOrNull(r.Fee), Error: errText(r.Err), Verified: r.Verified}
	if r.Hash != "" {
		h := r.Hash
		v.ExtrinsicHash = &h
	}
	if r.BlockNumber != 0 {
		n := r.BlockNumber
		v.BlockNumber = &n
	}
	return v
}

// batchAsker is app.BatchAsker on the terminal: passwords as for one
// transaction, progress on stderr, a JSON line per row on stdout.
//
// Progress: when stderr is a terminal, one bar line redrawn in place (rows
// settled of all, included, failed, in flight), with a line above it for
// each row that failed; otherwise, without --json, a plain line per
// settled row; with --json and stderr not a terminal, nothing (the rows are
// on stdout).
type batchAsker struct {
	e     *chainEnv
	total int
	mu    sync.Mutex
	done  int
	// included, failed count the settled rows; inFlight the rows signed
	// and not settled.
	included, failed int
	inFlight         map[int]bool
	// bar is drawn (stderr a terminal); drawn says one is on the line.
	bar, drawn bool
}

func newBatchAsker(e *chainEnv, total int) *batchAsker {
	return &batchAsker{e: e, total: total, bar: e.f.IO.IsStderrTTY(), inFlight: map[int]bool{}}
}

func (a *batchAsker) Password(ctx context.Context, key app.KeyRef) ([]byte, error) {
	a.mu.Lock()
	a.clearBar()
	a.mu.Unlock()
	return (&cliAsker{e: a.e}).Password(ctx, key)
}

func (a *batchAsker) Warn(msg string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.clearBar()
	a.e.f.Warnf("%s", msg)
	a.drawBar()
}

func (a *batchAsker) Step(row int, state string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch state {
	case app.JournalSigned, app.JournalSubmitted:
		a.inFlight[row] = true
	}
	a.drawBar()
}

// clearBar erases the bar's line (a.mu held).
func (a *batchAsker) clearBar() {
	if a.drawn {
		fmt.Fprint(a.e.f.IO.ErrOut, "\r\x1b[K")
		a.drawn = false
	}
}

// drawBar redraws the bar (a.mu held).
func (a *batchAsker) drawBar() {
	if !a.bar {
		return
	}
	const width = 30
	filled := 0
	if a.total > 0 {
		filled = min(width, a.done*width/a.total)
	}
	fmt.Fprintf(a.e.f.IO.ErrOut, "\r\x1b[K[%s%s] %d/%d rows · %d included · %d failed · %d in flight",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), a.done, a.total, a.included, a.failed, len(a.inFlight))
	a.drawn = true
}

// finish ends the bar's line.
func (a *batchAsker) finish() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.drawn {
		fmt.Fprintln(a.e.f.IO.ErrOut)
		a.drawn = false
	}
}

func (a *batchAsker) Done(r app.BatchRowResult) {
	f := a.e.f
	a.mu.Lock()
	defer a.mu.Unlock()
	a.done++
	delete(a.inFlight, r.Row)
	switch r.Status {
	case app.BatchIncluded:
		a.included++
	case app.BatchFailed:
		a.failed++
	}
	what := r.Status
	switch {
	case r.Status == app.BatchIncluded:
		what = fmt.Sprintf("included in block #%d %s", r.BlockNumber, r.Hash)
	case r.Err != nil:
		what = fmt.Sprintf("%s: %v", r.Status, r.Err)
	}
	id := ""
	if r.ID != "" {
		id = " [" + r.ID + "]"
	}
	switch {
	case a.bar:
		// Above the bar: the rows that did not go through.
		if r.Status != app.BatchIncluded && r.Err != nil {
			a.clearBar()
			f.Infof("row %d (line %d)%s %s", r.Row, r.Line, id, what)
		}
		a.drawBar()
	case !f.Opts.JSON:
		f.Infof("[%d/%d] row %d (line %d)%s %s", a.done, a.total, r.Row, r.Line, id, what)
	}
	if f.Opts.JSON {
		b, _ := json.Marshal(rowJSON(r))
		fmt.Fprintf(f.IO.Out, "%s\n", b)
	}
}

func runBatchRun(ctx context.Context, f *Factory, file string, bf batchFlags, o batchRunOptions) error {
	rows, items, _, err := loadBatch(ctx, f, file, bf)
	if err != nil {
		return err
	}
	if _, err := os.Stat(o.journal); err == nil && !o.resume {
		return app.Usagef("%w: %s holds the journal of an earlier run of this batch; pass --resume to finish it (rows already signed are settled on chain first, never paid twice), or --journal to name another", app.ErrJournalExists, o.journal)
	} else if err != nil && o.resume {
		return app.Usagef("--resume: there is no journal %s", o.journal)
	}
	e, err := openChain(ctx, f)
	if err != nil {
		return err
	}
	defer e.Close()
	fp := app.BatchFingerprint(rows)
	var j *app.Journal
	var prior []app.JournalRecord
	if o.resume {
		if j, prior, err = app.OpenJournal(o.journal); err != nil {
			return err
		}
		if len(prior) == 0 || prior[0].Input != fp || prior[0].Chain != e.sess.Genesis.String() {
			_ = j.Close()
			return app.Usagef("the journal %s is of another batch or chain: its rows or chain differ from %s's (resume with the file it was started with)", o.journal, file)
		}
	} else {
		if err := confirm(f, fmt.Sprintf("Sign and submit %d transactions of %s on %s?", len(items), file, e.sess.ChainName()), "submit"); err != nil {
			return err
		}
		if j, err = app.CreateJournal(o.journal); err != nil {
			return err
		}
		if err := j.Append(app.JournalRecord{State: app.JournalBatch, Input: fp, Rows: len(rows), Chain: e.sess.Genesis.String()}); err != nil {
			_ = j.Close()
			return err
		}
	}
	defer j.Close()
	if j.After, err = batchTestStop(ctx, f, f.Getenv(batchTestStopEnv)); err != nil {
		return err
	}
	ask := newBatchAsker(e, len(items))
	r := &app.BatchRunner{Sess: e.sess, Keyring: e.store, Journal: j, Ask: ask, Prior: prior, Concurrency: o.concurrency, StopOnError: o.stopOnError, Group: o.group}
	results, runErr := r.Run(ctx, items)
	var sum batchSummaryJSON
	var unsettled, failed int
	for _, res := range results {
		switch res.Status {
		case app.BatchIncluded:
			sum.Summary.Included++
		case app.BatchFailed:
			sum.Summary.Failed++
			failed++
		default:
			sum.Summary.Skipped++
			if res.Unsettled {
				unsettled++
			}
		}
	}
	// Rows never reported (stopped before them) are reported skipped.
	ask.mu.Lock()
	reported := ask.done
	ask.mu.Unlock()
	if reported < len(results) {
		for _, res := range results {
			if res.Status == app.BatchSkipped && res.Err == nil && !res.Unsettled {
				ask.Done(res)
			}
		}
	}
	ask.finish()
	if f.Opts.JSON {
		b, _ := json.Marshal(sum)
		fmt.Fprintf(f.IO.Out, "%s\n", b)
	}
	f.Infof("%d included, %d failed, %d skipped (journal %s)", sum.Summary.Included, sum.Summary.Failed, sum.Summary.Skipped, o.journal)
	switch {
	case runErr != nil || ctx.Err() != nil:
		return fmt.Errorf("%w: the journal %s says where the run stopped; ksm batch run --resume finishes it", ErrCancelled, o.journal)
	case unsettled > 0:
		return app.Unreachable(fmt.Errorf("%w: %d rows were not settled (the network was lost or their outcome is not known yet); ksm batch run --resume %s settles them on chain first", app.ErrBatchUnsettled, unsettled, file))
	case failed > 0:
		return app.FailedOnChain(fmt.Errorf("%d of %d rows failed (see the journal %s)", failed, len(results), o.journal))
	case sum.Summary.Skipped > 0:
		return fmt.Errorf("%d rows were skipped", sum.Summary.Skipped)
	}
	return nil
}

func intList(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ",")
}

// fmtWeight shows a weight, and the share of the most one transaction may
// have when known.
func fmtWeight(w, most *app.Weight) string {
	if w == nil {
		return "?"
	}
	s := fmt.Sprintf("%d ref_time, %d proof_size", w.RefTime, w.ProofSize)
	if most != nil && most.RefTime > 0 {
		s += fmt.Sprintf(" (%.1f%% of the most a transaction may have)", 100*float64(w.RefTime)/float64(most.RefTime))
	}
	return s
}
