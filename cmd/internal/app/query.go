package app

import (
	"context"
	"fmt"

	"github.com/ksm-wallet/ksm/cmd/internal/app/chainclient"
	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/storage"
	"github.com/ksm-wallet/ksm/tx/value"
)

// StorageQuery is one `query storage` read, as typed.
type StorageQuery struct {
	Pallet, Item string
	// Keys are the key parts: value JSON, or a bare string (an SS58
	// address, a name) where it is not JSON.
	Keys []string
	// Metadata builds the key and decodes the value when set (a file);
	// else the runtime's own metadata at the block read is used.
	Metadata *metadata.Metadata
}

// StorageValue is a value read by QueryStorage.
type StorageValue struct {
	Key   []byte
	Found bool
	// Raw is the SCALE value (nil when absent); Value is it decoded, or
	// the item's default when absent.
	Raw   []byte
	Value any
	// Block is the block read: on a parachain read through its relay
	// chain, the relay block whose state proved the head Para.
	Block BlockRef
	Para  *ParaBlock
	// Verified says the value was proven against the finalized state root.
	Verified bool
	// MetadataSource is "runtime" (executed over proven storage: then
	// MetadataVerified), "rpc" (an endpoint's claim) or "file".
	MetadataSource   string
	MetadataVerified bool
}

// ParaBlock is a parachain block read through its relay chain.
type ParaBlock struct {
	ID uint32
	BlockRef
}

// relayProven is a parachain Chain read through its relay chain
// (chain.LightPara): the relay block that proved the pinned head.
type relayProven interface {
	ParaID() uint32
	RelayBlock() (number uint32, hash chainclient.Hash, ok bool)
}

// QueryStorage reads PALLET.ITEM at the session's finalized block (the
// pinned one of a light client): the key built with the runtime's own
// metadata at that block unless the query gives a file's, the value proven
// by the chain (or claimed, --trust-rpc) and decoded.
func (s *Session) QueryStorage(ctx context.Context, q StorageQuery) (*StorageValue, error) {
	head, err := s.Chain.FinalizedHead(ctx)
	if err != nil {
		return nil, err
	}
	out := &StorageValue{Verified: s.Chain.Verified(), Block: BlockRef{Number: uint32(head.Number), Hash: head.Hash}}
	md := q.Metadata
	if md != nil {
		out.MetadataSource = "file"
	} else if out.Verified {
		// The runtime's own, executed over proven storage (and cached
		// per runtime version).
		rt, err := s.Runtime(ctx, head.Hash)
		if err != nil {
			return nil, fmt.Errorf("runtime metadata at #%d: %w", head.Number, err)
		}
		md, out.MetadataSource, out.MetadataVerified = rt.Meta, "runtime", true
	} else {
		// What the endpoint says (state_getMetadata).
		raw, err := s.Chain.Metadata(ctx, head.Hash)
		if err != nil {
			return nil, fmt.Errorf("metadata at #%d: %w", head.Number, err)
		}
		if md, err = metadata.Decode(raw); err != nil {
			return nil, fmt.Errorf("metadata from the endpoint: %w", err)
		}
		out.MetadataSource = "rpc"
	}
	entry, err := storage.Lookup(value.New(md, s.Token.SS58Prefix), q.Pallet, q.Item)
	if err != nil {
		return nil, Usagef("%v", err)
	}
	parts := make([]any, len(q.Keys))
	for i, a := range q.Keys {
		v, err := value.ParseJSON([]byte(a))
		if err != nil {
			v = a // a bare string (an SS58 address, a name)
		}
		parts[i] = v
	}
	if out.Key, err = entry.Key(parts...); err != nil {
		return nil, Usagef("key of %s.%s: %v", q.Pallet, q.Item, err)
	}
	if out.Raw, out.Found, err = s.Chain.Storage(ctx, out.Key, head.Hash); err != nil {
		return nil, err
	}
	if !out.Found {
		out.Raw = nil
	}
	if rp, ok := s.Chain.(relayProven); ok && out.Verified {
		if n, h, ok := rp.RelayBlock(); ok {
			out.Para = &ParaBlock{ID: rp.ParaID(), BlockRef: out.Block}
			out.Block = BlockRef{Number: n, Hash: h}
		}
	}
	if out.Value, err = entry.ValueOrDefault(out.Raw, out.Found); err != nil {
		return nil, fmt.Errorf("decode %s.%s: %w", q.Pallet, q.Item, err)
	}
	return out, nil
}
