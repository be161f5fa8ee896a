package cli

// The dashboard's reads of proxies, multisigs, unclaimed rewards and the
// user's para ids, and its unsigned claim: over the app use cases the
// commands run (proxy list, multisig pending, stake status --rewards, para
// status, claim submit).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/tui"
	"github.com/ksm-wallet/ksm/wallet/eth"
	"github.com/ksm-wallet/ksm/wallet/keys"
)

// Relations reads, on every open chain that hosts proxies, who may act for
// k and whom k may act for (app ProxyList, as `ksm proxy list`), and the
// address book's multisigs k is or signs for with their open operations.
func (b *tuiBackend) Relations(ctx context.Context, k tui.Key) ([]tui.Relations, error) {
	envs := b.envs()
	if len(envs) == 0 {
		return nil, errors.New("the chain is not open yet")
	}
	id, err := tuiAccount(k)
	if err != nil {
		return nil, err
	}
	st, _, err := b.store()
	if err != nil {
		return nil, err
	}
	var self *app.Multisig
	if e, err := st.Get(k.Name); err == nil {
		self, _ = app.MultisigFromEntry(e)
	}
	names := map[[32]byte]string{}
	if ents, err := st.List(); err == nil {
		for _, e := range ents {
			names[app.AccountOf(e)] = e.Name
		}
	}
	var out []tui.Relations
	for _, e := range envs {
		s := e.sess
		if s.Route("Proxy") != nil {
			continue
		}
		r := tui.Relations{Chain: s.ChainName(), Verified: s.Chain.Verified()}
		pl, err := s.ProxyList(ctx, st, id, nil)
		if err != nil {
			if ctx.Err() != nil {
				return out, err
			}
			r.Err = err.Error()
			out = append(out, r)
			continue
		}
		r.Block, r.Checked = pl.At.Number, pl.Checked
		if pl.Deposit != nil {
			r.Deposit = s.FormatAmount(pl.Deposit)
		}
		for _, d := range pl.Proxies {
			r.Proxies = append(r.Proxies, tui.Proxy{Account: s.Account(d.Delegate), Name: names[d.Delegate], Type: d.Type, Delay: d.Delay})
		}
		for _, a := range pl.ActsFor {
			r.ActsFor = append(r.ActsFor, tui.Proxy{Account: s.Account(a.Real), Name: a.Name, Type: a.Type, Delay: a.Delay})
		}
		list := pl.SignatoryOf
		if self != nil {
			list = append([]*app.Multisig{self}, list...)
		}
		for _, ms := range list {
			m := tui.Multisig{Name: ms.Name, Address: s.Account(ms.Account), Threshold: int(ms.Threshold), Signatories: len(ms.Signatories), Self: ms == self, Pending: -1}
			if n, err := multisigOpen(ctx, s, ms); err != nil {
				m.PendingErr = err.Error()
			} else {
				m.Pending = n
			}
			r.Multisigs = append(r.Multisigs, m)
		}
		out = append(out, r)
	}
	return out, nil
}

// multisigOpen counts the open operations of ms (Multisig.Multisigs at the
// finalized head; `ksm multisig pending` proves their call data too).
func multisigOpen(ctx context.Context, s *app.Session, ms *app.Multisig) (int, error) {
	if err := s.Route("Multisig"); err != nil {
		return 0, err
	}
	h, rt, err := s.HeadRuntime(ctx)
	if err != nil {
		return 0, err
	}
	ops, err := s.MultisigOps(ctx, rt, h.Hash, ms.Account)
	return len(ops), err
}

// Rewards reads k's unclaimed staking rewards as `ksm stake status
// --rewards` does (app PendingRewards: the eras `stake payout` pays).
func (b *tuiBackend) Rewards(ctx context.Context, k tui.Key) (*tui.Rewards, error) {
	s, err := b.routed("Staking")
	if err != nil {
		return nil, err
	}
	st, err := tuiStakeStatus(ctx, s, k, app.StakeStatusOptions{Rewards: true})
	if err != nil {
		return nil, err
	}
	out := &tui.Rewards{Chain: s.ChainName(), Block: st.Block.Number, Verified: s.Chain.Verified()}
	known := true
	for _, p := range st.Pending {
		r := tui.Reward{Validator: s.Account(p.Validator), Era: p.Era}
		if p.Page != nil {
			r.Page = fmt.Sprint(*p.Page)
		}
		if p.Amount != nil {
			r.Amount = s.FormatAmount(p.Amount)
		} else {
			known = false
		}
		out.Eras = append(out.Eras, r)
	}
	if known && st.PendingTotal != nil {
		out.Total = s.FormatAmount(st.PendingTotal)
	}
	return out, nil
}

// MyParas finds the para ids managed by one of keys (Registrar.Paras) and
// reads their status as `ksm para status` does.
func (b *tuiBackend) MyParas(ctx context.Context, list []tui.Key) ([]tui.Para, error) {
	s, err := b.routed("Registrar")
	if err != nil {
		return nil, err
	}
	var ids [][32]byte
	names := map[string]string{}
	for _, k := range list {
		if id, err := tuiAccount(k); err == nil {
			ids = append(ids, id)
			names[s.Account(id)] = k.Name
		}
	}
	rt, err := s.Latest(ctx)
	if err != nil {
		return nil, err
	}
	sts, err := s.ParasManagedBy(ctx, rt, ids)
	var out []tui.Para
	for _, st := range sts {
		p := paraView(s, st)
		if n := names[st.Manager]; n != "" {
			p.Lines[0] += " (" + n + ")"
		}
		out = append(out, p)
	}
	return out, err
}

// paraView writes a para's status for the dashboard.
func paraView(s *app.Session, st *app.ParaStatus) tui.Para {
	p := tui.Para{ID: st.ID, Verified: s.Chain.Verified()}
	if !st.Registered {
		p.Lines = append(p.Lines, "  not registered")
	} else {
		p.Lines = append(p.Lines, "  manager "+st.Manager, "  deposit "+s.FormatAmount(nz(st.Deposit)))
	}
	if st.Lifecycle != "" {
		p.Lines = append(p.Lines, "  lifecycle "+st.Lifecycle)
	}
	if st.CodeHash != "" {
		p.Lines = append(p.Lines, "  code hash "+st.CodeHash)
	}
	return p
}

// runClaim sends a claim to the key a.From names as `ksm claim submit`
// does (app PlanClaimSubmit, ExecuteUnsigned): with the pasted signature,
// or signed by the ksm Ethereum key a.Fields["ethkey"] names, unlocked
// with the password the dashboard asks.
func (b *tuiBackend) runClaim(ctx context.Context, a tui.Action, ask tui.Asker) (*tui.Result, error) {
	st, _, err := b.store()
	if err != nil {
		return nil, err
	}
	sig, ethName := strings.TrimSpace(a.Fields["signature"]), strings.TrimSpace(a.Fields["ethkey"])
	if sig != "" {
		ethName = ""
	}
	// EthKeyFile only says that a key signs: the key is the keystore's.
	plan, err := app.PlanClaimSubmit(st, app.ClaimSubmitInput{To: a.From, EthSignature: sig, EthKeyFile: ethName})
	if err != nil {
		return nil, err
	}
	var key *eth.Key
	if plan.NeedsKey() {
		if key, err = b.ethKey(ctx, ethName, ask); err != nil {
			return nil, err
		}
		defer key.Wipe()
	}
	e, err := b.envFor("Claims")
	if err != nil {
		return nil, err
	}
	res, err := app.ExecuteUnsigned(ctx, e.sess, plan.Unsigned(key, false), &tuiAsker{e: e, ask: ask})
	if err != nil {
		return nil, executeErr(err)
	}
	if res.Outcome == nil {
		return &tui.Result{Success: true, Lines: []string{"nothing was sent"}}, nil
	}
	return outcomeResult(e.sess, res.Outcome), nil
}

// ethKey unlocks the keystore's Ethereum key name.
func (b *tuiBackend) ethKey(ctx context.Context, name string, ask tui.Asker) (*eth.Key, error) {
	st, _, err := b.store()
	if err != nil {
		return nil, err
	}
	ent, err := st.Get(name)
	if err != nil {
		return nil, app.Usagef("Ethereum key: %v", err)
	}
	if ent.Scheme != keys.Ethereum && ent.Scheme != keys.Ecdsa {
		return nil, app.Usagef("%s is a %s key, not an Ethereum key", name, ent.Scheme)
	}
	pw, err := ask.Password(ctx, name)
	if err != nil {
		return nil, err
	}
	defer wipeBytes(pw)
	pair, err := st.Unlock(name, pw)
	if err != nil {
		return nil, err
	}
	defer pair.Wipe()
	seed, ok := pair.Seed()
	if !ok {
		return nil, fmt.Errorf("%s has no secp256k1 secret", name)
	}
	defer wipeBytes(seed)
	return eth.NewKey(seed)
}

// unsignedReview is the confirm screen of an unsigned transaction.
func unsignedReview(s *app.Session, r *app.Review) tui.Review {
	u := r.Unsigned
	out := tui.Review{Title: r.Title, Details: r.Details, Chain: s.ChainName(), Warnings: r.Warnings, Verified: s.Chain.Verified(),
		Unsigned: true, Question: u.Question, Fee: "none (an unsigned transaction)"}
	cb, _ := json.MarshalIndent(u.Call, "", "  ")
	out.Call = string(cb)
	return out
}

// actingText says whom a call acts for, through which hops, and who pays.
func actingText(s *app.Session, a *app.Acting, payer [32]byte, key string) string {
	who := s.Account(a.For)
	if a.ForName != "" {
		who += " (" + a.ForName + ")"
	}
	t := "for " + who + "; the fee is paid by " + s.Account(payer) + " (key " + key + ")"
	for i := len(a.Path) - 1; i >= 0; i-- {
		t += "; via " + a.Path[i].Note
	}
	return t
}
