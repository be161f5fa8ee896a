// Package parachain verifies parachain state from relay-chain state: the
// relay's Paras::Heads(id) entry, proven against a finalized relay state
// root, holds the parachain's head (HeadData: a Vec<u8> wrapping the SCALE
// header); the state root of that header anchors the parachain's own
// storage proofs. This is how ksm reads Asset Hub state with only the relay
// chain's GRANDPA finality to trust.
//
// Everything here is pure: bytes in, verified values or typed errors out.
package parachain

import (
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Sentinel errors (possibly wrapped) of this package.
var (
	// ErrNoHead means the relay proof shows no head for the parachain.
	ErrNoHead = errors.New("parachain: no head for this para id in relay state")
	// ErrBadHeadData means the Paras::Heads value is not a HeadData holding a header.
	ErrBadHeadData = errors.New("parachain: malformed head data")
)

// HeadsKey returns the relay storage key of Paras::Heads(paraID):
// twox128("Paras") ‖ twox128("Heads") ‖ twox64(id LE) ‖ id LE.
func HeadsKey(paraID uint32) []byte {
	p := hash.Twox128([]byte("Paras"))
	h := hash.Twox128([]byte("Heads"))
	key := append(append(make([]byte, 0, 16+16+8+4), p[:]...), h[:]...)
	return hash.Twox64Concat.Append(key, scale.AppendU32(nil, paraID))
}

// EncodeHeadData returns the Paras::Heads value for a parachain header.
func EncodeHeadData(h *header.Header) []byte {
	return scale.AppendBytes(nil, h.Encode())
}

// DecodeHeadData decodes a Paras::Heads value into the parachain header,
// refusing trailing bytes in either layer.
func DecodeHeadData(value []byte) (*header.Header, error) {
	d := scale.NewDecoder(value)
	inner, err := d.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadHeadData, err)
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadHeadData, err)
	}
	h, err := header.Decode(inner)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadHeadData, err)
	}
	return h, nil
}

// Head is a parachain head proven by relay state.
type Head struct {
	ParaID uint32
	Header *header.Header
	Hash   header.Hash
	// RelayStateRoot is the relay state root the head was proven against.
	RelayStateRoot header.Hash
}

// VerifyHead proves Paras::Heads(paraID) with relay proof nodes against the
// state root of a (finalized, trusted) relay header and decodes the head.
// Proof errors are trie's (ErrIncompleteProof, ErrRootMismatch, ...);
// ErrNoHead when the proof shows the para has no head.
func VerifyHead(relayStateRoot header.Hash, relayProof [][]byte, paraID uint32) (*Head, error) {
	p, err := trie.NewProof(trie.Hash(relayStateRoot), relayProof)
	if err != nil {
		return nil, fmt.Errorf("relay proof of para %d head: %w", paraID, err)
	}
	v, found, err := p.Get(HeadsKey(paraID))
	if err != nil {
		return nil, fmt.Errorf("relay proof of para %d head: %w", paraID, err)
	}
	if !found {
		return nil, fmt.Errorf("%w: para %d", ErrNoHead, paraID)
	}
	h, err := DecodeHeadData(v)
	if err != nil {
		return nil, fmt.Errorf("para %d: %w", paraID, err)
	}
	return &Head{ParaID: paraID, Header: h, Hash: h.Hash(), RelayStateRoot: relayStateRoot}, nil
}

// StorageProof checks a parachain storage proof against the head's state root.
func (h *Head) StorageProof(nodes [][]byte) (*trie.Proof, error) {
	p, err := trie.NewProof(trie.Hash(h.Header.StateRoot), nodes)
	if err != nil {
		return nil, fmt.Errorf("para %d storage proof at #%d: %w", h.ParaID, h.Header.Number, err)
	}
	return p, nil
}

// Read proves a chain of trust in one call: the relay proof gives the para
// head, whose state root checks paraProof, which answers key.
func Read(relayStateRoot header.Hash, relayProof [][]byte, paraID uint32, paraProof [][]byte, key []byte) (value []byte, found bool, head *Head, err error) {
	head, err = VerifyHead(relayStateRoot, relayProof, paraID)
	if err != nil {
		return nil, false, nil, err
	}
	p, err := head.StorageProof(paraProof)
	if err != nil {
		return nil, false, head, err
	}
	value, found, err = p.Get(key)
	return value, found, head, err
}
