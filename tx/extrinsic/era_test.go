package extrinsic_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/tx/extrinsic"
	"github.com/ksm-wallet/ksm/tx/scale"
)

func TestMortalEra(t *testing.T) {
	tests := []struct {
		period, current uint64
		want            extrinsic.Era
		enc             []byte
	}{
		{64, 42, extrinsic.Era{Mortal: true, Period: 64, Phase: 42}, []byte{0xa5, 0x02}},
		{64, 10, extrinsic.Era{Mortal: true, Period: 64, Phase: 10}, []byte{0xa5, 0x00}},
		{32768, 20000, extrinsic.Era{Mortal: true, Period: 32768, Phase: 20000}, []byte{0x4e, 0x9c}},
		{1000000, 1000001, extrinsic.Era{Mortal: true, Period: 65536, Phase: 16960}, []byte{0x4f, 0x42}},
		{0, 7, extrinsic.Era{Mortal: true, Period: 4, Phase: 3}, []byte{0x31, 0x00}},
		{5, 7, extrinsic.Era{Mortal: true, Period: 8, Phase: 7}, []byte{0x72, 0x00}},
		{^uint64(0), 5, extrinsic.Era{Mortal: true, Period: 65536, Phase: 0}, []byte{0x0f, 0x00}},
	}
	for _, tt := range tests {
		got := extrinsic.MortalEra(tt.period, tt.current)
		if got != tt.want {
			t.Errorf("MortalEra(%d, %d) = %v, want %v", tt.period, tt.current, got, tt.want)
		}
		enc, err := extrinsic.AppendEra(nil, got)
		if err != nil || !bytes.Equal(enc, tt.enc) {
			t.Errorf("encode %v = %x (%v), want %x", got, enc, err, tt.enc)
		}
		dec, err := extrinsic.DecodeEra(scale.NewDecoder(enc))
		if err != nil || dec != got {
			t.Errorf("decode %x = %v (%v)", enc, dec, err)
		}
		if b := got.Birth(tt.current); b > tt.current || tt.current-b >= got.Period || b%got.Period != got.Phase%got.Period && got.Period <= 4096 {
			t.Errorf("%v birth(%d) = %d", got, tt.current, b)
		}
	}
	e := extrinsic.MortalEra(64, 42)
	if e.Birth(50) != 42 || e.Death(50) != 106 || e.Birth(106) != 106 {
		t.Errorf("birth/death of %v: %d %d %d", e, e.Birth(50), e.Death(50), e.Birth(106))
	}
	if enc, _ := extrinsic.AppendEra(nil, extrinsic.Immortal); !bytes.Equal(enc, []byte{0}) {
		t.Errorf("immortal encodes as %x", enc)
	}
}

func TestEraRefusesInvalid(t *testing.T) {
	for _, enc := range [][]byte{{0x30, 0x00} /* period 2 */, {0x41, 0x00} /* phase 4 of period 4 */, {0x01} /* short */} {
		if e, err := extrinsic.DecodeEra(scale.NewDecoder(enc)); err == nil {
			t.Errorf("DecodeEra(%x) = %v, want error", enc, e)
		}
	}
	for _, e := range []extrinsic.Era{{Mortal: true, Period: 6}, {Mortal: true, Period: 8, Phase: 8}, {Mortal: true, Period: 65536, Phase: 3}, {Period: 4}} {
		if _, err := extrinsic.AppendEra(nil, e); !errors.Is(err, extrinsic.ErrInvalidEra) {
			t.Errorf("AppendEra(%v) err %v", e, err)
		}
	}
}

func FuzzEra(f *testing.F) {
	f.Add([]byte{0})
	f.Add([]byte{0xa5, 0x02})
	f.Add([]byte{0x4f, 0x42})
	f.Fuzz(func(t *testing.T, b []byte) {
		d := scale.NewDecoder(b)
		e, err := extrinsic.DecodeEra(d)
		if err != nil {
			return
		}
		enc, err := extrinsic.AppendEra(nil, e)
		if err != nil {
			t.Fatalf("decoded %v does not encode: %v", e, err)
		}
		if !bytes.Equal(enc, b[:d.Offset()]) {
			t.Fatalf("%x -> %v -> %x", b[:d.Offset()], e, enc)
		}
	})
}
