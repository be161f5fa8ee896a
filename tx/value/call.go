package value

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/ksm-wallet/ksm/tx/metadata"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// Call is a decoded runtime call.
type Call struct {
	Pallet string `json:"pallet"`
	Name   string `json:"name"`
	// Args by field name in declaration order (positional names "0", "1",
	// ... for the rare call with unnamed fields).
	Args        Object   `json:"args"`
	PalletIndex uint8    `json:"-"`
	CallIndex   uint8    `json:"-"`
	Docs        []string `json:"-"`
}

// Object returns the call's value JSON form {"pallet", "name", "args"}.
func (c *Call) Object() Object {
	args := c.Args
	if args == nil {
		args = Object{}
	}
	return Object{{"pallet", c.Pallet}, {"name", c.Name}, {"args", args}}
}

// MarshalJSON writes the value JSON form.
func (c *Call) MarshalJSON() ([]byte, error) { return c.Object().MarshalJSON() }

// CallOf reads a call in its value form: a *Call, or an Object with the
// string fields "pallet" and "name" and the Object "args" (absent or null
// for none), as the codec decodes a nested call.
func CallOf(v any) (*Call, error) {
	switch x := v.(type) {
	case *Call:
		return x, nil
	case Object:
		p, _ := x.Get("pallet")
		n, _ := x.Get("name")
		a, _ := x.Get("args")
		ps, ok1 := p.(string)
		ns, ok2 := n.(string)
		args, ok3 := a.(Object)
		if a == nil {
			ok3 = true
		}
		if ok1 && ok2 && ok3 {
			return &Call{Pallet: ps, Name: ns, Args: args}, nil
		}
	}
	return nil, fmt.Errorf("%w: not a call: %T", ErrType, v)
}

// Event is a decoded runtime event.
type Event struct {
	Pallet      string
	Name        string
	PalletIndex uint8
	Index       uint8
	// Fields: an Object for named fields, []any for several unnamed ones,
	// the value for one unnamed field, nil for none.
	Fields any
	Docs   []string
}

// PalletError is a decoded DispatchError::Module error: the same fields as
// an Event, naming the pallet's error variant.
type PalletError Event

// ErrUnknownCall means a call names an unknown pallet or call.
var ErrUnknownCall = errors.New("value: unknown call")

// outer resolves the pallet variant of an outer enum (RuntimeCall,
// RuntimeEvent) to the pallet's own enum type.
func (c *Codec) outer(outerType metadata.TypeID, palletIdx uint8) (*metadata.Variant, *metadata.Type, error) {
	t, err := c.reg.Type(outerType)
	if err != nil {
		return nil, nil, err
	}
	if t.Def.Kind != metadata.KindVariant {
		return nil, nil, fmt.Errorf("%w: %s is not an enum", ErrType, c.reg.Name(outerType))
	}
	pv := findVariant(t, palletIdx)
	if pv == nil {
		return nil, nil, fmt.Errorf("%w: no pallet with index %d", ErrUnknownCall, palletIdx)
	}
	if len(pv.Fields) != 1 {
		return nil, nil, fmt.Errorf("%w: pallet variant %s has %d fields", ErrType, pv.Name, len(pv.Fields))
	}
	inner, err := c.reg.Type(pv.Fields[0].Type)
	if err != nil {
		return nil, nil, err
	}
	if inner.Def.Kind != metadata.KindVariant {
		return nil, nil, fmt.Errorf("%w: %s is not an enum", ErrType, c.reg.Name(inner.ID))
	}
	return pv, inner, nil
}

func (c *Codec) decCall(d *scale.Decoder, callType metadata.TypeID, depth int) (*Call, error) {
	pi, err := d.U8()
	if err != nil {
		return nil, err
	}
	pv, inner, err := c.outer(callType, pi)
	if err != nil {
		return nil, err
	}
	ci, err := d.U8()
	if err != nil {
		return nil, err
	}
	v := findVariant(inner, ci)
	if v == nil {
		return nil, fmt.Errorf("%w: %s has no call with index %d", ErrUnknownCall, pv.Name, ci)
	}
	call := &Call{Pallet: pv.Name, Name: v.Name, PalletIndex: pi, CallIndex: ci, Docs: v.Docs, Args: make(Object, 0, len(v.Fields))}
	for i, f := range v.Fields {
		val, err := c.dec(d, f.Type, depth+2)
		if err != nil {
			return nil, atPath(pv.Name+"."+v.Name+"."+fieldName(f, i), err)
		}
		call.Args = append(call.Args, Field{Name: fieldName(f, i), Value: c.displayBalance(f, val)})
	}
	return call, nil
}

func fieldName(f metadata.Field, i int) string {
	if f.Name != "" {
		return f.Name
	}
	return strconv.Itoa(i)
}

func (c *Codec) requireCallType() error {
	if !c.hasCall {
		return fmt.Errorf("%w: metadata does not name the call type", ErrType)
	}
	return nil
}

// DecodeCall decodes an encoded call (pallet index, call index, arguments)
// from all of b.
func (c *Codec) DecodeCall(b []byte) (*Call, error) {
	d := scale.NewDecoder(b)
	call, err := c.DecodeCallFrom(d)
	if err != nil {
		return nil, err
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("decode call %s.%s: %w", call.Pallet, call.Name, err)
	}
	return call, nil
}

// DecodeCallFrom decodes one call from d.
func (c *Codec) DecodeCallFrom(d *scale.Decoder) (*Call, error) {
	if err := c.requireCallType(); err != nil {
		return nil, err
	}
	call, err := c.decCall(d, c.callType, 0)
	if err != nil {
		return nil, fmt.Errorf("decode call: %w", err)
	}
	return call, nil
}

// EncodeCall encodes a call given as *Call, Call, Object, map[string]any
// ({"pallet", "name", "args"}) or value JSON text ([]byte / json.RawMessage).
func (c *Codec) EncodeCall(v any) ([]byte, error) {
	if err := c.requireCallType(); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case []byte:
		p, err := ParseJSON(x)
		if err != nil {
			return nil, err
		}
		v = p
	case json.RawMessage:
		p, err := ParseJSON(x)
		if err != nil {
			return nil, err
		}
		v = p
	}
	b, err := c.encCall(nil, v, 0)
	if err != nil {
		return nil, fmt.Errorf("encode call: %w", err)
	}
	return b, nil
}

// CallByName encodes a call from its pallet and call names and arguments.
func (c *Codec) CallByName(pallet, name string, args any) ([]byte, error) {
	if args == nil {
		args = Object{}
	}
	return c.EncodeCall(Object{{"pallet", pallet}, {"name", name}, {"args", args}})
}

func (c *Codec) encCall(dst []byte, v any, depth int) ([]byte, error) {
	var pallet, name string
	var args any
	switch x := v.(type) {
	case *Call:
		pallet, name, args = x.Pallet, x.Name, x.Args
	case Call:
		pallet, name, args = x.Pallet, x.Name, x.Args
	default:
		fields, ok := asObject(v)
		if !ok {
			return dst, fmt.Errorf("%w: a call is {\"pallet\", \"name\", \"args\"}, got %s", ErrType, describe(v))
		}
		for _, f := range fields {
			switch f.Name {
			case "pallet":
				pallet, _ = f.Value.(string)
			case "name":
				name, _ = f.Value.(string)
			case "args":
				args = f.Value
			default:
				return dst, fmt.Errorf("%w: unknown call key %q (want pallet, name, args)", ErrType, f.Name)
			}
		}
	}
	if pallet == "" || name == "" {
		return dst, fmt.Errorf("%w: a call needs \"pallet\" and \"name\" strings", ErrType)
	}
	t, err := c.reg.Type(c.callType)
	if err != nil {
		return dst, err
	}
	pv := variantNamed(t, pallet)
	if pv == nil {
		return dst, fmt.Errorf("%w: no pallet %q with calls", ErrUnknownCall, pallet)
	}
	_, inner, err := c.outer(c.callType, pv.Index)
	if err != nil {
		return dst, err
	}
	cv := variantNamed(inner, name)
	if cv == nil {
		return dst, fmt.Errorf("%w: pallet %s has no call %q", ErrUnknownCall, pallet, name)
	}
	dst = append(dst, pv.Index, cv.Index)
	if args == nil {
		args = Object{}
	}
	obj, ok := asObject(args)
	if !ok {
		return dst, fmt.Errorf("%w: %s.%s args must be an object, got %s", ErrType, pallet, name, describe(args))
	}
	used := 0
	for i, f := range cv.Fields {
		fn := fieldName(f, i)
		fv, ok := obj.Get(fn)
		if !ok {
			return dst, fmt.Errorf("%w: %s.%s: missing argument %q", ErrType, pallet, name, fn)
		}
		used++
		dst, err = c.enc(dst, f.Type, fv, depth+2)
		if err != nil {
			return dst, atPath(pallet+"."+name+"."+fn, err)
		}
	}
	if used != len(obj) {
		return dst, fmt.Errorf("%w: %s.%s: unknown arguments (want %s)", ErrType, pallet, name, fieldList(cv.Fields))
	}
	return dst, nil
}

func fieldList(fs []metadata.Field) string {
	s := ""
	for i, f := range fs {
		if i > 0 {
			s += ", "
		}
		s += fieldName(f, i)
	}
	return s
}

// DecodeEventFrom decodes one RuntimeEvent value from d.
func (c *Codec) DecodeEventFrom(d *scale.Decoder) (*Event, error) {
	et, ok := c.md.EventType()
	if !ok {
		return nil, fmt.Errorf("%w: metadata does not name the event type", ErrType)
	}
	pi, err := d.U8()
	if err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	pv, inner, err := c.outer(et, pi)
	if err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	ei, err := d.U8()
	if err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	v := findVariant(inner, ei)
	if v == nil {
		return nil, fmt.Errorf("decode event: %w: %s has no event with index %d", ErrType, pv.Name, ei)
	}
	f, err := c.decFields(d, v.Fields, 1)
	if err != nil {
		return nil, fmt.Errorf("decode event %s.%s: %w", pv.Name, v.Name, err)
	}
	return &Event{Pallet: pv.Name, Name: v.Name, PalletIndex: pi, Index: ei, Fields: f, Docs: v.Docs}, nil
}

// DecodeEvent decodes a RuntimeEvent value from all of b.
func (c *Codec) DecodeEvent(b []byte) (*Event, error) {
	d := scale.NewDecoder(b)
	e, err := c.DecodeEventFrom(d)
	if err != nil {
		return nil, err
	}
	return e, d.Finish()
}

// DecodeModuleError explains a DispatchError::Module { index, error }: the
// pallet with that index, the error variant named by error[0], and any
// fields the variant has (decoded from the following bytes; FRAME pads the
// 4-byte error with zeros).
func (c *Codec) DecodeModuleError(palletIndex uint8, errorBytes []byte) (*PalletError, error) {
	if len(errorBytes) == 0 {
		return nil, fmt.Errorf("%w: empty module error", ErrType)
	}
	it, err := c.md.ErrorByIndex(palletIndex, errorBytes[0])
	if err != nil {
		return nil, err
	}
	pe := &PalletError{Pallet: it.Pallet.Name, Name: it.Variant.Name, PalletIndex: palletIndex, Index: errorBytes[0], Docs: it.Variant.Docs}
	if len(it.Variant.Fields) > 0 {
		f, err := c.decFields(scale.NewDecoder(errorBytes[1:]), it.Variant.Fields, 1)
		if err != nil {
			return nil, fmt.Errorf("module error %s.%s fields: %w", pe.Pallet, pe.Name, err)
		}
		pe.Fields = f
	}
	return pe, nil
}

// Constant decodes a pallet constant's value.
func (c *Codec) Constant(pallet, name string) (any, error) {
	k, err := c.md.Constant(pallet, name)
	if err != nil {
		return nil, err
	}
	v, err := c.Decode(k.Type, k.Value)
	if err != nil {
		return nil, fmt.Errorf("constant %s.%s: %w", pallet, name, err)
	}
	return v, nil
}
