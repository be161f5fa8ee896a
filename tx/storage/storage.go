// Package storage builds storage keys for the items in runtime metadata and
// decodes storage keys and values.
//
// A key is twox128(pallet prefix) ‖ twox128(entry name) ‖ for each key part
// hasher(SCALE(part)). Plain items have no parts, maps one, N-maps several
// (the metadata's key type is then a tuple with one field per hasher).
//
//	e, _ := storage.Lookup(codec, "System", "Account")
//	key, _ := e.Key("HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F")
//	// ... fetch and verify the value under key, then:
//	v, _ := e.ValueOrDefault(raw, found)
//
// Key parts are value JSON (see package value): an SS58 address for an
// AccountId32, a number for a u32, and so on. Giving fewer parts than the
// entry has yields a prefix for iteration. DecodeKey reads the parts back
// from a full key where the hashers allow it (Blake2_128Concat,
// Twox64Concat and Identity keep the encoded part after the hash).
package storage

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
	"github.com/ksm-wallet/ksm/tx/value"
)

// Sentinel errors.
var (
	// ErrKeyParts means more key parts were given than the entry has.
	ErrKeyParts = errors.New("storage: wrong number of key parts")
	// ErrKeyMismatch means a key does not belong to the entry.
	ErrKeyMismatch = errors.New("storage: key does not belong to this entry")
)

// Prefix returns twox128(palletPrefix) ‖ twox128(entry), the 32 bytes every
// key of the entry starts with.
func Prefix(palletPrefix, entry string) []byte {
	a := hash.Twox128([]byte(palletPrefix))
	b := hash.Twox128([]byte(entry))
	return append(a[:], b[:]...)
}

// PalletPrefix returns twox128(palletPrefix), the prefix of all of a
// pallet's storage.
func PalletPrefix(palletPrefix string) []byte {
	a := hash.Twox128([]byte(palletPrefix))
	return a[:]
}

// Entry is a storage item of the metadata, ready to build keys and decode
// values.
type Entry struct {
	Pallet *metadata.Pallet
	Meta   *metadata.StorageEntry
	codec  *value.Codec
	parts  []metadata.TypeID
}

// Lookup finds the storage item pallet.name.
func Lookup(c *value.Codec, pallet, name string) (*Entry, error) {
	p, e, err := c.Metadata().Storage(pallet, name)
	if err != nil {
		return nil, err
	}
	return NewEntry(c, p, e)
}

// NewEntry prepares a storage item found in the Codec's metadata.
func NewEntry(c *value.Codec, p *metadata.Pallet, e *metadata.StorageEntry) (*Entry, error) {
	if p.Storage == nil {
		return nil, fmt.Errorf("storage: pallet %s has no storage", p.Name)
	}
	en := &Entry{Pallet: p, Meta: e, codec: c}
	if !e.IsMap {
		return en, nil
	}
	switch len(e.Hashers) {
	case 0:
		return nil, fmt.Errorf("storage: map %s.%s has no hashers", p.Name, e.Name)
	case 1:
		en.parts = []metadata.TypeID{e.Key}
	default:
		t, err := c.Metadata().Types.Type(e.Key)
		if err != nil {
			return nil, err
		}
		if t.Def.Kind != metadata.KindTuple || len(t.Def.Tuple) != len(e.Hashers) {
			return nil, fmt.Errorf("storage: %s.%s has %d hashers but key type %s", p.Name, e.Name, len(e.Hashers), c.Metadata().Types.Name(e.Key))
		}
		en.parts = t.Def.Tuple
	}
	return en, nil
}

// KeyTypes returns the type of each key part (none for a plain item).
func (e *Entry) KeyTypes() []metadata.TypeID { return e.parts }

// Prefix returns the 32-byte prefix of every key of the entry.
func (e *Entry) Prefix() []byte { return Prefix(e.Pallet.Storage.Prefix, e.Meta.Name) }

// Key builds the storage key from key parts given as value JSON. With fewer
// parts than the entry has, it returns the prefix of the keys that start
// with those parts (for iteration).
func (e *Entry) Key(parts ...any) ([]byte, error) {
	if len(parts) > len(e.parts) {
		return nil, fmt.Errorf("%w: %s.%s takes %d, got %d", ErrKeyParts, e.Pallet.Name, e.Meta.Name, len(e.parts), len(parts))
	}
	key := e.Prefix()
	for i, p := range parts {
		enc, err := e.codec.Encode(e.parts[i], p)
		if err != nil {
			return nil, fmt.Errorf("storage key %s.%s part %d: %w", e.Pallet.Name, e.Meta.Name, i, err)
		}
		key = e.Meta.Hashers[i].Append(key, enc)
	}
	return key, nil
}

// KeyEncoded builds the storage key from already SCALE-encoded key parts.
func (e *Entry) KeyEncoded(parts ...[]byte) ([]byte, error) {
	if len(parts) > len(e.parts) {
		return nil, fmt.Errorf("%w: %s.%s takes %d, got %d", ErrKeyParts, e.Pallet.Name, e.Meta.Name, len(e.parts), len(parts))
	}
	key := e.Prefix()
	for i, p := range parts {
		key = e.Meta.Hashers[i].Append(key, p)
	}
	return key, nil
}

// KeyPart is one decoded part of a storage key.
type KeyPart struct {
	Hasher hash.Hasher
	// Hash is the hash bytes (empty for Identity).
	Hash []byte
	// Encoded is the SCALE encoding of the part, when the hasher keeps it.
	Encoded []byte
	// Value is the decoded part (value JSON) when HasValue.
	Value    any
	HasValue bool
}

// DecodeKey splits a full key of the entry into its parts. Parts behind an
// opaque hasher (Blake2_128, Blake2_256, Twox128, Twox256) have only Hash;
// a part behind such a hasher can still be followed by readable parts
// because hash lengths are fixed.
func (e *Entry) DecodeKey(key []byte) ([]KeyPart, error) {
	prefix := e.Prefix()
	if !bytes.HasPrefix(key, prefix) {
		return nil, fmt.Errorf("%w: %s.%s", ErrKeyMismatch, e.Pallet.Name, e.Meta.Name)
	}
	d := scale.NewDecoder(key[len(prefix):])
	out := make([]KeyPart, 0, len(e.parts))
	for i, t := range e.parts {
		h := e.Meta.Hashers[i]
		hb, err := d.Take(h.HashLen())
		if err != nil {
			return nil, fmt.Errorf("storage key %s.%s part %d: %w", e.Pallet.Name, e.Meta.Name, i, err)
		}
		kp := KeyPart{Hasher: h, Hash: hb}
		if h.Concat() {
			start := d.Offset()
			v, err := e.codec.DecodeFrom(d, t)
			if err != nil {
				return nil, fmt.Errorf("storage key %s.%s part %d: %w", e.Pallet.Name, e.Meta.Name, i, err)
			}
			kp.Encoded = key[len(prefix)+start : len(prefix)+d.Offset()]
			kp.Value, kp.HasValue = v, true
			if h != hash.Identity && !bytes.Equal(h.Append(nil, kp.Encoded), key[len(prefix)+start-len(hb):len(prefix)+d.Offset()]) {
				return nil, fmt.Errorf("%w: %s.%s part %d hash does not match its value", ErrKeyMismatch, e.Pallet.Name, e.Meta.Name, i)
			}
		}
		out = append(out, kp)
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("storage key %s.%s: %w", e.Pallet.Name, e.Meta.Name, err)
	}
	return out, nil
}

// DecodeValue decodes a value found under a key of the entry.
func (e *Entry) DecodeValue(b []byte) (any, error) {
	v, err := e.codec.Decode(e.Meta.Value, b)
	if err != nil {
		return nil, fmt.Errorf("storage value %s.%s: %w", e.Pallet.Name, e.Meta.Name, err)
	}
	return v, nil
}

// Default returns the value of a missing key: the decoded default for
// modifier Default, nil (None) for Optional.
func (e *Entry) Default() (any, error) {
	if e.Meta.Modifier == metadata.Optional {
		return nil, nil
	}
	v, err := e.codec.Decode(e.Meta.Value, e.Meta.Default)
	if err != nil {
		return nil, fmt.Errorf("storage default %s.%s: %w", e.Pallet.Name, e.Meta.Name, err)
	}
	return v, nil
}

// ValueOrDefault decodes b when found, else returns Default().
func (e *Entry) ValueOrDefault(b []byte, found bool) (any, error) {
	if !found {
		return e.Default()
	}
	return e.DecodeValue(b)
}

// RawOrDefault returns the bytes the runtime would read for the key: b when
// found, the Default bytes for modifier Default, and nil, false for a
// missing Optional entry.
func (e *Entry) RawOrDefault(b []byte, found bool) ([]byte, bool) {
	if found {
		return b, true
	}
	if e.Meta.Modifier == metadata.DefaultModifier {
		return e.Meta.Default, true
	}
	return nil, false
}
