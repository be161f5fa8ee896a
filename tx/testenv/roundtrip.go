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

// ReEncodes is the stability check of a fuzz target whose decoder accepts
// more than one encoding of a value (protobuf): when decode accepts b, the
// encoding of what it decoded must decode again and encode to the same
// bytes. It returns the decoded value and whether decode accepted b.
func ReEncodes[T any](t testing.TB, b []byte, decode func([]byte) (T, error), encode func(T) []byte) (T, bool) {
	t.Helper()
	v, err := decode(b)
	if err != nil {
		return v, false
	}
	enc := encode(v)
	v2, err := decode(enc)
	if err != nil {
		t.Fatalf("re-decode of %x (from %x): %v", enc, b, err)
	}
	if enc2 := encode(v2); !bytes.Equal(enc2, enc) {
		t.Fatalf("%x re-encodes as %x, then as %x", b, enc, enc2)
	}
	return v, true
}
