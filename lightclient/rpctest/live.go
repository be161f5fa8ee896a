package rpctest

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ksm-wallet/ksm/tx/hash"
)

// handleLive serves chain_getBlock (header and body of a visible block) and
// author_submitExtrinsic: unless Reject refuses it, the extrinsic goes into
// a new block on the chain's head (testchain Extend), which becomes the
// finalized head at once. Called with s.mu held.
func (s *Server) handleLive(method string, param func(int) json.RawMessage) (any, error) {
	switch method {
	case "chain_getBlock":
		n, err := s.block(param(0))
		if err != nil {
			return nil, nil
		}
		b := s.C.Blocks[n]
		xts := []string{}
		for _, x := range b.Extrinsics {
			xts = append(xts, Hex(x))
		}
		var justs any // null, as Substrate sends for a block without
		if b.Justification != nil && !s.NoStoredJustifications {
			// Serde's form: [[engine id bytes], [justification bytes]].
			justs = []any{[]any{byteArray([]byte("FRNK")), byteArray(b.Justification.Encode())}}
		}
		return map[string]any{"block": map[string]any{"header": HeaderJSON(b.Header), "extrinsics": xts}, "justifications": justs}, nil
	case "author_submitExtrinsic":
		var hx string
		if err := json.Unmarshal(param(0), &hx); err != nil {
			return nil, fmt.Errorf("Invalid params: %v", err)
		}
		ext, err := hex.DecodeString(strings.TrimPrefix(hx, "0x"))
		if err != nil || len(ext) == 0 {
			return nil, fmt.Errorf("Invalid params: extrinsic is not hex")
		}
		if s.Reject != nil {
			if err := s.Reject(ext); err != nil {
				return nil, err
			}
		}
		h := hash.Blake2b256(ext)
		if s.Hold {
			return Hex(h[:]), nil
		}
		if int(s.visible) != len(s.C.Blocks)-1 {
			return nil, fmt.Errorf("Transaction pool: the test chain's head is not finalized")
		}
		b, err := s.C.Extend([][]byte{ext})
		if err != nil {
			return nil, err
		}
		s.pushLocked(s.visible, b.Header.Number)
		s.visible = b.Header.Number
		s.submitted = append(s.submitted, ext)
		return Hex(h[:]), nil
	}
	return nil, fmt.Errorf("Method not found")
}

// Submitted returns the extrinsics author_submitExtrinsic included.
func (s *Server) Submitted() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.submitted...)
}

// SetReject sets Reject safely while serving.
func (s *Server) SetReject(f func(ext []byte) error) {
	s.mu.Lock()
	s.Reject = f
	s.mu.Unlock()
}
