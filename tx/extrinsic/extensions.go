package extrinsic

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// ErrMissingParam means a parameter an extension needs was not supplied.
var ErrMissingParam = errors.New("extrinsic: missing parameter")

// Params are the values a signer chooses for the transaction extensions.
// Which of them end up in the extrinsic depends on the extensions the
// metadata lists.
type Params struct {
	// SpecVersion and TxVersion are the runtime's spec and transaction versions.
	SpecVersion uint32
	TxVersion   uint32
	// GenesisHash is the chain's genesis block hash.
	GenesisHash [32]byte
	// Era is the validity window; BlockHash the hash of its birth block
	// (for an immortal era, BlockHash must be the genesis hash).
	Era       Era
	BlockHash [32]byte
	// Nonce is the sender's account nonce.
	Nonce uint64
	// Tip is an optional tip for the block author (nil means 0).
	Tip *big.Int
	// MetadataHash, when not nil, enables CheckMetadataHash with this
	// RFC-0078 digest; nil signs with the mode Disabled.
	MetadataHash *[32]byte
}

// Extra holds the values read from the extensions' extrinsic data; Has*
// report which extensions were present.
type Extra struct {
	Era      Era
	HasEra   bool
	Nonce    uint64
	HasNonce bool
	Tip      *big.Int
	HasTip   bool
	AssetID  []byte // ChargeAssetTxPayment's encoded Option<AssetId>, when present
	// MetadataHashMode is CheckMetadataHash's mode byte (0 Disabled, 1 Enabled).
	MetadataHashMode uint8
	HasMode          bool
}

// Additional holds the values read from the extensions' signed-only data.
type Additional struct {
	SpecVersion    uint32
	HasSpecVersion bool
	TxVersion      uint32
	HasTxVersion   bool
	GenesisHash    [32]byte
	HasGenesis     bool
	BlockHash      [32]byte
	HasBlockHash   bool
	MetadataHash   *[32]byte
	HasMetaHash    bool
}

// extension is one transaction extension resolved against the registry.
type extension struct {
	id                string
	kind              extKind
	extra, implicit   metadata.TypeID
	extraZero, imZero bool
	// resolved leaf types for the data ksm reads and writes
	extraLeaf, implicitLeaf *metadata.Type
	hasTip, hasAsset        bool // ChargeAssetTxPayment's fields were found
}

type extKind uint8

const (
	extOther extKind = iota // zero-sized (or unknown with data: an error when used)
	extSpecVersion
	extTxVersion
	extGenesis
	extMortality
	extNonce
	extTip
	extAssetTip
	extMetadataHash
)

var extKinds = map[string]extKind{
	"CheckSpecVersion":         extSpecVersion,
	"CheckTxVersion":           extTxVersion,
	"CheckGenesis":             extGenesis,
	"CheckMortality":           extMortality,
	"CheckEra":                 extMortality,
	"CheckNonce":               extNonce,
	"ChargeTransactionPayment": extTip,
	"ChargeAssetTxPayment":     extAssetTip,
	"CheckMetadataHash":        extMetadataHash,
}

// ErrUnknownExtension means the metadata lists a transaction extension
// that carries data ksm does not know how to fill or read.
var ErrUnknownExtension = errors.New("extrinsic: unknown transaction extension with data")

// resolveExtension checks an extension's types against what its name implies.
func resolveExtension(reg *metadata.Registry, x metadata.Extension) (extension, error) {
	e := extension{id: x.Identifier, kind: extKinds[x.Identifier], extra: x.Type, implicit: x.Implicit}
	var err error
	if e.extraZero, err = zeroSized(reg, x.Type); err != nil {
		return e, fmt.Errorf("extension %s: %w", x.Identifier, err)
	}
	if e.imZero, err = zeroSized(reg, x.Implicit); err != nil {
		return e, fmt.Errorf("extension %s: %w", x.Identifier, err)
	}
	wantExtra, wantImplicit := false, false
	switch e.kind {
	case extSpecVersion, extTxVersion, extGenesis:
		wantImplicit = true
	case extMortality, extMetadataHash:
		wantExtra, wantImplicit = true, true
	case extNonce, extTip, extAssetTip:
		wantExtra = true
	case extOther:
		if !e.extraZero || !e.imZero {
			e.kind = extOther
			return e, nil // reported when used: ErrUnknownExtension
		}
		return e, nil
	}
	if !wantExtra && !e.extraZero || !wantImplicit && !e.imZero || wantExtra && e.extraZero || wantImplicit && e.imZero {
		return e, fmt.Errorf("%w: extension %s has unexpected types %s / %s", ErrMetadata, x.Identifier, reg.Name(x.Type), reg.Name(x.Implicit))
	}
	if wantExtra {
		stop := func(t *metadata.Type) bool { return false }
		switch e.kind {
		case extMortality:
			stop = isEra
		case extAssetTip:
			stop = func(t *metadata.Type) bool { return hasField(t, "tip") }
		case extMetadataHash:
			stop = func(t *metadata.Type) bool { return t.Def.Kind == metadata.KindVariant }
		}
		if e.extraLeaf, err = unwrap(reg, x.Type, stop); err != nil {
			return e, fmt.Errorf("extension %s: %w", x.Identifier, err)
		}
		if err := e.checkExtraLeaf(reg); err != nil {
			return e, err
		}
	}
	if wantImplicit {
		if e.implicitLeaf, err = unwrap(reg, x.Implicit, func(t *metadata.Type) bool { return isOption(t) }); err != nil {
			return e, fmt.Errorf("extension %s: %w", x.Identifier, err)
		}
		if err := e.checkImplicitLeaf(reg); err != nil {
			return e, err
		}
	}
	return e, nil
}

func isEra(t *metadata.Type) bool {
	return t.Def.Kind == metadata.KindVariant && len(t.Path) > 0 && t.Path[len(t.Path)-1] == "Era"
}

func isOption(t *metadata.Type) bool {
	return t.Def.Kind == metadata.KindVariant && len(t.Path) == 1 && t.Path[0] == "Option"
}

func hasField(t *metadata.Type, name string) bool {
	if t.Def.Kind != metadata.KindComposite {
		return false
	}
	for _, f := range t.Def.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

func (e *extension) bad(reg *metadata.Registry, what string, id metadata.TypeID) error {
	return fmt.Errorf("%w: extension %s: %s has type %s", ErrMetadata, e.id, what, reg.Name(id))
}

// uintType reports whether t is an unsigned integer or a compact one.
func uintType(reg *metadata.Registry, t *metadata.Type) bool {
	switch t.Def.Kind {
	case metadata.KindPrimitive:
		return t.Def.Primitive.IsInteger() && !t.Def.Primitive.Signed()
	case metadata.KindCompact:
		inner, err := unwrap(reg, t.Def.Elem, nil)
		return err == nil && inner.Def.Kind == metadata.KindPrimitive && inner.Def.Primitive.IsInteger() && !inner.Def.Primitive.Signed()
	}
	return false
}

// hash32Type reports whether t is [u8; 32] (possibly wrapped, as H256).
func hash32Type(reg *metadata.Registry, t *metadata.Type) bool {
	if t.Def.Kind != metadata.KindArray || t.Def.Len != 32 {
		return false
	}
	el, err := reg.Type(t.Def.Elem)
	return err == nil && el.Def.Kind == metadata.KindPrimitive && el.Def.Primitive == metadata.U8
}

func (e *extension) checkExtraLeaf(reg *metadata.Registry) error {
	t := e.extraLeaf
	switch e.kind {
	case extMortality:
		if !isEra(t) {
			return e.bad(reg, "extra", e.extra)
		}
	case extNonce, extTip:
		if !uintType(reg, t) {
			return e.bad(reg, "extra", e.extra)
		}
	case extAssetTip:
		if !hasField(t, "tip") {
			return e.bad(reg, "extra", e.extra)
		}
		for _, f := range t.Def.Fields {
			switch f.Name {
			case "tip":
				ft, err := unwrap(reg, f.Type, nil)
				if err != nil || !uintType(reg, ft) {
					return e.bad(reg, "tip", f.Type)
				}
				e.hasTip = true
			case "asset_id":
				at, err := reg.Type(f.Type)
				if err != nil || !isOption(at) {
					return e.bad(reg, "asset_id", f.Type)
				}
				e.hasAsset = true
			default:
				if z, err := zeroSized(reg, f.Type); err != nil || !z {
					return e.bad(reg, "field "+f.Name, f.Type)
				}
			}
		}
		if !e.hasTip || !e.hasAsset {
			return e.bad(reg, "extra (want tip and asset_id)", e.extra)
		}
	case extMetadataHash:
		if t.Def.Kind != metadata.KindVariant {
			return e.bad(reg, "mode", e.extra)
		}
		for _, v := range t.Def.Variants {
			if len(v.Fields) != 0 {
				return e.bad(reg, "mode", e.extra)
			}
		}
	}
	return nil
}

func (e *extension) checkImplicitLeaf(reg *metadata.Registry) error {
	t := e.implicitLeaf
	switch e.kind {
	case extSpecVersion, extTxVersion:
		if t.Def.Kind != metadata.KindPrimitive || t.Def.Primitive != metadata.U32 {
			return e.bad(reg, "implicit", e.implicit)
		}
	case extGenesis, extMortality:
		if !hash32Type(reg, t) {
			return e.bad(reg, "implicit", e.implicit)
		}
	case extMetadataHash:
		ok := isOption(t)
		if ok {
			for _, v := range t.Def.Variants {
				if v.Name == "Some" {
					ok = len(v.Fields) == 1
					if ok {
						in, err := unwrap(reg, v.Fields[0].Type, nil)
						ok = err == nil && hash32Type(reg, in)
					}
				}
			}
		}
		if !ok {
			return e.bad(reg, "implicit", e.implicit)
		}
	}
	return nil
}

func appendUint(reg *metadata.Registry, dst []byte, t *metadata.Type, v *big.Int) ([]byte, error) {
	if v == nil {
		v = new(big.Int)
	}
	if v.Sign() < 0 {
		return dst, fmt.Errorf("negative value %s", v)
	}
	if t.Def.Kind == metadata.KindCompact {
		inner, err := unwrap(reg, t.Def.Elem, nil)
		if err != nil {
			return dst, err
		}
		if v.BitLen() > 8*inner.Def.Primitive.Size() {
			return dst, fmt.Errorf("%w: %s does not fit %s", scale.ErrOverflow, v, inner.Def.Primitive)
		}
		if v.IsUint64() {
			return scale.AppendCompact(dst, v.Uint64()), nil
		}
		return scale.AppendCompactBig(dst, v)
	}
	return scale.AppendUint(dst, v, t.Def.Primitive.Size())
}

func readUint(reg *metadata.Registry, d *scale.Decoder, t *metadata.Type) (*big.Int, error) {
	if t.Def.Kind == metadata.KindCompact {
		inner, err := unwrap(reg, t.Def.Elem, nil)
		if err != nil {
			return nil, err
		}
		v, err := d.Compact()
		if err != nil {
			return nil, err
		}
		if v.BitLen() > 8*inner.Def.Primitive.Size() {
			return nil, fmt.Errorf("%w: %s does not fit %s", scale.ErrOverflow, v, inner.Def.Primitive)
		}
		return v, nil
	}
	return d.Uint(t.Def.Primitive.Size())
}

// unknownErr names an extension ksm cannot fill.
func (e *extension) unknownErr(reg *metadata.Registry) error {
	var parts []string
	if !e.extraZero {
		parts = append(parts, "extra "+reg.Name(e.extra))
	}
	if !e.imZero {
		parts = append(parts, "implicit "+reg.Name(e.implicit))
	}
	return fmt.Errorf("%w: %s (%s)", ErrUnknownExtension, e.id, strings.Join(parts, ", "))
}

func (e *extension) appendExtra(reg *metadata.Registry, dst []byte, p *Params) ([]byte, error) {
	if e.kind == extOther {
		if !e.extraZero || !e.imZero {
			return dst, e.unknownErr(reg)
		}
		return dst, nil
	}
	if e.extraLeaf == nil {
		return dst, nil
	}
	switch e.kind {
	case extMortality:
		return AppendEra(dst, p.Era)
	case extNonce:
		return appendUint(reg, dst, e.extraLeaf, new(big.Int).SetUint64(p.Nonce))
	case extTip:
		return appendUint(reg, dst, e.extraLeaf, p.Tip)
	case extAssetTip:
		for _, f := range e.extraLeaf.Def.Fields {
			switch f.Name {
			case "tip":
				ft, err := unwrap(reg, f.Type, nil)
				if err != nil {
					return dst, err
				}
				if dst, err = appendUint(reg, dst, ft, p.Tip); err != nil {
					return dst, err
				}
			case "asset_id":
				dst = append(dst, 0) // None: pay in the native token
			}
		}
		return dst, nil
	case extMetadataHash:
		if p.MetadataHash != nil {
			return append(dst, 1), nil
		}
		return append(dst, 0), nil
	}
	return dst, nil
}

func (e *extension) appendImplicit(reg *metadata.Registry, dst []byte, p *Params) ([]byte, error) {
	if e.kind == extOther && (!e.extraZero || !e.imZero) {
		return dst, e.unknownErr(reg)
	}
	if e.implicitLeaf == nil {
		return dst, nil
	}
	switch e.kind {
	case extSpecVersion:
		return scale.AppendU32(dst, p.SpecVersion), nil
	case extTxVersion:
		return scale.AppendU32(dst, p.TxVersion), nil
	case extGenesis:
		return append(dst, p.GenesisHash[:]...), nil
	case extMortality:
		if !p.Era.Mortal && p.BlockHash != p.GenesisHash {
			return dst, fmt.Errorf("%w: an immortal era signs the genesis hash, not block hash 0x%x", ErrMissingParam, p.BlockHash)
		}
		return append(dst, p.BlockHash[:]...), nil
	case extMetadataHash:
		if p.MetadataHash == nil {
			return append(dst, 0), nil
		}
		return append(append(dst, 1), p.MetadataHash[:]...), nil
	}
	return dst, nil
}

// skipUnknown skips data of e that ksm does not model (an unknown
// extension, or a part of a known one whose type it does not recognise, leaf
// nil) by its type typ, so that the rest still decodes; it reports whether it
// did. zero says the type is zero-sized.
func (e *extension) skipUnknown(reg *metadata.Registry, d *scale.Decoder, leaf *metadata.Type, zero bool, typ metadata.TypeID) (bool, error) {
	if e.kind != extOther && leaf != nil {
		return false, nil
	}
	if zero {
		return true, nil
	}
	return true, skipValue(reg, d, typ, 0)
}

func (e *extension) readExtra(reg *metadata.Registry, d *scale.Decoder, x *Extra) error {
	if skipped, err := e.skipUnknown(reg, d, e.extraLeaf, e.extraZero, e.extra); skipped {
		return err
	}
	var err error
	switch e.kind {
	case extMortality:
		x.Era, err = DecodeEra(d)
		x.HasEra = true
	case extNonce:
		var v *big.Int
		if v, err = readUint(reg, d, e.extraLeaf); err == nil {
			if !v.IsUint64() {
				return fmt.Errorf("%w: nonce %s", scale.ErrOverflow, v)
			}
			x.Nonce, x.HasNonce = v.Uint64(), true
		}
	case extTip:
		x.Tip, err = readUint(reg, d, e.extraLeaf)
		x.HasTip = true
	case extAssetTip:
		for _, f := range e.extraLeaf.Def.Fields {
			switch f.Name {
			case "tip":
				ft, err := unwrap(reg, f.Type, nil)
				if err != nil {
					return err
				}
				if x.Tip, err = readUint(reg, d, ft); err != nil {
					return err
				}
				x.HasTip = true
			case "asset_id":
				before := d.Rest()
				if err := skipValue(reg, d, f.Type, 0); err != nil {
					return err
				}
				x.AssetID = append([]byte(nil), before[:len(before)-d.Remaining()]...)
			}
		}
	case extMetadataHash:
		var m uint8
		if m, err = d.U8(); err == nil {
			if _, err = reg.VariantByIndex(e.extraLeaf.ID, m); err == nil {
				x.MetadataHashMode, x.HasMode = m, true
			}
		}
	}
	return err
}

func (e *extension) readImplicit(reg *metadata.Registry, d *scale.Decoder, a *Additional) error {
	if skipped, err := e.skipUnknown(reg, d, e.implicitLeaf, e.imZero, e.implicit); skipped {
		return err
	}
	var err error
	switch e.kind {
	case extSpecVersion:
		a.SpecVersion, err = d.U32()
		a.HasSpecVersion = true
	case extTxVersion:
		a.TxVersion, err = d.U32()
		a.HasTxVersion = true
	case extGenesis:
		err = d.Fixed(a.GenesisHash[:])
		a.HasGenesis = true
	case extMortality:
		err = d.Fixed(a.BlockHash[:])
		a.HasBlockHash = true
	case extMetadataHash:
		var some bool
		if some, err = d.OptionTag(); err == nil && some {
			var h [32]byte
			err = d.Fixed(h[:])
			a.MetadataHash = &h
		}
		a.HasMetaHash = true
	}
	return err
}
