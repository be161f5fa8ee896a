package metadata

// RFC-0078 "merkleized metadata": the types a signer needs to decode
// extrinsics, as a binary merkle tree of leaves, plus a digest that commits to
// the tree's root, the extrinsic format and chain facts (spec, SS58 prefix,
// decimals, token symbol). The digest is what CheckMetadataHash signs; a proof
// carries just the leaves an offline signer needs to decode one extrinsic.
//
// This file holds the RFC's own data model and its encoding, the hash tree and
// proofs; merkle_build.go derives that model from decoded metadata.

import (
	"errors"
	"fmt"
	"math/bits"

	"github.com/ksm-wallet/ksm/tx/scale"
	"lukechampine.com/blake3"
)

// Errors of the merkleized-metadata code.
var (
	// ErrMerkleDecode means payload bytes did not decode against the merkle type information.
	ErrMerkleDecode = errors.New("metadata: bytes do not decode against merkleized types")
	// ErrMerkleProof means a proof does not prove what it claims.
	ErrMerkleProof = errors.New("metadata: invalid merkleized-metadata proof")
)

// TypeRef kinds (enum indices of the RFC's TypeRef).
const (
	RefBool uint8 = iota
	RefChar
	RefStr
	RefU8
	RefU16
	RefU32
	RefU64
	RefU128
	RefU256
	RefI8
	RefI16
	RefI32
	RefI64
	RefI128
	RefI256
	RefCompactU8
	RefCompactU16
	RefCompactU32
	RefCompactU64
	RefCompactU128
	RefCompactU256
	RefVoid
	RefPerID
)

// MerkleTypeRef points at a primitive, a compact integer, nothing (void), or
// (Kind RefPerID) the leaves with type id ID.
type MerkleTypeRef struct {
	Kind uint8
	ID   uint32
}

// MerkleField is a field of a composite or enumeration variant.
type MerkleField struct {
	Name     *string
	Ty       MerkleTypeRef
	TypeName *string
}

// Type definition kinds (enum indices of the RFC's TypeDef).
const (
	DefComposite uint8 = iota
	DefEnumeration
	DefSequence
	DefArray
	DefTuple
	DefBitSequence
)

// MerkleTypeDef is one leaf's definition. An enum type gives one leaf per
// variant (Kind DefEnumeration, with VariantName, VariantIndex and Fields).
type MerkleTypeDef struct {
	Kind         uint8
	Fields       []MerkleField   // composite, enumeration
	VariantName  string          // enumeration
	VariantIndex uint32          // enumeration
	Elem         MerkleTypeRef   // sequence, array
	Len          uint32          // array
	Tuple        []MerkleTypeRef // tuple
	NumBytes     uint8           // bitSequence: bytes of the store type
	LSBFirst     bool            // bitSequence
}

// MerkleLeaf is one leaf of the type-information tree.
type MerkleLeaf struct {
	Path   []string
	Def    MerkleTypeDef
	TypeID uint32 // the type's index among the accessible types (not the registry id)
}

// MerkleExtension is one transaction extension in the extrinsic metadata.
type MerkleExtension struct {
	Identifier           string
	IncludedInExtrinsic  MerkleTypeRef
	IncludedInSignedData MerkleTypeRef
}

// MerkleExtrinsic is the RFC's ExtrinsicMetadata.
type MerkleExtrinsic struct {
	Version    uint8
	Address    MerkleTypeRef
	Call       MerkleTypeRef
	Signature  MerkleTypeRef
	Extensions []MerkleExtension
}

// MerkleExtraInfo is the chain information the digest commits to.
type MerkleExtraInfo struct {
	SpecVersion  uint32
	SpecName     string
	Base58Prefix uint16
	Decimals     uint8
	TokenSymbol  string
}

func appendTypeRef(dst []byte, r MerkleTypeRef) []byte {
	dst = append(dst, r.Kind)
	if r.Kind == RefPerID {
		dst = scale.AppendCompact(dst, uint64(r.ID))
	}
	return dst
}

func appendOptStr(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, 0)
	}
	return scale.AppendString(append(dst, 1), *s)
}

func appendFields(dst []byte, fs []MerkleField) []byte {
	dst = scale.AppendCompact(dst, uint64(len(fs)))
	for _, f := range fs {
		dst = appendOptStr(dst, f.Name)
		dst = appendTypeRef(dst, f.Ty)
		dst = appendOptStr(dst, f.TypeName)
	}
	return dst
}

// AppendMerkleLeaf appends the SCALE encoding of a leaf (the bytes hashed into the tree).
func AppendMerkleLeaf(dst []byte, l MerkleLeaf) []byte {
	dst = scale.AppendCompact(dst, uint64(len(l.Path)))
	for _, p := range l.Path {
		dst = scale.AppendString(dst, p)
	}
	d := l.Def
	dst = append(dst, d.Kind)
	switch d.Kind {
	case DefComposite:
		dst = appendFields(dst, d.Fields)
	case DefEnumeration:
		dst = scale.AppendString(dst, d.VariantName)
		dst = appendFields(dst, d.Fields)
		dst = scale.AppendCompact(dst, uint64(d.VariantIndex))
	case DefSequence:
		dst = appendTypeRef(dst, d.Elem)
	case DefArray:
		dst = scale.AppendU32(dst, d.Len)
		dst = appendTypeRef(dst, d.Elem)
	case DefTuple:
		dst = scale.AppendCompact(dst, uint64(len(d.Tuple)))
		for _, r := range d.Tuple {
			dst = appendTypeRef(dst, r)
		}
	case DefBitSequence:
		dst = append(dst, d.NumBytes)
		dst = scale.AppendBool(dst, d.LSBFirst)
	}
	return scale.AppendCompact(dst, uint64(l.TypeID))
}

// AppendMerkleExtrinsic appends the SCALE encoding of the extrinsic metadata.
func AppendMerkleExtrinsic(dst []byte, e MerkleExtrinsic) []byte {
	dst = append(dst, e.Version)
	dst = appendTypeRef(dst, e.Address)
	dst = appendTypeRef(dst, e.Call)
	dst = appendTypeRef(dst, e.Signature)
	dst = scale.AppendCompact(dst, uint64(len(e.Extensions)))
	for _, x := range e.Extensions {
		dst = scale.AppendString(dst, x.Identifier)
		dst = appendTypeRef(dst, x.IncludedInExtrinsic)
		dst = appendTypeRef(dst, x.IncludedInSignedData)
	}
	return dst
}

// AppendMerkleExtraInfo appends the SCALE encoding of the extra information.
func AppendMerkleExtraInfo(dst []byte, x MerkleExtraInfo) []byte {
	dst = scale.AppendU32(dst, x.SpecVersion)
	dst = scale.AppendString(dst, x.SpecName)
	dst = scale.AppendU16(dst, x.Base58Prefix)
	dst = append(dst, x.Decimals)
	return scale.AppendString(dst, x.TokenSymbol)
}

func blake3Sum(b ...[]byte) [32]byte {
	h := blake3.New(32, nil)
	for _, x := range b {
		h.Write(x)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// Merkleized is metadata in RFC-0078 form: the leaves in tree order, the
// extrinsic metadata and the extra information.
type Merkleized struct {
	Leaves    []MerkleLeaf
	Extrinsic MerkleExtrinsic
	Info      MerkleExtraInfo

	encoded [][]byte   // SCALE encoding of each leaf
	tree    [][32]byte // complete binary tree, root at 0, leaves at len(Leaves)-1...
}

// NewMerkleized builds the hash tree over leaves (which must be sorted by
// TypeID, then variant index).
func NewMerkleized(leaves []MerkleLeaf, ext MerkleExtrinsic, info MerkleExtraInfo) *Merkleized {
	m := &Merkleized{Leaves: leaves, Extrinsic: ext, Info: info}
	m.encoded = make([][]byte, len(leaves))
	for i, l := range leaves {
		m.encoded[i] = AppendMerkleLeaf(nil, l)
	}
	n := len(leaves)
	if n == 0 {
		m.tree = [][32]byte{{}}
		return m
	}
	m.tree = make([][32]byte, 2*n-1)
	for i, e := range m.encoded {
		m.tree[n-1+i] = blake3Sum(e)
	}
	for i := len(m.tree) - 2; i > 0; i -= 2 {
		m.tree[(i-1)/2] = blake3Sum(m.tree[i][:], m.tree[i+1][:])
	}
	return m
}

// TypeInformationRoot is the root of the type-information tree.
func (m *Merkleized) TypeInformationRoot() [32]byte { return m.tree[0] }

// ExtrinsicMetadataHash is blake3-256 of the encoded extrinsic metadata.
func (m *Merkleized) ExtrinsicMetadataHash() [32]byte {
	return blake3Sum(AppendMerkleExtrinsic(nil, m.Extrinsic))
}

// Digest is the RFC-0078 metadata digest (MetadataDigest::V1 hashed with
// blake3-256): the value CheckMetadataHash puts in the signed data.
func (m *Merkleized) Digest() [32]byte {
	root, ext := m.TypeInformationRoot(), m.ExtrinsicMetadataHash()
	b := []byte{1} // MetadataDigest::V1
	b = append(b, root[:]...)
	b = append(b, ext[:]...)
	b = AppendMerkleExtraInfo(b, m.Info)
	return blake3Sum(b)
}

func treeLevel(idx int) int { return bits.Len(uint(idx+1)) - 1 }

// ProofForLeaves returns the encoded Proof {leaves, leaf indices, proof
// hashes, extrinsic metadata, extra info} for the leaves at the given
// positions (ascending, distinct, each < len(Leaves)).
func (m *Merkleized) ProofForLeaves(known []int) ([]byte, error) {
	n := len(m.Leaves)
	leafIdx := make([]int, len(known))
	for i, k := range known {
		if k < 0 || k >= n || (i > 0 && k <= known[i-1]) {
			return nil, fmt.Errorf("%w: leaf positions must be ascending and below %d", ErrMerkleProof, n)
		}
		leafIdx[i] = n - 1 + k
	}
	order := make([]int, len(known)) // positions into known, in proof order
	for i := range order {
		order[i] = i
	}
	if len(leafIdx) > 0 {
		// Leaves on the deepest level come first (they are the leftmost of the tree).
		split := 1<<treeLevel(leafIdx[len(leafIdx)-1]) - 1
		s := len(leafIdx)
		for i, x := range leafIdx {
			if x >= split {
				s = i
				break
			}
		}
		if s > 0 && s < len(leafIdx) {
			order = append(append([]int{}, order[s:]...), order[:s]...)
		}
	}
	targets := make([]int, len(order))
	for i, o := range order {
		targets[i] = leafIdx[o]
	}
	var proofIdx []int
	t := 0
	var walk func(node int)
	walk = func(node int) {
		if t == len(targets) {
			proofIdx = append(proofIdx, node)
			return
		}
		target := targets[t]
		if target == node {
			t++
			return
		}
		up := treeLevel(target) - treeLevel(node)
		if up < 0 || node != (target+1)>>up-1 {
			proofIdx = append(proofIdx, node)
			return
		}
		walk(2*node + 1)
		walk(2*node + 2)
	}
	walk(0)

	out := scale.AppendCompact(nil, uint64(len(order)))
	for _, o := range order {
		out = append(out, m.encoded[known[o]]...)
	}
	out = scale.AppendCompact(out, uint64(len(targets)))
	for _, x := range targets {
		out = scale.AppendU32(out, uint32(x))
	}
	out = scale.AppendCompact(out, uint64(len(proofIdx)))
	for _, p := range proofIdx {
		if p >= len(m.tree) {
			return nil, fmt.Errorf("%w: node %d outside the tree", ErrMerkleProof, p)
		}
		out = append(out, m.tree[p][:]...)
	}
	out = AppendMerkleExtrinsic(out, m.Extrinsic)
	return AppendMerkleExtraInfo(out, m.Info), nil
}

// ProofForExtrinsicPayload returns the proof of the leaves needed to decode a
// signing payload (call ‖ extensions' extra ‖ extensions' additional signed),
// without its length prefix.
func (m *Merkleized) ProofForExtrinsicPayload(payload []byte) ([]byte, error) {
	refs := m.appendExtensionRefs([]MerkleTypeRef{m.Extrinsic.Call}, false)
	return m.proofFor(payload, m.appendExtensionRefs(refs, true))
}

// appendExtensionRefs appends the types of the transaction extensions' data
// in the extrinsic (extra) or, with signedOnly, of their data signed but not
// included (additional signed).
func (m *Merkleized) appendExtensionRefs(refs []MerkleTypeRef, signedOnly bool) []MerkleTypeRef {
	for _, x := range m.Extrinsic.Extensions {
		if signedOnly {
			refs = append(refs, x.IncludedInSignedData)
		} else {
			refs = append(refs, x.IncludedInExtrinsic)
		}
	}
	return refs
}

// proofFor returns the proof of the leaves needed to decode data as the
// values of refs in sequence.
func (m *Merkleized) proofFor(data []byte, refs []MerkleTypeRef) ([]byte, error) {
	known, err := m.CollectLeaves(data, refs)
	if err != nil {
		return nil, err
	}
	return m.ProofForLeaves(known)
}

// ProofForExtrinsicParts is ProofForExtrinsicPayload of call ‖ extra ‖ additional.
func (m *Merkleized) ProofForExtrinsicParts(call, extra, additional []byte) ([]byte, error) {
	p := append(append(append([]byte{}, call...), extra...), additional...)
	return m.ProofForExtrinsicPayload(p)
}

// ProofForExtrinsic returns the proof of the leaves needed to decode a v4
// extrinsic (with its compact length prefix); when additionalSigned is not
// nil, the leaves for the extensions' additional signed data too.
func (m *Merkleized) ProofForExtrinsic(ext, additionalSigned []byte) ([]byte, error) {
	d := scale.NewDecoder(ext)
	if _, err := d.CompactU64(); err != nil {
		return nil, fmt.Errorf("%w: length prefix: %w", ErrMerkleDecode, err)
	}
	vb, err := d.U8()
	if err != nil {
		return nil, fmt.Errorf("%w: version: %w", ErrMerkleDecode, err)
	}
	if vb&0x3f != m.Extrinsic.Version {
		return nil, fmt.Errorf("%w: extrinsic version %d, metadata describes %d", ErrMerkleDecode, vb&0x3f, m.Extrinsic.Version)
	}
	var refs []MerkleTypeRef
	switch vb >> 6 {
	case 2: // signed
		refs = m.appendExtensionRefs([]MerkleTypeRef{m.Extrinsic.Address, m.Extrinsic.Signature}, false)
		refs = append(refs, m.Extrinsic.Call)
	case 0:
		refs = append(refs, m.Extrinsic.Call)
	default:
		return nil, fmt.Errorf("%w: extrinsic format bits %02b", ErrMerkleDecode, vb>>6)
	}
	body := append([]byte{}, d.Rest()...)
	if additionalSigned != nil {
		body = append(body, additionalSigned...)
		refs = m.appendExtensionRefs(refs, true)
	}
	return m.proofFor(body, refs)
}

// CollectLeaves decodes data as the values of refs in sequence and returns the
// positions (ascending) of the leaves the decoding used. Trailing bytes are
// allowed, as in the reference implementation.
func (m *Merkleized) CollectLeaves(data []byte, refs []MerkleTypeRef) ([]int, error) {
	c := collector{m: m, d: scale.NewDecoder(data), seen: map[int]bool{}, budget: 1<<20 + 16*len(data)}
	c.byID = map[uint32][]int{}
	for i, l := range m.Leaves {
		c.byID[l.TypeID] = append(c.byID[l.TypeID], i)
	}
	for i, r := range refs {
		if err := c.walk(r, 0); err != nil {
			return nil, fmt.Errorf("%w: value %d at offset %d: %w", ErrMerkleDecode, i, c.d.Offset(), err)
		}
	}
	out := make([]int, 0, len(c.seen))
	for i := range m.Leaves {
		if c.seen[i] {
			out = append(out, i)
		}
	}
	return out, nil
}

type collector struct {
	m      *Merkleized
	d      *scale.Decoder
	byID   map[uint32][]int
	seen   map[int]bool
	budget int
}

var primitiveSizes = [...]int{RefBool: 1, RefChar: 4, RefU8: 1, RefU16: 2, RefU32: 4, RefU64: 8, RefU128: 16, RefU256: 32,
	RefI8: 1, RefI16: 2, RefI32: 4, RefI64: 8, RefI128: 16, RefI256: 32}

func (c *collector) walk(r MerkleTypeRef, depth int) error {
	c.budget--
	if c.budget < 0 || depth > 256 {
		return errors.New("type nesting or element count too large")
	}
	switch {
	case r.Kind == RefVoid:
		return nil
	case r.Kind == RefStr:
		_, err := c.d.Bytes()
		return err
	case r.Kind >= RefCompactU8 && r.Kind <= RefCompactU256:
		_, err := c.d.Compact()
		return err
	case r.Kind < RefCompactU8:
		_, err := c.d.Take(primitiveSizes[r.Kind])
		return err
	case r.Kind != RefPerID:
		return fmt.Errorf("type reference kind %d", r.Kind)
	}
	idxs := c.byID[r.ID]
	if len(idxs) == 0 {
		return fmt.Errorf("no leaf for type %d", r.ID)
	}
	cur := c.m.Leaves[idxs[0]]
	if len(idxs) == 1 {
		c.seen[idxs[0]] = true
	}
	switch cur.Def.Kind {
	case DefEnumeration:
		v, err := c.d.U8()
		if err != nil {
			return err
		}
		for _, i := range idxs {
			if def := c.m.Leaves[i].Def; def.VariantIndex == uint32(v) {
				c.seen[i] = true
				for _, f := range def.Fields {
					if err := c.walk(f.Ty, depth+1); err != nil {
						return err
					}
				}
				return nil
			}
		}
		return fmt.Errorf("type %d has no variant %d", r.ID, v)
	case DefSequence:
		n, err := c.d.CompactU64()
		if err != nil {
			return err
		}
		if cur.Def.Elem.Kind != RefVoid && n > uint64(c.d.Remaining()) {
			return scale.ErrLengthTooLarge
		}
		if cur.Def.Elem.Kind == RefVoid {
			return nil
		}
		for range n {
			if err := c.walk(cur.Def.Elem, depth+1); err != nil {
				return err
			}
		}
	case DefArray:
		if cur.Def.Elem.Kind == RefVoid {
			return nil
		}
		for range cur.Def.Len {
			if err := c.walk(cur.Def.Elem, depth+1); err != nil {
				return err
			}
		}
	case DefComposite:
		for _, f := range cur.Def.Fields {
			if err := c.walk(f.Ty, depth+1); err != nil {
				return err
			}
		}
	case DefTuple:
		for _, t := range cur.Def.Tuple {
			if err := c.walk(t, depth+1); err != nil {
				return err
			}
		}
	case DefBitSequence:
		return errors.New("bit sequences are not supported in proofs")
	}
	return nil
}
