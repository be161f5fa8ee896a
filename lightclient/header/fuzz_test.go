package header

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

func FuzzDecodeHeader(f *testing.F) {
	if _, ok := testenv.SharedDir(f); ok {
		f.Add(testenv.ReadShared(f, "grandpa", "kusama-header-b7472481.scale"))
		var data struct {
			Blocks []struct{ HeaderScale string }
		}
		if json.Unmarshal(testenv.ReadShared(f, "grandpa", "westend-blocks-1-10.json"), &data) == nil {
			for _, b := range data.Blocks {
				f.Add(unhex(f, b.HeaderScale))
			}
		}
	}
	f.Add((&Header{Number: 1 << 20, Digest: []DigestItem{{Kind: DigestOther, Data: []byte{1}}, {Kind: DigestRuntimeEnvironmentUpdated}}}).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		h, ok := testenv.RoundTrip(t, b, Decode, (*Header).Encode)
		if !ok {
			return
		}
		_, _ = h.BABEPreDigest()
		_, _ = h.GrandpaLogs()
		_, _ = h.BABELogs()
	})
}

func FuzzDecodeLogs(f *testing.F) {
	f.Add([]byte{1, 4, 1, 2, 3})
	f.Add((GrandpaLog{Kind: GrandpaForcedChange, Change: GrandpaChange{NextAuthorities: []GrandpaAuthority{{Weight: 1}}}}).Encode())
	f.Add((BABELog{Kind: BABENextConfigData, NextConfig: BABENextConfig{C: [2]uint64{1, 4}}}).Encode())
	f.Add((BABEPreDigest{Kind: BABEPrimary, Slot: 5}).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		if l, err := DecodeGrandpaLog(b); err == nil && !bytes.Equal(l.Encode(), b) {
			t.Fatal("GRANDPA log round trip differs")
		}
		if l, err := DecodeBABELog(b); err == nil && !bytes.Equal(l.Encode(), b) {
			t.Fatal("BABE log round trip differs")
		}
		if p, err := DecodeBABEPreDigest(b); err == nil && !bytes.Equal(p.Encode(), b) {
			t.Fatal("pre-digest round trip differs")
		}
	})
}
