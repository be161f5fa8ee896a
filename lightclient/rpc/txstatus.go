package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// TxStatusKind names a transaction status event of author_submitAndWatchExtrinsic.
type TxStatusKind string

// Transaction status kinds, as the server names them.
const (
	TxFuture          TxStatusKind = "future"
	TxReady           TxStatusKind = "ready"
	TxBroadcast       TxStatusKind = "broadcast"
	TxInBlock         TxStatusKind = "inBlock"
	TxRetracted       TxStatusKind = "retracted"
	TxFinalityTimeout TxStatusKind = "finalityTimeout"
	TxFinalized       TxStatusKind = "finalized"
	TxUsurped         TxStatusKind = "usurped"
	TxDropped         TxStatusKind = "dropped"
	TxInvalid         TxStatusKind = "invalid"
)

// Final reports whether no further status follows this one.
func (k TxStatusKind) Final() bool {
	switch k {
	case TxFinalized, TxFinalityTimeout, TxUsurped, TxDropped, TxInvalid:
		return true
	}
	return false
}

// TxStatus is one status event, as claimed by the server (unchecked: an
// inBlock claim means nothing until the block is verified to hold the
// transaction).
type TxStatus struct {
	Kind  TxStatusKind
	Block Hash     // inBlock, retracted, finalityTimeout, finalized
	Other Hash     // usurped: the hash of the transaction that replaced it
	Peers []string // broadcast
	// Detail is the value of a unit status sent in object form, e.g. an
	// error under "invalid"; nil otherwise.
	Detail json.RawMessage
}

// ParseTxStatus decodes one notification of author_submitAndWatchExtrinsic:
// a bare string ("ready", as Substrate sends unit statuses), or a one-key
// object ({"inBlock":"0x.."}, or {"ready":null} as chopsticks sends them).
func ParseTxStatus(raw json.RawMessage) (TxStatus, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return TxStatus{}, fmt.Errorf("%w: tx status: %v", ErrBadResult, err)
		}
		switch k := TxStatusKind(s); k {
		case TxFuture, TxReady, TxDropped, TxInvalid:
			return TxStatus{Kind: k}, nil
		}
		return TxStatus{}, fmt.Errorf("%w: unknown tx status %.40q", ErrBadResult, s)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return TxStatus{}, fmt.Errorf("%w: tx status: %v", ErrBadResult, err)
	}
	if len(m) != 1 {
		return TxStatus{}, fmt.Errorf("%w: tx status object with %d keys", ErrBadResult, len(m))
	}
	for key, v := range m {
		st := TxStatus{Kind: TxStatusKind(key)}
		var err error
		switch st.Kind {
		case TxBroadcast:
			err = json.Unmarshal(v, &st.Peers)
		case TxInBlock, TxFinalized:
			st.Block, err = blockOfStatus(v)
		case TxRetracted, TxFinalityTimeout:
			err = json.Unmarshal(v, &st.Block)
		case TxUsurped:
			err = json.Unmarshal(v, &st.Other)
		case TxFuture, TxReady, TxDropped, TxInvalid:
			// Object form of a unit status, e.g. chopsticks' {"ready":null}
			// or an error object under "invalid".
			if !isNull(v) {
				st.Detail = v
			}
		default:
			return TxStatus{}, fmt.Errorf("%w: unknown tx status %.40q", ErrBadResult, key)
		}
		if err != nil {
			return TxStatus{}, fmt.Errorf("%w: tx status %s: %v", ErrBadResult, key, err)
		}
		return st, nil
	}
	return TxStatus{}, fmt.Errorf("%w: empty tx status", ErrBadResult)
}

// blockOfStatus reads "0xhash", or the newer [hash, index] pair.
func blockOfStatus(v json.RawMessage) (Hash, error) {
	var h Hash
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '[' {
		var pair []json.RawMessage
		if err := json.Unmarshal(v, &pair); err != nil {
			return h, err
		}
		if len(pair) != 2 {
			return h, fmt.Errorf("block and index: %d items", len(pair))
		}
		v = pair[0]
	}
	err := json.Unmarshal(v, &h)
	return h, err
}

// TxWatch follows a submitted transaction.
type TxWatch struct {
	*Subscription
}

// Next waits for the next status. It returns io.EOF when the subscription
// ended normally (after Unsubscribe), the reason it ended otherwise (see
// Subscription.Err), ctx's error, or an error wrapping ErrBadResult for a
// malformed status.
func (w *TxWatch) Next(ctx context.Context) (TxStatus, error) {
	select {
	case raw, ok := <-w.Notifications():
		if !ok {
			if err := w.Err(); err != nil {
				return TxStatus{}, err
			}
			return TxStatus{}, io.EOF
		}
		return ParseTxStatus(raw)
	case <-ctx.Done():
		return TxStatus{}, ctx.Err()
	}
}
