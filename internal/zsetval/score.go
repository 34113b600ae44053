package zsetval

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"unsafe"

	"respd/internal/listpack"
)

// A listpack holds each score as zzlInsertAt writes it: as an integer when
// double2ll takes it, else as d2string's text.

// scoreAsInt is Redis's double2ll: score as an int64 when it is integral
// and within ±2^62 ((double)(LLONG_MAX/2) rounds to 2^62). -0 is taken, as
// 0: a listpack forgets a zero's sign.
func scoreAsInt(score float64) (int64, bool) {
	if !(score >= -(1<<62) && score <= 1<<62) {
		return 0, false // NaN too
	}
	n := int64(score)
	return n, float64(n) == score
}

// appendScore appends score's listpack text: an integer's decimal (which
// listpack.Insert stores as an integer, as lpInsertInteger would), else
// d2string's "inf", "-inf" or %.17g. d2string's own cases for zeros and
// integers below 2^52 never come here: double2ll took them.
func appendScore(dst []byte, score float64) []byte {
	if n, ok := scoreAsInt(score); ok {
		return strconv.AppendInt(dst, n, 10)
	}
	switch {
	case math.IsInf(score, 1):
		return append(dst, "inf"...)
	case math.IsInf(score, -1):
		return append(dst, "-inf"...)
	}
	// Go's 'g' with precision 17 is C's %.17g, exponent digits and
	// trailing zeros included.
	return strconv.AppendFloat(dst, score, 'g', 17, 64)
}

// strtod parses all of b as C's strtod (glibc) reads a number: a decimal
// or hexadecimal (0x, exponent optional) floating-point number, "inf",
// "infinity" or "nan", case-insensitively, with an optional sign. tooBig
// reports the range errors that matter to Redis's callers: an overflow
// (the value is then ±Inf) and an underflow to zero (a non-zero number
// read as 0); a subnormal result is no error here, as string2d accepts
// it. The callers deal with white space and NUL bytes.
//
// It is a minimal wrapper of strconv.ParseFloat, which differs from
// strtod in what it accepts only in hexadecimal mantissas without an
// exponent (strtod takes "0x10" as 16: "p0" is appended) and in Go's
// digit separators ('_', refused). strtod's "nan(chars)" it refuses,
// where strtod reads a NaN: every caller refuses a NaN anyway. The
// prefix-reading strtod of internal/rdb (a listpack score's zzlStrtod)
// and sort.go's parseStrtod are the same family, to be unified.
func strtod(b []byte) (f float64, tooBig, ok bool) {
	if len(b) == 0 || bytes.IndexByte(b, '_') >= 0 {
		return 0, false, false
	}
	s := unsafe.String(unsafe.SliceData(b), len(b)) // ParseFloat keeps no part of s
	if isHexWithoutExponent(s) {
		s += "p0"
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if !errors.Is(err, strconv.ErrRange) {
			return 0, false, false
		}
		return f, true, true // ±Inf
	}
	return f, f == 0 && nonZeroMantissa(s), true
}

func isHexWithoutExponent(s string) bool {
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return len(s) > 2 && s[0] == '0' && s[1]|0x20 == 'x' && !containsFold(s, 'p')
}

func containsFold(s string, lower byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i]|0x20 == lower {
			return true
		}
	}
	return false
}

// nonZeroMantissa reports whether a number ParseFloat accepted has a
// digit other than 0 before its exponent.
func nonZeroMantissa(s string) bool {
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	hex := len(s) > 2 && s[0] == '0' && s[1]|0x20 == 'x'
	if hex {
		s = s[2:]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '1' && c <= '9':
			return true
		case hex && c|0x20 >= 'a' && c|0x20 <= 'f':
			return true
		case c == '0' || c == '.':
		default: // the exponent, or "inf"
			return false
		}
	}
	return false
}

// isCSpace is C's isspace in the "C" locale.
func isCSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

// ParseScore parses a score argument as Redis's getDoubleFromObject
// (string2d) does: all of b must be a number strtod reads, without
// leading white space; an overflow, an underflow to zero and NaN are
// refused; "inf", "-inf" and "+inf" are numbers.
func ParseScore(b []byte) (float64, bool) {
	if len(b) == 0 || isCSpace(b[0]) {
		return 0, false
	}
	f, tooBig, ok := strtod(b)
	if !ok || tooBig || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// entryScore is the score a listpack entry holds (zzlGetScore): an
// integer, or text this package wrote or FromListpack checked.
func entryScore(lp []byte, p int) float64 {
	v := listpack.Get(lp, p)
	if v.IsInt() {
		return float64(v.Int)
	}
	f, _, _ := strtod(v.Str)
	return f
}
