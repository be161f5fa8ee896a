package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	lcsync "github.com/ksm-wallet/ksm/lightclient/sync"
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

// openLightWith is openLight with extra sources.
func openLightWith(ctx context.Context, f *Factory, o lightOpts) (*lightEnv, error) {
	n, err := f.Network()
	if err != nil {
		return nil, err
	}
	e := &lightEnv{f: f, net: n}
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	var rc *rpc.Client
	if f.Opts.RPC != "" {
		url := redactRPC(f.Opts.RPC)
		rc, err = rpc.Dial(cctx, f.Opts.RPC)
		if err != nil {
			return nil, NetworkError(fmt.Errorf("connect to %s: %w", url, err))
		}
		if err := lightclient.CheckProvable(cctx, rc, false); err != nil {
			if errors.Is(err, lightclient.ErrUnprovable) && f.Opts.TrustRPC {
				f.Warnf("--trust-rpc: %s cannot prove its answers; what is shown is what it claims, not verified", url)
				e.mode, e.rpc = "trusted-rpc", rc
				return e, nil
			}
			_ = rc.Close()
			if errors.Is(err, lightclient.ErrUnprovable) {
				return nil, VerificationError(fmt.Errorf("%s: %w; --trust-rpc accepts its answers unverified (development chains only)", url, err))
			}
			return nil, NetworkError(fmt.Errorf("%s: %w", url, err))
		}
	}
	fail := func(err error) (*lightEnv, error) {
		if rc != nil {
			_ = rc.Close()
		}
		return nil, err
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
			return fail(UsageErrorf("network %s: the light client needs an embedded network (kusama, polkadot, westend, paseo); for a development chain pass --rpc URL --trust-rpc", n.Name))
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
	var src lightclient.Source
	if rc != nil {
		url := redactRPC(f.Opts.RPC)
		if g, err := rc.BlockHash(cctx, 0); err == nil && header.Hash(g) != e.genesis {
			return fail(VerificationError(fmt.Errorf("%s serves another chain (genesis %s, want %s)", url, header.Hash(g), e.genesis)))
		}
		e.mode, e.rpc = "rpc", rc
		src = lightclient.NewRPCSource(rc, lightclient.RPCOptions{Name: url})
	} else {
		cfg := p2p.Config{Genesis: e.genesis, ProtocolID: protoID, DialTimeout: 10 * time.Second}
		if lightTestP2P != nil {
			bootnodes = lightTestP2P(&cfg)
		}
		host, err := p2p.New(cfg)
		if err != nil {
			return nil, fmt.Errorf("start libp2p: %w", err)
		}
		e.mode = "p2p"
		ps := lightclient.NewP2PSource(host, bootnodes)
		ps.Discover = 16
		src = ps
	}
	sources := []lightclient.Source{src}
	if o.paraRPC != "" {
		url := redactRPC(o.paraRPC)
		pc, err := rpc.Dial(cctx, o.paraRPC)
		if err != nil {
			_ = src.Close()
			return nil, NetworkError(fmt.Errorf("connect to %s: %w", url, err))
		}
		if err := lightclient.CheckProvable(cctx, pc, true); err != nil {
			_ = pc.Close()
			_ = src.Close()
			if errors.Is(err, lightclient.ErrUnprovable) {
				return nil, VerificationError(fmt.Errorf("parachain endpoint %s: %w", url, err))
			}
			return nil, NetworkError(fmt.Errorf("parachain endpoint %s: %w", url, err))
		}
		sources = append(sources, lightclient.NewRPCSource(pc, lightclient.RPCOptions{Name: url, Para: true, ParaID: o.paraID}))
	}
	cl, err := lightclient.New(lightclient.Config{Genesis: e.genesis, Checkpoint: cp, Home: home, Sources: sources})
	if err != nil {
		for _, s := range sources {
			_ = s.Close()
		}
		return nil, err
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
			return nil, VerificationError(err)
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
			if x, ok := ev.(lcsync.Progress); ok && x.Target > x.Done {
				if !drawn {
					f.Infof("syncing the verified chain (GRANDPA warp sync)…")
				}
				drawn = true
				drawBar(f, progressOf(x.Done, x.Target, start))
			}
		}
	}
}

// lightErr gives light-client errors their exit codes and messages.
func lightErr(e *lightEnv, err error) error {
	var ee *ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		return err
	case errors.Is(err, p2p.ErrNoBootnode):
		// The error lists every dial; the first line says enough.
		msg := err.Error()
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i] + " …"
		}
		return NetworkError(fmt.Errorf("light client: no bootnode was reachable for %s within %s: %w", e.net.Name, connectTimeout, errLine{msg, err}))
	case errors.Is(err, lightclient.ErrUnreachable), errors.Is(err, context.DeadlineExceeded):
		return NetworkError(err)
	case errors.Is(err, lightclient.ErrUnprovable), errors.Is(err, lightclient.ErrVerification), errors.Is(err, lcsync.ErrMalicious):
		return VerificationError(err)
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
