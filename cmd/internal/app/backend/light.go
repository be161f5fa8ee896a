// Package backend builds the chain a command uses from a Config: the
// verified light client of a network (over libp2p or a --rpc endpoint that
// proves its answers), a parachain read through its relay chain, or an
// endpoint trusted as it is (--trust-rpc). Test seams (a generated chain's
// start, loopback bootnodes) are fields of Config, so tests run in parallel.
package backend

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/cmd/internal/config"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/store"
)

// Network is the network a command names: its name, token and embedded
// profile (nil for a chain-spec file that is none of them).
type Network struct {
	Name       string
	SS58Prefix uint16
	Decimals   int
	Symbol     string
	Profile    *chainspec.Profile
}

// Hooks are the test seams of a backend; the zero value is production.
type Hooks struct {
	// Start replaces the network's genesis and checkpoint with those of
	// a generated chain.
	Start func() (header.Hash, *chainspec.Checkpoint)
	// P2P adjusts the libp2p configuration (to allow loopback addresses,
	// say) and returns the bootnodes to use instead of the network's.
	P2P func(cfg *p2p.Config) (bootnodes []string)
	// Para replaces a parachain network's genesis.
	Para func() header.Hash
	// ParaP2P adjusts the parachain host's libp2p configuration and
	// returns the parachain bootnodes to use.
	ParaP2P func(cfg *p2p.Config) (bootnodes []string)
	// ParaInclusionTimeout and ParaInclusionPoll bound the wait for the
	// relay chain to prove the parachain block that includes a transaction
	// sent through a parachain endpoint (zero: the defaults).
	ParaInclusionTimeout, ParaInclusionPoll time.Duration
	// Now replaces the clock of the checkpoint age policy.
	Now func() time.Time
}

// Config says which chain to build.
type Config struct {
	Network Network
	// RPC is --rpc: the endpoint (the parachain's on a parachain network);
	// RelayRPC the relay chain's endpoint on a parachain network.
	RPC, RelayRPC string
	// TrustRPC accepts an endpoint that cannot prove its answers.
	TrustRPC bool
	// ParaRPC and ParaID: a parachain endpoint read on a relay network
	// (its proofs checked against the para head the relay chain proves).
	ParaRPC string
	ParaID  uint32
	// Routed says Network is the Asset Hub of a relay network the user
	// named (--network kusama: the relay and its Asset Hub), opened for a
	// command whose pallet lives there: RPC is then --asset-hub-rpc and
	// RelayRPC --rpc. A relay endpoint trusted with --trust-rpc whose
	// genesis is no embedded network's (a development chain, chopsticks)
	// is then the single chain every command goes to (Light.Single).
	Routed bool
	// Home is ksm's data directory (saved state, caches).
	Home string
	// CheckpointFile is --checkpoint: a chain spec whose lightSyncState
	// replaces the embedded checkpoint (the saved state still wins when
	// newer).
	CheckpointFile string
	// AcceptOldCheckpoint is --accept-old-checkpoint: start from a
	// checkpoint past the network's maximum age.
	AcceptOldCheckpoint bool
	// Infof and Warnf receive messages for the user (nil: dropped).
	Infof, Warnf func(format string, args ...any)
	Hooks        Hooks
}

func (c Config) infof(format string, args ...any) {
	if c.Infof != nil {
		c.Infof(format, args...)
	}
}

func (c Config) warnf(format string, args ...any) {
	if c.Warnf != nil {
		c.Warnf(format, args...)
	}
}

// classified marks an error as a network failure (wrapping
// lightclient.ErrUnreachable) or a failed verification (wrapping
// lightclient.ErrVerification) without changing its message.
type classified struct {
	kind error
	err  error
}

func (e *classified) Error() string   { return e.err.Error() }
func (e *classified) Unwrap() []error { return []error{e.kind, e.err} }

func networkErr(err error) error { return &classified{kind: lightclient.ErrUnreachable, err: err} }
func verificationErr(err error) error {
	return &classified{kind: lightclient.ErrVerification, err: err}
}

func inputErrorf(format string, args ...any) error {
	return &app.InputError{Err: fmt.Errorf(format, args...)}
}

// IsInputError reports whether err is something the user gave wrong.
func IsInputError(err error) bool { return app.IsInputError(err) }

// ConnectTimeout bounds reaching the network: bootnodes or the endpoint.
const ConnectTimeout = 30 * time.Second

// Light is a started light client (or, with --trust-rpc on an endpoint
// that cannot prove anything, only the endpoint).
type Light struct {
	cfg Config
	// Mode is "p2p", "rpc" or "trusted-rpc".
	Mode string
	// Genesis is the genesis of the chain the client follows (the relay
	// chain's on a parachain network).
	Genesis header.Hash
	// client is the light client (nil in the "trusted-rpc" mode); commands
	// read the chain through Chain, never through it.
	client *lightclient.Client
	// endpoint is the JSON-RPC endpoint (modes "rpc" and "trusted-rpc").
	endpoint *rpc.Client
	// Age is the start point's age, when the network's policy knows it.
	Age    *chainspec.Age
	policy chainspec.AgePolicy
	// Para, when set, is the parachain read through the relay client (a
	// parachain network, or --para with --para-rpc).
	Para *Para
	// Single says a routed open (Config.Routed) found a development chain
	// behind the relay endpoint: it alone serves every command.
	Single bool
}

// NetworkOf is the Network of an embedded profile.
func NetworkOf(p *chainspec.Profile) Network {
	return Network{Name: p.Name, SS58Prefix: p.SS58Prefix, Decimals: int(p.Decimals), Symbol: p.Symbol, Profile: p}
}

// MultiChain reports whether network n is a relay chain and its Asset
// Hub, each command going to the chain hosting its pallet: an embedded
// relay network with an Asset Hub. Under the test seams a generated relay
// (Hooks.Start) is one only when a generated parachain stands for its
// Asset Hub (Hooks.Para); else it is a single chain, as every endpoint
// whose genesis is not the network's.
func MultiChain(n Network, h Hooks) bool {
	if h.Start != nil && h.Para == nil {
		return false
	}
	return app.IsMultiChain(n.Profile)
}

// Verified reports whether answers are proven (a light client runs).
func (e *Light) Verified() bool { return e.client != nil }

func (e *Light) Close() {
	if e.client != nil {
		if err := e.client.SaveError(); err != nil {
			e.cfg.warnf("the verified state could not be saved: %v", err)
		}
		_ = e.client.Close()
	} else if e.endpoint != nil {
		_ = e.endpoint.Close()
	}
}

// Open starts the light client of the active network: over --rpc in
// verified mode, else over libp2p from the chain spec's bootnodes. It fails
// with exit 5 when nothing is reachable within ConnectTimeout and exit 3 when
// the endpoint cannot prove its answers (unless --trust-rpc: then only the
// endpoint is opened, in the "trusted-rpc" mode, with a warning).
//
// On a parachain network (kusama-asset-hub, ...) the light client follows
// the relay chain (over libp2p, or --relay-rpc URL) and reads the parachain
// through it: --rpc is then the parachain's endpoint, whose storage proofs
// are checked against the para head the relay chain proves; without --rpc
// the parachain's own libp2p network serves them.
func Open(ctx context.Context, cfg Config) (*Light, error) {
	return open(ctx, cfg)
}

// Para is the parachain a Light reads through the relay chain.
type Para struct {
	ID uint32
	// Genesis is the parachain's genesis (zero for --para ID on a relay
	// network: it is then not known).
	Genesis header.Hash
	// Source says where its storage proofs come from: "rpc" or "p2p".
	Source string
	// rpc is the parachain endpoint (source "rpc"), owned by the client.
	rpc *rpc.Client
	// p2p is the parachain's own network (source "p2p"), owned by the
	// client: transactions are sent on it when there is no endpoint.
	p2p *lightclient.P2PParaSource
	// Name is its display name ("Kusama Asset Hub", "parachain 2000").
	Name string
}

// IsParaNetwork reports whether the active network is a parachain of an
// embedded relay chain.
func IsParaNetwork(n Network) bool { return n.Profile != nil && !n.Profile.IsRelay() }

// checkGenesis fails with exit 3 when the endpoint's block 0 is not want
// (an endpoint that does not say is left to the proofs to judge).
func checkGenesis(ctx context.Context, rc *rpc.Client, shown string, want header.Hash) error {
	if g, err := rc.BlockHash(ctx, 0); err == nil && header.Hash(g) != want {
		return verificationErr(fmt.Errorf("%s serves another chain (genesis %s, want %s)", shown, header.Hash(g), want))
	}
	return nil
}

// devParaChain returns an error wrapping lightclient.ErrUnprovable when
// the parachain endpoint's genesis is not want: a development chain
// (chopsticks' Asset Hub beside its relay, --asset-hub-rpc on a relay
// network) whose state no relay-proven head holds, which --trust-rpc then
// uses on its word (checkTrustedGenesis still refuses another real
// network's). nil when it is want or does not say. On a parachain network
// (--network kusama-asset-hub) such an endpoint stays refused: --rpc names
// that network's chain.
func devParaChain(ctx context.Context, rc *rpc.Client, want header.Hash) error {
	if g, err := rc.BlockHash(ctx, 0); err == nil && header.Hash(g) != want {
		return fmt.Errorf("%w: its genesis %s is not the parachain's: no relay-proven head holds its state", lightclient.ErrUnprovable, header.Hash(g))
	}
	return nil
}

// networkGenesis is the genesis the active relay network names, nil for a
// chain-spec file of no embedded network.
func networkGenesis(cfg Config) *header.Hash {
	if cfg.Hooks.Start != nil {
		g, _ := cfg.Hooks.Start()
		return &g
	}
	if cfg.Network.Profile == nil {
		return nil
	}
	return &cfg.Network.Profile.GenesisHash
}

// checkTrustedGenesis checks the genesis of an endpoint trusted with
// --trust-rpc, where no proof will: it must say its block 0, and that must
// be want or no embedded network's (a development chain, accepted with a
// warning), never another real network's (a verification failure), so that
// nothing signed in trusted mode is valid on a network the user did not
// name.
func checkTrustedGenesis(ctx context.Context, cfg Config, rc *rpc.Client, shown string, want *header.Hash) error {
	g, err := rc.BlockHash(ctx, 0)
	var rerr *rpc.Error
	switch {
	case errors.As(err, &rerr):
		return verificationErr(fmt.Errorf("%s does not tell its genesis (chain_getBlockHash 0: %w); --trust-rpc needs it to know the chain", shown, err))
	case err != nil:
		return networkErr(fmt.Errorf("%s: genesis: %w", shown, err))
	case g == rpc.Hash{}:
		return verificationErr(fmt.Errorf("%s does not tell its genesis (chain_getBlockHash 0 is null); --trust-rpc needs it to know the chain", shown))
	}
	got := header.Hash(g)
	if want != nil && got == *want {
		return nil
	}
	for _, p := range chainspec.Profiles() {
		if p.GenesisHash == got {
			return verificationErr(fmt.Errorf("%s serves another chain (genesis %s, %s's); --trust-rpc accepts endpoints that cannot prove, not another network", shown, got, p.Name))
		}
	}
	cfg.warnf("--trust-rpc: %s is a development chain (genesis %s, no embedded network's)", shown, got)
	return nil
}

// openLightWith is openLight with extra sources.
func open(ctx context.Context, cfg Config) (*Light, error) {
	n := cfg.Network
	var err error
	e := &Light{cfg: cfg}
	cctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	onPara := IsParaNetwork(n)
	relayURL, paraURL := cfg.RPC, cfg.ParaRPC
	if onPara {
		if cfg.ParaRPC != "" {
			return nil, inputErrorf("on %s, --rpc is the parachain's endpoint; --para-rpc is for --para reads on a relay network", n.Name)
		}
		relayURL, paraURL = cfg.RelayRPC, cfg.RPC
		e.Para = &Para{ID: n.Profile.ParaID, Genesis: n.Profile.GenesisHash, Name: n.Profile.DisplayName}
		if cfg.Hooks.Para != nil {
			e.Para.Genesis = cfg.Hooks.Para()
		}
	} else {
		if cfg.RelayRPC != "" {
			return nil, inputErrorf("--relay-rpc is for parachain networks (such as kusama-asset-hub); on %s, --rpc is the endpoint", n.Name)
		}
		if paraURL != "" {
			e.Para = &Para{ID: cfg.ParaID, Name: fmt.Sprintf("parachain %d", cfg.ParaID)}
		}
	}
	if cfg.CheckpointFile != "" && (cfg.Hooks.Start != nil || n.Profile == nil) {
		return nil, inputErrorf("--checkpoint is for the embedded networks (kusama, polkadot, westend, paseo and their asset hubs)")
	}
	// Closers of what was opened so far, for failures.
	var opened []func()
	fail := func(err error) (*Light, error) {
		for i := len(opened) - 1; i >= 0; i-- {
			opened[i]()
		}
		return nil, err
	}
	// The parachain endpoint first: with --trust-rpc one that cannot prove
	// anything is used on its own.
	var prc *rpc.Client
	if onPara && paraURL != "" {
		shown := config.RedactURL(paraURL)
		prc, err = rpc.Dial(cctx, paraURL)
		if err != nil {
			return nil, networkErr(fmt.Errorf("connect to %s: %w", shown, err))
		}
		err := lightclient.CheckProvable(cctx, prc, true)
		if err == nil && cfg.TrustRPC && cfg.Routed {
			err = devParaChain(cctx, prc, e.Para.Genesis)
		}
		if err != nil {
			if errors.Is(err, lightclient.ErrUnprovable) && cfg.TrustRPC {
				if err := checkTrustedGenesis(cctx, cfg, prc, shown, &e.Para.Genesis); err != nil {
					_ = prc.Close()
					return nil, err
				}
				cfg.warnf("--trust-rpc: %s cannot prove its answers; what is shown is what it claims, not verified", shown)
				e.Mode, e.endpoint, e.Para = "trusted-rpc", prc, nil
				return e, nil
			}
			_ = prc.Close()
			if errors.Is(err, lightclient.ErrUnprovable) {
				return nil, verificationErr(fmt.Errorf("%s endpoint %s: %w; --trust-rpc accepts its answers unverified (development chains only)", n.Profile.DisplayName, shown, err))
			}
			return nil, networkErr(fmt.Errorf("%s endpoint %s: %w", n.Profile.DisplayName, shown, err))
		}
		opened = append(opened, func() { _ = prc.Close() })
		if err := checkGenesis(cctx, prc, shown, e.Para.Genesis); err != nil {
			return fail(err)
		}
	}
	var rc *rpc.Client
	if relayURL != "" {
		url := config.RedactURL(relayURL)
		rc, err = rpc.Dial(cctx, relayURL)
		if err != nil {
			return fail(networkErr(fmt.Errorf("connect to %s: %w", url, err)))
		}
		if err := lightclient.CheckProvable(cctx, rc, false); err != nil {
			if errors.Is(err, lightclient.ErrUnprovable) && cfg.TrustRPC && onPara && cfg.Routed {
				// A development chain takes every command; the network's
				// own relay cannot prove Asset Hub's state unverified.
				if g, err := rc.BlockHash(cctx, 0); err == nil {
					relay := n.Profile.RelayProfile()
					if relay != nil && header.Hash(g) == relay.GenesisHash {
						_ = rc.Close()
						return fail(inputErrorf("%s: --trust-rpc: %s is a %s endpoint that cannot prove %s's state; pass --asset-hub-rpc URL of a %s endpoint too (trusted likewise)",
							n.Profile.DisplayName, url, relay.DisplayName, n.Profile.DisplayName, n.Profile.DisplayName))
					}
				}
				if err := checkTrustedGenesis(cctx, cfg, rc, url, nil); err != nil {
					_ = rc.Close()
					return fail(err)
				}
				cfg.warnf("--trust-rpc: %s cannot prove its answers; what is shown is what it claims, not verified", url)
				e.Mode, e.endpoint, e.Para, e.Single = "trusted-rpc", rc, nil, true
				return e, nil
			}
			if errors.Is(err, lightclient.ErrUnprovable) && cfg.TrustRPC && !onPara {
				if err := checkTrustedGenesis(cctx, cfg, rc, url, networkGenesis(cfg)); err != nil {
					_ = rc.Close()
					return fail(err)
				}
				cfg.warnf("--trust-rpc: %s cannot prove its answers; what is shown is what it claims, not verified", url)
				e.Mode, e.endpoint = "trusted-rpc", rc
				return e, nil
			}
			_ = rc.Close()
			if errors.Is(err, lightclient.ErrUnprovable) {
				if onPara && !cfg.Routed {
					return fail(verificationErr(fmt.Errorf("relay chain endpoint %s: %w; the relay chain proves the parachain's heads, so its endpoint must prove its answers", url, err)))
				}
				return fail(verificationErr(fmt.Errorf("%s: %w; --trust-rpc accepts its answers unverified (development chains only)", url, err)))
			}
			return fail(networkErr(fmt.Errorf("%s: %w", url, err)))
		}
		opened = append(opened, func() { _ = rc.Close() })
	}
	var (
		start     *store.Start
		cp        *chainspec.Checkpoint
		bootnodes []string
		protoID   string
	)
	if cfg.Hooks.Start != nil {
		e.Genesis, cp = cfg.Hooks.Start()
	} else {
		p := n.Profile
		if p == nil {
			return fail(inputErrorf("network %s: the light client needs an embedded network (kusama, polkadot, westend, paseo); for a development chain pass --rpc URL --trust-rpc", n.Name))
		}
		p = p.RelayProfile()
		if p.Name != n.Profile.Name {
			cfg.infof("following the relay chain %s of %s", p.Name, n.Profile.Name)
		}
		e.Genesis, e.policy = p.GenesisHash, p.Age
		// The start point and its age: a checkpoint too old stops here,
		// before any peer is dialled (an endpoint trusted with
		// --trust-rpc, which needs no checkpoint, returned above).
		st, age, err := startOf(cfg, p)
		if err != nil {
			return fail(err)
		}
		start, e.Age = &st, age
		if bootnodes, err = p.BootNodes(); err != nil {
			return fail(fmt.Errorf("network %s: bootnodes: %w", p.Name, err))
		}
		if spec, err := p.Spec(); err == nil {
			protoID = spec.ProtocolID
		}
	}
	home := cfg.Home
	var sources []lightclient.Source
	closeSources := func() {
		for _, s := range sources {
			_ = s.Close()
		}
	}
	if rc != nil {
		url := config.RedactURL(relayURL)
		if err := checkGenesis(cctx, rc, url, e.Genesis); err != nil {
			return fail(err)
		}
		e.Mode, e.endpoint = "rpc", rc
		sources = append(sources, lightclient.NewRPCSource(rc, lightclient.RPCOptions{Name: url}))
	} else {
		hostCfg := p2p.Config{Genesis: e.Genesis, ProtocolID: protoID, DialTimeout: 10 * time.Second}
		if cfg.Hooks.P2P != nil {
			bootnodes = cfg.Hooks.P2P(&hostCfg)
		}
		host, err := p2p.New(hostCfg)
		if err != nil {
			return fail(fmt.Errorf("start libp2p: %w", err))
		}
		e.Mode = "p2p"
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
		sources = append(sources, lightclient.NewRPCSource(prc, lightclient.RPCOptions{Name: config.RedactURL(paraURL), Para: true, ParaID: e.Para.ID}))
		opened = opened[:1]
		e.Para.Source, e.Para.rpc = "rpc", prc
	case onPara:
		src, err := paraP2PSource(cfg, e.Para)
		if err != nil {
			return fail(err)
		}
		sources = append(sources, src)
		e.Para.Source, e.Para.p2p = "p2p", src
	case paraURL != "":
		url := config.RedactURL(paraURL)
		pc, err := rpc.Dial(cctx, paraURL)
		if err != nil {
			return fail(networkErr(fmt.Errorf("connect to %s: %w", url, err)))
		}
		if err := lightclient.CheckProvable(cctx, pc, true); err != nil {
			_ = pc.Close()
			if errors.Is(err, lightclient.ErrUnprovable) {
				return fail(verificationErr(fmt.Errorf("parachain endpoint %s: %w", url, err)))
			}
			return fail(networkErr(fmt.Errorf("parachain endpoint %s: %w", url, err)))
		}
		sources = append(sources, lightclient.NewRPCSource(pc, lightclient.RPCOptions{Name: url, Para: true, ParaID: cfg.ParaID}))
		e.Para.Source, e.Para.rpc = "rpc", pc
	}
	cl, err := lightclient.New(lightclient.Config{Genesis: e.Genesis, Checkpoint: cp, Start: start, Home: home, Sources: sources})
	if err != nil {
		return fail(err)
	}
	e.client = cl
	sp := cl.StartPoint()
	if sp.Note != "" {
		cfg.warnf("%s", sp.Note)
	}
	if e.Age != nil && e.Age.Warning != "" {
		cfg.warnf("%s", e.Age.Warning)
	}
	if err := cl.Start(cctx); err != nil {
		cl.Close()
		return nil, e.Classify(err)
	}
	return e, nil
}

// paraP2PSource joins the parachain's own libp2p network (its chain spec's
// bootnodes) for the storage proofs of a parachain network without --rpc.
func paraP2PSource(c Config, pe *Para) (*lightclient.P2PParaSource, error) {
	n := c.Network
	base := p2p.Config{DialTimeout: 10 * time.Second}
	var cfg p2p.Config
	var bootnodes []string
	if c.Hooks.ParaP2P != nil {
		cfg = (&lightclient.ParaNetwork{ParaID: pe.ID, Genesis: pe.Genesis}).HostConfig(base)
		bootnodes = c.Hooks.ParaP2P(&cfg)
	} else {
		pn, err := lightclient.ParaNetworkOf(n.Profile)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n.Profile.DisplayName, err)
		}
		cfg, bootnodes = pn.HostConfig(base), pn.Bootnodes
	}
	if len(bootnodes) == 0 {
		return nil, inputErrorf("%s has no bootnodes to reach its own network, which serves its state: pass --rpc URL of a %s endpoint (its proofs are checked against the head the relay chain proves)",
			n.Profile.DisplayName, n.Profile.DisplayName)
	}
	host, err := p2p.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("start libp2p for %s: %w", n.Profile.DisplayName, err)
	}
	ps := lightclient.NewP2PParaSource(host, bootnodes, pe.ID)
	ps.Discover = 16
	return ps, nil
}

// SyncTimeout bounds the wait for the light client to reach the finalized
// head its peers know, before a command reads anything.
const SyncTimeout = 3 * time.Minute

// WaitSynced waits until the client synced (at most SyncTimeout),
// calling progress, when not nil, with each step of the sync: blocks done,
// the target and the block the sync started at.
func (e *Light) WaitSynced(ctx context.Context, progress func(done, target, start uint32)) error {
	if !e.Verified() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, SyncTimeout)
	defer cancel()
	if progress == nil {
		return e.Classify(e.client.WaitSynced(ctx))
	}
	start := e.client.StartPoint().Header.Number
	done := make(chan error, 1)
	go func() { done <- e.client.WaitSynced(ctx) }()
	for {
		select {
		case err := <-done:
			return e.Classify(err)
		case ev := <-e.client.Events():
			if x, ok := ev.(chainsync.Progress); ok && x.Target > x.Done {
				progress(x.Done, x.Target, start)
			}
		}
	}
}

// Classify gives light-client errors their kinds (network: wrapping
// lightclient.ErrUnreachable; verification: lightclient.ErrVerification)
// and messages.
func (e *Light) Classify(err error) error {
	var ce *classified
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce), IsInputError(err):
		return err
	case errors.Is(err, p2p.ErrNoBootnode):
		// The error lists every dial; the first line says enough.
		msg := err.Error()
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i] + " …"
		}
		return networkErr(fmt.Errorf("light client: no bootnode was reachable for %s within %s: %w", e.cfg.Network.Name, ConnectTimeout, errLine{msg, err}))
	case errors.Is(err, lightclient.ErrUnreachable), errors.Is(err, context.DeadlineExceeded):
		return networkErr(err)
	case errors.Is(err, lightclient.ErrUnprovable), errors.Is(err, lightclient.ErrVerification), errors.Is(err, chainsync.ErrMalicious):
		return verificationErr(err)
	}
	return err
}

// errLine shows a shortened message but keeps the error chain for errors.Is.
type errLine struct {
	msg string
	err error
}

func (e errLine) Error() string { return e.msg }
func (e errLine) Unwrap() error { return e.err }

// PinnedChain is the Chain a started light client gives: every answer
// proven, reads pinned to one finalized block with Pin.
type PinnedChain interface {
	chainclient.Chain
	Pin(ctx context.Context) (*chainclient.Header, error)
}

var (
	_ PinnedChain = (*chainclient.Light)(nil)
	_ PinnedChain = (*chainclient.LightPara)(nil)
)

// Chain wraps a started (and synced) light client as the Chain the
// use cases read: every answer proven, runtime calls executed locally with
// compiled runtimes kept under <home>/cache/wasm. On a parachain network
// (or --para) it is the parachain seen through the relay chain
// (chain.LightPara: heads proven by the relay's Paras::Heads, the
// parachain's own runtime executed). Closing it closes le when owns is set
// (else only its compiled runtimes).
func (le *Light) Chain(owns bool) PinnedChain {
	opts := le.lightOptions(le.cfg.Network)
	if owns {
		opts.Close = func() error {
			le.Close()
			return nil
		}
	}
	if pe := le.Para; pe != nil {
		// The parachain's genesis and the network's token (a --para read
		// on a relay network knows neither: the relay's token is kept,
		// the genesis left zero). Transactions go through the
		// parachain's endpoint when there is one (the blocks it says
		// include them are proven through the relay chain), else on the
		// parachain's own libp2p network (found in the blocks between two
		// heads the relay chain proves).
		opts.Genesis = chainclient.Hash(pe.Genesis)
		lp := chainclient.NewLightPara(le.client.Para(pe.ID), opts)
		c := le.cfg
		timeout, poll := c.Hooks.ParaInclusionTimeout, c.Hooks.ParaInclusionPoll
		if timeout == 0 {
			timeout = chainclient.DefaultInclusionTimeout
		}
		if poll == 0 {
			poll = time.Second
		}
		switch {
		case pe.p2p != nil:
			lp.SubmitOverP2P(lightclient.NewParaSubmitter(le.client.Para(pe.ID), pe.p2p, lightclient.ParaSubmitOptions{
				Poll: poll, Timeout: timeout, Progress: func(msg string) { c.infof("%s", msg) }}))
		case pe.rpc != nil:
			if err := lp.SubmitThrough(pe.rpc, chainclient.ParaSubmitOptions{Timeout: timeout, Poll: poll,
				Progress: func(msg string) { c.infof("%s", msg) }}); err != nil {
				c.warnf("%s: %v", pe.Name, err)
			}
		}
		return lp
	}
	opts.Submit = chainclient.LightSubmitter(le.client)
	return chainclient.NewLight(le.client, opts)
}

// RelayChain is the relay chain a parachain Light follows, as a second
// Chain over the same light client (no second sync): its answers proven,
// its runtime executed locally. relay names its token (the relay network).
// Closing it closes only its compiled runtimes; nil when no light client
// runs (a trusted endpoint).
func (le *Light) RelayChain(relay Network) PinnedChain {
	if le.client == nil {
		return nil
	}
	opts := le.lightOptions(relay)
	opts.Submit = chainclient.LightSubmitter(le.client)
	return chainclient.NewLight(le.client, opts)
}

// lightOptions are the options of a Chain over le's light client for
// network n (its token): runtimes compiled and kept under
// <home>/cache/wasm, the keys each runtime method read last time under
// <home>/cache/readsets (proven in one batch before the next call), and
// closing only them.
func (le *Light) lightOptions(n Network) chainclient.LightOptions {
	home := le.cfg.Home
	return chainclient.LightOptions{
		Genesis: chainclient.Hash(le.Genesis),
		Properties: chainclient.Properties{SS58Prefix: n.SS58Prefix, HasSS58: true, Decimals: n.Decimals, HasDecimals: true,
			Symbol: n.Symbol},
		Compile:  chainclient.ExecutorCompiler(cacheDir(home, "wasm")),
		ReadSets: cacheDir(home, "readsets"),
		Close:    func() error { return nil },
	}
}

// IsNetwork reports whether err is a network failure: nothing reachable,
// the connection lost, a timeout.
func IsNetwork(err error) bool {
	return errors.Is(err, chainclient.ErrDisconnected) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, lightclient.ErrUnreachable) || errors.Is(err, lightclient.ErrClosed)
}

// IsVerification reports whether err is a failed verification: a proof,
// justification or claim that does not check, or an endpoint that cannot
// prove its answers.
func IsVerification(err error) bool {
	return errors.Is(err, lightclient.ErrVerification) || errors.Is(err, lightclient.ErrUnprovable) || errors.Is(err, chainsync.ErrMalicious)
}
