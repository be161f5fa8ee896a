package app

import (
	"context"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
)

// claimingChain is a verified chain whose including blocks are an
// endpoint's word only: a parachain endpoint that reported inclusion in a
// block the relay chain never proved (one it invented, say).
type claimingChain struct {
	*fakeChain
	reason string
}

func (c claimingChain) Claimed(context.Context, chainclient.Hash) (string, bool) {
	return c.reason, true
}

// TestOutcomeVerifiedDecidedOnce: whichever way a transaction is sent (a
// plan's Submit, tx submit's SubmitDecoded, claim submit's unsigned
// SubmitSigned), its outcome is "verified" only when the chain proves it
// and the block is proven final; else verified is false with a warning.
func TestOutcomeVerifiedDecidedOnce(t *testing.T) {
	ways := []struct {
		name string
		send func(t *testing.T, s *Session) (*Outcome, error)
	}{
		{"submit", func(t *testing.T, s *Session) (*Outcome, error) {
			ext, p := signedElsewhere(t, s)
			return s.Submit(context.Background(), p, ext, nil)
		}},
		{"tx-submit", func(t *testing.T, s *Session) (*Outcome, error) {
			ext, p := signedElsewhere(t, s)
			s.Release(p)
			x, err := p.Runtime.Format.Decode(ext)
			if err != nil {
				t.Fatal(err)
			}
			return s.SubmitDecoded(context.Background(), ext, x, p.At, nil)
		}},
		{"unsigned", func(t *testing.T, s *Session) (*Outcome, error) {
			ext, p := signedElsewhere(t, s)
			s.Release(p)
			return s.SubmitSigned(context.Background(), ext, nil)
		}},
	}
	cases := []struct {
		name         string
		verified     bool // the chain proves its answers
		claimed      bool // the including block is the endpoint's word
		noFinal      bool
		wantVerified bool
		wantWarning  string
	}{
		{"proven", true, false, false, true, ""},
		{"trusted", false, false, false, false, ""},
		{"claimed", true, true, false, false, "NOT verified: the relay chain did not prove"},
		{"not-final", true, false, true, false, "was not reported final"},
	}
	for _, w := range ways {
		for _, tc := range cases {
			t.Run(w.name+"/"+tc.name, func(t *testing.T) {
				f := newFakeChain(t, devGenesis)
				alice := devKey(t, "//Alice").AccountID()
				f.setAccount(alice, 0, ksm(100), ksm(0), ksm(0))
				f.verified, f.noFinal = tc.verified, tc.noFinal
				var c chainclient.Chain = f
				if tc.claimed {
					c = claimingChain{f, "the relay chain did not prove parachain 1000 block 0x01 within 2m0s"}
				}
				s, err := Open(context.Background(), c, Options{Home: t.TempDir(), Name: "kusama-asset-hub"})
				if err != nil {
					t.Fatal(err)
				}
				o, err := w.send(t, s)
				if err != nil {
					t.Fatal(err)
				}
				if o.Verified != tc.wantVerified || o.Chain != "kusama-asset-hub" {
					t.Fatalf("verified %v chain %q, want %v kusama-asset-hub", o.Verified, o.Chain, tc.wantVerified)
				}
				got := strings.Join(o.Warnings, "\n")
				if (tc.wantWarning == "") != (got == "") || !strings.Contains(got, tc.wantWarning) {
					t.Fatalf("warnings %q, want %q", got, tc.wantWarning)
				}
			})
		}
	}
}
