package testenv

import (
	"errors"
	"testing"
)

// Accepted is the typed-refusal check of a fuzz target: it reports whether
// a parser of outside bytes accepted its input (err nil), and fails t when
// it refused it with an error that wraps none of sentinels (a refusal
// callers could not tell apart from any other failure).
func Accepted(t testing.TB, err error, sentinels ...error) bool {
	t.Helper()
	if err == nil {
		return true
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return false
		}
	}
	t.Fatalf("error %v wraps none of %v", err, sentinels)
	return false
}
