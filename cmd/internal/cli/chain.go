package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

type blockJSON struct {
	Number uint32      `json:"number"`
	Hash   header.Hash `json:"hash"`
}

type checkpointJSON struct {
	Source     string `json:"source"`
	Number     uint32 `json:"number"`
	Hash       string `json:"hash"`
	Age        string `json:"age,omitempty"`
	AgeSeconds int64  `json:"ageSeconds,omitempty"`
	Warning    string `json:"warning,omitempty"`
}

type runtimeJSON struct {
	SpecName    string `json:"specName"`
	SpecVersion uint32 `json:"specVersion"`
}

type progressJSON struct {
	Done    uint32  `json:"done"`
	Target  uint32  `json:"target"`
	Percent float64 `json:"percent"`
}

type chainStatusJSON struct {
	Network     string          `json:"network"`
	GenesisHash header.Hash     `json:"genesisHash"`
	Mode        string          `json:"mode"`
	Peers       int             `json:"peers"`
	Best        uint32          `json:"bestBlock"`
	Finalized   blockJSON       `json:"finalized"`
	SetID       *uint64         `json:"setId"`
	Synced      bool            `json:"synced"`
	Progress    progressJSON    `json:"progress"`
	Checkpoint  *checkpointJSON `json:"checkpoint,omitempty"`
	Runtime     *runtimeJSON    `json:"runtime,omitempty"`
	// Para is the parachain a parachain network reads through the relay
	// chain above (genesisHash, finalized, setId are the relay's).
	Para *chainParaJSON `json:"para,omitempty"`
	// Chain names the chain of the network the status is of
	// ("kusama", "kusama-asset-hub"; "development" for an endpoint of
	// no embedded network trusted with --trust-rpc).
	Chain    string `json:"chain"`
	Verified bool   `json:"verified"`
}

// chainParaJSON is the parachain head proven in the relay state.
type chainParaJSON struct {
	ParaID      uint32       `json:"paraId"`
	Name        string       `json:"name"`
	GenesisHash *header.Hash `json:"genesisHash,omitempty"`
	Source      string       `json:"source"`
	Head        *blockJSON   `json:"head"`
	Relay       *blockJSON   `json:"relayBlock"`
	Error       string       `json:"error,omitempty"`
}

func progressOf(done, target uint32, start uint32) progressJSON {
	p := progressJSON{Done: done, Target: target, Percent: 100}
	if target > done && target > start {
		p.Percent = float64(done-min(done, start)) * 100 / float64(target-start)
	}
	return p
}

// statusView converts a node status to the cli.md shape.
func statusView(s *app.NodeStatus, chain string) chainStatusJSON {
	st := chainStatusJSON{Network: s.Network, Chain: chain, GenesisHash: header.Hash(s.Genesis), Mode: s.Mode, Verified: s.Verified,
		Peers: s.Peers, Best: s.Best, Finalized: blockOf(s.Finalized), SetID: s.SetID, Synced: s.Synced,
		Progress: progressOf(s.Done, s.Target, s.Start)}
	if c := s.Checkpoint; c != nil {
		cp := &checkpointJSON{Source: c.Source, Number: c.Block.Number, Hash: header.Hash(c.Block.Hash).String()}
		if c.HasAge {
			cp.Age, cp.AgeSeconds, cp.Warning = roundAge(c.Age), int64(c.Age/time.Second), c.Warning
		}
		st.Checkpoint = cp
	}
	if r := s.Runtime; r != nil {
		st.Runtime = &runtimeJSON{SpecName: r.SpecName, SpecVersion: r.SpecVersion}
	}
	if p := s.Para; p != nil {
		ps := &chainParaJSON{ParaID: p.ID, Name: p.Name, Source: p.Source}
		if p.Genesis != nil {
			g := header.Hash(*p.Genesis)
			ps.GenesisHash = &g
		}
		if p.Err != nil {
			ps.Error = p.Err.Error()
		}
		if p.Head != nil {
			h, r := blockOf(*p.Head), blockOf(*p.Relay)
			ps.Head, ps.Relay = &h, &r
		}
		st.Para = ps
	}
	return st
}

func blockOf(b app.BlockRef) blockJSON { return blockJSON{Number: b.Number, Hash: header.Hash(b.Hash)} }

func roundAge(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%dd%dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	}
	return d.Round(time.Minute).String()
}

func printStatus(f *Factory, st chainStatusJSON) {
	w := f.IO.Out
	fmt.Fprintf(w, "network     %s (genesis %s)\n", st.Network, st.GenesisHash)
	fmt.Fprintf(w, "source      %s, %d peer(s)\n", st.Mode, st.Peers)
	fmt.Fprintf(w, "finalized   #%d %s\n", st.Finalized.Number, st.Finalized.Hash)
	fmt.Fprintf(w, "best        #%d (claimed by peers)\n", st.Best)
	if st.Runtime != nil {
		fmt.Fprintf(w, "runtime     %s %d\n", st.Runtime.SpecName, st.Runtime.SpecVersion)
	}
	if st.SetID != nil {
		fmt.Fprintf(w, "set id      %d\n", *st.SetID)
	}
	if p := st.Para; p != nil {
		switch {
		case p.Head != nil:
			fmt.Fprintf(w, "parachain   %s (%d, %s): head #%d %s, proven at relay #%d\n", p.Name, p.ParaID, p.Source, p.Head.Number, p.Head.Hash, p.Relay.Number)
		case p.Error != "":
			fmt.Fprintf(w, "parachain   %s (%d): %s\n", p.Name, p.ParaID, p.Error)
		default:
			fmt.Fprintf(w, "parachain   %s (%d): head not proven yet\n", p.Name, p.ParaID)
		}
	}
	if st.Synced {
		fmt.Fprintln(w, "synced      yes")
	} else {
		fmt.Fprintf(w, "synced      no (%.1f%%, #%d of #%d)\n", st.Progress.Percent, st.Progress.Done, st.Progress.Target)
	}
	if c := st.Checkpoint; c != nil {
		fmt.Fprintf(w, "start       #%d from %s", c.Number, c.Source)
		if c.Age != "" {
			fmt.Fprintf(w, ", age %s", c.Age)
		}
		fmt.Fprintln(w)
	}
	if st.Verified {
		fmt.Fprintln(w, "verified    yes (GRANDPA justifications)")
	} else {
		fmt.Fprintln(w, "verified    NO (--trust-rpc)")
	}
}

func newChainStatusCmd(f *Factory) *cobra.Command {
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show peers, best and finalized block, authority set, checkpoint age and sync progress",
		Long: `Connect to the network (libp2p bootnodes, or --rpc in verified mode), sync
for up to --wait, and show the verified state: the finalized block (proven by
GRANDPA justifications), the authority set id, the start checkpoint and its
age, the peers and the sync progress. Fails with exit code 5 when no bootnode
or endpoint is reachable within 30 s, 3 when the endpoint cannot prove its
answers (without --trust-rpc) or every peer sent invalid data.

JSON: {network, genesisHash, mode: "p2p"|"rpc"|"trusted-rpc", peers, bestBlock,
finalized: {number, hash}, setId, synced, progress: {done, target, percent},
checkpoint: {source: "checkpoint"|"saved", number, hash, age, ageSeconds, warning},
runtime: {specName, specVersion}, para: {paraId, name, genesisHash, source, head: {number,
hash}, relayBlock: {number, hash}, error} (parachain networks: the relay fields are the
relay chain's it follows), chain (the chain of the network shown: "kusama",
"kusama-asset-hub"; "development" for a trusted endpoint of no known network), verified}.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e, err := openLight(ctx, f)
			if err != nil {
				return err
			}
			defer e.Close()
			ns, err := app.ChainStatus(ctx, e, wait)
			if err != nil {
				return err
			}
			st := statusView(ns, e.chainID(ns.Genesis))
			if f.Opts.JSON {
				return f.PrintJSON(st)
			}
			printStatus(f, st)
			return nil
		},
	}
	cmd.Flags().DurationVar(&wait, "wait", 20*time.Second, "how long to sync before reporting (0: report at once)")
	return cmd
}

// prepareRuntimes readies, after a sync, the runtime of each chain the
// network's accounts live on (Asset Hub and the relay chain of a relay
// network): metadata cached, code compiled into the cache under --home, so
// that the next command starts warm. A chain that cannot be prepared is a
// warning: the sync itself succeeded.
func prepareRuntimes(ctx context.Context, f *Factory) error {
	// Ctrl-C stops here as anywhere (130); --timeout running out does not
	// undo the sync.
	interrupted := func() bool { return errors.Is(ctx.Err(), context.Canceled) }
	e, err := openNetwork(ctx, f)
	if err != nil {
		if interrupted() {
			return ctx.Err()
		}
		f.Warnf("runtimes not prepared: %v", err)
		return nil
	}
	defer e.Close()
	for _, s := range e.sessions() {
		rt, err := s.PrepareRuntime(ctx)
		switch {
		case interrupted():
			return ctx.Err()
		case err != nil:
			f.Warnf("%s: runtime not prepared: %v", s.ChainName(), err)
		case f.IO.IsStderrTTY():
			f.Infof("%s: runtime %s %d ready", s.ChainName(), rt.Version.SpecName, rt.Version.SpecVersion)
		}
	}
	return nil
}

func newChainSyncCmd(f *Factory) *cobra.Command {
	var follow bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Warp-sync to the latest finalized block (and keep following with --follow)",
		Long: `Warp-sync from the start point (the embedded checkpoint or the saved state) to
the latest finalized block, verifying every authority-set change, and save the
verified state in the data directory. On a terminal a progress bar is drawn on
stderr; otherwise (or with --json) one JSON object per line goes to stdout:
{"event":"progress","chain":C,"done":N,"target":N}, {"event":"finalized","chain":C,"number":N,"hash":H,"setId":N},
{"event":"setChanged","chain":C,"number":N,"setId":N,"forced":B}, {"event":"synced","chain":C,"number":N,"hash":H}
(C names the chain synced: the relay chain of a relay network).
Once synced it prepares the runtimes of the chains the network's accounts live
on (metadata cached, code compiled under --home) so that the next command
starts warm; a runtime that cannot be prepared is a warning.
With --follow it keeps following finality until interrupted.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, timeout)
				defer cancel()
			}
			// Keeping the verified state is what sync is for.
			f.keepState = true
			e, err := openLight(ctx, f)
			if err != nil {
				return err
			}
			closeLight := sync.OnceFunc(e.Close)
			defer closeLight()
			if !e.verified() {
				ns, err := app.ChainStatus(ctx, e, 0)
				if err != nil {
					return err
				}
				f.Warnf("nothing to sync: the endpoint's claims are used as they are")
				return f.PrintJSON(statusView(ns, e.chainID(ns.Genesis)))
			}
			bar := f.IO.IsStderrTTY() && !f.Opts.JSON
			out := json.NewEncoder(f.IO.Out)
			line := func(v any) {
				if !bar {
					_ = out.Encode(v)
				}
			}
			// The light client syncs the network's own chain (the relay
			// chain of a relay network).
			chain := e.chainID(e.Genesis)
			var synced, done bool
			err = e.FollowSync(ctx, func(x backend.SyncEvent) bool {
				switch x.Kind {
				case backend.SyncProgress:
					if bar {
						drawBar(f, progressOf(x.Done, x.Target, x.Start))
					}
					line(syncProgressJSON{Event: "progress", Chain: chain, Done: x.Done, Target: x.Target})
				case backend.SyncFinalized:
					line(syncFinalizedJSON{Event: "finalized", Chain: chain, Number: x.Number, Hash: x.Hash, SetID: x.SetID, Verified: true})
				case backend.SyncSetChanged:
					line(syncSetChangedJSON{Event: "setChanged", Chain: chain, Number: x.Number, Hash: x.Hash, SetID: x.SetID, Forced: x.Forced, Authorities: x.Authorities})
				case backend.SyncPeerDropped:
					f.Warnf("peer %s dropped (%s): %v", shortPeer(x.Peer), x.Verdict, x.Reason)
				case backend.SyncDone:
					synced = true
					if bar {
						drawBar(f, progressOf(x.Number, x.Number, x.Start))
						fmt.Fprintln(f.IO.ErrOut)
						f.Infof("synced: finalized #%d %s (verified)", x.Number, x.Hash)
					}
					line(syncDoneJSON{Event: "synced", Chain: chain, Number: x.Number, Hash: x.Hash, Verified: true})
					done = !follow
				}
				return !done
			})
			if done {
				closeLight() // the verified state saved, for the chains opened next
				return prepareRuntimes(ctx, f)
			}
			// Interrupted, timed out or the client stopped: end the bar's line.
			if bar {
				fmt.Fprintln(f.IO.ErrOut)
			}
			if synced && ctx.Err() != nil {
				return nil
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&follow, "follow", false, "keep following finality after the sync")
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "give up after this long (0: never)")
	return cmd
}

// The JSON lines of chain sync, one type an event.
type (
	syncProgressJSON struct {
		Event  string `json:"event"`
		Chain  string `json:"chain"`
		Done   uint32 `json:"done"`
		Target uint32 `json:"target"`
	}
	syncFinalizedJSON struct {
		Event    string      `json:"event"`
		Chain    string      `json:"chain"`
		Number   uint32      `json:"number"`
		Hash     header.Hash `json:"hash"`
		SetID    uint64      `json:"setId"`
		Verified bool        `json:"verified"`
	}
	syncSetChangedJSON struct {
		Event       string      `json:"event"`
		Chain       string      `json:"chain"`
		Number      uint32      `json:"number"`
		Hash        header.Hash `json:"hash"`
		SetID       uint64      `json:"setId"`
		Forced      bool        `json:"forced"`
		Authorities int         `json:"authorities"`
	}
	syncDoneJSON struct {
		Event    string      `json:"event"`
		Chain    string      `json:"chain"`
		Number   uint32      `json:"number"`
		Hash     header.Hash `json:"hash"`
		Verified bool        `json:"verified"`
	}
)

func drawBar(f *Factory, p progressJSON) {
	const width = 30
	filled := int(p.Percent * width / 100)
	filled = max(0, min(width, filled))
	fmt.Fprintf(f.IO.ErrOut, "\r[%s%s] %5.1f%% #%d/#%d", strings.Repeat("#", filled), strings.Repeat(".", width-filled), p.Percent, p.Done, p.Target)
}

func shortPeer(p string) string {
	if len(p) > 16 {
		return p[:8] + "…" + p[len(p)-6:]
	}
	return p
}
