package lightclient

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// chainFetcher serves the headers of c as an honest endpoint would.
func chainFetcher(c *testchain.Chain) HeaderFetcher {
	return func(_ context.Context, hh header.Hash) (*header.Header, error) {
		for _, b := range c.Blocks {
			if b.Hash == hh {
				return b.Header.Clone(), nil
			}
		}
		return nil, nil
	}
}

func TestParaViewProveAncestor(t *testing.T) {
	e := newParaEnv(t, 40)
	ctx := ctxT(t)
	pv, p := e.pv, e.para
	head, err := pv.Head(ctx)
	if err != nil || head.Header.Number != 38 {
		t.Fatalf("head %+v %v", head, err)
	}
	if _, ok := pv.Header(p.Blocks[30].Hash); ok {
		t.Fatal("block 30 kept before it was proven")
	}
	if err := pv.ProveAncestor(ctx, head, p.Blocks[30].Hash, 30, chainFetcher(p)); err != nil {
		t.Fatal(err)
	}
	for n := uint32(30); n <= 38; n++ {
		if h, ok := pv.Header(p.Blocks[n].Hash); !ok || h.Hash() != p.Blocks[n].Hash {
			t.Fatalf("block %d not kept", n)
		}
	}
	// Its state is read and proven like the head's.
	res, err := pv.ReadStorageAt(ctx, p.Blocks[30].Hash, [][]byte{testchain.KeySystemNumber, paraMapState(30)[3].Key})
	if err != nil {
		t.Fatal(err)
	}
	checkParaValues(t, p, 30, res)
	if res.Number != 40 {
		t.Fatalf("ancestor read vouched for by relay block %d, want 40", res.Number)
	}
	// The head stays the latest.
	if l, ok := pv.Latest(); !ok || l.Hash != head.Hash {
		t.Fatalf("latest %+v", l)
	}
	// Proving the head itself or a kept block asks nothing.
	noFetch := func(context.Context, header.Hash) (*header.Header, error) {
		t.Fatal("fetched a kept header")
		return nil, nil
	}
	if err := pv.ProveAncestor(ctx, head, head.Hash, 38, noFetch); err != nil {
		t.Fatal(err)
	}
	if err := pv.ProveAncestor(ctx, head, p.Blocks[32].Hash, 32, noFetch); err != nil {
		t.Fatal(err)
	}

	lies := []struct {
		name   string
		target header.Hash
		number uint32
		fetch  HeaderFetcher
		lie    bool
	}{
		{"forged parent", p.Blocks[20].Hash, 20, func(ctx context.Context, hh header.Hash) (*header.Header, error) {
			h, err := chainFetcher(p)(ctx, hh)
			if h != nil {
				h.StateRoot[0] ^= 1
			}
			return h, err
		}, true},
		{"unknown parent", p.Blocks[20].Hash, 20, func(context.Context, header.Hash) (*header.Header, error) { return nil, nil }, true},
		{"not on the proven chain", header.Hash{1, 2, 3}, 20, chainFetcher(p), true},
		{"endpoint fails", p.Blocks[20].Hash, 20, func(context.Context, header.Hash) (*header.Header, error) {
			return nil, errors.New("connection reset")
		}, false},
	}
	for _, tc := range lies {
		t.Run(tc.name, func(t *testing.T) {
			err := pv.ProveAncestor(ctx, head, tc.target, tc.number, tc.fetch)
			if err == nil || errors.Is(err, ErrVerification) != tc.lie {
				t.Fatalf("err %v, want a lie: %v", err, tc.lie)
			}
			if _, ok := pv.Header(p.Blocks[29].Hash); ok && tc.name != "not on the proven chain" {
				t.Fatal("a header kept after a failed proof")
			}
		})
	}
	if err := pv.ProveAncestor(ctx, head, p.Blocks[39].Hash, 39, chainFetcher(p)); err == nil {
		t.Fatal("a block after the proven head proven as its ancestor")
	}
}

func TestParaViewWaitHead(t *testing.T) {
	e := newParaEnv(t, 40)
	ctx := ctxT(t)
	h, err := e.pv.WaitHead(ctx, 30, 10*time.Millisecond)
	if err != nil || h.Header.Number != 38 {
		t.Fatalf("head %+v %v", h, err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = e.pv.WaitHead(short, 45, 10*time.Millisecond)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting for an unrecorded head: %v", err)
	}
	// The relay chain finalizes block 46, recording para block 44.
	e.relaySrv.SetVisible(46)
	h, err = e.pv.WaitHead(ctx, 43, 10*time.Millisecond)
	if err != nil || h.Header.Number != 44 || h.Hash != e.para.Blocks[44].Hash || h.RelayNumber != 46 {
		t.Fatalf("head after relay finality moved: %+v %v", h, err)
	}
}
