package value

import (
	"fmt"

	"github.com/ksm-wallet/ksm/tx/metadata"
)

// Conviction names of pallet_conviction_voting / pallet_democracy, by value.
var convictions = [...]string{"None", "Locked1x", "Locked2x", "Locked3x", "Locked4x", "Locked5x", "Locked6x"}

// isVote reports the standard Vote type: a struct around one u8 whose top
// bit is aye and whose low bits are the conviction (the pallets encode it by
// hand, so the metadata only shows the u8).
func (c *Codec) isVote(t *metadata.Type) bool {
	n := len(t.Path)
	return n >= 3 && t.Path[n-1] == "Vote" && t.Path[n-2] == "vote" &&
		(t.Path[n-3] == "pallet_conviction_voting" || t.Path[n-3] == "pallet_democracy") &&
		t.Def.Kind == metadata.KindComposite && len(t.Def.Fields) == 1 && c.isU8(t.Def.Fields[0].Type)
}

// decVote writes {"aye": bool, "conviction": "LockedNx"}; a byte with an
// unknown conviction stays a number.
func decVote(b byte) any {
	if int(b&0x7f) >= len(convictions) {
		return numberU64(uint64(b))
	}
	return Object{{"aye", b&0x80 != 0}, {"conviction", convictions[b&0x7f]}}
}

// encVote accepts {"aye", "conviction"} or the raw byte as a number.
func encVote(dst []byte, v any) ([]byte, error) {
	obj, ok := asObject(v)
	if !ok {
		u, err := Uint64(v)
		if err != nil || u > 255 {
			return dst, fmt.Errorf("%w: a vote is {\"aye\": bool, \"conviction\": \"None\"|\"Locked1x\"..\"Locked6x\"}", ErrType)
		}
		return append(dst, byte(u)), nil
	}
	aye, ok1 := obj.Get("aye")
	conv, ok2 := obj.Get("conviction")
	a, ok3 := aye.(bool)
	cs, ok4 := conv.(string)
	if !ok1 || !ok2 || !ok3 || !ok4 || len(obj) != 2 {
		return dst, fmt.Errorf("%w: a vote is {\"aye\": bool, \"conviction\": \"None\"|\"Locked1x\"..\"Locked6x\"}", ErrType)
	}
	for i, name := range convictions {
		if name == cs {
			b := byte(i)
			if a {
				b |= 0x80
			}
			return append(dst, b), nil
		}
	}
	return dst, fmt.Errorf("%w: unknown conviction %q", ErrType, cs)
}
