package storage

import (
	"bytes"
	"testing"
)

// FuzzDecodeKey: keys from the network decode or fail without panicking;
// a key that decodes is rebuilt exactly from its encoded parts.
func FuzzDecodeKey(f *testing.F) {
	c := codecFor(f, "kusama-v14-spec9370.scale")
	entries := []*Entry{}
	for _, name := range [][2]string{{"System", "Account"}, {"Staking", "ErasStakers"}, {"Claims", "Claims"}, {"Multisig", "Multisigs"}, {"System", "Number"}} {
		e, err := Lookup(c, name[0], name[1])
		if err != nil {
			f.Fatal(err)
		}
		entries = append(entries, e)
	}
	k, _ := entries[0].Key(alice)
	f.Add(uint8(0), k)
	k, _ = entries[1].Key(5, alice)
	f.Add(uint8(1), k)
	k, _ = entries[2].Key("0x" + "11223344556677889900aabbccddeeff00112233")
	f.Add(uint8(2), k)
	f.Fuzz(func(t *testing.T, sel uint8, key []byte) {
		e := entries[int(sel)%len(entries)]
		if len(key) >= 32 {
			// Keep the fuzzer inside the entry's keys.
			key = append(e.Prefix(), key[32:]...)
		}
		parts, err := e.DecodeKey(key)
		if err != nil {
			return
		}
		enc := make([][]byte, len(parts))
		for i, p := range parts {
			if !p.HasValue {
				return
			}
			enc[i] = p.Encoded
		}
		rebuilt, err := e.KeyEncoded(enc...)
		if err != nil || !bytes.Equal(rebuilt, key) {
			t.Fatalf("rebuilt %x from %x (%v)", rebuilt, key, err)
		}
		vals := make([]any, len(parts))
		for i, p := range parts {
			vals[i] = p.Value
		}
		if k2, err := e.Key(vals...); err != nil || !bytes.Equal(k2, key) {
			t.Fatalf("Key(values) %x (%v), want %x", k2, err, key)
		}
	})
}
