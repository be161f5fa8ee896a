package rpc

import (
	"context"
	"encoding/json"
	"fmt"
)

// SubscribeJustifications calls grandpa_subscribeJustifications: the node
// pushes the SCALE-encoded GRANDPA justification of each block it finalizes
// with one (see ParseJustification). Only over WebSocket.
func (c *Client) SubscribeJustifications(ctx context.Context) (*Subscription, error) {
	return c.Subscribe(ctx, "grandpa_subscribeJustifications", nil, "grandpa_unsubscribeJustifications")
}

// ParseJustification decodes a grandpa_subscribeJustifications
// notification: a 0x-hex string of the encoded justification (unchecked).
func ParseJustification(raw json.RawMessage) ([]byte, error) {
	var b Bytes
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("%w: justification notification: %v", ErrBadResult, err)
	}
	if b == nil {
		return nil, fmt.Errorf("%w: justification notification: null", ErrBadResult)
	}
	return b, nil
}

// JustificationOf returns the GRANDPA justification (engine "FRNK") of a
// chain_getBlock result, or nil when the block has none.
func (b *SignedBlock) JustificationOf(engine [4]byte) []byte {
	for _, j := range b.Justifications {
		if j.EngineID == engine {
			return j.Data
		}
	}
	return nil
}

// GrandpaEngine is the consensus engine id of GRANDPA justifications.
var GrandpaEngine = [4]byte{'F', 'R', 'N', 'K'}
