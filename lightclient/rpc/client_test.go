package rpc

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// waitLimit bounds the waits of these tests. It is a safety net, not a
// speed requirement: on a loaded machine (the suite next to other builds on
// two cores) what takes milliseconds alone can take seconds.
const waitLimit = time.Minute

// waitFor polls cond until it holds, failing the test with what after
// waitLimit.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	testenv.WaitFor(t, what, waitLimit, cond)
}

func dialT(t *testing.T, url string, opts Options) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c, err := DialOptions(ctx, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*waitLimit)
	t.Cleanup(cancel)
	return ctx
}

// both runs f against a WebSocket and an HTTP client of the same server.
func both(t *testing.T, f func(t *testing.T, fs *fakeServer, c *Client)) {
	for _, tr := range []string{"ws", "http"} {
		t.Run(tr, func(t *testing.T) {
			fs := newFakeServer(t)
			url := fs.wsURL()
			if tr == "http" {
				url = fs.httpURL()
			}
			f(t, fs, dialT(t, url, Options{}))
		})
	}
}

func TestCall(t *testing.T) {
	both(t, func(t *testing.T, _ *fakeServer, c *Client) {
		ctx := testCtx(t)
		var got map[string]int
		if err := c.Call(ctx, "echo", []any{map[string]int{"a": 1}}, &got); err != nil {
			t.Fatal(err)
		}
		if got["a"] != 1 {
			t.Fatalf("echo = %v", got)
		}
		var raw json.RawMessage
		if err := c.Call(ctx, "null", nil, &raw); err != nil || string(raw) != "null" {
			t.Fatalf("null: %q, %v", raw, err)
		}
		if err := c.Call(ctx, "echo", []any{1}, nil); err != nil {
			t.Fatalf("discarded result: %v", err)
		}
		var s string
		if err := c.Call(ctx, "echo", []any{1}, &s); !errors.Is(err, ErrBadResult) {
			t.Fatalf("number into string: %v, want ErrBadResult", err)
		}
	})
}

func TestCallError(t *testing.T) {
	both(t, func(t *testing.T, _ *fakeServer, c *Client) {
		ctx := testCtx(t)
		err := c.Call(ctx, "fail", nil, nil)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("err = %v, want *Error", err)
		}
		if e.Code != 1010 || e.Message != "Invalid Transaction" || string(e.Data) != `"Transaction has a bad signature"` {
			t.Fatalf("error = %+v", e)
		}
		if !strings.Contains(err.Error(), "fail") || !strings.Contains(err.Error(), "1010") {
			t.Fatalf("message lacks context: %v", err)
		}
		if err := c.Call(ctx, "no_such_method", nil, nil); !errors.As(err, &e) || e.Code != -32601 {
			t.Fatalf("unknown method: %v", err)
		}
		// The connection survives server errors.
		if err := c.Call(ctx, "echo", []any{1}, nil); err != nil {
			t.Fatal(err)
		}
	})
}

func TestConcurrentCalls(t *testing.T) {
	both(t, func(t *testing.T, _ *fakeServer, c *Client) {
		ctx := testCtx(t)
		const n = 64
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Later requests sleep less, so answers come out of order.
				var got int
				if err := c.Call(ctx, "sleep", []any{(n - i) % 7 * 5, i}, &got); err != nil {
					errs <- err
					return
				}
				if got != i {
					errs <- errors.New("answer routed to the wrong call")
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	})
}

func TestContextCancel(t *testing.T) {
	both(t, func(t *testing.T, fs *fakeServer, c *Client) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		errc := make(chan error, 1)
		go func() { errc <- c.Call(ctx, "never", nil, nil) }()
		select { // a safety net for a call that ignores its context, not a speed bound
		case err := <-errc:
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want deadline exceeded", err)
			}
		case <-time.After(waitLimit):
			t.Fatal("a call whose context expired has not returned")
		}
		cctx, ccancel := context.WithCancel(context.Background())
		ccancel()
		if err := c.Call(cctx, "echo", []any{1}, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled ctx: %v", err)
		}
		// A cancelled call does not harm the connection; a late answer to
		// it is dropped.
		ctx2 := testCtx(t)
		ctx3, cancel3 := context.WithTimeout(ctx2, 20*time.Millisecond)
		defer cancel3()
		if err := c.Call(ctx3, "sleep", []any{100, 7}, nil); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		if c.ws != nil {
			// The late answer is on the wire before the next call's.
			fs.waitAnswered(t, "sleep", 1)
		}
		var got int
		if err := c.Call(ctx2, "sleep", []any{0, 8}, &got); err != nil || got != 8 {
			t.Fatalf("after cancel: %d, %v", got, err)
		}
	})
}

func TestServerClosesMidCall(t *testing.T) {
	fs := newFakeServer(t)
	c := dialT(t, fs.wsURL(), Options{})
	ctx := testCtx(t)
	sub, err := c.Subscribe(ctx, "test_subscribe", []any{0}, "test_unsubscribe")
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() { errs <- c.Call(ctx, "never", nil, nil) }()
	}
	fs.waitReceived(t, "never", n) // the calls are pending at the server
	fs.closeAll()
	for range n {
		if err := <-errs; !errors.Is(err, ErrClosed) {
			t.Fatalf("pending call: %v, want ErrClosed", err)
		}
	}
	if _, ok := <-sub.Notifications(); ok {
		t.Fatal("subscription channel still open")
	}
	if !errors.Is(sub.Err(), ErrClosed) {
		t.Fatalf("sub.Err = %v", sub.Err())
	}
	select {
	case <-c.Done():
	case <-time.After(waitLimit):
		t.Fatal("Done not closed")
	}
	if err := c.Call(ctx, "echo", []any{1}, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("call after close: %v", err)
	}
	if err := sub.Unsubscribe(); err != nil {
		t.Fatalf("unsubscribe after close: %v", err)
	}
}

func TestServerHangsUpOnRequest(t *testing.T) {
	fs := newFakeServer(t)
	c := dialT(t, fs.wsURL(), Options{})
	if err := c.Call(testCtx(t), "hangup", nil, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v, want ErrClosed", err)
	}
}

func TestClose(t *testing.T) {
	both(t, func(t *testing.T, fs *fakeServer, c *Client) {
		ctx := testCtx(t)
		errs := make(chan error, 1)
		go func() { errs <- c.Call(ctx, "never", nil, nil) }()
		fs.waitReceived(t, "never", 1) // the call is pending
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-errs:
			if !errors.Is(err, ErrClosed) {
				t.Fatalf("pending: %v, want ErrClosed", err)
			}
		case <-time.After(waitLimit):
			t.Fatal("pending call not failed by Close")
		}
		if err := c.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if err := c.Call(ctx, "echo", []any{1}, nil); !errors.Is(err, ErrClosed) {
			t.Fatalf("after Close: %v", err)
		}
		if !errors.Is(c.Err(), ErrClosed) {
			t.Fatalf("Err = %v", c.Err())
		}
	})
}

func TestOversizedMessage(t *testing.T) {
	both(t, func(t *testing.T, fs *fakeServer, _ *Client) {
		url := fs.wsURL()
		if !strings.HasPrefix(t.Name(), "TestOversizedMessage/ws") {
			url = fs.httpURL()
		}
		c := dialT(t, url, Options{MaxMessageSize: 4096})
		ctx := testCtx(t)
		var s string
		if err := c.Call(ctx, "big", []any{3000}, &s); err != nil || len(s) != 3000 {
			t.Fatalf("under the limit: %d, %v", len(s), err)
		}
		err := c.Call(ctx, "big", []any{5000}, &s)
		if !errors.Is(err, ErrMessageTooLarge) {
			t.Fatalf("err = %v, want ErrMessageTooLarge", err)
		}
		if c.ws != nil && !errors.Is(err, ErrClosed) {
			t.Fatalf("ws: err = %v, want ErrClosed as well", err)
		}
	})
}

func TestDefaultLimitTakesMetadataSizedMessages(t *testing.T) {
	fs := newFakeServer(t)
	c := dialT(t, fs.wsURL(), Options{})
	var s string
	if err := c.Call(testCtx(t), "big", []any{3 << 20}, &s); err != nil || len(s) != 3<<20 {
		t.Fatalf("3 MiB result: %d, %v", len(s), err)
	}
}

func TestMalformedFrameClosesConnection(t *testing.T) {
	fs := newFakeServer(t)
	c := dialT(t, fs.wsURL(), Options{})
	err := c.Call(testCtx(t), "garbage", nil, nil)
	if !errors.Is(err, ErrClosed) || !errors.Is(err, ErrBadFrame) {
		t.Fatalf("err = %v, want ErrClosed and ErrBadFrame", err)
	}
}

func TestHTTPErrors(t *testing.T) {
	fs := newFakeServer(t)
	c := dialT(t, fs.httpURL(), Options{})
	ctx := testCtx(t)
	if err := c.Call(ctx, "http_status", nil, nil); err == nil || !strings.Contains(err.Error(), "418") {
		t.Fatalf("status: %v", err)
	}
	if err := c.Call(ctx, "http_wrong_id", nil, nil); !errors.Is(err, ErrBadFrame) {
		t.Fatalf("wrong id: %v", err)
	}
	if _, err := c.Subscribe(ctx, "test_subscribe", nil, "test_unsubscribe"); !errors.Is(err, ErrNoSubscriptions) {
		t.Fatalf("subscribe over HTTP: %v", err)
	}
}

func TestDialErrors(t *testing.T) {
	ctx := testCtx(t)
	if _, err := Dial(ctx, "ftp://127.0.0.1/"); !errors.Is(err, ErrUnsupportedScheme) {
		t.Fatalf("ftp: %v", err)
	}
	fs := newFakeServer(t)
	url := fs.wsURL()
	fs.srv.Close()
	_, err := Dial(ctx, url+"/?apikey=secret123")
	if err == nil {
		t.Fatal("dial to a closed server succeeded")
	}
	if strings.Contains(err.Error(), "secret123") {
		t.Fatalf("error leaks the query: %v", err)
	}
}

func TestSubscription(t *testing.T) {
	for _, method := range []string{"test_subscribe", "sub_numeric"} {
		t.Run(method, func(t *testing.T) {
			fs := newFakeServer(t)
			c := dialT(t, fs.wsURL(), Options{})
			ctx := testCtx(t)
			sub, err := c.Subscribe(ctx, method, []any{5}, "test_unsubscribe")
			if err != nil {
				t.Fatal(err)
			}
			for i := range 5 {
				select {
				case raw := <-sub.Notifications():
					var n int
					if err := json.Unmarshal(raw, &n); err != nil || n != i {
						t.Fatalf("notification %d = %s", i, raw)
					}
				case <-time.After(waitLimit):
					t.Fatalf("notification %d not delivered", i)
				}
			}
			id := sub.ID()
			if err := sub.Unsubscribe(); err != nil {
				t.Fatal(err)
			}
			if _, ok := <-sub.Notifications(); ok {
				t.Fatal("channel open after Unsubscribe")
			}
			if sub.Err() != nil {
				t.Fatalf("Err after Unsubscribe = %v", sub.Err())
			}
			var want any
			_ = json.Unmarshal(id, &want)
			if u := fs.unsubs(); len(u) != 1 || u[0] != strings.Trim(string(id), `"`) {
				t.Fatalf("server saw unsubscribe %v, want %s", u, id)
			}
			if err := sub.Unsubscribe(); err != nil {
				t.Fatalf("second Unsubscribe: %v", err)
			}
			if len(fs.unsubs()) != 1 {
				t.Fatal("second Unsubscribe sent another request")
			}
		})
	}
}

func TestManySubscriptions(t *testing.T) {
	fs := newFakeServer(t)
	c := dialT(t, fs.wsURL(), Options{})
	ctx := testCtx(t)
	subs := make([]*Subscription, 10)
	for i := range subs {
		var err error
		if subs[i], err = c.Subscribe(ctx, "test_subscribe", []any{3}, "test_unsubscribe"); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range subs {
		for j := range 3 {
			select {
			case raw := <-s.Notifications():
				if string(raw) != string(rune('0'+j)) {
					t.Fatalf("sub %d notification %d = %s", i, j, raw)
				}
			case <-time.After(waitLimit):
				t.Fatalf("sub %d notification %d missing", i, j)
			}
		}
	}
}

func TestSubscriptionErrorNotification(t *testing.T) {
	fs := newFakeServer(t)
	c := dialT(t, fs.wsURL(), Options{})
	sub, err := c.Subscribe(testCtx(t), "sub_then_error", nil, "test_unsubscribe")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case _, ok := <-sub.Notifications():
		if ok {
			t.Fatal("unexpected notification")
		}
	case <-time.After(waitLimit):
		t.Fatal("subscription not ended")
	}
	var e *Error
	if !errors.As(sub.Err(), &e) || e.Code != -32800 {
		t.Fatalf("Err = %v", sub.Err())
	}
}

func TestSlowSubscriber(t *testing.T) {
	fs := newFakeServer(t)
	c := dialT(t, fs.wsURL(), Options{NotificationBuffer: 4})
	ctx := testCtx(t)
	sub, err := c.Subscribe(ctx, "sub_flood", []any{50}, "test_unsubscribe")
	if err != nil {
		t.Fatal(err)
	}
	// Do not read: the fifth notification overflows the buffer.
	waitFor(t, "slow subscriber dropped", func() bool { return sub.Err() != nil })
	if !errors.Is(sub.Err(), ErrSlowConsumer) {
		t.Fatalf("Err = %v", sub.Err())
	}
	got := 0
	for range sub.Notifications() {
		got++
	}
	if got != 4 {
		t.Fatalf("buffered %d notifications, want 4", got)
	}
	// The client unsubscribes from the server and stays usable.
	waitFor(t, "server told to unsubscribe", func() bool { return len(fs.unsubs()) > 0 })
	if err := c.Call(ctx, "echo", []any{1}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestSubscribeCancelled(t *testing.T) {
	fs := newFakeServer(t)
	c := dialT(t, fs.wsURL(), Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Subscribe(ctx, "test_subscribe", []any{1}, "test_unsubscribe"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	// A subscribe call abandoned before the answer: the late subscription
	// is unsubscribed, not leaked on the server. The server answers only
	// after the caller gave up.
	abandon, cancelAbandon := context.WithCancel(context.Background())
	defer cancelAbandon()
	errc := make(chan error, 1)
	go func() {
		_, err := c.Subscribe(abandon, "sub_slow", nil, "test_unsubscribe")
		errc <- err
	}()
	fs.waitReceived(t, "sub_slow", 1)
	cancelAbandon()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	close(fs.slowRelease)
	waitFor(t, "abandoned subscription unsubscribed", func() bool { return len(fs.unsubs()) > 0 })
	if u := fs.unsubs(); len(u) != 1 || !strings.HasPrefix(u[0], "slow-") {
		t.Fatalf("unsubscribed %v", u)
	}
	if _, err := c.Subscribe(testCtx(t), "fail", nil, "test_unsubscribe"); err == nil {
		t.Fatal("subscribe to a failing method succeeded")
	}
	if _, err := c.Subscribe(testCtx(t), "echo", []any{map[string]int{}}, "x"); !errors.Is(err, ErrBadResult) {
		t.Fatalf("object as subscription id: %v", err)
	}
}

func TestSubmitAndWatch(t *testing.T) {
	fs := newFakeServer(t)
	c := dialT(t, fs.wsURL(), Options{})
	ctx := testCtx(t)
	w, err := c.SubmitAndWatchExtrinsic(ctx, []byte{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Unsubscribe()
	want := []TxStatusKind{TxReady, TxBroadcast, TxInBlock, TxFinalized}
	for i, k := range want {
		st, err := w.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Kind != k {
			t.Fatalf("status %d = %s, want %s", i, st.Kind, k)
		}
		if (k == TxInBlock || k == TxFinalized) && st.Block[0] != 0x11 {
			t.Fatalf("%s block = %s", k, st.Block)
		}
		if k == TxBroadcast && (len(st.Peers) != 1 || st.Peers[0] != "12D3KooW") {
			t.Fatalf("peers = %v", st.Peers)
		}
		if k.Final() != (k == TxFinalized) {
			t.Fatalf("%s.Final() wrong", k)
		}
	}
	_ = w.Unsubscribe()
	if _, err := w.Next(ctx); err != io.EOF {
		t.Fatalf("Next after Unsubscribe: %v, want io.EOF", err)
	}
}

func TestTypedHelpers(t *testing.T) {
	fs := newFakeServer(t)
	c := dialT(t, fs.httpURL(), Options{})
	ctx := testCtx(t)
	h, err := c.Header(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h.Number != 300 || h.ParentHash[0] != 1 || len(h.Digest.Logs) != 2 {
		t.Fatalf("header = %+v", h)
	}
	enc, err := h.SCALE()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("01", 32) + "b104" + strings.Repeat("02", 32) + strings.Repeat("03", 32) +
		"08" + "0642414245b501" + "05424142450101ff"
	if hex.EncodeToString(enc) != want {
		t.Fatalf("SCALE = %x\nwant    %s", enc, want)
	}
	v, err := c.RuntimeVersion(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.SpecName != "kusama" || v.SpecVersion != 1000000 || v.TransactionVersion != 24 || len(v.APIs) != 2 ||
		v.APIs[0].Version != 5 || v.APIs[0].ID != [8]byte{0xdf, 0x6a, 0xcb, 0x68, 0x99, 0x07, 0x60, 0x9b} {
		t.Fatalf("runtime version = %+v", v)
	}
	// A null result is ErrNotFound; the fake answers "Method not found" to
	// state_getStorage, which is an *Error.
	if _, err := c.Storage(ctx, []byte{1}, &Hash{}); err == nil {
		t.Fatal("unknown method succeeded")
	}
}
