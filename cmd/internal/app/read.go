package app

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/storage"
)

// Read reads storage item pallet.item at block at with key parts given as
// value JSON and returns its decoded value (value JSON); a missing key
// gives the item's default (nil for an Optional item) and found false.
func (s *Session) Read(ctx context.Context, rt *Runtime, at chainclient.Hash, pallet, item string, keys ...any) (v any, found bool, err error) {
	e, err := storage.Lookup(rt.Codec, pallet, item)
	if err != nil {
		return nil, false, err
	}
	raw, found, err := s.ReadRaw(ctx, e, at, keys...)
	if err != nil {
		return nil, false, err
	}
	v, err = e.ValueOrDefault(raw, found)
	return v, found, err
}

// ReadRaw reads the raw value of an entry's key.
func (s *Session) ReadRaw(ctx context.Context, e *storage.Entry, at chainclient.Hash, keys ...any) ([]byte, bool, error) {
	if len(keys) != len(e.KeyTypes()) {
		return nil, false, fmt.Errorf("%w: %s.%s takes %d key parts, got %d", storage.ErrKeyParts, e.Pallet.Name, e.Meta.Name, len(e.KeyTypes()), len(keys))
	}
	key, err := e.Key(keys...)
	if err != nil {
		return nil, false, err
	}
	return s.Chain.Storage(ctx, key, at)
}

// KeyPageSize is how many keys Iterate asks for at a time.
const KeyPageSize = 512

// Iterate calls fn for each key of pallet.item that starts with the given
// key parts (all keys when none), in key order, with the decoded key parts
// and value. It stops at fn's first error.
func (s *Session) Iterate(ctx context.Context, rt *Runtime, at chainclient.Hash, pallet, item string, prefixKeys []any, fn func(parts []storage.KeyPart, v any) error) error {
	e, err := storage.Lookup(rt.Codec, pallet, item)
	if err != nil {
		return err
	}
	prefix, err := e.Key(prefixKeys...)
	if err != nil {
		return err
	}
	var start []byte
	for {
		keys, err := s.Chain.StorageKeys(ctx, prefix, KeyPageSize, start, at)
		if err != nil {
			return err
		}
		for _, k := range keys {
			raw, found, err := s.Chain.Storage(ctx, k, at)
			if err != nil {
				return err
			}
			if !found {
				continue
			}
			parts, err := e.DecodeKey(k)
			if err != nil {
				return err
			}
			v, err := e.DecodeValue(raw)
			if err != nil {
				return err
			}
			if err := fn(parts, v); err != nil {
				return err
			}
		}
		if len(keys) < KeyPageSize {
			return nil
		}
		start = keys[len(keys)-1]
	}
}

// RawArg is a runtime API argument already SCALE-encoded.
type RawArg []byte

// CallAPI calls runtime API method api_method at block at. Arguments are
// value JSON encoded by the method's input types from metadata (or RawArg);
// the result is decoded by its output type.
func (s *Session) CallAPI(ctx context.Context, rt *Runtime, at chainclient.Hash, api, method string, args ...any) (any, error) {
	m, err := rt.Meta.APIMethod(api, method)
	if err != nil {
		return nil, err
	}
	if len(args) != len(m.Inputs) {
		return nil, fmt.Errorf("runtime API %s_%s takes %d arguments, got %d", api, method, len(m.Inputs), len(args))
	}
	var in []byte
	for i, p := range m.Inputs {
		if raw, ok := args[i].(RawArg); ok {
			in = append(in, raw...)
			continue
		}
		in, err = rt.Codec.AppendEncode(in, p.Type, args[i])
		if err != nil {
			return nil, fmt.Errorf("runtime API %s_%s argument %s: %w", api, method, p.Name, err)
		}
	}
	out, err := s.Chain.RuntimeCall(ctx, api+"_"+method, in, at)
	if err != nil {
		return nil, err
	}
	v, err := rt.Codec.Decode(m.Output, out)
	if err != nil {
		return nil, fmt.Errorf("runtime API %s_%s result: %w", api, method, err)
	}
	return v, nil
}
