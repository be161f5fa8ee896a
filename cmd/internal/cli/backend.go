package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/cmd/internal/config"
)

// lightEnv is the chain a command reads (app/backend builds it from the
// global flags) with the command's factory.
type lightEnv struct {
	*backend.Light
	f   *Factory
	net Network
	// route is the network named and the chain of it opened.
	route route
}

// openLight opens the backend of the global flags (see backend.Open) for
// the network's own chain (the relay on a relay network): exit 5 when
// nothing is reachable, 3 when the endpoint cannot prove its answers
// (without --trust-rpc), 2 for flags that do not fit the network.
func openLight(ctx context.Context, f *Factory) (*lightEnv, error) {
	return openLightWith(ctx, f, "", 0)
}

// openLightWith is openLight with a parachain endpoint read on a relay
// network (--para ID --para-rpc URL).
func openLightWith(ctx context.Context, f *Factory, paraRPC string, paraID uint32) (*lightEnv, error) {
	n, err := f.Network()
	if err != nil {
		return nil, err
	}
	return openLightRoute(ctx, f, route{net: n, target: n}, paraRPC, paraID)
}

// route is where a command goes: the network the user named and the chain
// of it that serves the command (the network itself, or its Asset Hub).
type route struct {
	net, target Network
	// chosen says --chain named the target.
	chosen bool
}

// routed reports whether the target is another chain of the network.
func (r route) routed() bool { return r.target.Profile != r.net.Profile }

// routeFor decides the chain of the network that serves pallet (the
// routing table, app.RouteChain; --chain overrides it).
func routeFor(f *Factory, pallet string) (route, error) {
	n, err := f.Network()
	if err != nil {
		return route{}, err
	}
	choice, err := app.ParseChainChoice(f.Opts.Chain)
	if err != nil {
		return route{}, err
	}
	r := route{net: n, target: n, chosen: choice != app.ChainAuto}
	if f.Opts.AssetHubRPC != "" && !app.IsMultiChain(n.Profile) {
		return route{}, app.Usagef("--asset-hub-rpc is for a relay network with an Asset Hub (kusama, polkadot, westend, paseo); on %s --rpc is the endpoint", n.Name)
	}
	if !backend.MultiChain(n, f.Backend) && choice == app.ChainAuto {
		return r, nil
	}
	p, err := app.RouteChain(n.Profile, pallet, choice)
	if err != nil {
		return route{}, err
	}
	if p != nil && p != n.Profile {
		r.target = backend.NetworkOf(p)
	}
	return r, nil
}

// openLightRoute opens the backend for the chain r targets.
func openLightRoute(ctx context.Context, f *Factory, r route, paraRPC string, paraID uint32) (*lightEnv, error) {
	if err := f.checkEndpoints(); err != nil {
		return nil, err
	}
	if f.beforeNetwork != nil {
		if err := f.beforeNetwork(); err != nil {
			return nil, err
		}
	}
	if paraRPC != "" {
		if err := checkEndpointURL(paraRPC); err != nil {
			return nil, app.Usagef("--para-rpc %s: %v", redactRPC(paraRPC), err)
		}
	}
	home, err := f.HomeDir()
	if err != nil {
		return nil, err
	}
	cfg := backend.Config{
		Network: r.target, RPC: f.Opts.RPC, RelayRPC: f.Opts.RelayRPC, TrustRPC: f.Opts.TrustRPC,
		ParaRPC: paraRPC, ParaID: paraID, Home: f.stateHome(home),
		CheckpointFile: f.Opts.Checkpoint, AcceptOldCheckpoint: f.Opts.AcceptOldCheckpoint,
		Infof: f.Infof, Warnf: f.Warnf, Hooks: f.Backend,
	}
	if r.routed() {
		if f.Opts.RelayRPC != "" {
			return nil, app.Usagef("--relay-rpc is for parachain networks (such as kusama-asset-hub); on %s, --rpc is the relay chain's endpoint and --asset-hub-rpc Asset Hub's", r.net.Name)
		}
		cfg.RPC, cfg.RelayRPC, cfg.Routed = f.Opts.AssetHubRPC, f.Opts.RPC, true
	}
	l, err := backend.Open(ctx, cfg)
	if err != nil {
		return nil, chainErr(r.target, err)
	}
	n := r.target
	if l.Single {
		n = r.net
	}
	return &lightEnv{Light: l, f: f, net: n, route: r}, nil
}

// chainErr names the chain opened in an error about it (not a
// development chain: it has no name of the network's).
func (e *lightEnv) chainErr(err error) error {
	if e.Single {
		return err
	}
	return chainErr(e.net, err)
}

// chainErr names the chain in an error about it ("Kusama Asset Hub: …")
// on a network of several chains; the error's kind is kept.
func chainErr(n Network, err error) error {
	if err == nil || n.Profile == nil || app.IsInputError(err) {
		return err
	}
	if name := n.Profile.DisplayName; !strings.Contains(err.Error(), name) {
		return fmt.Errorf("%s: %w", name, err)
	}
	return err
}

// stateHome is where the backend and the session keep state (the verified
// chain, caches, pending nonces): home when it exists or the command keeps
// state (f.keepState), else "" (nothing kept): a command that only reads
// never creates a directory. A signing command's home exists, as its
// keystore does.
func (f *Factory) stateHome(home string) string {
	if st, err := os.Stat(home); f.keepState || err == nil && st.IsDir() {
		return home
	}
	return ""
}

// chainID names the chain opened in JSON output, as app.Session.ChainID
// does: the network's (or its chain's) name when the light client follows
// it or an endpoint of it stands beside the other chain's (sideBySide); an
// endpoint trusted with --trust-rpc by the embedded network its genesis
// is; else "development".
func (e *lightEnv) chainID(genesis [32]byte) string {
	if e.verified() || sideBySide(e.f, e.route) && !e.Single {
		return e.net.Name
	}
	if p := app.ProfileByGenesis(genesis); p != nil {
		return p.Name
	}
	return "development"
}

// verified reports whether answers are proven.
func (e *lightEnv) verified() bool { return e.Verified() }

// waitSynced waits until the client synced, drawing a progress bar on a
// terminal's stderr (nothing is drawn elsewhere: stdout stays clean).
func (e *lightEnv) waitSynced(ctx context.Context) error {
	f := e.f
	if !f.IO.IsStderrTTY() {
		return e.WaitSynced(ctx, nil)
	}
	drawn := false
	err := e.WaitSynced(ctx, func(done, target, start uint32) {
		if !drawn {
			f.Infof("syncing the verified chain (GRANDPA warp sync)…")
		}
		drawn = true
		drawBar(f, progressOf(done, target, start))
	})
	if drawn {
		fmt.Fprintln(f.IO.ErrOut)
	}
	return err
}

// newLightChain is the Chain of a started (and synced) light client (see
// backend.Light.Chain); home is the backend's.
func newLightChain(le *lightEnv, _ string, owns bool) backend.PinnedChain { return le.Chain(owns) }

// redactRPC hides user info and query of an endpoint URL in messages.
func redactRPC(u string) string { return config.RedactURL(u) }
