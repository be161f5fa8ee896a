package app

// Proxies: the Proxy pallet's relationships read from the chain (both
// directions), and the plans of the proxy verbs: add, remove, pure create
// and pure kill. Acting through a proxy (--as) is in actas.go.

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/calls"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// ProxyDef is one proxy of an account: Delegate may dispatch calls of
// Type for it, Delay blocks after announcing them (0: at once).
type ProxyDef struct {
	Delegate [32]byte
	Type     string
	Delay    uint64
}

// ProxiesOf reads Proxy.Proxies(who) at block at: who's proxies and the
// deposit reserved for them.
func (s *Session) ProxiesOf(ctx context.Context, rt *Runtime, at chainclient.Hash, who [32]byte) ([]ProxyDef, *big.Int, error) {
	v, _, err := s.Read(ctx, rt, at, "Proxy", "Proxies", rt.Codec.FormatAccount(who))
	if err != nil {
		return nil, nil, fmt.Errorf("Proxy.Proxies of %s: %w", s.Account(who), err)
	}
	defs, dep, err := parseProxies(rt, v)
	if err != nil {
		return nil, nil, fmt.Errorf("Proxy.Proxies of %s: %w", s.Account(who), err)
	}
	return defs, dep, nil
}

// parseProxies reads a Proxy.Proxies value: (definitions, deposit).
func parseProxies(rt *Runtime, v any) ([]ProxyDef, *big.Int, error) {
	pair, ok := v.([]any)
	if !ok || len(pair) != 2 {
		return nil, nil, fmt.Errorf("unexpected value %v", v)
	}
	deposit, _ := value.BigInt(pair[1])
	items, _ := pair[0].([]any)
	out := make([]ProxyDef, 0, len(items))
	for _, it := range items {
		d, ok := account(rt, Get(it, "delegate"))
		if !ok {
			return nil, nil, fmt.Errorf("bad delegate in %v", it)
		}
		delay, _ := value.Uint64(Get(it, "delay"))
		out = append(out, ProxyDef{Delegate: d, Type: EnumPath(Get(it, "proxy_type")), Delay: delay})
	}
	return out, deposit, nil
}

// Lister lists the keystore's entries (a *keystore.Store): the accounts ksm
// checks for relationships it cannot find by key.
type Lister interface {
	List() ([]*keystore.Entry, error)
}

// AccountOf is the account id of a keystore entry.
func AccountOf(e *keystore.Entry) [32]byte { return keys.AccountID(e.Scheme, e.PublicKey) }

// ProxyRelations is what the chain says of an account's proxies, both ways.
type ProxyRelations struct {
	Account [32]byte
	// Proxies may act for Account (Proxy.Proxies(Account)); Deposit is
	// reserved for them.
	Proxies []ProxyDef
	Deposit *big.Int
	// ActsFor are the accounts Account is a proxy of, among those checked
	// (Checked): the chain keeps proxies by the account acted for only,
	// so the other direction is found by reading the proxies of every
	// account ksm knows (the keystore and address book, and Candidates).
	ActsFor []ActsFor
	Checked int
	// SignatoryOf are the multisigs of the address book Account is a
	// signatory of (it acts for them with approvals).
	SignatoryOf []*Multisig
	At          chainclient.Header
}

// ActsFor is an account Account may act for, and how.
type ActsFor struct {
	Real [32]byte
	// Name is the keystore entry of Real ("" when none).
	Name string
	ProxyDef
}

// ProxyList reads who may act for who (verified storage reads at the
// finalized head) and, for each account of the keystore and candidates,
// whether who may act for it.
func (s *Session) ProxyList(ctx context.Context, kr Lister, who [32]byte, candidates [][32]byte) (*ProxyRelations, error) {
	h, rt, err := s.HeadRuntime(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.Route("Proxy"); err != nil {
		return nil, err
	}
	r := &ProxyRelations{Account: who, At: *h}
	if r.Proxies, r.Deposit, err = s.ProxiesOf(ctx, rt, h.Hash, who); err != nil {
		return nil, err
	}
	type cand struct {
		id   [32]byte
		name string
	}
	var cs []cand
	seen := map[[32]byte]bool{who: true}
	if kr != nil {
		ents, _ := kr.List()
		for _, e := range ents {
			if m, ok := MultisigFromEntry(e); ok && m.Has(who) {
				r.SignatoryOf = append(r.SignatoryOf, m)
			}
			id := AccountOf(e)
			if !seen[id] {
				seen[id] = true
				cs = append(cs, cand{id, e.Name})
			}
		}
	}
	for _, id := range candidates {
		if !seen[id] {
			seen[id] = true
			cs = append(cs, cand{id, ""})
		}
	}
	for _, c := range cs {
		defs, _, err := s.ProxiesOf(ctx, rt, h.Hash, c.id)
		if err != nil {
			return nil, err
		}
		r.Checked++
		for _, d := range defs {
			if d.Delegate == who {
				r.ActsFor = append(r.ActsFor, ActsFor{Real: c.id, Name: c.name, ProxyDef: d})
			}
		}
	}
	return r, nil
}

// ProxyInput is what a proxy verb was given, as typed.
type ProxyInput struct {
	Signing
	// Delegate is the proxy account (add, remove): a key name or an address.
	Delegate string
	// Type is a ProxyType variant ("Any", "Staking", ...; any case).
	Type  string
	Delay uint64
	// Index disambiguates pure proxies created in one transaction.
	Index uint16
	// Pure is the pure account to kill (a name of the address book or an
	// address); Height and ExtIndex name its creation (kill; read from the
	// address book entry when zero).
	Pure     string
	Height   uint64
	ExtIndex uint32
}

// proxyType checks the type against the runtime's ProxyType enum.
func (c *Composer) proxyType(t string) (string, error) {
	if t == "" {
		return "", inputErrorf("--type", "a proxy type is required")
	}
	v, err := c.Rt.Calls.ProxyType(t)
	if errors.Is(err, calls.ErrArgs) {
		return "", fieldError("--type", err)
	}
	return v, err
}

func checkProxyDelay(d uint64) error {
	if d > 1<<32-1 {
		return inputErrorf("--delay", "%d is more than a block number can hold", d)
	}
	return nil
}

// planProxyChange plans a change of the sender's proxy Delegate: the
// delegate is resolved and the delay checked before any network step;
// compose gets the runtime's proxy type named by in.Type and the sender's
// proxies at the finalized head.
func planProxyChange(kr Keyring, verb string, in ProxyInput, compose func(c *Composer, del Target, pt string, defs []ProxyDef) (*Draft, error)) (*Plan, error) {
	del, err := ResolveTarget(kr, "DELEGATE", in.Delegate)
	if err != nil {
		return nil, err
	}
	if err := checkProxyDelay(in.Delay); err != nil {
		return nil, err
	}
	return NewPlan(kr, verb, in.Signing, "Proxy", func(ctx context.Context, c *Composer) (*Draft, error) {
		pt, err := c.proxyType(in.Type)
		if err != nil {
			return nil, err
		}
		defs, _, err := c.Sess.ProxiesOf(ctx, c.Rt, c.Head.Hash, c.From.Account)
		if err != nil {
			return nil, err
		}
		return compose(c, del, pt, defs)
	})
}

// PlanProxyAdd adds Delegate as a proxy of the sender (Proxy.add_proxy):
// the type must be one of the runtime's, the proxy must not exist yet, and
// the deposit (Proxy.ProxyDepositBase for the first, ProxyDepositFactor for
// each) is reserved from the sender.
func PlanProxyAdd(kr Keyring, in ProxyInput) (*Plan, error) {
	return planProxyChange(kr, "proxy add", in, func(c *Composer, del Target, pt string, defs []ProxyDef) (*Draft, error) {
		if del.Account == c.From.Account {
			return nil, inputErrorf("DELEGATE", "an account cannot be its own proxy")
		}
		for _, d := range defs {
			if d.Delegate == del.Account && d.Type == pt && d.Delay == in.Delay {
				return &Draft{Nothing: fmt.Sprintf("%s is already a %s proxy of %s with delay %d: nothing to do", c.Sess.Account(del.Account), pt, c.Sess.Account(c.From.Account), in.Delay)}, nil
			}
		}
		call, err := c.Rt.Calls.AddProxy(del.Account, pt, uint32(in.Delay))
		if err != nil {
			return nil, err
		}
		dep, err := c.proxyDeposit(len(defs))
		if err != nil {
			return nil, err
		}
		title := fmt.Sprintf("Add %s as a %s proxy of %s", c.named(del), pt, c.Sess.Account(c.From.Account))
		if in.Delay > 0 {
			title += fmt.Sprintf(" (delay %d blocks: its calls must be announced first)", in.Delay)
		}
		return &Draft{Request: Request{Call: call, Spend: dep}, Title: title,
			Details: fmt.Sprintf("Deposit:   %s reserved while the proxy exists", c.Amount(dep))}, nil
	})
}

// proxyDeposit is what adding one more proxy to n reserves.
func (c *Composer) proxyDeposit(n int) (*big.Int, error) {
	after, err := c.Rt.Calls.Deposit("Proxy", "ProxyDepositBase", "ProxyDepositFactor", int64(n)+1)
	if err != nil || n == 0 {
		return after, err
	}
	before, err := c.Rt.Calls.Deposit("Proxy", "ProxyDepositBase", "ProxyDepositFactor", int64(n))
	if err != nil {
		return nil, err
	}
	return after.Sub(after, before), nil
}

// named writes a target as an address with its key name.
func (c *Composer) named(t Target) string {
	s := c.Sess.Account(t.Account)
	if t.KeyName != "" {
		s += " (" + t.KeyName + ")"
	}
	return s
}

// PlanProxyRemove removes a proxy of the sender (Proxy.remove_proxy). The
// proxy must exist on chain; without --delay the delay is the one on chain.
func PlanProxyRemove(kr Keyring, in ProxyInput) (*Plan, error) {
	return planProxyChange(kr, "proxy remove", in, func(c *Composer, del Target, pt string, defs []ProxyDef) (*Draft, error) {
		var found *ProxyDef
		var have []string
		for i, d := range defs {
			if d.Delegate == del.Account {
				have = append(have, fmt.Sprintf("%s (delay %d)", d.Type, d.Delay))
				if d.Type == pt && (found == nil || d.Delay == in.Delay) {
					found = &defs[i]
				}
			}
		}
		if found == nil {
			what := "is not a proxy of it"
			if len(have) > 0 {
				what = "is its proxy only as " + strings.Join(have, ", ")
			}
			return nil, inputErrorf("DELEGATE", "%s has no %s proxy %s: %s %s (finalized block #%d)", c.Sess.Account(c.From.Account), pt, c.Sess.Account(del.Account), c.Sess.Account(del.Account), what, c.Head.Number)
		}
		call, err := c.Rt.Calls.RemoveProxy(del.Account, pt, uint32(found.Delay))
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call},
			Title: fmt.Sprintf("Remove %s as a %s proxy of %s (its deposit share is returned)", c.named(del), pt, c.Sess.Account(c.From.Account))}, nil
	})
}

// PlanProxyPureCreate creates a pure proxy account (Proxy.create_pure): a
// new keyless account whose only access is the sender, as a proxy of Type.
// The outcome's Proxy.PureCreated event names it (PureCreated).
func PlanProxyPureCreate(kr Keyring, in ProxyInput) (*Plan, error) {
	if err := checkProxyDelay(in.Delay); err != nil {
		return nil, err
	}
	return NewPlan(kr, "proxy pure create", in.Signing, "Proxy", func(ctx context.Context, c *Composer) (*Draft, error) {
		pt, err := c.proxyType(in.Type)
		if err != nil {
			return nil, err
		}
		call, err := c.Rt.Calls.CreatePure(pt, uint32(in.Delay), in.Index)
		if err != nil {
			return nil, err
		}
		dep, err := c.proxyDeposit(0)
		if err != nil {
			return nil, err
		}
		return &Draft{Request: Request{Call: call, Spend: dep},
			Title:   fmt.Sprintf("Create a pure proxy account controlled by %s as its %s proxy", c.Sess.Account(c.From.Account), pt),
			Details: fmt.Sprintf("Deposit:   %s reserved from %s while the pure account exists", c.Amount(dep), c.Sess.Account(c.From.Account))}, nil
	})
}

// PureAccount is a pure proxy account as its creation made it.
type PureAccount struct {
	Pure, Spawner [32]byte
	Type          string
	Index         uint16
	// Height and ExtIndex are the block and the transaction's index there
	// (kill_pure needs them).
	Height   uint64
	ExtIndex uint32
}

// PureCreated reads the Proxy.PureCreated event of an outcome.
func PureCreated(rt *Runtime, out *Outcome) (*PureAccount, bool) {
	for _, ev := range out.Events {
		if ev.Pallet != "Proxy" || (ev.Name != "PureCreated" && ev.Name != "AnonymousCreated") {
			continue
		}
		p := &PureAccount{Height: out.BlockNumber, ExtIndex: uint32(out.Index)}
		var ok1, ok2 bool
		if rt != nil {
			p.Pure, ok1 = account(rt, Get(ev.Fields, "pure"))
			if !ok1 {
				p.Pure, ok1 = account(rt, Get(ev.Fields, "anonymous"))
			}
			p.Spawner, ok2 = account(rt, Get(ev.Fields, "who"))
		}
		p.Type = EnumPath(Get(ev.Fields, "proxy_type"))
		idx, _ := value.Uint64(Get(ev.Fields, "disambiguation_index"))
		p.Index = uint16(idx)
		return p, ok1 && ok2
	}
	return nil, false
}

// PureMeta is the address book meta ksm keeps for a pure account (what
// kill_pure needs).
func PureMeta(p *PureAccount, prefix func([32]byte) string) map[string]any {
	return map[string]any{"isProxied": true, "pure": map[string]any{
		"spawner": prefix(p.Spawner), "type": p.Type, "index": p.Index, "height": p.Height, "extIndex": p.ExtIndex,
	}}
}

// PlanProxyPureKill kills a pure account (Proxy.kill_pure), dispatched by
// the pure account itself through the sender, its spawner and proxy: the
// call is made with As set to it. Its type, index, height and extrinsic
// index come from the address book entry ksm stored when creating it (or
// from the input). Whatever the pure account holds is lost for good.
func PlanProxyPureKill(kr Keyring, in ProxyInput) (*Plan, error) {
	pure, err := ResolveTarget(kr, "PURE", in.Pure)
	if err != nil {
		return nil, err
	}
	meta := map[string]any{}
	if pure.KeyName != "" {
		if e, err := kr.Get(pure.KeyName); err == nil && e.File != nil {
			if m, ok := e.File.Meta["pure"].(map[string]any); ok {
				meta = m
			}
		}
	}
	typ := in.Type
	if typ == "" {
		typ, _ = meta["type"].(string)
	}
	index, height, ext := uint64(in.Index), in.Height, uint64(in.ExtIndex)
	num := func(k string) uint64 {
		f, _ := meta[k].(float64)
		return uint64(f)
	}
	if index == 0 {
		index = num("index")
	}
	if height == 0 {
		height = num("height")
	}
	if ext == 0 && in.Height == 0 {
		ext = num("extIndex")
	}
	if height == 0 {
		return nil, inputErrorf("--height", "the block the pure account was created in is not known: ksm stores it when it creates one; give --height and --ext-index (and --type, --index)")
	}
	in.Signing.As = in.Pure
	return NewPlan(kr, "proxy pure kill", in.Signing, "Proxy", func(ctx context.Context, c *Composer) (*Draft, error) {
		pt, err := c.proxyType(typ)
		if err != nil {
			return nil, err
		}
		call, err := c.Rt.Calls.KillPure(c.Signer.Account, pt, uint16(index), height, uint32(ext))
		if err != nil {
			return nil, err
		}
		d := &Draft{Request: Request{Call: call},
			Title: fmt.Sprintf("Kill the pure account %s (created at block #%d, index %d)", c.Sess.Account(pure.Account), height, ext)}
		if b, err := c.Sess.BalanceAt(ctx, c.Rt, c.Head, pure.Account); err == nil && b.Free.Sign() > 0 {
			d.Warnings = append(d.Warnings, fmt.Sprintf("%s still holds %s: killing it loses that for good (move it out first)", c.Sess.Account(pure.Account), c.Amount(b.Free)))
		}
		return d, nil
	})
}
