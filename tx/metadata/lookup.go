package metadata

import (
	"errors"
	"fmt"
)

// ErrUnknownPallet means no pallet has the given name or index.
var ErrUnknownPallet = errors.New("metadata: unknown pallet")

// Pallet finds a pallet by name.
func (m *Metadata) Pallet(name string) (*Pallet, error) {
	for i := range m.Pallets {
		if m.Pallets[i].Name == name {
			return &m.Pallets[i], nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownPallet, name)
}

// PalletByIndex finds a pallet by its index.
func (m *Metadata) PalletByIndex(index uint8) (*Pallet, error) {
	for i := range m.Pallets {
		if m.Pallets[i].Index == index {
			return &m.Pallets[i], nil
		}
	}
	return nil, fmt.Errorf("%w: index %d", ErrUnknownPallet, index)
}

// EnumKind selects a pallet's calls, events or errors.
type EnumKind uint8

// The pallet enums.
const (
	Calls EnumKind = iota
	Events
	Errors
)

// String returns "call", "event" or "error".
func (k EnumKind) String() string {
	switch k {
	case Calls:
		return "call"
	case Events:
		return "event"
	}
	return "error"
}

// Enum returns the pallet's calls, events or errors enum (nil if absent).
func (p *Pallet) Enum(k EnumKind) *PalletEnum {
	switch k {
	case Calls:
		return p.Calls
	case Events:
		return p.Events
	}
	return p.Errors
}

// Item is a pallet call, event or error: the pallet and the enum variant
// with its index, fields and docs.
type Item struct {
	Pallet  *Pallet
	Variant *Variant
	Kind    EnumKind
	// Deprecation of the variant (v16), zero if not deprecated.
	Deprecation Deprecation
}

// Variants lists a pallet's calls, events or errors (nil if it has none).
func (m *Metadata) Variants(p *Pallet, k EnumKind) []Variant {
	e := p.Enum(k)
	if e == nil {
		return nil
	}
	vs, err := m.Types.Variants(e.Type)
	if err != nil {
		return nil
	}
	return vs
}

// ErrUnknownItem means a pallet has no call, event, error, storage entry,
// constant or runtime API of that name.
var ErrUnknownItem = errors.New("metadata: unknown item")

func (m *Metadata) item(p *Pallet, k EnumKind, name string, index int) (*Item, error) {
	e := p.Enum(k)
	if e == nil {
		return nil, fmt.Errorf("%w: pallet %s has no %ss", ErrUnknownItem, p.Name, k)
	}
	var v *Variant
	var err error
	if index < 0 {
		v, err = m.Types.VariantByName(e.Type, name)
	} else {
		v, err = m.Types.VariantByIndex(e.Type, uint8(index))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: %w", ErrUnknownItem, p.Name, k, err)
	}
	it := &Item{Pallet: p, Variant: v, Kind: k}
	for _, d := range e.Deprecated {
		if d.Index == v.Index {
			it.Deprecation = d.Deprecation
		}
	}
	return it, nil
}

func (m *Metadata) lookup(k EnumKind, pallet, name string) (*Item, error) {
	p, err := m.Pallet(pallet)
	if err != nil {
		return nil, err
	}
	return m.item(p, k, name, -1)
}

func (m *Metadata) lookupIndex(k EnumKind, pallet, index uint8) (*Item, error) {
	p, err := m.PalletByIndex(pallet)
	if err != nil {
		return nil, err
	}
	return m.item(p, k, "", int(index))
}

// Call finds a call by pallet and call name ("Balances", "transfer_keep_alive").
func (m *Metadata) Call(pallet, name string) (*Item, error) { return m.lookup(Calls, pallet, name) }

// Event finds an event by pallet and event name.
func (m *Metadata) Event(pallet, name string) (*Item, error) { return m.lookup(Events, pallet, name) }

// Error finds a pallet error by pallet and error name.
func (m *Metadata) Error(pallet, name string) (*Item, error) { return m.lookup(Errors, pallet, name) }

// CallByIndex finds a call by pallet index and call index (the first two
// bytes of an encoded call).
func (m *Metadata) CallByIndex(pallet, index uint8) (*Item, error) {
	return m.lookupIndex(Calls, pallet, index)
}

// EventByIndex finds an event by pallet index and event index.
func (m *Metadata) EventByIndex(pallet, index uint8) (*Item, error) {
	return m.lookupIndex(Events, pallet, index)
}

// ErrorByIndex finds a pallet error by pallet index and error index (as in
// DispatchError::Module).
func (m *Metadata) ErrorByIndex(pallet, index uint8) (*Item, error) {
	return m.lookupIndex(Errors, pallet, index)
}

// StorageEntry finds a storage entry of the pallet by name.
func (p *Pallet) StorageEntry(name string) (*StorageEntry, error) {
	if p.Storage != nil {
		for i := range p.Storage.Entries {
			if p.Storage.Entries[i].Name == name {
				return &p.Storage.Entries[i], nil
			}
		}
	}
	return nil, fmt.Errorf("%w: storage %s.%s", ErrUnknownItem, p.Name, name)
}

// Constant finds a constant of the pallet by name.
func (p *Pallet) Constant(name string) (*Constant, error) {
	for i := range p.Constants {
		if p.Constants[i].Name == name {
			return &p.Constants[i], nil
		}
	}
	return nil, fmt.Errorf("%w: constant %s.%s", ErrUnknownItem, p.Name, name)
}

// Storage finds a storage entry by pallet and entry name, returning the
// pallet too (its storage prefix is part of the key).
func (m *Metadata) Storage(pallet, name string) (*Pallet, *StorageEntry, error) {
	p, err := m.Pallet(pallet)
	if err != nil {
		return nil, nil, err
	}
	e, err := p.StorageEntry(name)
	if err != nil {
		return nil, nil, err
	}
	return p, e, nil
}

// Constant finds a pallet constant by pallet and constant name.
func (m *Metadata) Constant(pallet, name string) (*Constant, error) {
	p, err := m.Pallet(pallet)
	if err != nil {
		return nil, err
	}
	return p.Constant(name)
}

// RuntimeAPI finds a runtime API by trait name ("Core", "AccountNonceApi").
func (m *Metadata) RuntimeAPI(name string) (*RuntimeAPI, error) {
	for i := range m.APIs {
		if m.APIs[i].Name == name {
			return &m.APIs[i], nil
		}
	}
	return nil, fmt.Errorf("%w: runtime API %q (metadata v%d)", ErrUnknownItem, name, m.Version)
}

// Method finds a method of a runtime API by name.
func (a *RuntimeAPI) Method(name string) (*RuntimeAPIMethod, error) {
	for i := range a.Methods {
		if a.Methods[i].Name == name {
			return &a.Methods[i], nil
		}
	}
	return nil, fmt.Errorf("%w: runtime API method %s_%s", ErrUnknownItem, a.Name, name)
}

// APIMethod finds method of runtime API api (BlockBuilder, apply_extrinsic).
func (m *Metadata) APIMethod(api, method string) (*RuntimeAPIMethod, error) {
	a, err := m.RuntimeAPI(api)
	if err != nil {
		return nil, err
	}
	return a.Method(method)
}

// CallType returns the outer call enum type (RuntimeCall): from the outer
// enums (v15+) or the extrinsic's Call type parameter (v14).
func (m *Metadata) CallType() (TypeID, bool) {
	if m.OuterEnums != nil {
		return m.OuterEnums.Call, true
	}
	return m.Extrinsic.CallType, m.Extrinsic.HasTypes
}

// EventType returns the outer event enum type (RuntimeEvent). In v14 it is
// found as the type of System.Events' record `event` field.
func (m *Metadata) EventType() (TypeID, bool) {
	if m.OuterEnums != nil {
		return m.OuterEnums.Event, true
	}
	_, e, err := m.Storage("System", "Events")
	if err != nil {
		return 0, false
	}
	// Vec<EventRecord<RuntimeEvent, Hash>>
	t, err := m.Types.Type(e.Value)
	if err != nil || t.Def.Kind != KindSequence {
		return 0, false
	}
	rec, err := m.Types.Type(t.Def.Elem)
	if err != nil || rec.Def.Kind != KindComposite {
		return 0, false
	}
	for _, f := range rec.Def.Fields {
		if f.Name == "event" {
			return f.Type, true
		}
	}
	return 0, false
}

// ExtensionsFor returns the transaction extensions of an extension version
// in order (v14/v15: version 0 lists all signed extensions).
func (x *Extrinsic) ExtensionsFor(version uint8) ([]Extension, error) {
	for _, ev := range x.ExtensionsByVersion {
		if ev.Version != version {
			continue
		}
		out := make([]Extension, 0, len(ev.Indices))
		for _, i := range ev.Indices {
			if uint64(i) >= uint64(len(x.Extensions)) {
				return nil, fmt.Errorf("%w: extension index %d", ErrMalformed, i)
			}
			out = append(out, x.Extensions[i])
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: transaction extension version %d", ErrUnknownItem, version)
}
