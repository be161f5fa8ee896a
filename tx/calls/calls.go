// Package calls builds the calls of ksm's mission transactions (transfers,
// batches; staking, pools, voting, claims and registrar calls in their own
// files) from runtime metadata. Pallet and call indices and argument types
// always come from the metadata; a builder only knows names and the shape
// of the arguments, and fails with a clear error when the runtime lacks the
// call (metadata.ErrUnknownPallet / ErrUnknownItem or value.ErrUnknownCall).
//
// Every builder returns the SCALE encoding of a RuntimeCall, ready for
// extrinsic.Format.SigningPayload or for BatchAll.
package calls

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/ksm-wallet/ksm/tx/value"
)

// Builder builds calls for one runtime.
type Builder struct {
	c *value.Codec
}

// New returns a Builder over the codec's metadata.
func New(c *value.Codec) *Builder { return &Builder{c: c} }

// Codec returns the value codec the builder uses.
func (b *Builder) Codec() *value.Codec { return b.c }

// Has reports whether the runtime has the call pallet.name.
func (b *Builder) Has(pallet, name string) bool {
	_, err := b.c.Metadata().Call(pallet, name)
	return err == nil
}

// Call encodes any call by names, with arguments as value JSON (an Object
// or map keyed by argument name; nil for none).
func (b *Builder) Call(pallet, name string, args any) ([]byte, error) {
	out, err := b.c.CallByName(pallet, name, args)
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %w", pallet, name, err)
	}
	return out, nil
}

// Dest is the value JSON of an account as a call argument: a bare address
// string, which value accepts for an AccountId32 and for MultiAddress::Id.
func (b *Builder) Dest(id [32]byte) any { return b.c.FormatAccount(id) }

// TransferKeepAlive is Balances.transfer_keep_alive(dest, value): fails
// on chain rather than leave the sender below the existential deposit.
func (b *Builder) TransferKeepAlive(dest [32]byte, amount *big.Int) ([]byte, error) {
	return b.Call("Balances", "transfer_keep_alive", value.Object{{Name: "dest", Value: b.Dest(dest)}, {Name: "value", Value: amount}})
}

// TransferAllowDeath is Balances.transfer_allow_death(dest, value) (the
// older runtimes' Balances.transfer), which may reap the sender.
func (b *Builder) TransferAllowDeath(dest [32]byte, amount *big.Int) ([]byte, error) {
	name := "transfer_allow_death"
	if !b.Has("Balances", name) && b.Has("Balances", "transfer") {
		name = "transfer"
	}
	return b.Call("Balances", name, value.Object{{Name: "dest", Value: b.Dest(dest)}, {Name: "value", Value: amount}})
}

// TransferAll is Balances.transfer_all(dest, keep_alive): everything
// transferable goes to dest.
func (b *Builder) TransferAll(dest [32]byte, keepAlive bool) ([]byte, error) {
	return b.Call("Balances", "transfer_all", value.Object{{Name: "dest", Value: b.Dest(dest)}, {Name: "keep_alive", Value: keepAlive}})
}

// ErrEmptyBatch means a batch of no calls.
var ErrEmptyBatch = errors.New("calls: empty batch")

// BatchAll wraps encoded calls into Utility.batch_all (all or nothing). One
// call is returned as is.
func (b *Builder) BatchAll(calls [][]byte) ([]byte, error) { return b.batch("batch_all", calls) }

// Batch wraps encoded calls into Utility.batch (stops at the first failure,
// keeping the effects of the calls before it).
func (b *Builder) Batch(calls [][]byte) ([]byte, error) { return b.batch("batch", calls) }

func (b *Builder) batch(name string, calls [][]byte) ([]byte, error) {
	switch len(calls) {
	case 0:
		return nil, ErrEmptyBatch
	case 1:
		return calls[0], nil
	}
	if _, err := b.c.Metadata().Call("Utility", name); err != nil {
		return nil, fmt.Errorf("batch: the runtime has no Utility.%s: %w", name, err)
	}
	items := make([]any, len(calls))
	for i, c := range calls {
		d, err := b.c.DecodeCall(c)
		if err != nil {
			return nil, fmt.Errorf("batch: call %d: %w", i, err)
		}
		items[i] = d
	}
	return b.Call("Utility", name, value.Object{{Name: "calls", Value: items}})
}

// Split returns the calls of a Utility.batch, batch_all or force_batch
// (none for an empty batch), or the call itself when it is not a batch.
func (b *Builder) Split(call []byte) ([]*value.Call, error) {
	d, err := b.c.DecodeCall(call)
	if err != nil {
		return nil, err
	}
	if d.Pallet != "Utility" || (d.Name != "batch" && d.Name != "batch_all" && d.Name != "force_batch") {
		return []*value.Call{d}, nil
	}
	v, _ := d.Args.Get("calls")
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: Utility.%s calls", value.ErrType, d.Name)
	}
	out := make([]*value.Call, 0, len(items))
	for _, it := range items {
		c, err := value.CallOf(it)
		if err != nil {
			return nil, fmt.Errorf("Utility.%s: %w", d.Name, err)
		}
		out = append(out, c)
	}
	return out, nil
}
