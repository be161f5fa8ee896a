package chainsync

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/p2p/wire"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

var unhex = testenv.Unhex

// Real Kusama and Polkadot blocks: their bodies verify against their
// headers' extrinsics roots; an altered body does not.
func TestVerifyBodyRealBlocks(t *testing.T) {
	for _, file := range []string{"kusama-block-22939322.json", "polkadot-block-18468942.json"} {
		blk := testenv.ReadBlock(t, file)
		h, err := header.Decode(blk.Header)
		if err != nil {
			t.Fatal(err)
		}
		body := blk.Extrinsics
		if len(body) < 4 {
			t.Fatalf("%s: %d extrinsics", file, len(body))
		}
		if err := VerifyBody(h, body); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		// The SCALE body round-trips through the KindBody payload.
		dec, err := DecodeBody(EncodeBody(body))
		if err != nil || VerifyBody(h, dec) != nil {
			t.Fatalf("%s: payload round trip: %v", file, err)
		}
		swapped := append([][]byte{body[1], body[0]}, body[2:]...)
		for name, bad := range map[string][][]byte{
			"missing last": body[:len(body)-1],
			"swapped":      swapped,
			"extra":        append(append([][]byte(nil), body...), body[0]),
		} {
			if err := VerifyBody(h, bad); !errors.Is(err, ErrBodyMismatch) {
				t.Fatalf("%s %s: %v", file, name, err)
			}
		}
		t.Logf("%s: block %d, %d extrinsics verified", file, h.Number, len(body))
	}
}

// A real /sync/2 BlockResponse (Westend #1..#10, captured from the
// network): every block's body items verify against its header's
// extrinsics root as they come off the wire, and the headers chain.
func TestRealSyncResponseBodies(t *testing.T) {
	var f struct {
		GenesisHash string `json:"genesisHash"`
		Raw         string `json:"rawProtobufBlockResponseHex"`
	}
	if err := json.Unmarshal(testenv.ReadShared(t, "grandpa", "westend-blocks-1-10.json"), &f); err != nil {
		t.Fatal(err)
	}
	resp, err := wire.DecodeBlockResponse(unhex(t, f.Raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Blocks) != 10 {
		t.Fatalf("%d blocks", len(resp.Blocks))
	}
	parent := header.Hash(unhex(t, f.GenesisHash))
	var hs []*header.Header
	for i, bd := range resp.Blocks {
		h, err := header.Decode(bd.Header)
		if err != nil {
			t.Fatal(err)
		}
		if h.Hash() != bd.Hash || h.ParentHash != parent || h.Number != uint32(i+1) {
			t.Fatalf("block %d does not chain", i+1)
		}
		if err := VerifyBody(h, bd.Body); err != nil {
			t.Fatalf("block %d: %v", h.Number, err)
		}
		dec, err := DecodeBody(EncodeBody(bd.Body))
		if err != nil || len(dec) != len(bd.Body) {
			t.Fatalf("block %d: body payload: %v", h.Number, err)
		}
		parent = bd.Hash
		hs = append([]*header.Header{h}, hs...)
	}
	// The KindHeaders payload (descending) round-trips.
	back, err := DecodeHeaders(EncodeHeaders(hs))
	if err != nil || len(back) != 10 || back[0].Hash() != parent {
		t.Fatalf("headers payload: %v", err)
	}
}

// A real Westend gossip commit (set 3490, 7 signers): the machine checks
// its signatures on arrival and asks for the headers from its highest
// precommit target; with one signature byte changed it bans the sender.
func TestRealCommitSignatures(t *testing.T) {
	raw := testenv.ReadShared(t, "grandpa", "westend-b5105457-commit.scale")
	for _, forge := range []bool{false, true} {
		cc, err := grandpa.DecodeCompactCommit(raw)
		if err != nil {
			t.Fatal(err)
		}
		set := grandpa.AuthoritySet{SetID: cc.SetID}
		seen := map[[32]byte]bool{}
		for _, a := range cc.AuthData {
			if !seen[a.ID] {
				seen[a.ID] = true
				set.Authorities = append(set.Authorities, grandpa.Authority{Key: a.ID, Weight: 1})
			}
		}
		if forge {
			cc.AuthData[6].Signature[40] ^= 0x10
		}
		// A stand-in finalized header a few blocks below the target.
		m, err := New(Config{Header: &header.Header{Number: cc.TargetNumber - 3}, Set: set})
		if err != nil {
			t.Fatal(err)
		}
		m.AddPeer("westend", PeerCaps{Kinds: CanHeaders})
		now := time.Unix(1_700_000_000, 0)
		err = m.OnCommit("westend", cc, now)
		if forge {
			if VerdictOf(err) != Malicious || m.PeerCount() != 0 {
				t.Fatalf("forged real commit: %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		reqs := m.Desired(now)
		if len(reqs) != 1 || reqs[0].Kind != KindHeaders || reqs[0].Number < cc.TargetNumber || reqs[0].Count != reqs[0].Number-(cc.TargetNumber-3) {
			t.Fatalf("requests %+v", reqs)
		}
	}
}
