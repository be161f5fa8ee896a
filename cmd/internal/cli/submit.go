package cli

// Shared plumbing of every command that reads the chain or submits a
// transaction: opening the chain (--rpc/--trust-rpc), resolving accounts,
// the confirmation screen, signing, progress and the outcome. A submitting
// command gives its input to an app plan (planRun); see cmd/internal/app
// for the pipeline.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// head is the finalized block the command reads (for the light client the
// block pinned when the chain was opened: every read comes from it).
func (e *chainEnv) head(ctx context.Context) (*chainclient.Header, error) {
	h, err := e.sess.Chain.FinalizedHead(ctx)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// chainEnv is an open chain session with the keystore beside it.
type chainEnv struct {
	f     *Factory
	sess  *app.Session
	home  string
	store *keystore.Store
	light *lightEnv
	// others are the network's other chains opened for the command
	// (the relay beside Asset Hub for balances), closed before sess.
	others  []*app.Session
	closers []func()
	// pure is the pure account a proxy pure create made (its outcome JSON).
	pure *pureJSON
}

func (e *chainEnv) Close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	_ = e.sess.Chain.Close()
}

// sessions are the chains the command reads, the main one first.
func (e *chainEnv) sessions() []*app.Session { return append([]*app.Session{e.sess}, e.others...) }

// openNetwork opens the chains an account's balance lives on: on a relay
// network with an Asset Hub, Asset Hub (the main chain) and the relay
// chain beside it — over the same light client, or, when Asset Hub's
// endpoint is trusted, the relay opened as its own flags say; elsewhere
// the one chain.
func openNetwork(ctx context.Context, f *Factory) (*chainEnv, error) {
	r, err := routeFor(f, "Balances")
	if err != nil {
		return nil, err
	}
	e, err := openRoute(ctx, f, r, "", 0, nil)
	if err != nil {
		return nil, err
	}
	if !r.routed() || e.light.Single {
		return e, nil
	}
	relay := r.net
	if rc := e.light.RelayChain(relay); rc != nil {
		if _, err := rc.Pin(ctx); err != nil {
			_ = rc.Close()
			e.Close()
			return nil, chainErr(relay, err)
		}
		dctx, cancel := context.WithTimeout(ctx, dialTimeout)
		defer cancel()
		rs, err := app.Open(dctx, rc, app.Options{Home: e.home, Name: relay.Name, DisplayName: relay.Profile.DisplayName, FollowTimeout: f.Opts.FollowTimeout})
		if err != nil {
			_ = rc.Close()
			e.Close()
			return nil, chainErr(relay, err)
		}
		e.others = append(e.others, rs)
		e.closers = append(e.closers, func() { _ = rc.Close() })
		return e, nil
	}
	re, err := openRoute(ctx, f, route{net: relay, target: relay}, "", 0, nil)
	if err != nil {
		e.Close()
		return nil, err
	}
	e.others = append(e.others, re.sess)
	e.closers = append(e.closers, re.Close)
	return e, nil
}

// sideBySide reports whether the network of r is a relay and its Asset Hub
// each given an endpoint (--rpc and --asset-hub-rpc): with --trust-rpc two
// development chains then stand for them side by side, each command routed
// to one of them as on the real network, instead of the one development
// chain that a lone --rpc endpoint of an unknown genesis is.
func sideBySide(f *Factory, r route) bool {
	return f.Opts.AssetHubRPC != "" && app.IsMultiChain(r.net.Profile)
}

// dialTimeout bounds connecting and identifying the chain.
const dialTimeout = 30 * time.Second

// networkRun is the run function of a command reading the network's
// accounts: the chains are opened (openNetwork), given to run and closed
// after.
func networkRun(f *Factory, run func(ctx context.Context, e *chainEnv, args []string) error) func(*cobra.Command, []string) error {
	return openedRun(argsAsGiven, func(ctx context.Context) (*chainEnv, error) { return openNetwork(ctx, f) }, run)
}

// openedRun is the run function of a command working on what open opens
// (a chain, a network, a pallet's chain): parse reads the arguments first,
// so that bad input fails (exit 2) before any network step; then open
// opens it, run is given it and what parse made, and it is closed after.
func openedRun[E interface{ Close() }, T any](parse func(args []string) (T, error), open func(ctx context.Context) (E, error), run func(ctx context.Context, e E, in T) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		in, err := parse(args)
		if err != nil {
			return err
		}
		ctx := cmd.Context()
		e, err := open(ctx)
		if err != nil {
			return err
		}
		defer e.Close()
		return run(ctx, e, in)
	}
}

// argsAsGiven is the parse step of openedRun for a run function that reads
// the arguments itself.
func argsAsGiven(args []string) ([]string, error) { return args, nil }

// parsedChainRun is the run function of a command that reads pallet's chain
// about what its arguments name (parse; see openedRun).
func parsedChainRun[T any](f *Factory, pallet string, parse func(args []string) (T, error), run func(ctx context.Context, e *chainEnv, in T) error) func(*cobra.Command, []string) error {
	return openedRun(parse, func(ctx context.Context) (*chainEnv, error) { return openChainFor(ctx, f, pallet) }, run)
}

// openChain opens the chain the global flags name: the verified light
// client (libp2p by default, or a --rpc endpoint that proves its answers),
// synced to the finalized head, whose runtime calls execute the runtime
// itself. With --trust-rpc an endpoint that cannot prove anything is used
// as it is, with a warning on stderr and "verified": false; without it such
// an endpoint fails with exit 3.
func openChain(ctx context.Context, f *Factory) (*chainEnv, error) {
	return openChainFor(ctx, f, "")
}

// openChainSync is openChain with the sync's progress given to onSync
// (the TUI's header) instead of drawn on stderr.
func openChainSync(ctx context.Context, f *Factory, onSync func(done, target, start uint32)) (*chainEnv, error) {
	r, err := routeFor(f, "")
	if err != nil {
		return nil, err
	}
	return openRoute(ctx, f, r, "", 0, onSync)
}

// openChainFor opens the chain of the network that serves pallet: on a
// relay network with an Asset Hub (--network kusama) the chain whose
// profile hosts it (app.RouteChain; --chain overrides), Asset Hub followed
// through the relay chain; on a single-chain network, or behind an
// endpoint of a development chain, the one chain. "" is the network's own
// chain.
func openChainFor(ctx context.Context, f *Factory, pallet string) (*chainEnv, error) {
	r, err := routeFor(f, pallet)
	if err != nil {
		return nil, err
	}
	return openRoute(ctx, f, r, "", 0, nil)
}

// openRoute opens the chain r targets (see openChain), the sync's progress
// given to onSync when set. With a parachain endpoint read on a relay
// network (--para ID --para-rpc URL) the session's chain is the
// parachain, its head proven by the relay chain.
func openRoute(ctx context.Context, f *Factory, r route, paraRPC string, paraID uint32, onSync func(done, target, start uint32)) (*chainEnv, error) {
	home, err := f.HomeDir()
	if err != nil {
		return nil, err
	}
	le, err := openLightRoute(ctx, f, r, paraRPC, paraID)
	if err != nil {
		return nil, err
	}
	var c chainclient.Chain
	if le.verified() {
		wait := le.waitSynced
		if onSync != nil {
			wait = func(ctx context.Context) error { return le.WaitSynced(ctx, onSync) }
		}
		if err := wait(ctx); err != nil {
			le.Close()
			return nil, le.chainErr(err)
		}
		lc := newLightChain(le, home, true)
		// Every read of the command comes from this one finalized block.
		if _, err := lc.Pin(ctx); err != nil {
			_ = lc.Close()
			return nil, le.chainErr(err)
		}
		if lp, ok := lc.(*chainclient.LightPara); ok {
			if ph := lp.Head(); ph != nil && ph.Header != nil {
				f.Infof("%s block #%d %s, its head proven by relay chain block #%d %s", le.Para.Name, ph.Header.Number, ph.Hash, ph.RelayNumber, ph.Relay)
			}
		}
		c = lc
	} else {
		c = le.Trusted()
	}
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	opts := app.Options{Home: f.stateHome(home), Chosen: r.chosen && !le.Single, FollowTimeout: f.Opts.FollowTimeout}
	if r.routed() {
		opts.EndpointFlag = "--asset-hub-rpc"
	}
	if le.verified() || sideBySide(f, r) && !le.Single {
		// The light client follows the network's genesis (or the test
		// chain standing for it): the chain is the network's. So is a
		// trusted endpoint given for each chain of the network (--rpc and
		// --asset-hub-rpc: development chains standing side by side for
		// the relay and its Asset Hub), the one the command was routed to.
		opts.Name = le.net.Name
		if p := le.net.Profile; p != nil {
			opts.DisplayName = p.DisplayName
		}
	}
	sess, err := app.Open(dctx, c, opts)
	if err != nil {
		_ = c.Close()
		where := "the light client"
		if f.Opts.RPC != "" {
			where = redactRPC(f.Opts.RPC)
		}
		return nil, le.chainErr(fmt.Errorf("identify the chain at %s: %w", where, err))
	}
	st, err := f.openStore(home)
	if err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("home %s: %w", home, err)
	}
	st.Prefix = sess.Token.SS58Prefix
	return &chainEnv{f: f, sess: sess, home: home, store: st, light: le}, nil
}

// resolveAccount reads a key name or an address (SS58 of any prefix, or
// 0x-hex account id).
func (e *chainEnv) resolveAccount(arg string) ([32]byte, string, error) {
	return lookupAccount(e.store, arg)
}

// submitFlags are the flags every submitting command has.
type submitFlags struct {
	from      string
	dryRun    bool
	tip       string
	mortality uint64
	noDryRun  bool
	as        string
}

func (s *submitFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&s.from, "from", "", "name of the key that signs and pays")
	fl.BoolVar(&s.dryRun, "dry-run", false, "show what would be signed, the fee and the dry run; do not sign or submit")
	fl.StringVar(&s.tip, "tip", "", "tip for the block author (an amount)")
	fl.Uint64Var(&s.mortality, "mortality", app.DefaultEraPeriod, "blocks the transaction stays valid (rounded to a power of two; 0: immortal)")
	fl.BoolVar(&s.noDryRun, "skip-dry-run", false, "submit without dry-running first (a failing call is then included and pays its fee)")
	fl.StringVar(&s.as, "as", "", "act for ACCOUNT (a key, address book name or address): through Proxy.proxy when --from is its proxy, a multisig approval when it is a known multisig of which --from is a signatory, or a chain of both")
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[submitsAnnotation] = "true"
}

// chainFlagAnnotation marks a submitting command that takes --chain
// without the other submitting flags (tx submit, claim submit).
const chainFlagAnnotation = "ksm:chain"

// addChainFlags gives every submitting command --chain relay|asset-hub:
// the chain of the network its transaction goes to, instead of the one
// hosting its pallet.
func addChainFlags(cmd *cobra.Command, f *Factory) {
	if cmd.Annotations[submitsAnnotation] != "" || cmd.Annotations[chainFlagAnnotation] != "" {
		cmd.Flags().StringVar(&f.Opts.Chain, "chain", "", "chain of the network to send to: relay or asset-hub (default: the chain hosting the call's pallet; a transfer goes to Asset Hub)")
	}
	for _, c := range cmd.Commands() {
		addChainFlags(c, f)
	}
}

// signing is who signs and how, as the flags say.
func (s *submitFlags) signing() app.Signing {
	return app.Signing{From: s.from, As: s.as, Options: app.TxOptions{Tip: s.tip, Mortality: s.mortality, SkipDryRun: s.noDryRun, DryRun: s.dryRun}}
}

// submitJSON is the outcome of a submitting command (cli.md).
type submitJSON struct {
	ExtrinsicHash string      `json:"extrinsicHash"`
	BlockHash     string      `json:"blockHash"`
	BlockNumber   uint64      `json:"blockNumber"`
	Success       bool        `json:"success"`
	Fee           any         `json:"fee"`
	Events        []app.Event `json:"events"`
	Error         *errorJSON  `json:"error"`
	Chain         string      `json:"chain"`
	Verified      bool        `json:"verified"`
	// InnerFailed: the transaction succeeded but the call it dispatched
	// for another account (Proxy.proxy, a multisig) failed.
	InnerFailed bool `json:"innerFailed,omitempty"`
	// Pure is the pure account proxy pure create made.
	Pure  *pureJSON      `json:"pure,omitempty"`
	Extra map[string]any `json:"-"`
}

type errorJSON struct {
	Pallet string `json:"pallet"`
	Name   string `json:"name"`
	Docs   string `json:"docs"`
}

// dryRunJSON is what --dry-run --json prints.
type dryRunJSON struct {
	DryRun       bool           `json:"dryRun"`
	From         string         `json:"from"`
	Call         *value.Call    `json:"call"`
	CallHex      string         `json:"callHex"`
	Nonce        uint64         `json:"nonce"`
	Era          xtEra          `json:"era"`
	Tip          any            `json:"tip"`
	MetadataHash bool           `json:"metadataHash"`
	MetadataNote string         `json:"metadataHashNote,omitempty"`
	Digest       string         `json:"metadataDigest,omitempty"`
	Fee          any            `json:"fee"`
	Balance      balanceEffect  `json:"balance"`
	Result       *dryRunOutcome `json:"result"`
	Chain        string         `json:"chain"`
	Verified     bool           `json:"verified"`
	Acting       *actingJSON    `json:"acting,omitempty"`
}

// actingJSON is the "acting" field of a dry run acting for another account.
type actingJSON struct {
	For      string      `json:"for"`
	Name     string      `json:"name,omitempty"`
	FeePayer string      `json:"feePayer"`
	Inner    *value.Call `json:"inner"`
	InnerHex string      `json:"innerHex"`
	Path     []hopJSON   `json:"path"`
}

type hopJSON struct {
	Kind string `json:"kind"`
	For  string `json:"for"`
	By   string `json:"by"`
	Type string `json:"proxyType,omitempty"`
	Note string `json:"note"`
}

func actingView(e *chainEnv, a *app.Acting, payer [32]byte) *actingJSON {
	if a == nil {
		return nil
	}
	j := &actingJSON{For: e.sess.Account(a.For), Name: a.ForName, FeePayer: e.sess.Account(payer), Inner: a.Inner, InnerHex: xtHexString(a.InnerCall), Path: []hopJSON{}}
	for _, h := range a.Path {
		j.Path = append(j.Path, hopJSON{Kind: h.Kind, For: e.sess.Account(h.For), By: e.sess.Account(h.By), Type: h.Proxy.Type, Note: h.Note})
	}
	return j
}

type balanceEffect struct {
	Free   any `json:"free"`
	Spend  any `json:"spend"`
	After  any `json:"after"`
	MinAll any `json:"existentialDeposit"`
}

type dryRunOutcome struct {
	Method  string      `json:"method"`
	Success bool        `json:"success"`
	Error   *errorJSON  `json:"error"`
	Events  []app.Event `json:"events,omitempty"`
}

func numOrNull(v *big.Int) any {
	if v == nil {
		return nil
	}
	return value.Number(v)
}

// submitPlan is a submitting command: the plan is made and its inputs
// checked before the chain is opened (bad input fails at once with exit 2),
// then executed on the open chain.
func submitPlan(ctx context.Context, f *Factory, mk func(kr app.Keyring) (*app.Plan, error)) error {
	return submitPlanThen(ctx, f, mk, nil)
}

// submitPlanThen is submitPlan with after run on the outcome of an
// included transaction (before its exit code is decided).
func submitPlanThen(ctx context.Context, f *Factory, mk func(kr app.Keyring) (*app.Plan, error), after func(e *chainEnv, out *app.Outcome) error) error {
	if f.collect != nil {
		// A row of ksm batch: the command's offline checks and plan, no more.
		if f.beforeNetwork != nil {
			if err := f.beforeNetwork(); err != nil {
				return err
			}
		}
		plan, err := mk(f.keyring)
		if err != nil {
			return err
		}
		return f.collect(plan)
	}
	st, _, err := openKeyring(f)
	if err != nil {
		return err
	}
	plan, err := mk(st)
	if err != nil {
		return err
	}
	e, err := openChainFor(ctx, f, plan.Pallet)
	if err != nil {
		return err
	}
	defer e.Close()
	return runPlanThen(ctx, e, plan, after)
}

// openKeyring opens the keystore of the home directory (returned too),
// where plans resolve key names.
func openKeyring(f *Factory) (*keystore.Store, string, error) {
	home, err := f.HomeDir()
	if err != nil {
		return nil, "", err
	}
	st, err := f.openStore(home)
	if err != nil {
		return nil, "", fmt.Errorf("home %s: %w", home, err)
	}
	return st, home, nil
}

// confirm asks question before ksm does what it says (skipped with --yes):
// without a terminal that is a usage error (pass --yes to <do> without
// confirmation); no answer is ErrCancelled.
func confirm(f *Factory, question, do string) error {
	if f.Opts.Yes {
		return nil
	}
	ok, err := f.IO.Confirm(question)
	if errors.Is(err, iostreams.ErrNoTTY) {
		return app.Usagef("not on a terminal: pass --yes to %s without confirmation", do)
	}
	if err != nil {
		return err
	}
	if !ok {
		return ErrCancelled
	}
	return nil
}

// signingInput is a verb's input that embeds app.Signing.
type signingInput[I any] interface {
	*I
	SigningPart() *app.Signing
}

// submitCmd makes c a submitting command: the submit flags (--from,
// --dry-run, --tip, ...) are added to it and its run function plans the
// input made from the arguments (and flags the closure reads) and submits it
// (planRun).
func submitCmd[I any, P signingInput[I]](f *Factory, c *cobra.Command, input func(args []string) I, plan func(app.Keyring, I) (*app.Plan, error)) *cobra.Command {
	var sf submitFlags
	c.RunE = planRun[I, P](f, &sf, input, plan)
	sf.add(c)
	return c
}

// planRun is the run function of a submitting command: its input from the
// arguments (and flags the closure reads), its plan from app, submitted.
func planRun[I any, P signingInput[I]](f *Factory, sf *submitFlags, input func(args []string) I, plan func(app.Keyring, I) (*app.Plan, error)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		in := input(args)
		*P(&in).SigningPart() = sf.signing()
		return submitPlan(cmd.Context(), f, func(kr app.Keyring) (*app.Plan, error) { return plan(kr, in) })
	}
}

// runPlanThen executes a plan on the open chain, asking through the
// terminal, reports what became of it, and calls after on a success.
func runPlanThen(ctx context.Context, e *chainEnv, plan *app.Plan, after func(e *chainEnv, out *app.Outcome) error) error {
	f := e.f
	res, err := app.Execute(ctx, e.sess, e.store, plan, &cliAsker{e: e})
	if err != nil {
		return executeErr(err)
	}
	switch {
	case res.Nothing != "":
		f.Infof("%s", res.Nothing)
		return nil
	case res.DryRun:
		if f.Opts.JSON {
			v := dryRunView(e, res.Review.Prepared)
			v.Acting = actingView(e, res.Review.Acting, res.Review.Prepared.From)
			return f.PrintJSON(v)
		}
		f.Infof("Dry run only: nothing was signed or sent.")
		return nil
	}
	if after != nil && res.Outcome.Success {
		if err := after(e, res.Outcome); err != nil {
			return err
		}
	}
	return reportOutcome(e, res.Outcome)
}

// executeErr gives the errors of app.Execute their exit codes.
func executeErr(err error) error {
	var se *app.SentError
	if errors.As(err, &se) && backend.IsVerification(err) {
		return app.Unverified(fmt.Errorf("transaction %s was sent, but what the endpoint says of its inclusion does not verify: %w", se.Hash, se.Err))
	}
	return err
}

// cliAsker is app.Asker on the terminal: the review on stderr, a y/N
// prompt (skipped with --yes), the password from flag, keyring or prompt.
type cliAsker struct{ e *chainEnv }

func (a *cliAsker) Reviewed(r *app.Review) {
	if r.Unsigned != nil {
		showUnsigned(a.e, r.Unsigned)
		return
	}
	showPrepared(a.e, r)
}

func (a *cliAsker) Status(st chainclient.Status) { progressPrinter(a.e.f)(st) }

func (a *cliAsker) Warn(msg string) { a.e.f.Warnf("%s", msg) }

func (a *cliAsker) Confirm(ctx context.Context, r *app.Review) (bool, error) {
	f := a.e.f
	if f.Opts.Yes {
		return true, nil
	}
	question := "Sign and submit this transaction?"
	if r.Unsigned != nil {
		question = r.Unsigned.Question
	}
	ok, err := f.IO.Confirm(question)
	if errors.Is(err, iostreams.ErrNoTTY) {
		return false, app.Usagef("not on a terminal: pass --yes to submit without confirmation")
	}
	return ok, err
}

// Password asks for the key's password; when ctx ends first (Ctrl-C) it
// returns at once and the prompt's answer, if any, is wiped unused.
func (a *cliAsker) Password(ctx context.Context, key app.KeyRef) ([]byte, error) {
	type answer struct {
		pw  []byte
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		pw, err := newPasswordSource(a.e.f, false).forKey(a.e.home, key.Name)
		ch <- answer{pw, err}
	}()
	select {
	case r := <-ch:
		return r.pw, r.err
	case <-ctx.Done():
		go func() { wipeBytes((<-ch).pw) }()
		return nil, ctx.Err()
	}
}

// progressPrinter writes ready → in block → finalized on stderr.
func progressPrinter(f *Factory) app.Progress {
	return func(st chainclient.Status) {
		switch st.Kind {
		case chainclient.StatusInBlock, chainclient.StatusFinalized, chainclient.StatusRetracted, chainclient.StatusTimeout:
			f.Infof("  %s %s", st.Kind.Describe(), st.Block)
		default:
			f.Infof("  %s", st.Kind.Describe())
		}
	}
}

func dryRunView(e *chainEnv, p *app.Prepared) dryRunJSON {
	v := dryRunJSON{
		DryRun: true, From: e.sess.Account(p.From), Call: p.Call, CallHex: xtHexString(p.Decoded.Call),
		Nonce: p.Params.Nonce, Era: xtEraJSON(p.Params.Era), Tip: numOrNull(nz(p.Params.Tip)),
		MetadataHash: p.MetadataHash, MetadataNote: p.MetadataHashNote, Fee: numOrNull(p.Fee), Chain: e.sess.ChainID(), Verified: e.sess.Chain.Verified(),
		Balance: balanceEffect{Free: numOrNull(p.Balance.Free), Spend: numOrNull(nz(p.Spend)), After: numOrNull(p.After), MinAll: numOrNull(p.Balance.ExistentialDeposit)},
	}
	if p.MetadataDigest != nil {
		v.Digest = xtHexString(p.MetadataDigest[:])
	}
	if p.DryRun != nil {
		v.Result = &dryRunOutcome{Method: p.DryRun.Method, Success: p.DryRun.Error == nil, Events: p.DryRun.Events}
		if d := p.DryRun.Error; d != nil {
			v.Result.Error = &errorJSON{Pallet: d.Pallet, Name: d.Name, Docs: d.Docs}
		}
	}
	return v
}

func nz(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

// showPrepared writes the confirmation screen on stderr: the call decoded
// from the signing payload, the signing parameters, fee and balance effect.
func showPrepared(e *chainEnv, r *app.Review) {
	s, p := e.sess, r.Prepared
	w := e.f.IO.ErrOut
	if r.Title != "" {
		fmt.Fprintf(w, "%s\n", r.Title)
	}
	if r.Details != "" {
		fmt.Fprintf(w, "%s\n", r.Details)
	}
	fmt.Fprintf(w, "From:      %s (key %s)\n", s.Account(p.From), r.Key.Name)
	if a := r.Acting; a != nil {
		who := s.Account(a.For)
		if a.ForName != "" {
			who += " (" + a.ForName + ")"
		}
		fmt.Fprintf(w, "Acts for:  %s; the fee is paid by %s (key %s)\n", who, s.Account(p.From), r.Key.Name)
		for i := len(a.Path) - 1; i >= 0; i-- {
			fmt.Fprintf(w, "  via      %s\n", a.Path[i].Note)
		}
		ib, _ := json.MarshalIndent(a.Inner, "           ", "  ")
		fmt.Fprintf(w, "Inner:     %s\n", ib)
	}
	fmt.Fprintf(w, "Chain:     %s (%s %d)\n", s.ChainName(), p.Runtime.Version.SpecName, p.Runtime.Version.SpecVersion)
	b, _ := json.MarshalIndent(p.Call, "           ", "  ")
	fmt.Fprintf(w, "Call:      %s\n", b)
	era := "immortal"
	if p.Params.Era.Mortal {
		era = fmt.Sprintf("mortal, %d blocks from #%d", p.Params.Era.Period, p.At.Number)
	}
	fmt.Fprintf(w, "Nonce:     %d   Era: %s\n", p.Params.Nonce, era)
	if p.MetadataHash {
		fmt.Fprintf(w, "Metadata:  CheckMetadataHash enabled (RFC-0078 digest 0x%x)\n", p.Params.MetadataHash[:])
	} else if p.MetadataHashNote != "" {
		fmt.Fprintf(w, "Metadata:  CheckMetadataHash disabled: %s\n", p.MetadataHashNote)
	}
	if p.Fee != nil {
		fmt.Fprintf(w, "Fee:       about %s\n", s.FormatAmount(p.Fee))
	} else {
		fmt.Fprintf(w, "Fee:       unknown (%v)\n", p.FeeErr)
	}
	if p.Tip != nil && p.Tip.Sign() > 0 {
		fmt.Fprintf(w, "Tip:       %s\n", s.FormatAmount(p.Tip))
	}
	if p.Balance != nil && p.After != nil {
		if p.SpendAll {
			fmt.Fprintf(w, "Balance:   %s free → everything transferable leaves\n", s.FormatAmount(p.Balance.Free))
		} else {
			fmt.Fprintf(w, "Balance:   %s free → about %s after (−%s)\n", s.FormatAmount(p.Balance.Free), s.FormatAmount(p.After), s.FormatAmount(p.Total()))
		}
	}
	if p.DryRun != nil {
		if p.DryRun.Error != nil {
			fmt.Fprintf(w, "Dry run:   FAILS with %v\n", p.DryRun.Error)
		} else {
			fmt.Fprintf(w, "Dry run:   succeeds\n")
		}
	}
}

// showUnsigned writes the review of an unsigned transaction on stderr.
func showUnsigned(e *chainEnv, u *app.UnsignedDraft) {
	w := e.f.IO.ErrOut
	fmt.Fprintf(w, "%s\n", u.Title)
	if u.Details != "" {
		fmt.Fprintf(w, "%s\n", u.Details)
	}
	fmt.Fprintf(w, "Call:      %s.%s, unsigned (no fee)\n", u.Call.Pallet, u.Call.Name)
}

// outcomeJSON converts an outcome to the cli.md shape.
func outcomeJSON(out *app.Outcome) submitJSON {
	j := submitJSON{
		ExtrinsicHash: out.ExtrinsicHash.String(), BlockHash: out.BlockHash.String(), BlockNumber: out.BlockNumber,
		Success: out.Success, Fee: numOrNull(out.Fee), Events: out.Events, Chain: out.Chain, Verified: out.Verified, InnerFailed: out.InnerFailed,
	}
	if j.Events == nil {
		j.Events = []app.Event{}
	}
	if out.Error != nil {
		j.Error = &errorJSON{Pallet: out.Error.Pallet, Name: out.Error.Name, Docs: out.Error.Docs}
	}
	return j
}

// reportOutcome prints the outcome (JSON on stdout with --json, text on
// stderr otherwise) and returns exit 4 when the call failed on chain.
func reportOutcome(e *chainEnv, out *app.Outcome) error {
	f := e.f
	// On stderr and, with --json, in the document's "warnings".
	for _, w := range out.Warnings {
		f.Warnf("%s", w)
	}
	if f.Opts.JSON {
		j := outcomeJSON(out)
		j.Pure = e.pure
		if err := f.PrintJSON(j); err != nil {
			return err
		}
	} else {
		w := f.IO.ErrOut
		state := "succeeded"
		if !out.Success {
			state = "FAILED"
		}
		fmt.Fprintf(w, "Transaction %s %s in block #%d %s\n", out.ExtrinsicHash, state, out.BlockNumber, out.BlockHash)
		if out.Fee != nil {
			fmt.Fprintf(w, "Fee paid:  %s\n", e.sess.FormatAmount(out.Fee))
		}
		for _, ev := range out.Events {
			b, _ := json.Marshal(ev.Fields)
			fmt.Fprintf(w, "  %s.%s %s\n", ev.Pallet, ev.Name, b)
		}
		fmt.Fprintln(f.IO.Out, out.ExtrinsicHash)
	}
	if !out.Success && out.InnerFailed {
		return app.FailedOnChain(fmt.Errorf("transaction %s was included in block #%d, but the call it dispatched for another account failed: %v", out.ExtrinsicHash, out.BlockNumber, out.Error))
	}
	if !out.Success {
		return app.FailedOnChain(fmt.Errorf("transaction %s was included in block #%d but failed: %v", out.ExtrinsicHash, out.BlockNumber, out.Error))
	}
	return nil
}
