package metadata_test

import (
	"fmt"
	"path/filepath"

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

// The RFC-0078 metadata hash of a Kusama runtime, as a Ledger checks it:
// the spec and the SS58 prefix come from the metadata, the token from the
// caller.
func ExampleMetadata_MerkleizeFor() {
	md, err := metadata.Load(filepath.Join("..", "..", "..", "shared", "testdata", "metadata", "kusama-v15-spec1009002.scale"))
	if err != nil {
		panic(err)
	}
	mk, err := md.MerkleizeFor(metadata.MerkleExtraInfo{Decimals: 12, TokenSymbol: "KSM"}, false)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %d, prefix %d\n%#x\n", mk.Info.SpecName, mk.Info.SpecVersion, mk.Info.Base58Prefix, mk.Digest())
	// Prints:
	// kusama 1009002, prefix 2
	// 0xa68d6a84e9038a47fc2d7edbdb0303d597a618273ae285d07d4191b3442a9af4
}
