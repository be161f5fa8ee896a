package header

import (
	"fmt"

	"github.com/ksm-wallet/ksm/tx/scale"
)

// GrandpaAuthority is a GRANDPA voter: an ed25519 public key and its weight.
// lightclient/grandpa uses it as its Authority type.
type GrandpaAuthority struct {
	Key    [32]byte
	Weight uint64
}

// GrandpaLogKind is the variant of a GRANDPA consensus log.
type GrandpaLogKind uint8

// Variants of sp_consensus_grandpa::ConsensusLog.
const (
	GrandpaScheduledChange GrandpaLogKind = 1
	GrandpaForcedChange    GrandpaLogKind = 2
	GrandpaOnDisabled      GrandpaLogKind = 3
	GrandpaPause           GrandpaLogKind = 4
	GrandpaResume          GrandpaLogKind = 5
)

// String names the variant as Substrate does.
func (k GrandpaLogKind) String() string {
	return variantName(k, "GrandpaLogKind", grandpaLogKindNames)
}

var grandpaLogKindNames = map[GrandpaLogKind]string{
	GrandpaScheduledChange: "ScheduledChange",
	GrandpaForcedChange:    "ForcedChange",
	GrandpaOnDisabled:      "OnDisabled",
	GrandpaPause:           "Pause",
	GrandpaResume:          "Resume",
}

// GrandpaChange is a scheduled authority-set change: the next authorities,
// enacted Delay blocks after the block that signals it.
type GrandpaChange struct {
	NextAuthorities []GrandpaAuthority
	Delay           uint32
}

// GrandpaLog is a decoded GRANDPA consensus log. Change is set for
// ScheduledChange and ForcedChange; Median (the best finalized block number
// that the forced change assumes) only for ForcedChange; DisabledIndex only
// for OnDisabled; Delay only for Pause and Resume.
type GrandpaLog struct {
	Kind          GrandpaLogKind
	Change        GrandpaChange
	Median        uint32
	DisabledIndex uint64
	Delay         uint32
}

// DecodeGrandpaLog decodes the payload of a FRNK consensus digest item,
// refusing trailing bytes.
func DecodeGrandpaLog(b []byte) (GrandpaLog, error) {
	return decodeLog(b, "GRANDPA", func(d *scale.Decoder, k GrandpaLogKind) (l GrandpaLog, ok bool, err error) {
		l.Kind = k
		switch k {
		case GrandpaScheduledChange:
			l.Change, err = decodeGrandpaChange(d)
		case GrandpaForcedChange:
			l.Median, err = d.U32()
			if err == nil {
				l.Change, err = decodeGrandpaChange(d)
			}
		case GrandpaOnDisabled:
			l.DisabledIndex, err = d.U64()
		case GrandpaPause, GrandpaResume:
			l.Delay, err = d.U32()
		default:
			return l, false, nil
		}
		return l, true, err
	})
}

// decodeLog decodes the payload of a consensus log of engine ("BABE" or
// "GRANDPA" in errors): a u8 variant tag, the variant's fields, read by
// fields (ok false: the tag is unknown), and no trailing bytes.
func decodeLog[K interface {
	~uint8
	String() string
}, L any](b []byte, engine string, fields func(d *scale.Decoder, k K) (l L, ok bool, err error)) (L, error) {
	var zero L
	d := scale.NewDecoder(b)
	tag, err := d.U8()
	if err != nil {
		return zero, fmt.Errorf("decode %s log: %w", engine, err)
	}
	l, ok, err := fields(d, K(tag))
	if !ok {
		return zero, fmt.Errorf("decode %s log: %w: tag %d", engine, ErrUnknownLog, tag)
	}
	if err == nil {
		err = d.Finish()
	}
	if err != nil {
		return zero, fmt.Errorf("decode %s %s: %w", engine, K(tag), err)
	}
	return l, nil
}

func decodeGrandpaChange(d *scale.Decoder) (GrandpaChange, error) {
	auths, err := DecodeGrandpaAuthorities(d)
	if err != nil {
		return GrandpaChange{}, err
	}
	delay, err := d.U32()
	if err != nil {
		return GrandpaChange{}, fmt.Errorf("delay: %w", err)
	}
	return GrandpaChange{NextAuthorities: auths, Delay: delay}, nil
}

// DecodeGrandpaAuthorities decodes a Vec<(ed25519 public key, u64 weight)>.
func DecodeGrandpaAuthorities(d *scale.Decoder) ([]GrandpaAuthority, error) {
	return decodeAuthorities[GrandpaAuthority](d)
}

// authority is the SCALE shape of a BABE or GRANDPA authority: a public key
// and a u64 weight.
type authority = struct {
	Key    [32]byte
	Weight uint64
}

func decodeAuthorities[A ~authority](d *scale.Decoder) ([]A, error) {
	n, err := d.Len(40)
	if err != nil {
		return nil, fmt.Errorf("authority list length: %w", err)
	}
	auths := make([]A, n)
	for i := range auths {
		var a authority
		if err := d.Fixed(a.Key[:]); err != nil {
			return nil, fmt.Errorf("authority %d: %w", i, err)
		}
		if a.Weight, err = d.U64(); err != nil {
			return nil, fmt.Errorf("authority %d weight: %w", i, err)
		}
		auths[i] = A(a)
	}
	return auths, nil
}

// AppendGrandpaAuthorities appends the SCALE encoding of a list of authorities.
func AppendGrandpaAuthorities(dst []byte, auths []GrandpaAuthority) []byte {
	return appendAuthorities(dst, auths)
}

func appendAuthorities[A ~authority](dst []byte, auths []A) []byte {
	dst = scale.AppendCompact(dst, uint64(len(auths)))
	for _, a := range auths {
		a := authority(a)
		dst = append(dst, a.Key[:]...)
		dst = scale.AppendU64(dst, a.Weight)
	}
	return dst
}

// Encode returns the SCALE encoding of l (the FRNK digest payload).
func (l GrandpaLog) Encode() []byte {
	dst := []byte{byte(l.Kind)}
	switch l.Kind {
	case GrandpaScheduledChange:
		dst = AppendGrandpaAuthorities(dst, l.Change.NextAuthorities)
		dst = scale.AppendU32(dst, l.Change.Delay)
	case GrandpaForcedChange:
		dst = scale.AppendU32(dst, l.Median)
		dst = AppendGrandpaAuthorities(dst, l.Change.NextAuthorities)
		dst = scale.AppendU32(dst, l.Change.Delay)
	case GrandpaOnDisabled:
		dst = scale.AppendU64(dst, l.DisabledIndex)
	case GrandpaPause, GrandpaResume:
		dst = scale.AppendU32(dst, l.Delay)
	}
	return dst
}

// DigestItem wraps l in a FRNK consensus digest item.
func (l GrandpaLog) DigestItem() DigestItem {
	return DigestItem{Kind: DigestConsensus, Engine: EngineGRANDPA, Data: l.Encode()}
}
