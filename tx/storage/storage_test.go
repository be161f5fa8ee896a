package storage

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/testenv"
	"github.com/ksm-wallet/ksm/tx/value"
)

// Alice (//Alice sr25519) as a Kusama address, and her public key.
const (
	alice    = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	alicePub = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
)

func codecFor(t testing.TB, file string) *value.Codec {
	t.Helper()
	m, err := metadata.Decode(testenv.ReadShared(t, "metadata", file))
	if err != nil {
		t.Fatal(err)
	}
	return value.New(m, 2)
}

func TestSystemAccountKey(t *testing.T) {
	c := codecFor(t, "kusama-v15-spec1009002.scale")
	e, err := Lookup(c, "System", "Account")
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := hex.DecodeString(alicePub)
	b128 := hash.Blake2b128(pub)
	want := "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9" + hex.EncodeToString(b128[:]) + alicePub
	// blake2_128(Alice) as published in Substrate's documentation.
	if !strings.Contains(want, "de1e86a9a8c739864cf3cc5ec2bea59f") {
		t.Fatal("blake2_128 of Alice differs from the published value")
	}
	for _, in := range []any{alice, "0x" + alicePub} {
		key, err := e.Key(in)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(key) != want {
			t.Fatalf("key(%v) = %x, want %s", in, key, want)
		}
	}
	enc, _ := hex.DecodeString(alicePub)
	if k, _ := e.KeyEncoded(enc); hex.EncodeToString(k) != want {
		t.Fatalf("KeyEncoded = %x", k)
	}
	if p, _ := e.Key(); hex.EncodeToString(p) != want[:64] || hex.EncodeToString(e.Prefix()) != want[:64] {
		t.Fatalf("prefix %x", p)
	}
	key, _ := hex.DecodeString(want)
	parts, err := e.DecodeKey(key)
	if err != nil || len(parts) != 1 || parts[0].Value != alice || hex.EncodeToString(parts[0].Encoded) != alicePub {
		t.Fatalf("DecodeKey: %+v %v", parts, err)
	}
	bad := append([]byte{}, key...)
	bad[40] ^= 1
	if _, err := e.DecodeKey(bad); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("corrupt hash: %v", err)
	}
	if _, err := e.DecodeKey(key[:len(key)-1]); err == nil {
		t.Fatal("short key decoded")
	}
	if _, err := e.Key(alice, alice); !errors.Is(err, ErrKeyParts) {
		t.Fatalf("two parts: %v", err)
	}
	// Missing account: the default AccountInfo, all zero.
	v, err := e.ValueOrDefault(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(v)
	if !strings.Contains(string(js), `"nonce":0`) || !strings.Contains(string(js), `"free":0`) {
		t.Fatalf("default AccountInfo %s", js)
	}
	if raw, ok := e.RawOrDefault(nil, false); !ok || len(raw) == 0 {
		t.Fatal("RawOrDefault of a Default entry")
	}
}

func TestOptionalDefaultAndDoubleMap(t *testing.T) {
	c := codecFor(t, "kusama-v14-spec9370.scale")
	e, err := Lookup(c, "Staking", "Bonded")
	if err != nil {
		t.Fatal(err)
	}
	if e.Meta.Modifier != metadata.Optional {
		t.Fatal("Staking.Bonded is Optional")
	}
	if v, err := e.ValueOrDefault(nil, false); v != nil || err != nil {
		t.Fatalf("missing Optional = %v, %v", v, err)
	}
	if _, ok := e.RawOrDefault(nil, false); ok {
		t.Fatal("RawOrDefault of a missing Optional entry")
	}
	pub, _ := hex.DecodeString(alicePub)
	if v, err := e.DecodeValue(pub); err != nil || v != alice {
		t.Fatalf("Bonded value %v %v", v, err)
	}
	es, err := Lookup(c, "Staking", "ErasStakers")
	if err != nil {
		t.Fatal(err)
	}
	if len(es.KeyTypes()) != 2 {
		t.Fatalf("ErasStakers key types %v", es.KeyTypes())
	}
	key, err := es.Key(1234, alice)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := es.DecodeKey(key)
	if err != nil || len(parts) != 2 || fmt.Sprint(parts[0].Value) != "1234" || parts[1].Value != alice {
		t.Fatalf("DecodeKey: %+v %v", parts, err)
	}
	prefix, _ := es.Key(1234)
	if !bytes.HasPrefix(key, prefix) || len(prefix) != 32+8+4 {
		t.Fatalf("partial key %x", prefix)
	}
}

// TestSyntheticHashers checks every hasher on one synthetic N-map entry
// (Kusama no longer uses the opaque hashers).
func TestSyntheticHashers(t *testing.T) {
	c := codecFor(t, "kusama-v14-spec9370.scale")
	m := c.Metadata()
	u32 := findPrim(t, m, metadata.U32)
	hashers := []hash.Hasher{hash.Blake2_128, hash.Blake2_256, hash.Blake2_128Concat, hash.Twox128Hasher, hash.Twox256Hasher, hash.Twox64Concat, hash.Identity}
	tuple := metadata.TypeID(len(m.Types.Types))
	m2 := *m
	m2.Types.Types = append(append([]metadata.Type{}, m.Types.Types...), metadata.Type{ID: tuple, Def: metadata.TypeDef{Kind: metadata.KindTuple, Tuple: []metadata.TypeID{u32, u32, u32, u32, u32, u32, u32}}})
	entry := &metadata.StorageEntry{Name: "Synthetic", IsMap: true, Hashers: hashers, Key: tuple, Value: u32, Default: []byte{0, 0, 0, 0}}
	p := &metadata.Pallet{Name: "Test", Storage: &metadata.PalletStorage{Prefix: "Test", Entries: []metadata.StorageEntry{*entry}}}
	e, err := NewEntry(value.New(&m2, 2), p, entry)
	if err != nil {
		t.Fatal(err)
	}
	key, err := e.Key(1, 2, 3, 4, 5, 6, 7)
	if err != nil {
		t.Fatal(err)
	}
	want := Prefix("Test", "Synthetic")
	for i, h := range hashers {
		want = h.Append(want, []byte{byte(i + 1), 0, 0, 0})
	}
	if !bytes.Equal(key, want) {
		t.Fatalf("key %x\nwant %x", key, want)
	}
	parts, err := e.DecodeKey(key)
	if err != nil || len(parts) != 7 {
		t.Fatal(parts, err)
	}
	for i, kp := range parts {
		if kp.HasValue != hashers[i].Concat() || kp.HasValue && fmt.Sprint(kp.Value) != fmt.Sprint(i+1) || len(kp.Hash) != hashers[i].HashLen() {
			t.Fatalf("part %d: %+v", i, kp)
		}
	}
}

func findPrim(t *testing.T, m *metadata.Metadata, p metadata.Primitive) metadata.TypeID {
	for _, ty := range m.Types.Types {
		if ty.Def.Kind == metadata.KindPrimitive && ty.Def.Primitive == p {
			return ty.ID
		}
	}
	t.Fatalf("no %s", p)
	return 0
}

type query struct {
	Pallet string `json:"pallet"`
	Entry  string `json:"entry"`
	Args   []any  `json:"args"`
}

// sampleArg returns a key part polkadot-js and ksm both accept for simple
// key types, or false.
func sampleArg(m *metadata.Metadata, id metadata.TypeID, i int) (any, bool) {
	t, _ := m.Types.Type(id)
	switch {
	case t.PathString() == "sp_core::crypto::AccountId32":
		return alice, true
	case t.Def.Kind == metadata.KindPrimitive:
		switch t.Def.Primitive {
		case metadata.U8, metadata.U16, metadata.U32, metadata.U64, metadata.U128:
			return 7 + 1000*i, true
		case metadata.Bool:
			return true, true
		}
	case t.Def.Kind == metadata.KindArray && t.Def.Len <= 64:
		el, _ := m.Types.Type(t.Def.Elem)
		if el.Def.Kind == metadata.KindPrimitive && el.Def.Primitive == metadata.U8 {
			return "0x" + strings.Repeat(fmt.Sprintf("%02x", 0x11+i), int(t.Def.Len)), true
		}
	case t.Def.Kind == metadata.KindComposite && len(t.Def.Fields) == 1 && t.Def.Fields[0].Name == "":
		// Newtypes such as ParaId(u32) and H256([u8; 32]).
		return sampleArg(m, t.Def.Fields[0].Type, i)
	}
	return nil, false
}

// TestKeysMatchPolkadotJS computes the key of every plain item and of every
// map whose key parts are simple types, and compares with polkadot-js'
// decorated storage functions on the same metadata.
func TestKeysMatchPolkadotJS(t *testing.T) {
	for _, file := range []string{"kusama-v14-spec9370.scale", "kusama-v15-spec1009002.scale", "polkadot-v15-spec2000000.scale"} {
		t.Run(file, func(t *testing.T) {
			c := codecFor(t, file)
			m := c.Metadata()
			var qs []query
			var keys []string
			maps := 0
			for pi := range m.Pallets {
				p := &m.Pallets[pi]
				if p.Storage == nil {
					continue
				}
				for ei := range p.Storage.Entries {
					e, err := NewEntry(c, p, &p.Storage.Entries[ei])
					if err != nil {
						t.Fatal(err)
					}
					args := []any{}
					ok := true
					for i, kt := range e.KeyTypes() {
						a, good := sampleArg(m, kt, i)
						ok = ok && good
						args = append(args, a)
					}
					if !ok {
						continue
					}
					if len(args) > 0 {
						maps++
					}
					key, err := e.Key(args...)
					if err != nil {
						t.Fatalf("%s.%s: %v", p.Name, e.Meta.Name, err)
					}
					if len(args) > 0 {
						parts, err := e.DecodeKey(key)
						if err != nil || len(parts) != len(args) {
							t.Fatalf("%s.%s DecodeKey: %v", p.Name, e.Meta.Name, err)
						}
					}
					qs = append(qs, query{p.Name, e.Meta.Name, args})
					keys = append(keys, "0x"+hex.EncodeToString(key))
				}
			}
			in, _ := json.Marshal(qs)
			out := testenv.Node(t, in, "metadata-storage-keys.mjs", testenv.Shared(t, "metadata", file))
			var want []string
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatal(err)
			}
			if len(want) != len(keys) {
				t.Fatalf("%d keys, polkadot-js %d", len(keys), len(want))
			}
			for i := range keys {
				if keys[i] != want[i] {
					t.Errorf("%s.%s%v: %s, polkadot-js %s", qs[i].Pallet, qs[i].Entry, qs[i].Args, keys[i], want[i])
				}
			}
			t.Logf("%d storage keys (%d maps) equal polkadot-js", len(keys), maps)
		})
	}
}
