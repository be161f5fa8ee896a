package tui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// waitLimit bounds the waits for the program's output. It is a safety net,
// not a speed requirement: a loaded machine can take seconds to render.
const waitLimit = 2 * time.Minute

func waitFor(t *testing.T, tm *teatest.TestModel, what string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
		teatest.WithDuration(waitLimit), teatest.WithCheckInterval(5*time.Millisecond))
}

func typeText(tm *teatest.TestModel, s string) {
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

func startProgram(t *testing.T, f *fakeBackend) *teatest.TestModel {
	t.Helper()
	tm := teatest.NewTestModel(t, New(context.Background(), Options{Backend: f, Network: "kusama"}), teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "12.5 KSM") // keys, chain and balances loaded
	return tm
}

// fillTransfer opens the transfer form on the Accounts panel and sends
// amount to charlie, up to the confirm screen.
func fillTransfer(t *testing.T, tm *teatest.TestModel, amount string) {
	t.Helper()
	typeText(tm, "t")
	waitFor(t, tm, "Transfer")
	typeText(tm, "charlie")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	typeText(tm, amount)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "Sign and submit this transaction?")
}

// confirmWithPassword answers y on the confirm screen and types password
// at its prompt.
func confirmWithPassword(t *testing.T, tm *teatest.TestModel, password string) {
	t.Helper()
	typeText(tm, "y")
	waitFor(t, tm, "Password:")
	typeText(tm, password)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
}

// TestTransferFlow drives the real program loop: the transfer form, the
// confirm screen (from the action's goroutine through the bridge), the
// masked password and the result in place.
func TestTransferFlow(t *testing.T) {
	f := newFake()
	done := f.withDone()
	tm := startProgram(t, f)
	fillTransfer(t, tm, "1.5")
	confirmWithPassword(t, tm, "hunter2")
	waitFor(t, tm, "Succeeded")
	<-done
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) // closes the result
	typeText(tm, "6")
	waitFor(t, tm, "transfer: succeeded")
	typeText(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
	out, _ := io.ReadAll(tm.FinalOutput(t, teatest.WithFinalTimeout(waitLimit)))
	if bytes.Contains(out, []byte("hunter2")) {
		t.Error("the password was echoed")
	}
	if len(f.ran) != 1 || f.ran[0].Verb != "transfer" || f.ran[0].From != "alice" || f.ran[0].Fields["to"] != "charlie" || f.ran[0].Fields["amount"] != "1.5" {
		t.Errorf("ran %+v", f.ran)
	}
	if len(f.passwords) != 1 || f.passwords[0] != "alice:hunter2" || f.sent != 1 {
		t.Errorf("passwords %q, sent %d", f.passwords, f.sent)
	}
}

// TestDeclineSendsNothing: n on the confirm screen; the failure is shown
// in place.
func TestDeclineSendsNothing(t *testing.T) {
	f := newFake()
	done := f.withDone()
	tm := startProgram(t, f)
	fillTransfer(t, tm, "1")
	typeText(tm, "n")
	waitFor(t, tm, "not signed")
	<-done
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
	if f.sent != 0 || len(f.passwords) != 0 {
		t.Errorf("sent %d, passwords %q", f.sent, f.passwords)
	}
}

// TestCtrlCSendsNothing: Ctrl-C after the password, before the
// transaction is sent, quits and nothing is sent.
func TestCtrlCSendsNothing(t *testing.T) {
	f := newFake()
	f.release = make(chan struct{}) // never released: Run waits before sending
	done := f.withDone()
	tm := startProgram(t, f)
	fillTransfer(t, tm, "1")
	confirmWithPassword(t, tm, "pw")
	waitFor(t, tm, "Working")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
	select {
	case <-done:
	case <-time.After(waitLimit):
		t.Fatal("the action did not end after Ctrl-C")
	}
	if f.sent != 0 {
		t.Errorf("sent %d after Ctrl-C", f.sent)
	}
}

// TestFirstPaint: the keys are painted before the chain is connected
// (Connect blocks here until the test ends).
func TestFirstPaint(t *testing.T) {
	f := &slowConnect{fakeBackend: newFake(), hold: make(chan struct{})}
	defer close(f.hold)
	tm := teatest.NewTestModel(t, New(context.Background(), Options{Backend: f, Network: "kusama"}), teatest.WithInitialTermSize(80, 24))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte(aliceAddr)) && bytes.Contains(b, []byte("connecting…"))
	}, teatest.WithDuration(waitLimit), teatest.WithCheckInterval(5*time.Millisecond))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
}

type slowConnect struct {
	*fakeBackend
	hold chan struct{}
}

func (s *slowConnect) Connect(ctx context.Context, progress func(Progress)) (Header, error) {
	select {
	case <-s.hold:
	case <-ctx.Done():
	}
	return Header{}, ctx.Err()
}

// TestClaimFlow: the claim form on the Claims panel with a ksm-held
// Ethereum key (its password asked, masked) or a pasted signature (no
// password), each ending on the confirm screen and the result.
func TestClaimFlow(t *testing.T) {
	for _, tt := range []struct {
		name      string
		signature string
		want      []string
	}{
		{"ksm key", "", []string{"eth:pw"}},
		{"signature", "0x" + strings.Repeat("ab", 65), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			done := f.withDone()
			tm := startProgram(t, f)
			typeText(tm, "4")
			typeText(tm, "c")
			waitFor(t, tm, "Claim to alice")
			if tt.signature != "" {
				typeText(tm, tt.signature)
				tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
				for range "eth" {
					tm.Send(tea.KeyMsg{Type: tea.KeyBackspace})
				}
			} else {
				tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) // the ksm key "eth" is the default
			}
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			waitFor(t, tm, "Submit this claim? y / N")
			typeText(tm, "y")
			if tt.signature == "" {
				waitFor(t, tm, "Key eth")
				typeText(tm, "pw")
				tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			}
			waitFor(t, tm, "Succeeded")
			<-done
			typeText(tm, "q")
			typeText(tm, "q")
			tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.ran) != 1 || f.ran[0].Verb != "claim" || f.ran[0].From != "alice" || f.ran[0].Fields["signature"] != tt.signature {
				t.Errorf("ran %+v", f.ran)
			}
			if fmt.Sprint(f.passwords) != fmt.Sprint(tt.want) || f.sent != 1 {
				t.Errorf("passwords %q, sent %d", f.passwords, f.sent)
			}
		})
	}
}

// TestReconnectFlow: the running dashboard says when the chain stops
// answering and comes back by itself, without quitting (timings
// shortened through Options).
func TestReconnectFlow(t *testing.T) {
	f := &flakyHeader{fakeBackend: newFake(), failConn: 1, gate: make(chan struct{})}
	tm := teatest.NewTestModel(t, New(context.Background(), Options{Backend: f, Network: "kusama", HeaderEvery: 20 * time.Millisecond, RetryBase: 10 * time.Millisecond}),
		teatest.WithInitialTermSize(120, 40))
	// The second attempt is held until the first failure was seen.
	waitFor(t, tm, "attempt 2 · last: no bootnode was reachable")
	close(f.gate)
	waitFor(t, tm, "12.5 KSM") // connected on the second attempt
	f.set(true)
	waitFor(t, tm, "connection lost · reconnecting")
	f.set(false)
	waitFor(t, tm, "reconnected")
	typeText(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.connects != 2 {
		t.Errorf("connects %d", f.connects)
	}
}
