package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
)

// connectTimeout bounds reaching the network: bootnodes or the endpoint.
const connectTimeout = 30 * time.Second

// lightTestStart, when set by tests, replaces the network's genesis and
// checkpoint with those of a generated chain.
var lightTestStart func() (header.Hash, *chainspec.Checkpoint)

// lightTestP2P, when set by tests, adjusts the libp2p configuration (to
// allow loopback addresses, say) and returns the bootnodes to use instead of
// the network's.
var lightTestP2P func(cfg *p2p.Config) (bootnodes []string)

// lightEnv is a started light client (or, with --trust-rpc on an endpoint
// that cannot prove anything, only the endpoint).
type lightEnv struct {
	f       *Factory
	net     Network
	mode    string // "p2p", "rpc" or "trusted-rpc"
	genesis header.Hash
	client  *lightclient.Client
	rpc     *rpc.Client
	age     *chainspec.Age
	policy  chainspec.AgePolicy
	// para, when set, is the parachain read through the relay client (a
	// parachain network, or --para with --para-rpc).
	para *paraEnv
}

func (e *lightEnv) verified() bool { return e.client != nil }

func (e *lightEnv) Close() {
	if e.client != nil {
		if err := e.client.SaveError(); err != nil {
			e.f.Warnf("the verified state could not be saved: %v", err)
		}
		_ = e.client.Close()
	} else if e.rpc != nil {
		_ = e.rpc.Close()
	}
}

// openLight starts the light client of the active network: over --rpc in
// verified mode, else over libp2p from the chain spec's bootnodes. It fails
// with exit 5 when nothing is reachable within connectTimeout and exit 3 when
// the endpoint cannot prove its answers (unless --trust-rpc: then only the
// endpoint is opened, in the "trusted-rpc" mode, with a warning).
//
// On a parachain network (kusama-asset-hub, ...) the light client follows
// the relay chain (over libp2p, or --relay-rpc URL) and reads the parachain
// through it: --rpc is then the parachain's endpoint, whose storage proofs
// are checked against the para head the relay chain proves; without --rpc
// the parachain's own libp2p network serves them.
func openLight(ctx context.Context, f *Factory) (*lightEnv, error) {
	return openLightWith(ctx, f, lightOpts{})
}

// lightOpts add sources to the light client.
type lightOpts struct {
	// paraRPC is a JSON-RPC endpoint of parachain paraID: its storage
	// proofs are checked against the para head the relay chain proves.
	paraRPC string
	paraID  uint32
}

// lightTestPara, when set by tests, replaces a parachain network's genesis
// (the generated para chain's).
var lightTestPara func() header.Hash

// lightTestParaP2P, when set by tests, adjusts the libp2p configuration of
// the parachain host and returns the parachain bootnodes to use.
var lightTestParaP2P func(cfg *p2p.Config) (bootnodes []string)

// paraEnv is the parachain a lightEnv reads through the relay chain.
type paraEnv struct {
	id uint32
	// genesis is the parachain's genesis (zero for --para ID on a relay
	// network: it is then not known).
	genesis header.Hash
	// source says where its storage proofs come from: "rpc" or "p2p".
	source string
	// rpc is the parachain endpoint (source "rpc"), owned by the client.
	rpc *rpc.Client
	// name is its display name ("Kusama Asset Hub", "parachain 2000").
	name string
}

// isParaNetwork reports whether the active network is a parachain of an
// embedded relay chain.
func isParaNetwork(n Network) bool { return n.Profile != nil && !n.Profile.IsRelay() }

// checkGenesis fails with exit 3 when the endpoint's block 0 is not want
// (an endpoint that does not say is left to the proofs to judge).
func checkGenesis(ctx context.Context, rc *rpc.Client, shown string, want header.Hash) error {
	if g, err := rc.BlockHash(ctx, 0); err == nil && header.Hash(g) != want {
		return app.Unverified(fmt.Errorf("%s serves another chain (genesis %s, want %s)", shown, header.Hash(g), want))
	}
	return nil
}

// networkGenesis is the genesis the active relay network names, nil for a
// chain-spec file of no embedded network.
func networkGenesis(n Network) *header.Hash {
	if lightTestStart != nil {
		g, _ := lightTestStart()
		return &g
	}
	if n.Profile == nil {
		return nil
	}
	return &n.Profile.GenesisHash
}

// checkTrustedGenesis checks the genesis of an endpoint trusted with
// --trust-rpc, where no proof will: it must say its block 0, and that must
// be want or no embedded network's (a development chain, accepted with a
// warning), never another real network's (exit 3), so that nothing signed in
// trusted mode is valid on a network the user did not name.
func checkTrustedGenesis(ctx context.Context, f *Factory, rc *rpc.Client, shown string, want *header.Hash) error {
	g, err := rc.BlockHash(ctx, 0)
	var rerr *rpc.Error
	switch {
	case errors.As(err, &rerr):
		return app.Unverified(fmt.Errorf("%s does not tell its genesis (chain_getBlockHash 0: %w); --trust-rpc needs it to know the chain", shown, err))
	case err != nil:
		return app.Unreachable(fmt.Errorf("%s: genesis: %w", shown, err))
	case g == rpc.Hash{}:
		return app.Unverified(fmt.Errorf("%s does not tell its genesis (chain_getBlockHash 0 is null); --trust-rpc needs it to know the chain", shown))
	}
	got := header.Hash(g)
	if want != nil && got == *want {
		return nil
	}
	for _, p := range chainspec.Profiles() {
		if p.GenesisHash == got {
			return app.Unverified(fmt.Errorf("%s serves another chain (genesis %s, %s's); --trust-rpc accepts endpoints that cannot prove, not another network", shown, got, p.Name))
		}
	}
	f.Warnf("--trust-rpc: %s is a development chain (genesis %s, no embedded network's)", shown, got)
	return nil
}

// openLightWith is openLight with extra sources.
func openLightWith(ctx context.Context, f *Factory, o lightOpts) (*lightEnv, error) {
	n, err := f.Network()
	if err != nil {
		return nil, err
	}
	if err := f.checkEndpoints(); err != nil {
		return nil, err
	}
	if f.beforeNetwork != nil {
		if err := f.beforeNetwork(); err != nil {
			return nil, err
		}
	}
	if o.paraRPC != "" {
		if err := checkEndpointURL(o.paraRPC); err != nil {
			return nil, app.Usagef("--para-rpc %s: %v", redactRPC(o.paraRPC), err)
		}
	}
	e := &lightEnv{f: f, net: n}
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	onPara := isParaNetwork(n)
	relayURL, paraURL := f.Opts.RPC, o.paraRPC
	if onPara {
		if o.paraRPC != "" {
			return nil, app.Usagef("on %s, --rpc is the parachain's endpoint; --para-rpc is for --para reads on a relay network", n.Name)
		}
		relayURL, paraURL = f.Opts.RelayRPC, f.Opts.RPC
		e.para = &paraEnv{id: n.Profile.ParaID, genesis: n.Profile.GenesisHash, name: n.Profile.DisplayName}
		if lightTestPara != nil {
			e.para.genesis = lightTestPara()
		}
	} else {
		if f.Opts.RelayRPC != "" {
			return nil, app.Usagef("--relay-rpc is for parachain networks (such as kusama-asset-hub); on %s, --rpc is the endpoint", n.Name)
		}
		if paraURL != "" {
			e.para = &paraEnv{id: o.paraID, name: fmt.Sprintf("parachain %d", o.paraID)}
		}
	}
	// Closers of what was opened so far, for failures.
	var opened []func()
	fail := func(err error) (*lightEnv, error) {
		for i := len(opened) - 1; i >= 0; i-- {
			opened[i]()
		}
		return nil, err
	}
	// The parachain endpoint first: with --trust-rpc one that cannot prove
	// anything is used on its own.
	var prc *rpc.Client
	if onPara && paraURL != "" {
		shown := redactRPC(paraURL)
		prc, err = rpc.Dial(cctx, paraURL)
		if err != nil {
			return nil, app.Unreachable(fmt.Errorf("connect to %s: %w", shown, err))
		}
		if err := lightclient.CheckProvable(cctx, prc, true); err != nil {
			if errors.Is(err, lightclient.ErrUnprovable) && f.Opts.TrustRPC {
				if err := checkTrustedGenesis(cctx, f, prc, shown, &e.para.genesis); err != nil {
					_ = prc.Close()
					return nil, err
				}
				f.Warnf("--trust-rpc: %s cannot prove its answers; what is shown is what it claims, not verified", shown)
				e.mode, e.rpc, e.para = "trusted-rpc", prc, nil
				return e, nil
			}
			_ = prc.Close()
			if errors.Is(err, lightclient.ErrUnprovable) {
				return nil, app.Unverified(fmt.Errorf("%s endpoint %s: %w; --trust-rpc accepts its answers unverified (development chains only)", n.Profile.DisplayName, shown, err))
			}
			return nil, app.Unreachable(fmt.Errorf("%s endpoint %s: %w", n.Profile.DisplayName, shown, err))
		}
		opened = append(opened, func() { _ = prc.Close() })
		if err := checkGenesis(cctx, prc, shown, e.para.genesis); err != nil {
			return fail(err)
		}
	}
	var rc *rpc.Client
	if relayURL != "" {
		url := redactRPC(relayURL)
		rc, err = rpc.Dial(cctx, relayURL)
		if err != nil {
			return fail(app.Unreachable(fmt.Errorf("connect to %s: %w", url, err)))
		}
		if err := lightclient.CheckProvable(cctx, rc, false); err != nil {
			if errors.Is(err, lightclient.ErrUnprovable) && f.Opts.TrustRPC && !onPara {
				if err := checkTrustedGenesis(cctx, f, rc, url, networkGenesis(n)); err != nil {
					_ = rc.Close()
					return fail(err)
				}
				f.Warnf("--trust-rpc: %s cannot prove its answers; what is shown is what it claims, not verified", url)
				e.mode, e.rpc = "trusted-rpc", rc
				return e, nil
			}
			_ = rc.Close()
			if errors.Is(err, lightclient.ErrUnprovable) {
				if onPara {
					return fail(app.Unverified(fmt.Errorf("relay chain endpoint %s: %w; the relay chain proves the parachain's heads, so its endpoint must prove its answers", url, err)))
				}
				return fail(app.Unverified(fmt.Errorf("%s: %w; --trust-rpc accepts its answers unverified (development chains only)", url, err)))
			}
			return fail(app.Unreachable(fmt.Errorf("%s: %w", url, err)))
		}
		opened = append(opened, func() { _ = rc.Close() })
	}
	var (
		cp        *chainspec.Checkpoint
		bootnodes []string
		protoID   string
	)
	if lightTestStart != nil {
		e.genesis, cp = lightTestStart()
	} else {
		p := n.Profile
		if p == nil {
			return fail(app.Usagef("network %s: the light client needs an embedded network (kusama, polkadot, westend, paseo); for a development chain pass --rpc URL --trust-rpc", n.Name))
		}
		p = p.RelayProfile()
		if p.Name != n.Profile.Name {
			f.Infof("following the relay chain %s of %s", p.Name, n.Profile.Name)
		}
		e.genesis, e.policy = p.GenesisHash, p.Age
		if cp, err = p.Checkpoint(); err != nil {
			return fail(fmt.Errorf("network %s: checkpoint: %w", p.Name, err))
		}
		if bootnodes, err = p.BootNodes(); err != nil {
			return fail(fmt.Errorf("network %s: bootnodes: %w", p.Name, err))
		}
		if spec, err := p.Spec(); err == nil {
			protoID = spec.ProtocolID
		}
	}
	home, err := f.HomeDir()
	if err != nil {
		return fail(err)
	}
	var sources []lightclient.Source
	closeSources := func() {
		for _, s := range sources {
			_ = s.Close()
		}
	}
	if rc != nil {
		url := redactRPC(relayURL)
		if err := checkGenesis(cctx, rc, url, e.genesis); err != nil {
			return fail(err)
		}
		e.mode, e.rpc = "rpc", rc
		sources = append(sources, lightclient.NewRPCSource(rc, lightclient.RPCOptions{Name: url}))
	} else {
		cfg := p2p.Config{Genesis: e.genesis, ProtocolID: protoID, DialTimeout: 10 * time.Second}
		if lightTestP2P != nil {
			bootnodes = lightTestP2P(&cfg)
		}
		host, err := p2p.New(cfg)
		if err != nil {
			return fail(fmt.Errorf("start libp2p: %w", err))
		}
		e.mode = "p2p"
		ps := lightclient.NewP2PSource(host, bootnodes)
		ps.Discover = 16
		sources = append(sources, ps)
	}
	// From here the sources own rc; prc is closed by fail until its source
	// owns it too.
	opened = []func(){closeSources}
	if prc != nil {
		opened = append(opened, func() { _ = prc.Close() })
	}
	switch {
	case prc != nil:
		sources = append(sources, lightclient.NewRPCSource(prc, lightclient.RPCOptions{Name: redactRPC(paraURL), Para: true, ParaID: e.para.id}))
		opened = opened[:1]
		e.para.source, e.para.rpc = "rpc", prc
	case onPara:
		src, err := paraP2PSource(n, e.para)
		if err != nil {
			return fail(err)
		}
		sources = append(sources, src)
		e.para.source = "p2p"
	case paraURL != "":
		url := redactRPC(paraURL)
		pc, err := rpc.Dial(cctx, paraURL)
		if err != nil {
			return fail(app.Unreachable(fmt.Errorf("connect to %s: %w", url, err)))
		}
		if err := lightclient.CheckProvable(cctx, pc, true); err != nil {
			_ = pc.Close()
			if errors.Is(err, lightclient.ErrUnprovable) {
				return fail(app.Unverified(fmt.Errorf("parachain endpoint %s: %w", url, err)))
			}
			return fail(app.Unreachable(fmt.Errorf("parachain endpoint %s: %w", url, err)))
		}
		sources = append(sources, lightclient.NewRPCSource(pc, lightclient.RPCOptions{Name: url, Para: true, ParaID: o.paraID}))
		e.para.source, e.para.rpc = "rpc", pc
	}
	cl, err := lightclient.New(lightclient.Config{Genesis: e.genesis, Checkpoint: cp, Home: home, Sources: sources})
	if err != nil {
		return fail(err)
	}
	e.client = cl
	sp := cl.StartPoint()
	if sp.Note != "" {
		f.Warnf("%s", sp.Note)
	}
	if e.policy.SlotDuration > 0 {
		age, err := sp.CheckAge(time.Now(), e.policy, false)
		if err != nil {
			cl.Close()
			return nil, app.Unverified(err)
		}
		e.age = &age
		if age.Warning != "" {
			f.Warnf("%s", age.Warning)
		}
	}
	if err := cl.Start(cctx); err != nil {
		cl.Close()
		return nil, lightErr(e, err)
	}
	return e, nil
}

// paraP2PSource joins the parachain's own libp2p network (its chain spec's
// bootnodes) for the storage proofs of a parachain network without --rpc.
func paraP2PSource(n Network, pe *paraEnv) (lightclient.Source, error) {
	base := p2p.Config{DialTimeout: 10 * time.Second}
	var cfg p2p.Config
	var bootnodes []string
	if lightTestParaP2P != nil {
		cfg = (&lightclient.ParaNetwork{ParaID: pe.id, Genesis: pe.genesis}).HostConfig(base)
		bootnodes = lightTestParaP2P(&cfg)
	} else {
		pn, err := lightclient.ParaNetworkOf(n.Profile)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n.Profile.DisplayName, err)
		}
		cfg, bootnodes = pn.HostConfig(base), pn.Bootnodes
	}
	if len(bootnodes) == 0 {
		return nil, app.Usagef("%s has no bootnodes to reach its own network, which serves its state: pass --rpc URL of a %s endpoint (its proofs are checked against the head the relay chain proves)",
			n.Profile.DisplayName, n.Profile.DisplayName)
	}
	host, err := p2p.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("start libp2p for %s: %w", n.Profile.DisplayName, err)
	}
	ps := lightclient.NewP2PParaSource(host, bootnodes, pe.id)
	ps.Discover = 16
	return ps, nil
}

// syncTimeout bounds the wait for the light client to reach the finalized
// head its peers know, before a command reads anything.
const syncTimeout = 3 * time.Minute

// waitSynced waits until the client synced, drawing a progress bar on a
// terminal's stderr (nothing is drawn elsewhere: stdout stays clean).
func (e *lightEnv) waitSynced(ctx context.Context) error {
	if !e.verified() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	f := e.f
	if !f.IO.IsStderrTTY() {
		return lightErr(e, e.client.WaitSynced(ctx))
	}
	start := e.client.StartPoint().Header.Number
	drawn := false
	defer func() {
		if drawn {
			fmt.Fprintln(f.IO.ErrOut)
		}
	}()
	done := make(chan error, 1)
	go func() { done <- e.client.WaitSynced(ctx) }()
	for {
		select {
		case err := <-done:
			return lightErr(e, err)
		case ev := <-e.client.Events():
			if x, ok := ev.(chainsync.Progress); ok && x.Target > x.Done {
				if !drawn {
					f.Infof("syncing the verified chain (GRANDPA warp sync)…")
				}
				drawn = true
				drawBar(f, progressOf(x.Done, x.Target, start))
			}
		}
	}
}

// lightErr shortens the error of a failed bootnode dial, which lists every
// dial, to its first line; the error keeps its chain (and so its exit code).
func lightErr(e *lightEnv, err error) error {
	if err == nil || !errors.Is(err, p2p.ErrNoBootnode) {
		return err
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i] + " …"
	}
	return fmt.Errorf("light client: no bootnode was reachable for %s within %s: %w", e.net.Name, connectTimeout, errLine{msg, err})
}

// errLine shows a shortened message but keeps the error chain for errors.Is.
type errLine struct {
	msg string
	err error
}

func (e errLine) Error() string { return e.msg }
func (e errLine) Unwrap() error { return e.err }
