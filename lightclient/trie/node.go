package trie

import (
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Hash is a blake2b-256 trie node hash (a state root among them).
type Hash = [32]byte

// Sentinel errors. Errors returned by this package wrap one of them.
var (
	// ErrBadNode means a proof entry or inline node is not a valid trie node encoding.
	ErrBadNode = errors.New("trie: malformed node")
	// ErrRootMismatch means no proof entry hashes to the trusted root.
	ErrRootMismatch = errors.New("trie: no proof node hashes to the state root")
	// ErrIncompleteProof means the proof does not reach far enough to answer the question.
	ErrIncompleteProof = errors.New("trie: proof is incomplete for this key")
	// ErrMissingNode is the same condition as ErrIncompleteProof (alias kept for callers that name it so).
	ErrMissingNode = ErrIncompleteProof
	// ErrUnusedNode means the proof holds entries that are not reachable from the root.
	ErrUnusedNode = errors.New("trie: proof holds nodes not reachable from the root")
	// ErrHashMismatch means a proof entry is unreferenced while a referenced node is
	// missing: a node's bytes were altered (a swapped value, a modified child).
	ErrHashMismatch = errors.New("trie: a proof node does not match the hash its parent commits to")
	// ErrBadProofEncoding means the proof container (JSON or SCALE list) is malformed.
	ErrBadProofEncoding = errors.New("trie: malformed proof encoding")
	// ErrTooManyEntries means a prefix scan would return more entries than allowed.
	ErrTooManyEntries = errors.New("trie: too many entries")
)

// maxNibbles bounds a partial key (Substrate's NIBBLE_SIZE_BOUND).
const maxNibbles = 65535

type nodeKind uint8

const (
	kindEmpty nodeKind = iota
	kindLeaf
	kindBranch // with or without value
)

// node is a decoded trie node. Slices alias the encoded bytes, except partial.
type node struct {
	kind        nodeKind
	partial     []byte // nibbles, one per byte
	hasValue    bool
	hashedValue bool   // value holds the 32-byte hash of the value (V1)
	value       []byte // the value, or its hash when hashedValue
	children    [16][]byte
}

// decodeNode decodes one node encoding. It never panics.
func decodeNode(b []byte) (node, error) {
	var n node
	if len(b) == 0 {
		return n, fmt.Errorf("%w: empty input", ErrBadNode)
	}
	h := b[0]
	var count, bits int
	switch {
	case h == 0x00:
		if len(b) != 1 {
			return n, fmt.Errorf("%w: empty-trie node with %d trailing bytes", ErrBadNode, len(b)-1)
		}
		n.kind = kindEmpty
		return n, nil
	case h>>6 == 0b01:
		n.kind, bits = kindLeaf, 6
		n.hasValue = true
	case h>>6 == 0b10:
		n.kind, bits = kindBranch, 6
	case h>>6 == 0b11:
		n.kind, bits = kindBranch, 6
		n.hasValue = true
	case h>>5 == 0b001:
		n.kind, bits = kindLeaf, 5
		n.hasValue, n.hashedValue = true, true
	case h>>4 == 0b0001:
		n.kind, bits = kindBranch, 4
		n.hasValue, n.hashedValue = true, true
	default:
		return n, fmt.Errorf("%w: unknown header byte 0x%02x", ErrBadNode, h)
	}
	mask := byte(1)<<bits - 1
	count = int(h & mask)
	pos := 1
	if h&mask == mask {
		for {
			if pos >= len(b) {
				return n, fmt.Errorf("%w: truncated nibble count", ErrBadNode)
			}
			c := b[pos]
			pos++
			count += int(c)
			if count > maxNibbles {
				return n, fmt.Errorf("%w: partial key longer than %d nibbles", ErrBadNode, maxNibbles)
			}
			if c != 255 {
				break
			}
		}
	}
	nb := (count + 1) / 2
	if nb > len(b)-pos {
		return n, fmt.Errorf("%w: partial key of %d nibbles exceeds node", ErrBadNode, count)
	}
	pk := b[pos : pos+nb]
	pos += nb
	if count%2 == 1 && pk[0]&0xf0 != 0 {
		return n, fmt.Errorf("%w: non-zero padding in partial key", ErrBadNode)
	}
	n.partial = make([]byte, 0, count)
	for i, c := range pk {
		if i > 0 || count%2 == 0 {
			n.partial = append(n.partial, c>>4)
		}
		n.partial = append(n.partial, c&0x0f)
	}
	d := scale.NewDecoder(b[pos:])
	var bitmap uint16
	if n.kind == kindBranch {
		v, err := d.U16()
		if err != nil {
			return n, fmt.Errorf("%w: branch bitmap: %v", ErrBadNode, err)
		}
		if v == 0 {
			return n, fmt.Errorf("%w: branch without children", ErrBadNode)
		}
		bitmap = v
	}
	if n.hasValue {
		if n.hashedValue {
			v, err := d.Take(32)
			if err != nil {
				return n, fmt.Errorf("%w: value hash: %v", ErrBadNode, err)
			}
			n.value = v
		} else {
			v, err := d.Bytes()
			if err != nil {
				return n, fmt.Errorf("%w: value: %v", ErrBadNode, err)
			}
			n.value = v
		}
	}
	for i := 0; i < 16; i++ {
		if bitmap&(1<<i) == 0 {
			continue
		}
		c, err := d.Bytes()
		if err != nil {
			return n, fmt.Errorf("%w: child %x: %v", ErrBadNode, i, err)
		}
		if len(c) > 32 || len(c) == 0 {
			return n, fmt.Errorf("%w: child %x reference of %d bytes", ErrBadNode, i, len(c))
		}
		n.children[i] = c
	}
	if d.Remaining() != 0 {
		return n, fmt.Errorf("%w: %d trailing bytes", ErrBadNode, d.Remaining())
	}
	return n, nil
}

// encodeHeader appends a node header with the given prefix bits for count nibbles.
func appendHeader(dst []byte, prefix byte, bits int, count int) []byte {
	mask := 1<<bits - 1
	if count < mask {
		return append(dst, prefix|byte(count))
	}
	dst = append(dst, prefix|byte(mask))
	rem := count - mask
	for rem >= 255 {
		dst = append(dst, 255)
		rem -= 255
	}
	return append(dst, byte(rem))
}

func appendPartial(dst []byte, nibbles []byte) []byte {
	i := 0
	if len(nibbles)%2 == 1 {
		dst = append(dst, nibbles[0])
		i = 1
	}
	for ; i < len(nibbles); i += 2 {
		dst = append(dst, nibbles[i]<<4|nibbles[i+1])
	}
	return dst
}

// encodeLeaf encodes a leaf; hashed says value is the 32-byte hash of the value.
func encodeLeaf(partial, value []byte, hashed bool) []byte {
	var out []byte
	if hashed {
		out = appendHeader(out, 0b0010_0000, 5, len(partial))
		out = appendPartial(out, partial)
		return append(out, value...)
	}
	out = appendHeader(out, 0b0100_0000, 6, len(partial))
	out = appendPartial(out, partial)
	return scale.AppendBytes(out, value)
}

// encodeBranch encodes a branch; children holds child references (hash or inline node).
func encodeBranch(partial []byte, hasValue bool, value []byte, hashed bool, children *[16][]byte) []byte {
	var out []byte
	switch {
	case hasValue && hashed:
		out = appendHeader(out, 0b0001_0000, 4, len(partial))
	case hasValue:
		out = appendHeader(out, 0b1100_0000, 6, len(partial))
	default:
		out = appendHeader(out, 0b1000_0000, 6, len(partial))
	}
	out = appendPartial(out, partial)
	var bitmap uint16
	for i, c := range children {
		if c != nil {
			bitmap |= 1 << i
		}
	}
	out = scale.AppendU16(out, bitmap)
	if hasValue {
		if hashed {
			out = append(out, value...)
		} else {
			out = scale.AppendBytes(out, value)
		}
	}
	for _, c := range children {
		if c != nil {
			out = scale.AppendBytes(out, c)
		}
	}
	return out
}

// reference is how a parent refers to a child: inline below 32 bytes, else its hash.
func reference(enc []byte) []byte {
	if len(enc) < 32 {
		return enc
	}
	h := hash.Blake2b256(enc)
	return h[:]
}

func toNibbles(key []byte) []byte {
	out := make([]byte, 0, 2*len(key))
	for _, b := range key {
		out = append(out, b>>4, b&0x0f)
	}
	return out
}

// fromNibbles packs an even number of nibbles into bytes.
func fromNibbles(n []byte) []byte {
	out := make([]byte, 0, len(n)/2)
	for i := 0; i+1 < len(n); i += 2 {
		out = append(out, n[i]<<4|n[i+1])
	}
	return out
}
