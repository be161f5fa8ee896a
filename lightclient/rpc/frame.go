package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// frameKind tells what an incoming frame is.
type frameKind uint8

const (
	frameResponse     frameKind = iota + 1 // answer to one of our requests
	frameNotification                      // subscription notification
)

// ErrBadFrame: the server sent something that is not a JSON-RPC 2.0
// response or notification. On WebSocket the connection is then closed.
var ErrBadFrame = errors.New("rpc: malformed JSON-RPC message")

// frame is an incoming JSON-RPC 2.0 message, checked for shape only.
type frame struct {
	kind frameKind

	// Response fields.
	id     uint64          // the request id it answers
	result json.RawMessage // the result (may be the literal null); nil if err is set
	err    *Error          // the error object, if the request failed

	// Notification fields.
	method string          // notification method, e.g. chain_newHead
	subKey string          // canonical subscription id (see subscriptionKey)
	params json.RawMessage // params.result
	subErr *Error          // params.error, sent by some servers to end a subscription
}

// wireFrame is the union of the JSON-RPC 2.0 response and notification shapes.
type wireFrame struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   json.RawMessage `json:"error"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

type wireParams struct {
	Subscription json.RawMessage `json:"subscription"`
	Result       json.RawMessage `json:"result"`
	Error        json.RawMessage `json:"error"`
}

type wireError struct {
	Code    *int            `json:"code"`
	Message *string         `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// parseFrame parses one incoming message. It accepts a single JSON-RPC 2.0
// response whose id is one of ours (a non-negative integer), or a
// subscription notification; anything else (batches, requests from the
// server, malformed JSON) is an error wrapping ErrBadFrame.
func parseFrame(b []byte) (frame, error) {
	var w wireFrame
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return frame{}, fmt.Errorf("%w: not a JSON object", ErrBadFrame)
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return frame{}, fmt.Errorf("%w: %v", ErrBadFrame, err)
	}
	if w.JSONRPC != "2.0" {
		return frame{}, fmt.Errorf("%w: jsonrpc version %q", ErrBadFrame, w.JSONRPC)
	}
	if w.Method != "" {
		if w.ID != nil && !isNull(w.ID) {
			return frame{}, fmt.Errorf("%w: request %q from server", ErrBadFrame, w.Method)
		}
		return parseNotification(w)
	}
	if w.ID == nil {
		return frame{}, fmt.Errorf("%w: neither id nor method", ErrBadFrame)
	}
	id, err := strconv.ParseUint(string(bytes.TrimSpace(w.ID)), 10, 64)
	if err != nil {
		return frame{}, fmt.Errorf("%w: response id %.40s is not one of ours", ErrBadFrame, w.ID)
	}
	f := frame{kind: frameResponse, id: id}
	switch {
	case w.Result != nil && w.Error != nil:
		return frame{}, fmt.Errorf("%w: response %d has both result and error", ErrBadFrame, id)
	case w.Error != nil:
		e, err := parseError(w.Error)
		if err != nil {
			return frame{}, fmt.Errorf("%w: response %d: %v", ErrBadFrame, id, err)
		}
		f.err = e
	case w.Result != nil:
		f.result = w.Result
	default:
		return frame{}, fmt.Errorf("%w: response %d has neither result nor error", ErrBadFrame, id)
	}
	return f, nil
}

func parseNotification(w wireFrame) (frame, error) {
	if w.Params == nil {
		return frame{}, fmt.Errorf("%w: notification %q without params", ErrBadFrame, w.Method)
	}
	var p wireParams
	if err := json.Unmarshal(w.Params, &p); err != nil {
		return frame{}, fmt.Errorf("%w: notification %q params: %v", ErrBadFrame, w.Method, err)
	}
	key, err := subscriptionKey(p.Subscription)
	if err != nil {
		return frame{}, fmt.Errorf("%w: notification %q: %v", ErrBadFrame, w.Method, err)
	}
	f := frame{kind: frameNotification, method: w.Method, subKey: key}
	switch {
	case p.Error != nil && !isNull(p.Error):
		e, err := parseError(p.Error)
		if err != nil {
			return frame{}, fmt.Errorf("%w: notification %q: %v", ErrBadFrame, w.Method, err)
		}
		f.subErr = e
	case p.Result != nil:
		f.params = p.Result
	default:
		return frame{}, fmt.Errorf("%w: notification %q without result", ErrBadFrame, w.Method)
	}
	return f, nil
}

func parseError(raw json.RawMessage) (*Error, error) {
	var we wireError
	if err := json.Unmarshal(raw, &we); err != nil {
		return nil, fmt.Errorf("error object: %v", err)
	}
	if we.Code == nil || we.Message == nil {
		return nil, fmt.Errorf("error object without code or message")
	}
	e := &Error{Code: *we.Code, Message: *we.Message}
	if we.Data != nil && !isNull(we.Data) {
		e.Data = we.Data
	}
	return e, nil
}

// subscriptionKey canonicalises a subscription id, which servers send as a
// JSON string or a JSON integer: "s:" + the string, or "n:" + the digits.
func subscriptionKey(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", fmt.Errorf("missing subscription id")
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("subscription id: %v", err)
		}
		return "s:" + s, nil
	}
	n, err := strconv.ParseUint(string(raw), 10, 64)
	if err != nil {
		return "", fmt.Errorf("subscription id %.40s is neither a string nor an integer", raw)
	}
	return "n:" + strconv.FormatUint(n, 10), nil
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}
