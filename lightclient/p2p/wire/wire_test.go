package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

var unhex = testenv.Unhex

type westendBlocks struct {
	GenesisHash string `json:"genesisHash"`
	Raw         string `json:"rawProtobufBlockResponseHex"`
	Blocks      []struct {
		Number      uint32   `json:"number"`
		Hash        string   `json:"hash"`
		HeaderScale string   `json:"headerScale"`
		ParentHash  string   `json:"parentHash"`
		Extrinsics  []string `json:"extrinsics"`
	} `json:"blocks"`
}

func loadWestend(t testing.TB) westendBlocks {
	var w westendBlocks
	if err := json.Unmarshal(testenv.ReadShared(t, "grandpa", "westend-blocks-1-10.json"), &w); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWestendBlockResponse(t *testing.T) {
	w := loadWestend(t)
	raw := unhex(t, w.Raw)
	resp, err := DecodeBlockResponse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Blocks) != 10 || len(w.Blocks) != 10 {
		t.Fatalf("got %d blocks, file has %d", len(resp.Blocks), len(w.Blocks))
	}
	parent := unhex(t, w.GenesisHash)
	for i, b := range resp.Blocks {
		want := w.Blocks[i]
		if got := b.Hash.String(); got != want.Hash {
			t.Errorf("block %d hash %s, want %s", i, got, want.Hash)
		}
		if !bytes.Equal(b.Header, unhex(t, want.HeaderScale)) {
			t.Errorf("block %d header differs", i)
		}
		h, err := header.Decode(b.Header)
		if err != nil {
			t.Fatalf("block %d header: %v", i, err)
		}
		if h.Number != want.Number || h.Hash() != b.Hash || !bytes.Equal(h.ParentHash[:], parent) {
			t.Errorf("block %d: number %d hash %s parent %s", i, h.Number, h.Hash(), h.ParentHash)
		}
		parent = b.Hash[:]
		if len(b.Body) != len(want.Extrinsics) {
			t.Fatalf("block %d: %d extrinsics, want %d", i, len(b.Body), len(want.Extrinsics))
		}
		for j, x := range b.Body {
			if !bytes.Equal(x, unhex(t, want.Extrinsics[j])) {
				t.Errorf("block %d extrinsic %d differs", i, j)
			}
		}
		if _, ok := b.GrandpaJustification(); ok {
			t.Errorf("block %d: unexpected justification", i)
		}
	}
	// Re-encoding reproduces the captured bytes exactly.
	if enc := resp.Encode(); !bytes.Equal(enc, raw) {
		t.Errorf("re-encoded response differs (%d vs %d bytes)", len(enc), len(raw))
	}
	// Every truncation fails or yields fewer blocks, never panics.
	for n := 0; n < len(raw); n += 37 {
		if r, err := DecodeBlockResponse(raw[:n]); err == nil && len(r.Blocks) >= 10 {
			t.Fatalf("truncated to %d bytes still has %d blocks", n, len(r.Blocks))
		}
	}
}

func TestWestendCompactCommit(t *testing.T) {
	raw := testenv.ReadShared(t, "grandpa", "westend-b5105457-commit.scale")
	msg := append([]byte{byte(GossipCommit)}, raw...)
	g, err := DecodeGossip(msg)
	if err != nil {
		t.Fatal(err)
	}
	c := g.Commit
	if g.Kind != GossipCommit || c == nil {
		t.Fatalf("kind %d", g.Kind)
	}
	if c.Round != 3669 || c.SetID != 3490 || c.TargetNumber != 5105457 || len(c.Precommits) != 7 || len(c.AuthData) != 7 {
		t.Fatalf("commit round %d set %d target %d precommits %d", c.Round, c.SetID, c.TargetNumber, len(c.Precommits))
	}
	if c.TargetHash.String() != "0xb64473230fc998c30cb53bf4e77c22f862fd04b49e46a1544c7697446568bb52" {
		t.Fatalf("target %s", c.TargetHash)
	}
	if !bytes.Equal(g.Encode(), msg) {
		t.Fatal("commit does not round-trip")
	}
	if _, err := DecodeGossip(msg[:len(msg)-1]); !errors.Is(err, ErrMalformed) {
		t.Fatalf("truncated commit: %v", err)
	}
}

func TestFrame(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 300, 16383, 16384, 70000} {
		msg := bytes.Repeat([]byte{0xab}, n)
		var buf bytes.Buffer
		if err := WriteFrame(&buf, msg); err != nil {
			t.Fatal(err)
		}
		framed := append([]byte(nil), buf.Bytes()...)
		got, err := ReadFrame(&buf, n)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("n=%d: %v", n, err)
		}
		if _, err := ReadFrame(&buf, n); err != io.EOF {
			t.Fatalf("n=%d: after frame: %v", n, err)
		}
		if n > 0 {
			if _, err := ReadFrame(bytes.NewReader(framed), n-1); !errors.Is(err, ErrTooLarge) {
				t.Fatalf("n=%d: limit: %v", n, err)
			}
			if _, err := ReadFrame(bytes.NewReader(framed[:len(framed)-1]), n); !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("n=%d: truncated: %v", n, err)
			}
		}
		m, rest, err := SplitFrame(append(framed, 7), n)
		if err != nil || !bytes.Equal(m, msg) || !bytes.Equal(rest, []byte{7}) {
			t.Fatalf("n=%d: split: %v", n, err)
		}
	}
	bad := []struct {
		name string
		in   []byte
	}{
		{"non-minimal", []byte{0x81, 0x00}},
		{"overlong", bytes.Repeat([]byte{0xff}, 10)},
		{"truncated", []byte{0x80}},
	}
	for _, c := range bad {
		if _, _, err := Uvarint(c.in); err == nil {
			t.Errorf("%s: Uvarint accepted %x", c.name, c.in)
		}
		if _, err := ReadFrame(bytes.NewReader(c.in), 1<<30); err == nil {
			t.Errorf("%s: ReadFrame accepted %x", c.name, c.in)
		}
	}
	// A huge announced length is refused before allocating.
	huge := AppendUvarint(nil, 1<<62)
	if _, err := ReadFrame(bytes.NewReader(huge), 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("huge: %v", err)
	}
}

func TestNames(t *testing.T) {
	g := [32]byte(unhex(t, "b0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe"))
	n := NewNames(g, "", "ksmcc3")
	cases := map[Kind][2]string{
		KindBlockAnnounces: {"/b0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe/block-announces/1", "/ksmcc3/block-announces/1"},
		KindTransactions:   {"/b0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe/transactions/1", "/ksmcc3/transactions/1"},
		KindGrandpa:        {"/b0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe/grandpa/1", "/paritytech/grandpa/1"},
		KindSync:           {"/b0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe/sync/2", "/ksmcc3/sync/2"},
		KindLight:          {"/b0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe/light/2", "/ksmcc3/light/2"},
		KindWarp:           {"/b0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe/sync/warp", "/ksmcc3/sync/warp"},
		KindKad:            {"/b0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe/kad", "/ksmcc3/kad"},
		KindState:          {"/b0a8d493285c2df73290dfb7e61f870f17b41801197a149ca93654499ea3dafe/state/2", "/ksmcc3/state/2"},
	}
	for k, want := range cases {
		m, l := n.Pair(k)
		if m != want[0] || l != want[1] {
			t.Errorf("%v: %q %q", k, m, l)
		}
		if n.Kind(m) != k || n.Kind(l) != k {
			t.Errorf("%v: Kind round trip", k)
		}
		gh, _, ok := ParseGenesisName(m)
		if !ok || gh != g {
			t.Errorf("%v: ParseGenesisName", k)
		}
	}
	if n.Kind("/other/kad") != KindUnknown {
		t.Error("foreign name recognised")
	}
	if d := NewNames(g, "fork", ""); d.LegacySync != "/sup/sync/2" || !strings.HasSuffix(d.Sync, "/fork/sync/2") {
		t.Errorf("default/fork names: %q %q", d.LegacySync, d.Sync)
	}
}

func TestRequestLimits(t *testing.T) {
	for k, want := range map[Kind][2]int{
		KindSync:    {MaxBlockRequestSize, MaxBlockResponseSize},
		KindWarp:    {MaxWarpRequestSize, MaxWarpResponseSize},
		KindLight:   {MaxLightRequestSize, MaxLightResponseSize},
		KindKad:     {MaxKadMessageSize, MaxKadMessageSize},
		KindGrandpa: {1 << 20, 16 << 20},
		KindUnknown: {1 << 20, 16 << 20},
	} {
		if req, resp := k.RequestLimits(); req != want[0] || resp != want[1] {
			t.Errorf("%v.RequestLimits() = %d, %d, want %d, %d", k, req, resp, want[0], want[1])
		}
	}
}

func TestHandshake(t *testing.T) {
	h := Handshake{Roles: RoleLight, BestNumber: 0xdeadbeef, BestHash: header.Hash{1, 2}, GenesisHash: header.Hash{9}}
	b := h.Encode()
	if len(b) != HandshakeSize || b[0] != 2 || b[1] != 0xef {
		t.Fatalf("encoding %x", b)
	}
	got, err := DecodeHandshake(b)
	if err != nil || got != h {
		t.Fatalf("%v %+v", err, got)
	}
	for _, bad := range [][]byte{b[:68], append(b, 0), append([]byte{0}, b[1:]...), append([]byte{8}, b[1:]...)} {
		if _, err := DecodeHandshake(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("accepted %x: %v", bad, err)
		}
	}
	for _, r := range []Roles{RoleFull, RoleLight, RoleAuthority, RoleFull | RoleAuthority} {
		if got, err := DecodeRoles([]byte{byte(r)}); err != nil || got != r {
			t.Errorf("roles %v: %v", r, err)
		}
	}
	if _, err := DecodeRoles([]byte{0}); err == nil {
		t.Error("zero roles accepted")
	}
	if !RoleAuthority.IsFull() || RoleLight.IsFull() || !RoleLight.IsLight() {
		t.Error("role predicates")
	}
}

func testHeader(n uint32) *header.Header {
	return &header.Header{ParentHash: header.Hash{byte(n)}, Number: n, StateRoot: header.Hash{2}, ExtrinsicsRoot: header.Hash{3},
		Digest: []header.DigestItem{{Kind: header.DigestOther, Data: []byte("x")}}}
}

func TestAnnounce(t *testing.T) {
	h := testHeader(42)
	for _, a := range []*Announce{
		{Header: h},
		{Header: h, State: StateNormal},
		{Header: h, State: StateBest, Data: []byte{}},
		{Header: h, State: StateBest, Data: []byte("hello")},
	} {
		b := a.Encode()
		got, err := DecodeAnnounce(b)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != a.State || !bytes.Equal(got.Data, a.Data) || (got.Data == nil) != (a.Data == nil) {
			t.Errorf("state %v data %q", got.State, got.Data)
		}
		if got.Header.Number != 42 || got.Hash() != h.Hash() || !bytes.Equal(got.Encode(), b) {
			t.Error("header round trip")
		}
	}
	b := (&Announce{Header: h, State: StateBest, Data: []byte("ab")}).Encode()
	for _, bad := range [][]byte{b[:50], append(b, 1), append(h.Encode(), 2)} {
		if _, err := DecodeAnnounce(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("accepted %d bytes: %v", len(bad), err)
		}
	}
}

func TestTransactions(t *testing.T) {
	xts := [][]byte{{0x08, 0x04, 0x01}, {0x00}, append([]byte{0x0c}, 1, 2, 3)}
	b, err := EncodeTransactions(xts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeTransactions(b, 10)
	if err != nil || len(got) != 3 {
		t.Fatal(err)
	}
	for i := range xts {
		if !bytes.Equal(got[i], xts[i]) {
			t.Errorf("%d: %x", i, got[i])
		}
	}
	if _, err := DecodeTransactions(b, 2); !errors.Is(err, ErrTooMany) {
		t.Errorf("limit: %v", err)
	}
	if _, err := DecodeTransactions(b[:len(b)-1], 10); err == nil {
		t.Error("truncated accepted")
	}
	if _, err := EncodeTransactions([][]byte{{0x08, 1}}); err == nil {
		t.Error("bad extrinsic encoded")
	}
}

func TestGossipRoundTrip(t *testing.T) {
	msgs := []*Gossip{
		{Kind: GossipNeighbor, Neighbor: &Neighbor{Round: 5, SetID: 7, CommitFinalizedHeight: 99}},
		{Kind: GossipVote, Vote: &Vote{Round: 1, SetID: 2, Kind: VotePrecommit, TargetHash: header.Hash{4}, TargetNumber: 5, Signature: [64]byte{6}, ID: [32]byte{7}}},
		{Kind: GossipCatchUpRequest, CatchUpRequest: &CatchUpRequest{Round: 3, SetID: 4}},
		{Kind: GossipCatchUp, CatchUp: &CatchUp{SetID: 1, Round: 2, Prevotes: []SignedVote{{TargetNumber: 3}}, Precommits: []SignedVote{{TargetNumber: 4}, {TargetNumber: 5}}, BaseHash: header.Hash{8}, BaseNumber: 6}},
		{Kind: GossipCommit, Commit: &grandpa.CompactCommit{Round: 1, SetID: 2, TargetNumber: 3, Precommits: []grandpa.Precommit{{TargetNumber: 3}}, AuthData: []grandpa.AuthData{{}}}},
	}
	for _, m := range msgs {
		b := m.Encode()
		got, err := DecodeGossip(b)
		if err != nil {
			t.Fatalf("kind %d: %v", m.Kind, err)
		}
		if !bytes.Equal(got.Encode(), b) {
			t.Errorf("kind %d: round trip", m.Kind)
		}
		if _, err := DecodeGossip(append(b, 0)); err == nil {
			t.Errorf("kind %d: trailing byte accepted", m.Kind)
		}
	}
	n, _ := DecodeGossip(msgs[0].Encode())
	if *n.Neighbor != *msgs[0].Neighbor {
		t.Error("neighbor fields")
	}
	if len(msgs[0].Encode()) != 1+1+8+8+4 {
		t.Error("neighbor size")
	}
	for _, bad := range [][]byte{nil, {9}, {2, 2}} {
		if _, err := DecodeGossip(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%x: %v", bad, err)
		}
	}
}

func TestBlockRequest(t *testing.T) {
	reqs := []*BlockRequest{
		{Fields: FieldHeader | FieldJustification, HasHash: true, FromHash: header.Hash{1}, Direction: Descending, MaxBlocks: 64, MultipleJustifications: true},
		{Fields: FieldHeader | FieldBody, FromNumber: 1234567, MaxBlocks: 1},
		{Fields: FieldHeader},
	}
	for _, r := range reqs {
		got, err := DecodeBlockRequest(r.Encode())
		if err != nil {
			t.Fatal(err)
		}
		if *got != *r {
			t.Errorf("got %+v want %+v", got, r)
		}
	}
	// smoldot regression vector 2833: fields header|justification, number 0x00215bed, max 1, multiple justifications.
	got, err := DecodeBlockRequest([]byte{8, 128, 128, 128, 136, 1, 26, 4, 237, 91, 33, 0, 48, 1, 56, 1})
	if err != nil || got.Direction != Ascending || got.FromNumber != 0x00215bed || got.Fields != FieldHeader|FieldJustification || got.MaxBlocks != 1 || !got.MultipleJustifications {
		t.Fatalf("%v %+v", err, got)
	}
	for _, bad := range [][]byte{
		{26, 10},                            // smoldot regression 2339: truncated
		{8, 1},                              // no start block
		{8, 1, 18, 1, 0},                    // 1-byte hash
		{8, 1, 26, 2, 0, 0},                 // 2-byte number
		{8, 1, 26, 4, 0, 0, 0, 0, 40, 2},    // direction 2
		{13, 0, 0, 0, 0, 26, 4, 0, 0, 0, 0}, // fields with a fixed32 wire type
	} {
		if _, err := DecodeBlockRequest(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%x: %v", bad, err)
		}
	}
	unknown := (&BlockRequest{Fields: 1 << 31}).Encode()
	if _, err := DecodeBlockRequest(unknown); !errors.Is(err, ErrMalformed) {
		t.Errorf("unknown bits: %v", err)
	}
}

func TestBlockResponseJustifications(t *testing.T) {
	r := &BlockResponse{Blocks: []BlockData{
		{Hash: header.Hash{1}, Header: testHeader(1).Encode(), Justifications: []EngineJustification{{Engine: [4]byte{'B', 'E', 'E', 'F'}, Justification: []byte{1}}, {Engine: GrandpaEngine, Justification: []byte{2, 3}}}},
		{Hash: header.Hash{2}, HasJustification: true, Justification: []byte{}},
		{Hash: header.Hash{3}, HasJustification: true, Justification: []byte{5}, Body: [][]byte{{4, 1}}},
	}}
	got, err := DecodeBlockResponse(r.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if j, ok := got.Blocks[0].GrandpaJustification(); !ok || !bytes.Equal(j, []byte{2, 3}) {
		t.Errorf("block 0 justification %x %v", j, ok)
	}
	if j, ok := got.Blocks[1].GrandpaJustification(); !ok || len(j) != 0 {
		t.Errorf("block 1 empty justification %x %v", j, ok)
	}
	if j, ok := got.Blocks[2].GrandpaJustification(); !ok || !bytes.Equal(j, []byte{5}) || len(got.Blocks[2].Body) != 1 {
		t.Errorf("block 2 %x %v", j, ok)
	}
	if !bytes.Equal(got.Encode(), r.Encode()) {
		t.Error("round trip")
	}
	// A block without hash, or with bad justifications, is refused.
	if _, err := DecodeBlockResponse(appendBytesField(nil, 1, appendBytesField(nil, 2, []byte{1}))); !errors.Is(err, ErrMalformed) {
		t.Errorf("no hash: %v", err)
	}
	bad := appendBytesField(appendBytesField(nil, 1, make([]byte, 32)), 8, []byte{4, 'F'})
	if _, err := DecodeBlockResponse(appendBytesField(nil, 1, bad)); !errors.Is(err, ErrMalformed) {
		t.Errorf("bad justifications: %v", err)
	}
}

func TestLight(t *testing.T) {
	reqs := []*LightRequest{
		{Kind: LightRead, Block: header.Hash{1}, Keys: [][]byte{{1, 2}, {3}}},
		{Kind: LightCall, Block: header.Hash{2}, Method: "Core_version", Data: []byte{}},
		{Kind: LightReadChild, Block: header.Hash{3}, ChildKey: []byte(":child_storage:default:x"), Keys: [][]byte{{9}}},
	}
	for _, r := range reqs {
		got, err := DecodeLightRequest(r.Encode())
		if err != nil {
			t.Fatal(err)
		}
		if got.Kind != r.Kind || got.Block != r.Block || got.Method != r.Method || len(got.Keys) != len(r.Keys) || !bytes.Equal(got.ChildKey, r.ChildKey) {
			t.Errorf("%+v", got)
		}
		if !bytes.Equal(got.Encode(), r.Encode()) {
			t.Error("round trip")
		}
	}
	// A read request built like smoldot's (field 2 { block=2, keys=3 }).
	smol := appendBytesField(nil, 2, append(appendBytesField(nil, 2, make([]byte, 32)), appendBytesField(nil, 3, []byte{0xaa})...))
	if got, err := DecodeLightRequest(smol); err != nil || got.Kind != LightRead || len(got.Keys) != 1 {
		t.Fatalf("%v %+v", err, got)
	}
	for _, bad := range [][]byte{nil, appendBytesField(nil, 2, nil), appendBytesField(nil, 1, appendBytesField(nil, 2, make([]byte, 32)))} {
		if _, err := DecodeLightRequest(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%x: %v", bad, err)
		}
	}
	nodes := [][]byte{{1, 2, 3}, bytes.Repeat([]byte{7}, 100)}
	resp := &LightResponse{Kind: LightRead, HasProof: true, Proof: EncodeProof(nodes)}
	got, err := DecodeLightResponse(resp.Encode(), LightReadChild)
	if err != nil || !got.HasProof {
		t.Fatal(err)
	}
	pn, err := DecodeProof(got.Proof)
	if err != nil || len(pn) != 2 || !bytes.Equal(pn[1], nodes[1]) {
		t.Fatalf("proof %v", err)
	}
	if _, err := DecodeLightResponse(resp.Encode(), LightCall); !errors.Is(err, ErrMalformed) {
		t.Errorf("wrong kind: %v", err)
	}
	none, err := DecodeLightResponse((&LightResponse{Kind: LightCall}).Encode(), LightCall)
	if err != nil || none.HasProof {
		t.Fatalf("no proof: %v", err)
	}
	if _, err := DecodeProof(EncodeProof(nodes)[:10]); err == nil {
		t.Error("truncated proof accepted")
	}
}

func TestWarp(t *testing.T) {
	h := testHeader(7)
	j := &grandpa.Justification{Round: 1, Commit: grandpa.Commit{TargetHash: h.Hash(), TargetNumber: 7, Precommits: []grandpa.SignedPrecommit{{}}}}
	proof := &grandpa.WarpProof{Fragments: []grandpa.Fragment{{Header: h, Justification: j}, {Header: testHeader(9), Justification: j}}, IsFinished: true}
	b := proof.Encode()
	r, err := DecodeWarpResponse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Fragments) != 2 || !r.IsFinished || !bytes.Equal(r.Fragments[0].Header, h.Encode()) || !bytes.Equal(r.Fragments[0].Justification, j.Encode()) {
		t.Fatalf("%+v", r)
	}
	if !bytes.Equal(r.Encode(), b) {
		t.Error("round trip")
	}
	if p, err := grandpa.DecodeWarpProof(r.Encode()); err != nil || len(p.Fragments) != 2 {
		t.Errorf("grandpa decode: %v", err)
	}
	for _, bad := range [][]byte{b[:len(b)-1], append(b, 0), {4}} {
		if _, err := DecodeWarpResponse(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%d bytes: %v", len(bad), err)
		}
	}
	empty, err := DecodeWarpResponse([]byte{0, 0})
	if err != nil || len(empty.Fragments) != 0 || empty.IsFinished {
		t.Fatal(err)
	}
	hh, err := DecodeWarpRequest(EncodeWarpRequest(h.Hash()))
	if err != nil || hh != h.Hash() {
		t.Fatal(err)
	}
	if _, err := DecodeWarpRequest(make([]byte, 33)); err == nil {
		t.Error("33-byte warp request accepted")
	}
}

func TestKad(t *testing.T) {
	m := &KadMessage{Type: KadFindNode, Key: []byte("key"), CloserPeers: []KadPeer{{ID: []byte{0, 36, 8, 1}, Addrs: [][]byte{{4, 127, 0, 0, 1, 6, 0x76, 0x2d}}, Connection: KadConnected}, {ID: []byte{1}}}}
	got, err := DecodeKadMessage(m.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if got.Type != KadFindNode || string(got.Key) != "key" || len(got.CloserPeers) != 2 || got.CloserPeers[0].Connection != KadConnected || len(got.CloserPeers[0].Addrs) != 1 {
		t.Fatalf("%+v", got)
	}
	if !bytes.Equal(got.Encode(), m.Encode()) {
		t.Error("round trip")
	}
	// smoldot's FIND_NODE request layout: type=4, key.
	if b := FindNodeRequest([]byte{1, 2}).Encode(); !bytes.Equal(b, []byte{8, 4, 18, 2, 1, 2}) {
		t.Errorf("find node %x", b)
	}
	many := &KadMessage{Type: KadFindNode}
	for i := 0; i <= MaxKadPeers; i++ {
		many.CloserPeers = append(many.CloserPeers, KadPeer{ID: []byte{1}})
	}
	if _, err := DecodeKadMessage(many.Encode()); !errors.Is(err, ErrTooMany) {
		t.Errorf("too many peers: %v", err)
	}
	if _, err := DecodeKadMessage(appendBytesField(nil, 8, appendVarintField(nil, 3, 1))); !errors.Is(err, ErrMalformed) {
		t.Errorf("peer without id: %v", err)
	}
}

// TestReadFrameAllocatesWhatArrives: a peer that declares a frame at the
// protocol maximum and sends only a few bytes must not make us allocate the
// declared length (32 stalling peers would otherwise pin 16 MiB each).
func TestReadFrameAllocatesWhatArrives(t *testing.T) {
	const declared = 16 << 20
	short := append(AppendUvarint(nil, declared), bytes.Repeat([]byte{1}, 10)...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const runs = 8
	for range runs {
		if _, err := ReadFrame(bytes.NewReader(short), declared); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("truncated frame: %v", err)
		}
	}
	runtime.ReadMemStats(&after)
	// Generous: a frame that really arrives is at most its length plus growth
	// slack; 8 truncated 16 MiB frames must stay far below one of them.
	if perRun := (after.TotalAlloc - before.TotalAlloc) / runs; perRun > 1<<20 {
		t.Fatalf("a 10-byte frame declaring %d bytes allocated %d bytes per read", declared, perRun)
	}
	// A frame that does arrive whole is still read whole, and allocation
	// stays within a small multiple of its length.
	full := AppendFrame(nil, bytes.Repeat([]byte{2}, 3<<20))
	runtime.ReadMemStats(&before)
	got, err := ReadFrame(bytes.NewReader(full), declared)
	runtime.ReadMemStats(&after)
	if err != nil || len(got) != 3<<20 || got[len(got)-1] != 2 {
		t.Fatalf("whole frame: %d bytes, %v", len(got), err)
	}
	if total := after.TotalAlloc - before.TotalAlloc; total > 3*(3<<20) {
		t.Fatalf("a 3 MiB frame allocated %d bytes", total)
	}
}
