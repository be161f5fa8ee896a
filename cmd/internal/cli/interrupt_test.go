//go:build linux

package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns a new pseudo-terminal pair: the side a test drives and
// the terminal a process runs on.
func openPTY(t *testing.T) (driver, terminal *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// ttyProcess is ksm running on a pseudo-terminal of its own, as on a
// user's terminal: Ctrl-C typed on it reaches ksm as SIGINT.
type ttyProcess struct {
	t      *testing.T
	cmd    *exec.Cmd
	driver *os.File
	mu     sync.Mutex
	screen bytes.Buffer
	seen   chan struct{} // a signal per read of output
	read   chan struct{} // closed when the terminal has nothing more to read
	exited chan struct{} // closed once ksm has exited and its output is read
	code   int
}

func startOnTTY(t *testing.T, home string, env []string, args ...string) *ttyProcess {
	t.Helper()
	driver, terminal := openPTY(t)
	cmd := ksmCommand(t, home, append(env, "TERM=dumb"), args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = terminal, terminal, terminal
	// A session of its own whose controlling terminal is the pty: its
	// process group is the terminal's foreground group, as in a shell.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	terminal.Close()
	p := &ttyProcess{t: t, cmd: cmd, driver: driver, seen: make(chan struct{}, 1), read: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(p.read)
		buf := make([]byte, 4096)
		for {
			n, err := driver.Read(buf)
			p.mu.Lock()
			p.screen.Write(buf[:n])
			p.mu.Unlock()
			select {
			case p.seen <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		err := cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			p.code = ee.ExitCode()
		}
		// The last words ksm wrote may still be in the terminal: read them
		// all (the read ends once no process holds the terminal) before
		// saying it exited, so what a test checks is the whole output.
		select {
		case <-p.read:
		case <-time.After(time.Minute):
		}
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

func (p *ttyProcess) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.screen.String()
}

// waitFor waits until the terminal shows text.
func (p *ttyProcess) waitFor(text string, within time.Duration) {
	p.t.Helper()
	deadline := time.After(within)
	for !strings.Contains(p.output(), text) {
		select {
		case <-p.seen:
		case <-p.exited:
			if !strings.Contains(p.output(), text) {
				p.t.Fatalf("ksm exited (%d) without showing %q: %q", p.code, text, p.output())
			}
		case <-deadline:
			p.t.Fatalf("no %q on the terminal within %v: %q", text, within, p.output())
		}
	}
}

// interrupt types Ctrl-C and returns the exit code, which must come
// within the deadline (no Enter, no further input).
func (p *ttyProcess) interrupt(within time.Duration) int {
	p.t.Helper()
	if _, err := p.driver.Write([]byte{0x03}); err != nil {
		p.t.Fatal(err)
	}
	select {
	case <-p.exited:
		return p.code
	case <-time.After(within):
		p.t.Fatalf("ksm still running %v after Ctrl-C: %q", within, p.output())
		return -1
	}
}

// interruptBound is how long ksm may take to exit after Ctrl-C.
const interruptBound = 30 * time.Second

// TestCtrlCAtPasswordPrompt: Ctrl-C at the password prompt of key new
// exits 130 at once and writes no key (it used to be ignored: typing a
// password then completed the command with exit 0).
func TestCtrlCAtPasswordPrompt(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	p := startOnTTY(t, home, nil, "key", "new", "--name", "k")
	p.waitFor("New password for key", 30*time.Second)
	if code := p.interrupt(interruptBound); code != ExitCancelled {
		t.Fatalf("exit %d, want 130: %q", code, p.output())
	}
	if entries, _ := os.ReadDir(filepath.Join(home, "keys")); len(entries) != 0 {
		t.Fatalf("a key was written: %v", entries)
	}
	// The terminal's echo is back on for the shell.
	if !strings.Contains(p.output(), "cancelled") {
		t.Errorf("no word of the cancellation: %q", p.output())
	}
}

// TestCtrlCAtConfirmPrompt: Ctrl-C at a y/N prompt acts at once, without
// Enter: exit 130 and nothing done.
func TestCtrlCAtConfirmPrompt(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	watchKey(t, home, "w", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F")
	p := startOnTTY(t, home, nil, "key", "remove", "w")
	p.waitFor("[y/N]", 30*time.Second)
	if code := p.interrupt(interruptBound); code != ExitCancelled {
		t.Fatalf("exit %d, want 130: %q", code, p.output())
	}
	if _, err := os.Stat(filepath.Join(home, "keys", "w.json")); err != nil {
		t.Fatalf("the key was removed: %v", err)
	}
}

// TestCtrlCDuringConnect: Ctrl-C while ksm connects to an endpoint that
// does not answer exits 130 (not 5) at once.
func TestCtrlCDuringConnect(t *testing.T) {
	t.Parallel()
	bh := newBlackhole(t)
	p := startOnTTY(t, t.TempDir(), nil, "--rpc", bh.url, "balance", "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F")
	select {
	case <-bh.conn:
	case <-time.After(30 * time.Second):
		t.Fatalf("ksm did not connect: %q", p.output())
	}
	if code := p.interrupt(interruptBound); code != ExitCancelled {
		t.Fatalf("exit %d, want 130: %q", code, p.output())
	}
}
