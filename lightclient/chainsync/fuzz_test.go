package chainsync

import (
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func FuzzDecodeFinalityProof(f *testing.F) {
	c, err := testchain.Generate(testchain.Config{Seed: "fuzz-fp", Blocks: 12, SetLength: 5, Voters: 4, VoteAhead: 1})
	if err != nil {
		f.Fatal(err)
	}
	srv := &server{c: c, Visible: 12}
	for _, r := range []uint32{1, 6, 11} {
		b, err := srv.finality(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add(make([]byte, 33))
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.RoundTrip(t, b, DecodeFinalityProof, (*FinalityProof).Encode)
	})
}

// FuzzMachineResponse feeds arbitrary answers to every request kind: the
// machine must not panic, and must not finalize anything from them.
func FuzzMachineResponse(f *testing.F) {
	c, err := testchain.Generate(testchain.Config{Seed: "fuzz-m", Blocks: 12, SetLength: 5, Voters: 4})
	if err != nil {
		f.Fatal(err)
	}
	srv := &server{c: c, Visible: 12}
	for _, k := range []Kind{KindWarp, KindFinality, KindStorage} {
		b, _ := srv.answer(Request{Kind: k, Block: c.Blocks[0].Hash, Number: 1, Keys: [][]byte{testchain.KeySystemNumber}})
		f.Add(uint8(k), b)
	}
	f.Fuzz(func(t *testing.T, kind uint8, b []byte) {
		k := Kind(kind%3 + 1)
		start := uint32(0)
		if k == KindStorage {
			start = 12 // synced at once: the answers under test are the proofs
		}
		h := newHarness(t, c, start, Config{})
		switch k {
		case KindWarp:
			h.add("p", CanWarp, func(Request) ([]byte, error) { return b, nil })
		case KindFinality:
			h.add("p", CanFinality, func(Request) ([]byte, error) { return b, nil })
		case KindStorage:
			h.add("p", CanWarp|CanStorage, func(r Request) ([]byte, error) {
				if r.Kind == KindStorage {
					return b, nil
				}
				return srv.answer(r)
			})
			h.m.Query([][]byte{testchain.KeySystemNumber, testchain.KeyTimestampNow})
		}
		for i := 0; i < 5; i++ {
			h.step() // check() fails the test on any event with an untrue value
		}
	})
}
