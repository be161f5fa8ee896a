package app

import (
	"context"
	"math/big"
	"path/filepath"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/tx/value"
)

// TestMetadataHashNoDowngrade: an endpoint answering every CheckMetadataHash
// mode 1 transaction with UnknownTransaction::CannotLookup (what a runtime
// built without its metadata hash does, and what a hostile endpoint can
// claim) switches ksm to mode 0 only on a development chain, and keeps that
// decision on disk only when it was verified.
func TestMetadataHashNoDowngrade(t *testing.T) {
	kusama, err := chainspec.Lookup("kusama")
	if err != nil {
		t.Fatal(err)
	}
	cannotLookup := value.Object{{Name: "Err", Value: value.Object{{Name: "Unknown", Value: "CannotLookup"}}}}
	for _, tc := range []struct {
		name     string
		genesis  chainclient.Hash
		verified bool
		mode1    bool
		kept     bool
	}{
		{name: "known network, trusted endpoint", genesis: chainclient.Hash(kusama.GenesisHash), mode1: true},
		{name: "known network, verified", genesis: chainclient.Hash(kusama.GenesisHash), verified: true, mode1: true},
		{name: "development chain, trusted endpoint", genesis: devGenesis},
		{name: "development chain, verified", genesis: devGenesis, verified: true, kept: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeChain(t, tc.genesis)
			alice := devKey(t, "//Alice").AccountID()
			f.setAccount(alice, 0, ksm(10), new(big.Int), new(big.Int))
			f.verified = tc.verified
			f.validity = cannotLookup
			home := t.TempDir()
			for session := range 2 { // the second session reads what the first kept
				s := openFake(t, f, home)
				ctx := context.Background()
				p, err := s.Prepare(ctx, Request{From: alice, Call: transferToBob(t, s), Spend: ksm(1)})
				if err != nil {
					t.Fatal(err)
				}
				s.Release(p)
				if p.MetadataHash != tc.mode1 || (p.MetadataHashNote == "") != tc.mode1 || p.Params.MetadataHash == nil != !tc.mode1 {
					t.Fatalf("session %d: mode 1 %v (note %q), want %v", session, p.MetadataHash, p.MetadataHashNote, tc.mode1)
				}
			}
			kept, _ := filepath.Glob(filepath.Join(home, "cache", "*", "*.mh"))
			if (len(kept) > 0) != tc.kept {
				t.Fatalf("decisions kept on disk: %v, want kept %v", kept, tc.kept)
			}
		})
	}
}
