package value

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/ksm-wallet/ksm/tx/metadata"
)

// Sentinel errors (wrapped with the path of the offending value).
var (
	// ErrType means a Go value does not fit the metadata type.
	ErrType = errors.New("value: does not match the type")
	// ErrRange means a number does not fit the integer type.
	ErrRange = errors.New("value: number out of range")
)

// ErrDepth means a type nests deeper than MaxDepth.
var ErrDepth = errors.New("value: type nests too deeply")

// MaxDepth bounds type nesting when encoding and decoding.
const MaxDepth = 256

// maxZeroSized bounds arrays and sequences of zero-sized elements.
const maxZeroSized = 1 << 16

// Field is a member of an Object.
type Field struct {
	Name  string
	Value any
}

// Object is a JSON object that keeps its field order.
type Object []Field

// Get returns the value of the named field.
func (o Object) Get(name string) (any, bool) {
	for _, f := range o {
		if f.Name == name {
			return f.Value, true
		}
	}
	return nil, false
}

// MarshalJSON writes the fields in order.
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Name)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// ParseJSON parses value JSON, keeping numbers exact (json.Number) and
// refusing trailing data.
func ParseJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("value JSON: %w", err)
	}
	if d.More() {
		return nil, fmt.Errorf("value JSON: trailing data after the value")
	}
	return v, nil
}

// Codec encodes and decodes values of the types of one metadata. It is safe
// for concurrent use once its fields are set.
type Codec struct {
	md       *metadata.Metadata
	reg      *metadata.Registry
	callType metadata.TypeID
	hasCall  bool
	prefix   uint16
	// FormatAddress, when set, replaces the built-in SS58 formatting of
	// AccountId32 values on output.
	FormatAddress func(id [32]byte) string
	// ParseAddress, when set, replaces the built-in parsing of address
	// strings (SS58 of any prefix, or 0x-hex) on input.
	ParseAddress func(s string) ([32]byte, error)
	// FormatBalance, when set, writes integer fields whose Rust type names
	// a balance (Balance, BalanceOf<T>, T::Balance, ...) as the string it
	// returns, such as "1.5 KSM". Such output is for people: it does not
	// encode back.
	FormatBalance func(planck *big.Int) string

	minSize []int32 // memoized minimum encoded sizes, -1 unknown
}

// New returns a Codec for md that writes AccountId32 values as SS58
// addresses with the given prefix (2 for Kusama, 0 for Polkadot).
func New(md *metadata.Metadata, ss58Prefix uint16) *Codec {
	c := &Codec{md: md, reg: &md.Types, prefix: ss58Prefix}
	c.callType, c.hasCall = md.CallType()
	c.minSize = make([]int32, len(md.Types.Types))
	for i := range c.minSize {
		c.minSize[i] = -1
	}
	// Computed once here so the Codec is read-only (safe for concurrent use).
	for i := range c.minSize {
		c.minSizeOf(metadata.TypeID(i))
	}
	return c
}

// Metadata returns the metadata of the Codec.
func (c *Codec) Metadata() *metadata.Metadata { return c.md }

// SS58Prefix returns the address prefix used on output.
func (c *Codec) SS58Prefix() uint16 { return c.prefix }

// FormatAccount formats a 32-byte account id as the Codec prints it.
func (c *Codec) FormatAccount(id [32]byte) string {
	if c.FormatAddress != nil {
		return c.FormatAddress(id)
	}
	return encodeSS58(id[:], c.prefix)
}

// ParseAccount parses an address string as the Codec reads it: SS58 (any
// prefix, checksum verified) or 0x-hex of 32 bytes.
func (c *Codec) ParseAccount(s string) ([32]byte, error) {
	if c.ParseAddress != nil {
		return c.ParseAddress(s)
	}
	return parseAccount(s)
}

// ErrAddress means an address string is neither SS58 nor 32-byte hex.
var ErrAddress = errors.New("value: invalid address")

func parseAccount(s string) ([32]byte, error) {
	var id [32]byte
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		b, err := parseHex(s)
		if err != nil || len(b) != 32 {
			return id, fmt.Errorf("%w: %q is not 32 bytes of hex", ErrAddress, s)
		}
		copy(id[:], b)
		return id, nil
	}
	b, _, err := decodeSS58(s)
	if err != nil {
		return id, err
	}
	if len(b) != 32 {
		return id, fmt.Errorf("%w: %q holds %d bytes, not an AccountId32", ErrAddress, s, len(b))
	}
	copy(id[:], b)
	return id, nil
}

// Number returns the value JSON of an integer: json.Number when its
// magnitude is at most 2^53, else a decimal string.
func Number(v *big.Int) any {
	if v.IsInt64() {
		if x := v.Int64(); x <= 1<<53 && x >= -(1<<53) {
			return json.Number(v.String())
		}
	}
	return v.String()
}

func numberU64(v uint64) any {
	if v <= 1<<53 {
		return json.Number(fmt.Sprint(v))
	}
	return fmt.Sprint(v)
}

// BigInt converts a value JSON integer (json.Number, decimal string, Go
// integer, integral float64 up to 2^53, *big.Int) to a big.Int.
func BigInt(v any) (*big.Int, error) {
	switch x := v.(type) {
	case *big.Int:
		if x == nil {
			break
		}
		return new(big.Int).Set(x), nil
	case big.Int:
		return new(big.Int).Set(&x), nil
	case json.Number:
		return parseDecimal(string(x))
	case string:
		return parseDecimal(x)
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return nil, fmt.Errorf("%w: %v is not an exact integer (give large numbers as strings)", ErrType, x)
		}
		return big.NewInt(int64(x)), nil
	case int:
		return big.NewInt(int64(x)), nil
	case int8:
		return big.NewInt(int64(x)), nil
	case int16:
		return big.NewInt(int64(x)), nil
	case int32:
		return big.NewInt(int64(x)), nil
	case int64:
		return big.NewInt(x), nil
	case uint:
		return new(big.Int).SetUint64(uint64(x)), nil
	case uint8:
		return new(big.Int).SetUint64(uint64(x)), nil
	case uint16:
		return new(big.Int).SetUint64(uint64(x)), nil
	case uint32:
		return new(big.Int).SetUint64(uint64(x)), nil
	case uint64:
		return new(big.Int).SetUint64(x), nil
	}
	return nil, fmt.Errorf("%w: want an integer, got %s", ErrType, describe(v))
}

// Uint64 converts a value JSON integer to a uint64.
func Uint64(v any) (uint64, error) {
	b, err := BigInt(v)
	if err != nil {
		return 0, err
	}
	if b.Sign() < 0 || !b.IsUint64() {
		return 0, fmt.Errorf("%w: %s does not fit u64", ErrRange, b)
	}
	return b.Uint64(), nil
}

func parseDecimal(s string) (*big.Int, error) {
	t := strings.TrimSpace(s)
	if t == "" || len(t) > 200 {
		return nil, fmt.Errorf("%w: %q is not a decimal integer", ErrType, s)
	}
	for i, r := range t {
		if (r < '0' || r > '9') && !(i == 0 && (r == '-' || r == '+')) {
			return nil, fmt.Errorf("%w: %q is not a decimal integer", ErrType, s)
		}
	}
	v, ok := new(big.Int).SetString(t, 10)
	if !ok {
		return nil, fmt.Errorf("%w: %q is not a decimal integer", ErrType, s)
	}
	return v, nil
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 40 {
			x = x[:40] + "…"
		}
		return fmt.Sprintf("string %q", x)
	case json.Number:
		return "number " + string(x)
	case bool:
		return fmt.Sprintf("bool %v", x)
	case []any:
		return fmt.Sprintf("array of %d", len(x))
	case map[string]any, Object:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// typeErr wraps err with the path of the value being processed.
type pathErr struct {
	path string
	err  error
}

func (e *pathErr) Error() string {
	if e.path == "" {
		return e.err.Error()
	}
	return e.path + ": " + e.err.Error()
}
func (e *pathErr) Unwrap() error { return e.err }

func atPath(seg string, err error) error {
	if err == nil {
		return nil
	}
	var pe *pathErr
	if errors.As(err, &pe) {
		if pe.path == "" {
			pe.path = seg
		} else if strings.HasPrefix(pe.path, "[") {
			pe.path = seg + pe.path
		} else {
			pe.path = seg + "." + pe.path
		}
		return pe
	}
	return &pathErr{path: seg, err: err}
}
