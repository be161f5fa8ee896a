package value

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// FormatBalance writes an amount of planck as a decimal number of tokens
// with the symbol appended: FormatBalance(1500000000000, 12, "KSM") is
// "1.5 KSM". Trailing fractional zeros are dropped; an empty symbol gives
// the number alone.
func FormatBalance(planck *big.Int, decimals int, symbol string) string {
	s := formatDecimal(planck, decimals)
	if symbol == "" {
		return s
	}
	return s + " " + symbol
}

func formatDecimal(v *big.Int, decimals int) string {
	if v == nil {
		v = new(big.Int)
	}
	neg := v.Sign() < 0
	digits := new(big.Int).Abs(v).String()
	if decimals < 0 {
		decimals = 0
	}
	if len(digits) <= decimals {
		digits = strings.Repeat("0", decimals-len(digits)+1) + digits
	}
	intPart, frac := digits[:len(digits)-decimals], strings.TrimRight(digits[len(digits)-decimals:], "0")
	s := intPart
	if frac != "" {
		s += "." + frac
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ErrAmount means an amount string could not be parsed.
var ErrAmount = errors.New("value: invalid amount")

// ParseAmount parses a token amount into planck: "1.5" and "1.5 KSM" /
// "1.5KSM" are tokens (the symbol is matched case-insensitively),
// "1500000000000planck" is planck. Underscores may group digits. More
// fractional digits than decimals, negative amounts and other units are
// refused.
func ParseAmount(s string, decimals int, symbol string) (*big.Int, error) {
	t := strings.TrimSpace(s)
	lower := strings.ToLower(t)
	planck := false
	switch {
	case strings.HasSuffix(lower, "planck"):
		planck = true
		t = strings.TrimSpace(t[:len(t)-len("planck")])
	case symbol != "" && strings.HasSuffix(lower, strings.ToLower(symbol)):
		t = strings.TrimSpace(t[:len(t)-len(symbol)])
	}
	t = strings.ReplaceAll(t, "_", "")
	if t == "" {
		return nil, fmt.Errorf("%w: %q", ErrAmount, s)
	}
	intPart, frac, hasDot := strings.Cut(t, ".")
	if hasDot && planck {
		return nil, fmt.Errorf("%w: %q: planck amounts are whole numbers", ErrAmount, s)
	}
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) || hasDot && frac == "" && intPart == "" {
		return nil, fmt.Errorf("%w: %q is not a decimal amount%s", ErrAmount, s, unitHint(symbol))
	}
	if len(t) > 100 {
		return nil, fmt.Errorf("%w: %q is too long", ErrAmount, s)
	}
	if planck {
		decimals = 0
	}
	if len(frac) > decimals {
		return nil, fmt.Errorf("%w: %q has more than %d decimal places", ErrAmount, s, decimals)
	}
	v, ok := new(big.Int).SetString(intPart+frac+strings.Repeat("0", decimals-len(frac)), 10)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrAmount, s)
	}
	return v, nil
}

func unitHint(symbol string) string {
	if symbol == "" {
		return " (or a number followed by planck)"
	}
	return fmt.Sprintf(" (like 1.5, 1.5 %s or 1500000000000planck)", symbol)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
