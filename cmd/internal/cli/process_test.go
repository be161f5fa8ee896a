package cli

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"
)

// runMainEnv, set in the environment, makes this test binary run ksm's
// Main instead of the tests: the tests below run ksm as its own process,
// with real signals and a real terminal, without building a binary.
const runMainEnv = "KSM_TEST_RUN_MAIN"

// testNowEnv, set with runMainEnv, is the fake time of the ksm process.
const testNowEnv = "KSM_TEST_NOW"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		// KSM_TEST_NOW (RFC 3339) fakes the clock of the checkpoint age
		// policy in the ksm process.
		if v := os.Getenv(testNowEnv); v != "" {
			now, err := time.Parse(time.RFC3339, v)
			if err != nil {
				panic(err)
			}
			mainHooks.Now = func() time.Time { return now }
		}
		os.Exit(Main())
	}
	os.Exit(m.Run())
}

// ksmCommand returns ksm as a process of this test binary with a fresh
// environment: home as KSM_HOME and the given extra variables.
func ksmCommand(t *testing.T, home string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append([]string{runMainEnv + "=1", "KSM_HOME=" + home, "PATH=" + os.Getenv("PATH"), "HOME=" + home}, env...)
	return cmd
}

// runKSM runs ksm as a process and returns its exit code, output and how
// long it took.
func runKSM(t *testing.T, home string, env []string, args ...string) (code int, stdout, stderr string, took time.Duration) {
	t.Helper()
	cmd := ksmCommand(t, home, env, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	took = time.Since(start)
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errOut.String(), took
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errOut.String(), took
}

// blackhole is an endpoint that accepts connections and never answers: a
// command that dials it waits for its timeout (10–30 s). accepted counts
// the connections made.
type blackhole struct {
	url      string
	accepted atomic.Int32
	conn     chan struct{}
}

func newBlackhole(t *testing.T) *blackhole {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackhole{url: "ws://" + l.Addr().String(), conn: make(chan struct{}, 16)}
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
			b.accepted.Add(1)
			select {
			case b.conn <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range held {
			c.Close()
		}
	})
	return b
}
