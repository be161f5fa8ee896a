package metadata_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/tx/metadata"
)

// A tiny hand-made type tree: one enum with two variants.
func ExampleNewMerkleized() {
	path := []string{"my_pallet", "Call"}
	leaves := []metadata.MerkleLeaf{
		{Path: path, TypeID: 0, Def: metadata.MerkleTypeDef{Kind: metadata.DefEnumeration, VariantName: "ping", VariantIndex: 0}},
		{Path: path, TypeID: 0, Def: metadata.MerkleTypeDef{Kind: metadata.DefEnumeration, VariantName: "pong", VariantIndex: 1,
			Fields: []metadata.MerkleField{{Ty: metadata.MerkleTypeRef{Kind: metadata.RefU32}}}}},
	}
	ext := metadata.MerkleExtrinsic{Version: 4, Call: metadata.MerkleTypeRef{Kind: metadata.RefPerID, ID: 0},
		Address: metadata.MerkleTypeRef{Kind: metadata.RefVoid}, Signature: metadata.MerkleTypeRef{Kind: metadata.RefVoid}}
	mk := metadata.NewMerkleized(leaves, ext, metadata.MerkleExtraInfo{SpecVersion: 1, SpecName: "demo", Base58Prefix: 42, Decimals: 12, TokenSymbol: "UNIT"})

	// The leaves needed to decode the call pong(7), and a proof of them.
	known, _ := mk.CollectLeaves([]byte{1, 7, 0, 0, 0}, []metadata.MerkleTypeRef{ext.Call})
	proof, _ := mk.ProofForLeaves(known)
	digest, contents, err := metadata.VerifyMerkleProof(proof)
	fmt.Println(known, len(contents.Leaves), contents.Leaves[0].Def.VariantName, err, digest == mk.Digest())
	// Output: [1] 1 pong <nil> true
}
