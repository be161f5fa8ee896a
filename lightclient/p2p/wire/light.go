package wire

import (
	"fmt"
	"unicode/utf8"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/scale"
	"google.golang.org/protobuf/encoding/protowire"
)

// Size limits of /light/2 (Substrate's light-client request handler).
const (
	MaxLightRequestSize  = 1 << 20
	MaxLightResponseSize = 16 << 20
	// MaxReadKeys bounds the keys of one remote read request.
	MaxReadKeys = 1 << 16
	// MaxProofNodes bounds the trie nodes of one proof.
	MaxProofNodes = 1 << 20
)

// LightKind is the oneof case of a /light/2 request or response.
type LightKind uint8

// Light request/response kinds (protobuf oneof field numbers).
const (
	LightCall      LightKind = 1
	LightRead      LightKind = 2
	LightReadChild LightKind = 4
)

// LightRequest is a /light/2 api.v1.light.Request. Block is the block hash;
// Method and Data are used by LightCall, Keys by LightRead and LightReadChild,
// ChildKey (the child storage key) by LightReadChild.
type LightRequest struct {
	Kind     LightKind
	Block    header.Hash
	Method   string
	Data     []byte
	ChildKey []byte
	Keys     [][]byte
}

// Encode returns the protobuf encoding of r.
func (r *LightRequest) Encode() []byte {
	inner := appendBytesField(nil, 2, r.Block[:])
	switch r.Kind {
	case LightCall:
		inner = appendBytesField(inner, 3, []byte(r.Method))
		inner = appendBytesField(inner, 4, r.Data)
	case LightRead:
		for _, k := range r.Keys {
			inner = appendBytesField(inner, 3, k)
		}
	case LightReadChild:
		inner = appendBytesField(inner, 3, r.ChildKey)
		for _, k := range r.Keys {
			inner = appendBytesField(inner, 6, k)
		}
	}
	return appendBytesField(nil, protowire.Number(r.Kind), inner)
}

// DecodeLightRequest decodes a /light/2 request: exactly one of the call,
// read or child-read cases with every required field present.
func DecodeLightRequest(b []byte) (*LightRequest, error) {
	if len(b) > MaxLightRequestSize {
		return nil, fmt.Errorf("%w: light request of %d bytes", ErrTooLarge, len(b))
	}
	var r *LightRequest
	err := eachField(b, func(f field) error {
		switch LightKind(f.num) {
		case LightCall, LightRead, LightReadChild:
		default:
			return nil
		}
		if err := f.want(protowire.BytesType); err != nil {
			return err
		}
		if r != nil {
			return fmt.Errorf("%w: light request with two cases", ErrMalformed)
		}
		var err error
		r, err = decodeLightInner(LightKind(f.num), f.b)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("light request: %w", err)
	}
	if r == nil {
		return nil, fmt.Errorf("%w: light request without a known case", ErrMalformed)
	}
	return r, nil
}

func decodeLightInner(k LightKind, b []byte) (*LightRequest, error) {
	r := &LightRequest{Kind: k}
	var haveBlock, haveMethod, haveData, haveChild bool
	err := eachField(b, func(f field) error {
		if f.typ != protowire.BytesType {
			if f.num >= 2 && f.num <= 6 {
				return f.want(protowire.BytesType)
			}
			return nil
		}
		switch {
		case f.num == 2:
			if len(f.b) != 32 {
				return fmt.Errorf("%w: block hash of %d bytes", ErrMalformed, len(f.b))
			}
			copy(r.Block[:], f.b)
			haveBlock = true
		case f.num == 3 && k == LightCall:
			if !utf8.Valid(f.b) {
				return fmt.Errorf("%w: method name is not UTF-8", ErrMalformed)
			}
			r.Method, haveMethod = string(f.b), true
		case f.num == 4 && k == LightCall:
			r.Data, haveData = f.b, true
		case f.num == 3 && k == LightRead, f.num == 6 && k == LightReadChild:
			if len(r.Keys) >= MaxReadKeys {
				return fmt.Errorf("%w: more than %d keys", ErrTooMany, MaxReadKeys)
			}
			r.Keys = append(r.Keys, f.b)
		case f.num == 3 && k == LightReadChild:
			r.ChildKey, haveChild = f.b, true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch {
	case !haveBlock:
		return nil, fmt.Errorf("%w: light request without block", ErrMalformed)
	case k == LightCall && (!haveMethod || !haveData):
		return nil, fmt.Errorf("%w: remote call request without method or data", ErrMalformed)
	case k == LightReadChild && !haveChild:
		return nil, fmt.Errorf("%w: child read request without storage key", ErrMalformed)
	}
	return r, nil
}

// LightResponse is a /light/2 response. HasProof false means the remote
// could not answer (for example, the block is pruned).
type LightResponse struct {
	Kind     LightKind // LightCall or LightRead (child reads answer with LightRead)
	HasProof bool
	// Proof is the SCALE-encoded StorageProof (Vec<Vec<u8>>); see DecodeProof.
	Proof []byte
}

// Encode returns the protobuf encoding of r.
func (r *LightResponse) Encode() []byte {
	var inner []byte
	if r.HasProof {
		inner = appendBytesField(nil, 2, r.Proof)
	}
	k := r.Kind
	if k == LightReadChild {
		k = LightRead
	}
	return appendBytesField(nil, protowire.Number(k), inner)
}

// DecodeLightResponse decodes a /light/2 response and checks it answers a
// request of kind want (a child read is answered by a read response).
func DecodeLightResponse(b []byte, want LightKind) (*LightResponse, error) {
	if len(b) > MaxLightResponseSize {
		return nil, fmt.Errorf("%w: light response of %d bytes", ErrTooLarge, len(b))
	}
	if want == LightReadChild {
		want = LightRead
	}
	var r *LightResponse
	err := eachField(b, func(f field) error {
		if f.num != 1 && f.num != 2 {
			return nil
		}
		if err := f.want(protowire.BytesType); err != nil {
			return err
		}
		if r != nil {
			return fmt.Errorf("%w: light response with two cases", ErrMalformed)
		}
		r = &LightResponse{Kind: LightKind(f.num)}
		return eachField(f.b, func(g field) error {
			if g.num != 2 {
				return nil
			}
			if err := g.want(protowire.BytesType); err != nil {
				return err
			}
			r.Proof, r.HasProof = g.b, true
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("light response: %w", err)
	}
	if r == nil {
		return nil, fmt.Errorf("%w: light response without a known case", ErrMalformed)
	}
	if r.Kind != want {
		return nil, fmt.Errorf("%w: light response of kind %d to a request of kind %d", ErrMalformed, r.Kind, want)
	}
	return r, nil
}

// DecodeProof decodes a SCALE StorageProof (Vec<Vec<u8>>) into its trie
// nodes, aliasing b.
func DecodeProof(b []byte) ([][]byte, error) {
	d := scale.NewDecoder(b)
	n, err := d.Len(1)
	if err != nil {
		return nil, fmt.Errorf("%w: proof node count: %w", ErrMalformed, err)
	}
	if n > MaxProofNodes {
		return nil, fmt.Errorf("%w: %d proof nodes", ErrTooMany, n)
	}
	out := make([][]byte, n)
	for i := range out {
		if out[i], err = d.Bytes(); err != nil {
			return nil, fmt.Errorf("%w: proof node %d: %w", ErrMalformed, i, err)
		}
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: proof: %w", ErrMalformed, err)
	}
	return out, nil
}

// EncodeProof returns the SCALE encoding of a list of trie nodes.
func EncodeProof(nodes [][]byte) []byte {
	var b []byte
	b = scale.AppendCompact(b, uint64(len(nodes)))
	for _, n := range nodes {
		b = scale.AppendBytes(b, n)
	}
	return b
}
