package lualib

import (
	"math"
	"strconv"
)

// strtod reads a number from s at i as glibc's strtod does in the C locale
// and returns it with the index just past it; end == i when nothing reads
// as a number. It accepts what C does and JSON does not: leading white
// space, a '+', "inf", "infinity" and "nan(chars)" in any case, hexadecimal
// with an optional binary exponent, and out-of-range values (±Inf or 0,
// whose ERANGE lua-cjson ignores). The bytes past the end are as C's NUL.
func strtod(s string, i int) (float64, int) {
	start := i
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	sign := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	switch {
	case hasPrefixFold(s[i:], "inf"):
		if hasPrefixFold(s[i:], "infinity") {
			return sign(math.Inf(1)), i + 8
		}
		return sign(math.Inf(1)), i + 3
	case hasPrefixFold(s[i:], "nan"):
		i += 3
		if i < len(s) && s[i] == '(' {
			j := i + 1
			for j < len(s) && (isAlnum(s[j]) || s[j] == '_') {
				j++
			}
			if j < len(s) && s[j] == ')' {
				i = j + 1
			}
		}
		return sign(math.NaN()), i
	case i+1 < len(s) && s[i] == '0' && (s[i+1]|0x20) == 'x':
		if f, end, ok := hexFloat(s, i+2); ok {
			return sign(f), end
		}
		// "0x" without hex digits reads as the 0 before the x.
		return sign(0), i + 1
	}
	mant := i
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, start
	}
	if i < len(s) && (s[i]|0x20) == 'e' {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	f, err := strconv.ParseFloat(s[mant:i], 64)
	if err != nil && !isRangeError(err) {
		return 0, start
	}
	return sign(f), i
}

// hexFloat reads the hex digits, point and 'p' exponent after "0x".
func hexFloat(s string, i int) (float64, int, bool) {
	mant := i
	digits := 0
	for i < len(s) && isHex(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isHex(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	mantEnd := i
	exp := "p0"
	if i < len(s) && (s[i]|0x20) == 'p' {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			exp = s[i:j]
			i = j
		}
	}
	f, err := strconv.ParseFloat("0x"+s[mant:mantEnd]+exp, 64)
	if err != nil && !isRangeError(err) {
		return 0, 0, false
	}
	return f, i, true
}

func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i]|0x20 != prefix[i] {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
func isAlnum(c byte) bool { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') }
