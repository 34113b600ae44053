package redisconv

import (
	"math"
	"strconv"
	"testing"
)

func TestParseInt(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "-1": -1, "42": 42, "9223372036854775807": math.MaxInt64, "-9223372036854775808": math.MinInt64} {
		if n, ok := ParseInt([]byte(in)); !ok || n != want {
			t.Errorf("%q: %d, %v", in, n, ok)
		}
	}
	for _, bad := range []string{"", "-", "+1", " 1", "1 ", "01", "-0", "1.0", "9223372036854775808", "-9223372036854775809", "1\x00"} {
		if n, ok := ParseInt([]byte(bad)); ok {
			t.Errorf("%q parsed as %d", bad, n)
		}
	}
}

// FuzzParseInt: string2ll accepts exactly the canonical decimal form of
// an int64, the one strconv.FormatInt prints.
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"0", "-1", "01", "+1", "9223372036854775808", " 5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParseInt([]byte(s))
		ref, err := strconv.ParseInt(s, 10, 64)
		canonical := err == nil && strconv.FormatInt(ref, 10) == s
		if ok != canonical || ok && n != ref {
			t.Fatalf("%q: %d, %v; strconv %d, %v", s, n, ok, ref, err)
		}
	})
}

// SCAN cursors as Redis 7.0.15 takes them: signs and wrap-around, an
// empty cursor, the argument cut at a NUL; spaces, other text and overflow
// refused.
func TestParseUlong(t *testing.T) {
	for in, want := range map[string]uint64{"": 0, "0": 0, "17": 17, "+3": 3, "-1": math.MaxUint64, "007": 7, "1\x00abc": 1, "18446744073709551615": math.MaxUint64} {
		if n, ok := ParseUlong([]byte(in)); !ok || n != want {
			t.Errorf("%q: %d, %v", in, n, ok)
		}
	}
	for _, bad := range []string{" 1", "1 ", "--1", "+-1", "0x10", "1a", "18446744073709551616"} {
		if n, ok := ParseUlong([]byte(bad)); ok {
			t.Errorf("%q parsed as %d", bad, n)
		}
	}
}

// ParseUlonglong reads what redis-server 7.0.15 takes as a stream ID's
// parts (XADD s <ms>-<seq> …): a minus on a canonical integer refuses it,
// on anything else strtoull wraps it.
func TestParseUlonglong(t *testing.T) {
	for in, want := range map[string]uint64{"0": 0, "17": 17, " 1": 1, "\t+2": 2, "06": 6, "-0": 0, " -5": math.MaxUint64 - 4,
		"-18446744073709551615": 1, "18446744073709551615": math.MaxUint64} {
		if n, ok := ParseUlonglong([]byte(in)); !ok || n != want {
			t.Errorf("%q: %d, %v", in, n, ok)
		}
	}
	for _, bad := range []string{"", " ", "-1", "-5", "1 ", "+", "0x10", "18446744073709551616", "1a"} {
		if n, ok := ParseUlonglong([]byte(bad)); ok {
			t.Errorf("%q parsed as %d", bad, n)
		}
	}
}

// AppendDouble prints what C's printf("%.17g") does (Python's '%.17g' %
// x, which follows it, gave the expected texts).
func TestAppendDouble(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0", math.Copysign(0, -1): "-0", 1: "1", -1.5: "-1.5", 0.1: "0.10000000000000001", 1.0 / 3: "0.33333333333333331",
		1e16: "10000000000000000", 1e17: "1e+17", 1e20: "1e+20", 123456789012345678: "1.2345678901234568e+17", 100000: "100000",
		1e-4: "0.0001", 1e-5: "1.0000000000000001e-05", 2.5e-300: "2.5e-300", 5e-324: "4.9406564584124654e-324",
		math.MaxFloat64: "1.7976931348623157e+308", math.Inf(1): "inf", math.Inf(-1): "-inf", math.NaN(): "nan",
	} {
		if got := string(AppendDouble([]byte("x"), f)); got != "x"+want {
			t.Errorf("AppendDouble(%v) = %q, want %q", f, got, "x"+want)
		}
	}
}
