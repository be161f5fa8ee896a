package cli

import (
	"strings"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app/backend"
)

// backendHooks are each test's backend seams, by test name: a test sets
// its own (hooksOf) and the factories its helpers make get them
// (hooksFor), so tests with different seams can run in parallel.
var backendHooks sync.Map // string → *backend.Hooks

// hooksOf returns the seams of t to set, starting as a copy of its closest
// parent test's; they are forgotten when t ends.
func hooksOf(t testing.TB) *backend.Hooks {
	t.Helper()
	if h, ok := backendHooks.Load(t.Name()); ok {
		return h.(*backend.Hooks)
	}
	h := hooksFor(t)
	backendHooks.Store(t.Name(), &h)
	t.Cleanup(func() { backendHooks.Delete(t.Name()) })
	return &h
}

// hooksFor returns the seams of t or of its closest parent that has some.
func hooksFor(t testing.TB) backend.Hooks {
	for name := t.Name(); ; {
		if h, ok := backendHooks.Load(name); ok {
			return *h.(*backend.Hooks)
		}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			return backend.Hooks{}
		}
		name = name[:i]
	}
}
