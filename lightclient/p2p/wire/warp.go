package wire

import (
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/grandpa"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Size limits of /sync/warp (Substrate's warp-request handler).
const (
	MaxWarpRequestSize  = 32
	MaxWarpResponseSize = 16 << 20
)

// EncodeWarpRequest encodes a warp request: the hash of the last finalized
// block the requester knows (WarpProofRequest{begin}).
func EncodeWarpRequest(begin header.Hash) []byte { return append([]byte(nil), begin[:]...) }

// DecodeWarpRequest decodes a warp request.
func DecodeWarpRequest(b []byte) (header.Hash, error) {
	var h header.Hash
	if len(b) != 32 {
		return h, fmt.Errorf("%w: warp request of %d bytes, want 32", ErrMalformed, len(b))
	}
	copy(h[:], b)
	return h, nil
}

// WarpFragment is one warp-sync fragment as received: a SCALE header and the
// SCALE GRANDPA justification finalizing it (both alias the response).
type WarpFragment struct {
	Header        []byte
	Justification []byte
}

// WarpResponse is a /sync/warp response.
type WarpResponse struct {
	Fragments  []WarpFragment
	IsFinished bool
}

// DecodeWarpResponse splits a warp response `Vec<{header, justification}> ‖
// is_finished` into its fragments. Each header and justification is parsed
// structurally (to find where it ends) but not verified: hand the response
// to grandpa.DecodeWarpProof / VerifyWarpProof for that.
func DecodeWarpResponse(b []byte) (*WarpResponse, error) {
	if len(b) > MaxWarpResponseSize {
		return nil, fmt.Errorf("%w: warp response of %d bytes", ErrTooLarge, len(b))
	}
	d := scale.NewDecoder(b)
	n, err := d.Len(98 + 46)
	if err != nil {
		return nil, fmt.Errorf("%w: warp fragment count: %w", ErrMalformed, err)
	}
	r := &WarpResponse{Fragments: make([]WarpFragment, n)}
	for i := range r.Fragments {
		start := d.Offset()
		if _, err := header.DecodeFrom(d); err != nil {
			return nil, fmt.Errorf("%w: warp fragment %d header: %w", ErrMalformed, i, err)
		}
		mid := d.Offset()
		if _, err := grandpa.DecodeJustificationFrom(d); err != nil {
			return nil, fmt.Errorf("%w: warp fragment %d justification: %w", ErrMalformed, i, err)
		}
		r.Fragments[i] = WarpFragment{Header: b[start:mid:mid], Justification: b[mid:d.Offset():d.Offset()]}
	}
	if r.IsFinished, err = d.Bool(); err != nil {
		return nil, fmt.Errorf("%w: warp is_finished: %w", ErrMalformed, err)
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: warp response: %w", ErrMalformed, err)
	}
	return r, nil
}

// Encode returns the SCALE encoding of r.
func (r *WarpResponse) Encode() []byte {
	b := scale.AppendCompact(nil, uint64(len(r.Fragments)))
	for _, f := range r.Fragments {
		b = append(b, f.Header...)
		b = append(b, f.Justification...)
	}
	return scale.AppendBool(b, r.IsFinished)
}
