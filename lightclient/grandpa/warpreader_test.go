package grandpa_test

import (
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
)

// TestWarpReader reads a proof fragment by fragment: the same fragments as
// DecodeWarpProof, and a malformed end found when the last one is read.
func TestWarpReader(t *testing.T) {
	c, err := testchain.Generate(testchain.Config{Seed: "warp-reader", Blocks: 60, SetLength: 10, JustifyEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.WarpProof(0, 3)
	if err != nil {
		t.Fatal(err)
	}
	enc := p.Encode()
	r, err := grandpa.NewWarpReader(enc)
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != 3 || r.IsFinished() {
		t.Fatalf("%d fragments, finished %v", r.Len(), r.IsFinished())
	}
	for i := 0; r.More(); i++ {
		f, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if f.Header.Hash() != p.Fragments[i].Header.Hash() || string(f.Justification.Encode()) != string(p.Fragments[i].Justification.Encode()) {
			t.Fatalf("fragment %d differs", i)
		}
	}
	if _, err := r.Next(); !errors.Is(err, grandpa.ErrMalformed) {
		t.Fatalf("read past the end: %v", err)
	}

	for name, b := range map[string][]byte{
		"trailing byte":       append(append([]byte(nil), enc[:len(enc)-1]...), 0, 0),
		"truncated":           append(append([]byte(nil), enc[:len(enc)-40]...), 0),
		"is_finished not 0/1": append(append([]byte(nil), enc[:len(enc)-1]...), 2),
	} {
		r, err := grandpa.NewWarpReader(b)
		for err == nil && r.More() {
			_, err = r.Next()
		}
		if !errors.Is(err, grandpa.ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := grandpa.DecodeWarpProof(b); !errors.Is(err, grandpa.ErrMalformed) {
			t.Errorf("%s: DecodeWarpProof: %v", name, err)
		}
	}
	if r, err := grandpa.NewWarpReader([]byte{0, 1}); err != nil || r.More() || !r.IsFinished() {
		t.Errorf("empty finished proof: %v", err)
	}
}
