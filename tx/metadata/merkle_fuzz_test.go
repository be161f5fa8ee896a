package metadata_test

import (
	"bytes"
	"testing"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func kusamaMerkleized(t testing.TB) *metadata.Merkleized {
	md, err := metadata.Decode(testenv.ReadShared(t, "metadata", "kusama-v15-spec1009002.scale"))
	if err != nil {
		t.Fatal(err)
	}
	return merkleize(t, md, 12, "KSM")
}

// FuzzVerifyMerkleProof: any bytes give a digest or an error, and a proof
// that verifies re-encodes from its contents to the same bytes.
func FuzzVerifyMerkleProof(f *testing.F) {
	mk := kusamaMerkleized(f)
	for _, known := range [][]int{{0}, {1, 2, 3}, {7, 500, 2000}, {len(mk.Leaves) - 1}} {
		p, err := mk.ProofForLeaves(known)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, c, err := metadata.VerifyMerkleProof(b)
		if err != nil {
			return
		}
		var out []byte
		out = append(out, compactLen(len(c.Leaves))...)
		for _, l := range c.Leaves {
			out = metadata.AppendMerkleLeaf(out, l)
		}
		if !bytes.HasPrefix(b, out) {
			t.Fatalf("leaves re-encode differently")
		}
	})
}

func compactLen(n int) []byte {
	switch {
	case n < 1<<6:
		return []byte{byte(n << 2)}
	case n < 1<<14:
		return []byte{byte(n<<2 | 1), byte(n >> 6)}
	}
	return []byte{byte(n<<2 | 2), byte(n >> 6), byte(n >> 14), byte(n >> 22)}
}

// FuzzCollectLeaves: decoding payload bytes against the merkleized types
// never panics and stays within bounds.
func FuzzCollectLeaves(f *testing.F) {
	mk := kusamaMerkleized(f)
	f.Add([]byte{0x04, 0x03, 0x00, 0x01})
	f.Add([]byte{0x18, 0x02, 0x08, 0x04, 0x03, 0x00})
	refs := []metadata.MerkleTypeRef{mk.Extrinsic.Call}
	for _, x := range mk.Extrinsic.Extensions {
		refs = append(refs, x.IncludedInExtrinsic)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		known, err := mk.CollectLeaves(b, refs)
		if err != nil {
			return
		}
		if _, err := mk.ProofForLeaves(known); err != nil {
			t.Fatalf("collected leaves %v give no proof: %v", known, err)
		}
	})
}
