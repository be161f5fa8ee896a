package metadata

import (
	"bytes"
	"flag"
	"testing"
)

// FuzzDecode: any input decodes or fails without panicking, and whatever
// decodes re-encodes to the same bytes. Seeded with real metadata (and
// prefixes of it, so the fuzzer starts inside the structure).
func FuzzDecode(f *testing.F) {
	for _, v := range []uint8{14, 15, 16} {
		f.Add(smallMetadata(v).Encode())
	}
	// Real metadata (0.5 MB each) makes the fuzzing engine crawl, so it
	// seeds plain test runs only; fuzzing starts from the small ones.
	if fz := flag.Lookup("test.fuzz"); fz == nil || fz.Value.String() == "" {
		_, b := loadShared(f, "kusama-v14-spec9370.scale")
		f.Add(b)
		f.Add(typesSupportHex(f, "v16/substrate-hex.js"))
	}
	f.Add([]byte("meta\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			return
		}
		raw, err := Unwrap(b)
		if err != nil {
			t.Fatal(err)
		}
		if enc := m.Encode(); !bytes.Equal(enc, raw) {
			t.Fatalf("round trip: %d bytes in, %d out", len(raw), len(enc))
		}
		_ = Summarize(m)
		for i := range m.Types.Types {
			_ = m.Types.Name(TypeID(i))
		}
		_, _ = m.EventType()
	})
}

// BenchmarkDecodeKusamaV15 decodes the 508 kB Kusama v15 metadata.
func BenchmarkDecodeKusamaV15(b *testing.B) {
	_, raw := loadShared(b, "kusama-v15-spec1009002.scale")
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}
