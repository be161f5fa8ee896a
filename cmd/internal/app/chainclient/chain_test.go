package chainclient

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestParseProperties(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Properties
	}{
		{`{"ss58Format":2,"tokenDecimals":12,"tokenSymbol":"KSM"}`, Properties{SS58Prefix: 2, HasSS58: true, Decimals: 12, HasDecimals: true, Symbol: "KSM"}},
		{`{"ss58Format":"0","tokenDecimals":["10","12"],"tokenSymbol":["PAS","X"]}`, Properties{SS58Prefix: 0, HasSS58: true, Decimals: 10, HasDecimals: true, Symbol: "PAS"}},
		{`{}`, Properties{}},
		{`{"ss58Format":99999,"tokenDecimals":-1,"tokenSymbol":5}`, Properties{}},
	} {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(tc.in), &m); err != nil {
			t.Fatal(err)
		}
		if got := ParseProperties(m); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestParseHash(t *testing.T) {
	h := "0x" + strings.Repeat("01", 32)
	if v, err := ParseHash(h); err != nil || v.String() != h {
		t.Fatalf("%v %v", v, err)
	}
	for _, bad := range []string{"", "0x", "0x" + strings.Repeat("01", 31), "zz"} {
		if _, err := ParseHash(bad); err == nil {
			t.Errorf("ParseHash(%q) accepted", bad)
		}
	}
}

// TestRPCErrors: an endpoint that is not there is ErrDisconnected; a
// server without a method is ErrUnsupported.
func TestRPCErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if _, err := DialRPC(context.Background(), "ws://"+addr); !errors.Is(err, ErrDisconnected) {
		t.Fatalf("dial a closed port: %v", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		w.Header().Set("Content-Type", "application/json")
		if req.Method == "chain_getBlockHash" {
			_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":` + string(req.ID) + `,"result":"0x` + strings.Repeat("11", 32) + `"}`))
			return
		}
		_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":` + string(req.ID) + `,"error":{"code":-32601,"message":"Method not found"}}`))
	})}
	ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	r, err := DialRPC(context.Background(), "http://"+ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if g, err := r.GenesisHash(context.Background()); err != nil || g[0] != 0x11 {
		t.Fatalf("genesis %v %v", g, err)
	}
	if _, err := r.DryRun(context.Background(), []byte{1}, Hash{}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("dry run on a server without it: %v", err)
	}
	if r.Verified() {
		t.Fatal("an RPC endpoint is never verified")
	}
}
