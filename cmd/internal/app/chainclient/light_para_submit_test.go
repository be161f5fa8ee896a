package chainclient

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// fakeParaProver stands for the relay light client's parachain view: the
// relay chain "proves" para blocks up to proven; included blocks are
// proven by following the endpoint's headers back from there.
type fakeParaProver struct {
	c      *testchain.Chain
	mu     sync.Mutex
	proven uint32
	kept   map[header.Hash]*header.Header
}

func (f *fakeParaProver) ParaID() uint32 { return 1000 }

func (f *fakeParaProver) setProven(n uint32) {
	f.mu.Lock()
	f.proven = n
	f.mu.Unlock()
}

func (f *fakeParaProver) Head(context.Context) (*lightclient.ParaHead, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.c.Blocks[f.proven]
	f.kept[b.Hash] = b.Header
	return &lightclient.ParaHead{ParaID: 1000, Header: b.Header, Hash: b.Hash, RelayNumber: f.proven + 2}, nil
}

func (f *fakeParaProver) Header(h header.Hash) (*header.Header, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	x, ok := f.kept[h]
	return x, ok
}

func (f *fakeParaProver) ReadStorageAt(context.Context, header.Hash, [][]byte) (*lightclient.StorageResult, error) {
	return nil, lightclient.ErrClosed
}

func (f *fakeParaProver) StorageKeys(context.Context, header.Hash, []byte, int, []byte) ([][]byte, error) {
	return nil, lightclient.ErrClosed
}

func (f *fakeParaProver) NextKey(context.Context, header.Hash, []byte) ([]byte, bool, error) {
	return nil, false, lightclient.ErrClosed
}

func (f *fakeParaProver) WaitHead(ctx context.Context, n uint32, poll time.Duration) (*lightclient.ParaHead, error) {
	for {
		h, _ := f.Head(ctx)
		if h.Header.Number >= n {
			return h, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}

func (f *fakeParaProver) ProveAncestor(ctx context.Context, from *lightclient.ParaHead, target header.Hash, n uint32, fetch lightclient.HeaderFetcher) error {
	child := from.Header
	var chain []*header.Header
	for child.Number > n {
		h, err := fetch(ctx, child.ParentHash)
		if err != nil {
			return err
		}
		if h == nil || h.Hash() != child.ParentHash {
			return fmt.Errorf("%w: broken link", lightclient.ErrVerification)
		}
		chain = append(chain, h)
		child = h
	}
	if child.Hash() != target {
		return fmt.Errorf("%w: not on the proven chain", lightclient.ErrVerification)
	}
	f.mu.Lock()
	for _, h := range chain {
		f.kept[h.Hash()] = h
	}
	f.mu.Unlock()
	return nil
}

// TestLightParaSubmitThrough: transactions go through a parachain endpoint
// (over WebSocket: author_submitAndWatchExtrinsic unknown to the test
// server, so sent with author_submitExtrinsic and found in its finalized
// blocks); the including block is proven before its header and body are
// used, its body checked against the proven extrinsics root; a block never
// proven is the endpoint's claim (Claimed); a lying body is an error.
func TestLightParaSubmitThrough(t *testing.T) {
	c, err := testchain.Generate(testchain.Config{Seed: "chain-para-submit", Blocks: 3})
	if err != nil {
		t.Fatal(err)
	}
	srv := rpctest.New(c, 3)
	url, stop := srv.Start()
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rc, err := rpc.Dial(ctx, "ws"+strings.TrimPrefix(url, "http"))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	fp := &fakeParaProver{c: c, proven: 3, kept: map[header.Hash]*header.Header{}}
	l := NewLightPara(fp, LightOptions{})
	if l.CanSubmit() {
		t.Fatal("can submit without an endpoint")
	}
	var news []string
	if err := l.SubmitThrough(rc, ParaSubmitOptions{Timeout: time.Minute, Poll: 20 * time.Millisecond,
		Progress: func(m string) { news = append(news, m) }}); err != nil {
		t.Fatal(err)
	}
	if !l.CanSubmit() {
		t.Fatal("cannot submit through the endpoint")
	}
	send := func(t *testing.T, ext []byte) Hash {
		t.Helper()
		w, err := l.Submit(ctx, ext)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		for {
			st, err := w.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Kind == StatusFinalized {
				return st.Block
			}
		}
	}

	t.Run("proven", func(t *testing.T) {
		ext := []byte{0x0c, 1, 2, 3}
		b := send(t, ext)
		if b != Hash(c.Blocks[4].Hash) {
			t.Fatalf("finalized in %s, want block 4", b)
		}
		// The relay chain proves para block 5 a little later: block 4 is
		// proven as its parent.
		if _, err := srv.Extend(nil); err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(100*time.Millisecond, func() { fp.setProven(5) })
		h, err := l.Header(ctx, b)
		if err != nil || h.Number != 4 || h.Hash != b {
			t.Fatalf("header %+v %v", h, err)
		}
		body, err := l.BlockBody(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if got := body[len(body)-1]; string(got) != string(ext) {
			t.Fatalf("body %x", body)
		}
		if reason, claimed := l.Claimed(ctx, b); claimed {
			t.Fatalf("claimed: %s", reason)
		}
		if len(news) != 2 || !strings.Contains(news[0], "waiting") || !strings.Contains(news[1], "ancestor of #5") {
			t.Fatalf("progress %q", news)
		}
	})

	t.Run("lying-body", func(t *testing.T) {
		b := send(t, []byte{0x0c, 4, 5, 6})
		srv.SetLie(func(method string, res any) any {
			if method == "chain_getBlock" {
				m := res.(map[string]any)["block"].(map[string]any)
				m["extrinsics"] = m["extrinsics"].([]string)[:1]
			}
			return res
		})
		defer srv.SetLie(nil)
		fp.setProven(6)
		_, err := l.BlockBody(ctx, b)
		if !errors.Is(err, lightclient.ErrVerification) {
			t.Fatalf("lying body: %v", err)
		}
	})

	t.Run("unproven", func(t *testing.T) {
		l.sub.opts.Timeout = 200 * time.Millisecond
		b := send(t, []byte{0x0c, 7, 8, 9})
		h, err := l.Header(ctx, b)
		if err != nil || h.Hash != b || h.Number != 7 {
			t.Fatalf("claimed header %+v %v", h, err)
		}
		body, err := l.BlockBody(ctx, b)
		if err != nil || len(body) == 0 {
			t.Fatalf("claimed body %v", err)
		}
		reason, claimed := l.Claimed(ctx, b)
		if !claimed || !strings.Contains(reason, "did not prove") {
			t.Fatalf("claimed %v: %s", claimed, reason)
		}
	})

	// A block nobody reported stays unknown.
	if _, err := l.Header(ctx, Hash{1}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unreported block: %v", err)
	}
}
