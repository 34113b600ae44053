package main

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Where gopher-lua's standard library differs from Lua 5.1's in what a
// script can see, Redis's Lua (5.1) is put back: string.format with C's
// printf, tonumber with a base, math.huge.

// luaArgError is luaL_argerror: the message with the caller's position.
func luaArgError(L *lua.LState, n int, fn, msg string) {
	L.Error(lua.LString(fmt.Sprintf("%sbad argument #%d to '%s' (%s)", luaWhere(L, 1), n, fn, msg)), 0)
}

// luaTypeName is the type a bad-argument error names ("no value" past
// the arguments).
func luaTypeName(L *lua.LState, n int) string {
	if n > L.GetTop() {
		return "no value"
	}
	return L.Get(n).Type().String()
}

// luaCheckNumber is luaL_checknumber: a number, or a string that reads as
// one.
func luaCheckNumber(L *lua.LState, n int, fn string) float64 {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		return float64(v)
	case lua.LString:
		if f, err := strconv.ParseFloat(strings.TrimSpace(string(v)), 64); err == nil {
			return f
		}
	}
	luaArgError(L, n, fn, "number expected, got "+luaTypeName(L, n))
	return 0
}

// luaCheckString is luaL_checklstring: a string, or a number formatted.
func luaCheckString(L *lua.LState, n int, fn string) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return luaToString(v)
	}
	luaArgError(L, n, fn, "string expected, got "+luaTypeName(L, n))
	return ""
}

// luaStringFormat is Lua 5.1's string.format (str_format): C's printf
// for each item.
func luaStringFormat(L *lua.LState) int {
	format := luaCheckString(L, 1, "format")
	var b strings.Builder
	arg := 1
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			b.WriteByte(format[i])
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			b.WriteByte('%')
			continue
		}
		if arg++; arg > L.GetTop() {
			luaArgError(L, arg, "format", "no value")
		}
		spec, end := luaScanFormat(L, format, i)
		i = end
		conv := byte(0)
		if i < len(format) {
			conv = format[i]
		}
		switch conv {
		case 'c':
			b.WriteByte(byte(int(luaCheckNumber(L, arg, "format"))))
		case 'd', 'i':
			b.WriteString(fmt.Sprintf("%"+spec+"d", luaToInt64(luaCheckNumber(L, arg, "format"))))
		case 'o', 'u', 'x', 'X':
			verb := map[byte]string{'o': "o", 'u': "d", 'x': "x", 'X': "X"}[conv]
			b.WriteString(fmt.Sprintf("%"+spec+verb, uint64(luaToInt64(luaCheckNumber(L, arg, "format")))))
		case 'e', 'E', 'f', 'g', 'G':
			b.WriteString(cFormatFloat(spec, conv, luaCheckNumber(L, arg, "format")))
		case 'q':
			luaAddQuoted(&b, luaCheckString(L, arg, "format"))
		case 's':
			s := luaCheckString(L, arg, "format")
			if !strings.Contains(spec, ".") && len(s) >= 100 {
				b.WriteString(s) // too long to format: as it is
			} else {
				b.WriteString(fmt.Sprintf("%"+spec+"s", s))
			}
		default:
			L.Error(lua.LString(fmt.Sprintf("%sinvalid option '%%%c' to 'format'", luaWhere(L, 1), conv)), 0)
		}
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// luaScanFormat is scanformat: the flags, width and precision of an item
// starting at i, and where its conversion is.
func luaScanFormat(L *lua.LState, format string, i int) (spec string, end int) {
	start := i
	for i < len(format) && strings.IndexByte("-+ #0", format[i]) >= 0 {
		i++
	}
	if i-start > 5 {
		L.Error(lua.LString(luaWhere(L, 1)+"invalid format (repeated flags)"), 0)
	}
	digits := func() {
		for n := 0; n < 2 && i < len(format) && format[i] >= '0' && format[i] <= '9'; n++ {
			i++
		}
	}
	digits()
	if i < len(format) && format[i] == '.' {
		i++
		digits()
	}
	if i < len(format) && format[i] >= '0' && format[i] <= '9' {
		L.Error(lua.LString(luaWhere(L, 1)+"invalid format (width or precision too long)"), 0)
	}
	return format[start:i], i
}

// luaToInt64 is C's cast of a double to a long: truncation, and what x86
// gives out of range.
func luaToInt64(f float64) int64 {
	if math.IsNaN(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(f)
}

// cFormatFloat formats as C's printf does with %e, %f, %g: Go's verbs but
// C's default precision (6) and its inf and nan.
func cFormatFloat(spec string, conv byte, f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		s := luaToString(lua.LNumber(f))
		if conv == 'E' || conv == 'G' {
			s = strings.ToUpper(s)
		}
		width := strings.TrimLeft(strings.SplitN(spec, ".", 2)[0], "-+ #0")
		if strings.Contains(spec, "+") && !strings.HasPrefix(s, "-") {
			s = "+" + s
		}
		if n, _ := strconv.Atoi(width); n > len(s) {
			if strings.Contains(spec, "-") {
				return s + strings.Repeat(" ", n-len(s))
			}
			return strings.Repeat(" ", n-len(s)) + s
		}
		return s
	}
	if !strings.Contains(spec, ".") {
		spec += ".6"
	}
	return fmt.Sprintf("%"+spec+string(conv), f)
}

// luaAddQuoted is addquoted: a string as a Lua literal.
func luaAddQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '\n':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			b.WriteString("\\r")
		case 0:
			b.WriteString("\\000")
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// luaTonumber is Lua 5.1's tonumber: with a base (2 to 36), an integer
// in it; without, a decimal or hexadecimal number; otherwise nil.
func luaTonumber(L *lua.LState) int {
	base := 10
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		base = int(luaCheckNumber(L, 2, "tonumber"))
	}
	if base == 10 {
		v := L.CheckAny(1)
		switch v := v.(type) {
		case lua.LNumber:
			L.Push(v)
			return 1
		case lua.LString:
			if f, ok := luaStringToNumber(string(v)); ok {
				L.Push(lua.LNumber(f))
				return 1
			}
		}
		L.Push(lua.LNil)
		return 1
	}
	s := strings.TrimSpace(luaCheckString(L, 1, "tonumber"))
	if base < 2 || base > 36 {
		luaArgError(L, 2, "tonumber", "base out of range")
	}
	n, err := strconv.ParseUint(s, base, 64)
	if err != nil || s == "" {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(lua.LNumber(float64(n)))
	return 1
}

// luaStringToNumber is luaO_str2d: strtod, or a hexadecimal integer, with
// only spaces around.
func luaStringToNumber(s string) (float64, bool) {
	t := strings.Trim(s, " \t\n\v\f\r")
	if t == "" {
		return 0, false
	}
	if rest, ok := strings.CutPrefix(strings.ToLower(t), "0x"); ok {
		n, err := strconv.ParseUint(rest, 16, 64)
		return float64(n), err == nil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true // strtod's HUGE_VAL
		}
		return 0, false
	}
	return f, true
}

// luaArgNames quotes the function a gopher-lua argument error names, as
// Lua 5.1 does: "bad argument #1 to 'floor' (…)".
var luaArgNames = regexp.MustCompile(`(bad argument #\d+ to |in table for )([A-Za-z_][A-Za-z0-9_]*)( \(|$)`)

// luaMessage is an error message of gopher-lua's in Lua 5.1's words,
// where they differ only in quoting.
func luaMessage(msg string) string {
	if !strings.Contains(msg, "bad argument") && !strings.Contains(msg, "in table for") {
		return msg
	}
	return luaArgNames.ReplaceAllString(msg, "$1'$2'$3")
}

// luaLoadIn wraps loadstring or load so that the chunk it compiles sees
// the script's globals (read-only), not the interpreter's.
func luaLoadIn(load *lua.LFunction, env *lua.LTable) lua.LGFunction {
	return func(L *lua.LState) int {
		top := L.GetTop()
		L.Push(load)
		for i := 1; i <= top; i++ {
			L.Push(L.Get(i))
		}
		if src, ok := L.Get(1).(lua.LString); ok && top == 1 {
			L.Push(lua.LString(luaChunkID(string(src))))
			top++
		}
		L.Call(top, 2)
		if fn, ok := L.Get(-2).(*lua.LFunction); ok {
			L.SetFEnv(fn, env)
		}
		return 2
	}
}

// luaChunkID is luaO_chunkid for a chunk loaded from a string: how its
// errors name it, `[string "first line..."]`.
func luaChunkID(src string) string {
	n := strings.IndexAny(src, "\n\r")
	if n < 0 {
		n = len(src)
	}
	n = min(n, 43)
	if n < len(src) {
		return `[string "` + src[:n] + `..."]`
	}
	return `[string "` + src + `"]`
}
