package testenv

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// outcome records how a helper ended a test, without ending this one.
type outcome struct {
	testing.TB
	fatal, skip string
}

func (o *outcome) Helper() {}
func (o *outcome) Fatalf(format string, args ...any) {
	o.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (o *outcome) Skipf(format string, args ...any) {
	o.skip = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls f with a recording TB on its own goroutine (Fatalf and Skipf
// end it as they end a test).
func run(t *testing.T, f func(tb testing.TB)) *outcome {
	o := &outcome{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(o)
	}()
	<-done
	return o
}

// TestSharedMissingUnderCI: without the shared test data a test on real
// data skips on a developer's machine but fails at once under CI=true, where
// skipping 62 test files would pass a run that checked nothing.
func TestSharedMissingUnderCI(t *testing.T) {
	t.Setenv("KSM_SHARED_TESTDATA", filepath.Join(t.TempDir(), "absent"))
	for _, c := range []struct {
		ci       string
		wantFail bool
	}{{"", false}, {"false", false}, {"true", true}, {"1", true}} {
		t.Run("CI="+c.ci, func(t *testing.T) {
			t.Setenv("CI", c.ci)
			o := run(t, func(tb testing.TB) { Shared(tb, "chainspec", "kusama.json") })
			if c.wantFail {
				if o.fatal == "" || !strings.Contains(o.fatal, "CI") || !strings.Contains(o.fatal, "absent") {
					t.Fatalf("under CI=%s: fatal %q, skip %q; want a failure naming the folder and CI", c.ci, o.fatal, o.skip)
				}
				return
			}
			if o.skip == "" || o.fatal != "" {
				t.Fatalf("outside CI: fatal %q, skip %q; want a skip", o.fatal, o.skip)
			}
		})
	}
}

// RoundTrip accepts what decodes and re-encodes the same, reports what
// does not decode as refused and fails what re-encodes differently.
func TestRoundTrip(t *testing.T) {
	decode := func(b []byte) (string, error) {
		if len(b) == 0 {
			return "", errors.New("empty")
		}
		return string(b), nil
	}
	same := func(s string) []byte { return []byte(s) }
	if v, ok := RoundTrip(t, []byte("abc"), decode, same); !ok || v != "abc" {
		t.Fatalf("accepted input: %q %v", v, ok)
	}
	if _, ok := RoundTrip(t, nil, decode, same); ok {
		t.Fatal("refused input reported accepted")
	}
	o := run(t, func(tb testing.TB) {
		RoundTrip(tb, []byte("abc"), decode, func(s string) []byte { return []byte(s + "!") })
	})
	if !strings.Contains(o.fatal, "re-encoding differs") {
		t.Fatalf("a re-encoding that differs: fatal %q", o.fatal)
	}
}

// WaitFor returns once the condition holds and fails, naming what it
// waited for, when it does not hold within the limit.
func TestWaitFor(t *testing.T) {
	n := 0
	WaitFor(t, "third poll", time.Minute, func() bool { n++; return n == 3 })
	if n != 3 {
		t.Fatalf("%d polls", n)
	}
	o := run(t, func(tb testing.TB) { WaitFor(tb, "never", 20*time.Millisecond, func() bool { return false }) })
	if !strings.Contains(o.fatal, "never: not within 20ms") {
		t.Fatalf("fatal %q", o.fatal)
	}
}

// Accepted is true without an error, false for an error wrapping one of
// the sentinels, and fails for any other error.
func TestAccepted(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	if !Accepted(t, nil, errA) {
		t.Fatal("nil error not accepted")
	}
	if Accepted(t, fmt.Errorf("x: %w", errB), errA, errB) {
		t.Fatal("a typed refusal accepted")
	}
	o := run(t, func(tb testing.TB) { Accepted(tb, errors.New("other"), errA, errB) })
	if !strings.Contains(o.fatal, "other") || !strings.Contains(o.fatal, "wraps none") {
		t.Fatalf("an untyped refusal: fatal %q", o.fatal)
	}
}

// ReadBlock reads both layouts of the shared block files: extrinsics at the
// top level (kusama) and under blockRaw (polkadot).
func TestReadBlock(t *testing.T) {
	for _, name := range []string{"kusama-block-22939322.json", "polkadot-block-18468942.json"} {
		b := ReadBlock(t, name)
		if len(b.Header) < 40 || len(b.Extrinsics) < 4 || len(b.BlockHash) != 66 || len(b.ExtrinsicsRoot) != 66 {
			t.Fatalf("%s: header %d bytes, %d extrinsics, hashes %q %q", name, len(b.Header), len(b.Extrinsics), b.BlockHash, b.ExtrinsicsRoot)
		}
	}
}

// ReEncodes accepts a decoder whose output encodes stably, and fails one
// whose re-encoding drifts or does not decode.
func TestReEncodes(t *testing.T) {
	decode := func(b []byte) (string, error) {
		if len(b) == 0 {
			return "", errors.New("empty")
		}
		return strings.TrimLeft(string(b), " "), nil // accepts leading spaces
	}
	if v, ok := ReEncodes(t, []byte("  abc"), decode, func(s string) []byte { return []byte(s) }); !ok || v != "abc" {
		t.Fatalf("%q %v", v, ok)
	}
	if _, ok := ReEncodes(t, nil, decode, func(s string) []byte { return []byte(s) }); ok {
		t.Fatal("refused input reported accepted")
	}
	o := run(t, func(tb testing.TB) {
		ReEncodes(tb, []byte("x"), decode, func(s string) []byte { return []byte(s + "!") })
	})
	if !strings.Contains(o.fatal, "re-encodes") {
		t.Fatalf("drifting encoding: fatal %q", o.fatal)
	}
	o = run(t, func(tb testing.TB) { ReEncodes(tb, []byte("x"), decode, func(string) []byte { return nil }) })
	if !strings.Contains(o.fatal, "re-decode") {
		t.Fatalf("encoding that does not decode: fatal %q", o.fatal)
	}
}
