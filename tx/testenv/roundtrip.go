package testenv

import (
	"bytes"
	"testing"
)

// RoundTrip is the canonical-encoding check of a fuzz target: it decodes b
// and, when decode accepts it, fails t unless encode gives b back. It
// returns the decoded value and whether decode accepted b, for the checks a
// target makes on what it decoded.
func RoundTrip[T any](t testing.TB, b []byte, decode func([]byte) (T, error), encode func(T) []byte) (T, bool) {
	t.Helper()
	v, err := decode(b)
	if err != nil {
		return v, false
	}
	if got := encode(v); !bytes.Equal(got, b) {
		t.Fatalf("re-encoding differs: %x decodes and re-encodes to %x", b, got)
	}
	return v, true
}
