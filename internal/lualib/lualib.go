// Package lualib gives gopher-lua states the Lua libraries Redis 7.0 gives
// its scripts, behaving as Redis's C libraries do down to output bytes and
// error texts:
//
//   - OpenCjson: the global cjson (Redis's lua-cjson 2.1.0)
//   - OpenCmsgpack: the global cmsgpack (lua-cmsgpack 0.4.0)
//   - OpenBit: the global bit (LuaBitOp 1.0.2)
//   - OpenStruct: the global struct (Roberto Ierusalimschy's struct, as
//     patched by Redis)
//   - OpenRedisMath: math.random and math.randomseed replaced by Redis's
//     rand48 port, over a Rand48 the caller owns: Redis 7.0 has one
//     generator for the whole process (EVAL's Lua state, the functions'
//     one, and the states SCRIPT FLUSH makes afresh all draw from it), never
//     reseeds it but through math.randomseed, and starts it from rand48's
//     default state, not from a seed
//
// Each Open function sets its global as Redis's luaLoadLib does; the math
// one needs the math library opened first. cjson's settings live in its
// functions' closures, one set per cjson table: nothing is shared between
// states but the Rand48 the caller passes.
//
// Errors are raised as Lua 5.1's C libraries raise them (luaL_error): with
// the position of the calling Lua function ("user_script:1: "), none when
// the caller is not Lua (pcall(cjson.decode, s)); argument errors name the
// function as Lua 5.1 would ("?" when it has no name). Lua 5.1's C stack
// limit (8000 slots) is counted as the C code would use it, so deep
// nesting and long results fail where Redis's do; the LState's registry
// must hold that many values (lua.Options.RegistrySize 20480 does).
//
// Where these differ from Redis, gopher-lua's tables are the cause:
//
//   - cjson.encode and cmsgpack.pack write a table's members in Lua 5.1's
//     order (see luaorder.go), which follows from how the table was built;
//     gopher-lua keeps only the order its keys went in. Tables built by
//     assignments into {}, and those cjson.decode and cmsgpack.unpack make,
//     come out as in Redis; a table constructor with several keys ({a=1,
//     b=2}) sizes the table first, and where its keys collide Lua places
//     them otherwise (a third of the random constructors in the tests);
//     keys deleted from a table and keys that are tables, functions or
//     userdata (ordered by address in Lua) are not modelled.
//   - cjson.null is a userdata with a hidden metatable, not a NULL
//     lightuserdata: getmetatable(cjson.null) is false, not nil.
package lualib

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// luaiMaxCStack is Lua 5.1's LUAI_MAXCSTACK: how many stack slots a C
// function may use; lua_checkstack refuses beyond it, which is what stops
// cmsgpack.unpack and struct.unpack returning too many values.
const luaiMaxCStack = 8000

// raise is luaL_error: the message after the position of the running
// function's caller when that is a Lua function ("user_script:1: "), bare
// when it is not (pcall(cjson.decode, s)). gopher-lua's own RaiseError
// looks past Go callers to the next Lua function, where Lua 5.1 does not.
func raise(L *lua.LState, format string, args ...any) {
	L.Error(lua.LString(where(L)+fmt.Sprintf(format, args...)), 0)
}

// where is luaL_where(L, 1).
func where(L *lua.LState) string {
	dbg, ok := L.GetStack(1)
	if !ok {
		return ""
	}
	if _, err := L.GetInfo("Sl", dbg, nil); err != nil || dbg.CurrentLine <= 0 {
		return ""
	}
	return dbg.Source + ":" + strconv.Itoa(dbg.CurrentLine) + ": "
}

// funcName is the name Lua 5.1's luaL_argerror gives the running Go
// function: how its caller called it, or "?".
func funcName(L *lua.LState) string {
	dbg, ok := L.GetStack(0)
	if !ok {
		return "?"
	}
	if _, err := L.GetInfo("n", dbg, nil); err != nil {
		return "?"
	}
	// gopher-lua names what Lua 5.1 leaves unnamed "(anonymous)",
	// "<source:line>", or "main chunk" when Go called it.
	if dbg.Name == "" || dbg.Name == "(anonymous)" || dbg.Name == "main chunk" || strings.HasPrefix(dbg.Name, "<") {
		return "?"
	}
	return dbg.Name
}

// argError is luaL_argerror.
func argError(L *lua.LState, n int, msg string) {
	raise(L, "bad argument #%d to '%s' (%s)", n, funcName(L), msg)
}

// typeName is luaL_typename: "no value" past the last argument.
func typeName(L *lua.LState, n int) string {
	if n > L.GetTop() {
		return "no value"
	}
	return L.Get(n).Type().String()
}

// typeError is luaL_typerror.
func typeError(L *lua.LState, n int, expected string) {
	argError(L, n, expected+" expected, got "+typeName(L, n))
}

// toNumber is lua_tonumber: numbers, and strings that read as numbers as
// Lua 5.1's luaO_str2d reads them (strtod, surrounding white space).
func toNumber(v lua.LValue) (float64, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		return float64(v), true
	case lua.LString:
		return str2d(string(v))
	}
	return 0, false
}

// str2d is Lua 5.1's luaO_str2d. A NUL ends the string, as in C.
func str2d(s string) (float64, bool) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	f, end := strtod(s, 0)
	if end == 0 {
		return 0, false
	}
	if end < len(s) && (s[end] == 'x' || s[end] == 'X') {
		// luaO_str2d retries with strtoul for C libraries whose strtod
		// reads no hex; glibc's does, so this only sees "0x" alone,
		// which strtoul reads as 0 up to the x as well.
		return 0, false
	}
	for end < len(s) && isSpace(s[end]) {
		end++
	}
	return f, end == len(s)
}

func isSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// checkNumber is luaL_checknumber.
func checkNumber(L *lua.LState, n int) float64 {
	f, ok := toNumber(L.Get(n))
	if !ok {
		typeError(L, n, "number")
	}
	return f
}

// checkInteger is luaL_checkinteger on 64-bit Linux: lua_tointeger's cast
// of the number to ptrdiff_t.
func checkInteger(L *lua.LState, n int) int64 {
	return cInt64(checkNumber(L, n))
}

// checkInt is luaL_checkint: luaL_checkinteger cut to a C int.
func checkInt(L *lua.LState, n int) int32 {
	return int32(checkInteger(L, n))
}

// optInteger is luaL_optinteger: nil or none give the default.
func optInteger(L *lua.LState, n int, def int64) int64 {
	if L.Get(n) == lua.LNil {
		return def
	}
	return checkInteger(L, n)
}

// checkLString is luaL_checklstring: strings, and numbers as Lua 5.1
// converts them ("%.14g").
func checkLString(L *lua.LState, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return string(appendG(nil, float64(v), 14))
	}
	typeError(L, n, "string")
	return ""
}

// cInt64 converts as x86-64's cvttsd2si does what C leaves undefined: NaN
// and numbers out of range give the "integer indefinite" value.
func cInt64(f float64) int64 {
	if f >= -9223372036854775808.0 && f < 9223372036854775808.0 {
		return int64(f)
	}
	return math.MinInt64
}

// cInt32 is cInt64 for a C int destination (lua_number2int, (int)d).
func cInt32(f float64) int32 {
	if f > -2147483649.0 && f < 2147483648.0 {
		return int32(f)
	}
	return math.MinInt32
}

// cUint64 is gcc's x86-64 conversion of a double to unsigned long: below
// 2^63 a signed conversion, above it one of f-2^63 with the top bit
// flipped back.
func cUint64(f float64) uint64 {
	if !(f >= 9223372036854775808.0) {
		return uint64(cInt64(f))
	}
	return uint64(cInt64(f-9223372036854775808.0)) ^ (1 << 63)
}

// appendG appends f as C's printf("%.<prec>g") (glibc's spelling of
// infinities and NaNs included), which is how Lua 5.1 and lua-cjson print
// numbers.
func appendG(b []byte, f float64, prec int) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case math.IsNaN(f):
		if math.Signbit(f) {
			return append(b, "-nan"...)
		}
		return append(b, "nan"...)
	}
	if prec == 0 {
		prec = 1
	}
	// The common case, an integer of no more digits than the precision,
	// prints as itself.
	if f == math.Trunc(f) && math.Abs(f) < pow10[min(prec, len(pow10)-1)] && !(f == 0 && math.Signbit(f)) {
		return strconv.AppendInt(b, int64(f), 10)
	}
	var tmp [40]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', prec-1, 64)
	ei := len(e) - 1
	for e[ei] != 'e' {
		ei--
	}
	exp := 0
	for _, c := range e[ei+2:] {
		exp = exp*10 + int(c-'0')
	}
	if e[ei+1] == '-' {
		exp = -exp
	}
	if exp < -4 || exp >= prec {
		return append(append(b, trimZeros(e[:ei])...), e[ei:]...)
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, 'f', prec-1-exp, 64)
	return append(b[:start], trimZeros(b[start:])...)
}

// pow10 are the limits below which integers have at most i digits.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17}

// trimZeros drops a decimal fraction's trailing zeros and a bare point, as
// %g does.
func trimZeros(m []byte) []byte {
	if !containsByte(m, '.') {
		return m
	}
	i := len(m)
	for m[i-1] == '0' {
		i--
	}
	if m[i-1] == '.' {
		i--
	}
	return m[:i]
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// arrayPart walks a table's keys as lua_next does, its integer keys 1..n
// first without boxing them: it returns n, how many of 1..n hold a value,
// and the key to continue lua_next from (past them) for the rest.
// gopher-lua keeps those keys in a slice it fills from 1, so n is where
// the slice's last value is.
func arrayPart(tb *lua.LTable) (n, items int, rest lua.LValue) {
	n = tb.MaxN()
	for i := 1; i <= n; i++ {
		if tb.RawGetInt(i) != lua.LNil {
			items++
		}
	}
	// Next(0) would skip the first hash key: gopher-lua reads a 0 key
	// as "start of the hash part" only when it came from the array.
	rest = lua.LNil
	if n > 0 {
		rest = boxedIndex(n)
	}
	return n, items, rest
}

// boxedIndex is lua.LNumber(i) as an LValue, without allocating for
// small i.
func boxedIndex(i int) lua.LValue {
	if i < len(boxedIndexes) {
		return boxedIndexes[i]
	}
	return lua.LNumber(i)
}

// boxedIndexes are small integers already in interfaces: putting a number
// in an LValue allocates, and arrayPart would on every table.
var boxedIndexes = func() (b [1024]lua.LValue) {
	for i := range b {
		b[i] = lua.LNumber(i)
	}
	return b
}()

// setGlobalLib sets a library table as luaL_register does: the global of
// that name, and package.loaded's entry when the package library is open.
func setGlobalLib(L *lua.LState, name string, tb *lua.LTable) {
	L.SetGlobal(name, tb)
	if pkg, ok := L.GetGlobal("package").(*lua.LTable); ok {
		if loaded, ok := pkg.RawGetString("loaded").(*lua.LTable); ok {
			loaded.RawSetString(name, tb)
		}
	}
}
