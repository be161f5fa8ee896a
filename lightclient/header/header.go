package header

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Hash is a 32-byte block hash or trie root.
type Hash [32]byte

// String returns the 0x-prefixed lowercase hex form.
func (h Hash) String() string { return "0x" + hex.EncodeToString(h[:]) }

// MarshalText encodes the hash as 0x-prefixed hex (used by encoding/json).
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText parses 0x-prefixed hex.
func (h *Hash) UnmarshalText(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	if hex.DecodedLen(len(s)) != 32 {
		return fmt.Errorf("header: hash must be 32 bytes, got %d hex digits", len(s))
	}
	_, err := hex.Decode(h[:], []byte(s))
	return err
}

// Header is a Substrate block header (BlockNumber = u32).
type Header struct {
	ParentHash     Hash
	Number         uint32
	StateRoot      Hash
	ExtrinsicsRoot Hash
	Digest         []DigestItem
}

// minHeaderSize is the size of the smallest header: three hashes, a
// one-byte compact number and an empty digest.
const minHeaderSize = 32*3 + 1 + 1

// Decode decodes exactly one SCALE header from b, refusing trailing bytes.
func Decode(b []byte) (*Header, error) {
	d := scale.NewDecoder(b)
	h, err := DecodeFrom(d)
	if err != nil {
		return nil, err
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("decode header: %w", err)
	}
	return h, nil
}

// DecodeFrom decodes one SCALE header from d, leaving d after it.
// Digest payloads are copied, so the result does not alias the input.
func DecodeFrom(d *scale.Decoder) (*Header, error) {
	h := new(Header)
	if err := d.Fixed(h.ParentHash[:]); err != nil {
		return nil, fmt.Errorf("decode header parent hash: %w", err)
	}
	n, err := d.CompactU32()
	if err != nil {
		return nil, fmt.Errorf("decode header number: %w", err)
	}
	h.Number = n
	if err := d.Fixed(h.StateRoot[:]); err != nil {
		return nil, fmt.Errorf("decode header state root: %w", err)
	}
	if err := d.Fixed(h.ExtrinsicsRoot[:]); err != nil {
		return nil, fmt.Errorf("decode header extrinsics root: %w", err)
	}
	count, err := d.Len(1)
	if err != nil {
		return nil, fmt.Errorf("decode header digest length: %w", err)
	}
	if count > 0 {
		h.Digest = make([]DigestItem, 0, count)
	}
	for i := 0; i < count; i++ {
		it, err := decodeDigestItem(d)
		if err != nil {
			return nil, fmt.Errorf("decode header digest item %d: %w", i, err)
		}
		h.Digest = append(h.Digest, it)
	}
	return h, nil
}

// Encode returns the SCALE encoding of h.
func (h *Header) Encode() []byte { return h.AppendTo(make([]byte, 0, h.encodedSize())) }

func (h *Header) encodedSize() int {
	n := minHeaderSize + 4 + 4
	for _, it := range h.Digest {
		n += 1 + 4 + 5 + len(it.Data)
	}
	return n
}

// AppendTo appends the SCALE encoding of h to dst.
func (h *Header) AppendTo(dst []byte) []byte {
	dst = append(dst, h.ParentHash[:]...)
	dst = scale.AppendCompact(dst, uint64(h.Number))
	dst = append(dst, h.StateRoot[:]...)
	dst = append(dst, h.ExtrinsicsRoot[:]...)
	dst = scale.AppendCompact(dst, uint64(len(h.Digest)))
	for _, it := range h.Digest {
		dst = it.AppendTo(dst)
	}
	return dst
}

// Hash returns blake2b-256 of the SCALE encoding of h.
func (h *Header) Hash() Hash { return hash.Blake2b256(h.Encode()) }

// Errors (possibly wrapped) BABEPreDigest returns.
var (
	// ErrNoPreDigest means a header has no BABE pre-runtime digest.
	ErrNoPreDigest = errors.New("header: no BABE pre-digest")
	// ErrMultiplePreDigests means a header has more than one BABE pre-runtime digest.
	ErrMultiplePreDigests = errors.New("header: more than one BABE pre-digest")
)

// BABEPreDigest returns the header's single BABE pre-runtime digest.
// It returns ErrNoPreDigest when there is none and ErrMultiplePreDigests when
// there are several (Substrate refuses such headers).
func (h *Header) BABEPreDigest() (BABEPreDigest, error) {
	var (
		found bool
		pre   BABEPreDigest
	)
	for i, it := range h.Digest {
		if it.Kind != DigestPreRuntime || it.Engine != EngineBABE {
			continue
		}
		if found {
			return BABEPreDigest{}, fmt.Errorf("digest item %d: %w", i, ErrMultiplePreDigests)
		}
		p, err := DecodeBABEPreDigest(it.Data)
		if err != nil {
			return BABEPreDigest{}, fmt.Errorf("digest item %d: %w", i, err)
		}
		pre, found = p, true
	}
	if !found {
		return BABEPreDigest{}, ErrNoPreDigest
	}
	return pre, nil
}

// BABESlot returns the BABE slot number claimed by the header's pre-digest.
func (h *Header) BABESlot() (uint64, error) {
	p, err := h.BABEPreDigest()
	if err != nil {
		return 0, err
	}
	return p.Slot, nil
}

// GrandpaLogs decodes every GRANDPA ("FRNK") consensus log of the header, in
// digest order.
func (h *Header) GrandpaLogs() ([]GrandpaLog, error) {
	return consensusLogs(h, EngineGRANDPA, DecodeGrandpaLog)
}

// BABELogs decodes every BABE consensus log of the header, in digest order.
func (h *Header) BABELogs() ([]BABELog, error) {
	return consensusLogs(h, EngineBABE, DecodeBABELog)
}

// consensusLogs decodes with decode every consensus log of engine in h's
// digest, in digest order.
func consensusLogs[L any](h *Header, engine EngineID, decode func([]byte) (L, error)) ([]L, error) {
	var logs []L
	for i, it := range h.Digest {
		if it.Kind != DigestConsensus || it.Engine != engine {
			continue
		}
		l, err := decode(it.Data)
		if err != nil {
			return nil, fmt.Errorf("digest item %d: %w", i, err)
		}
		logs = append(logs, l)
	}
	return logs, nil
}

// Clone returns a deep copy of h.
func (h *Header) Clone() *Header {
	c := *h
	c.Digest = make([]DigestItem, len(h.Digest))
	for i, it := range h.Digest {
		it.Data = append([]byte(nil), it.Data...)
		c.Digest[i] = it
	}
	return &c
}
