package p2ptest

import (
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	ma "github.com/multiformats/go-multiaddr"
)

func TestMemSourceBlocks(t *testing.T) {
	var blocks []Block
	parent := header.Hash{9}
	for i := uint32(10); i < 20; i++ {
		h := &header.Header{ParentHash: parent, Number: i}
		b := Block{Header: h}
		if i == 12 {
			b.Justification = []byte{1, 2}
		}
		blocks = append(blocks, b)
		parent = h.Hash()
	}
	s := NewMemSource(blocks)
	s.MaxBlock = 4
	if n, h := s.Best(); n != 19 || h != blocks[9].Header.Hash() {
		t.Fatalf("best %d", n)
	}
	cases := []struct {
		req   wire.BlockRequest
		first uint32
		n     int
	}{
		{wire.BlockRequest{Fields: wire.FieldHeader, FromNumber: 10, MaxBlocks: 3}, 10, 3},
		{wire.BlockRequest{Fields: wire.FieldHeader, FromNumber: 18}, 18, 2},
		{wire.BlockRequest{Fields: wire.FieldHeader, FromNumber: 15}, 15, 4},
		{wire.BlockRequest{Fields: wire.FieldHeader, HasHash: true, FromHash: blocks[2].Header.Hash(), Direction: wire.Descending}, 12, 3},
		{wire.BlockRequest{Fields: wire.FieldHeader, FromNumber: 9}, 0, 0},
		{wire.BlockRequest{Fields: wire.FieldHeader, HasHash: true, FromHash: header.Hash{1}}, 0, 0},
	}
	for i, c := range cases {
		got, err := s.Blocks(&c.req)
		if err != nil || len(got) != c.n {
			t.Fatalf("case %d: %d blocks, %v", i, len(got), err)
		}
		if c.n > 0 {
			h, err := header.Decode(got[0].Header)
			if err != nil || h.Number != c.first {
				t.Fatalf("case %d: first %v", i, err)
			}
		}
	}
	got, _ := s.Blocks(&wire.BlockRequest{Fields: wire.FieldJustification, FromNumber: 12, MaxBlocks: 1})
	if !got[0].HasJustification || got[0].Header != nil {
		t.Fatal("justification field")
	}
	if _, err := s.Warp(header.Hash{}); err == nil {
		t.Fatal("unknown warp start answered")
	}
}

func TestLoopback(t *testing.T) {
	for s, want := range map[string]bool{"/ip4/127.0.0.1/tcp/1": true, "/ip6/::1/tcp/1": true, "/ip4/10.0.0.1/tcp/1": false, "/dns/example.com/tcp/1": false} {
		if got := Loopback(ma.StringCast(s)); got != want {
			t.Errorf("%s: %v", s, got)
		}
	}
}
