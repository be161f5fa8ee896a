package wire

import (
	"bytes"
	"testing"
)

func BenchmarkDecodeWestendBlockResponse(b *testing.B) {
	raw := unhex(b, loadWestend(b).Raw)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeBlockResponse(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeAnnounce(b *testing.B) {
	msg := (&Announce{Header: testHeader(5), State: StateBest, Data: []byte{}}).Encode()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeAnnounce(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadFrame reads whole frames of several sizes and a truncated
// frame declaring 16 MiB: B/op shows what a peer makes us allocate.
func BenchmarkReadFrame(b *testing.B) {
	for _, c := range []struct {
		name string
		in   []byte
	}{
		{"1KiB", AppendFrame(nil, make([]byte, 1<<10))},
		{"1MiB", AppendFrame(nil, make([]byte, 1<<20))},
		{"16MiB", AppendFrame(nil, make([]byte, 16<<20))},
		{"declared16MiB-sent10B", append(AppendUvarint(nil, 16<<20), make([]byte, 10)...)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = ReadFrame(bytes.NewReader(c.in), 16<<20)
			}
		})
	}
}
