package lightclient

import (
	"encoding/json"
	"strings"

	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/lightclient/rpc"
)

// TxStatus is a stage of a submitted transaction: the one vocabulary of
// transaction status in ksm. The light client's own submissions report
// StatusBroadcast, then StatusFinalized or StatusDropped; a JSON-RPC
// endpoint's author_extrinsicUpdate notifications (ParseTxStatus) may
// report any of them.
type TxStatus string

// Transaction stages, in the order they usually come (broadcast, finalized,
// invalid and dropped are declared with Submission).
const (
	StatusFuture          TxStatus = "future"    // in the pool, waiting for an earlier nonce
	StatusReady           TxStatus = "ready"     // in the pool, ready for a block
	StatusInBlock         TxStatus = "inBlock"   // included in a block (not final)
	StatusRetracted       TxStatus = "retracted" // the block left the best chain
	StatusUsurped         TxStatus = "usurped"   // replaced by another transaction
	StatusFinalityTimeout TxStatus = "finalityTimeout"
)

// Final reports whether no further status follows: finalized, dropped,
// invalid, usurped and finalityTimeout, as for the endpoint's own statuses
// (rpc.TxStatusKind, whose names these are).
func (k TxStatus) Final() bool { return rpc.TxStatusKind(k).Final() }

// Describe says the stage in words ("in block", "waiting for an earlier
// nonce (future)").
func (k TxStatus) Describe() string {
	switch k {
	case StatusInBlock:
		return "in block"
	case StatusFuture:
		return "waiting for an earlier nonce (future)"
	case StatusRetracted:
		return "retracted from block"
	case StatusFinalityTimeout:
		return "finality timeout at block"
	}
	return string(k)
}

// NamesBlock reports whether a status of this kind names a block.
func (k TxStatus) NamesBlock() bool {
	switch k {
	case StatusInBlock, StatusFinalized, StatusRetracted, StatusFinalityTimeout:
		return true
	}
	return false
}

// TxUpdate is one status of a transaction an endpoint reported.
type TxUpdate struct {
	Kind TxStatus
	// Block is set for the kinds that name one (NamesBlock).
	Block header.Hash
	// Detail is what the endpoint said of an invalid, dropped or usurped
	// transaction.
	Detail string
}

// ParseTxStatus reads one author_extrinsicUpdate notification leniently:
// "ready", {"ready": null}, {"inBlock": "0x.."}, {"inBlock": ["0x..", n]},
// {"finalized": ...}, {"invalid": ...} and the like, names matched without
// regard to the case of the first letter ("unknown" is invalid). Unknown
// statuses give false and a zero update.
func ParseTxStatus(raw json.RawMessage) (TxUpdate, bool) {
	var name string
	var arg json.RawMessage
	if json.Unmarshal(raw, &name) != nil {
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil || len(m) != 1 {
			return TxUpdate{}, false
		}
		for k, v := range m {
			name, arg = k, v
		}
	}
	kind, ok := txStatusNames[strings.ToLower(name)]
	if !ok {
		return TxUpdate{}, false
	}
	u := TxUpdate{Kind: kind}
	switch {
	case kind.NamesBlock():
		var h rpc.Hash
		var pair []json.RawMessage
		if json.Unmarshal(arg, &pair) == nil && len(pair) > 0 {
			arg = pair[0]
		}
		if json.Unmarshal(arg, &h) != nil {
			return TxUpdate{}, false
		}
		u.Block = header.Hash(h)
	case kind == StatusInvalid, kind == StatusDropped, kind == StatusUsurped:
		if len(arg) > 0 && string(arg) != "null" {
			u.Detail = string(arg)
		}
	}
	return u, true
}

var txStatusNames = map[string]TxStatus{
	"future": StatusFuture, "ready": StatusReady, "broadcast": StatusBroadcast,
	"inblock": StatusInBlock, "retracted": StatusRetracted, "finalized": StatusFinalized,
	"finalitytimeout": StatusFinalityTimeout, "dropped": StatusDropped, "invalid": StatusInvalid,
	"usurped": StatusUsurped, "unknown": StatusInvalid,
}
