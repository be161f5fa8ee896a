package cli

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/tui"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// TestTUIBackendConnect: the dashboard's adapter opens the chain as the
// commands do (verified, synced to the endpoint's finalized head), reports
// the sync's progress to the dashboard instead of stderr, and fills the
// header.
func TestTUIBackendConnect(t *testing.T) {
	t.Setenv("TMUX", "")
	t.Setenv("TERM", "xterm")
	_, url, c := testNetwork(t, 200)
	io, _, _, errOut := iostreams.Test()
	f := NewFactory(io)
	f.Backend = hooksFor(t)
	f.Opts.Home, f.Opts.RPC = t.TempDir(), url
	sink := &logSink{}
	f.IO.ErrOut = sink
	be := &tuiBackend{f: f, out: &bytes.Buffer{}, log: sink}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var syncs []tui.Sync
	h, err := be.Connect(ctx, func(p tui.Progress) {
		if p.Sync != nil {
			syncs = append(syncs, *p.Sync)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer be.env.Close()
	if len(h.Chains) != 1 || h.Chains[0].Block != 200 || !h.Chains[0].Verified || h.Chains[0].Hash != c.Blocks[200].Hash.String() {
		t.Errorf("header %+v", h)
	}
	if h.Mode != "rpc" || h.Peers != 1 {
		t.Errorf("mode %q, peers %d", h.Mode, h.Peers)
	}
	if len(syncs) == 0 || syncs[len(syncs)-1].Target != 200 {
		t.Errorf("sync progress %+v", syncs)
	}
	if s := errOut.String(); s != "" {
		t.Errorf("stderr written while the dashboard owns the terminal: %q", s)
	}
	keys, err := be.Keys(ctx)
	if err != nil || len(keys) != 0 {
		t.Errorf("keys %v %v", keys, err)
	}
	if err := be.Copy("HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"); err != nil {
		t.Fatal(err)
	}
	if out := be.out.(*bytes.Buffer).String(); !strings.HasPrefix(out, "\x1b]52;c;") {
		t.Errorf("OSC 52 sequence %q", out)
	}
}

// TestTUIPlans: each action of the dashboard becomes the plan of its
// command; what was typed wrong fails as the command's input does.
func TestTUIPlans(t *testing.T) {
	home := t.TempDir()
	addKey(t, home, "alice", "//Alice")
	st, err := keystore.Open(home)
	if err != nil {
		t.Fatal(err)
	}
	alice := "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	head, code := filepath.Join(home, "head"), filepath.Join(home, "code.wasm")
	for _, f := range []string{head, code} {
		writeTestFile(t, f, []byte("0x0102"))
	}
	for _, tc := range []struct {
		a    tui.Action
		verb string
		bad  string
	}{
		{tui.Action{Verb: "transfer", Fields: map[string]string{"to": alice, "amount": "1.5"}}, "transfer", ""},
		{tui.Action{Verb: "transfer", Fields: map[string]string{"to": alice, "amount": "all"}}, "transfer", ""},
		{tui.Action{Verb: "transfer", Fields: map[string]string{"to": alice, "amount": "lots"}}, "", "not an amount"},
		{tui.Action{Verb: "stake bond", Fields: map[string]string{"amount": "1", "payee": "staked"}}, "stake bond", ""},
		{tui.Action{Verb: "stake unbond", Fields: map[string]string{"amount": "all"}}, "stake unbond", ""},
		{tui.Action{Verb: "stake nominate", Targets: []string{alice}}, "stake nominate", ""},
		{tui.Action{Verb: "stake payout"}, "stake payout", ""},
		{tui.Action{Verb: "gov vote", Fields: map[string]string{"referendum": "12", "direction": "aye", "amount": "1", "conviction": "2x"}}, "gov vote", ""},
		{tui.Action{Verb: "gov vote", Fields: map[string]string{"referendum": "x", "direction": "aye", "amount": "1"}}, "", "not a number"},
		{tui.Action{Verb: "para reserve"}, "para reserve", ""},
		{tui.Action{Verb: "para register", Fields: map[string]string{"id": "2000", "head": head, "code": code}}, "para register", ""},
		{tui.Action{Verb: "para register", Fields: map[string]string{"id": "x", "head": head, "code": code}}, "", "para id"},
		{tui.Action{Verb: "pool join", Fields: map[string]string{"pool": "1", "amount": "2"}}, "pool join", ""},
		{tui.Action{Verb: "pool unbond", Fields: map[string]string{"amount": "all"}}, "pool unbond", ""},
		{tui.Action{Verb: "nope"}, "", "unknown action"},
	} {
		tc.a.From = "alice"
		p, err := tuiPlan(st, tc.a)
		if tc.bad != "" {
			if err == nil || !strings.Contains(err.Error(), tc.bad) || !app.IsInputError(err) && !strings.Contains(err.Error(), "unknown action") {
				t.Errorf("%+v: err %v, want %q", tc.a, err, tc.bad)
			}
			continue
		}
		if err != nil || p.Verb != tc.verb || p.From.Name != "alice" {
			t.Errorf("%+v: plan %+v, %v", tc.a, p, err)
		}
	}
}

// BenchmarkTUIFirstPaint is the work before the first painted dashboard
// with a warm home of 45 keys: the keystore listed, the model updated and
// rendered at 120×40 (the chain is connected in the background).
func BenchmarkTUIFirstPaint(b *testing.B) {
	home := b.TempDir()
	st, err := keystore.Open(home)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 45; i++ {
		pub := make([]byte, 32)
		pub[0], pub[1] = byte(i), 1
		if _, err := st.AddWatch(fmt.Sprintf("key%02d", i), "sr25519", pub); err != nil {
			b.Fatal(err)
		}
	}
	io, _, _, _ := iostreams.Test()
	f := NewFactory(io)
	f.Opts.Home, f.Opts.Network = home, "kusama"
	be := &tuiBackend{f: f, out: &bytes.Buffer{}, log: &logSink{}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		view := tui.FirstPaint(ctx, tui.Options{Backend: be, Network: "kusama", NoConnect: true}, 120, 40)
		if !strings.Contains(view, "key44") && !strings.Contains(view, "key00") {
			b.Fatalf("no key painted:\n%s", view)
		}
	}
}
