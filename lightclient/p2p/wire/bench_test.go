package wire

import "testing"

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
