package lightclient

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// pushClient is a light client of srv over WebSocket that polls every 20 ms
// until it follows pushed justifications, which keep the polls away for
// silence.
func pushClient(t testing.TB, c *testchain.Chain, url string, silence time.Duration, opts RPCOptions) (*Client, *RPCSource) {
	t.Helper()
	rc, err := rpc.Dial(context.Background(), rpctest.WS(url))
	if err != nil {
		t.Fatal(err)
	}
	if opts.Name == "" {
		opts.Name = "rpc-push"
	}
	src := NewRPCSource(rc, opts)
	sc := fastSync()
	sc.PushSilence = silence
	return startClientSync(t, c, sc, src), src
}

// waitFinalized waits until the client finalized block n of c.
func waitFinalized(t testing.TB, cl *Client, c *testchain.Chain, n uint32) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		h, hash, _ := cl.Finalized()
		if h.Number >= n {
			if h.Number != n || hash != c.Blocks[n].Hash {
				t.Fatalf("finalized %d %s, want %d %s", h.Number, hash, n, c.Blocks[n].Hash)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("did not finalize %d (at %d; driver error %v)", n, h.Number, cl.Err())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// settledPolls waits until the client holds its finality polls for the
// pushes (none in flight, none due: the machine says so on its own
// goroutine, not a quiet spell measured with a clock) and returns the
// grandpa_proveFinality calls the servers have answered. A later call is a
// poll the pushes did not prevent.
func settledPolls(t testing.TB, cl *Client, srvs ...*rpctest.Server) int {
	t.Helper()
	ctx := ctxT(t)
	waitFor(t, "finality polls held for the pushes", func() bool {
		held := make(chan bool, 1)
		if err := cl.inDriver(ctx, func() { held <- cl.m.PollsHeld(cl.clock()) }); err != nil {
			t.Fatalf("client driver: %v", err)
		}
		return <-held
	})
	n := 0
	for _, srv := range srvs {
		n += srv.Calls("grandpa_proveFinality")
	}
	return n
}

func pushChain(t testing.TB) *testchain.Chain {
	return genChain(t, testchain.Config{Seed: "lc-push", Blocks: 260, SetLength: 50, ForcedEvery: 3, Voters: 7, Rotate: 2, JustifyEvery: -1})
}

func TestRPCFollowPushes(t *testing.T) {
	c := pushChain(t) // set changes at 50, 100, 150 (forced), 200, 250
	srv, url := newChainServer(t, c, 70)
	cl, src := pushClient(t, c, url, time.Minute, RPCOptions{})
	if h, _, _ := cl.Finalized(); h.Number != 70 {
		t.Fatalf("synced at %d", h.Number)
	}
	if !src.Pushing() || srv.Subscribers() != 1 {
		t.Fatalf("pushing %v, %d subscribers", src.Pushing(), srv.Subscribers())
	}
	polls := settledPolls(t, cl, srv)
	// One block at a time, then jumps, across the change at 100.
	for n := uint32(71); n <= 110; n++ {
		srv.SetVisible(n)
		waitFinalized(t, cl, c, n)
	}
	for _, n := range []uint32{113, 120, 149, 150, 151, 160} {
		srv.SetVisible(n)
		waitFinalized(t, cl, c, n)
	}
	if _, _, id := cl.Finalized(); id != c.SetIDAt(161) {
		t.Fatalf("set %d, want %d", id, c.SetIDAt(161))
	}
	if got := srv.Calls("grandpa_proveFinality") - polls; got != 0 {
		t.Fatalf("%d grandpa_proveFinality calls while justifications were pushed", got)
	}
	if got := cl.FollowedByJustifications(); got != 90 {
		t.Fatalf("followed %d blocks from pushes, want 90", got)
	}
	// Every followed header is kept (QueryAt works there).
	for _, n := range []uint32{71, 100, 133, 159} {
		if _, ok := cl.Header(c.Blocks[n].Hash); !ok {
			t.Fatalf("block %d not kept", n)
		}
	}
	// The subscription skips the change at 200: the block's stored
	// justification (chain_getBlock) bridges the gap, still no poll.
	blocks := srv.Calls("chain_getBlock")
	srv.SetSkipPush(func(n uint32) bool { return n == 200 })
	srv.SetVisible(230)
	waitFinalized(t, cl, c, 230)
	if _, _, id := cl.Finalized(); id != c.SetIDAt(231) {
		t.Fatalf("set %d, want %d", id, c.SetIDAt(231))
	}
	if srv.Calls("chain_getBlock") == blocks {
		t.Fatal("the stored justification of 200 was not asked")
	}
	if got := srv.Calls("grandpa_proveFinality") - polls; got != 0 {
		t.Fatalf("%d grandpa_proveFinality calls across a skipped set change", got)
	}
	res, err := cl.ReadStorage(ctxT(t), [][]byte{testchain.KeySystemNumber})
	if err != nil || res.Number != 230 {
		t.Fatalf("read after following: %+v %v", res, err)
	}
}

// A skipped set change whose block justification the endpoint does not
// keep: the poll catches up.
func TestRPCSkippedChangeWithoutStored(t *testing.T) {
	c := pushChain(t)
	srv, url := newChainServer(t, c, 70)
	cl, _ := pushClient(t, c, url, time.Minute, RPCOptions{})
	polls := settledPolls(t, cl, srv)
	srv.SetSkipPush(func(n uint32) bool { return n == 100 })
	srv.SetNoStoredJustifications(true)
	srv.SetVisible(120)
	waitFinalized(t, cl, c, 120)
	if srv.Calls("grandpa_proveFinality") == polls {
		t.Fatal("caught up without a poll")
	}
	if _, _, id := cl.Finalized(); id != c.SetIDAt(121) {
		t.Fatalf("set %d, want %d", id, c.SetIDAt(121))
	}
	// The pushes take over again.
	polls = settledPolls(t, cl, srv)
	for n := uint32(121); n <= 125; n++ {
		srv.SetVisible(n)
		waitFinalized(t, cl, c, n)
	}
	if got := srv.Calls("grandpa_proveFinality") - polls; got != 0 {
		t.Fatalf("%d polls with the pushes back", got)
	}
}

func TestRPCSubscriptionDropped(t *testing.T) {
	c := pushChain(t)
	srv, url := newChainServer(t, c, 40)
	cl, src := pushClient(t, c, url, time.Minute, RPCOptions{Resubscribe: 300 * time.Millisecond})
	srv.SetVisible(45)
	waitFinalized(t, cl, c, 45)
	polls := srv.Calls("grandpa_proveFinality")
	// The endpoint refuses new subscriptions until the polls have followed:
	// the source's next try (after 300 ms) cannot win a race with a slow
	// test goroutine.
	srv.SetRefuseSubscriptions(true)
	if n := srv.DropSubscriptions(); n != 1 {
		t.Fatalf("dropped %d subscriptions", n)
	}
	waitFor(t, "the source stops claiming pushes", func() bool { return !src.Pushing() })
	// Nobody pushes: the polls follow.
	srv.SetVisible(60)
	waitFinalized(t, cl, c, 60)
	if srv.Calls("grandpa_proveFinality") == polls {
		t.Fatal("no poll after the subscription dropped")
	}
	// The source subscribes again and the pushes take over.
	srv.SetRefuseSubscriptions(false)
	waitFor(t, "a new subscription", func() bool { return src.Pushing() && srv.Subscribers() == 1 })
	polls = settledPolls(t, cl, srv)
	followed := cl.FollowedByJustifications()
	for n := uint32(61); n <= 70; n++ {
		srv.SetVisible(n)
		waitFinalized(t, cl, c, n)
	}
	if got := srv.Calls("grandpa_proveFinality") - polls; got != 0 {
		t.Fatalf("%d polls after the new subscription", got)
	}
	if cl.FollowedByJustifications()-followed != 10 {
		t.Fatalf("followed %d blocks from the new subscription", cl.FollowedByJustifications()-followed)
	}
}

// flipSignature forges a pushed justification: one signature bit flipped.
func flipSignature(res any) any {
	s, _ := res.(string)
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		return res
	}
	j, err := grandpa.DecodeJustification(b)
	if err != nil {
		return res
	}
	j.Commit.Precommits[0].Signature[5] ^= 0x10
	return rpctest.Hex(j.Encode())
}

func TestRPCPushLies(t *testing.T) {
	c := pushChain(t)
	for _, tc := range []struct {
		name string
		lie  func(method string, res any) any
	}{
		{"forged justification", func(method string, res any) any {
			if method == "grandpa_subscribeJustifications" {
				return flipSignature(res)
			}
			return res
		}},
		{"not a justification", func(method string, res any) any {
			if method == "grandpa_subscribeJustifications" {
				return []int{1, 2, 3}
			}
			return res
		}},
		{"headers that do not chain", func(method string, res any) any {
			if m, ok := res.(map[string]any); ok && method == "chain_getHeader" && m["number"] == "0x2a" {
				m["stateRoot"] = c.Blocks[7].Header.StateRoot.String()
			}
			return res
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := newChainServer(t, c, 40)
			cl, src := pushClient(t, c, url, time.Minute, RPCOptions{})
			srv.SetLie(tc.lie)
			srv.SetVisible(55)
			waitFor(t, "the lying endpoint banned", func() bool { return src.Banned() != nil })
			if !errors.Is(src.Banned(), chainsync.ErrMalicious) {
				t.Fatalf("ban reason %v", src.Banned())
			}
			if h, _, _ := cl.Finalized(); h.Number != 40 {
				t.Fatalf("finalized %d from a liar", h.Number)
			}
			// With only that endpoint, reads fail as a verification
			// failure (ksm exit code 3).
			_, err := cl.ReadStorage(ctxT(t), [][]byte{testchain.KeySystemNumber})
			if !errors.Is(err, chainsync.ErrMalicious) {
				t.Fatalf("read with the only endpoint banned: %v", err)
			}
		})
	}
}

func BenchmarkRPCFollowPush(b *testing.B) {
	c := genChain(b, testchain.Config{Seed: "lc-push-bench", Blocks: 20, SetLength: 1000, Voters: 10, JustifyEvery: -1})
	srv, url := newChainServer(b, c, 20)
	cl, _ := pushClient(b, c, url, time.Minute, RPCOptions{})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		blk, err := srv.Extend(nil)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if h, _, _ := cl.Finalized(); h.Number >= blk.Header.Number {
				break
			}
			time.Sleep(20 * time.Microsecond)
		}
	}
	b.ReportMetric(float64(cl.FollowedByJustifications())/float64(b.N), "pushed-blocks/op")
}

// The RPC source's headers and stored-justification answers, over HTTP and
// WebSocket.
func TestRPCSourceHeadersAndJustifications(t *testing.T) {
	c := pushChain(t)
	_, url := newChainServer(t, c, 120)
	for _, u := range []string{url, rpctest.WS(url)} {
		rc, err := rpc.Dial(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		src := NewRPCSource(rc, RPCOptions{})
		t.Cleanup(func() { src.Close() })
		ctx := ctxT(t)
		got, err := src.Do(ctx, chainsync.Request{Kind: chainsync.KindHeaders, Block: c.Blocks[103].Hash, Number: 103, Count: 5})
		if err != nil {
			t.Fatal(err)
		}
		hs, err := chainsync.DecodeHeaders(got)
		if err != nil || len(hs) != 5 {
			t.Fatalf("%d headers: %v", len(hs), err)
		}
		for i, h := range hs {
			if h.Hash() != c.Blocks[103-i].Hash {
				t.Fatalf("header %d is not block %d", i, 103-i)
			}
		}
		// Down to genesis at most.
		got, _ = src.Do(ctx, chainsync.Request{Kind: chainsync.KindHeaders, Block: c.Blocks[2].Hash, Number: 2, Count: 10})
		if hs, _ := chainsync.DecodeHeaders(got); len(hs) != 3 {
			t.Fatalf("%d headers from block 2", len(hs))
		}
		// A block the endpoint does not have: no headers.
		got, err = src.Do(ctx, chainsync.Request{Kind: chainsync.KindHeaders, Block: c.Blocks[200].Hash, Number: 200, Count: 3})
		if hs, _ := chainsync.DecodeHeaders(got); err != nil || len(hs) != 0 {
			t.Fatalf("headers of an unknown block: %d %v", len(hs), err)
		}
		got, err = src.Do(ctx, chainsync.Request{Kind: chainsync.KindJustification, Block: c.Blocks[100].Hash, Number: 100})
		if err != nil || string(got) != string(c.Blocks[100].Justification.Encode()) {
			t.Fatalf("stored justification of 100: %x %v", got, err)
		}
		for _, n := range []uint32{99, 200} {
			got, err = src.Do(ctx, chainsync.Request{Kind: chainsync.KindJustification, Block: c.Blocks[n].Hash, Number: n})
			if err != nil || len(got) != 0 {
				t.Fatalf("justification of %d: %x %v", n, got, err)
			}
		}
	}
}

// Two endpoints push; one forges its pushes: it is banned, the other is
// followed without polls.
func TestRPCPushTwoEndpointsOneLiar(t *testing.T) {
	c := pushChain(t)
	honest, hurl := newChainServer(t, c, 40)
	liar, lurl := newChainServer(t, c, 40)
	var srcs []Source
	var liarSrc *RPCSource
	for i, u := range []string{hurl, lurl} {
		rc, err := rpc.Dial(context.Background(), rpctest.WS(u))
		if err != nil {
			t.Fatal(err)
		}
		src := NewRPCSource(rc, RPCOptions{Name: []string{"honest", "liar"}[i]})
		if i == 1 {
			liarSrc = src
		}
		srcs = append(srcs, src)
	}
	sc := fastSync()
	sc.PushSilence = time.Minute
	cl := startClientSync(t, c, sc, srcs...)
	liar.SetLie(func(method string, res any) any {
		if method == "grandpa_subscribeJustifications" {
			return flipSignature(res)
		}
		return res
	})
	polls := settledPolls(t, cl, honest, liar)
	for n := uint32(41); n <= 60; n++ {
		liar.SetVisible(n) // the liar pushes first
		honest.SetVisible(n)
		waitFinalized(t, cl, c, n)
	}
	if liarSrc.Banned() == nil {
		t.Fatal("the forging endpoint was not banned")
	}
	if got := honest.Calls("grandpa_proveFinality") + liar.Calls("grandpa_proveFinality") - polls; got != 0 {
		t.Fatalf("%d polls with an honest endpoint pushing", got)
	}
	if st := cl.Status(); st.Peers != 1 {
		t.Fatalf("%d usable peers", st.Peers)
	}
}
