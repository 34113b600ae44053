package lualib

import (
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// OpenCjson sets the global cjson: Redis's lua-cjson 2.1.0. JSON null
// decodes to cjson.null, a userdata of the state's own that every cjson
// table of the state (cjson.new() makes more, each with its own settings)
// shares, as lua-cjson's NULL lightuserdata is one value; IsNull tells it.
func OpenCjson(L *lua.LState) {
	null := L.NewUserData()
	null.Value = jsonNull{}
	// tostring gives what Lua gives for a NULL lightuserdata on glibc,
	// not an address that changes from run to run. __metatable hides
	// the metatable from scripts (a lightuserdata has none: Redis's
	// getmetatable gives nil, this one false).
	mt := L.CreateTable(0, 2)
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("userdata: (nil)"))
		return 1
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	null.Metatable = mt
	setGlobalLib(L, "cjson", newCjson(L, null))
}

// jsonNull marks cjson.null's userdata.
type jsonNull struct{}

// IsNull reports whether v is cjson.null, which Redis converts to a null
// reply (a lightuserdata has no reply type of its own).
func IsNull(v lua.LValue) bool {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return false
	}
	_, ok = ud.Value.(jsonNull)
	return ok
}

// cjson's defaults, as Redis builds it.
const (
	jsonDefaultSparseRatio = 2
	jsonDefaultSparseSafe  = 10
	jsonDefaultMaxDepth    = 1000
	jsonDefaultPrecision   = 14
)

// jsonConfig is one cjson table's settings, lua-cjson's json_config_t,
// and its reused buffers.
type jsonConfig struct {
	null *lua.LUserData

	sparseConvert        int
	sparseRatio          int
	sparseSafe           int
	encodeMaxDepth       int
	decodeMaxDepth       int
	encodeInvalidNumbers int // 0 refuse, 1 encode, 2 encode as null
	decodeInvalidNumbers int
	precision            int
	keepBuffer           int

	order luaOrderer   // the encoder's, for objects' members in Lua's order
	buf   []byte       // the encoder's, kept between calls when keepBuffer
	tmp   []byte       // the decoder's, for strings with escapes
	stack []lua.LValue // the decoder's: the members of the tables it is in
}

// newCjson is lua_cjson_new: a module table with fresh settings.
func newCjson(L *lua.LState, null *lua.LUserData) *lua.LTable {
	c := &jsonConfig{
		null:                 null,
		sparseRatio:          jsonDefaultSparseRatio,
		sparseSafe:           jsonDefaultSparseSafe,
		encodeMaxDepth:       jsonDefaultMaxDepth,
		decodeMaxDepth:       jsonDefaultMaxDepth,
		decodeInvalidNumbers: 1,
		precision:            jsonDefaultPrecision,
		keepBuffer:           1,
	}
	tb := L.CreateTable(0, 13)
	for name, fn := range map[string]lua.LGFunction{
		"encode":                  c.encode,
		"decode":                  c.decode,
		"encode_sparse_array":     c.cfgEncodeSparseArray,
		"encode_max_depth":        c.cfgEncodeMaxDepth,
		"decode_max_depth":        c.cfgDecodeMaxDepth,
		"encode_number_precision": c.cfgEncodeNumberPrecision,
		"encode_keep_buffer":      c.cfgEncodeKeepBuffer,
		"encode_invalid_numbers":  c.cfgEncodeInvalidNumbers,
		"decode_invalid_numbers":  c.cfgDecodeInvalidNumbers,
		"new": func(L *lua.LState) int {
			L.Push(newCjson(L, null))
			return 1
		},
	} {
		tb.RawSetString(name, L.NewFunction(fn))
	}
	tb.RawSetString("null", null)
	tb.RawSetString("_NAME", lua.LString("cjson"))
	tb.RawSetString("_VERSION", lua.LString("2.1.0"))
	return tb
}

// ===== Configuration =====

// argInit is json_arg_init: at most args arguments, the missing ones
// pushed as nils so that the results pushed after them are not taken for
// arguments.
func argInit(L *lua.LState, args int) {
	if L.GetTop() > args {
		argError(L, args+1, "found too many arguments")
	}
	for L.GetTop() < args {
		L.Push(lua.LNil)
	}
}

// integerOption is json_integer_option. Its range error names argument 1
// whichever it is about, as lua-cjson does.
func integerOption(L *lua.LState, n int, setting *int, lo, hi int) {
	if L.Get(n) != lua.LNil {
		value := int(int32(checkInteger(L, n)))
		if value < lo || value > hi {
			argError(L, 1, "expected integer between "+strconv.Itoa(lo)+" and "+strconv.Itoa(hi))
		}
		*setting = value
	}
	L.Push(lua.LNumber(*setting))
}

// enumOption is json_enum_option: a boolean or one of options' names.
// Settings 0 and 1 read back as booleans.
func enumOption(L *lua.LState, n int, setting *int, options []string) {
	if options == nil {
		options = jsonBoolOptions
	}
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
	case lua.LBool:
		*setting = 0
		if v {
			*setting = 1
		}
	default:
		*setting = checkOption(L, n, options)
	}
	if *setting <= 1 {
		L.Push(lua.LBool(*setting == 1))
	} else {
		L.Push(lua.LString(options[*setting]))
	}
}

// The names enumOption accepts: lua-cjson's bool_options, and those of
// encode_invalid_numbers.
var (
	jsonBoolOptions           = []string{"off", "on"}
	jsonInvalidNumbersOptions = []string{"off", "on", "null"}
)

// checkOption is luaL_checkoption without a default.
func checkOption(L *lua.LState, n int, options []string) int {
	name := checkLString(L, n)
	for i, o := range options {
		if o == name {
			return i
		}
	}
	argError(L, n, "invalid option '"+cString(name)+"'")
	return 0
}

func (c *jsonConfig) cfgEncodeSparseArray(L *lua.LState) int {
	argInit(L, 3)
	enumOption(L, 1, &c.sparseConvert, nil)
	integerOption(L, 2, &c.sparseRatio, 0, math.MaxInt32)
	integerOption(L, 3, &c.sparseSafe, 0, math.MaxInt32)
	return 3
}

func (c *jsonConfig) cfgEncodeMaxDepth(L *lua.LState) int {
	argInit(L, 1)
	integerOption(L, 1, &c.encodeMaxDepth, 1, math.MaxInt32)
	return 1
}

func (c *jsonConfig) cfgDecodeMaxDepth(L *lua.LState) int {
	argInit(L, 1)
	integerOption(L, 1, &c.decodeMaxDepth, 1, math.MaxInt32)
	return 1
}

func (c *jsonConfig) cfgEncodeNumberPrecision(L *lua.LState) int {
	argInit(L, 1)
	integerOption(L, 1, &c.precision, 1, 14)
	return 1
}

// cfgEncodeKeepBuffer changes nothing a script can see: Go's buffer is
// kept or dropped.
func (c *jsonConfig) cfgEncodeKeepBuffer(L *lua.LState) int {
	argInit(L, 1)
	enumOption(L, 1, &c.keepBuffer, nil)
	if c.keepBuffer == 0 {
		c.buf = nil
	}
	return 1
}

func (c *jsonConfig) cfgEncodeInvalidNumbers(L *lua.LState) int {
	argInit(L, 1)
	enumOption(L, 1, &c.encodeInvalidNumbers, jsonInvalidNumbersOptions)
	return 1
}

func (c *jsonConfig) cfgDecodeInvalidNumbers(L *lua.LState) int {
	argInit(L, 1)
	enumOption(L, 1, &c.decodeInvalidNumbers, nil)
	return 1
}

// ===== Encoding =====

// jsonEscapes is lua-cjson's char2escape: control characters, '"', '/',
// '\\' and DEL; every other byte, UTF-8 or not, passes as it is.
var jsonEscapes = func() (t [256]string) {
	const hex = "0123456789abcdef"
	for i := 0; i < 0x20; i++ {
		t[i] = `\u00` + string(hex[i>>4]) + string(hex[i&15])
	}
	t['\b'], t['\t'], t['\n'], t['\f'], t['\r'] = `\b`, `\t`, `\n`, `\f`, `\r`
	t['"'], t['/'], t['\\'], t[0x7f] = `\"`, `\/`, `\\`, `\u007f`
	return t
}()

func (c *jsonConfig) encode(L *lua.LState) int {
	if L.GetTop() != 1 {
		argError(L, 1, "expected 1 argument")
	}
	c.order.pop(0) // what an encode that raised an error left there
	b := c.appendValue(L, c.buf[:0], L.Get(1), 0, 1)
	L.Push(lua.LString(b))
	if c.keepBuffer != 0 {
		c.buf = b
	}
	return 1
}

// encodeError is json_encode_exception.
func encodeError(L *lua.LState, v lua.LValue, reason string) {
	raise(L, "Cannot serialise %s: %s", v.Type().String(), reason)
}

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if esc := jsonEscapes[s[i]]; esc != "" {
			b = append(b, esc...)
		} else {
			b = append(b, s[i])
		}
	}
	return append(b, '"')
}

func (c *jsonConfig) appendNumber(L *lua.LState, b []byte, v lua.LNumber) []byte {
	f := float64(v)
	bad := math.IsInf(f, 0) || math.IsNaN(f)
	switch {
	case c.encodeInvalidNumbers == 0 && bad:
		encodeError(L, v, "must not be NaN or Inf")
	case c.encodeInvalidNumbers == 1 && math.IsNaN(f):
		// lua-cjson spells every NaN "nan", not "-nan".
		return append(b, "nan"...)
	case c.encodeInvalidNumbers == 2 && bad:
		return append(b, "null"...)
	}
	return appendG(b, f, c.precision)
}

// appendValue is json_append_data. slots counts the Lua stack slots the C
// would be using: the argument, then a value per array and a key and a
// value per object it is inside; its lua_checkstack refuses to nest once
// they would pass Lua 5.1's limit, whatever the maximum depth.
func (c *jsonConfig) appendValue(L *lua.LState, b []byte, v lua.LValue, depth, slots int) []byte {
	switch v := v.(type) {
	case lua.LString:
		return appendJSONString(b, string(v))
	case lua.LNumber:
		return c.appendNumber(L, b, v)
	case lua.LBool:
		if v {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case *lua.LNilType:
		return append(b, "null"...)
	case *lua.LTable:
		depth++
		if depth > c.encodeMaxDepth || slots+3 > luaiMaxCStack {
			raise(L, "Cannot serialise, excessive nesting (%d)", depth)
		}
		if n := c.arrayLength(L, v); n > 0 {
			return c.appendArray(L, b, v, n, depth, slots+1)
		}
		return c.appendObject(L, b, v, depth, slots+2)
	case *lua.LUserData:
		if v == c.null {
			return append(b, "null"...)
		}
	}
	encodeError(L, v, "type not supported")
	return b
}

// arrayLength is lua_array_length: the largest key of a table whose keys
// are all positive integers, or -1 (an object) otherwise or when that
// array is excessively sparse and converting it is allowed. The C keeps
// the largest key in an int, which the x86 conversion can make negative.
func (c *jsonConfig) arrayLength(L *lua.LState, tb *lua.LTable) int32 {
	n, count, k := arrayPart(tb)
	max, items := int32(n), int32(count)
	for k, _ = tb.Next(k); k != lua.LNil; k, _ = tb.Next(k) {
		n, ok := k.(lua.LNumber)
		if !ok || n == 0 || math.Floor(float64(n)) != float64(n) || n < 1 {
			return -1
		}
		if float64(n) > float64(max) {
			max = cInt32(float64(n))
		}
		items++
	}
	if c.sparseRatio > 0 && max > items*int32(c.sparseRatio) && max > int32(c.sparseSafe) {
		if c.sparseConvert == 0 {
			encodeError(L, tb, "excessively sparse array")
		}
		return -1
	}
	return max
}

func (c *jsonConfig) appendArray(L *lua.LState, b []byte, tb *lua.LTable, n int32, depth, slots int) []byte {
	b = append(b, '[')
	for i := 1; i <= int(n); i++ {
		if i > 1 {
			b = append(b, ',')
		}
		b = c.appendValue(L, b, tb.RawGetInt(i), depth, slots)
	}
	return append(b, ']')
}

func (c *jsonConfig) appendObject(L *lua.LState, b []byte, tb *lua.LTable, depth, slots int) []byte {
	b = append(b, '{')
	start, ok := c.order.order(tb)
	if !ok {
		// Keys Lua orders by address: gopher-lua's order, and an
		// error for the first key that is no number or string.
		comma := false
		for k, v := tb.Next(lua.LNil); k != lua.LNil; k, v = tb.Next(k) {
			b = c.appendMember(L, b, k, v, depth, slots, comma)
			comma = true
		}
		return append(b, '}')
	}
	end := len(c.order.stack)
	for i := start; i < end; i++ {
		// Read through c.order.stack each time: nested objects push
		// on it and may move it.
		m := c.order.stack[i]
		b = c.appendMember(L, b, m.key, m.value, depth, slots, i > start)
	}
	c.order.pop(start)
	return append(b, '}')
}

// appendMember appends an object's member, after a comma unless first.
func (c *jsonConfig) appendMember(L *lua.LState, b []byte, k, v lua.LValue, depth, slots int, comma bool) []byte {
	if comma {
		b = append(b, ',')
	}
	switch k := k.(type) {
	case lua.LNumber:
		b = append(b, '"')
		b = c.appendNumber(L, b, k)
		b = append(b, '"', ':')
	case lua.LString:
		b = appendJSONString(b, string(k))
		b = append(b, ':')
	default:
		encodeError(L, k, "table key must be a number or string")
	}
	return c.appendValue(L, b, v, depth, slots)
}

// ===== Decoding =====

type jsonTokenType int

const (
	tObjBegin jsonTokenType = iota
	tObjEnd
	tArrBegin
	tArrEnd
	tString
	tNumber
	tBoolean
	tNull
	tColon
	tComma
	tEnd
	tWhitespace
	tError
	tUnknown
)

var jsonTokenNames = [...]string{
	"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING",
	"T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END",
	"T_WHITESPACE", "T_ERROR", "T_UNKNOWN",
}

// jsonCharTokens is lua-cjson's ch2token table.
var jsonCharTokens = func() (t [256]jsonTokenType) {
	for i := range t {
		t[i] = tError
	}
	t['{'], t['}'], t['['], t[']'] = tObjBegin, tObjEnd, tArrBegin, tArrEnd
	t[','], t[':'], t[0] = tComma, tColon, tEnd
	t[' '], t['\t'], t['\n'], t['\r'] = tWhitespace, tWhitespace, tWhitespace, tWhitespace
	for _, ch := range "fiInNt\"+-0123456789" {
		t[ch] = tUnknown
	}
	return t
}()

// jsonUnescapes is lua-cjson's escape2char; 'u' means a unicode escape.
var jsonUnescapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b',
	't': '\t', 'n': '\n', 'f': '\f', 'r': '\r', 'u': 'u'}

type jsonToken struct {
	typ   jsonTokenType
	index int
	str   string // a string's value, or an error's description
	num   float64
	b     bool
}

// jsonParser reads data as the C reads its NUL-terminated copy: every
// byte past the end is a NUL.
type jsonParser struct {
	L     *lua.LState
	c     *jsonConfig
	data  string
	ptr   int
	depth int
	slots int // the C's Lua stack slots in use, as appendValue counts them
}

func (p *jsonParser) at(i int) byte {
	if i < len(p.data) {
		return p.data[i]
	}
	return 0
}

func (c *jsonConfig) decode(L *lua.LState) int {
	if L.GetTop() != 1 {
		argError(L, 1, "expected 1 argument")
	}
	p := jsonParser{L: L, c: c, data: checkLString(L, 1), slots: 1}
	// A decode that raised an error left its members behind.
	p.popStack(0)
	if len(p.data) >= 2 && (p.data[0] == 0 || p.data[1] == 0) {
		raise(L, "JSON parser does not support UTF-16 or UTF-32")
	}
	var tok jsonToken
	p.nextToken(&tok)
	v := p.processValue(&tok)
	p.nextToken(&tok)
	if tok.typ != tEnd {
		p.throwParseError("the end", &tok)
	}
	L.Push(v)
	return 1
}

func (p *jsonParser) setTokenError(tok *jsonToken, msg string) {
	tok.typ = tError
	tok.index = p.ptr
	tok.str = msg
}

func (p *jsonParser) throwParseError(expected string, tok *jsonToken) {
	found := jsonTokenNames[tok.typ]
	if tok.typ == tError {
		found = tok.str
	}
	raise(p.L, "Expected %s but found %s at character %d", expected, found, tok.index+1)
}

func (p *jsonParser) nextToken(tok *jsonToken) {
	var ch byte
	for {
		ch = p.at(p.ptr)
		tok.typ = jsonCharTokens[ch]
		if tok.typ != tWhitespace {
			break
		}
		p.ptr++
	}
	tok.index = p.ptr
	switch tok.typ {
	case tError:
		p.setTokenError(tok, "invalid token")
		return
	case tEnd:
		return
	case tUnknown:
	default:
		p.ptr++
		return
	}
	rest := p.data[min(p.ptr, len(p.data)):]
	switch {
	case ch == '"':
		p.nextStringToken(tok)
	case ch == '-' || isDigit(ch):
		if p.c.decodeInvalidNumbers == 0 && p.isInvalidNumber() {
			p.setTokenError(tok, "invalid number")
			return
		}
		p.nextNumberToken(tok)
	case len(rest) >= 4 && rest[:4] == "true":
		tok.typ, tok.b = tBoolean, true
		p.ptr += 4
	case len(rest) >= 5 && rest[:5] == "false":
		tok.typ, tok.b = tBoolean, false
		p.ptr += 5
	case len(rest) >= 4 && rest[:4] == "null":
		tok.typ = tNull
		p.ptr += 4
	case p.c.decodeInvalidNumbers != 0 && p.isInvalidNumber():
		// Only what is sure to be a number JSON refuses (Inf, NaN,
		// hex), so that other bad tokens are reported as tokens.
		p.nextNumberToken(tok)
	default:
		p.setTokenError(tok, "invalid token")
	}
}

// isInvalidNumber is json_is_invalid_number: what strtod reads but JSON
// does not allow (a '+', hex, leading zeros, inf, nan).
func (p *jsonParser) isInvalidNumber() bool {
	i := p.ptr
	if p.at(i) == '+' {
		return true
	}
	if p.at(i) == '-' {
		i++
	}
	if ch := p.at(i); ch == '0' {
		ch2 := p.at(i + 1)
		return ch2|0x20 == 'x' || isDigit(ch2)
	} else if ch <= '9' {
		return false
	}
	rest := p.data[min(i, len(p.data)):]
	return hasPrefixFold(rest, "inf") || hasPrefixFold(rest, "nan")
}

func (p *jsonParser) nextNumberToken(tok *jsonToken) {
	tok.typ = tNumber
	f, end := strtod(p.data, p.ptr)
	if end == p.ptr {
		p.setTokenError(tok, "invalid number")
		return
	}
	tok.num = f
	p.ptr = end
}

func (p *jsonParser) nextStringToken(tok *jsonToken) {
	p.ptr++ // the opening quote
	start := p.ptr
	tmp := p.c.tmp[:0]
	escaped := false
	for {
		ch := p.at(p.ptr)
		if ch == '"' {
			break
		}
		if ch == 0 {
			p.setTokenError(tok, "unexpected end of string")
			return
		}
		if ch == '\\' {
			if !escaped {
				tmp = append(tmp, p.data[start:p.ptr]...)
				escaped = true
			}
			ch = jsonUnescapes[p.at(p.ptr+1)]
			if ch == 'u' {
				var ok bool
				if tmp, ok = p.appendUnicodeEscape(tmp); ok {
					continue
				}
				p.setTokenError(tok, "invalid unicode escape code")
				return
			}
			if ch == 0 {
				p.setTokenError(tok, "invalid escape code")
				return
			}
			p.ptr++
		}
		if escaped {
			tmp = append(tmp, ch)
		}
		p.ptr++
	}
	tok.typ = tString
	if escaped {
		tok.str = string(tmp)
		p.c.tmp = tmp
	} else {
		// The input string is immutable: its bytes serve as they are.
		tok.str = p.data[start:p.ptr]
	}
	p.ptr++ // the closing quote
}

func (p *jsonParser) hex4(i int) int {
	v := 0
	for j := 0; j < 4; j++ {
		ch := p.at(i + j)
		var d int
		switch {
		case isDigit(ch):
			d = int(ch - '0')
		case ch|0x20 >= 'a' && ch|0x20 <= 'f':
			d = int(ch|0x20-'a') + 10
		default:
			return -1
		}
		v = v<<4 | d
	}
	return v
}

// appendUnicodeEscape is json_append_unicode_escape: \uXXXX, a UTF-16
// surrogate pair of them, to UTF-8. A lone surrogate is an error.
func (p *jsonParser) appendUnicodeEscape(tmp []byte) ([]byte, bool) {
	escapeLen := 6
	cp := p.hex4(p.ptr + 2)
	if cp < 0 {
		return tmp, false
	}
	if cp&0xF800 == 0xD800 {
		if cp&0x400 != 0 {
			return tmp, false
		}
		if p.at(p.ptr+escapeLen) != '\\' || p.at(p.ptr+escapeLen+1) != 'u' {
			return tmp, false
		}
		low := p.hex4(p.ptr + 2 + escapeLen)
		if low < 0 || low&0xFC00 != 0xDC00 {
			return tmp, false
		}
		cp = ((cp&0x3FF)<<10 | low&0x3FF) + 0x10000
		escapeLen = 12
	}
	switch {
	case cp <= 0x7F:
		tmp = append(tmp, byte(cp))
	case cp <= 0x7FF:
		tmp = append(tmp, byte(cp>>6|0xC0), byte(cp&0x3F|0x80))
	case cp <= 0xFFFF:
		tmp = append(tmp, byte(cp>>12|0xE0), byte(cp>>6&0x3F|0x80), byte(cp&0x3F|0x80))
	default:
		tmp = append(tmp, byte(cp>>18|0xF0), byte(cp>>12&0x3F|0x80), byte(cp>>6&0x3F|0x80), byte(cp&0x3F|0x80))
	}
	p.ptr += escapeLen
	return tmp, true
}

// descend is json_decode_descend: need is the slots the new table's
// context checks for (the table, a key, a value).
func (p *jsonParser) descend(need int) {
	p.depth++
	if p.depth > p.c.decodeMaxDepth || p.slots+need > luaiMaxCStack {
		raise(p.L, "Found too many nested data structures (%d) at character %d", p.depth, p.ptr)
	}
}

// ascend is json_decode_ascend, giving back the slots the context held.
func (p *jsonParser) ascend(slots int) {
	p.depth--
	p.slots -= slots
}

// The parsers gather a table's members on the config's stack and make the
// table once they know its size: gopher-lua's tables start with room for
// 32 members otherwise.

func (p *jsonParser) parseObject() lua.LValue {
	p.descend(3)
	p.slots += 2
	start := len(p.c.stack)
	var tok jsonToken
	p.nextToken(&tok)
	if tok.typ == tObjEnd {
		p.ascend(2)
		return p.L.CreateTable(0, 0)
	}
	for {
		if tok.typ != tString {
			p.throwParseError("object key string", &tok)
		}
		key := lua.LString(tok.str)
		p.nextToken(&tok)
		if tok.typ != tColon {
			p.throwParseError("colon", &tok)
		}
		p.nextToken(&tok)
		v := p.processValue(&tok)
		p.c.stack = append(p.c.stack, key, v)
		p.nextToken(&tok)
		if tok.typ == tObjEnd {
			p.ascend(2)
			members := p.c.stack[start:]
			tb := p.L.CreateTable(0, len(members)/2)
			for i := 0; i < len(members); i += 2 {
				tb.RawSetString(string(members[i].(lua.LString)), members[i+1])
			}
			p.popStack(start)
			return tb
		}
		if tok.typ != tComma {
			p.throwParseError("comma or object end", &tok)
		}
		p.nextToken(&tok)
	}
}

func (p *jsonParser) parseArray() lua.LValue {
	p.descend(2)
	p.slots++
	start := len(p.c.stack)
	var tok jsonToken
	p.nextToken(&tok)
	if tok.typ == tArrEnd {
		p.ascend(1)
		return p.L.CreateTable(0, 0)
	}
	for {
		p.c.stack = append(p.c.stack, p.processValue(&tok))
		p.nextToken(&tok)
		if tok.typ == tArrEnd {
			p.ascend(1)
			members := p.c.stack[start:]
			tb := p.L.CreateTable(len(members), 0)
			for _, v := range members {
				tb.Append(v)
			}
			p.popStack(start)
			return tb
		}
		if tok.typ != tComma {
			p.throwParseError("comma or array end", &tok)
		}
		p.nextToken(&tok)
	}
}

// popStack drops the members from start on, letting go of them.
func (p *jsonParser) popStack(start int) {
	clear(p.c.stack[start:])
	p.c.stack = p.c.stack[:start]
}

func (p *jsonParser) processValue(tok *jsonToken) lua.LValue {
	switch tok.typ {
	case tString:
		return lua.LString(tok.str)
	case tNumber:
		return lua.LNumber(tok.num)
	case tBoolean:
		return lua.LBool(tok.b)
	case tObjBegin:
		return p.parseObject()
	case tArrBegin:
		return p.parseArray()
	case tNull:
		return p.c.null
	}
	p.throwParseError("value", tok)
	return nil
}
