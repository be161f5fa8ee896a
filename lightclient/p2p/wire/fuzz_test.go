package wire

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// sharedSeed adds a shared testdata file as a seed when it is present.
func sharedSeed(f *testing.F, elem ...string) []byte { return testenv.SharedSeed(f, elem...) }

func FuzzFrame(f *testing.F) {
	f.Add(AppendFrame(nil, []byte("hello")))
	f.Add([]byte{0x81, 0x00})
	f.Add(append(AppendUvarint(nil, 1<<16), make([]byte, 70000)...))
	f.Add(append(AppendUvarint(nil, 1<<16+1), 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadFrame(bytes.NewReader(b), 1<<16)
		m2, _, err2 := SplitFrame(b, 1<<16)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("ReadFrame %v, SplitFrame %v", err, err2)
		}
		if err == nil && !bytes.Equal(m, m2) {
			t.Fatal("frame mismatch")
		}
		if n, err3 := DiscardFrame(bytes.NewReader(b), 1<<16); (err3 == nil) != (err == nil) || err == nil && n != len(m) {
			t.Fatalf("DiscardFrame %d, %v; ReadFrame %d, %v", n, err3, len(m), err)
		}
		if err == nil && !bytes.Equal(AppendFrame(nil, m), b[:len(AppendFrame(nil, m))]) {
			t.Fatal("re-encoding differs")
		}
	})
}

func FuzzHandshake(f *testing.F) {
	f.Add(Handshake{Roles: RoleFull, BestNumber: 5}.Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.RoundTrip(t, b, DecodeHandshake, Handshake.Encode)
		DecodeRoles(b)
	})
}

func FuzzAnnounce(f *testing.F) {
	f.Add((&Announce{Header: testHeader(3), State: StateBest, Data: []byte{1}}).Encode())
	if b := sharedSeed(f, "grandpa", "kusama-header-b7472481.scale"); b != nil {
		f.Add(append(b, 1, 0))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.RoundTrip(t, b, DecodeAnnounce, (*Announce).Encode)
	})
}

func FuzzTransactions(f *testing.F) {
	b, _ := EncodeTransactions([][]byte{{4, 1}, {0}})
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		xts, err := DecodeTransactions(b, 1<<16)
		if err != nil {
			return
		}
		enc, err := EncodeTransactions(xts)
		if err != nil || !bytes.Equal(enc, b) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzGossip(f *testing.F) {
	if b := sharedSeed(f, "grandpa", "westend-b5105457-commit.scale"); b != nil {
		f.Add(append([]byte{1}, b...))
	}
	f.Add((&Gossip{Kind: GossipNeighbor, Neighbor: &Neighbor{Round: 1}}).Encode())
	f.Add((&Gossip{Kind: GossipCatchUp, CatchUp: &CatchUp{Prevotes: []SignedVote{{}}}}).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.RoundTrip(t, b, DecodeGossip, (*Gossip).Encode)
	})
}

func FuzzBlockRequest(f *testing.F) {
	f.Add((&BlockRequest{Fields: FieldHeader, HasHash: true, MaxBlocks: 3}).Encode())
	f.Add([]byte{8, 128, 128, 128, 136, 1, 26, 4, 237, 91, 33, 0, 48, 1, 56, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeBlockRequest(b)
		if err != nil {
			return
		}
		r2, err := DecodeBlockRequest(r.Encode())
		if err != nil || *r2 != *r {
			t.Fatalf("re-decode: %v", err)
		}
	})
}

func FuzzBlockResponse(f *testing.F) {
	if b := sharedSeed(f, "grandpa", "westend-blocks-1-10.json"); b != nil {
		f.Add(unhex(f, loadWestend(f).Raw))
	}
	f.Add((&BlockResponse{Blocks: []BlockData{{HasJustification: true, Justifications: []EngineJustification{{}}}}}).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeBlockResponse(b)
		if err != nil {
			return
		}
		r2, err := DecodeBlockResponse(r.Encode())
		if err != nil || len(r2.Blocks) != len(r.Blocks) {
			t.Fatalf("re-decode: %v", err)
		}
		if !bytes.Equal(r2.Encode(), r.Encode()) {
			t.Fatal("not idempotent")
		}
	})
}

func FuzzLightRequest(f *testing.F) {
	f.Add((&LightRequest{Kind: LightRead, Keys: [][]byte{{1}}}).Encode())
	f.Add((&LightRequest{Kind: LightCall, Method: "m", Data: []byte{}}).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.ReEncodes(t, b, DecodeLightRequest, (*LightRequest).Encode)
	})
}

func FuzzLightResponse(f *testing.F) {
	f.Add((&LightResponse{Kind: LightRead, HasProof: true, Proof: EncodeProof([][]byte{{1}})}).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, k := range []LightKind{LightCall, LightRead} {
			r, err := DecodeLightResponse(b, k)
			if err != nil {
				continue
			}
			if _, err := DecodeLightResponse(r.Encode(), k); err != nil {
				t.Fatal(err)
			}
			if nodes, err := DecodeProof(r.Proof); err == nil && !bytes.Equal(EncodeProof(nodes), r.Proof) {
				t.Fatal("proof round trip")
			}
		}
	})
}

func FuzzWarpResponse(f *testing.F) {
	h := testHeader(1)
	j := &grandpa.Justification{Commit: grandpa.Commit{TargetHash: h.Hash(), Precommits: []grandpa.SignedPrecommit{{}}}, VotesAncestries: []*header.Header{testHeader(2)}}
	f.Add((&grandpa.WarpProof{Fragments: []grandpa.Fragment{{Header: h, Justification: j}}}).Encode())
	if b := sharedSeed(f, "grandpa", "polkadot-b4635975-justification.scale"); b != nil {
		f.Add(append(append(append([]byte{4}, h.Encode()...), b...), 1))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.RoundTrip(t, b, DecodeWarpResponse, (*WarpResponse).Encode)
		DecodeWarpRequest(b)
	})
}

func FuzzKadMessage(f *testing.F) {
	f.Add((&KadMessage{Type: KadFindNode, Key: []byte{1}, CloserPeers: []KadPeer{{ID: []byte{1}, Addrs: [][]byte{{2}}}}}).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.ReEncodes(t, b, DecodeKadMessage, (*KadMessage).Encode)
	})
}

// FuzzProtocolNames: protocol names peers offer (and the fork and protocol
// ids of a chain spec) never panic the name parsers; a main name parses to
// its genesis and rebuilds exactly, and every name NewNames builds maps
// back to its own kind.
func FuzzProtocolNames(f *testing.F) {
	kusama := "b0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe"
	for _, s := range []string{
		"/" + kusama + "/block-announces/1", "/" + kusama + "/sync/warp", "/" + kusama + "/kad",
		"/" + strings.ToUpper(kusama) + "/kad", "/ksmcc3/sync/2", LegacyGrandpaName, "/" + kusama, "/" + kusama[:63] + "g/kad",
	} {
		f.Add(s, "", "ksmcc3")
	}
	f.Add("/"+kusama+"/fork1/grandpa/1", "fork1", "")
	f.Add("/x/kad", "a/b", "/"+kusama)
	f.Fuzz(func(t *testing.T, name, forkID, protocolID string) {
		if g, rest, ok := ParseGenesisName(name); ok {
			if again := "/" + hex.EncodeToString(g[:]) + "/" + rest; again != name {
				t.Fatalf("%q parsed as %x + %q", name, g, rest)
			}
		}
		var genesis [32]byte
		copy(genesis[:], name)
		n := NewNames(genesis, forkID, protocolID)
		_ = n.Kind(name)
		for k := KindBlockAnnounces; k <= KindState; k++ {
			main, legacy := n.Pair(k)
			if n.Kind(main) != k || n.Kind(legacy) != k {
				t.Fatalf("%v: %q → %v, %q → %v", k, main, n.Kind(main), legacy, n.Kind(legacy))
			}
			if g, _, ok := ParseGenesisName(main); !ok || g != genesis {
				t.Fatalf("%v: main name %q does not carry the genesis", k, main)
			}
		}
	})
}
