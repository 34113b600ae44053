package rdb

import (
	"math"
	"strconv"
)

// strtod parses the longest prefix of b that C's strtod (glibc, "C" locale)
// accepts: leading white space, an optional sign, then a decimal or 0x
// hexadecimal floating-point number, "inf", "infinity" or "nan" (with an
// optional "(chars)"), case-insensitively. It returns the value and how
// many bytes it used; 0 bytes (and value 0) when there is no number, as
// strtod does. Redis reads sorted set scores this way.
func strtod(b []byte) (float64, int) {
	i := 0
	for i < len(b) && isCSpace(b[i]) {
		i++
	}
	start := i // of the number, sign included
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	neg := start < len(b) && b[start] == '-'
	if n := matchFold(b[i:], "infinity"); n >= 3 {
		if n < 8 {
			n = 3 // "inf"
		}
		return math.Copysign(math.Inf(1), sign(neg)), i + n
	}
	if matchFold(b[i:], "nan") == 3 {
		i += 3
		if i < len(b) && b[i] == '(' { // nan(n-char-sequence)
			j := i + 1
			for j < len(b) && (isAlnum(b[j]) || b[j] == '_') {
				j++
			}
			if j < len(b) && b[j] == ')' {
				i = j + 1
			}
		}
		return math.NaN(), i
	}
	if i+1 < len(b) && b[i] == '0' && (b[i+1] == 'x' || b[i+1] == 'X') {
		if end, ok := scanHexFloat(b, i+2); ok {
			tok := string(b[start:end])
			if !hasHexExponent(b[i+2 : end]) {
				tok += "p0" // ParseFloat requires the exponent strtod doesn't
			}
			v, _ := strconv.ParseFloat(tok, 64)
			return v, end
		}
		// "0x" without hex digits: strtod reads just the "0".
	}
	end, ok := scanDecimal(b, i)
	if !ok {
		return 0, 0
	}
	// Overflow gives ±Inf and underflow 0 or a denormal, like strtod;
	// ParseFloat's range error is not an error for strtod.
	v, _ := strconv.ParseFloat(string(b[start:end]), 64)
	return v, end
}

// scanDecimal returns the end of digits[.digits][e[sign]digits] at i,
// with at least one mantissa digit.
func scanDecimal(b []byte, i int) (int, bool) {
	digits := 0
	for i < len(b) && isDigit(b[i]) {
		i, digits = i+1, digits+1
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && isDigit(b[i]) {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return 0, false
	}
	return scanExponent(b, i, 'e'), true
}

// scanHexFloat returns the end of hexdigits[.hexdigits][p[sign]digits] at
// i, with at least one mantissa digit.
func scanHexFloat(b []byte, i int) (int, bool) {
	digits := 0
	for i < len(b) && isHex(b[i]) {
		i, digits = i+1, digits+1
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && isHex(b[i]) {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return 0, false
	}
	return scanExponent(b, i, 'p'), true
}

// scanExponent extends the number ending at i by an exponent introduced
// by mark (either case), if one with at least one digit follows.
func scanExponent(b []byte, i int, mark byte) int {
	if i >= len(b) || b[i]|0x20 != mark {
		return i
	}
	j := i + 1
	if j < len(b) && (b[j] == '+' || b[j] == '-') {
		j++
	}
	if j >= len(b) || !isDigit(b[j]) {
		return i
	}
	for j < len(b) && isDigit(b[j]) {
		j++
	}
	return j
}

func hasHexExponent(b []byte) bool {
	for _, c := range b {
		if c|0x20 == 'p' {
			return true
		}
	}
	return false
}

// matchFold returns how many leading bytes of b match word, ignoring ASCII
// case.
func matchFold(b []byte, word string) int {
	n := 0
	for n < len(b) && n < len(word) && b[n]|0x20 == word[n] {
		n++
	}
	return n
}

func sign(neg bool) float64 {
	if neg {
		return -1
	}
	return 1
}

func isCSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
func isAlnum(c byte) bool  { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') }

// scanDouble is sscanf("%lg") as glibc implements it, which Redis reads
// RDB_TYPE_ZSET scores with: strtod, except that it fails, as it cannot
// back off more than one character, on "0x" followed by neither a hex
// digit nor a point, and on a prefix of "infinity" longer than "inf".
func scanDouble(b []byte) (float64, bool) {
	v, n := strtod(b)
	if n == 0 {
		return 0, false
	}
	s := 0 // where the number starts, after the space and sign
	for isCSpace(b[s]) {
		s++
	}
	if b[s] == '+' || b[s] == '-' {
		s++
	}
	num := b[s:]
	if len(num) >= 2 && num[0] == '0' && num[1]|0x20 == 'x' && (len(num) == 2 || !isHex(num[2]) && num[2] != '.') {
		return 0, false
	}
	if m := matchFold(num, "infinity"); m > 3 && m < 8 {
		return 0, false
	}
	return v, true
}
