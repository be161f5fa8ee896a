package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

type fakeKeys struct {
	keys []Key
	err  error
}

func (f fakeKeys) ListKeys(context.Context) ([]Key, error) { return f.keys, f.err }

var twoKeys = fakeKeys{keys: []Key{
	{Name: "alice", Scheme: "sr25519", PublicKey: "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d", Address: "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"},
	{Name: "watch", Scheme: "sr25519", PublicKey: "0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48", Address: "FoQJpPyadYccjavVdTWxpxU7rUEaYhfLCPwXgkfD6Zat9QP", WatchOnly: true},
}}

// waitLimit bounds the waits for the program's output. It is a safety net,
// not a speed requirement: a loaded machine can take seconds to render.
const waitLimit = time.Minute

func finalOutput(t *testing.T, src KeySource, keys ...string) []byte {
	t.Helper()
	tm := teatest.NewTestModel(t, New(context.Background(), Options{Keys: src, Network: "kusama"}), teatest.WithInitialTermSize(100, 20))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("alice")) || bytes.Contains(b, []byte("Could not")) || bytes.Contains(b, []byte("No keys"))
	}, teatest.WithDuration(waitLimit))
	for _, k := range keys {
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
	out, err := io.ReadAll(tm.FinalOutput(t, teatest.WithFinalTimeout(waitLimit)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestKeyBrowserGolden(t *testing.T) {
	teatest.RequireEqualOutput(t, finalOutput(t, twoKeys, "j"))
}

func TestKeyBrowserModel(t *testing.T) {
	m := New(context.Background(), Options{Keys: twoKeys})
	if m.state != stateLoading {
		t.Fatalf("initial state %v", m.state)
	}
	msg := m.Init()()
	next, _ := m.Update(msg)
	m = next.(Model)
	if m.state != stateReady || len(m.list) != 2 {
		t.Fatalf("after load: %v, %d keys", m.state, len(m.list))
	}
	for _, k := range []string{"j", "j", "j"} { // the cursor stops at the last key
		next, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		m = next.(Model)
	}
	if m.cursor != 1 {
		t.Errorf("cursor = %d, want 1", m.cursor)
	}
	if v := m.View(); !strings.Contains(v, "watch-only") || !strings.Contains(v, "FoQJpPyadYccjavVdTWxpxU7rUEaYhfLCPwXgkfD6Zat9QP") {
		t.Errorf("detail of the selected key missing:\n%s", v)
	}
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")}); cmd == nil || cmd() != tea.Quit() {
		t.Error("q does not quit")
	}
}

func TestKeyBrowserErrorAndEmpty(t *testing.T) {
	m := New(context.Background(), Options{Keys: fakeKeys{err: errors.New("keystore locked")}})
	next, _ := m.Update(m.Init()())
	if v := next.View(); !strings.Contains(v, "Could not list keys: keystore locked") {
		t.Errorf("error view:\n%s", v)
	}
	m = New(context.Background(), Options{Keys: fakeKeys{}})
	next, _ = m.Update(m.Init()())
	if v := next.View(); !strings.Contains(v, "ksm key new") {
		t.Errorf("empty view:\n%s", v)
	}
}

func ExampleNew() {
	m := New(context.Background(), Options{Keys: twoKeys, Network: "kusama"})
	next, _ := m.Update(m.Init()()) // load the keys (normally done by tea.Program)
	fmt.Println(strings.Contains(next.View(), "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"))
	// Output: true
}
