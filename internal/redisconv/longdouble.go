package redisconv

import (
	"bytes"
	"math/big"
)

// Redis computes INCRBYFLOAT in C's long double, on x86-64 the x87 80-bit
// format: a 64-bit mantissa and a 15-bit exponent. Its results show that
// precision ("10.5" + "0.1" is "10.6", where float64 would give
// 10.59999999999999964), so respd computes in big.Float at 64 bits, rounding
// once per operation as the FPU does, and applies the format's range.

const (
	longDoublePrec = 64
	// Finite long doubles are below 2^16384.
	longDoubleMaxExp = 16384
	// A value at or below 2^-16446, half the smallest subnormal, rounds
	// to zero, and strtold reports the underflow.
	longDoubleUnderflowExp = -16446
	// Redis's MAX_LONG_DOUBLE_CHARS: a longer string is not a float.
	longDoubleMaxChars = 5 * 1024
	// Decimal exponents that put any value of up to longDoubleMaxChars
	// digits out of range: 10^4933 > 2^16384 and 10^-4951 < 2^-16446.
	longDoubleMaxExp10 = 4932
	longDoubleMinExp10 = -4951
)

// longDoubleUnderflow is 2^longDoubleUnderflowExp.
var longDoubleUnderflow = new(big.Float).SetMantExp(big.NewFloat(1), longDoubleUnderflowExp)

// ParseLongDouble is Redis's string2ld: glibc's strtold, which must consume
// the whole string; a string starting with white space, NaN, and overflow
// or underflow to zero are refused. Like strtold it takes a sign, decimal
// and hexadecimal ("0x1.8p3") forms, and inf/infinity.
func ParseLongDouble(s []byte) (*big.Float, bool) {
	if len(s) == 0 || len(s) >= longDoubleMaxChars {
		return nil, false
	}
	f := new(big.Float).SetPrec(longDoublePrec)
	neg := s[0] == '-'
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	// Case-insensitive, as strtold (no other letter folds to these).
	if bytes.EqualFold(s, []byte("inf")) || bytes.EqualFold(s, []byte("infinity")) {
		return f.SetInf(neg), true
	}
	base, expChar := 10, byte('e')
	if len(s) > 2 && s[0] == '0' && s[1]|0x20 == 'x' {
		base, expChar, s = 16, 'p', s[2:]
	}

	// Mantissa: digits with at most one point, at least one digit.
	digits := make([]byte, 0, len(s))
	fracDigits, point := 0, false
mantissa:
	for ; len(s) > 0; s = s[1:] {
		switch {
		case s[0] == '.' && !point:
			point = true
		case hexDigitValue(s[0]) < base:
			digits = append(digits, s[0])
			if point {
				fracDigits++
			}
		default:
			break mantissa
		}
	}
	if len(digits) == 0 {
		return nil, false
	}
	exp := 0
	if len(s) > 0 {
		if s[0]|0x20 != expChar {
			return nil, false
		}
		var ok bool
		if exp, ok = parseFloatExponent(s[1:]); !ok {
			return nil, false
		}
	}

	mant, _ := new(big.Int).SetString(string(digits), base)
	if mant.Sign() != 0 {
		var acc big.Accuracy
		if base == 16 {
			exp2 := exp - 4*fracDigits
			bits := mant.BitLen() // mant*2^exp2 is in [2^(exp2+bits-1), 2^(exp2+bits))
			if exp2+bits-1 >= longDoubleMaxExp || exp2+bits <= longDoubleUnderflowExp {
				return nil, false
			}
			f.SetInt(mant)
			acc = f.Acc()
			f.SetMantExp(f, exp2)
		} else {
			exp10 := exp - fracDigits
			sig := len(bytes.TrimLeft(digits, "0")) // mant*10^exp10 is in [10^(exp10+sig-1), 10^(exp10+sig))
			if exp10+sig-1 > longDoubleMaxExp10 || exp10+sig < longDoubleMinExp10 {
				return nil, false
			}
			if exp10 >= 0 {
				f.SetInt(mant.Mul(mant, bigPow10(exp10)))
			} else {
				f.SetRat(new(big.Rat).SetFrac(mant, bigPow10(-exp10)))
			}
			acc = f.Acc()
		}
		if f.MantExp(nil) > longDoubleMaxExp {
			return nil, false
		}
		// Exactly half the smallest subnormal rounds to zero (to even);
		// anything above it, even if it rounded down to it here, does not.
		if cmp := f.Cmp(longDoubleUnderflow); cmp < 0 || (cmp == 0 && acc != big.Below) {
			return nil, false
		}
	}
	if neg {
		f.Neg(f)
	}
	return f, true
}

// hexDigitValue is the value of a hexadecimal digit, or 16 for any other
// byte.
func hexDigitValue(ch byte) int {
	switch {
	case '0' <= ch && ch <= '9':
		return int(ch - '0')
	case 'a' <= ch|0x20 && ch|0x20 <= 'f':
		return int(ch|0x20-'a') + 10
	}
	return 16
}

// parseFloatExponent parses strtold's exponent digits, with an optional sign,
// saturating far beyond any exponent that matters.
func parseFloatExponent(s []byte) (int, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	exp := 0
	for _, ch := range s {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		exp = min(exp*10+int(ch-'0'), 1<<30)
	}
	if neg {
		exp = -exp
	}
	return exp, true
}

// bigPow10 is 10^n.
func bigPow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// AddLongDoubles is a+b rounded to a long double; ok is false when the sum
// is infinite or NaN, which INCRBYFLOAT refuses.
func AddLongDoubles(a, b *big.Float) (*big.Float, bool) {
	if a.IsInf() || b.IsInf() {
		return nil, false
	}
	sum := new(big.Float).SetPrec(longDoublePrec).Add(a, b)
	return sum, sum.MantExp(nil) <= longDoubleMaxExp
}

// FormatLongDouble is Redis's ld2string in LD_STR_HUMAN mode: "%.17Lf"
// without trailing zeros (nor a bare point), and "0" for "-0".
func FormatLongDouble(f *big.Float) []byte {
	b := f.Append(nil, 'f', 17)
	b = bytes.TrimSuffix(bytes.TrimRight(b, "0"), []byte("."))
	if string(b) == "-0" {
		b = b[1:]
	}
	return b
}
