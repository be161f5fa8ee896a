package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/tui"
)

// cutProxy forwards TCP connections to a server until cut: then it closes
// them and refuses new ones until restored (a dropped endpoint).
type cutProxy struct {
	ln     net.Listener
	to     string
	mu     sync.Mutex
	cut    bool
	conns  []net.Conn
	closed bool
}

func newCutProxy(t *testing.T, to string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, to: to}
	t.Cleanup(func() { p.mu.Lock(); p.closed = true; p.mu.Unlock(); ln.Close(); p.setCut(true) })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.cut {
				p.mu.Unlock()
				c.Close()
				continue
			}
			s, err := net.Dial("tcp", to)
			if err != nil {
				p.mu.Unlock()
				c.Close()
				continue
			}
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	return p
}

func (p *cutProxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for _, c := range p.conns {
			c.Close()
		}
		p.conns = nil
	}
}

// TestTUIBackendReconnect: when the endpoint drops, Header fails (the
// dashboard says the connection is lost and asks again with backoff);
// once it is back, Header opens the chain again and answers.
func TestTUIBackendReconnect(t *testing.T) {
	t.Setenv("TMUX", "")
	// An endpoint that cannot prove (trusted): every read travels to it.
	srv, url, _ := testNetwork(t, 200)
	serveUnproven(t, srv)
	px := newCutProxy(t, strings.TrimPrefix(url, "http://"))
	io, _, _, _ := iostreams.Test()
	f := NewFactory(io)
	f.Backend = hooksFor(t)
	f.Opts.Home, f.Opts.RPC, f.Opts.TrustRPC = t.TempDir(), "ws://"+px.ln.Addr().String(), true
	sink := &logSink{}
	f.IO.ErrOut = sink
	be := &tuiBackend{f: f, out: &bytes.Buffer{}, log: sink}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer be.closeAll()
	h, err := be.Connect(ctx, func(tui.Progress) {})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Chains) != 1 || h.Chains[0].Block != 200 {
		t.Fatalf("header %+v", h)
	}
	first, _ := be.chainEnv()
	px.setCut(true)
	if _, err := be.Header(ctx); err == nil {
		t.Fatal("Header answered with the endpoint gone")
	}
	px.setCut(false)
	h, err = be.Header(ctx)
	if err != nil {
		t.Fatalf("not reconnected: %v", err)
	}
	if len(h.Chains) != 1 || h.Chains[0].Block != 200 {
		t.Errorf("header %+v", h)
	}
	if now, _ := be.chainEnv(); now == first {
		t.Error("the chain was not opened again")
	}
}
