package rpctest

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/coder/websocket"

	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// pushState holds the WebSocket connections and their justification
// subscriptions; guarded by Server.mu.
type pushState struct {
	conns   map[*wsConn]bool
	nextSub uint64
	pushed  int
}

// wsConn is one WebSocket connection: out feeds its writer goroutine.
type wsConn struct {
	out   chan []byte
	subs  map[string]bool // justification subscription ids
	close func()
}

// WS returns the ws:// URL of an http:// URL Start returned.
func WS(url string) string { return "ws" + strings.TrimPrefix(url, "http") }

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	c.SetReadLimit(1 << 20)
	ctx, cancel := context.WithCancel(context.Background())
	wc := &wsConn{out: make(chan []byte, 4096), subs: map[string]bool{}, close: func() { cancel(); _ = c.CloseNow() }}
	s.mu.Lock()
	if s.push.conns == nil {
		s.push.conns = map[*wsConn]bool{}
	}
	s.push.conns[wc] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.push.conns, wc)
		s.mu.Unlock()
		wc.close()
	}()
	go func() {
		for {
			select {
			case b := <-wc.out:
				if c.Write(ctx, websocket.MessageText, b) != nil {
					wc.close()
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		var req request
		if err := json.Unmarshal(data, &req); err != nil {
			return
		}
		s.mu.Lock()
		var out map[string]any
		switch req.Method {
		case "grandpa_subscribeJustifications", "grandpa_unsubscribeJustifications":
			out = s.subscribeLocked(wc, req)
		default:
			out = s.answerLocked(req)
		}
		b, _ := json.Marshal(out)
		// Queued under the lock: a subscription's id goes out before its
		// first notification.
		select {
		case wc.out <- b:
		default:
			s.mu.Unlock()
			return // the client does not read: drop it
		}
		s.mu.Unlock()
	}
}

func (s *Server) subscribeLocked(wc *wsConn, req request) map[string]any {
	s.calls[req.Method]++
	out := map[string]any{"jsonrpc": "2.0", "id": req.ID}
	listed := false
	for _, m := range s.Methods {
		listed = listed || m == req.Method
	}
	switch {
	case !listed:
		out["error"] = map[string]any{"code": -32601, "message": "Method not found"}
	case req.Method == "grandpa_subscribeJustifications" && s.RefuseSubscriptions:
		out["error"] = map[string]any{"code": -32000, "message": "too many subscriptions"}
	case req.Method == "grandpa_subscribeJustifications":
		s.push.nextSub++
		id := "just" + strconv.FormatUint(s.push.nextSub, 10)
		wc.subs[id] = true
		out["result"] = id
	default:
		var id string
		if len(req.Params) > 0 {
			_ = json.Unmarshal(req.Params[0], &id)
		}
		out["result"] = wc.subs[id]
		delete(wc.subs, id)
	}
	return out
}

// pushLocked pushes to every subscriber the justifications of the blocks
// (from, to] that end an authority set, and of to (the new finalized head),
// unless SkipPush leaves them out; Lie("grandpa_subscribeJustifications",
// hex) may rewrite each. s.mu is held.
func (s *Server) pushLocked(from, to uint32) {
	if len(s.push.conns) == 0 {
		return
	}
	for n := from + 1; n <= to && int(n) < len(s.C.Blocks); n++ {
		if n != to && !endsSet(s.C, n) {
			continue
		}
		if s.SkipPush != nil && s.SkipPush(n) {
			continue
		}
		j := s.C.Blocks[n].Justification
		if j == nil {
			var err error
			if j, err = s.C.Justify(n, testchain.JustifyOptions{}); err != nil {
				continue
			}
		}
		var res any = Hex(j.Encode())
		if s.Lie != nil {
			res = s.Lie("grandpa_subscribeJustifications", res)
		}
		for wc := range s.push.conns {
			for id := range wc.subs {
				b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "grandpa_justifications",
					"params": map[string]any{"subscription": id, "result": res}})
				select {
				case wc.out <- b:
					s.push.pushed++
				default: // a slow subscriber misses pushes, as on a real node
				}
			}
		}
	}
}

func endsSet(c *testchain.Chain, n uint32) bool {
	for _, ch := range c.Changes {
		if ch.Enact == n {
			return true
		}
	}
	return false
}

// DropSubscriptions ends every justification subscription with an error
// notification (the node dropped it) and returns how many it ended.
func (s *Server) DropSubscriptions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for wc := range s.push.conns {
		for id := range wc.subs {
			b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "grandpa_justifications",
				"params": map[string]any{"subscription": id, "error": map[string]any{"code": -32000, "message": "subscription dropped"}}})
			select {
			case wc.out <- b:
			default:
			}
			delete(wc.subs, id)
			n++
		}
	}
	return n
}

// Subscribers returns how many justification subscriptions are live.
func (s *Server) Subscribers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for wc := range s.push.conns {
		n += len(wc.subs)
	}
	return n
}

// Pushed returns how many justification notifications were sent.
func (s *Server) Pushed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.push.pushed
}

func (s *Server) closeConns() {
	s.mu.Lock()
	conns := make([]*wsConn, 0, len(s.push.conns))
	for wc := range s.push.conns {
		conns = append(conns, wc)
	}
	s.mu.Unlock()
	for _, wc := range conns {
		wc.close()
	}
}

// byteArray is b as serde serializes a Vec<u8>: a JSON array of numbers.
func byteArray(b []byte) []int {
	out := make([]int, len(b))
	for i, x := range b {
		out[i] = int(x)
	}
	return out
}

// Extend adds a block on the chain's head (testchain Extend), makes it the
// finalized head and pushes its justification to the subscribers.
func (s *Server) Extend(extrinsics [][]byte) (*testchain.Block, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.C.Extend(extrinsics)
	if err != nil {
		return nil, err
	}
	s.pushLocked(s.visible, b.Header.Number)
	s.visible = b.Header.Number
	return b, nil
}

// SetSkipPush sets SkipPush safely while serving.
func (s *Server) SetSkipPush(f func(n uint32) bool) {
	s.mu.Lock()
	s.SkipPush = f
	s.mu.Unlock()
}

// SetRefuseSubscriptions sets RefuseSubscriptions safely while serving.
func (s *Server) SetRefuseSubscriptions(refuse bool) {
	s.mu.Lock()
	s.RefuseSubscriptions = refuse
	s.mu.Unlock()
}

// SetNoStoredJustifications sets NoStoredJustifications safely while serving.
func (s *Server) SetNoStoredJustifications(none bool) {
	s.mu.Lock()
	s.NoStoredJustifications = none
	s.mu.Unlock()
}
