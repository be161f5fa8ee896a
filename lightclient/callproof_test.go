package lightclient

import (
	"bytes"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// callProofSource is a chainSource whose /light/2 remote calls answer the
// proof of fixed keys (a runtime call that reads them); forge adds a node
// that does not link from the state root. It counts storage reads.
type callProofSource struct {
	*chainSource
	keys  [][]byte
	forge bool
	calls atomic.Int64
	reads atomic.Int64
	mu    sync.Mutex
	last  string
}

func (s *callProofSource) CallProof(block header.Hash, method string, data []byte) ([][]byte, bool, error) {
	s.calls.Add(1)
	s.mu.Lock()
	s.last = method + ":" + string(data)
	s.mu.Unlock()
	n, ok := s.number(block)
	if !ok {
		return nil, false, nil
	}
	_, nodes := trie.Prove(*s.c.Config.Layout, s.c.State(n), s.keys)
	if s.forge {
		nodes = append(nodes, []byte{0x80, 0x01, 0x00})
	}
	return nodes, true, nil
}

func (s *callProofSource) ReadProof(block header.Hash, keys [][]byte) ([][]byte, bool, error) {
	s.reads.Add(1)
	return s.chainSource.ReadProof(block, keys)
}

func TestPrefetchCallP2P(t *testing.T) {
	c := genChain(t, testchain.Config{Seed: "lc-callproof", Blocks: 20})
	genesis := c.Blocks[0].Hash
	keys := [][]byte{testchain.KeySystemNumber, testchain.KeyTimestampNow, testchain.KeyGrandpaSetID, []byte("no such key")}
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	liar := &callProofSource{chainSource: &chainSource{c: c, visible: 20}, keys: keys, forge: true}
	honest := &callProofSource{chainSource: &chainSource{c: c, visible: 20}, keys: keys}
	host, nodes := relayNodes(t, mn, genesis, liar, honest)
	cl := startClient(t, c, NewP2PSource(host, nil))
	ctx := ctxT(t)
	_, head, _ := cl.Finalized()
	want := stateOf(c, 20)
	// Each prefetch asks one peer (the least recently used first): the
	// forger is banned and its proof dropped; the honest proof is merged.
	merged := 0
	for i := 0; i < 2; i++ {
		n, err := cl.PrefetchCall(ctx, head, "Test_call", []byte{7})
		if err != nil {
			t.Fatal(err)
		}
		merged += n
	}
	if merged == 0 || liar.calls.Load() != 1 || honest.calls.Load() < 1 {
		t.Fatalf("merged %d nodes; the liar was asked %d times, the honest node %d", merged, liar.calls.Load(), honest.calls.Load())
	}
	if !host.Banned(nodes[0].ID()) || host.Banned(nodes[1].ID()) {
		t.Fatal("the forger is not banned, or the honest node is")
	}
	honest.mu.Lock()
	last := honest.last
	honest.mu.Unlock()
	if last != "Test_call:\x07" {
		t.Fatalf("remote call %q", last)
	}
	// The keys the call proof holds are read without a request.
	reads := honest.reads.Load() + liar.reads.Load()
	res, err := cl.ReadStorageAt(ctx, head, keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		if w, ok := want[string(k)]; res.Values[i].Found != ok || !bytes.Equal(res.Values[i].Value, w) {
			t.Fatalf("key %q: %x %v", k, res.Values[i].Value, res.Values[i].Found)
		}
	}
	if got := honest.reads.Load() + liar.reads.Load(); got != reads {
		t.Fatalf("%d storage requests for keys the call proof held", got-reads)
	}
	// A key the proof omitted is read from a peer (it is merely slower).
	res, err = cl.ReadStorageAt(ctx, head, [][]byte{testchain.KeyBabeEpochIndex})
	if err != nil || !bytes.Equal(res.Values[0].Value, want[string(testchain.KeyBabeEpochIndex)]) {
		t.Fatalf("omitted key: %v", err)
	}
	if honest.reads.Load() == 0 {
		t.Fatal("the omitted key was not read from a peer")
	}
	if _, err := cl.PrefetchCall(ctx, header.Hash{9}, "Test_call", nil); !errors.Is(err, ErrUnknownBlock) {
		t.Fatalf("unknown block: %v", err)
	}
}

// TestPrefetchCallNoServer: RPC endpoints serve no call proofs: the
// prefetch fails at once with ErrCallProofFailed, without a request.
func TestPrefetchCallNoServer(t *testing.T) {
	c := genChain(t, testchain.Config{Seed: "lc-callproof-mem", Blocks: 6})
	src := newMemSource(c, 6, 0)
	// "At once" is told from "after a wait" by the machine's waits being
	// far longer than the test's safety net, not by a clock.
	sc := fastSync()
	sc.PeerWait, sc.RequestTimeout = 10*waitLimit, 10*waitLimit
	cl := startClientSync(t, c, sc, src)
	failed := make(chan error, 1)
	go func() {
		_, err := cl.PrefetchCall(ctxT(t), header.Hash{}, "Core_version", nil)
		failed <- err
	}()
	select {
	case err := <-failed:
		if !errors.Is(err, ErrCallProofFailed) {
			t.Fatalf("got %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("the prefetch waits instead of failing at once")
	}
}
