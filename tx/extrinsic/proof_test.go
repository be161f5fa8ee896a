package extrinsic_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// TestMerkleProofsMatchOracle compares RFC-0078 proofs for signing payloads
// and signed extrinsics with @polkadot-api/merkleize-metadata.
func TestMerkleProofsMatchOracle(t *testing.T) {
	const metaName = "kusama-v15-spec1009002.scale"
	f := loadFormat(t, metaName)
	mk := merkleizedKSM(t, f)
	var args []string
	var want [][]byte
	for _, c := range interopCases(t, f, mk.Digest()) {
		if c.signer == nil {
			continue
		}
		payload, err := f.SigningPayload(c.call, &c.params)
		if err != nil {
			t.Fatal(err)
		}
		p1, err := mk.ProofForExtrinsicPayload(payload)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		extra, _ := f.AppendExtra(nil, &c.params)
		additional, _ := f.AppendAdditional(nil, &c.params)
		if p2, err := mk.ProofForExtrinsicParts(c.call, extra, additional); err != nil || !bytes.Equal(p1, p2) {
			t.Fatalf("%s: proof for parts differs from proof for payload (%v)", c.name, err)
		}
		ext, err := f.Sign(c.call, &c.params, c.signer)
		if err != nil {
			t.Fatal(err)
		}
		p3, err := mk.ProofForExtrinsic(ext, additional)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		// The proof proves the digest, and its leaves suffice to decode the payload.
		got, contents, err := metadata.VerifyMerkleProof(p1)
		if err != nil || got != mk.Digest() {
			t.Fatalf("%s: proof verifies to %x (%v), want the digest", c.name, got, err)
		}
		partial := metadata.NewMerkleized(contents.Leaves, contents.Extrinsic, contents.Info)
		refs := []metadata.MerkleTypeRef{contents.Extrinsic.Call}
		for _, x := range contents.Extrinsic.Extensions {
			refs = append(refs, x.IncludedInExtrinsic)
		}
		for _, x := range contents.Extrinsic.Extensions {
			refs = append(refs, x.IncludedInSignedData)
		}
		if _, err := partial.CollectLeaves(payload, refs); err != nil {
			t.Errorf("%s: the proof's leaves do not decode the payload: %v", c.name, err)
		}
		if got, _, err := metadata.VerifyMerkleProof(p3); err != nil || got != mk.Digest() {
			t.Errorf("%s: extrinsic proof verifies to %x (%v)", c.name, got, err)
		}
		// Any changed byte in a leaf or hash changes the digest or breaks the proof.
		for _, at := range []int{3, len(p1) / 3, len(p1) / 2} {
			bad := bytes.Clone(p1)
			bad[at] ^= 0x20
			if got, _, err := metadata.VerifyMerkleProof(bad); err == nil && got == mk.Digest() {
				t.Errorf("%s: proof with byte %d changed still proves the digest", c.name, at)
			}
		}
		args = append(args, "0x"+hex.EncodeToString(payload), "ext=0x"+hex.EncodeToString(ext)+",0x"+hex.EncodeToString(additional))
		want = append(want, p1, p3)
	}
	out := testenv.Node(t, nil, "merkle-digest.mjs", append([]string{testenv.Shared(t, "metadata", metaName), "12", "KSM"}, args...)...)
	var o struct{ Proofs []string }
	if err := json.Unmarshal(out, &o); err != nil {
		t.Fatal(err)
	}
	if len(o.Proofs) != len(want) {
		t.Fatalf("%d oracle proofs, want %d", len(o.Proofs), len(want))
	}
	for i := range want {
		if got := "0x" + hex.EncodeToString(want[i]); got != o.Proofs[i] {
			t.Errorf("proof %d (%s) differs from oracle:\n ksm %.200s…\n pjs %.200s…", i, args[i][:8], got, o.Proofs[i])
		}
	}
	t.Logf("%d proofs equal the oracle's (sizes %d..%d bytes)", len(want), len(want[0]), len(want[len(want)-1]))
}
