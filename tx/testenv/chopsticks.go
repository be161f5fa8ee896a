package testenv

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Chopsticks is a local chain: the real runtime of a raw chain spec executed
// by @acala-network/chopsticks (see docs/local-chain.md), serving JSON-RPC on
// 127.0.0.1.
type Chopsticks struct {
	// URL is the WebSocket endpoint, ws://127.0.0.1:PORT.
	URL string
	// StartTime is how long the chain took to be ready.
	StartTime time.Duration

	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *tailBuffer
	done  chan struct{} // closed when the process has exited
	once  sync.Once
}

// ChopsticksReadyTimeout bounds the wait for a chain to listen.
const ChopsticksReadyTimeout = 90 * time.Second

var chopsticksListening = regexp.MustCompile(`RPC listening on .*\bws://127\.0\.0\.1:([0-9]{1,5})\b`)

// StartChopsticks starts a chain from the raw chain spec at specPath (for
// example Shared(t, "chainspec", "local", "kusama-local.json")) in Instant
// block mode and returns its WebSocket URL; the chain is stopped when the
// test ends. Use SharedChopsticks to start one chain per test binary.
//
// It skips the test when node or chopsticks is not installed (fails under
// KSM_REQUIRE_ORACLES=1, see OracleDir).
func StartChopsticks(t testing.TB, specPath string) string {
	t.Helper()
	ch, err := startChopsticks(t, specPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ch.Stop)
	return ch.URL
}

var (
	sharedChopsticksMu sync.Mutex
	sharedChopsticks   = map[string]*sharedChain{}
)

type sharedChain struct {
	mu  sync.Mutex
	ch  *Chopsticks
	err error
}

// SharedChopsticks is StartChopsticks with one chain per spec per test
// binary, started by the first test that asks and shared by the others
// (tests must then not depend on each other's blocks). The chain stops when
// the test binary exits (chopsticks-run.mjs exits when its stdin closes) or
// when StopChopsticks is called, e.g. from TestMain.
func SharedChopsticks(t testing.TB, specPath string) string {
	t.Helper()
	OracleDir(t)
	abs, err := filepath.Abs(specPath)
	if err != nil {
		t.Fatal(err)
	}
	sharedChopsticksMu.Lock()
	s, ok := sharedChopsticks[abs]
	if !ok {
		s = &sharedChain{}
		sharedChopsticks[abs] = s
	}
	sharedChopsticksMu.Unlock()

	// Chains of different specs start in parallel; callers of one spec
	// wait for its first start.
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch == nil && s.err == nil {
		s.ch, s.err = startChopsticks(t, abs)
	}
	if s.err != nil {
		t.Fatalf("shared chain %s: %v", filepath.Base(abs), s.err)
	}
	return s.ch.URL
}

// StopChopsticks stops every chain SharedChopsticks started.
func StopChopsticks() {
	sharedChopsticksMu.Lock()
	defer sharedChopsticksMu.Unlock()
	for k, s := range sharedChopsticks {
		s.mu.Lock()
		if s.ch != nil {
			s.ch.Stop()
		}
		s.mu.Unlock()
		delete(sharedChopsticks, k)
	}
}

// ChopsticksLog returns the last lines chopsticks printed for the shared
// chain of specPath ("" when none runs): what a test shows when the chain
// misbehaved (a block build that failed is logged only there).
func ChopsticksLog(specPath string) string {
	var log string
	withShared(specPath, func(c *Chopsticks) { log = c.out.String() })
	return log
}

// ChopsticksMemory returns the resident and peak resident memory of the
// shared chain for specPath in KiB, as /proc reports them (0 elsewhere).
func ChopsticksMemory(specPath string) (rssKiB, peakKiB int) {
	withShared(specPath, func(c *Chopsticks) { rssKiB, peakKiB = c.Memory() })
	return rssKiB, peakKiB
}

// withShared calls f with the shared chain of specPath, under its lock,
// when one runs.
func withShared(specPath string, f func(*Chopsticks)) {
	abs, _ := filepath.Abs(specPath)
	sharedChopsticksMu.Lock()
	s := sharedChopsticks[abs]
	sharedChopsticksMu.Unlock()
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch != nil {
		f(s.ch)
	}
}

func startChopsticks(t testing.TB, specPath string) (*Chopsticks, error) {
	t.Helper()
	dir := OracleDir(t)
	bin := filepath.Join(dir, "node_modules", "@acala-network", "chopsticks", "chopsticks.cjs")
	if _, err := os.Stat(bin); err != nil {
		msg := "chopsticks is not installed (run npm ci in .interop)"
		if os.Getenv("KSM_REQUIRE_ORACLES") != "" {
			t.Fatalf("local chain required but %s", msg)
		}
		t.Skipf("local chain test skipped: %s", msg)
	}
	spec, err := filepath.Abs(specPath)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(spec); err != nil {
		return nil, fmt.Errorf("chain spec: %w", err)
	}
	// Chopsticks keeps its state in memory without --db; run it in a
	// temporary directory anyway so nothing it writes lands in the repo.
	work, err := os.MkdirTemp("", "ksm-chopsticks-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("node", filepath.Join(dir, "chopsticks-run.mjs"),
		"--genesis", spec, "--host", "127.0.0.1", "--port", "0", "--build-block-mode", "Instant")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "HOME="+work, "XDG_CACHE_HOME="+work, "NO_COLOR=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start chopsticks: %w", err)
	}
	ch := &Chopsticks{cmd: cmd, stdin: stdin, out: &tailBuffer{max: 64 << 10}, done: make(chan struct{})}
	ready := make(chan string, 1)
	go func() {
		// Read all output for the whole run (a full pipe would stall the
		// chain), keeping the tail for error messages.
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			ch.out.WriteLine(line)
			if m := chopsticksListening.FindStringSubmatch(line); m != nil {
				select {
				case ready <- "ws://127.0.0.1:" + m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	go func() {
		_ = cmd.Wait()
		pw.Close()
		os.RemoveAll(work)
		close(ch.done)
	}()
	select {
	case url := <-ready:
		ch.URL = url
		ch.StartTime = time.Since(begin)
		rss, _ := ch.Memory()
		t.Logf("chopsticks %s ready at %s in %v (RSS %d MiB)", filepath.Base(spec), url, ch.StartTime.Round(time.Millisecond), rss>>10)
		return ch, nil
	case <-ch.done:
		return nil, fmt.Errorf("chopsticks exited before listening: %v\n%s", cmd.ProcessState, ch.out)
	case <-time.After(ChopsticksReadyTimeout):
		ch.Stop()
		return nil, fmt.Errorf("chopsticks not listening after %v\n%s", ChopsticksReadyTimeout, ch.out)
	}
}

// Stop ends the chain: it closes stdin (chopsticks-run.mjs then exits) and
// kills the process if it is still running after 5 s. Stop is idempotent.
func (c *Chopsticks) Stop() {
	c.once.Do(func() {
		_ = c.stdin.Close()
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.done
		}
	})
}

// Memory returns the process's resident and peak resident memory in KiB from
// /proc (0, 0 where there is no /proc).
func (c *Chopsticks) Memory() (rssKiB, peakKiB int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		var v int
		if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &v); err == nil {
			rssKiB = v
		} else if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &v); err == nil {
			peakKiB = v
		}
	}
	return rssKiB, peakKiB
}

// tailBuffer keeps the last max bytes of lines written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (b *tailBuffer) WriteLine(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.WriteString(s)
	b.buf.WriteByte('\n')
	if over := b.buf.Len() - b.max; over > 0 {
		b.buf.Next(over)
	}
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
