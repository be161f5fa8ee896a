package testenv

import (
	"testing"
	"time"
)

// WaitFor polls cond until it holds, failing t with what after limit: a
// safety net for what a test's goroutines do on their own, not a speed
// requirement (choose a limit generous on a loaded machine).
func WaitFor(t testing.TB, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
