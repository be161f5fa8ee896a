package header

import (
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/scale"
)

// DigestKind is the SCALE tag of a digest item.
type DigestKind uint8

// Digest item kinds of sp_runtime::generic::DigestItem.
const (
	DigestOther                     DigestKind = 0
	DigestConsensus                 DigestKind = 4
	DigestSeal                      DigestKind = 5
	DigestPreRuntime                DigestKind = 6
	DigestRuntimeEnvironmentUpdated DigestKind = 8
)

// String names the kind as Substrate does.
func (k DigestKind) String() string {
	return variantName(k, "DigestKind", digestKindNames)
}

var digestKindNames = map[DigestKind]string{
	DigestOther:                     "Other",
	DigestConsensus:                 "Consensus",
	DigestSeal:                      "Seal",
	DigestPreRuntime:                "PreRuntime",
	DigestRuntimeEnvironmentUpdated: "RuntimeEnvironmentUpdated",
}

// variantName returns the name of v in names, or typ(v) for a value
// without one (the String of the enum types of this package).
func variantName[V ~uint8](v V, typ string, names map[V]string) string {
	if name, ok := names[v]; ok {
		return name
	}
	return fmt.Sprintf("%s(%d)", typ, uint8(v))
}

// HasEngine reports whether items of kind k carry a consensus engine id.
func (k DigestKind) HasEngine() bool {
	return k == DigestConsensus || k == DigestSeal || k == DigestPreRuntime
}

// EngineID is a 4-byte consensus engine identifier.
type EngineID [4]byte

// Well-known consensus engine ids.
var (
	EngineBABE    = EngineID{'B', 'A', 'B', 'E'}
	EngineGRANDPA = EngineID{'F', 'R', 'N', 'K'}
	EngineAura    = EngineID{'a', 'u', 'r', 'a'}
	EngineBEEFY   = EngineID{'B', 'E', 'E', 'F'}
)

// String returns the id as text when printable, else as 0x-hex.
func (e EngineID) String() string {
	for _, c := range e {
		if c < 0x20 || c > 0x7e {
			return fmt.Sprintf("0x%x", e[:])
		}
	}
	return string(e[:])
}

// DigestItem is one header digest item. Engine is zero and unused for Other
// and RuntimeEnvironmentUpdated; Data is empty for RuntimeEnvironmentUpdated.
type DigestItem struct {
	Kind   DigestKind
	Engine EngineID
	Data   []byte
}

// ErrUnknownDigestItem means a digest item tag is not one Substrate defines.
var ErrUnknownDigestItem = errors.New("header: unknown digest item type")

func decodeDigestItem(d *scale.Decoder) (DigestItem, error) {
	tag, err := d.U8()
	if err != nil {
		return DigestItem{}, err
	}
	it := DigestItem{Kind: DigestKind(tag)}
	switch it.Kind {
	case DigestConsensus, DigestSeal, DigestPreRuntime:
		if err := d.Fixed(it.Engine[:]); err != nil {
			return DigestItem{}, fmt.Errorf("%s engine: %w", it.Kind, err)
		}
		fallthrough
	case DigestOther:
		b, err := d.Bytes()
		if err != nil {
			return DigestItem{}, fmt.Errorf("%s payload: %w", it.Kind, err)
		}
		it.Data = append([]byte{}, b...)
	case DigestRuntimeEnvironmentUpdated:
	default:
		return DigestItem{}, fmt.Errorf("%w: tag %d", ErrUnknownDigestItem, tag)
	}
	return it, nil
}

// AppendTo appends the SCALE encoding of it to dst.
func (it DigestItem) AppendTo(dst []byte) []byte {
	dst = append(dst, byte(it.Kind))
	switch it.Kind {
	case DigestConsensus, DigestSeal, DigestPreRuntime:
		dst = append(dst, it.Engine[:]...)
		dst = scale.AppendBytes(dst, it.Data)
	case DigestOther:
		dst = scale.AppendBytes(dst, it.Data)
	}
	return dst
}
