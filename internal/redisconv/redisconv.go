// Package redisconv holds Redis's number parsing and formatting rules
// (util.c), which differ from Go's strconv in the inputs they accept.
package redisconv

import (
	"bytes"
	"math"
	"strconv"
	"unsafe"
)

// ParseInt is Redis's string2ll: an optional '-', then digits with no
// leading zero (except "0" itself), no spaces or '+', within int64.
func ParseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, ch := range b {
		if ch < '0' || ch > '9' || v > (1<<64-1)/10 {
			return 0, false
		}
		v *= 10
		if v > 1<<64-1-uint64(ch-'0') {
			return 0, false
		}
		v += uint64(ch - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// ParseUlong is C's strtoul as Redis reads a SCAN cursor with it
// (parseScanCursorOrReply): decimal digits with an optional sign (a
// negative value wraps around), nothing before or after them, within
// uint64. The argument ends at a NUL as a C string would, and an empty one
// is 0.
func ParseUlong(b []byte) (uint64, bool) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) == 0 {
		return 0, true
	}
	neg := b[0] == '-'
	if b[0] == '-' || b[0] == '+' {
		b = b[1:]
	}
	// ParseUint takes no sign or space, so those after the first are errors.
	n, err := strconv.ParseUint(unsafe.String(unsafe.SliceData(b), len(b)), 10, 64) // not retained: strconv copies into its errors
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// AppendDouble appends f as Redis prints a double with "%.17g"
// (addReplyDouble, rioWriteBulkDouble): 17 significant digits, trailing
// zeros dropped, an exponent below 1e-4 and from 1e17; "inf", "-inf" and
// "nan" as glibc spells them.
func AppendDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	}
	// strconv's 'g' with a precision is C's %g: the same choice of form,
	// two exponent digits at least, trailing zeros dropped.
	return strconv.AppendFloat(dst, f, 'g', 17, 64)
}

// ParseUlonglong is Redis's string2ull, how stream IDs are read: a
// canonical string2ll integer (a negative one refused), else C's strtoull
// over the whole string — leading spaces, a sign (a minus wraps around),
// leading zeros — within uint64; an empty string is not one.
func ParseUlonglong(b []byte) (uint64, bool) {
	if n, ok := ParseInt(b); ok {
		return uint64(n), n >= 0
	}
	b = bytes.TrimLeft(b, " \t\n\v\f\r")
	if len(b) == 0 {
		return 0, false
	}
	return ParseUlong(b)
}
