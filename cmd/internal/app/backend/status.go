package backend

import (
	"context"
	"path/filepath"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
)

var _ app.StatusSource = (*Light)(nil)

// statusReadTimeout bounds each proven read of NodeStatus (the runtime
// version, the para head).
const statusReadTimeout = 10 * time.Second

// NodeStatus reports how the backend stands: for the light client its
// peers, finalized block, authority set, start point and sync progress,
// and once synced the runtime (System.LastRuntimeUpgrade) and, on a
// parachain network, the para head, both proven; for an endpoint trusted
// with --trust-rpc what it claims of its finalized block.
func (e *Light) NodeStatus(ctx context.Context) (*app.NodeStatus, error) {
	st := &app.NodeStatus{Network: e.cfg.Network.Name, Genesis: chainclient.Hash(e.Genesis), Mode: e.Mode, Verified: e.Verified()}
	if !e.Verified() {
		// --trust-rpc on an endpoint that proves nothing: its claims.
		h, err := e.endpoint.FinalizedHead(ctx)
		if err != nil {
			return nil, app.Unreachable(err)
		}
		hd, err := e.endpoint.Header(ctx, &h)
		if err != nil {
			return nil, app.Unreachable(err)
		}
		n := uint32(hd.Number)
		st.Peers, st.Finalized = 1, app.BlockRef{Number: n, Hash: chainclient.Hash(h)}
		st.Best, st.Synced, st.Done, st.Target, st.Start = n, true, n, n, n
		return st, nil
	}
	s := e.client.Status()
	setID := s.SetID
	st.Peers, st.Best, st.SetID, st.Synced = s.Peers, s.Target, &setID, s.Synced
	st.Finalized = app.BlockRef{Number: s.Finalized.Number, Hash: chainclient.Hash(s.Hash)}
	st.Done, st.Target, st.Start = s.Finalized.Number, s.Target, s.StartNumber
	sp := e.client.StartPoint()
	cp := &app.StartInfo{Source: string(sp.Source), Block: app.BlockRef{Number: sp.Header.Number, Hash: chainclient.Hash(sp.Hash)}}
	if e.Age != nil {
		cp.Age, cp.HasAge, cp.Warning = e.Age.Age, true, e.Age.Warning
	}
	st.Checkpoint = cp
	if pe := e.Para; pe != nil {
		ps := &app.ParaHeadStatus{ID: pe.ID, Name: pe.Name, Source: pe.Source}
		if pe.Genesis != ([32]byte{}) {
			g := chainclient.Hash(pe.Genesis)
			ps.Genesis = &g
		}
		if s.Synced {
			// Paras::Heads in the finalized relay state, proven.
			pctx, cancel := context.WithTimeout(ctx, statusReadTimeout)
			h, err := e.client.Para(pe.ID).Head(pctx)
			cancel()
			if err != nil {
				ps.Err = err
			} else {
				ps.Head = &app.BlockRef{Number: h.Header.Number, Hash: chainclient.Hash(h.Hash)}
				ps.Relay = &app.BlockRef{Number: h.RelayNumber, Hash: chainclient.Hash(h.Relay)}
			}
		}
		st.Para = ps
	}
	if s.Synced {
		// System.LastRuntimeUpgrade, proven: a few bytes.
		rctx, cancel := context.WithTimeout(ctx, statusReadTimeout)
		up, err := e.client.LastRuntimeUpgrade(rctx)
		cancel()
		if err == nil {
			st.Runtime = &app.RuntimeInfo{SpecName: up.SpecName, SpecVersion: up.SpecVersion}
		}
	}
	return st, nil
}

// Trusted is the Chain of an endpoint trusted with --trust-rpc (the
// "trusted-rpc" mode; nil otherwise): its answers as it gives them.
// Closing it closes the endpoint.
func (e *Light) Trusted() chainclient.Chain {
	if e.Verified() || e.endpoint == nil {
		return nil
	}
	return chainclient.NewRPC(e.endpoint)
}

// cacheDir is the cache directory name under home ("" without a home:
// nothing is cached).
func cacheDir(home, name string) string {
	if home == "" {
		return ""
	}
	return filepath.Join(home, "cache", name)
}

// Peers is how many peers the light client has (-1 for an endpoint trusted
// with --trust-rpc: no light client).
func (e *Light) Peers() int {
	if e.client == nil {
		return -1
	}
	return e.client.Status().Peers
}
