package grandpa_test

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/testchain"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// TestJustificationsAgainstPolkadotJS decodes the Polkadot justification and
// generated ones (with votes ancestries) with polkadot-js's
// GrandpaJustification and compares every field and the re-encoding.
func TestJustificationsAgainstPolkadotJS(t *testing.T) {
	testenv.OracleDir(t)
	raws := [][]byte{testenv.ReadShared(t, "grandpa", "polkadot-b4635975-justification.scale")}
	c, err := testchain.Generate(testchain.Config{Seed: "interop-j", Blocks: 200, VoteAhead: 3, JustifyEvery: 50})
	if err != nil {
		t.Fatal(err)
	}
	ancestries := 0
	for _, b := range c.Blocks {
		if b.Justification != nil {
			raws = append(raws, b.Justification.Encode())
			ancestries += len(b.Justification.VotesAncestries)
		}
	}
	if ancestries == 0 {
		t.Fatal("no votes ancestries to compare")
	}
	req := map[string][]string{"justifications": {}}
	for _, r := range raws {
		req["justifications"] = append(req["justifications"], "0x"+hex.EncodeToString(r))
	}
	in, _ := json.Marshal(req)
	var resp struct {
		Justifications []struct {
			Round, TargetHash, Reencoded string
			TargetNumber                 uint32
			Precommits                   []struct {
				TargetHash, Signature, ID string
				TargetNumber              uint32
			}
			Ancestries []string
		}
	}
	if err := json.Unmarshal(testenv.Node(t, in, "header-decode.mjs"), &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Justifications) != len(raws) {
		t.Fatalf("oracle decoded %d of %d", len(resp.Justifications), len(raws))
	}
	for i, raw := range raws {
		j, err := grandpa.DecodeJustification(raw)
		if err != nil {
			t.Fatal(err)
		}
		o := resp.Justifications[i]
		if strconv.FormatUint(j.Round, 10) != o.Round || j.Commit.TargetHash.String() != o.TargetHash || j.Commit.TargetNumber != o.TargetNumber ||
			len(j.Commit.Precommits) != len(o.Precommits) || len(j.VotesAncestries) != len(o.Ancestries) || o.Reencoded != "0x"+hex.EncodeToString(raw) {
			t.Fatalf("justification %d differs from polkadot-js", i)
		}
		for k, p := range j.Commit.Precommits {
			op := o.Precommits[k]
			if p.TargetHash.String() != op.TargetHash || p.TargetNumber != op.TargetNumber ||
				"0x"+hex.EncodeToString(p.Signature[:]) != op.Signature || "0x"+hex.EncodeToString(p.ID[:]) != op.ID {
				t.Fatalf("justification %d precommit %d differs", i, k)
			}
		}
		for k, h := range j.VotesAncestries {
			if h.Hash().String() != o.Ancestries[k] {
				t.Fatalf("justification %d ancestry %d hash differs", i, k)
			}
		}
	}
}
