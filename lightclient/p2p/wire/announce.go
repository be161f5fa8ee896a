package wire

import (
	"encoding/binary"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Roles is Substrate's node-role bit set (sc_network_common::role::Roles),
// sent as the one-byte handshake of the transactions and GRANDPA protocols
// and at the start of the block-announces handshake.
type Roles uint8

// Role bits.
const (
	RoleFull      Roles = 0b001
	RoleLight     Roles = 0b010
	RoleAuthority Roles = 0b100
	roleMask            = RoleFull | RoleLight | RoleAuthority
)

// IsFull reports whether the node keeps full state (full or authority).
func (r Roles) IsFull() bool { return r&(RoleFull|RoleAuthority) != 0 }

// IsLight reports whether the node is a light client.
func (r Roles) IsLight() bool { return r&RoleLight != 0 }

func (r Roles) String() string {
	switch r {
	case RoleFull:
		return "full"
	case RoleLight:
		return "light"
	case RoleAuthority:
		return "authority"
	}
	return fmt.Sprintf("roles(%#b)", uint8(r))
}

// DecodeRoles decodes a one-byte roles handshake: a non-empty set of known bits.
func DecodeRoles(b []byte) (Roles, error) {
	if len(b) != 1 {
		return 0, fmt.Errorf("%w: roles handshake of %d bytes, want 1", ErrMalformed, len(b))
	}
	return checkRoles(b[0])
}

func checkRoles(c byte) (Roles, error) {
	r := Roles(c)
	if r == 0 || r&^roleMask != 0 {
		return 0, fmt.Errorf("%w: invalid roles byte %#x", ErrMalformed, c)
	}
	return r, nil
}

// HandshakeSize is the size of a block-announces handshake with u32 block numbers.
const HandshakeSize = 1 + 4 + 32 + 32

// Handshake is the block-announces handshake (BlockAnnouncesHandshake):
// roles ‖ best_number u32 ‖ best_hash ‖ genesis_hash.
type Handshake struct {
	Roles       Roles
	BestNumber  uint32
	BestHash    header.Hash
	GenesisHash header.Hash
}

// Encode returns the SCALE encoding of h.
func (h Handshake) Encode() []byte {
	b := make([]byte, 0, HandshakeSize)
	b = append(b, byte(h.Roles))
	b = binary.LittleEndian.AppendUint32(b, h.BestNumber)
	b = append(b, h.BestHash[:]...)
	return append(b, h.GenesisHash[:]...)
}

// DecodeHandshake decodes a block-announces handshake, refusing trailing bytes.
func DecodeHandshake(b []byte) (Handshake, error) {
	var h Handshake
	if len(b) != HandshakeSize {
		return h, fmt.Errorf("%w: block-announces handshake of %d bytes, want %d", ErrMalformed, len(b), HandshakeSize)
	}
	r, err := checkRoles(b[0])
	if err != nil {
		return h, fmt.Errorf("block-announces handshake: %w", err)
	}
	h.Roles = r
	h.BestNumber = binary.LittleEndian.Uint32(b[1:5])
	copy(h.BestHash[:], b[5:37])
	copy(h.GenesisHash[:], b[37:69])
	return h, nil
}

// AnnounceState is the optional block state of an announcement.
type AnnounceState uint8

// Announcement states. StateAbsent means the announcement ended after the header.
const (
	StateAbsent AnnounceState = iota
	StateNormal
	StateBest
)

// Announce is a block announcement: header ‖ Option-like trailing state
// byte (0 normal, 1 best) ‖ trailing Vec<u8> data. Substrate encodes the
// state and data only when present and decodes them leniently; so does this.
type Announce struct {
	Header *header.Header
	// HeaderBytes is the header's encoding as received (its blake2b-256 is the block hash).
	HeaderBytes []byte
	State       AnnounceState
	// Data is the opaque associated data; nil when absent.
	Data []byte
}

// IsBest reports whether the announcer says the block is its new best.
func (a *Announce) IsBest() bool { return a.State == StateBest }

// Hash is the announced block's hash.
func (a *Announce) Hash() header.Hash { return hashOf(a.HeaderBytes) }

// Encode returns the encoding of a: header, then the state byte when
// State != StateAbsent, then Data when non-nil (which needs a state).
func (a *Announce) Encode() []byte {
	hb := a.HeaderBytes
	if hb == nil && a.Header != nil {
		hb = a.Header.Encode()
	}
	b := append([]byte(nil), hb...)
	switch a.State {
	case StateNormal:
		b = append(b, 0)
	case StateBest:
		b = append(b, 1)
	default:
		return b
	}
	if a.Data != nil {
		b = scale.AppendBytes(b, a.Data)
	}
	return b
}

// DecodeAnnounce decodes a block announcement. The header must decode; the
// state byte, if present, must be 0 or 1; data, if present, must be a whole
// Vec<u8>; nothing may follow.
func DecodeAnnounce(b []byte) (*Announce, error) {
	d := scale.NewDecoder(b)
	h, err := header.DecodeFrom(d)
	if err != nil {
		return nil, fmt.Errorf("%w: block announce: %w", ErrMalformed, err)
	}
	a := &Announce{Header: h, HeaderBytes: b[:d.Offset()]}
	if d.Remaining() == 0 {
		return a, nil
	}
	st, err := d.U8()
	if err != nil {
		return nil, fmt.Errorf("%w: block announce state: %w", ErrMalformed, err)
	}
	switch st {
	case 0:
		a.State = StateNormal
	case 1:
		a.State = StateBest
	default:
		return nil, fmt.Errorf("%w: block announce state %d", ErrMalformed, st)
	}
	if d.Remaining() == 0 {
		return a, nil
	}
	data, err := d.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: block announce data: %w", ErrMalformed, err)
	}
	a.Data = data
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: block announce: %w", ErrMalformed, err)
	}
	return a, nil
}

// DecodeTransactions decodes a transactions notification (Vec<Extrinsic>).
// Each returned extrinsic is its full encoding including its compact length
// prefix (the form submitted to a node and found in block bodies), aliasing b.
// At most maxCount extrinsics are accepted.
func DecodeTransactions(b []byte, maxCount int) ([][]byte, error) {
	d := scale.NewDecoder(b)
	n, err := d.Len(1)
	if err != nil {
		return nil, fmt.Errorf("%w: transactions count: %w", ErrMalformed, err)
	}
	if n > maxCount {
		return nil, fmt.Errorf("%w: %d transactions, limit %d", ErrTooMany, n, maxCount)
	}
	out := make([][]byte, n)
	for i := range out {
		start := d.Offset()
		if _, err := d.Bytes(); err != nil {
			return nil, fmt.Errorf("%w: transaction %d: %w", ErrMalformed, i, err)
		}
		out[i] = b[start:d.Offset():d.Offset()]
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: transactions: %w", ErrMalformed, err)
	}
	return out, nil
}

// EncodeTransactions encodes a transactions notification. Each extrinsic
// must be a whole length-prefixed encoding (as DecodeTransactions returns).
func EncodeTransactions(xts [][]byte) ([]byte, error) {
	size := scale.CompactLen(uint64(len(xts)))
	for i, x := range xts {
		if err := checkExtrinsic(x); err != nil {
			return nil, fmt.Errorf("transaction %d: %w", i, err)
		}
		size += len(x)
	}
	b := make([]byte, 0, size)
	b = scale.AppendCompact(b, uint64(len(xts)))
	for _, x := range xts {
		b = append(b, x...)
	}
	return b, nil
}

func checkExtrinsic(x []byte) error {
	d := scale.NewDecoder(x)
	if _, err := d.Bytes(); err != nil {
		return fmt.Errorf("%w: extrinsic is not length-prefixed: %w", ErrMalformed, err)
	}
	if err := d.Finish(); err != nil {
		return fmt.Errorf("%w: extrinsic: %w", ErrMalformed, err)
	}
	return nil
}
