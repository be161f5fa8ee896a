package cli

// Shared plumbing of every command that reads the chain or submits a
// transaction: opening the chain (--rpc/--trust-rpc), resolving accounts,
// the confirmation screen, signing, progress and the outcome. A submitting
// command builds its call with the session's runtime and calls
// runSubmit; see cmd/internal/app for the pipeline.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/chain"
	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// head is the finalized block the command reads (for the light client the
// block pinned when the chain was opened: every read comes from it).
func (e *chainEnv) head(ctx context.Context) (*chain.Header, error) {
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
}

func (e *chainEnv) Close() { _ = e.sess.Chain.Close() }

// dialTimeout bounds connecting and identifying the chain.
const dialTimeout = 30 * time.Second

// openChain opens the chain the global flags name: the verified light
// client (libp2p by default, or a --rpc endpoint that proves its answers),
// synced to the finalized head, whose runtime calls execute the runtime
// itself. With --trust-rpc an endpoint that cannot prove anything is used
// as it is, with a warning on stderr and "verified": false; without it such
// an endpoint fails with exit 3.
func openChain(ctx context.Context, f *Factory) (*chainEnv, error) {
	home, err := f.HomeDir()
	if err != nil {
		return nil, err
	}
	le, err := openLight(ctx, f)
	if err != nil {
		return nil, err
	}
	var c chain.Chain
	if le.verified() {
		if err := le.waitSynced(ctx); err != nil {
			le.Close()
			return nil, err
		}
		lc := newLightChain(le, home, true)
		// Every read of the command comes from this one finalized block.
		if _, err := lc.Pin(ctx); err != nil {
			_ = lc.Close()
			return nil, err
		}
		if lp, ok := lc.(*chain.LightPara); ok {
			if ph := lp.Head(); ph != nil && ph.Header != nil {
				f.Infof("%s block #%d %s, its head proven by relay chain block #%d %s", le.para.name, ph.Header.Number, ph.Hash, ph.RelayNumber, ph.Relay)
			}
		}
		c = lc
	} else {
		c = chain.NewRPC(le.rpc)
	}
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	sess, err := app.Open(dctx, c, app.Options{Home: home})
	if err != nil {
		_ = c.Close()
		where := "the light client"
		if f.Opts.RPC != "" {
			where = redactRPC(f.Opts.RPC)
		}
		return nil, fmt.Errorf("identify the chain at %s: %w", where, err)
	}
	st, err := keystore.Open(home)
	if err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("home %s: %w", home, err)
	}
	st.Prefix = sess.Token.SS58Prefix
	return &chainEnv{f: f, sess: sess, home: home, store: st, light: le}, nil
}

// redactRPC hides user info and query of an endpoint URL in messages.
func redactRPC(u string) string {
	if i := strings.Index(u, "?"); i >= 0 {
		u = u[:i] + "?…"
	}
	if at := strings.Index(u, "@"); at >= 0 {
		if s := strings.Index(u, "://"); s >= 0 && s < at {
			u = u[:s+3] + "…@" + u[at+1:]
		}
	}
	return u
}

// resolveAccount reads a key name or an address (SS58 of any prefix, or
// 0x-hex account id).
func (e *chainEnv) resolveAccount(arg string) ([32]byte, string, error) {
	return lookupAccount(e.store, arg)
}

// sender looks up the signing key --from names.
func (e *chainEnv) sender(name string) (*keystore.Entry, [32]byte, error) {
	return lookupSigner(e.store, name)
}

// submitFlags are the flags every submitting command has.
type submitFlags struct {
	from      string
	dryRun    bool
	tip       string
	mortality uint64
	noDryRun  bool
}

func (s *submitFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&s.from, "from", "", "name of the key that signs and pays")
	fl.BoolVar(&s.dryRun, "dry-run", false, "show what would be signed, the fee and the dry run; do not sign or submit")
	fl.StringVar(&s.tip, "tip", "", "tip for the block author (an amount)")
	fl.Uint64Var(&s.mortality, "mortality", app.DefaultEraPeriod, "blocks the transaction stays valid (rounded to a power of two; 0: immortal)")
	fl.BoolVar(&s.noDryRun, "skip-dry-run", false, "submit without dry-running first (a failing call is then included and pays its fee)")
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[submitsAnnotation] = "true"
}

// request fills the flag-given parts of a request.
func (s *submitFlags) request(e *chainEnv, req *app.Request) error {
	if s.tip != "" {
		t, err := e.sess.ParseAmount(s.tip)
		if err != nil {
			return app.Usagef("--tip: %v", err)
		}
		req.Tip = t
	}
	req.SkipDryRun = s.noDryRun
	if s.mortality == 0 {
		req.Immortal = true
	} else {
		req.EraPeriod = s.mortality
	}
	return nil
}

// submitJSON is the outcome of a submitting command (cli.md).
type submitJSON struct {
	ExtrinsicHash string         `json:"extrinsicHash"`
	BlockHash     string         `json:"blockHash"`
	BlockNumber   uint64         `json:"blockNumber"`
	Success       bool           `json:"success"`
	Fee           any            `json:"fee"`
	Events        []app.Event    `json:"events"`
	Error         *errorJSON     `json:"error"`
	Verified      bool           `json:"verified"`
	Extra         map[string]any `json:"-"`
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
	Verified     bool           `json:"verified"`
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

// submitSpec is one transaction for runSubmit.
type submitSpec struct {
	flags *submitFlags
	req   app.Request
	// title is a one-line summary ("Transfer 1.5 KSM to …").
	title string
}

// runSubmit shows, confirms, signs, submits and reports a transaction:
// the screen every submitting command shares. The call shown is decoded
// from the signing payload itself.
func runSubmit(ctx context.Context, e *chainEnv, spec submitSpec) error {
	f := e.f
	ent, id, err := e.sender(spec.flags.from)
	if err != nil {
		return err
	}
	spec.req.From = id
	spec.req.Scheme = string(ent.Scheme)
	if err := spec.flags.request(e, &spec.req); err != nil {
		return err
	}
	p, err := e.sess.Prepare(ctx, spec.req)
	defer e.sess.Release(p) // the nonce reservation, unless submitted
	if p != nil && p.Call != nil {
		showPrepared(e, ent.Name, spec.title, p)
	}
	if err != nil {
		return err
	}
	if spec.flags.dryRun {
		if f.Opts.JSON {
			return f.PrintJSON(dryRunView(e, p))
		}
		f.Infof("Dry run only: nothing was signed or submitted.")
		return nil
	}
	if err := canSubmit(e); err != nil {
		return err
	}
	if !f.Opts.Yes {
		ok, err := f.IO.Confirm("Sign and submit this transaction?")
		if errors.Is(err, iostreams.ErrNoTTY) {
			return app.Usagef("not on a terminal: pass --yes to submit without confirmation")
		}
		if err != nil {
			return err
		}
		if !ok {
			return ErrCancelled
		}
	}
	pw, err := newPasswordSource(f, false).forKey(e.home, ent.Name)
	if err != nil {
		return err
	}
	pair, err := e.store.Unlock(ent.Name, pw)
	wipeBytes(pw)
	if err != nil {
		return err
	}
	signed, err := p.Sign(pair)
	pair.Wipe()
	if err != nil {
		return err
	}
	if err := e.sess.Check(ctx, p, signed); err != nil {
		return err
	}
	// Interrupted at any moment before this point, nothing is sent.
	if err := ctx.Err(); err != nil {
		return err
	}
	out, err := e.sess.Submit(ctx, p, signed, progressPrinter(f))
	if err != nil {
		var ie *app.InterruptedError
		if !errors.As(err, &ie) && (errors.Is(err, lightclient.ErrVerification) || errors.Is(err, chainsync.ErrMalicious)) {
			return app.Unverified(fmt.Errorf("transaction %s was sent, but what the endpoint says of its inclusion does not verify: %w",
				app.ExtrinsicHash(signed), err))
		}
		return err
	}
	if lp, ok := e.sess.Chain.(*chain.LightPara); ok {
		if reason, claimed := lp.Claimed(ctx, out.BlockHash); claimed {
			out.Verified = false
			f.Warnf("the outcome below is what the parachain endpoint claims, NOT verified: %s", reason)
		}
	}
	return reportOutcome(e, out)
}

// canSubmit refuses, before a password is asked for and anything signed,
// a chain that cannot send transactions: a parachain read through the relay
// light client without a parachain endpoint (its transactions must reach
// its collators over its own network, which ksm does not join to send).
func canSubmit(e *chainEnv) error {
	lp, ok := e.sess.Chain.(*chain.LightPara)
	if !ok || lp.CanSubmit() {
		return nil
	}
	name := fmt.Sprintf("parachain %d", lp.ParaID())
	if e.light != nil && e.light.para != nil {
		name = e.light.para.name
	}
	return fmt.Errorf("%w: ksm reads %s through the relay chain's proofs but cannot send it transactions "+
		"over its libp2p network (they must reach its collators); nothing was signed or sent. Pass --rpc URL of a %s endpoint to submit "+
		"through it (what it says of the inclusion is checked against the relay chain); --dry-run shows the transaction, its fee and "+
		"its dry run, verified", chain.ErrUnsupported, name, name)
}

// progressPrinter writes ready → in block → finalized on stderr.
func progressPrinter(f *Factory) app.Progress {
	return func(st chain.Status) {
		switch st.Kind {
		case chain.StatusInBlock, chain.StatusFinalized, chain.StatusRetracted, chain.StatusTimeout:
			f.Infof("  %s %s", statusWord(st.Kind), st.Block)
		default:
			f.Infof("  %s", statusWord(st.Kind))
		}
	}
}

func statusWord(k chain.StatusKind) string {
	switch k {
	case chain.StatusInBlock:
		return "in block"
	case chain.StatusFinalized:
		return "finalized"
	case chain.StatusReady:
		return "ready"
	case chain.StatusFuture:
		return "waiting for an earlier nonce (future)"
	case chain.StatusBroadcast:
		return "broadcast"
	case chain.StatusRetracted:
		return "retracted from block"
	case chain.StatusTimeout:
		return "finality timeout at block"
	}
	return string(k)
}

func dryRunView(e *chainEnv, p *app.Prepared) dryRunJSON {
	v := dryRunJSON{
		DryRun: true, From: e.sess.Account(p.From), Call: p.Call, CallHex: xtHexString(p.Decoded.Call),
		Nonce: p.Params.Nonce, Era: xtEraJSON(p.Params.Era), Tip: numOrNull(nz(p.Params.Tip)),
		MetadataHash: p.MetadataHash, MetadataNote: p.MetadataHashNote, Fee: numOrNull(p.Fee), Verified: e.sess.Chain.Verified(),
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
func showPrepared(e *chainEnv, keyName, title string, p *app.Prepared) {
	s := e.sess
	w := e.f.IO.ErrOut
	if title != "" {
		fmt.Fprintf(w, "%s\n", title)
	}
	fmt.Fprintf(w, "From:      %s (key %s)\n", s.Account(p.From), keyName)
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

// outcomeJSON converts an outcome to the cli.md shape.
func outcomeJSON(out *app.Outcome) submitJSON {
	j := submitJSON{
		ExtrinsicHash: out.ExtrinsicHash.String(), BlockHash: out.BlockHash.String(), BlockNumber: out.BlockNumber,
		Success: out.Success, Fee: numOrNull(out.Fee), Events: out.Events, Verified: out.Verified,
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
	if f.Opts.JSON {
		if err := f.PrintJSON(outcomeJSON(out)); err != nil {
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
	if !out.Success {
		return app.FailedOnChain(fmt.Errorf("transaction %s was included in block #%d but failed: %v", out.ExtrinsicHash, out.BlockNumber, out.Error))
	}
	return nil
}
