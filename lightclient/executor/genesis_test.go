package executor

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// genesis is a chain spec's raw genesis: its storage and compiled runtime.
type genesis struct {
	path    string
	spec    *chainspec.Spec
	code    []byte
	storage *MapStorage
	rt      *Runtime
}

var (
	genesisMu    sync.Mutex
	genesisCache = map[string]*genesis{}
)

// loadGenesis parses a local chain spec and compiles its runtime once per
// test binary.
// call runs method of the genesis runtime on the genesis state, failing t
// on an error.
func (g *genesis) call(t testing.TB, method string, args []byte) []byte {
	t.Helper()
	out, err := g.rt.Call(context.Background(), method, args, g.storage)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func loadGenesis(t testing.TB, name string) *genesis {
	t.Helper()
	path := testenv.Shared(t, "chainspec", "local", name)
	genesisMu.Lock()
	defer genesisMu.Unlock()
	if g, ok := genesisCache[name]; ok {
		return g
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := chainspec.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if spec.Raw == nil {
		t.Fatalf("%s has no raw genesis", name)
	}
	m := make(map[string][]byte, len(spec.Raw.Top))
	for _, kv := range spec.Raw.Top {
		m[string(kv.Key)] = kv.Value
	}
	code, ok := spec.Raw.Code()
	if !ok {
		t.Fatalf("%s has no :code", name)
	}
	pages, err := HeapPages(NewMapStorage(m))
	if err != nil {
		t.Fatal(err)
	}
	// A compilation cache shared by test runs keeps repeated runs fast;
	// BenchmarkCompileKusama measures the cold compile.
	rt, err := Compile(context.Background(), code, Options{HeapPages: pages, CacheDir: testCacheDir()})
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	g := &genesis{path: path, spec: spec, code: code, storage: NewMapStorage(m), rt: rt}
	genesisCache[name] = g
	return g
}

func testCacheDir() string { return filepath.Join(os.TempDir(), "ksm-executor-test-cache") }
