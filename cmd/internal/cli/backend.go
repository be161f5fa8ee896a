package cli

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
)

// lightEnv is the chain a command reads (app/backend builds it from the
// global flags) with the command's factory.
type lightEnv struct {
	*backend.Light
	f   *Factory
	net Network
}

// openLight opens the backend of the global flags (see backend.Open):
// exit 5 when nothing is reachable, 3 when the endpoint cannot prove its
// answers (without --trust-rpc), 2 for flags that do not fit the network.
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
	l, err := backend.Open(ctx, backend.Config{
		Network: n, RPC: f.Opts.RPC, RelayRPC: f.Opts.RelayRPC, TrustRPC: f.Opts.TrustRPC,
		ParaRPC: paraRPC, ParaID: paraID, Home: home,
		CheckpointFile: f.Opts.Checkpoint, AcceptOldCheckpoint: f.Opts.AcceptOldCheckpoint,
		Infof: f.Infof, Warnf: f.Warnf, Hooks: f.Backend,
	})
	if err != nil {
		return nil, err
	}
	return &lightEnv{Light: l, f: f, net: n}, nil
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

// lightErr gives light-client errors their exit codes and messages.
func lightErr(e *lightEnv, err error) error { return e.Classify(err) }

// newLightChain is the Chain of a started (and synced) light client (see
// backend.Light.Chain); home is the backend's.
func newLightChain(le *lightEnv, _ string, owns bool) backend.PinnedChain { return le.Chain(owns) }

// redactRPC hides user info and query of an endpoint URL in messages.
func redactRPC(u string) string { return backend.RedactRPC(u) }
