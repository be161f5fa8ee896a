package chainspec

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ksm-wallet/ksm/tx/testenv"
)

// sharedSpecs are the chain specs of the shared test data used as seeds.
var sharedSpecs = []string{
	"kusama-lightsync-b31697400.json", "kusama-lightsync-b20765720.json", "polkadot-lightsync-b26629221.json",
	"westend-lightsync-b26651536.json", "kusama-asset-hub.json", "local/paseo-local.json",
}

// FuzzParseProperties: a chain spec's "properties" of any shape never
// panic; what is accepted is in range and reads back the same from its own
// JSON form.
func FuzzParseProperties(f *testing.F) {
	for _, name := range sharedSpecs {
		if b := testenv.SharedSeed(f, append([]string{"chainspec"}, strings.Split(name, "/")...)...); b != nil {
			var raw struct {
				Properties json.RawMessage `json:"properties"`
			}
			if err := json.Unmarshal(b, &raw); err != nil {
				f.Fatal(err)
			}
			f.Add([]byte(raw.Properties))
		}
	}
	for _, s := range []string{
		`{"ss58Format":"2","tokenDecimals":["12","10"],"tokenSymbol":["KSM","DOT"]}`,
		`{"ss58Format":"0x2a","tokenDecimals":0,"tokenSymbol":""}`,
		`{"ss58Format":16384}`, `{"tokenDecimals":[256]}`, `{"tokenSymbol":[1]}`, `null`, `[]`, `{"ss58Format":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseProperties(b)
		if !testenv.Accepted(t, err, ErrMalformed) {
			return
		}
		if p.SS58Format != nil && *p.SS58Format > 16383 {
			t.Fatalf("ss58Format %d accepted", *p.SS58Format)
		}
		decimals := []int{} // not []uint8: encoding/json writes that as base64
		for _, d := range p.TokenDecimals {
			decimals = append(decimals, int(d))
		}
		m := map[string]any{"tokenDecimals": decimals, "tokenSymbol": p.TokenSymbol}
		if p.SS58Format != nil {
			m["ss58Format"] = *p.SS58Format
		}
		if p.TokenSymbol == nil {
			m["tokenSymbol"] = []string{}
		}
		j, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		back, err := parseProperties(j)
		if err != nil {
			t.Fatalf("re-read %s: %v", j, err)
		}
		same := (p.SS58Format == nil) == (back.SS58Format == nil) && (p.SS58Format == nil || *p.SS58Format == *back.SS58Format) &&
			bytes.Equal(p.TokenDecimals, back.TokenDecimals) && len(p.TokenSymbol) == len(back.TokenSymbol)
		for i := range p.TokenSymbol {
			same = same && p.TokenSymbol[i] == back.TokenSymbol[i]
		}
		if !same {
			t.Fatalf("%s → %+v → %s → %+v", b, p, j, back)
		}
	})
}

// FuzzDecodeCheckpoint: a lightSyncState of any bytes never panics; an
// accepted checkpoint is exactly its header (canonical encoding, hash of
// those bytes) and its GRANDPA state, and the questions a client then asks
// of it (slot, pending changes, age) do not panic either.
func FuzzDecodeCheckpoint(f *testing.F) {
	for _, name := range sharedSpecs {
		b := testenv.SharedSeed(f, append([]string{"chainspec"}, strings.Split(name, "/")...)...)
		if b == nil {
			continue
		}
		s, err := Parse(b)
		if err != nil {
			f.Fatalf("%s: %v", name, err)
		}
		if l := s.LightSync; l != nil {
			f.Add(l.FinalizedBlockHeader, l.GrandpaAuthoritySet, l.BABEEpochChanges, l.BABEFinalizedBlockWeight)
		}
	}
	g := syntheticGrandpa()
	f.Add(make([]byte, 100), g.Encode(), []byte{}, uint64(0))
	f.Fuzz(func(t *testing.T, hdr, grandpaState, babe []byte, weight uint64) {
		c, err := DecodeCheckpoint(&LightSyncState{FinalizedBlockHeader: hdr, GrandpaAuthoritySet: grandpaState, BABEEpochChanges: babe, BABEFinalizedBlockWeight: weight})
		if !testenv.Accepted(t, err, ErrMalformed, ErrBadCheckpoint) {
			return
		}
		if !bytes.Equal(c.Header.Encode(), hdr) || c.Hash != c.Header.Hash() {
			t.Fatalf("header %x accepted, re-encodes as %x", hdr, c.Header.Encode())
		}
		if !bytes.Equal(c.Grandpa.Encode(), grandpaState) {
			t.Fatal("grandpa state re-encodes differently")
		}
		_, _ = c.Slot()
		_ = c.TrackerPending()
		_, _ = c.CheckAge(time.Unix(1_800_000_000, 0), AgePolicy{SlotDuration: 6 * time.Second, Warn: 28 * 24 * time.Hour, Max: 90 * 24 * time.Hour}, false)
	})
}
