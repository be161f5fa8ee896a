package extrinsic

import (
	"errors"
	"fmt"
	"math/bits"

	"github.com/ksm-wallet/ksm/tx/scale"
)

// Era is a transaction's validity window. The zero value is the immortal era.
//
// A mortal era is valid for Period blocks starting at the first block whose
// number is Phase modulo Period at or after the block it was created for
// (its "birth" block, whose hash is signed as the era's additional data).
type Era struct {
	// Mortal reports whether the era is limited; when false Period and Phase are zero.
	Mortal bool
	// Period is a power of two in 4..65536.
	Period uint64
	// Phase is in 0..Period-1, quantized to a multiple of max(Period>>12, 1).
	Phase uint64
}

// Immortal is the era of a transaction valid forever (signed with the genesis hash).
var Immortal = Era{}

// MortalEra returns the era Substrate builds for a transaction created at block
// current that should live about period blocks: the period is rounded up to a
// power of two and clamped to 4..65536, the phase is current mod period,
// rounded down to the era's quantization step.
func MortalEra(period, current uint64) Era {
	p := uint64(1 << 16)
	if period <= 1<<16 {
		p = 1
		for p < period {
			p <<= 1
		}
	}
	p = min(max(p, 4), 1<<16)
	phase := current % p
	q := max(p>>12, 1)
	return Era{Mortal: true, Period: p, Phase: phase / q * q}
}

// Birth is the first block number of the era's window for a transaction
// submitted at block current: the block whose hash the signer commits to.
func (e Era) Birth(current uint64) uint64 {
	if !e.Mortal {
		return 0
	}
	return (max(current, e.Phase)-e.Phase)/e.Period*e.Period + e.Phase
}

// Death is the first block number at which the era is no longer valid.
func (e Era) Death(current uint64) uint64 {
	if !e.Mortal {
		return ^uint64(0)
	}
	return e.Birth(current) + e.Period
}

// String is "immortal" or "mortal(period=P, phase=F)".
func (e Era) String() string {
	if !e.Mortal {
		return "immortal"
	}
	return fmt.Sprintf("mortal(period=%d, phase=%d)", e.Period, e.Phase)
}

// valid reports whether e can be encoded.
func (e Era) valid() bool {
	if !e.Mortal {
		return e.Period == 0 && e.Phase == 0
	}
	if e.Period < 4 || e.Period > 1<<16 || e.Period&(e.Period-1) != 0 || e.Phase >= e.Period {
		return false
	}
	q := max(e.Period>>12, 1)
	return e.Phase%q == 0
}

// ErrInvalidEra means an era's period or phase is out of range.
var ErrInvalidEra = errors.New("extrinsic: invalid era")

// AppendEra appends the SCALE encoding of e: one zero byte when immortal, else
// the u16 (log2(period)-1) | (phase/quantum)<<4, little-endian.
func AppendEra(dst []byte, e Era) ([]byte, error) {
	if !e.valid() {
		return dst, fmt.Errorf("%w: %s", ErrInvalidEra, e)
	}
	if !e.Mortal {
		return append(dst, 0), nil
	}
	q := max(e.Period>>12, 1)
	low := uint64(bits.TrailingZeros64(e.Period) - 1)
	enc := uint16(min(max(low, 1), 15) | (e.Phase/q)<<4)
	return scale.AppendU16(dst, enc), nil
}

// DecodeEra reads an era, refusing a period outside 4..65536 or a phase
// outside the period.
func DecodeEra(d *scale.Decoder) (Era, error) {
	first, err := d.U8()
	if err != nil {
		return Era{}, err
	}
	if first == 0 {
		return Immortal, nil
	}
	second, err := d.U8()
	if err != nil {
		return Era{}, err
	}
	enc := uint64(first) | uint64(second)<<8
	period := uint64(2) << (enc % 16)
	q := max(period>>12, 1)
	phase := (enc >> 4) * q
	if period < 4 || phase >= period {
		return Era{}, fmt.Errorf("%w: encoded 0x%04x gives period %d phase %d", ErrInvalidEra, enc, period, phase)
	}
	return Era{Mortal: true, Period: period, Phase: phase}, nil
}
