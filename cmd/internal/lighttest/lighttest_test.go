package lighttest

import (
	"bytes"
	"context"
	"encoding/hex"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/parachain"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/lightclient/rpctest"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/lightclient/trie"
)

// alice is //Alice's account id.
var alice, _ = hex.DecodeString("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")

func TestGenerateKusamaLocal(t *testing.T) {
	start := time.Now()
	c := Generate(t, Options{Blocks: 3})
	t.Logf("generated %d blocks over %d genesis entries in %v", len(c.Blocks)-1, len(c.Spec.Raw.Top), time.Since(start))
	if c.Layout != trie.V1 && c.Layout != trie.V0 {
		t.Fatalf("layout %v", c.Layout)
	}
	if len(c.Blocks) != 4 || c.Head().Justification == nil {
		t.Fatalf("%d blocks, head justified %v", len(c.Blocks), c.Head().Justification != nil)
	}
	code, ok := c.Spec.Raw.Code()
	if !ok {
		t.Fatal("no :code in the spec")
	}
	v, found, err := chainspec.ReadRuntimeVersion(code)
	if err != nil || !found || v.SpecName != "kusama" {
		t.Fatalf("runtime version %+v %v %v", v, found, err)
	}
	want, ok := c.Value(AccountKey(alice))
	if !ok {
		t.Fatal("alice is not endowed in the spec")
	}
	// Every block's state proves the genesis values, code included, and
	// the testchain's own entries (System.Number = n), once each.
	for n := uint32(0); n < uint32(len(c.Blocks)); n++ {
		keys := [][]byte{AccountKey(alice), []byte(":code"), testchain.KeySystemNumber}
		var nodes [][]byte
		for _, h := range rpctest.ProofHex(c.Chain, n, keys...) {
			b, _ := hex.DecodeString(h[2:])
			nodes = append(nodes, b)
		}
		p, err := trie.NewProof(trie.Hash(c.Blocks[n].Header.StateRoot), nodes)
		if err != nil {
			t.Fatal(err)
		}
		got := p.GetMany(keys)
		if !got[0].Found || !bytes.Equal(got[0].Value, want) {
			t.Fatalf("block %d: alice %x, want %x", n, got[0].Value, want)
		}
		if !got[1].Found || !bytes.Equal(got[1].Value, code) {
			t.Fatalf("block %d: code differs", n)
		}
		if !got[2].Found || got[2].Value[0] != byte(n) {
			t.Fatalf("block %d: System.Number %x", n, got[2].Value)
		}
	}
	seen := map[string]bool{}
	for _, kv := range c.State(1) {
		if seen[string(kv.Key)] {
			t.Fatalf("key %x twice in the state", kv.Key)
		}
		seen[string(kv.Key)] = true
	}
	if len(seen) != len(c.Spec.Raw.Top)+5-countOwn(c) {
		t.Fatalf("%d keys, spec has %d", len(seen), len(c.Spec.Raw.Top))
	}
}

func countOwn(c *Chain) int { return len(c.Spec.Raw.Top) - len(GenesisEntries(c.Spec.Raw)) }

func TestServe(t *testing.T) {
	c := Shared(t, Options{})
	if Shared(t, Options{}) != c {
		t.Fatal("Shared generated twice")
	}
	n := Serve(t, c)
	if n.URL == "" || n.Genesis() != c.Blocks[0].Hash || n.Checkpoint().Hash != n.Genesis() {
		t.Fatal("network")
	}
}

func TestSetState(t *testing.T) {
	c := Generate(t, Options{Seed: "set-state", Blocks: 2})
	if err := c.SetState(2, nil); err == nil {
		t.Fatal("changed an existing block")
	}
	key := AccountKey(alice)
	old, _ := c.Value(key)
	if err := c.SetState(3, []trie.KV{{Key: key, Value: []byte{1, 2, 3}}, {Key: []byte(":new"), Value: []byte{4}}}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetState(4, []trie.KV{{Key: []byte(":new"), Value: nil}}); err != nil {
		t.Fatal(err)
	}
	get := func(n uint32, k []byte) []byte {
		for _, kv := range c.State(n) {
			if bytes.Equal(kv.Key, k) {
				return kv.Value
			}
		}
		return nil
	}
	if !bytes.Equal(get(2, key), old) || get(2, []byte(":new")) != nil {
		t.Fatal("block 2 changed")
	}
	b, err := c.Extend(nil)
	if err != nil || b.Header.Number != 3 {
		t.Fatal(err)
	}
	if !bytes.Equal(get(3, key), []byte{1, 2, 3}) || !bytes.Equal(get(3, []byte(":new")), []byte{4}) {
		t.Fatal("block 3 lacks the change")
	}
	if _, err := c.Extend(nil); err != nil {
		t.Fatal(err)
	}
	if get(4, []byte(":new")) != nil || !bytes.Equal(get(4, key), []byte{1, 2, 3}) {
		t.Fatal("block 4: removal or earlier change lost")
	}
	if b.Header.StateRoot != trie.Root(c.Layout, c.State(3)) {
		t.Fatal("state root of the extended block")
	}
}

// ServeRelay's relay records the para heads with the lag asked, and a
// light client following it proves the para head of its finalized block.
func TestServeRelay(t *testing.T) {
	para, err := testchain.Generate(testchain.Config{Seed: "lighttest-relay-para", Blocks: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		o    RelayOptions
		head uint32
	}{
		{RelayOptions{}, 5},                        // 8 - 2, capped at the para's last block
		{RelayOptions{Blocks: 4, Lag: 3}, 1},       // 4 - 3
		{RelayOptions{ParaID: 2000, Blocks: 1}, 0}, // before the lag: genesis
	} {
		r := ServeRelay(t, para, tc.o)
		id := tc.o.ParaID
		if id == 0 {
			id = 1000
		}
		if r.ParaHead != tc.head || r.ParaID != id || r.URL == "" || r.Checkpoint().Hash != r.Genesis() {
			t.Fatalf("%+v: para head %d id %d, want %d", tc.o, r.ParaHead, r.ParaID, tc.head)
		}
		last := uint32(len(r.Blocks) - 1)
		want := parachain.EncodeHeadData(para.Blocks[tc.head].Header)
		var got []byte
		for _, kv := range r.State(last) {
			if bytes.Equal(kv.Key, parachain.HeadsKey(id)) {
				got = kv.Value
			}
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%+v: Paras::Heads at #%d %x, want %x", tc.o, last, got, want)
		}
	}
	// Followed by a light client with a para endpoint: the proven head.
	r := ServeRelay(t, para, RelayOptions{})
	paraURL, stop := rpctest.New(para, uint32(len(para.Blocks)-1)).Start()
	t.Cleanup(stop)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rc, err := rpc.Dial(ctx, r.URL)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := rpc.Dial(ctx, paraURL)
	if err != nil {
		t.Fatal(err)
	}
	cl := StartClient(ctx, t, lightclient.Config{Genesis: r.Genesis(), Checkpoint: r.Checkpoint(),
		Sources: []lightclient.Source{lightclient.NewRPCSource(rc, lightclient.RPCOptions{Name: "relay"}),
			lightclient.NewRPCSource(pc, lightclient.RPCOptions{Name: "para", Para: true, ParaID: 1000})}})
	h, err := cl.Para(1000).Head(ctx)
	if err != nil || h.Hash != para.Blocks[r.ParaHead].Hash || h.RelayNumber != uint32(len(r.Blocks)-1) {
		t.Fatalf("proven para head %+v %v, want #%d", h, err, r.ParaHead)
	}
}

// RelayNetwork.SetState gives the relay blocks from a future one on an
// entry beside the para head they record.
func TestRelaySetState(t *testing.T) {
	para, err := testchain.Generate(testchain.Config{Seed: "lighttest-relay-set", Blocks: 2})
	if err != nil {
		t.Fatal(err)
	}
	r := ServeRelay(t, para, RelayOptions{Blocks: 3})
	kv := trie.KV{Key: []byte(":events"), Value: []byte{7}}
	if err := r.SetState(3, []trie.KV{kv}); err == nil {
		t.Fatal("changed an existing block")
	}
	if err := r.SetState(4, []trie.KV{kv}); err != nil {
		t.Fatal(err)
	}
	b, err := r.Extend(nil)
	if err != nil {
		t.Fatal(err)
	}
	state := map[string][]byte{}
	for _, e := range r.State(4) {
		state[string(e.Key)] = e.Value
	}
	if !bytes.Equal(state[":events"], kv.Value) || state[string(parachain.HeadsKey(1000))] == nil {
		t.Fatalf("relay block 4: %x, head %x", state[":events"], state[string(parachain.HeadsKey(1000))])
	}
	for _, e := range r.State(3) {
		if bytes.Equal(e.Key, kv.Key) {
			t.Fatal("relay block 3 changed")
		}
	}
	if b.Header.StateRoot != trie.Root(*r.Config.Layout, r.State(4)) {
		t.Fatal("state root of the extended relay block")
	}
}
