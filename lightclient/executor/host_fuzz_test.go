package executor

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/trie"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/testenv"
)

// realBody is the body of Kusama block 22939322 as a SCALE
// Vec<Vec<u8>> (what ext_trie_blake2_256_ordered_root receives), from the
// shared test data; nil when it is absent.
func realBody(f *testing.F) []byte {
	raw := testenv.SharedSeed(f, "extrinsics", "kusama-block-22939322.json")
	if raw == nil {
		return nil
	}
	var blk struct {
		Extrinsics []string `json:"extrinsics"`
	}
	if err := json.Unmarshal(raw, &blk); err != nil {
		f.Fatal(err)
	}
	out := scale.AppendCompact(nil, uint64(len(blk.Extrinsics)))
	for _, x := range blk.Extrinsics {
		b, err := hex.DecodeString(x[2:])
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b...) // each is already a Vec<u8>: compact length ‖ bytes
	}
	return out
}

// realPairs is the first storage entries of Kusama's raw genesis as a
// SCALE Vec<(Vec<u8>, Vec<u8>)> (ext_trie_blake2_256_root's argument).
func realPairs(f *testing.F, n int) []byte {
	raw := testenv.SharedSeed(f, "chainspec", "kusama-genesis-raw.json")
	if raw == nil {
		return nil
	}
	spec, err := chainspec.Parse(raw)
	if err != nil || spec.Raw == nil {
		f.Fatalf("kusama genesis: %v", err)
	}
	top := spec.Raw.Top[:min(n, len(spec.Raw.Top))]
	out := scale.AppendCompact(nil, uint64(len(top)))
	for _, kv := range top {
		if len(kv.Value) > 4096 { // leave out :code
			kv.Value = kv.Value[:4096]
		}
		out = scale.AppendBytes(scale.AppendBytes(out, kv.Key), kv.Value)
	}
	return out
}

// FuzzDecodeVecBytes: the Vec<Vec<u8>> argument of the ordered trie-root
// host functions decodes without panicking or over-allocating, and what is
// accepted is exactly its canonical encoding.
func FuzzDecodeVecBytes(f *testing.F) {
	if b := realBody(f); b != nil {
		f.Add(b)
	}
	f.Add([]byte{0})
	f.Add([]byte{8, 4, 1, 0})
	f.Add([]byte{0xfe, 0xff, 0xff, 0xff, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.RoundTrip(t, b, decodeVecBytes, func(vals [][]byte) []byte {
			enc := scale.AppendCompact(nil, uint64(len(vals)))
			for _, v := range vals {
				enc = scale.AppendBytes(enc, v)
			}
			return enc
		})
	})
}

// FuzzDecodeVecPairs: the Vec<(Vec<u8>, Vec<u8>)> argument of the trie-root
// host functions, likewise.
func FuzzDecodeVecPairs(f *testing.F) {
	if b := realPairs(f, 8); b != nil {
		f.Add(b)
	}
	f.Add([]byte{4, 4, 1, 4, 2})
	f.Add([]byte{4, 4, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		testenv.RoundTrip(t, b, decodeVecPairs, func(kvs []trie.KV) []byte {
			enc := scale.AppendCompact(nil, uint64(len(kvs)))
			for _, kv := range kvs {
				enc = scale.AppendBytes(scale.AppendBytes(enc, kv.Key), kv.Value)
			}
			return enc
		})
	})
}

// FuzzDecodeLimit: the Option<u32> limit of the clear-prefix host functions
// either traps the call (an ErrTrap panic, as host functions fail) or gives
// -1 or a u32 that re-encodes to the input.
func FuzzDecodeLimit(f *testing.F) {
	f.Add([]byte{0})
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{1, 1, 0, 0})
	f.Add([]byte{2})
	f.Add([]byte{0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		s := &callState{}
		var got int64
		trapped := func() (trapped bool) {
			defer func() {
				if r := recover(); r != nil {
					err, ok := r.(error)
					if !ok || !errors.Is(err, ErrTrap) || !errors.Is(s.err, ErrTrap) {
						t.Fatalf("limit %x panicked with %v", b, r)
					}
					trapped = true
				}
			}()
			got = s.decodeLimit("ext_storage_clear_prefix_version_2", b)
			return false
		}()
		if trapped {
			return
		}
		want := []byte{0}
		if got >= 0 {
			want = scale.AppendU32([]byte{1}, uint32(got))
		}
		if got < -1 || got > 0xffffffff || !bytes.Equal(want, b) {
			t.Fatalf("limit %x decoded as %d", b, got)
		}
	})
}

// FuzzAppendItem: ext_storage_append on any stored value gives a Vec one
// item longer (or a fresh one-item Vec when the value is no Vec) ending
// with the item, never a panic.
func FuzzAppendItem(f *testing.F) {
	if b := realBody(f); b != nil {
		f.Add(b[:min(len(b), 512)], []byte{4, 9})
	}
	f.Add([]byte{}, []byte{1})
	f.Add([]byte{0xfe, 0xff, 0xff, 0xff}, []byte{1})
	f.Add([]byte{0x03, 0xff, 0xff, 0xff, 0xff}, []byte{7})
	f.Fuzz(func(t *testing.T, cur, item []byte) {
		out := appendItem(cur, true, item)
		if !bytes.HasSuffix(out, item) {
			t.Fatalf("append %x to %x: %x does not end with the item", item, cur, out)
		}
		d := scale.NewDecoder(out)
		n, err := d.CompactU32()
		if err != nil || n == 0 {
			t.Fatalf("append %x to %x: length %d, %v", item, cur, n, err)
		}
		if old, err := scale.NewDecoder(cur).CompactU32(); err == nil && old < 0xffffffff && n != old+1 {
			t.Fatalf("append to a Vec of %d gave %d", old, n)
		}
	})
}
