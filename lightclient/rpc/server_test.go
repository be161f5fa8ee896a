package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// fakeServer is an in-process JSON-RPC server (WebSocket and HTTP on the same
// URL) whose methods exercise the client's edge cases.
type fakeServer struct {
	srv *httptest.Server

	mu           sync.Mutex
	unsubscribed []string       // ids passed to unsubscribe methods
	received     map[string]int // requests read, by method
	answered     map[string]int // answers written, by method
	conns        []*websocket.Conn
	nextSub      atomic.Int64
	// slowRelease, closed by a test, lets sub_slow answer.
	slowRelease chan struct{}
}

type fakeRequest struct {
	JSONRPC string            `json:"jsonrpc"`
	ID      json.RawMessage   `json:"id"`
	Method  string            `json:"method"`
	Params  []json.RawMessage `json:"params"`
}

func newFakeServer(t testing.TB) *fakeServer {
	t.Helper()
	fs := &fakeServer{received: map[string]int{}, answered: map[string]int{}, slowRelease: make(chan struct{})}
	fs.srv = httptest.NewServer(http.HandlerFunc(fs.serveHTTP))
	t.Cleanup(fs.srv.Close)
	return fs
}

func (fs *fakeServer) wsURL() string   { return "ws" + strings.TrimPrefix(fs.srv.URL, "http") }
func (fs *fakeServer) httpURL() string { return fs.srv.URL }

func (fs *fakeServer) unsubs() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.unsubscribed...)
}

// count notes a request read (answer false) or an answer written.
func (fs *fakeServer) count(method string, answer bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if answer {
		fs.answered[method]++
	} else {
		fs.received[method]++
	}
}

// waitReceived waits until the server has read n requests of method: the
// calls were written, whatever the scheduler did with the goroutines.
func (fs *fakeServer) waitReceived(t testing.TB, method string, n int) {
	t.Helper()
	fs.waitCount(t, fmt.Sprintf("%d %s requests received", n, method), fs.received, method, n)
}

// waitAnswered waits until the server has written n answers to method.
func (fs *fakeServer) waitAnswered(t testing.TB, method string, n int) {
	t.Helper()
	fs.waitCount(t, fmt.Sprintf("%d %s answers written", n, method), fs.answered, method, n)
}

// waitCount waits until counts (received or answered) reaches n for method.
func (fs *fakeServer) waitCount(t testing.TB, what string, counts map[string]int, method string, n int) {
	t.Helper()
	waitFor(t, what, func() bool {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		return counts[method] >= n
	})
}

// closeAll drops every WebSocket connection (server hanging up).
func (fs *fakeServer) closeAll() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, c := range fs.conns {
		_ = c.CloseNow()
	}
}

func (fs *fakeServer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") != "" {
		fs.serveWS(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req fakeRequest
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	switch req.Method {
	case "http_status":
		http.Error(w, "teapot", http.StatusTeapot)
		return
	case "http_wrong_id":
		_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":999999,"result":1}`))
		return
	}
	fs.count(req.Method, false)
	out := fs.handle(r.Context(), nil, req)
	if out == nil {
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
	fs.count(req.Method, true)
}

func (fs *fakeServer) serveWS(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	c.SetReadLimit(-1)
	fs.mu.Lock()
	fs.conns = append(fs.conns, c)
	fs.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wmu sync.Mutex
	send := func(b []byte) {
		wmu.Lock()
		defer wmu.Unlock()
		_ = c.Write(ctx, websocket.MessageText, b)
	}
	sc := &fakeConn{send: send, close: func() { _ = c.CloseNow() }, ctx: ctx}
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		var req fakeRequest
		if err := json.Unmarshal(data, &req); err != nil {
			return
		}
		fs.count(req.Method, false)
		go func() {
			if out := fs.handle(ctx, sc, req); out != nil {
				send(out)
				fs.count(req.Method, true)
			}
		}()
	}
}

type fakeConn struct {
	send  func([]byte)
	close func()
	ctx   context.Context
}

func result(id json.RawMessage, v any) []byte {
	b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "result": v})
	if err != nil {
		panic(err)
	}
	return b
}

func notify(method string, sub, v any) []byte {
	b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method,
		"params": map[string]any{"subscription": sub, "result": v}})
	if err != nil {
		panic(err)
	}
	return b
}

func intParam(req fakeRequest, i int) int {
	var n int
	if i < len(req.Params) {
		_ = json.Unmarshal(req.Params[i], &n)
	}
	return n
}

// handle answers one request; nil means no answer (yet).
func (fs *fakeServer) handle(ctx context.Context, sc *fakeConn, req fakeRequest) []byte {
	switch req.Method {
	case "echo":
		var v any
		if len(req.Params) > 0 {
			_ = json.Unmarshal(req.Params[0], &v)
		}
		return result(req.ID, v)
	case "sleep": // sleep(ms, value)
		select {
		case <-time.After(time.Duration(intParam(req, 0)) * time.Millisecond):
		case <-ctx.Done():
			return nil
		}
		return result(req.ID, intParam(req, 1))
	case "never":
		return nil
	case "fail":
		return []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"error":{"code":1010,"message":"Invalid Transaction","data":"Transaction has a bad signature"}}`, req.ID))
	case "null":
		return result(req.ID, nil)
	case "big": // a string result of n bytes
		return result(req.ID, strings.Repeat("a", intParam(req, 0)))
	case "garbage":
		return []byte(`{"jsonrpc":"2.0","id":`)
	case "hangup":
		if sc != nil {
			sc.close()
		}
		return nil
	case "sub_numeric": // subscribe with an integer id, then n notifications
		id := 1000 + fs.nextSub.Add(1)
		n := intParam(req, 0)
		sc.send(result(req.ID, id))
		for i := range n {
			sc.send(notify("test_notification", id, i))
		}
		return nil
	case "sub_slow": // answers once the test closes fs.slowRelease
		select {
		case <-fs.slowRelease:
		case <-ctx.Done():
			return nil
		}
		id := fmt.Sprintf("slow-%d", fs.nextSub.Add(1))
		sc.send(result(req.ID, id))
		return nil
	case "sub_flood", "test_subscribe": // string id, n notifications
		id := fmt.Sprintf("sub-%d", fs.nextSub.Add(1))
		n := intParam(req, 0)
		sc.send(result(req.ID, id))
		for i := range n {
			sc.send(notify("test_notification", id, i))
		}
		return nil
	case "sub_then_error":
		id := fmt.Sprintf("sub-%d", fs.nextSub.Add(1))
		sc.send(result(req.ID, id))
		sc.send([]byte(fmt.Sprintf(`{"jsonrpc":"2.0","method":"test_notification","params":{"subscription":%q,"error":{"code":-32800,"message":"gone"}}}`, id)))
		return nil
	case "test_unsubscribe":
		var id any
		if len(req.Params) > 0 {
			_ = json.Unmarshal(req.Params[0], &id)
		}
		fs.mu.Lock()
		fs.unsubscribed = append(fs.unsubscribed, fmt.Sprint(id))
		fs.mu.Unlock()
		return result(req.ID, true)
	case "chain_getHeader":
		return []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":%s}`, req.ID, sampleHeaderJSON))
	case "state_getRuntimeVersion":
		return []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":%s}`, req.ID, sampleRuntimeVersionJSON))
	case "author_submitAndWatchExtrinsic":
		id := fmt.Sprintf("tx-%d", fs.nextSub.Add(1))
		sc.send(result(req.ID, id))
		for _, st := range []string{`"ready"`, `{"broadcast":["12D3KooW"]}`, `{"inBlock":"0x` + strings.Repeat("11", 32) + `"}`,
			`{"finalized":"0x` + strings.Repeat("11", 32) + `"}`} {
			sc.send([]byte(fmt.Sprintf(`{"jsonrpc":"2.0","method":"author_extrinsicUpdate","params":{"subscription":%q,"result":%s}}`, id, st)))
		}
		return nil
	case "author_unwatchExtrinsic":
		return result(req.ID, true)
	}
	return []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"Method not found"}}`, req.ID))
}

// A Kusama block header (block 1 of a chopsticks kusama-local chain is not
// stable, so this is hand-made: the test checks the SCALE layout, and the
// integration test checks the hash against a real runtime).
const sampleHeaderJSON = `{"parentHash":"0x0101010101010101010101010101010101010101010101010101010101010101",
"number":"0x12c","stateRoot":"0x0202020202020202020202020202020202020202020202020202020202020202",
"extrinsicsRoot":"0x0303030303030303030303030303030303030303030303030303030303030303",
"digest":{"logs":["0x0642414245b501","0x05424142450101ff"]}}`

const sampleRuntimeVersionJSON = `{"specName":"kusama","implName":"parity-kusama","authoringVersion":2,
"specVersion":1000000,"implVersion":0,"apis":[["0xdf6acb689907609b",5],["0x37e397fc7c91f5e4",2]],
"transactionVersion":24,"systemVersion":1,"stateVersion":1}`
