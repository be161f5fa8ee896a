package lightclient

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/p2p/p2ptest"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// submitChains are a fresh parachain of 10 blocks and a relay chain of 12
// whose block n records para block n-2; relay blocks made later record the
// para chain's newest block.
func submitChains(t testing.TB, seed string) (relay, para *testchain.Chain) {
	t.Helper()
	para, err := testchain.Generate(testchain.Config{Seed: seed + "-para", Blocks: 10})
	if err != nil {
		t.Fatal(err)
	}
	relay, err = testchain.Generate(testchain.Config{Seed: seed + "-relay", Blocks: 12, SetLength: 20, ExtraState: func(n uint32) []trie.KV {
		p := para.Blocks[len(para.Blocks)-1]
		if n <= 12 {
			p = para.Blocks[n-min(n, 2)]
		}
		return []trie.KV{{Key: parachain.HeadsKey(1000), Value: parachain.EncodeHeadData(p.Header)}}
	}})
	if err != nil {
		t.Fatal(err)
	}
	return relay, para
}

// blocksOf is the /sync/2 answer of an honest node for blocks from..to of
// c, descending.
func blocksOf(c *testchain.Chain, from, to uint32) []wire.BlockData {
	var out []wire.BlockData
	for n := int(from); n >= int(to); n-- {
		b := c.Blocks[n]
		out = append(out, wire.BlockData{Hash: b.Hash, Header: b.Header.Encode(), Body: b.Extrinsics})
	}
	return out
}

func TestVerifyParaBlocks(t *testing.T) {
	_, p := submitChains(t, "lc-verify-para-blocks")
	top := p.Blocks[8]
	invented := func() []wire.BlockData {
		bs := blocksOf(p, 8, 6)
		h := p.Blocks[8].Header.Clone()
		body := append(append([][]byte(nil), bs[0].Body...), scale.AppendBytes(nil, []byte("claimed transfer")))
		h.ExtrinsicsRoot = trie.OrderedRoot(trie.V0, body)
		bs[0] = wire.BlockData{Hash: top.Hash, Header: h.Encode(), Body: body}
		return bs
	}
	for _, tc := range []struct {
		name   string
		blocks func() []wire.BlockData
		want   int // blocks returned; -1: malicious
	}{
		{"honest", func() []wire.BlockData { return blocksOf(p, 8, 4) }, 5},
		{"short answer", func() []wire.BlockData { return blocksOf(p, 8, 8) }, 1},
		{"no block", func() []wire.BlockData { return nil }, 0},
		{"down to genesis", func() []wire.BlockData { return blocksOf(p, 8, 0) }, 9},
		{"below genesis", func() []wire.BlockData { return append(blocksOf(p, 8, 0), blocksOf(p, 1, 1)...) }, -1},
		{"invented block", invented, -1},
		{"body not matching the root", func() []wire.BlockData {
			bs := blocksOf(p, 8, 6)
			bs[1].Body = append(append([][]byte(nil), bs[1].Body...), []byte{8, 4, 1})
			return bs
		}, -1},
		{"body dropped", func() []wire.BlockData {
			bs := blocksOf(p, 8, 6)
			bs[2].Body = nil
			return bs
		}, -1},
		{"another chain's block", func() []wire.BlockData {
			bs := blocksOf(p, 8, 6)
			bs[1] = blocksOf(p, 5, 5)[0]
			return bs
		}, -1},
		{"altered header", func() []wire.BlockData {
			bs := blocksOf(p, 8, 6)
			h := p.Blocks[7].Header.Clone()
			h.StateRoot[0] ^= 1
			bs[1].Header = h.Encode()
			return bs
		}, -1},
		{"no header", func() []wire.BlockData {
			bs := blocksOf(p, 8, 6)
			bs[0].Header = nil
			return bs
		}, -1},
		{"garbage header", func() []wire.BlockData {
			bs := blocksOf(p, 8, 6)
			bs[0].Header = []byte{1, 2, 3}
			return bs
		}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := VerifyParaBlocks(top.Hash, 8, tc.blocks())
			if tc.want < 0 {
				if !errors.Is(err, chainsync.ErrMalicious) {
					t.Fatalf("got %d blocks, err %v; want it refused as a lie", len(got), err)
				}
				return
			}
			if err != nil || len(got) != tc.want {
				t.Fatalf("got %d blocks, err %v; want %d", len(got), err, tc.want)
			}
			for i, b := range got {
				want := p.Blocks[8-i]
				if b.Hash != want.Hash || b.Header.Number != 8-uint32(i) || len(b.Body) != len(want.Extrinsics) {
					t.Fatalf("block %d: #%d %s", i, b.Header.Number, b.Hash)
				}
			}
		})
	}
}

func FuzzVerifyParaBlocks(f *testing.F) {
	_, p := submitChains(f, "lc-fuzz-para-blocks")
	top := p.Blocks[5]
	f.Add((&wire.BlockResponse{Blocks: blocksOf(p, 5, 3)}).Encode())
	f.Add([]byte{0x0a, 0x02, 0x12, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		resp, err := wire.DecodeBlockResponse(b)
		if err != nil {
			return
		}
		got, err := VerifyParaBlocks(top.Hash, 5, resp.Blocks)
		if err != nil {
			if !errors.Is(err, chainsync.ErrMalicious) {
				t.Fatalf("error not marked malicious: %v", err)
			}
			return
		}
		for i, x := range got {
			if x.Hash != p.Blocks[5-i].Hash {
				t.Fatalf("block %d accepted as %s", i, x.Hash)
			}
		}
	})
}

// paraSubmitEnv is a light client of a relay and a parachain over mocknet,
// a ParaSubmitter over the para nodes, and a producer: a transaction any
// para node receives goes in a new para block (unless include is false:
// then an empty one) followed by an empty one, then a new relay block
// records the newest para block.
type paraSubmitEnv struct {
	relay, para *testchain.Chain
	nodes       []*p2ptest.Node
	srcs        []*p2ptest.ParaSource
	ps          *P2PParaSource
	sub         *ParaSubmitter
}

func newParaSubmitEnv(t *testing.T, seed string, include bool, timeout time.Duration, lies ...p2ptest.Lie) *paraSubmitEnv {
	t.Helper()
	relay, para := submitChains(t, seed)
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	rs, rl := p2pRelayLive(t, mn, relay, 12)
	pl := p2ptest.NewLiveChain(para, 10)
	e := &paraSubmitEnv{relay: relay, para: para, srcs: make([]*p2ptest.ParaSource, len(lies))}
	for i, lie := range lies {
		e.srcs[i] = p2ptest.NewParaSource(pl)
		e.srcs[i].SetBlockLie(lie)
	}
	e.nodes = paraMocks(t, mn, e.srcs)
	e.ps = p2pParaSource(t, mn, para, e.nodes)
	cl := startParaClient(t, relay, 1+len(e.nodes), rs, e.ps)
	e.sub = NewParaSubmitter(cl.Para(1000), e.ps, ParaSubmitOptions{Poll: 20 * time.Millisecond, Timeout: timeout, RequestTimeout: 2 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var once sync.Once
	for _, n := range e.nodes {
		go func() {
			select {
			case <-ctx.Done():
			case tx := <-n.Transactions():
				once.Do(func() {
					xts := tx.Transactions
					if !include {
						xts = nil
					}
					if _, _, err := pl.Produce(xts); err != nil {
						t.Errorf("para block: %v", err)
					}
					if _, _, err := pl.Produce(nil); err != nil {
						t.Errorf("para block: %v", err)
					}
					if _, _, err := rl.Produce(nil); err != nil {
						t.Errorf("relay block: %v", err)
					}
				})
			}
		}()
	}
	return e
}

// final follows s to its last status (or error).
func final(t *testing.T, s *Submission) (SubmitStatus, error) {
	t.Helper()
	ctx := ctxT(t)
	var last SubmitStatus
	for {
		st, err := s.Next(ctx)
		if errors.Is(err, io.EOF) {
			return last, nil
		}
		if err != nil {
			return last, err
		}
		last = st
	}
}

func TestParaSubmitter(t *testing.T) {
	ext := scale.AppendBytes(nil, []byte("a para transfer"))
	t.Run("honest", func(t *testing.T) {
		e := newParaSubmitEnv(t, "lc-para-submit", true, time.Minute, p2ptest.Truthful)
		ctx := ctxT(t)
		start := time.Now()
		s, err := e.sub.Submit(ctx, ext)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		st, err := final(t, s)
		if err != nil {
			t.Fatal(err)
		}
		b := e.para.Blocks[11]
		if st.Kind != StatusFinalized || st.Block != b.Hash || st.Number != 11 || st.Index != len(b.Extrinsics)-1 {
			t.Fatalf("status %+v, want finalized in #11 %s", st, b.Hash)
		}
		t.Logf("submit to proven inclusion: %v", time.Since(start))
		// The including block is kept as proven (an ancestor of the
		// proven head #12): its state and body can be read.
		if h, ok := e.sub.v.Header(b.Hash); !ok || h.Number != 11 {
			t.Fatalf("block #11 not kept: %v", ok)
		}
		if _, err := e.sub.v.ReadStorageAt(ctx, b.Hash, [][]byte{testchain.KeySystemNumber}); err != nil {
			t.Fatalf("read at the including block: %v", err)
		}
		body, err := e.sub.BlockBody(ctx, e.para.Blocks[12].Hash)
		if err != nil || len(body) != len(e.para.Blocks[12].Extrinsics) {
			t.Fatalf("body of #12: %d %v", len(body), err)
		}
	})
	// One node lies about the blocks, another is honest: the liar, when
	// asked, is banned and the honest node's blocks are used.
	for _, lie := range []p2ptest.Lie{p2ptest.LieBody, p2ptest.LieHeaders, p2ptest.NoBlocks} {
		t.Run("one-honest-"+lieName(lie), func(t *testing.T) {
			e := newParaSubmitEnv(t, "lc-para-submit-"+lieName(lie), true, time.Minute, lie, p2ptest.Truthful)
			s, err := e.sub.Submit(ctxT(t), ext)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			st, err := final(t, s)
			if err != nil || st.Kind != StatusFinalized || st.Block != e.para.Blocks[11].Hash {
				t.Fatalf("status %+v, err %v", st, err)
			}
			liar, honest := e.nodes[0], e.nodes[1]
			if e.ps.Host().Banned(honest.ID()) {
				t.Fatal("the honest node was banned")
			}
			asked := e.srcs[0].BlockRequests.Load() > 0
			if banned := e.ps.Host().Banned(liar.ID()); asked && banned != (lie != p2ptest.NoBlocks) {
				t.Fatalf("liar asked, banned %v", banned)
			}
		})
	}
	// Only liars or withholders: never "finalized" nor "dropped"; the
	// watch fails as a network failure once the timeout passes.
	for _, tc := range []struct {
		name    string
		lie     p2ptest.Lie
		invent  bool
		banned  bool
		include bool
	}{
		{"only-body-liar", p2ptest.LieBody, false, true, true},
		{"only-invented-inclusion", p2ptest.Truthful, true, true, false},
		{"only-withholder", p2ptest.NoBlocks, false, false, true},
		{"only-staller", p2ptest.Truthful, false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newParaSubmitEnv(t, "lc-para-submit-"+tc.name, tc.include, 3*time.Second, tc.lie)
			if tc.invent {
				e.srcs[0].SetInvent(ext)
			}
			if tc.name == "only-staller" {
				// It takes the transaction, then never answers a block
				// request (each times out).
				e.nodes[0].SetMode(p2ptest.Stall)
			}
			s, err := e.sub.Submit(ctxT(t), ext)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			st, err := final(t, s)
			if !errors.Is(err, ErrUnreachable) || st.Kind == StatusFinalized || st.Kind == StatusDropped {
				t.Fatalf("status %+v, err %v; want a network failure", st, err)
			}
			reason, banned := e.ps.Host().BanReason(e.nodes[0].ID())
			if banned != tc.banned || (banned && !strings.Contains(reason, "do not verify")) {
				t.Fatalf("banned %v (%q), want %v", banned, reason, tc.banned)
			}
			t.Logf("%v", err)
		})
	}
}

func lieName(l p2ptest.Lie) string {
	switch l {
	case p2ptest.LieBody:
		return "body"
	case p2ptest.LieHeaders:
		return "headers"
	case p2ptest.NoBlocks:
		return "withheld"
	}
	return "truthful"
}
