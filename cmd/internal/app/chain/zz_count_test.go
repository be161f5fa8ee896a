package chain

import (
	"context"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/lighttest"
	"github.com/ksm-wallet/ksm/lightclient"
	"github.com/ksm-wallet/ksm/lightclient/header"
)

type countingClient struct {
	LightClient
	reads, next int
}

func (c *countingClient) ReadStorageAt(ctx context.Context, b header.Hash, keys [][]byte) (*lightclient.StorageResult, error) {
	c.reads++
	return c.LightClient.ReadStorageAt(ctx, b, keys)
}
func (c *countingClient) NextKey(ctx context.Context, b header.Hash, k []byte) ([]byte, bool, error) {
	c.next++
	return c.LightClient.NextKey(ctx, b, k)
}

func TestCountReads(t *testing.T) {
	n := lighttest.Serve(t, lighttest.Shared(t, lighttest.Options{}))
	cc := &countingClient{LightClient: n.Client(t, "")}
	l := NewLight(cc, LightOptions{Compile: ExecutorCompiler("/tmp/chain-wasm-cache")})
	head := Hash(n.Head().Hash)
	for _, m := range []struct{ name string; args []byte }{{"Core_version", nil}, {"AccountNonceApi_account_nonce", aliceAccountKey[len(aliceAccountKey)-32:]}, {"Metadata_metadata_at_version", []byte{15, 0, 0, 0}}, {"Metadata_metadata_versions", nil}} {
		r0, n0 := cc.reads, cc.next
		if _, err := l.RuntimeCall(context.Background(), m.name, m.args, head); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d reads, %d next", m.name, cc.reads-r0, cc.next-n0)
	}
}
