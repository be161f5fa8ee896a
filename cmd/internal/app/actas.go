package app

// Acting for another account (--as): the call a verb composed for the
// account acted for is wrapped in Proxy.proxy and multisig approvals along
// the relationships the chain holds between the signer and that account,
// each checked at the finalized head before anything is signed.

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/value"
)

// Hop is one step from the account acted for towards the signer: By acts
// for For, as its proxy (Kind "proxy", Proxy the definition used) or as a
// signatory of the multisig For (Kind "multisig").
type Hop struct {
	Kind     string
	For, By  [32]byte
	Proxy    ProxyDef
	Multisig *Multisig
	// Note says what this hop does ("approval 1 of 2: ...").
	Note string
}

// Acting is what a call acting for another account is: the account, the
// call made for it (decoded), and the hops from it to the signer.
type Acting struct {
	For     [32]byte
	ForName string
	Inner   *value.Call
	// InnerCall is the encoded inner call.
	InnerCall []byte
	Path      []Hop
}

// maxActingDepth bounds the hops ksm looks for between the signer and the
// account acted for.
const maxActingDepth = 3

// composeAs composes the plan's call for the account As names, then wraps
// it so that the signer can dispatch it.
func (p *Plan) composeAs(ctx context.Context, kr Keyring, c *Composer) (*Draft, error) {
	as, err := ResolveTarget(kr, "--as", p.As)
	if err != nil {
		return nil, err
	}
	if as.Account == p.From.Account {
		return nil, inputErrorf("--as", "%s is the signing key itself: drop --as", p.As)
	}
	c.From = KeyRef{Name: as.KeyName, Account: as.Account}
	d, err := p.build(ctx, c)
	if err != nil || d.Nothing != "" {
		return d, err
	}
	path, err := c.findPath(ctx, kr, p.From.Account, as.Account)
	if err != nil {
		return nil, err
	}
	inner, err := c.Rt.Codec.DecodeCall(d.Request.Call)
	if err != nil {
		return nil, err
	}
	if err := c.checkActedFor(ctx, as.Account, &d.Request); err != nil {
		return nil, err
	}
	act := &Acting{For: as.Account, ForName: as.KeyName, Inner: inner, InnerCall: d.Request.Call, Path: path}
	call := d.Request.Call
	var spend *big.Int
	for i := range path {
		h := &path[i]
		var dep *big.Int
		switch h.Kind {
		case "proxy":
			call, err = c.Rt.Calls.Proxy(h.For, h.Proxy.Type, call)
			h.Note = fmt.Sprintf("%s acts for %s as its %s proxy (Proxy.proxy)", c.Sess.Account(h.By), c.Sess.Account(h.For), h.Proxy.Type)
		case "multisig":
			call, dep, h.Note, err = c.multisigApproval(ctx, h.Multisig, h.By, call)
		}
		if err != nil {
			return nil, err
		}
		if i == len(path)-1 {
			spend = dep
		}
	}
	d.Request = Request{Call: call, Spend: spend, SkipChecks: d.Request.SkipChecks}
	d.Acting = act
	who := c.Sess.Account(as.Account)
	if as.KeyName != "" {
		who += " (" + as.KeyName + ")"
	}
	d.Title = d.Title + " — acting for " + who
	return d, nil
}

// checkActedFor applies the balance and existential-deposit checks of req
// to the account acted for, which is where Spend leaves from.
func (c *Composer) checkActedFor(ctx context.Context, who [32]byte, req *Request) error {
	if req.SkipChecks || req.SpendAll || req.Spend == nil || req.Spend.Sign() == 0 {
		return nil
	}
	b, err := c.Sess.BalanceAt(ctx, c.Rt, c.Head, who)
	if err != nil {
		return err
	}
	if req.Spend.Cmp(b.Transferable) > 0 {
		return fmt.Errorf("%w: %s (acted for) needs %s but has %s transferable (free %s)",
			ErrInsufficientBalance, c.Sess.Account(who), c.Amount(req.Spend), c.Amount(b.Transferable), c.Amount(b.Free))
	}
	after := new(big.Int).Sub(b.Free, req.Spend)
	if ed := b.ExistentialDeposit; !req.AllowDeath && ed != nil && ed.Sign() > 0 && after.Cmp(ed) < 0 {
		return fmt.Errorf("%w: this would leave %s (acted for) with %s, below the existential deposit of %s: the account would be reaped. Send less, or pass --allow-death",
			ErrExistentialDeposit, c.Sess.Account(who), c.Amount(after), c.Amount(ed))
	}
	return nil
}

// findPath finds how signer can act for target: as its proxy (without a
// delay), as a signatory of a multisig ksm knows, or through up to
// maxActingDepth such hops. Shorter paths are preferred.
func (c *Composer) findPath(ctx context.Context, kr Keyring, signer, target [32]byte) ([]Hop, error) {
	cache := map[[32]byte][]ProxyDef{}
	var readErr error
	proxies := func(id [32]byte) []ProxyDef {
		if d, ok := cache[id]; ok {
			return d
		}
		d, _, err := c.Sess.ProxiesOf(ctx, c.Rt, c.Head.Hash, id)
		if err != nil && readErr == nil {
			readErr = err
		}
		cache[id] = d
		return d
	}
	var search func(t [32]byte, depth int) []Hop
	search = func(t [32]byte, depth int) []Hop {
		if depth == 0 || readErr != nil {
			return nil
		}
		defs := proxies(t)
		if d, ok := pickProxy(defs, signer); ok {
			return []Hop{{Kind: "proxy", For: t, By: signer, Proxy: d}}
		}
		ms, isMulti := knownMultisig(kr, t)
		if isMulti && ms.Has(signer) {
			return []Hop{{Kind: "multisig", For: t, By: signer, Multisig: ms}}
		}
		if depth == 1 {
			return nil
		}
		seen := map[[32]byte]bool{}
		for _, d := range defs {
			if seen[d.Delegate] {
				continue
			}
			seen[d.Delegate] = true
			pd, ok := pickProxy(defs, d.Delegate)
			if !ok {
				continue
			}
			if sub := search(d.Delegate, depth-1); sub != nil {
				return append([]Hop{{Kind: "proxy", For: t, By: d.Delegate, Proxy: pd}}, sub...)
			}
		}
		if isMulti {
			for _, s := range ms.Signatories {
				if sub := search(s, depth-1); sub != nil {
					return append([]Hop{{Kind: "multisig", For: t, By: s, Multisig: ms}}, sub...)
				}
			}
		}
		return nil
	}
	for depth := 1; depth <= maxActingDepth; depth++ {
		if p := search(target, depth); p != nil {
			return p, nil
		}
		if readErr != nil {
			return nil, readErr
		}
	}
	// Explain why not.
	var why []string
	defs := proxies(target)
	for _, d := range defs {
		if d.Delegate == signer {
			why = append(why, fmt.Sprintf("%s is its %s proxy with a delay of %d blocks: such a proxy must announce each call (Proxy.announce) and dispatch it with Proxy.proxy_announced once the delay has passed, which ksm does not do yet", c.Sess.Account(signer), d.Type, d.Delay))
		}
	}
	if len(why) == 0 {
		list := "none"
		if len(defs) > 0 {
			var ps []string
			for _, d := range defs {
				ps = append(ps, fmt.Sprintf("%s %s (delay %d)", c.Sess.Account(d.Delegate), d.Type, d.Delay))
			}
			list = strings.Join(ps, ", ")
		}
		why = append(why, fmt.Sprintf("its proxies are: %s", list))
		if ms, ok := knownMultisig(kr, target); ok {
			why = append(why, fmt.Sprintf("it is a %d-of-%d multisig of which %s is not a signatory", ms.Threshold, len(ms.Signatories), c.Sess.Account(signer)))
		} else {
			why = append(why, "it is not a multisig ksm knows (add it with 'ksm multisig new')")
		}
	}
	return nil, inputErrorf("--as", "%s cannot act for %s at finalized block #%d: %s", c.Sess.Account(signer), c.Sess.Account(target), c.Head.Number, strings.Join(why, "; "))
}

// pickProxy picks the definition through which delegate acts without a
// delay: Any when it has it, else the first.
func pickProxy(defs []ProxyDef, delegate [32]byte) (ProxyDef, bool) {
	var best ProxyDef
	found := false
	for _, d := range defs {
		if d.Delegate != delegate || d.Delay != 0 {
			continue
		}
		if !found || d.Type == "Any" {
			best, found = d, true
		}
	}
	return best, found
}

// multisigApproval wraps call in by's approval as a signatory of ms: the
// first approval carries the call (as_multi, reserving the deposit from
// by); the one that reaches the threshold carries it too, with the call's
// weight from the runtime as max_weight, and executes it; the others
// approve by call hash (approve_as_multi).
func (c *Composer) multisigApproval(ctx context.Context, ms *Multisig, by [32]byte, call []byte) ([]byte, *big.Int, string, error) {
	others := ms.Others(by)
	n := len(ms.Signatories)
	if ms.Threshold == 1 {
		out, err := c.Rt.Calls.AsMultiThreshold1(others, call)
		return out, nil, fmt.Sprintf("%s dispatches for the 1-of-%d multisig %s (Multisig.as_multi_threshold_1)", c.Sess.Account(by), n, c.Sess.Account(ms.Account)), err
	}
	h := calls.CallHash(call)
	op, err := c.Sess.MultisigOp(ctx, c.Rt, c.Head.Hash, ms.Account, h)
	if err != nil {
		return nil, nil, "", err
	}
	if op == nil {
		dep, err := c.Rt.Calls.Deposit("Multisig", "DepositBase", "DepositFactor", int64(ms.Threshold))
		if err != nil {
			return nil, nil, "", err
		}
		out, err := c.Rt.Calls.AsMulti(ms.Threshold, others, nil, call, calls.Weight{})
		return out, dep, fmt.Sprintf("%s opens operation 0x%x of the %d-of-%d multisig %s: approval 1 of %d, the call stored on chain with it (Multisig.as_multi); deposit %s reserved until it executes or is cancelled",
			c.Sess.Account(by), h, ms.Threshold, n, c.Sess.Account(ms.Account), ms.Threshold, c.Amount(dep)), err
	}
	for _, a := range op.Approvals {
		if a == by {
			return nil, nil, "", inputErrorf("--from", "%s has already approved operation 0x%x of multisig %s (%d of %d approvals)", c.Sess.Account(by), h, c.Sess.Account(ms.Account), len(op.Approvals), ms.Threshold)
		}
	}
	tp := &calls.Timepoint{Height: op.Height, Index: op.Index}
	if len(op.Approvals)+1 >= int(ms.Threshold) {
		w, err := c.Sess.CallWeight(ctx, c.Rt, c.Head.Hash, call)
		if err != nil {
			return nil, nil, "", err
		}
		out, err := c.Rt.Calls.AsMulti(ms.Threshold, others, tp, call, w)
		return out, nil, fmt.Sprintf("%s gives the last approval (%d of %d) of operation 0x%x of multisig %s, which executes the call (Multisig.as_multi, max weight %d/%d from the runtime)",
			c.Sess.Account(by), len(op.Approvals)+1, ms.Threshold, h, c.Sess.Account(ms.Account), w.RefTime, w.ProofSize), err
	}
	out, err := c.Rt.Calls.ApproveAsMulti(ms.Threshold, others, tp, h, calls.Weight{})
	return out, nil, fmt.Sprintf("%s approves operation 0x%x of multisig %s (%d of %d; Multisig.approve_as_multi)",
		c.Sess.Account(by), h, c.Sess.Account(ms.Account), len(op.Approvals)+1, ms.Threshold), err
}
