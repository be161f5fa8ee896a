package header

import (
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/scale"
)

// BABEPreDigestKind is the variant of a BABE pre-runtime digest.
type BABEPreDigestKind uint8

// Variants of sp_consensus_babe::digests::PreDigest.
const (
	BABEPrimary        BABEPreDigestKind = 1
	BABESecondaryPlain BABEPreDigestKind = 2
	BABESecondaryVRF   BABEPreDigestKind = 3
)

// String names the variant as Substrate does.
func (k BABEPreDigestKind) String() string {
	return variantName(k, "BABEPreDigestKind", babePreDigestKindNames)
}

var babePreDigestKindNames = map[BABEPreDigestKind]string{
	BABEPrimary:        "Primary",
	BABESecondaryPlain: "SecondaryPlain",
	BABESecondaryVRF:   "SecondaryVRF",
}

// BABEPreDigest is a decoded BABE pre-runtime digest. VRFOutput and VRFProof
// are zero for SecondaryPlain.
type BABEPreDigest struct {
	Kind           BABEPreDigestKind
	AuthorityIndex uint32
	Slot           uint64
	VRFOutput      [32]byte
	VRFProof       [64]byte
}

// ErrUnknownLog means a consensus log or pre-digest variant is unknown.
var ErrUnknownLog = errors.New("header: unknown consensus log variant")

// DecodeBABEPreDigest decodes the payload of a BABE pre-runtime digest item,
// refusing trailing bytes.
func DecodeBABEPreDigest(b []byte) (BABEPreDigest, error) {
	d := scale.NewDecoder(b)
	tag, err := d.U8()
	if err != nil {
		return BABEPreDigest{}, fmt.Errorf("decode BABE pre-digest: %w", err)
	}
	p := BABEPreDigest{Kind: BABEPreDigestKind(tag)}
	switch p.Kind {
	case BABEPrimary, BABESecondaryPlain, BABESecondaryVRF:
	default:
		return BABEPreDigest{}, fmt.Errorf("decode BABE pre-digest: %w: tag %d", ErrUnknownLog, tag)
	}
	if p.AuthorityIndex, err = d.U32(); err == nil {
		p.Slot, err = d.U64()
	}
	if err == nil && p.Kind != BABESecondaryPlain {
		if err = d.Fixed(p.VRFOutput[:]); err == nil {
			err = d.Fixed(p.VRFProof[:])
		}
	}
	if err == nil {
		err = d.Finish()
	}
	if err != nil {
		return BABEPreDigest{}, fmt.Errorf("decode BABE %s pre-digest: %w", p.Kind, err)
	}
	return p, nil
}

// Encode returns the SCALE encoding of p (the BABE pre-runtime payload).
func (p BABEPreDigest) Encode() []byte {
	dst := []byte{byte(p.Kind)}
	dst = scale.AppendU32(dst, p.AuthorityIndex)
	dst = scale.AppendU64(dst, p.Slot)
	if p.Kind != BABESecondaryPlain {
		dst = append(dst, p.VRFOutput[:]...)
		dst = append(dst, p.VRFProof[:]...)
	}
	return dst
}

// DigestItem wraps p in a BABE pre-runtime digest item.
func (p BABEPreDigest) DigestItem() DigestItem {
	return DigestItem{Kind: DigestPreRuntime, Engine: EngineBABE, Data: p.Encode()}
}

// BABEAuthority is a BABE block author: an sr25519 public key and its weight.
type BABEAuthority struct {
	Key    [32]byte
	Weight uint64
}

// BABELogKind is the variant of a BABE consensus log.
type BABELogKind uint8

// Variants of sp_consensus_babe::ConsensusLog.
const (
	BABENextEpochData  BABELogKind = 1
	BABEOnDisabled     BABELogKind = 2
	BABENextConfigData BABELogKind = 3
)

// String names the variant as Substrate does.
func (k BABELogKind) String() string {
	return variantName(k, "BABELogKind", babeLogKindNames)
}

var babeLogKindNames = map[BABELogKind]string{
	BABENextEpochData:  "NextEpochData",
	BABEOnDisabled:     "OnDisabled",
	BABENextConfigData: "NextConfigData",
}

// BABENextEpoch is the data of the next BABE epoch.
type BABENextEpoch struct {
	Authorities []BABEAuthority
	Randomness  [32]byte
}

// BABENextConfig is NextConfigDescriptor::V1: the primary-slot probability
// C = (numerator, denominator) and the allowed slot kinds
// (0 PrimarySlots, 1 PrimaryAndSecondaryPlainSlots, 2 PrimaryAndSecondaryVRFSlots).
type BABENextConfig struct {
	C            [2]uint64
	AllowedSlots uint8
}

// BABELog is a decoded BABE consensus log. NextEpoch is set for
// NextEpochData, DisabledIndex for OnDisabled, NextConfig for NextConfigData.
type BABELog struct {
	Kind          BABELogKind
	NextEpoch     BABENextEpoch
	DisabledIndex uint32
	NextConfig    BABENextConfig
}

// DecodeBABELog decodes the payload of a BABE consensus digest item,
// refusing trailing bytes.
func DecodeBABELog(b []byte) (BABELog, error) {
	return decodeLog(b, "BABE", func(d *scale.Decoder, k BABELogKind) (l BABELog, ok bool, err error) {
		l.Kind = k
		switch k {
		case BABENextEpochData:
			if l.NextEpoch.Authorities, err = decodeAuthorities[BABEAuthority](d); err == nil {
				err = d.Fixed(l.NextEpoch.Randomness[:])
			}
		case BABEOnDisabled:
			l.DisabledIndex, err = d.U32()
		case BABENextConfigData:
			err = decodeBABENextConfig(d, &l.NextConfig)
		default:
			return l, false, nil
		}
		return l, true, err
	})
}

// decodeBABENextConfig decodes a NextConfigDescriptor (only V1 exists).
func decodeBABENextConfig(d *scale.Decoder, c *BABENextConfig) error {
	version, err := d.U8()
	if err != nil {
		return err
	}
	if version != 1 {
		return fmt.Errorf("%w: descriptor version %d", ErrUnknownLog, version)
	}
	if c.C[0], err = d.U64(); err != nil {
		return err
	}
	if c.C[1], err = d.U64(); err != nil {
		return err
	}
	if c.AllowedSlots, err = d.U8(); err == nil && c.AllowedSlots > 2 {
		return fmt.Errorf("%w: allowed slots %d", ErrUnknownLog, c.AllowedSlots)
	}
	return err
}

// Encode returns the SCALE encoding of l (the BABE consensus payload).
func (l BABELog) Encode() []byte {
	dst := []byte{byte(l.Kind)}
	switch l.Kind {
	case BABENextEpochData:
		dst = appendAuthorities(dst, l.NextEpoch.Authorities)
		dst = append(dst, l.NextEpoch.Randomness[:]...)
	case BABEOnDisabled:
		dst = scale.AppendU32(dst, l.DisabledIndex)
	case BABENextConfigData:
		dst = append(dst, 1)
		dst = scale.AppendU64(dst, l.NextConfig.C[0])
		dst = scale.AppendU64(dst, l.NextConfig.C[1])
		dst = append(dst, l.NextConfig.AllowedSlots)
	}
	return dst
}

// DigestItem wraps l in a BABE consensus digest item.
func (l BABELog) DigestItem() DigestItem {
	return DigestItem{Kind: DigestConsensus, Engine: EngineBABE, Data: l.Encode()}
}
