package chainclient

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/chainsync"
	"github.com/ksm-wallet/ksm/lightclient/executor"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// realLight is a Light over a real light client of the test network: the
// Kusama runtime of kusama-local.json executed over proven storage; with
// it a context of three minutes for the test and the finalized head.
func realLight(t *testing.T) (context.Context, *Light, *lighttest.Network, *Header) {
	t.Helper()
	n := lighttest.Serve(t, lighttest.Shared(t, lighttest.Options{}))
	cl := n.Client(t, "")
	l := NewLight(cl, LightOptions{Genesis: Hash(n.Genesis()), Compile: ExecutorCompiler(t.TempDir())})
	t.Cleanup(func() { l.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	head, err := l.FinalizedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, l, n, head
}

var aliceAccountKey, _ = hex.DecodeString("26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9de1e86a9a8c739864cf3cc5ec2bea59fd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")

func TestLightRealRuntime(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the Kusama runtime")
	}
	ctx, l, n, head := realLight(t)
	if head.Number != uint64(len(n.Blocks)-1) {
		t.Fatalf("finalized #%d, the network's head is #%d", head.Number, len(n.Blocks)-1)
	}
	v, err := l.RuntimeVersion(ctx, head.Hash)
	if err != nil || v.SpecName != "kusama" || v.SpecVersion != 1_000_000 || v.TransactionVersion != 24 {
		t.Fatalf("runtime version %+v %v", v, err)
	}
	start := time.Now()
	raw, err := l.RuntimeCall(ctx, "Core_version", nil, head.Hash)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first call (compile + Core_version): %v", time.Since(start))
	cv, err := DecodeRuntimeVersion(raw)
	if err != nil || *cv != *v {
		t.Fatalf("Core_version %+v %v, the code's section says %+v", cv, err, v)
	}
	start = time.Now()
	md, err := l.Metadata(ctx, head.Hash)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("metadata: %d bytes in %v", len(md), time.Since(start))
	m, err := metadata.Decode(md)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != 15 {
		t.Fatalf("metadata v%d, kusama-local's runtime offers v15", m.Version)
	}
	acc, ok := n.Value(aliceAccountKey)
	if !ok {
		t.Fatal("alice not endowed")
	}
	nonce, err := l.NextNonce(ctx, [32]byte(aliceAccountKey[len(aliceAccountKey)-32:]))
	if err != nil || nonce != uint64(binary.LittleEndian.Uint32(acc)) {
		t.Fatalf("nonce %d %v, genesis says %d", nonce, err, binary.LittleEndian.Uint32(acc))
	}
	// The same answers from an independent executor (chopsticks, smoldot's)
	// at its block 0: the same state for everything these calls read.
	url := testenv.SharedChopsticks(t, n.SpecPath)
	rc, err := rpc.Dial(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b0, err := rc.BlockHash(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []struct {
		method string
		args   []byte
		ours   []byte
	}{
		{"Core_version", nil, raw},
		{"Metadata_metadata_at_version", []byte{15, 0, 0, 0}, md},
		{"AccountNonceApi_account_nonce", aliceAccountKey[len(aliceAccountKey)-32:], nil},
	} {
		want, err := rc.StateCall(ctx, call.method, call.args, &b0)
		if err != nil {
			t.Fatalf("chopsticks %s: %v", call.method, err)
		}
		got := call.ours
		if got == nil {
			if got, err = l.RuntimeCall(ctx, call.method, call.args, head.Hash); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: %d bytes differ from chopsticks' %d", call.method, len(got), len(want))
		}
	}
}

// TestLightRealRuntimeLiar: a proof the endpoint forges for a value the
// runtime reads mid-call fails the call with the verification error in its
// chain (the executor's ErrStorage wrapping it), never a value.
func TestLightRealRuntimeLiar(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the Kusama runtime")
	}
	ctx, l, n, head := realLight(t)
	// The code is proven honestly; then every proof is forged.
	if _, err := l.RuntimeCall(ctx, "Core_version", nil, head.Hash); err != nil {
		t.Fatal(err)
	}
	n.Server.SetLie(func(method string, res any) any {
		if method == "state_getReadProof" {
			return map[string]any{"at": head.Hash.String(), "proof": []string{"0x00"}}
		}
		return res
	})
	_, err := l.NextNonce(ctx, [32]byte(aliceAccountKey[len(aliceAccountKey)-32:]))
	if err == nil {
		t.Fatal("a forged proof gave a nonce")
	}
	if !errors.Is(err, executor.ErrStorage) || !(errors.Is(err, chainsync.ErrMalicious) || errors.Is(err, lightclient.ErrVerification)) || errors.Is(err, ErrDisconnected) {
		t.Fatalf("error chain: %v", err)
	}
	t.Logf("%v", err)
}

// TestLightRealStorage: values, key enumeration, headers and bodies through
// a real light client of the test network, against the generated state.
func TestLightRealStorage(t *testing.T) {
	n := lighttest.Serve(t, lighttest.Shared(t, lighttest.Options{}))
	l := NewLight(n.Client(t, ""), LightOptions{Genesis: Hash(n.Genesis())})
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	head, err := l.FinalizedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := n.Value(aliceAccountKey)
	got, found, err := l.Storage(ctx, aliceAccountKey, head.Hash)
	if err != nil || !found || !bytes.Equal(got, want) {
		t.Fatalf("alice: %x %v %v", got, found, err)
	}
	// Every System.Account key of the genesis, in order, two pages.
	prefix := aliceAccountKey[:32]
	var all [][]byte
	for _, kv := range n.Spec.Raw.Top {
		if bytes.HasPrefix(kv.Key, prefix) {
			all = append(all, kv.Key)
		}
	}
	if len(all) < 4 {
		t.Fatalf("%d accounts in the spec", len(all))
	}
	page1, err := l.StorageKeys(ctx, prefix, 3, nil, head.Hash)
	if err != nil {
		t.Fatal(err)
	}
	page2, err := l.StorageKeys(ctx, prefix, 1000, page1[len(page1)-1], head.Hash)
	if err != nil {
		t.Fatal(err)
	}
	keys := append(page1, page2...)
	if len(keys) != len(all) {
		t.Fatalf("%d keys, the state has %d", len(keys), len(all))
	}
	for i := range keys {
		if !bytes.Equal(keys[i], all[i]) {
			t.Fatalf("key %d: %x, want %x", i, keys[i], all[i])
		}
	}
	body, err := l.BlockBody(ctx, head.Hash)
	if err != nil || len(body) != len(n.Head().Extrinsics) || !bytes.Equal(body[0], n.Head().Extrinsics[0]) {
		t.Fatalf("body %x %v", body, err)
	}
	if _, err := l.BlockBody(ctx, Hash{9}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("body of an unknown block: %v", err)
	}
	if _, err := l.RuntimeCall(ctx, "Core_version", nil, head.Hash); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("no executor: %v", err)
	}
}
