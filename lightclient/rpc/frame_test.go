package rpc

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

func TestParseFrame(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want frame // compared field by field below; zero kind means an error
	}{
		{"result", `{"jsonrpc":"2.0","id":7,"result":{"a":1}}`, frame{kind: frameResponse, id: 7, result: json.RawMessage(`{"a":1}`)}},
		{"null result", `{"jsonrpc":"2.0","id":1,"result":null}`, frame{kind: frameResponse, id: 1, result: json.RawMessage(`null`)}},
		{"error", `{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"Method not found"}}`,
			frame{kind: frameResponse, id: 2, err: &Error{Code: -32601, Message: "Method not found"}}},
		{"error with data", `{"jsonrpc":"2.0","id":2,"error":{"code":1010,"message":"x","data":{"k":1}}}`,
			frame{kind: frameResponse, id: 2, err: &Error{Code: 1010, Message: "x", Data: json.RawMessage(`{"k":1}`)}}},
		{"string sub", `{"jsonrpc":"2.0","method":"chain_newHead","params":{"subscription":"abc","result":{"number":"0x1"}}}`,
			frame{kind: frameNotification, method: "chain_newHead", subKey: "s:abc", params: json.RawMessage(`{"number":"0x1"}`)}},
		{"numeric sub", `{"jsonrpc":"2.0","method":"m","params":{"subscription":42,"result":"ready"}}`,
			frame{kind: frameNotification, method: "m", subKey: "n:42", params: json.RawMessage(`"ready"`)}},
		{"sub error", `{"jsonrpc":"2.0","method":"m","params":{"subscription":"x","error":{"code":1,"message":"gone"}}}`,
			frame{kind: frameNotification, method: "m", subKey: "s:x", subErr: &Error{Code: 1, Message: "gone"}}},
		{"not json", `hello`, frame{}},
		{"truncated", `{"jsonrpc":"2.0","id":`, frame{}},
		{"batch", `[{"jsonrpc":"2.0","id":1,"result":1}]`, frame{}},
		{"no version", `{"id":1,"result":1}`, frame{}},
		{"version 1", `{"jsonrpc":"1.0","id":1,"result":1}`, frame{}},
		{"string id", `{"jsonrpc":"2.0","id":"1","result":1}`, frame{}},
		{"negative id", `{"jsonrpc":"2.0","id":-1,"result":1}`, frame{}},
		{"fraction id", `{"jsonrpc":"2.0","id":1.5,"result":1}`, frame{}},
		{"huge id", `{"jsonrpc":"2.0","id":18446744073709551616,"result":1}`, frame{}},
		{"both", `{"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":"x"}}`, frame{}},
		{"neither", `{"jsonrpc":"2.0","id":1}`, frame{}},
		{"error without code", `{"jsonrpc":"2.0","id":1,"error":{"message":"x"}}`, frame{}},
		{"error not object", `{"jsonrpc":"2.0","id":1,"error":"x"}`, frame{}},
		{"server request", `{"jsonrpc":"2.0","id":1,"method":"ping","params":[]}`, frame{}},
		{"notification without params", `{"jsonrpc":"2.0","method":"m"}`, frame{}},
		{"notification without result", `{"jsonrpc":"2.0","method":"m","params":{"subscription":"x"}}`, frame{}},
		{"object sub id", `{"jsonrpc":"2.0","method":"m","params":{"subscription":{},"result":1}}`, frame{}},
		{"no id no method", `{"jsonrpc":"2.0","result":1}`, frame{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFrame([]byte(tt.in))
			if tt.want.kind == 0 {
				if !errors.Is(err, ErrBadFrame) {
					t.Fatalf("got %+v, %v; want ErrBadFrame", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			w := tt.want
			if got.kind != w.kind || got.id != w.id || string(got.result) != string(w.result) ||
				got.method != w.method || got.subKey != w.subKey || string(got.params) != string(w.params) ||
				!sameError(got.err, w.err) || !sameError(got.subErr, w.subErr) {
				t.Fatalf("got  %+v\nwant %+v", got, w)
			}
		})
	}
}

func sameError(a, b *Error) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Code == b.Code && a.Message == b.Message && string(a.Data) == string(b.Data)
}

// FuzzParseFrame: parsing any incoming message never panics, and an accepted
// frame is internally consistent.
func FuzzParseFrame(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":7,"result":{"a":1}}`,
		`{"jsonrpc":"2.0","id":1,"result":null}`,
		`{"jsonrpc":"2.0","id":2,"error":{"code":1010,"message":"Invalid Transaction","data":"bad signature"}}`,
		`{"jsonrpc":"2.0","method":"chain_newHead","params":{"subscription":"abc","result":` + sampleHeaderJSON + `}}`,
		`{"jsonrpc":"2.0","method":"author_extrinsicUpdate","params":{"subscription":7,"result":{"inBlock":"0x11"}}}`,
		`{"jsonrpc":"2.0","method":"m","params":{"subscription":"x","error":{"code":1,"message":"gone"}}}`,
		`[{"jsonrpc":"2.0","id":1,"result":1}]`,
		`{"jsonrpc":"2.0","id":"1","result":1}`,
		``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := parseFrame(b)
		if !testenv.Accepted(t, err, ErrBadFrame) {
			return
		}
		switch fr.kind {
		case frameResponse:
			if (fr.err == nil) == (fr.result == nil) {
				t.Fatalf("response with result %q and error %v", fr.result, fr.err)
			}
			if fr.result != nil && !json.Valid(fr.result) {
				t.Fatalf("invalid result JSON %q", fr.result)
			}
		case frameNotification:
			if fr.method == "" || !(strings.HasPrefix(fr.subKey, "s:") || strings.HasPrefix(fr.subKey, "n:")) {
				t.Fatalf("notification %+v", fr)
			}
			if (fr.subErr == nil) == (fr.params == nil) {
				t.Fatalf("notification with params %q and error %v", fr.params, fr.subErr)
			}
		default:
			t.Fatalf("frame kind %d", fr.kind)
		}
	})
}

// FuzzParseHeader: header notifications of any shape never panic, and an
// accepted header encodes to SCALE of the length its fields imply.
func FuzzParseHeader(f *testing.F) {
	f.Add([]byte(sampleHeaderJSON))
	f.Add([]byte(`{"parentHash":"0x` + strings.Repeat("00", 32) + `","number":"0xffffffff","stateRoot":"0x` +
		strings.Repeat("00", 32) + `","extrinsicsRoot":"0x` + strings.Repeat("00", 32) + `","digest":{"logs":[]}}`))
	f.Add([]byte(`{"number":12}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseHeader(b)
		if err != nil {
			return
		}
		enc, err := h.SCALE()
		if err != nil {
			if h.Number <= maxBlockNumber {
				t.Fatalf("SCALE of a u32 header failed: %v", err)
			}
			return
		}
		n := 96 + scale.CompactLen(uint64(h.Number)) + scale.CompactLen(uint64(len(h.Digest.Logs)))
		for _, l := range h.Digest.Logs {
			n += len(l)
		}
		if len(enc) != n {
			t.Fatalf("SCALE header %d bytes, want %d", len(enc), n)
		}
	})
}

// FuzzParseTxStatus: transaction status events never panic; accepted ones
// have a known kind.
func FuzzParseTxStatus(f *testing.F) {
	for _, s := range []string{`"ready"`, `"future"`, `{"broadcast":["a","b"]}`,
		`{"inBlock":"0x` + strings.Repeat("11", 32) + `"}`, `{"finalized":["0x` + strings.Repeat("11", 32) + `",3]}`,
		`{"usurped":"0x` + strings.Repeat("22", 32) + `"}`, `"dropped"`, `"invalid"`, `{}`, `{"a":1,"b":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := ParseTxStatus(b)
		if !testenv.Accepted(t, err, ErrBadResult) {
			return
		}
		switch st.Kind {
		case TxFuture, TxReady, TxBroadcast, TxInBlock, TxRetracted, TxFinalityTimeout, TxFinalized, TxUsurped, TxDropped, TxInvalid:
		default:
			t.Fatalf("unknown kind %q accepted", st.Kind)
		}
	})
}
