package cli

import (
	"strings"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/iostreams"
	"github.com/ksm-wallet/ksm/wallet/keystore"
)

// testScrypt are the cheap scrypt parameters of command tests' keystores
// (files still decrypt in ksm; the wallet packages test the real
// parameters and polkadot-js interop). Each factory carries its own, so
// tests run in parallel.
var testScrypt = keystore.InsecureTestParams(10)

// realScrypt holds the names of tests whose keystores use the real
// parameters (useRealScrypt).
var realScrypt sync.Map // string → struct{}

// useRealScrypt makes the factories of t (and its subtests) write keys
// with the real scrypt parameters, for files polkadot-js must open.
func useRealScrypt(t testing.TB) {
	realScrypt.Store(t.Name(), struct{}{})
	t.Cleanup(func() { realScrypt.Delete(t.Name()) })
}

// scryptFor returns the scrypt parameters of t's keystores.
func scryptFor(t testing.TB) keystore.Params {
	for name := t.Name(); ; {
		if _, ok := realScrypt.Load(name); ok {
			return keystore.Params{}
		}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			return testScrypt
		}
		name = name[:i]
	}
}

// newTestFactory is a factory on io with t's backend seams, its scrypt
// parameters and an empty environment.
func newTestFactory(t testing.TB, io *iostreams.IOStreams) *Factory {
	f := NewFactory(io)
	f.Backend = hooksFor(t)
	f.Scrypt = scryptFor(t)
	f.Getenv = func(string) string { return "" }
	return f
}

// openTestStore opens home's keystore as the command tests' factories do.
func openTestStore(t testing.TB, home string) *keystore.Store {
	t.Helper()
	st, err := keystore.Open(home)
	if err != nil {
		t.Fatal(err)
	}
	st.Scrypt = scryptFor(t)
	return st
}
