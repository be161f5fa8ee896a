package rpc

import (
	"context"
	"encoding/json"
	"testing"
)

func BenchmarkCallWS(b *testing.B) {
	benchCall(b, "ws")
}

func BenchmarkCallHTTP(b *testing.B) {
	benchCall(b, "http")
}

func benchCall(b *testing.B, transport string) {
	fs := newFakeServer(b)
	url := fs.wsURL()
	if transport == "http" {
		url = fs.httpURL()
	}
	c, err := Dial(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var n int
		if err := c.Call(ctx, "echo", []any{1}, &n); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseFrameHeader(b *testing.B) {
	msg := []byte(`{"jsonrpc":"2.0","method":"chain_newHead","params":{"subscription":"abc","result":` + sampleHeaderJSON + `}}`)
	benchParseFrame(b, msg, func(f frame) error {
		_, err := ParseHeader(f.params)
		return err
	})
}

// benchParseFrame measures parsing the frame msg and reading its payload
// with read.
func benchParseFrame(b *testing.B, msg []byte, read func(frame) error) {
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := parseFrame(msg)
		if err != nil {
			b.Fatal(err)
		}
		if err := read(f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseFrameMetadata(b *testing.B) {
	// A 1 MiB hex result, the size of Kusama's metadata.
	hexs := make([]byte, 2<<20)
	for i := range hexs {
		hexs[i] = 'a'
	}
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "result": "0x" + string(hexs)})
	benchParseFrame(b, msg, func(f frame) error {
		var v Bytes
		return json.Unmarshal(f.result, &v)
	})
}
