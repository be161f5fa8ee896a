package p2ptest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"sort"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/executor"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// kusamaChain is a generated chain whose state also holds kusama-local's
// raw genesis (the runtime's :code among it).
func kusamaChain(t *testing.T) *testchain.Chain {
	t.Helper()
	b, err := os.ReadFile(testenv.Shared(t, "chainspec", "local", "kusama-local.json"))
	if err != nil {
		t.Fatal(err)
	}
	spec, err := chainspec.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	layout, err := spec.Raw.StateVersion()
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]bool{string(testchain.KeySystemNumber): true, string(testchain.KeyTimestampNow): true,
		string(testchain.KeyGrandpaSetID): true, string(testchain.KeyBabeEpochIndex): true, string(testchain.KeyGrandpaAuthorites): true}
	var extra []trie.KV
	for _, kv := range spec.Raw.Top {
		if !own[string(kv.Key)] {
			extra = append(extra, kv)
		}
	}
	c, err := testchain.Generate(testchain.Config{Seed: "p2ptest-call", Blocks: 2, Layout: &layout,
		ExtraState: func(uint32) []trie.KV { return extra }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCallProver: the proof of a real runtime call holds every value the
// call read (the client re-executes it over the proof alone), is checked
// against the block's state root, and a lying source's extra node fails
// that check.
func TestCallProver(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the Kusama runtime")
	}
	c := kusamaChain(t)
	p := &CallProver{L: NewLiveChain(c, 2), CacheDir: t.TempDir()}
	defer p.Close()
	head := c.Blocks[2]
	var alice [32]byte // any account: the call reads System.Account of it
	alice[0] = 0xd4
	nodes, ok, err := p.Prove(head.Hash, "AccountNonceApi_account_nonce", alice[:])
	if err != nil || !ok {
		t.Fatalf("prove: %v %v", ok, err)
	}
	proof, err := trie.NewProof(trie.Hash(head.Header.StateRoot), nodes)
	if err != nil {
		t.Fatalf("proof does not check against the state root: %v", err)
	}
	// The call executed over the proof alone answers what it answers over
	// the whole state.
	p.mu.Lock()
	var rt *executor.Runtime
	for _, r := range p.rts {
		rt = r
	}
	p.mu.Unlock()
	if rt == nil || p.Proofs.Load() != 1 {
		t.Fatal("no runtime compiled or proof not counted")
	}
	ctx := context.Background()
	kvs := append([]trie.KV(nil), c.State(2)...)
	sort.Slice(kvs, func(i, j int) bool { return bytes.Compare(kvs[i].Key, kvs[j].Key) < 0 })
	want, err := rt.Call(ctx, "AccountNonceApi_account_nonce", alice[:], &state{kvs: kvs})
	if err != nil {
		t.Fatal(err)
	}
	got, err := rt.Call(ctx, "AccountNonceApi_account_nonce", alice[:], proofStorage{proof})
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("over the proof: %x %v, want %x", got, err, want)
	}
	// An unknown block has no proof; a failing call
	// is answered without one.
	for _, tc := range []struct {
		block  header.Hash
		method string
	}{{header.Hash{1}, "Core_version"}, {head.Hash, "No_such_method"}} {
		if _, ok, err := p.Prove(tc.block, tc.method, nil); ok || err != nil {
			t.Fatalf("%s: ok %v, %v", tc.method, ok, err)
		}
	}
	src := NewChainSource(p.L)
	src.Calls = p
	src.SetLie(LieCallProof)
	bad, ok, err := src.CallProof(head.Hash, "Core_version", nil)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, err := trie.NewProof(trie.Hash(head.Header.StateRoot), bad); err == nil {
		t.Fatal("the lie checks")
	}
}

// proofStorage answers reads from a proof only.
type proofStorage struct{ p *trie.Proof }

func (s proofStorage) Get(key []byte) ([]byte, bool, error) { return s.p.Get(key) }
func (s proofStorage) NextKey(key []byte) ([]byte, bool, error) {
	next, found, missing, err := s.p.NextKey(key)
	if err == nil && len(missing) > 0 {
		err = errors.New("proof incomplete")
	}
	return next, found, err
}
