package chainsync

import (
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func FuzzDecodeHeaders(f *testing.F) {
	c, err := testchain.Generate(testchain.Config{Seed: "fuzz-h", Blocks: 8, SetLength: 4, Voters: 3})
	if err != nil {
		f.Fatal(err)
	}
	srv := &server{c: c, Visible: 8}
	for _, n := range []uint32{1, 3, 8} {
		b, err := srv.headers(Request{Block: c.Blocks[n].Hash, Count: n})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0})
	f.Add([]byte{0xfc})
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.RoundTrip(t, b, DecodeHeaders, EncodeHeaders)
	})
}

func FuzzDecodeBody(f *testing.F) {
	c, err := testchain.Generate(testchain.Config{Seed: "fuzz-b", Blocks: 3, SetLength: 4, Voters: 3})
	if err != nil {
		f.Fatal(err)
	}
	for _, b := range c.Blocks[1:] {
		f.Add(EncodeBody(b.Extrinsics))
	}
	f.Add([]byte{8, 4, 1, 0})
	f.Add([]byte{4, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		body, ok := testenv.RoundTrip(t, b, DecodeBody, EncodeBody)
		if !ok {
			return
		}
		_ = VerifyBody(c.Blocks[1].Header, body)
	})
}

// FuzzOnCommit feeds arbitrary gossip commits, then an arbitrary headers
// answer: the machine must not panic nor finalize anything that is not the
// chain's.
func FuzzOnCommit(f *testing.F) {
	c, err := testchain.Generate(testchain.Config{Seed: "fuzz-c", Blocks: 12, SetLength: 50, Voters: 4})
	if err != nil {
		f.Fatal(err)
	}
	srv := &server{c: c, Visible: 12}
	for _, n := range []uint32{3, 6} {
		cc := commitOf(f, c, n, 1)
		hs, _ := srv.headers(Request{Block: c.Blocks[n+1].Hash, Count: n - 1})
		f.Add(cc.Encode(), hs)
	}
	f.Fuzz(func(t *testing.T, commit, headers []byte) {
		cc, err := grandpa.DecodeCompactCommit(commit)
		if err != nil {
			return
		}
		h := newHarness(t, c, 2, Config{Verifier: &grandpa.Verifier{CheckSignatures: grandpa.SequentialChecker}})
		h.add("p", CanHeaders, func(Request) ([]byte, error) { return headers, nil })
		_ = h.m.OnCommit("p", cc, h.now)
		h.step()
		h.step()
	})
}
