package metadata

import (
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/scale"
)

// MerkleProofContents is a decoded RFC-0078 proof.
type MerkleProofContents struct {
	Leaves    []MerkleLeaf
	LeafIdx   []uint32 // tree positions of the leaves, in proof order
	Proofs    [][32]byte
	Extrinsic MerkleExtrinsic
	Info      MerkleExtraInfo
}

// VerifyMerkleProof decodes a proof (as ProofForExtrinsic and friends make
// it, and as an offline signer receives it), recomputes the type-information
// root from its leaves and hashes, and returns the metadata digest it proves
// with its contents. The proof is valid for a chain when the digest equals
// the one signed by CheckMetadataHash.
func VerifyMerkleProof(proof []byte) ([32]byte, *MerkleProofContents, error) {
	d := scale.NewDecoder(proof)
	p := &MerkleProofContents{}
	var err error
	fail := func(what string, err error) ([32]byte, *MerkleProofContents, error) {
		return [32]byte{}, nil, fmt.Errorf("%w: %s: %w", ErrMerkleProof, what, err)
	}
	n, err := d.Len(4) // a leaf takes at least 4 bytes
	if err != nil {
		return fail("leaves", err)
	}
	p.Leaves = make([]MerkleLeaf, 0, n)
	encoded := make([][]byte, 0, n)
	for i := range n {
		before := d.Rest()
		l, err := decodeLeaf(d)
		if err != nil {
			return fail(fmt.Sprintf("leaf %d", i), err)
		}
		p.Leaves = append(p.Leaves, l)
		encoded = append(encoded, before[:len(before)-d.Remaining()])
	}
	if n, err = d.Len(4); err != nil {
		return fail("leaf indices", err)
	}
	if n != len(p.Leaves) {
		return fail("leaf indices", fmt.Errorf("%d indices for %d leaves", n, len(p.Leaves)))
	}
	p.LeafIdx = make([]uint32, n)
	for i := range n {
		if p.LeafIdx[i], err = d.U32(); err != nil {
			return fail("leaf indices", err)
		}
		if i > 0 && p.LeafIdx[i] == p.LeafIdx[i-1] {
			return fail("leaf indices", errors.New("repeated index"))
		}
	}
	if n, err = d.Len(32); err != nil {
		return fail("proof hashes", err)
	}
	p.Proofs = make([][32]byte, n)
	for i := range n {
		if err := d.Fixed(p.Proofs[i][:]); err != nil {
			return fail("proof hashes", err)
		}
	}
	if p.Extrinsic, err = decodeMerkleExtrinsic(d); err != nil {
		return fail("extrinsic metadata", err)
	}
	if p.Info, err = decodeExtraInfo(d); err != nil {
		return fail("extra info", err)
	}
	if err := d.Finish(); err != nil {
		return fail("end", err)
	}

	// Walk the tree as the prover did: known leaves and proof hashes are
	// consumed in depth-first order.
	t, pi := 0, 0
	var walk func(node uint64, depth int) ([32]byte, error)
	walk = func(node uint64, depth int) ([32]byte, error) {
		if depth > 40 {
			return [32]byte{}, errors.New("tree too deep")
		}
		takeProof := func() ([32]byte, error) {
			if pi == len(p.Proofs) {
				return [32]byte{}, errors.New("too few proof hashes")
			}
			pi++
			return p.Proofs[pi-1], nil
		}
		if t == len(p.LeafIdx) {
			return takeProof()
		}
		target := uint64(p.LeafIdx[t])
		if target == node {
			t++
			return blake3Sum(encoded[t-1]), nil
		}
		up := treeLevel64(target) - treeLevel64(node)
		if up <= 0 || node != (target+1)>>up-1 {
			return takeProof()
		}
		l, err := walk(2*node+1, depth+1)
		if err != nil {
			return l, err
		}
		r, err := walk(2*node+2, depth+1)
		if err != nil {
			return r, err
		}
		return blake3Sum(l[:], r[:]), nil
	}
	var root [32]byte
	if len(p.LeafIdx) == 0 && len(p.Proofs) == 0 {
		// an empty type tree
	} else if root, err = walk(0, 0); err != nil {
		return fail("tree", err)
	}
	if t != len(p.LeafIdx) || pi != len(p.Proofs) {
		return fail("tree", fmt.Errorf("%d of %d leaves and %d of %d hashes used", t, len(p.LeafIdx), pi, len(p.Proofs)))
	}
	m := &Merkleized{Extrinsic: p.Extrinsic, Info: p.Info, tree: [][32]byte{root}}
	return m.Digest(), p, nil
}

func treeLevel64(idx uint64) int {
	l := 0
	for x := idx + 1; x > 1; x >>= 1 {
		l++
	}
	return l
}

func decodeTypeRef(d *scale.Decoder) (MerkleTypeRef, error) {
	k, err := d.U8()
	if err != nil {
		return MerkleTypeRef{}, err
	}
	r := MerkleTypeRef{Kind: k}
	switch {
	case k == RefPerID:
		r.ID, err = d.CompactU32()
	case k > RefPerID:
		err = fmt.Errorf("type reference kind %d", k)
	}
	return r, err
}

func decodeOptStr(d *scale.Decoder) (*string, error) {
	some, err := d.OptionTag()
	if err != nil || !some {
		return nil, err
	}
	s, err := d.String()
	return &s, err
}

func decodeFields(d *scale.Decoder) ([]MerkleField, error) {
	n, err := d.Len(3)
	if err != nil {
		return nil, err
	}
	fs := make([]MerkleField, n)
	for i := range fs {
		if fs[i].Name, err = decodeOptStr(d); err != nil {
			return nil, err
		}
		if fs[i].Ty, err = decodeTypeRef(d); err != nil {
			return nil, err
		}
		if fs[i].TypeName, err = decodeOptStr(d); err != nil {
			return nil, err
		}
	}
	return fs, nil
}

func decodeLeaf(d *scale.Decoder) (MerkleLeaf, error) {
	var l MerkleLeaf
	n, err := d.Len(1)
	if err != nil {
		return l, err
	}
	l.Path = make([]string, n)
	for i := range l.Path {
		if l.Path[i], err = d.String(); err != nil {
			return l, err
		}
	}
	if l.Def.Kind, err = d.U8(); err != nil {
		return l, err
	}
	def := &l.Def
	switch def.Kind {
	case DefComposite:
		def.Fields, err = decodeFields(d)
	case DefEnumeration:
		if def.VariantName, err = d.String(); err == nil {
			if def.Fields, err = decodeFields(d); err == nil {
				def.VariantIndex, err = d.CompactU32()
			}
		}
	case DefSequence:
		def.Elem, err = decodeTypeRef(d)
	case DefArray:
		if def.Len, err = d.U32(); err == nil {
			def.Elem, err = decodeTypeRef(d)
		}
	case DefTuple:
		var n int
		if n, err = d.Len(1); err == nil {
			def.Tuple = make([]MerkleTypeRef, n)
			for i := range def.Tuple {
				if def.Tuple[i], err = decodeTypeRef(d); err != nil {
					break
				}
			}
		}
	case DefBitSequence:
		if def.NumBytes, err = d.U8(); err == nil {
			def.LSBFirst, err = d.Bool()
		}
	default:
		err = fmt.Errorf("type definition kind %d", def.Kind)
	}
	if err != nil {
		return l, err
	}
	l.TypeID, err = d.CompactU32()
	return l, err
}

func decodeMerkleExtrinsic(d *scale.Decoder) (MerkleExtrinsic, error) {
	var e MerkleExtrinsic
	var err error
	if e.Version, err = d.U8(); err != nil {
		return e, err
	}
	for _, r := range []*MerkleTypeRef{&e.Address, &e.Call, &e.Signature} {
		if *r, err = decodeTypeRef(d); err != nil {
			return e, err
		}
	}
	n, err := d.Len(3)
	if err != nil {
		return e, err
	}
	e.Extensions = make([]MerkleExtension, n)
	for i := range e.Extensions {
		x := &e.Extensions[i]
		if x.Identifier, err = d.String(); err != nil {
			return e, err
		}
		if x.IncludedInExtrinsic, err = decodeTypeRef(d); err != nil {
			return e, err
		}
		if x.IncludedInSignedData, err = decodeTypeRef(d); err != nil {
			return e, err
		}
	}
	return e, nil
}

func decodeExtraInfo(d *scale.Decoder) (MerkleExtraInfo, error) {
	var x MerkleExtraInfo
	var err error
	if x.SpecVersion, err = d.U32(); err != nil {
		return x, err
	}
	if x.SpecName, err = d.String(); err != nil {
		return x, err
	}
	if x.Base58Prefix, err = d.U16(); err != nil {
		return x, err
	}
	if x.Decimals, err = d.U8(); err != nil {
		return x, err
	}
	x.TokenSymbol, err = d.String()
	return x, err
}
