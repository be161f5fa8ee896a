package app

import (
	"context"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/tx/value"
)

// TestChooseExtrinsicChain: of a relay network's two chains, a signed
// extrinsic goes to the one whose runtime decodes it and whose profile
// does not leave its pallet to the other; when both take it (here both
// fakes run the Kusama runtime), the routing table's chain for its pallet,
// whatever the order of the candidates; one chain (--chain) takes what its
// runtime decodes; bytes no chain decodes are an input error naming each.
func TestChooseExtrinsicChain(t *testing.T) {
	ctx := context.Background()
	kusama, err := chainspec.Lookup("kusama")
	if err != nil {
		t.Fatal(err)
	}
	ah := AssetHubOf(kusama)
	alice := devKey(t, "//Alice")
	relayFake, ahFake := newFakeChain(t, devGenesis), newFakeChain(t, devGenesis)
	for _, f := range []*fakeChain{relayFake, ahFake} {
		f.setAccount(alice.AccountID(), 0, ksm(100), ksm(0), ksm(0))
	}
	relay, hub := openFake(t, relayFake, t.TempDir()), openFake(t, ahFake, t.TempDir())
	sign := func(pallet, name string, args value.Object) []byte {
		t.Helper()
		rt, err := relay.Latest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		call, err := rt.Calls.Call(pallet, name, args)
		if err != nil {
			t.Fatal(err)
		}
		p, err := relay.Prepare(ctx, Request{From: alice.AccountID(), Call: call, SkipChecks: true, SkipDryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		relay.Release(p)
		ext, err := p.Sign(alice)
		if err != nil {
			t.Fatal(err)
		}
		return ext
	}
	transfer := sign("Balances", "transfer_keep_alive", value.Object{{Name: "dest", Value: value.Object{{Name: "Id", Value: "0x" + strings.Repeat("11", 32)}}}, {Name: "value", Value: uint64(1)}})
	reserve := sign("Registrar", "reserve", value.Object{})
	cands := []ExtrinsicCandidate{{Sess: relay, Profile: kusama}, {Sess: hub, Profile: ah}}
	for _, tc := range []struct {
		name      string
		ext       []byte
		cands     []ExtrinsicCandidate
		wantIndex int
	}{
		{"transfer: both decode it, Balances routes to Asset Hub", transfer, cands, 1},
		{"reserve: Registrar lives on the relay only", reserve, cands, 0},
		{"reserve, Asset Hub listed first", reserve, []ExtrinsicCandidate{cands[1], cands[0]}, 1},
		// --chain named the chain: what its runtime decodes goes there.
		{"one chain (--chain)", reserve, cands[1:], 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			on, err := ChooseExtrinsicChain(ctx, kusama, tc.cands, tc.ext)
			if err != nil {
				t.Fatal(err)
			}
			if on.Index != tc.wantIndex || on.Sess != tc.cands[tc.wantIndex].Sess || on.Call == nil || on.Decoded == nil {
				t.Fatalf("chose %d (%v), want %d", on.Index, on.Call, tc.wantIndex)
			}
		})
	}
	if _, err := ChooseExtrinsicChain(ctx, kusama, cands, []byte{0x10, 0x04, 0x00}); err == nil || !IsInputError(err) ||
		strings.Count(err.Error(), "not an extrinsic of") != 2 {
		t.Fatalf("garbage: %v, want an input error naming both chains", err)
	}
}
