package cli

// The TUI's adapter: tui.Backend over package app, so that every read and
// action of the dashboard runs the code the commands run.

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	osc52 "github.com/aymanbagabas/go-osc52/v2"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tui"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/value"
	"github.com/ksm-wallet/ksm/wallet/keys"
	"github.com/ksm-wallet/ksm/wallet/keystore"
	"github.com/ksm-wallet/ksm/wallet/ss58"
)

// tuiBackend implements tui.Backend over the app layer. The chain is
// opened by Connect; the keystore is read from the home directory.
type tuiBackend struct {
	f   *Factory
	out io.Writer
	log *logSink

	mu  sync.Mutex
	env *chainEnv
	// hosts are the other chains of the network that host a pallet the
	// dashboard reads (Kusama: Asset Hub for staking, voting and claims),
	// opened after the first; hostErr why one could not be.
	hosts    map[string]*chainEnv
	hostList []*chainEnv
	hostErr  map[string]error
	// hostOpen opens a host chain again (reconnection); progress is
	// Connect's.
	hostOpen map[string]func(context.Context) (*chainEnv, error)
	progress func(tui.Progress)
}

// tuiPallets are the pallets whose chains the dashboard opens, with the
// action verbs that use them.
var tuiPallets = []string{"Staking", "Referenda", "Claims", "Registrar"}

// verbPallet is the pallet whose chain runs an action.
func verbPallet(verb string) string {
	switch {
	case strings.HasPrefix(verb, "stake "):
		return "Staking"
	case strings.HasPrefix(verb, "pool "):
		return "NominationPools"
	case strings.HasPrefix(verb, "gov "):
		return "Referenda"
	case strings.HasPrefix(verb, "claim"):
		return "Claims"
	case strings.HasPrefix(verb, "para "):
		return "Registrar"
	}
	return ""
}

// envFor is the open chain that hosts pallet: the first chain, or another
// chain of its network once it is open.
func (b *tuiBackend) envFor(pallet string) (*chainEnv, error) {
	e, err := b.chainEnv()
	if err != nil || pallet == "" {
		return e, err
	}
	p := e.sess.Profile
	if p == nil {
		return e, nil
	}
	host, ok := p.HostOf(pallet)
	if !ok || host.Name == p.Name {
		return e, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if x := b.hosts[host.Name]; x != nil {
		return x, nil
	}
	if err := b.hostErr[host.Name]; err != nil {
		return nil, fmt.Errorf("%s (where %s lives) could not be opened: %w", host.DisplayName, pallet, err)
	}
	return nil, fmt.Errorf("%s (where %s lives) is still being opened", host.DisplayName, pallet)
}

// session is the session of the open chain that hosts pallet (envFor).
func (b *tuiBackend) session(pallet string) (*app.Session, error) {
	e, err := b.envFor(pallet)
	if err != nil {
		return nil, err
	}
	return e.sess, nil
}

// routed is session for a read of pallet: an error where that chain has no
// pallet (Session.Route says which chain has it).
func (b *tuiBackend) routed(pallet string) (*app.Session, error) {
	s, err := b.session(pallet)
	if err != nil {
		return nil, err
	}
	if err := s.Route(pallet); err != nil {
		return nil, err
	}
	return s, nil
}

// tuiStakeStatus reads k's staking status at s's finalized head.
func tuiStakeStatus(ctx context.Context, s *app.Session, k tui.Key, o app.StakeStatusOptions) (*app.StakeStatus, error) {
	id, err := tuiAccount(k)
	if err != nil {
		return nil, err
	}
	h, rt, err := s.HeadRuntime(ctx)
	if err != nil {
		return nil, err
	}
	return s.StakeStatus(ctx, rt, *h, id, o)
}

// openHosts opens the other chains of the network the dashboard reads,
// one after the other, as --network NAME would (the relay endpoint, if
// --rpc named one, serves their proofs).
func (b *tuiBackend) openHosts(ctx context.Context, e *chainEnv, progress func(tui.Progress)) {
	p := e.sess.Profile
	if p == nil {
		return
	}
	seen := map[string]bool{p.Name: true}
	for _, pallet := range tuiPallets {
		host, ok := p.HostOf(pallet)
		if !ok || seen[host.Name] {
			continue
		}
		seen[host.Name] = true
		o := *b.f.Opts
		o.Network, o.RPC, o.RelayRPC, o.AssetHubRPC = host.Name, "", "", ""
		if p.IsRelay() {
			o.RelayRPC = b.f.Opts.RPC
			if app.AssetHubOf(p) == host {
				o.RPC = b.f.Opts.AssetHubRPC
			}
		} else if host.IsRelay() {
			o.RPC = b.f.Opts.RelayRPC
		}
		f2 := &Factory{IO: b.f.IO, Opts: &o, Getenv: b.f.Getenv, Backend: b.f.Backend}
		name := host.DisplayName
		open := func(ctx context.Context) (*chainEnv, error) {
			return openChainSync(ctx, f2, func(done, target, start uint32) {
				progress(tui.Progress{Log: fmt.Sprintf("%s: syncing #%d of #%d", name, done, target)})
			})
		}
		x, err := open(ctx)
		b.mu.Lock()
		b.hostOpen[host.Name] = open
		if err != nil {
			b.hostErr[host.Name] = err
		} else {
			b.hosts[host.Name] = x
			b.hostList = append(b.hostList, x)
		}
		b.mu.Unlock()
		if err != nil {
			progress(tui.Progress{Log: name + ": " + err.Error()})
			continue
		}
		if h, err := x.head(ctx); err == nil {
			progress(tui.Progress{Finalized: &tui.Chain{Name: x.sess.ChainName(), Block: h.Number, Hash: h.Hash.String(), Verified: x.sess.Chain.Verified()}, Reload: true})
		}
	}
}

// envs are the open chains, the first one first.
func (b *tuiBackend) envs() []*chainEnv {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.env == nil {
		return nil
	}
	return append([]*chainEnv{b.env}, b.hostList...)
}

func (b *tuiBackend) closeAll() {
	for _, e := range b.envs() {
		e.Close()
	}
}

var _ tui.Backend = (*tuiBackend)(nil)

// logSink receives what the backend would write on stderr while the
// dashboard owns the terminal, and gives it to the dashboard line by line.
type logSink struct {
	mu   sync.Mutex
	to   func(string)
	buf  bytes.Buffer
	last []string
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			l.buf.WriteString(line)
			break
		}
		line = strings.TrimSpace(strings.Trim(line, "\r"))
		if line == "" {
			continue
		}
		l.last = append(l.last, line)
		if l.to != nil {
			l.to(line)
		}
	}
	return len(p), nil
}

func (l *logSink) setTo(fn func(string)) {
	l.mu.Lock()
	l.to = fn
	l.mu.Unlock()
}

func (b *tuiBackend) store() (*keystore.Store, *keyEnv, error) {
	env, err := openKeyEnv(b.f)
	if err != nil {
		return nil, nil, err
	}
	return env.store, env, nil
}

func (b *tuiBackend) Keys(ctx context.Context) ([]tui.Key, error) {
	st, env, err := b.store()
	if err != nil {
		return nil, err
	}
	entries, err := st.List()
	out := make([]tui.Key, 0, len(entries))
	for _, e := range entries {
		j := keyEntryJSON(e, env.net)
		addr := j.SS58Address
		if j.EthAddress != "" {
			addr = j.EthAddress
		}
		out = append(out, tui.Key{Name: j.Name, Scheme: j.Scheme, PublicKey: j.PublicKey, Address: addr, WatchOnly: j.WatchOnly})
	}
	return out, err
}

func (b *tuiBackend) chainEnv() (*chainEnv, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.env == nil {
		return nil, errors.New("the chain is not open yet")
	}
	return b.env, nil
}

// Connect opens the chain as every command does (openChain), with the
// sync's progress and the backend's messages given to the dashboard; then
// follows the light client's new finalized blocks.
func (b *tuiBackend) Connect(ctx context.Context, progress func(tui.Progress)) (tui.Header, error) {
	b.log.setTo(func(s string) { progress(tui.Progress{Log: s}) })
	e, err := openChainSync(ctx, b.f, func(done, target, start uint32) {
		progress(tui.Progress{Sync: &tui.Sync{Done: done, Target: target, Start: start}})
	})
	if err != nil {
		return tui.Header{}, err
	}
	b.mu.Lock()
	b.env = e
	b.hosts, b.hostErr = map[string]*chainEnv{}, map[string]error{}
	b.hostOpen, b.progress = map[string]func(context.Context) (*chainEnv, error){}, progress
	b.mu.Unlock()
	h, err := b.Header(ctx)
	go b.openHosts(ctx, e, progress)
	if err == nil {
		b.follow(ctx, e, progress)
	}
	return h, err
}

// follow gives the dashboard the light client's new finalized blocks
// of e until ctx ends or e is closed.
func (b *tuiBackend) follow(ctx context.Context, e *chainEnv, progress func(tui.Progress)) {
	if e.light == nil || !e.light.Verified() || e.light.Para != nil || progress == nil {
		return
	}
	name := e.sess.ChainName()
	go func() {
		_ = e.light.FollowSync(ctx, func(ev backend.SyncEvent) bool {
			if ev.Kind == backend.SyncFinalized {
				progress(tui.Progress{Finalized: &tui.Chain{Name: name, Block: uint64(ev.Number), Hash: ev.Hash.String(), Verified: true},
					Peers: e.light.Peers()})
			}
			return ctx.Err() == nil
		})
	}()
}

// alive asks the chain for a value of block at that no one has read: a
// light client answers heads (and values it read before) from what it
// holds, so only a read that travels says whether its endpoint or peers
// still answer. The key (under a prefix no pallet uses) has no value;
// the proof of its absence is small.
func alive(ctx context.Context, e *chainEnv, at chainclient.Hash) error {
	p := hash.Twox128([]byte("ksm tui liveness"))
	key := append(p[:], make([]byte, 8)...)
	binary.LittleEndian.PutUint64(key[16:], uint64(time.Now().UnixNano()))
	_, _, err := e.sess.Chain.Storage(ctx, key, at)
	return err
}

// reopen opens the first chain again after it stopped answering (as
// Connect did) and closes the old one; the dashboard calls Header, and so
// this, with a growing wait until it works.
func (b *tuiBackend) reopen(ctx context.Context, old *chainEnv) (*chainEnv, error) {
	e, err := openChainSync(ctx, b.f, nil)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	if b.env != old {
		// Another read reopened it first.
		cur := b.env
		b.mu.Unlock()
		e.Close()
		return cur, nil
	}
	b.env = e
	progress := b.progress
	b.mu.Unlock()
	old.Close()
	b.follow(ctx, e, progress)
	return e, nil
}

// reopenHost opens a host chain again after it stopped answering.
func (b *tuiBackend) reopenHost(ctx context.Context, old *chainEnv) (*chainEnv, error) {
	b.mu.Lock()
	var name string
	for n, x := range b.hosts {
		if x == old {
			name = n
		}
	}
	open := b.hostOpen[name]
	b.mu.Unlock()
	if open == nil {
		return nil, errors.New("cannot be opened again")
	}
	x, err := open(ctx)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.hosts[name] = x
	for i := range b.hostList {
		if b.hostList[i] == old {
			b.hostList[i] = x
		}
	}
	b.mu.Unlock()
	old.Close()
	return x, nil
}

func (b *tuiBackend) Header(ctx context.Context) (tui.Header, error) {
	e, err := b.chainEnv()
	if err != nil {
		return tui.Header{}, err
	}
	hd := tui.Header{Peers: -1}
	if net, err := b.f.Network(); err == nil {
		hd.Network = net.Name
	}
	head, err := e.head(ctx)
	if err == nil {
		err = alive(ctx, e, head.Hash)
	}
	if err != nil {
		if ctx.Err() != nil || b.progress == nil {
			return hd, err
		}
		if le := e.light; le != nil && le.Mode == "p2p" {
			// The light client finds peers again by itself.
			return hd, err
		}
		// The endpoint stopped answering: open the chain again.
		ne, oerr := b.reopen(ctx, e)
		if oerr != nil {
			return hd, fmt.Errorf("%w (opening it again: %v)", err, oerr)
		}
		e = ne
		if head, err = e.head(ctx); err != nil {
			return hd, err
		}
	}
	hd.Chains = []tui.Chain{{Name: e.sess.ChainName(), Block: head.Number, Hash: head.Hash.String(), Verified: e.sess.Chain.Verified()}}
	for _, x := range b.envs()[1:] {
		h, err := x.head(ctx)
		if err != nil && ctx.Err() == nil {
			if nx, oerr := b.reopenHost(ctx, x); oerr == nil {
				x = nx
				h, err = x.head(ctx)
			}
		}
		if err != nil {
			return hd, fmt.Errorf("%s: %w", x.sess.ChainName(), err)
		}
		hd.Chains = append(hd.Chains, tui.Chain{Name: x.sess.ChainName(), Block: h.Number, Hash: h.Hash.String(), Verified: x.sess.Chain.Verified()})
	}
	if le := e.light; le != nil {
		hd.Mode = le.Mode
		hd.Peers = le.Peers()
		if le.Age != nil {
			hd.CheckpointAge, hd.Warning = le.Age.Age, le.Age.Warning
		}
	}
	return hd, nil
}

// account is a key's account id.
func tuiAccount(k tui.Key) ([32]byte, error) {
	pub, err := hex.DecodeString(strings.TrimPrefix(k.PublicKey, "0x"))
	if err != nil {
		return [32]byte{}, err
	}
	sc, err := keys.ParseScheme(k.Scheme)
	if err != nil {
		return [32]byte{}, err
	}
	return keys.AccountID(sc, pub), nil
}

// Balances reads each key's balance on the open chain (one row per chain;
// the total sums free and reserved).
func (b *tuiBackend) Balances(ctx context.Context, list []tui.Key) ([]tui.Account, error) {
	envs := b.envs()
	if len(envs) == 0 {
		return nil, errors.New("the chain is not open yet")
	}
	var out []tui.Account
	for _, k := range list {
		a := tui.Account{Key: k}
		id, err := tuiAccount(k)
		if err != nil {
			a.Err = err.Error()
			out = append(out, a)
			continue
		}
		total, summable := new(big.Int), true
		first := envs[0].sess.Token
		for _, e := range envs {
			s := e.sess
			cb := tui.ChainBalance{Chain: s.ChainName(), Verified: s.Chain.Verified()}
			bal, err := s.Balance(ctx, id)
			if err != nil {
				if ctx.Err() != nil {
					return out, err
				}
				cb.Err = err.Error()
				summable = false
			} else {
				cb.Block = bal.Block.Number
				cb.Free, cb.Reserved = s.FormatAmount(bal.Free), s.FormatAmount(bal.Reserved)
				cb.Frozen, cb.Transferable = s.FormatAmount(bal.Frozen), s.FormatAmount(bal.Transferable)
				for _, l := range bal.Locks {
					cb.Locks = append(cb.Locks, fmt.Sprintf("%s %s (%s)", l.ID, s.FormatAmount(l.Amount), l.Reasons))
				}
				if s.Token.Symbol != first.Symbol || s.Token.Decimals != first.Decimals {
					summable = false
				}
				total.Add(total, nz(bal.Free))
				total.Add(total, nz(bal.Reserved))
			}
			a.Balances = append(a.Balances, cb)
		}
		if summable {
			a.Total = envs[0].sess.FormatAmount(total)
		}
		out = append(out, a)
	}
	return out, nil
}

func (b *tuiBackend) Staking(ctx context.Context, k tui.Key) (*tui.Staking, error) {
	s, err := b.session("Staking")
	if err != nil {
		return nil, err
	}
	out := &tui.Staking{Chain: s.ChainName(), Verified: s.Chain.Verified()}
	if err := s.Route("Staking"); err != nil {
		out.Note = err.Error()
		return out, nil
	}
	st, err := tuiStakeStatus(ctx, s, k, app.StakeStatusOptions{})
	if err != nil {
		return nil, err
	}
	out.Block = st.Block.Number
	out.Bonded = st.Bonded
	if !st.Bonded {
		out.Note = k.Name + " has nothing bonded: b bonds."
		return out, nil
	}
	out.Stash, out.Controller = s.Account(st.Stash), s.Account(st.Controller)
	out.Total, out.Active, out.Withdrawable = s.FormatAmount(st.Total), s.FormatAmount(st.Active), s.FormatAmount(st.Withdrawable)
	out.Payee, out.CurrentEra, out.ActiveEra = st.PayeeText, st.CurrentEra, st.ActiveEra
	out.Pending = "not computed here (ksm stake status --rewards)"
	for _, u := range st.Unlocking {
		when := fmt.Sprintf("in %d eras", u.ErasLeft)
		if u.Remaining > 0 {
			when = "in " + app.HumanDuration(u.Remaining) + " (" + time.Now().Add(u.Remaining).UTC().Format("Jan 2 15:04 UTC") + ")"
		}
		out.Unlocking = append(out.Unlocking, tui.Unlocking{Amount: s.FormatAmount(u.Value), Era: u.Era, When: when, Withdrawable: u.Withdrawable})
	}
	for _, n := range st.Nominations {
		state := "waiting"
		switch {
		case n.Active:
			state = "active"
		case n.Elected:
			state = "elected"
		}
		out.Nominations = append(out.Nominations, tui.Nomination{Validator: s.Account(n.Validator), Commission: app.PerbillPercent(n.Commission), State: state, Blocked: n.Blocked})
	}
	return out, nil
}

// Validators lists Staking.Validators with their commission and blocked
// flag (the stakes and points are not read here yet).
func (b *tuiBackend) Validators(ctx context.Context) ([]tui.Validator, error) {
	s, err := b.routed("Staking")
	if err != nil {
		return nil, err
	}
	h, rt, err := s.HeadRuntime(ctx)
	if err != nil {
		return nil, err
	}
	var out []tui.Validator
	err = s.Iterate(ctx, rt, h.Hash, "Staking", "Validators", nil, func(parts []storageKeyPart, v any) error {
		if len(parts) == 0 || !parts[len(parts)-1].HasValue {
			return nil
		}
		id, ok := accountOfValue(parts[len(parts)-1].Value)
		if !ok {
			return nil
		}
		c := app.BigAt(v, "commission")
		blocked, _ := app.Get(v, "blocked").(bool)
		val := tui.Validator{Address: s.Account(id), Blocked: blocked, Verified: s.Chain.Verified(), OwnText: "?", TotalText: "?"}
		if c != nil {
			val.Commission = c.Uint64()
		}
		out = append(out, val)
		return nil
	})
	if err != nil {
		return out, err
	}
	// The active era's exposures (own and total stake; elected) and era
	// points, where the runtime has them.
	_, active, _, eerr := s.Eras(ctx, rt, h.Hash)
	if eerr != nil {
		return out, nil
	}
	idx := map[string]int{}
	for i, v := range out {
		idx[v.Address] = i
	}
	perPage, _, havePerPage := app.RewardedPerPage(rt)
	_ = s.Iterate(ctx, rt, h.Hash, "Staking", "ErasStakersOverview", []any{active}, func(parts []storageKeyPart, v any) error {
		if len(parts) == 0 || !parts[len(parts)-1].HasValue {
			return nil
		}
		id, ok := accountOfValue(parts[len(parts)-1].Value)
		if !ok {
			return nil
		}
		i, ok := idx[s.Account(id)]
		if !ok {
			return nil
		}
		own, total := app.BigAt(v, "own"), app.BigAt(v, "total")
		out[i].Elected = true
		if n := app.BigAt(v, "nominator_count"); n != nil && n.IsUint64() {
			out[i].Nominators = int(n.Uint64())
			if havePerPage {
				out[i].Rewarded = int(perPage)
				out[i].Oversubscribed = n.Uint64() > perPage
			}
		}
		if own != nil {
			out[i].OwnText = s.FormatAmount(own)
			out[i].OwnStake, _ = new(big.Float).SetInt(own).Float64()
		}
		if total != nil {
			out[i].TotalText = s.FormatAmount(total)
			out[i].TotalStake, _ = new(big.Float).SetInt(total).Float64()
		}
		return nil
	})
	if pts, found, err := s.Read(ctx, rt, h.Hash, "Staking", "ErasRewardPoints", active); err == nil && found {
		for _, kv := range app.Pairs(app.Get(pts, "individual")) {
			if id, ok := accountOfValue(kv[0]); ok {
				if i, ok := idx[s.Account(id)]; ok {
					if b, err := value.BigInt(kv[1]); err == nil {
						out[i].Points = uint32(b.Uint64())
					}
				}
			}
		}
	}
	return out, nil
}

func (b *tuiBackend) Referenda(ctx context.Context) ([]tui.Referendum, error) {
	s, err := b.session("Referenda")
	if err != nil {
		return nil, err
	}
	g, err := s.Gov(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.Referenda(ctx, g, true)
	if err != nil {
		return nil, err
	}
	var out []tui.Referendum
	for _, r := range list {
		t := tui.Referendum{Index: r.Index, Track: r.TrackName, Phase: r.Phase, Passing: r.Passing, Verified: s.Chain.Verified(),
			Ayes: s.FormatAmount(nz(r.Ayes)), Nays: s.FormatAmount(nz(r.Nays)),
			Approval: perbill(r.Approval), NeedApproval: perbill(r.NeedApproval), Support: perbill(r.SupportFraction), NeedSupport: perbill(r.NeedSupport)}
		if end := r.End; end > g.At.Number {
			t.TimeLeft = "~" + app.HumanDuration(time.Duration(end-g.At.Number)*6*time.Second)
		} else if r.ConfirmingEnd > g.At.Number {
			t.TimeLeft = "confirms in ~" + app.HumanDuration(time.Duration(r.ConfirmingEnd-g.At.Number)*6*time.Second)
		}
		if r.Proposal != nil {
			if call, _, err := s.ProposalCall(ctx, g, r.Proposal); err == nil && call != nil {
				pb, _ := json.MarshalIndent(call, "", "  ")
				t.Proposal = string(pb)
			} else {
				pb, _ := json.MarshalIndent(r.Proposal, "", "  ")
				t.Proposal = string(pb)
			}
		}
		out = append(out, t)
	}
	return out, nil
}

func perbill(p int64) string { return strconv.FormatFloat(float64(p)/1e7, 'f', 2, 64) + "%" }

func (b *tuiBackend) Claim(ctx context.Context, ethAddr string, k tui.Key) (*tui.Claim, error) {
	s, err := b.routed("Claims")
	if err != nil {
		return nil, err
	}
	raw, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(ethAddr), "0x"))
	if err != nil || len(raw) != 20 {
		return nil, app.Usagef("%q is not an Ethereum address (0x and 40 hex digits)", ethAddr)
	}
	var addr [20]byte
	copy(addr[:], raw)
	rt, err := s.Latest(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.ClaimStatus(ctx, rt, addr)
	if err != nil {
		return nil, err
	}
	c := &tui.Claim{EthAddress: st.EthAddress, Verified: s.Chain.Verified()}
	if st.Amount == nil {
		c.Lines = append(c.Lines, "  no claim")
	} else {
		c.Lines = append(c.Lines, "  claimable "+s.FormatAmount(st.Amount))
	}
	if v := st.Vesting; v != nil {
		c.Lines = append(c.Lines, fmt.Sprintf("  vesting %s locked, %s per block from #%d", s.FormatAmount(v.Locked), s.FormatAmount(v.PerBlock), v.StartingBlock))
	}
	if st.Statement != "" {
		c.Lines = append(c.Lines, "  statement "+st.Statement)
	}
	for _, p := range st.PreclaimedBy {
		c.Lines = append(c.Lines, "  preclaimed by "+p+" (attest to finish)")
	}
	if id, err := tuiAccount(k); err == nil && k.Name != "" {
		if prefix, err := app.ClaimPrefix(rt); err == nil {
			var stmt []byte
			if st.Statement != "" {
				stmt, _, _ = app.StatementText(st.Statement)
			}
			c.Message = string(app.ClaimMessage(prefix, id, stmt))
		}
	}
	return c, nil
}

func (b *tuiBackend) Paras(ctx context.Context, ids []uint32) ([]tui.Para, error) {
	s, err := b.session("Registrar")
	if err != nil {
		return nil, err
	}
	rt, err := s.Latest(ctx)
	if err != nil {
		return nil, err
	}
	var out []tui.Para
	for _, id := range ids {
		st, err := s.ParaStatus(ctx, rt, id)
		if err != nil {
			return out, err
		}
		out = append(out, paraView(s, st))
	}
	return out, nil
}

// Activity lists the pending transactions of every key on this machine.
func (b *tuiBackend) Activity(ctx context.Context) ([]tui.Tx, error) {
	ks, err := b.Keys(ctx)
	if err != nil {
		return nil, err
	}
	var out []tui.Tx
	for _, e := range b.envs() {
		for _, k := range ks {
			id, err := tuiAccount(k)
			if err != nil {
				continue
			}
			list, err := e.sess.Nonces.Pending(e.sess.NonceGenesis(), id)
			if err != nil {
				return out, err
			}
			for _, p := range list {
				out = append(out, tui.Tx{Chain: e.sess.ChainName(), Account: k.Name, Nonce: p.Nonce, Hash: p.Hash, Status: fmt.Sprintf("pending (era ends #%d)", p.Death)})
			}
		}
	}
	return out, nil
}

// The dashboard's staking, pool and governance actions by verb; each is
// given the input its form's fields make (tuiPlan).
var (
	tuiStakePlans = map[string]func(app.Keyring, app.StakeInput) (*app.Plan, error){
		"stake bond": app.PlanStakeBond, "stake bond-extra": app.PlanStakeBondExtra, "stake unbond": app.PlanStakeUnbond,
		"stake rebond": app.PlanStakeRebond, "stake withdraw": app.PlanStakeWithdraw, "stake chill": app.PlanStakeChill,
		"stake payee": app.PlanStakePayee, "stake payout": app.PlanStakePayout, "stake nominate": app.PlanStakeNominate,
	}
	tuiPoolPlans = map[string]func(app.Keyring, app.PoolInput) (*app.Plan, error){
		"pool join": app.PlanPoolJoin, "pool bond-extra": app.PlanPoolBondExtra, "pool claim": app.PlanPoolClaim,
		"pool unbond": app.PlanPoolUnbond, "pool withdraw": app.PlanPoolWithdraw,
	}
	tuiGovPlans = map[string]func(app.Keyring, app.GovInput) (*app.Plan, error){
		"gov vote": app.PlanGovVote, "gov remove-vote": app.PlanGovRemoveVote, "gov delegate": app.PlanGovDelegate,
		"gov undelegate": app.PlanGovUndelegate, "gov unlock": app.PlanGovUnlock,
	}
)

// plan turns an action into the app plan the matching command makes.
func tuiPlan(kr app.Keyring, a tui.Action) (*app.Plan, error) {
	sg := app.Signing{From: a.From, Options: app.DefaultTxOptions()}
	f := a.Fields
	amountAll := func() (string, bool) {
		if strings.EqualFold(f["amount"], "all") {
			return "", true
		}
		return f["amount"], false
	}
	if plan, ok := tuiStakePlans[a.Verb]; ok {
		// The dashboard pays out every unclaimed era (stake payout --all).
		return plan(kr, app.StakeInput{Signing: sg, Amount: f["amount"], Payee: f["payee"], Targets: a.Targets, All: a.Verb == "stake payout"})
	}
	if plan, ok := tuiPoolPlans[a.Verb]; ok {
		return plan(kr, app.PoolInput{Signing: sg, Pool: f["pool"], Amount: f["amount"]})
	}
	if plan, ok := tuiGovPlans[a.Verb]; ok {
		conv := f["conviction"]
		return plan(kr, app.GovInput{Signing: sg, Referendum: f["referendum"], Direction: f["direction"], Amount: f["amount"],
			SplitAye: f["aye"], SplitNay: f["nay"], Track: f["track"], Target: f["to"], Conviction: conv, ConvictionSet: conv != "" && conv != "none"})
	}
	switch a.Verb {
	case "transfer":
		amt, all := amountAll()
		return app.PlanTransfer(kr, app.TransferInput{Signing: sg, To: f["to"], Amount: amt, All: all})
	case "claim attest":
		return app.PlanClaimAttest(kr, app.ClaimAttestInput{Signing: sg})
	case "para reserve":
		return app.PlanParaReserve(kr, app.ParaInput{Signing: sg})
	case "para register":
		return app.PlanParaRegister(kr, app.ParaInput{Signing: sg, ID: f["id"], GenesisHeadFile: f["head"], ValidationCodeFile: f["code"]})
	}
	return nil, app.Usagef("unknown action %q", a.Verb)
}

// Run plans the action and runs it through app.Execute, asking the
// dashboard.
func (b *tuiBackend) Run(ctx context.Context, a tui.Action, ask tui.Asker) (*tui.Result, error) {
	if a.Verb == "claim" {
		return b.runClaim(ctx, a, ask)
	}
	first, err := b.chainEnv()
	if err != nil {
		return nil, err
	}
	plan, err := tuiPlan(first.store, a)
	if err != nil {
		return nil, err
	}
	pallet := plan.Pallet
	if pallet == "" {
		pallet = verbPallet(a.Verb)
	}
	e, err := b.envFor(pallet)
	if err != nil {
		return nil, err
	}
	res, err := app.Execute(ctx, e.sess, e.store, plan, &tuiAsker{e: e, ask: ask})
	if err != nil {
		return nil, executeErr(err)
	}
	switch {
	case res.Nothing != "":
		return &tui.Result{Success: true, Lines: []string{res.Nothing}, Verified: e.sess.Chain.Verified()}, nil
	case res.Outcome == nil:
		return &tui.Result{Success: true, Lines: []string{"nothing was sent"}}, nil
	}
	return outcomeResult(e.sess, res.Outcome), nil
}

func outcomeResult(s *app.Session, out *app.Outcome) *tui.Result {
	r := &tui.Result{Success: out.Success, Hash: out.ExtrinsicHash.String(), Verified: out.Verified}
	r.Lines = append(r.Lines, "transaction "+out.ExtrinsicHash.String(), fmt.Sprintf("in block #%d %s", out.BlockNumber, out.BlockHash))
	if out.Fee != nil {
		r.Lines = append(r.Lines, "fee paid "+s.FormatAmount(out.Fee))
	}
	if out.Error != nil {
		r.Lines = append(r.Lines, "error "+out.Error.Error())
	}
	for _, ev := range out.Events {
		fb, _ := json.Marshal(ev.Fields)
		r.Lines = append(r.Lines, fmt.Sprintf("%s.%s %s", ev.Pallet, ev.Name, fb))
	}
	return r
}

// tuiAsker is app.Asker on the dashboard.
type tuiAsker struct {
	e   *chainEnv
	ask tui.Asker
}

func (a *tuiAsker) review(r *app.Review) tui.Review {
	s, p := a.e.sess, r.Prepared
	if p == nil && r.Unsigned != nil {
		return unsignedReview(s, r)
	}
	if p == nil {
		return tui.Review{Title: r.Title, Details: r.Details, Chain: s.ChainName(), Warnings: r.Warnings, Verified: s.Chain.Verified()}
	}
	out := tui.Review{Title: r.Title, Details: r.Details, From: s.Account(p.From) + " (key " + r.Key.Name + ")",
		Chain:    fmt.Sprintf("%s (%s %d)", s.ChainName(), p.Runtime.Version.SpecName, p.Runtime.Version.SpecVersion),
		Warnings: r.Warnings, Verified: s.Chain.Verified()}
	if r.Acting != nil {
		out.Acting = actingText(s, r.Acting, p.From, r.Key.Name)
	}
	cb, _ := json.MarshalIndent(p.Call, "", "  ")
	out.Call = string(cb)
	if p.Fee != nil {
		out.Fee = "about " + s.FormatAmount(p.Fee)
	} else {
		out.Fee = fmt.Sprintf("unknown (%v)", p.FeeErr)
	}
	if p.Balance != nil {
		out.Before = s.FormatAmount(p.Balance.Free) + " free"
		switch {
		case p.SpendAll:
			out.After = "everything transferable leaves"
		case p.After != nil:
			out.After = "about " + s.FormatAmount(p.After) + " (−" + s.FormatAmount(p.Total()) + ")"
		}
	}
	if d := p.DryRun; d != nil {
		out.DryRun = "succeeds"
		if d.Error != nil {
			out.DryRun = fmt.Sprintf("FAILS with %v", d.Error)
		}
	}
	return out
}

func (a *tuiAsker) Reviewed(r *app.Review) { a.ask.Reviewed(a.review(r)) }

func (a *tuiAsker) Status(st chainclient.Status) {
	t := st.Kind.Describe()
	if st.Block != (chainclient.Hash{}) {
		t += " " + st.Block.String()
	}
	a.ask.Status(t)
}

func (a *tuiAsker) Warn(msg string) { a.ask.Warn(msg) }

func (a *tuiAsker) Confirm(ctx context.Context, r *app.Review) (bool, error) {
	return a.ask.Confirm(ctx, a.review(r))
}

func (a *tuiAsker) Password(ctx context.Context, key app.KeyRef) ([]byte, error) {
	return a.ask.Password(ctx, key.Name)
}

func (b *tuiBackend) NewMnemonic() (string, error) { return keys.NewMnemonic(12) }

// CreateKey stores the key of a new phrase (NewMnemonic): a phrase is a
// secret URI, imported as ImportKey does.
func (b *tuiBackend) CreateKey(ctx context.Context, name, mnemonic string, password []byte) error {
	return b.ImportKey(ctx, name, mnemonic, password)
}

// ImportKey imports a secret URI, or the polkadot-js JSON file secret
// names (its password is the key's password).
func (b *tuiBackend) ImportKey(ctx context.Context, name, secret string, password []byte) error {
	defer wipeBytes(password)
	st, _, err := b.store()
	if err != nil {
		return err
	}
	if err := keystore.CheckName(name); err != nil {
		return err
	}
	if strings.HasSuffix(strings.ToLower(secret), ".json") {
		raw, err := os.ReadFile(secret)
		if err != nil {
			return err
		}
		_, err = st.Import(name, raw, password, nil)
		return err
	}
	pair, err := keys.FromURI(secret, keys.Sr25519)
	if err != nil {
		return err
	}
	defer pair.Wipe()
	_, err = st.Add(name, pair, password, nil)
	return err
}

func (b *tuiBackend) RenameKey(ctx context.Context, from, to string) error {
	st, _, err := b.store()
	if err != nil {
		return err
	}
	_, err = st.Rename(from, to)
	return err
}

func (b *tuiBackend) RemoveKey(ctx context.Context, name string) error {
	st, _, err := b.store()
	if err != nil {
		return err
	}
	return st.Remove(name)
}

// Copy writes the OSC 52 sequence that puts text on the clipboard of the
// terminal (and through tmux and screen).
func (b *tuiBackend) Copy(text string) error {
	seq := osc52.New(text)
	if os.Getenv("TMUX") != "" {
		seq = seq.Tmux()
	} else if strings.HasPrefix(os.Getenv("TERM"), "screen") {
		seq = seq.Screen()
	}
	_, err := seq.WriteTo(b.out)
	return err
}

// runTUI opens the dashboard (ksm tui, or ksm with no arguments on a
// terminal). What the backend would write on stderr goes to the
// dashboard's status line while it runs.
func runTUI(ctx context.Context, f *Factory) error {
	net, err := f.Network()
	if err != nil {
		return err
	}
	sink := &logSink{}
	saved := f.IO.ErrOut
	f.IO.ErrOut = sink
	defer func() { f.IO.ErrOut = saved }()
	be := &tuiBackend{f: f, out: f.IO.Out, log: sink}
	defer be.closeAll()
	return tui.Run(ctx, tui.Options{Backend: be, Network: net.Name}, f.IO.In, f.IO.Out)
}

type storageKeyPart = storage.KeyPart

// accountOfValue reads an AccountId key part (SS58 or 0x-hex).
func accountOfValue(v any) ([32]byte, bool) {
	s, ok := v.(string)
	if !ok {
		return [32]byte{}, false
	}
	if strings.HasPrefix(s, "0x") {
		b, err := hex.DecodeString(s[2:])
		if err != nil || len(b) != 32 {
			return [32]byte{}, false
		}
		var id [32]byte
		copy(id[:], b)
		return id, true
	}
	id, _, err := ss58.DecodeAccountID(s)
	return id, err == nil
}
