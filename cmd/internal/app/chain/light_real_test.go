package chain

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// realLight is a Light over a real light client of the test network: the
// Kusama runtime of kusama-local.json executed over proven storage.
func realLight(t *testing.T) (*Light, *lighttest.Network) {
	t.Helper()
	n := lighttest.Serve(t, lighttest.Shared(t, lighttest.Options{}))
	cl := n.Client(t, "")
	l := NewLight(cl, LightOptions{Genesis: Hash(n.Genesis()), Compile: ExecutorCompiler(t.TempDir())})
	t.Cleanup(func() { l.Close() })
	return l, n
}

var aliceAccountKey, _ = hex.DecodeString("26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9de1e86a9a8c739864cf3cc5ec2bea59fd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")

func TestLightRealRuntime(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the Kusama runtime")
	}
	l, n := realLight(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	head, err := l.FinalizedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
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
