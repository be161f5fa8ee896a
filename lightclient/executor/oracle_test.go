package executor

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// chopsticks is a JSON-RPC connection to the shared local chain of a spec:
// an independent executor (smoldot's, inside chopsticks) that answers
// state_call over the same genesis state.
type chopsticks struct {
	t    testing.TB
	conn *websocket.Conn
	id   atomic.Int64
}

func dialChopsticks(t testing.TB, specPath string) *chopsticks {
	t.Helper()
	url := testenv.SharedChopsticks(t, specPath)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatalf("dial chopsticks: %v", err)
	}
	conn.SetReadLimit(64 << 20)
	t.Cleanup(func() { conn.CloseNow() })
	return &chopsticks{t: t, conn: conn}
}

func (c *chopsticks) call(method string, params ...any) json.RawMessage {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	id := c.id.Add(1)
	if params == nil {
		params = []any{}
	}
	if err := wsjson.Write(ctx, c.conn, map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
	for {
		var resp struct {
			ID     *int64          `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := wsjson.Read(ctx, c.conn, &resp); err != nil {
			c.t.Fatalf("%s: %v", method, err)
		}
		if resp.ID == nil || *resp.ID != id {
			continue // a notification
		}
		if resp.Error != nil {
			c.t.Fatalf("%s: error %d %s", method, resp.Error.Code, resp.Error.Message)
		}
		return resp.Result
	}
}

func (c *chopsticks) hex(method string, params ...any) []byte {
	c.t.Helper()
	var s string
	if err := json.Unmarshal(c.call(method, params...), &s); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
	return b
}

// genesisHash is chopsticks' block 0 hash.
func (c *chopsticks) genesisHash() [32]byte {
	c.t.Helper()
	return [32]byte(c.hex("chain_getBlockHash", 0))
}

// stateCall runs method at block 0 in chopsticks.
func (c *chopsticks) stateCall(method string, args []byte) []byte {
	c.t.Helper()
	h := c.genesisHash()
	return c.hex("state_call", method, "0x"+hex.EncodeToString(args), fmt.Sprintf("0x%x", h[:]))
}
