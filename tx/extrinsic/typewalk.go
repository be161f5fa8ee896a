package extrinsic

import (
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// maxDepth bounds type nesting while walking the registry, so a recursive or
// malicious registry cannot recurse without end.
const maxDepth = 512

var errTooDeep = errors.New("type nesting too deep")

// zeroSized reports whether every value of type id encodes to no bytes:
// empty composites and tuples, arrays of length 0, and compositions of those.
func zeroSized(reg *metadata.Registry, id metadata.TypeID) (bool, error) {
	return zeroSizedDepth(reg, id, 0)
}

func zeroSizedDepth(reg *metadata.Registry, id metadata.TypeID, depth int) (bool, error) {
	if depth > maxDepth {
		return false, errTooDeep
	}
	t, err := reg.Type(id)
	if err != nil {
		return false, err
	}
	d := &t.Def
	switch d.Kind {
	case metadata.KindComposite:
		for _, f := range d.Fields {
			if z, err := zeroSizedDepth(reg, f.Type, depth+1); err != nil || !z {
				return false, err
			}
		}
		return true, nil
	case metadata.KindTuple:
		for _, e := range d.Tuple {
			if z, err := zeroSizedDepth(reg, e, depth+1); err != nil || !z {
				return false, err
			}
		}
		return true, nil
	case metadata.KindArray:
		if d.Len == 0 {
			return true, nil
		}
		return zeroSizedDepth(reg, d.Elem, depth+1)
	}
	return false, nil
}

// unwrap looks through wrapper types (composites and tuples with exactly one
// field that is not zero-sized, e.g. CheckNonce(Compact<u32>) or a
// SkipCheckIfFeeless wrapping ChargeAssetTxPayment) until stop says the
// type is the one wanted, or no wrapper is left.
func unwrap(reg *metadata.Registry, id metadata.TypeID, stop func(*metadata.Type) bool) (*metadata.Type, error) {
	for range maxDepth {
		t, err := reg.Type(id)
		if err != nil {
			return nil, err
		}
		if stop != nil && stop(t) {
			return t, nil
		}
		var members []metadata.TypeID
		switch t.Def.Kind {
		case metadata.KindComposite:
			for _, f := range t.Def.Fields {
				members = append(members, f.Type)
			}
		case metadata.KindTuple:
			members = t.Def.Tuple
		default:
			return t, nil
		}
		next, n := metadata.TypeID(0), 0
		for _, m := range members {
			z, err := zeroSized(reg, m)
			if err != nil {
				return nil, err
			}
			if !z {
				next, n = m, n+1
			}
		}
		if n != 1 {
			return t, nil
		}
		id = next
	}
	return nil, errTooDeep
}

// skipValue consumes one value of type id, checking its encoding as far as
// needed to find its end.
func skipValue(reg *metadata.Registry, d *scale.Decoder, id metadata.TypeID, depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	t, err := reg.Type(id)
	if err != nil {
		return err
	}
	def := &t.Def
	switch def.Kind {
	case metadata.KindComposite:
		for _, f := range def.Fields {
			if err := skipValue(reg, d, f.Type, depth+1); err != nil {
				return err
			}
		}
	case metadata.KindTuple:
		for _, e := range def.Tuple {
			if err := skipValue(reg, d, e, depth+1); err != nil {
				return err
			}
		}
	case metadata.KindVariant:
		idx, err := d.U8()
		if err != nil {
			return err
		}
		for _, v := range def.Variants {
			if v.Index == idx {
				for _, f := range v.Fields {
					if err := skipValue(reg, d, f.Type, depth+1); err != nil {
						return err
					}
				}
				return nil
			}
		}
		return fmt.Errorf("%w: index %d of %s", metadata.ErrUnknownVariant, idx, reg.Name(id))
	case metadata.KindSequence:
		z, err := zeroSized(reg, def.Elem)
		if err != nil {
			return err
		}
		minSize := 1
		if z {
			minSize = 0
		}
		n, err := d.Len(minSize)
		if err != nil {
			return err
		}
		if z {
			return nil
		}
		for range n {
			if err := skipValue(reg, d, def.Elem, depth+1); err != nil {
				return err
			}
		}
	case metadata.KindArray:
		if z, err := zeroSized(reg, def.Elem); err != nil || z {
			return err
		}
		if uint64(def.Len) > uint64(d.Remaining()) {
			return fmt.Errorf("%w: array of %d", scale.ErrUnexpectedEOF, def.Len)
		}
		for range def.Len {
			if err := skipValue(reg, d, def.Elem, depth+1); err != nil {
				return err
			}
		}
	case metadata.KindPrimitive:
		switch p := def.Primitive; p {
		case metadata.Bool:
			_, err = d.Bool()
		case metadata.Char:
			_, err = d.Take(4)
		case metadata.Str:
			_, err = d.String()
		default:
			if p.Size() == 0 {
				return fmt.Errorf("unknown primitive %s", p)
			}
			_, err = d.Take(p.Size())
		}
		return err
	case metadata.KindCompact:
		_, err = d.Compact()
		return err
	case metadata.KindBitSequence:
		st, err := unwrap(reg, def.BitStore, nil)
		if err != nil {
			return err
		}
		size := st.Def.Primitive.Size()
		if st.Def.Kind != metadata.KindPrimitive || size == 0 {
			return fmt.Errorf("bit sequence store type %s", reg.Name(def.BitStore))
		}
		bitsN, err := d.CompactU64()
		if err != nil {
			return err
		}
		words := (bitsN + uint64(size)*8 - 1) / (uint64(size) * 8)
		if words > uint64(d.Remaining())/uint64(size) {
			return fmt.Errorf("%w: bit sequence of %d bits", scale.ErrUnexpectedEOF, bitsN)
		}
		_, err = d.Take(int(words) * size)
		return err
	default:
		return fmt.Errorf("unknown type kind %s", def.Kind)
	}
	return nil
}
