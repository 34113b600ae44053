package main

import (
	"bytes"
	"math"
	"strconv"
	"unsafe"

	"respd/internal/redisconv"
)

// parseInt64 parses an integer as Redis does (string2ll).
func parseInt64(b []byte) (int64, bool) { return redisconv.ParseInt(b) }

// cloneArgs copies a request's arguments, which alias the connection's read
// buffer, into one new allocation (for commands kept past their request,
// as in a MULTI queue).
func cloneArgs(args [][]byte) [][]byte {
	size := 0
	for _, a := range args {
		size += len(a)
	}
	data := make([]byte, 0, size)
	clone := make([][]byte, len(args))
	for i, a := range args {
		data = append(data, a...)
		clone[i] = data[len(data)-len(a) : len(data) : len(data)]
	}
	return clone
}

// intArg parses an integer argument, replying with Redis's error if it is
// not one.
func (c *Client) intArg(b []byte) (int64, bool) {
	n, ok := parseInt64(b)
	if !ok {
		c.Error(errNotInteger)
	}
	return n, ok
}

// maxLong is C's LONG_MAX, the bound of Redis's long arguments.
const maxLong = 1<<63 - 1

// rangeArg parses an integer in [lo, hi] as Redis's
// getRangeLongFromObjectOrReply: msg answers both a non-integer and a
// value out of range.
func (c *Client) rangeArg(b []byte, lo, hi int64, msg string) (int64, bool) {
	n, ok := parseInt64(b)
	if !ok || n < lo || n > hi {
		c.Error(msg)
		return 0, false
	}
	return n, true
}

// positiveArg parses a non-negative integer as Redis's
// getPositiveLongFromObjectOrReply: msg answers a non-integer too.
func (c *Client) positiveArg(b []byte, msg string) (int64, bool) {
	return c.rangeArg(b, 0, maxLong, msg)
}

// str views b as a string without copying; only for lookups and
// comparisons that do not retain it, or for a b nothing writes again.
func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// bytesOf views s as bytes without copying, for reading only.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// itoa formats n as a new byte slice (for propagated arguments).
func itoa(n int64) []byte { return strconv.AppendInt(nil, n, 10) }

// cString is b up to its first NUL byte, as C's %s prints it and as
// Redis compares option names ("NX\x00anything" is NX).
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// stringArgv is a command's arguments as bytes.
func stringArgv(args ...string) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = []byte(a)
	}
	return out
}

// randomCountArgs parses HRANDFIELD's and ZRANDMEMBER's count [option]
// (WITHVALUES, WITHSCORES) from args[2:], as Redis checks them: the count
// in -LONG_MAX..LONG_MAX, with the option in half that, as the pairs'
// replies double it.
func (c *Client) randomCountArgs(args [][]byte, option string) (count int64, withOption, ok bool) {
	if count, ok = c.intArg(args[2]); !ok {
		return 0, false, false
	}
	switch {
	case count == math.MinInt64:
		c.Error(errOutOfRangeLong)
		return 0, false, false
	case len(args) > 4 || (len(args) == 4 && !asciiEqualFold(args[3], option)):
		c.Error(errSyntax)
		return 0, false, false
	case len(args) == 4 && (count < -math.MaxInt64/2 || count > math.MaxInt64/2):
		c.Error(errValueOutOfRange)
		return 0, false, false
	}
	return count, len(args) == 4, true
}
