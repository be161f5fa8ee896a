package extrinsic_test

import (
	"bytes"
	"testing"

	"github.com/ksm-wallet/ksm/tx/extrinsic"
)

// FuzzDecode checks that any bytes either fail to decode or decode to an
// extrinsic that re-encodes to exactly the same bytes.
func FuzzDecode(f *testing.F) {
	for _, c := range blockCases[:1] {
		for _, h := range loadBlock(f, c.block).Extrinsics {
			f.Add(unhex(f, h))
		}
	}
	f.Add([]byte{0x04, 0x04, 0x00, 0x00})
	format := loadFormat(f, blockCases[0].meta)
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := format.Decode(b)
		if err != nil {
			return
		}
		again, err := format.Encode(x)
		if err != nil {
			t.Fatalf("decoded %x but cannot re-encode: %v", b, err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("round trip:\n in  %x\n out %x", b, again)
		}
	})
}

// FuzzDecodePayload checks that payload decoding is total and that a decoded
// payload rebuilds to the same bytes.
func FuzzDecodePayload(f *testing.F) {
	for i, p := range loadLedgerPayloads(f) {
		if i%50 == 0 {
			f.Add(unhex(f, p.Blob))
		}
	}
	format := loadFormat(f, "kusama-v14-spec9370.scale")
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := format.DecodePayload(b)
		if err != nil {
			return
		}
		params := p.Params()
		if !params.Era.Mortal && params.BlockHash != params.GenesisHash {
			return // decodes, but ksm refuses to build such a payload
		}
		again, err := format.SigningPayload(p.Call, params)
		if err != nil {
			t.Fatalf("decoded %x but cannot rebuild: %v", b, err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("round trip:\n in  %x\n out %x", b, again)
		}
	})
}

// FuzzDecodeV5 is FuzzDecode on a runtime that declares extrinsic v5 (bare
// and general transactions) and extensions v16 introduced.
func FuzzDecodeV5(f *testing.F) {
	path := typesSupportPath(f, "v16/substrate-hex.js")
	format := loadAnyFormatTB(f, path)
	call := []byte{0, 0, 8, 1, 2} // System.remark(0x0102)
	f.Add(append([]byte{byte((1 + len(call)) << 2), 0x05}, call...))
	p := extrinsic.Params{Era: extrinsic.MortalEra(64, 77), Nonce: 9}
	extra, err := format.AppendExtra(nil, &p)
	if err != nil {
		f.Fatal(err)
	}
	body := append(append([]byte{0x45, 0}, extra...), call...)
	f.Add(append([]byte{byte(len(body) << 2)}, body...))
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := format.Decode(b)
		if err != nil {
			return
		}
		again, err := format.Encode(x)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("round trip %x -> %x (%v)", b, again, err)
		}
	})
}
