package wire

import (
	"encoding/binary"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/scale"
	"google.golang.org/protobuf/encoding/protowire"
)

// Block request field bits (BlockAttributes << 24 in the `fields` word).
const (
	FieldHeader        uint32 = 1 << 24
	FieldBody          uint32 = 1 << 25
	FieldReceipt       uint32 = 1 << 26
	FieldMessageQueue  uint32 = 1 << 27
	FieldJustification uint32 = 1 << 28
	FieldIndexedBody   uint32 = 1 << 29
	knownFields               = FieldHeader | FieldBody | FieldReceipt | FieldMessageQueue | FieldJustification | FieldIndexedBody
)

// Direction is the enumeration order of a block request.
type Direction uint8

// Directions. Ascending walks from the start block to its children,
// Descending from the start block to its parents.
const (
	Ascending  Direction = 0
	Descending Direction = 1
)

// Size limits of /sync/2 (Substrate's block-request handler).
const (
	MaxBlockRequestSize  = 1 << 20
	MaxBlockResponseSize = 16 << 20
	// MaxBlocksPerResponse bounds the blocks a response may carry (Substrate serves at most 128;
	// smoldot accepts 32768).
	MaxBlocksPerResponse = 32768
)

// BlockRequest is a /sync/2 api.v1.BlockRequest. Exactly one of FromHash
// and FromNumber is used: FromHash when HasHash is true.
type BlockRequest struct {
	Fields     uint32
	HasHash    bool
	FromHash   header.Hash
	FromNumber uint32
	Direction  Direction
	// MaxBlocks is the block limit; 0 means "unspecified" (the server's maximum).
	MaxBlocks uint32
	// MultipleJustifications asks for the `justifications` field (8).
	MultipleJustifications bool
}

// Encode returns the protobuf encoding of r.
func (r *BlockRequest) Encode() []byte {
	b := appendVarintField(nil, 1, uint64(r.Fields))
	if r.HasHash {
		b = appendBytesField(b, 2, r.FromHash[:])
	} else {
		b = appendBytesField(b, 3, binary.LittleEndian.AppendUint32(nil, r.FromNumber))
	}
	if r.Direction != Ascending {
		b = appendVarintField(b, 5, uint64(r.Direction))
	}
	if r.MaxBlocks != 0 {
		b = appendVarintField(b, 6, uint64(r.MaxBlocks))
	}
	if r.MultipleJustifications {
		b = appendVarintField(b, 7, 1)
	}
	return b
}

// DecodeBlockRequest decodes a /sync/2 block request. The start block is
// required (a hash of 32 bytes or a 4-byte LE number, not both), the
// direction must be known and the fields word may only hold known bits.
func DecodeBlockRequest(b []byte) (*BlockRequest, error) {
	if len(b) > MaxBlockRequestSize {
		return nil, fmt.Errorf("%w: block request of %d bytes", ErrTooLarge, len(b))
	}
	r := new(BlockRequest)
	var haveHash, haveNumber bool
	err := eachField(b, func(f field) error {
		switch f.num {
		case 1, 5, 6, 7:
			if err := f.want(protowire.VarintType); err != nil {
				return err
			}
		case 2, 3:
			if err := f.want(protowire.BytesType); err != nil {
				return err
			}
		}
		switch f.num {
		case 1:
			if f.v > 0xffffffff {
				return fmt.Errorf("%w: fields %#x overflows u32", ErrMalformed, f.v)
			}
			r.Fields = uint32(f.v)
		case 2:
			if len(f.b) != 32 {
				return fmt.Errorf("%w: start hash of %d bytes", ErrMalformed, len(f.b))
			}
			copy(r.FromHash[:], f.b)
			haveHash, haveNumber = true, false
		case 3:
			if len(f.b) != 4 {
				return fmt.Errorf("%w: start number of %d bytes, want 4", ErrMalformed, len(f.b))
			}
			r.FromNumber = binary.LittleEndian.Uint32(f.b)
			haveNumber, haveHash = true, false
		case 5:
			if f.v > 1 {
				return fmt.Errorf("%w: direction %d", ErrMalformed, f.v)
			}
			r.Direction = Direction(f.v)
		case 6:
			if f.v > 0xffffffff {
				return fmt.Errorf("%w: max_blocks overflows u32", ErrMalformed)
			}
			r.MaxBlocks = uint32(f.v)
		case 7:
			r.MultipleJustifications = f.v != 0
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("block request: %w", err)
	}
	if !haveHash && !haveNumber {
		return nil, fmt.Errorf("%w: block request without start block", ErrMalformed)
	}
	if r.Fields&^knownFields != 0 {
		return nil, fmt.Errorf("%w: block request fields %#x has unknown bits", ErrMalformed, r.Fields)
	}
	r.HasHash = haveHash
	return r, nil
}

// EngineJustification is one consensus engine's justification of a block.
type EngineJustification struct {
	Engine        [4]byte
	Justification []byte
}

// GrandpaEngine is the GRANDPA consensus engine id.
var GrandpaEngine = [4]byte{'F', 'R', 'N', 'K'}

// BlockData is one block of a /sync/2 response. Header and Body are as
// received (SCALE header; each extrinsic with its compact length prefix).
type BlockData struct {
	Hash   header.Hash
	Header []byte // nil when absent
	Body   [][]byte
	// Justification is the legacy single (GRANDPA) justification, field 6;
	// HasJustification distinguishes an empty one (field 7) from none.
	Justification    []byte
	HasJustification bool
	// Justifications is field 8, SCALE Vec<(engine id, Vec<u8>)>; nil when absent.
	Justifications []EngineJustification
	// Receipt, MessageQueue, IndexedBody and AdditionalData are carried opaquely.
	Receipt, MessageQueue, AdditionalData []byte
	IndexedBody                           [][]byte
}

// GrandpaJustification returns the block's GRANDPA justification from
// either the multiple-justifications field or the legacy field.
func (bd *BlockData) GrandpaJustification() ([]byte, bool) {
	for _, j := range bd.Justifications {
		if j.Engine == GrandpaEngine {
			return j.Justification, true
		}
	}
	if bd.HasJustification {
		return bd.Justification, true
	}
	return nil, false
}

// BlockResponse is a /sync/2 api.v1.BlockResponse.
type BlockResponse struct {
	Blocks []BlockData
}

// Encode returns the protobuf encoding of r.
func (r *BlockResponse) Encode() []byte {
	var out []byte
	for i := range r.Blocks {
		out = appendBytesField(out, 1, r.Blocks[i].encode())
	}
	return out
}

func (bd *BlockData) encode() []byte {
	b := appendBytesField(nil, 1, bd.Hash[:])
	if bd.Header != nil {
		b = appendBytesField(b, 2, bd.Header)
	}
	for _, x := range bd.Body {
		b = appendBytesField(b, 3, x)
	}
	if bd.Receipt != nil {
		b = appendBytesField(b, 4, bd.Receipt)
	}
	if bd.MessageQueue != nil {
		b = appendBytesField(b, 5, bd.MessageQueue)
	}
	if bd.HasJustification {
		if len(bd.Justification) == 0 {
			b = appendVarintField(b, 7, 1)
		} else {
			b = appendBytesField(b, 6, bd.Justification)
		}
	}
	if bd.Justifications != nil {
		j := scale.AppendCompact(nil, uint64(len(bd.Justifications)))
		for _, e := range bd.Justifications {
			j = append(j, e.Engine[:]...)
			j = scale.AppendBytes(j, e.Justification)
		}
		b = appendBytesField(b, 8, j)
	}
	for _, x := range bd.IndexedBody {
		b = appendBytesField(b, 9, x)
	}
	if bd.AdditionalData != nil {
		b = appendBytesField(b, 10, bd.AdditionalData)
	}
	return b
}

// DecodeBlockResponse decodes a /sync/2 response of at most
// MaxBlocksPerResponse blocks. Every block needs a 32-byte hash; the
// justifications field must be a whole SCALE Vec<(engine, Vec<u8>)>.
// Byte slices alias b.
func DecodeBlockResponse(b []byte) (*BlockResponse, error) {
	if len(b) > MaxBlockResponseSize {
		return nil, fmt.Errorf("%w: block response of %d bytes", ErrTooLarge, len(b))
	}
	r := new(BlockResponse)
	err := eachField(b, func(f field) (err error) {
		if f.num == 1 {
			r.Blocks, err = appendDecoded(r.Blocks, f, MaxBlocksPerResponse, "block", "blocks", decodeBlockData)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("block response: %w", err)
	}
	return r, nil
}

func decodeBlockData(b []byte) (BlockData, error) {
	bd := new(BlockData)
	var haveHash, emptyJust bool
	err := eachField(b, func(f field) error {
		if f.num == 7 {
			if err := f.want(protowire.VarintType); err != nil {
				return err
			}
			emptyJust = f.v != 0
			return nil
		}
		if f.num < 1 || f.num > 10 {
			return nil
		}
		if err := f.want(protowire.BytesType); err != nil {
			return err
		}
		switch f.num {
		case 1:
			if len(f.b) != 32 {
				return fmt.Errorf("%w: block hash of %d bytes", ErrMalformed, len(f.b))
			}
			copy(bd.Hash[:], f.b)
			haveHash = true
		case 2:
			bd.Header = f.b
		case 3:
			bd.Body = append(bd.Body, f.b)
		case 4:
			bd.Receipt = f.b
		case 5:
			bd.MessageQueue = f.b
		case 6:
			bd.Justification, bd.HasJustification = f.b, true
		case 8:
			js, err := DecodeJustifications(f.b)
			if err != nil {
				return err
			}
			bd.Justifications = js
		case 9:
			bd.IndexedBody = append(bd.IndexedBody, f.b)
		case 10:
			bd.AdditionalData = f.b
		}
		return nil
	})
	if err != nil {
		return BlockData{}, err
	}
	if !haveHash {
		return BlockData{}, fmt.Errorf("%w: block data without hash", ErrMalformed)
	}
	if emptyJust && !bd.HasJustification {
		bd.HasJustification, bd.Justification = true, []byte{}
	}
	return *bd, nil
}

// DecodeJustifications decodes SCALE Justifications: Vec<([u8;4], Vec<u8>)>.
func DecodeJustifications(b []byte) ([]EngineJustification, error) {
	d := scale.NewDecoder(b)
	n, err := d.Len(5)
	if err != nil {
		return nil, fmt.Errorf("%w: justifications count: %w", ErrMalformed, err)
	}
	out := make([]EngineJustification, n)
	for i := range out {
		if err := d.Fixed(out[i].Engine[:]); err != nil {
			return nil, fmt.Errorf("%w: justification %d engine: %w", ErrMalformed, i, err)
		}
		if out[i].Justification, err = d.Bytes(); err != nil {
			return nil, fmt.Errorf("%w: justification %d: %w", ErrMalformed, i, err)
		}
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: justifications: %w", ErrMalformed, err)
	}
	return out, nil
}
