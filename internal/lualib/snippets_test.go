package lualib

import (
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"
)

// perr is a snippet returning what pcall gives: the error's message, or
// the value when there is none.
func perr(call string) string {
	return "local ok, v = pcall(" + call + ") return v"
}

// perrIn is perr with the call made from a Lua function, whose position
// the message names.
func perrIn(expr string) string {
	return "local ok, v = pcall(function() return " + expr + " end) return v"
}

func fixedSnippets() []string {
	s := []string{
		// cjson encoding
		`return cjson.encode({1,2,{a=1}})`,
		`return cjson.encode({})`,
		`return cjson.encode(nil)`,
		`return cjson.encode(true)`,
		`return cjson.encode(false)`,
		`return cjson.encode(cjson.null)`,
		`return cjson.encode({cjson.null, 1})`,
		`return cjson.encode("a/b\"c\\d\n\r\t\b\f\0\1\31\127\128\255é")`,
		`return cjson.encode(0.1)`,
		`return cjson.encode(1/3)`,
		`return cjson.encode(-0.0)`,
		`return cjson.encode(1e14)`,
		`return cjson.encode(1e15)`,
		`return cjson.encode(123456789012345)`,
		`return cjson.encode(2^53)`,
		`return cjson.encode(1e-5)`,
		`return cjson.encode(0.0001)`,
		`return cjson.encode(1e300*10)`,
		`return cjson.encode(-1e308)`,
		`return cjson.encode(5e-324)`,
		`return cjson.encode(3.14159265358979)`,
		`return cjson.encode(100)`,
		`return cjson.encode(-7)`,
		`return cjson.encode({[1]=1,[2]=2,[3]=3})`,
		`return cjson.encode({[1]=1,[3]=3})`,
		`return cjson.encode({[1]=1,[4]=3})`,
		`return cjson.encode({[10]=1})`,
		`return cjson.encode({[11]=1})`,
		`return cjson.encode({[2]=1})`,
		`return cjson.encode({[1.5]=1})`,
		`return cjson.encode({[-1]=1})`,
		`return cjson.encode({[0]=1})`,
		`return cjson.encode({[1e300]=1})`,
		`return cjson.encode({[2^31]=1})`,
		`return cjson.encode({a={b={c={}}}})`,
		`return cjson.encode({{{{{{}}}}}})`,
		`return cjson.encode({["a/b"]="c"})`,
		`return cjson.encode({1,"two",true,false,{}})`,
		`return cjson.encode({1,nil,3})`,
		`return cjson.encode({nil,nil,3})`,
		`return cjson.encode({[1]=1,[2]=2,[20]=20})`,
		`return cjson.encode(string.rep("x", 100))`,
		perr(`cjson.encode, 1/0`),
		perr(`cjson.encode, -1/0`),
		perr(`cjson.encode, 0/0`),
		perr(`cjson.encode, {[true]=1}`),
		perr(`cjson.encode, {[1/0]=1}`),
		perr(`cjson.encode, {f=type}`),
		perr(`cjson.encode, type`),
		perr(`cjson.encode, {[25]=1}`),
		perr(`cjson.encode, {[1]=1,[2]=2,[5]=3,[100]=5}`),
		perr(`cjson.encode`),
		perr(`cjson.encode, 1, 2`),
		perrIn(`cjson.encode(1/0)`),
		perrIn(`cjson.encode()`),
		`local t = {} t[1] = t local ok, v = pcall(cjson.encode, t) return v`,
		`local t = {} t.a = t local ok, v = pcall(cjson.encode, t) return v`,
		`local t = {} local c = t for i = 1, 1000 do c[1] = {} c = c[1] end return #cjson.encode(t)`,
		`local t = {} local c = t for i = 1, 1000 do c[1] = {} c = c[1] end local ok, v = pcall(cjson.encode, {t}) return v`,
		`local t = {} local c = t for i = 1, 999 do c[1] = {} c = c[1] end return #cjson.encode({t})`,
		// cjson configuration, through cjson.new() so as not to change
		// Redis's shared cjson for the snippets after
		`local c = cjson.new() return cjson.encode({c.encode_sparse_array()})`,
		`local c = cjson.new() return cjson.encode({c.encode_sparse_array(true)})`,
		`local c = cjson.new() c.encode_sparse_array(true) return c.encode({[1]=1,[20]=2})`,
		`local c = cjson.new() c.encode_sparse_array(false, 0) return c.encode({[1]=1,[2000]=2})`,
		`local c = cjson.new() c.encode_sparse_array(false, 1, 0) local ok, v = pcall(c.encode, {[1]=1,[3]=2}) return v`,
		`local c = cjson.new() c.encode_sparse_array("on") return c.encode({[100]=1})`,
		`local c = cjson.new() return cjson.encode({c.encode_sparse_array("off", 3, 4)})`,
		`local c = cjson.new() ` + perr(`c.encode_sparse_array, "maybe"`),
		`local c = cjson.new() ` + perr(`c.encode_sparse_array, 1`),
		`local c = cjson.new() ` + perr(`c.encode_sparse_array, true, -1`),
		`local c = cjson.new() ` + perr(`c.encode_sparse_array, true, 1, -1`),
		`local c = cjson.new() ` + perr(`c.encode_sparse_array, true, 1, 1, 1`),
		`local c = cjson.new() ` + perr(`c.encode_sparse_array, true, "x"`),
		`local c = cjson.new() return cjson.encode({c.encode_max_depth()})`,
		`local c = cjson.new() return cjson.encode({c.encode_max_depth(2)})`,
		`local c = cjson.new() c.encode_max_depth(2) return c.encode({{1}})`,
		`local c = cjson.new() c.encode_max_depth(2) ` + perr(`c.encode, {{{1}}}`),
		`local c = cjson.new() ` + perr(`c.encode_max_depth, 0`),
		`local c = cjson.new() ` + perr(`c.encode_max_depth, 1, 2`),
		`local c = cjson.new() ` + perr(`c.encode_max_depth, "3"`),
		`local c = cjson.new() ` + perr(`c.encode_max_depth, {}`),
		`local c = cjson.new() return cjson.encode({c.decode_max_depth(3)})`,
		`local c = cjson.new() c.decode_max_depth(3) return c.encode(c.decode("[[[1]]]"))`,
		`local c = cjson.new() c.decode_max_depth(3) ` + perr(`c.decode, "[[[[1]]]]"`),
		`local c = cjson.new() c.decode_max_depth(2) ` + perr(`c.decode, '{"a":{"b":{}}}'`),
		`local c = cjson.new() return cjson.encode({c.encode_number_precision()})`,
		`local c = cjson.new() c.encode_number_precision(3) return c.encode({1/3, 1234567, 0.00012345})`,
		`local c = cjson.new() c.encode_number_precision(1) return c.encode({1/3, 15, 0.95})`,
		`local c = cjson.new() ` + perr(`c.encode_number_precision, 15`),
		`local c = cjson.new() ` + perr(`c.encode_number_precision, 0`),
		`local c = cjson.new() return cjson.encode({c.encode_keep_buffer()})`,
		`local c = cjson.new() return cjson.encode({c.encode_keep_buffer(false), c.encode({1})})`,
		`local c = cjson.new() return cjson.encode({c.encode_keep_buffer("on")})`,
		`local c = cjson.new() ` + perr(`c.encode_keep_buffer, "yes"`),
		`local c = cjson.new() return cjson.encode({c.encode_invalid_numbers()})`,
		`local c = cjson.new() return cjson.encode({c.encode_invalid_numbers(true)})`,
		`local c = cjson.new() return cjson.encode({c.encode_invalid_numbers("null")})`,
		`local c = cjson.new() c.encode_invalid_numbers(true) return c.encode({1/0, -1/0, 0/0, -(0/0)})`,
		`local c = cjson.new() c.encode_invalid_numbers("null") return c.encode({1/0, -1/0, 0/0, 1})`,
		`local c = cjson.new() c.encode_invalid_numbers(true) return c.encode({[1/0]=1})`,
		`local c = cjson.new() ` + perr(`c.encode_invalid_numbers, "maybe"`),
		`local c = cjson.new() ` + perr(`c.encode_invalid_numbers, 2`),
		`local c = cjson.new() return cjson.encode({c.decode_invalid_numbers()})`,
		`local c = cjson.new() return cjson.encode({c.decode_invalid_numbers(false)})`,
		`local c = cjson.new() c.decode_invalid_numbers(false) ` + perr(`c.decode, "0x10"`),
		`local c = cjson.new() c.decode_invalid_numbers(false) ` + perr(`c.decode, "[1, nan]"`),
		`local c = cjson.new() c.decode_invalid_numbers(false) ` + perr(`c.decode, "+1"`),
		`local c = cjson.new() c.decode_invalid_numbers(false) ` + perr(`c.decode, "-Infinity"`),
		`local c = cjson.new() c.decode_invalid_numbers(false) ` + perr(`c.decode, "007"`),
		`local c = cjson.new() c.decode_invalid_numbers(false) return c.encode(c.decode("[0, -0, 0.5, -12e3]"))`,
		`local c = cjson.new() c.decode_invalid_numbers(false) ` + perr(`c.decode, "nil"`),
		`return cjson._NAME .. " " .. cjson._VERSION`,
		`local c = cjson.new() return c._NAME .. c._VERSION`,
		`return tostring(cjson.new().null == cjson.null)`,
		`return tostring(cjson.decode("null") == cjson.null)`,
		`return tostring(cjson.decode("[null]")[1] == cjson.null)`,
		`return type(cjson.null)`,
		`return tostring(cjson.null) .. tostring(cjson.decode("null"))`,
		`return {cjson.null, 1, cjson.decode("[null]")[1]}`,
		`return cjson.encode({[1]=1,[2]=2,a=nil})`,
		perr(`cjson.encode_max_depth, 1, 2`),
		perr(`cjson.decode_max_depth, 1, 2`),
		perr(`cjson.encode_sparse_array, 1, 2, 3, 4`),
		`return type(cjson.new)`,
		// cjson decoding
		`return cjson.encode(cjson.decode('[1,2.5,"\\u00e9\\ud83d\\ude00",null,{"k":true}]'))`,
		`return cjson.decode('"abc"')`,
		`return cjson.decode('"a\\/b\\"c\\\\d\\b\\f\\n\\r\\t"')`,
		`return cjson.decode('"\\u0000\\u001f\\u007f\\u0080\\u07ff\\u0800\\uffff"')`,
		`return cjson.decode('"\\uD800\\uDC00\\udbff\\udfff"')`,
		`return cjson.decode('"\\u00E9\\u00e9"')`,
		`return cjson.decode('"raw \1\2\31 bytes é"')`,
		`return cjson.decode('  "ws"  ')`,
		`return cjson.decode('\t\r\n"ws"\n')`,
		`return cjson.decode('"x"\0garbage')`,
		`return cjson.encode(cjson.decode('[1]\0'))`,
		`return tostring(cjson.decode('true'))`,
		`return tostring(cjson.decode('false'))`,
		`return cjson.encode(cjson.decode('{}'))`,
		`return cjson.encode(cjson.decode('[]'))`,
		`return cjson.encode(cjson.decode('{"a":[]}'))`,
		`return cjson.encode(cjson.decode('{"a":1,"a":2}'))`,
		`return cjson.encode(cjson.decode('[[[[[[[[[[]]]]]]]]]]'))`,
		`local t = cjson.decode('{"a":1,"b":"x","c":[1,2]}') return t.a .. t.b .. #t.c`,
		`local t = cjson.decode('{"1":1}') return tostring(t[1]) .. tostring(t["1"])`,
		`return cjson.encode(cjson.decode('[0x10, 0X1f, 0x1p4, 0x.8, 0x]'))`,
		`return cjson.encode(cjson.decode('[+1, -0, 007, 1e2, 1E+2, 1e-2, -1.5e-3, 1.]'))`,
		`return cjson.encode(cjson.decode('[1e400, -1e400, 1e-400]'))`,
		`local c = cjson.new() c.encode_invalid_numbers(true) return c.encode(c.decode('[inf, -inf, Infinity, -INFINITY, +inf, nan, NaN, -nan, nan(123), infx]'))`,
		`return struct.pack('>d', cjson.decode('0.1'))`,
		`return struct.pack('>d', cjson.decode('123456789012345678901234567890'))`,
		`return struct.pack('>d', cjson.decode('2.2250738585072011e-308'))`,
		`return struct.pack('>d', cjson.decode('4.9406564584124654e-324'))`,
		`return struct.pack('>d', cjson.decode('0.30000000000000004'))`,
		`return struct.pack('>d', cjson.decode('-0'))`,
		`return struct.pack('>d', cjson.decode('0x1.fffffffffffffp1023'))`,
		`return struct.pack('>d', cjson.decode('0x123456789abcdef12345'))`,
		`return cjson.decode(123)`,
		`return cjson.decode(1.5)`,
		perr(`cjson.decode, 'x'`),
		perr(`cjson.decode, ''`),
		perr(`cjson.decode, '   '`),
		perr(`cjson.decode, '[1,2'`),
		perr(`cjson.decode, '[1,2,]'`),
		perr(`cjson.decode, '[1 2]'`),
		perr(`cjson.decode, '{"a" 1}'`),
		perr(`cjson.decode, '{"a":1,}'`),
		perr(`cjson.decode, '{1:2}'`),
		perr(`cjson.decode, '{"a":1 "b":2}'`),
		perr(`cjson.decode, '1,'`),
		perr(`cjson.decode, '1 2'`),
		perr(`cjson.decode, '"abc'`),
		perr(`cjson.decode, '"a\\xb"'`),
		perr(`cjson.decode, '"\\u12"'`),
		perr(`cjson.decode, '"\\u12g4"'`),
		perr(`cjson.decode, '"\\udc00"'`),
		perr(`cjson.decode, '"\\ud800"'`),
		perr(`cjson.decode, '"\\ud800\\u0041"'`),
		perr(`cjson.decode, '"\\ud800x"'`),
		perr(`cjson.decode, 'tru'`),
		perr(`cjson.decode, 'nul'`),
		perr(`cjson.decode, 'True'`),
		perr(`cjson.decode, 'fals'`),
		perr(`cjson.decode, '-'`),
		perr(`cjson.decode, '-x'`),
		perr(`cjson.decode, '.5'`),
		perr(`cjson.decode, '[.5]'`),
		perr(`cjson.decode, ']'`),
		perr(`cjson.decode, '}'`),
		perr(`cjson.decode, ':'`),
		perr(`cjson.decode, '\0a'`),
		perr(`cjson.decode, 'a\0'`),
		perr(`cjson.decode, '\0'`),
		perr(`cjson.decode, '/* c */ 1'`),
		perr(`cjson.decode, "'a'"`),
		perr(`cjson.decode`),
		perr(`cjson.decode, '1', '2'`),
		perr(`cjson.decode, {}`),
		perr(`cjson.decode, nil`),
		perrIn(`cjson.decode('[')`),
		perrIn(`cjson.decode({})`),
		`return cjson.decode("-" .. "5")`,
		`local s = string.rep("[", 1000) .. string.rep("]", 1000) return #cjson.encode(cjson.decode(s))`,
		perr(`cjson.decode, string.rep("[", 1001) .. string.rep("]", 1001)`),
		perr(`cjson.decode, string.rep('{"a":', 1001)`),
		perr(`cjson.decode, "  " .. string.rep("[ ", 1001)`),
		// Past a raised maximum depth, Lua 5.1's stack limit stops
		// nesting.
		`local c = cjson.new() c.encode_max_depth(100000) local t = {} local x = t for i = 1, 9000 do x[1] = {} x = x[1] end local ok, e = pcall(c.encode, t) return e`,
		`local c = cjson.new() c.encode_max_depth(100000) local t = {} local x = t for i = 1, 9000 do x.a = {} x = x.a end local ok, e = pcall(c.encode, t) return e`,
		`local c = cjson.new() c.encode_max_depth(100000) local t = {} local x = t for i = 1, 3000 do x.a = {{}} x = x.a[1] end local ok, e = pcall(c.encode, t) return e`,
		`local c = cjson.new() c.encode_max_depth(100000) local t = {} local x = t for i = 1, 7996 do x[1] = {} x = x[1] end return #c.encode(t)`,
		`local c = cjson.new() c.decode_max_depth(100000) local ok, e = pcall(c.decode, string.rep('[', 9000)) return e`,
		`local c = cjson.new() c.decode_max_depth(100000) local ok, e = pcall(c.decode, string.rep('{"a":', 9000)) return e`,
		`local c = cjson.new() c.decode_max_depth(100000) local ok, e = pcall(c.decode, string.rep('{"a":[', 3000)) return e`,
		`local c = cjson.new() c.decode_max_depth(100000) return #c.encode(c.decode(string.rep('[', 7998) .. string.rep(']', 7998)))`,

		// cmsgpack
		`return cmsgpack.pack(1.5)`,
		`return cmsgpack.pack(0.1)`,
		`return cmsgpack.pack(1/3)`,
		`return cmsgpack.pack(1/0)`,
		`return cmsgpack.pack(-1/0)`,
		`return cmsgpack.pack(1e39)`,
		`return cmsgpack.pack(3.4028234663852886e38)`,
		`return cmsgpack.pack(1e-45)`,
		`return cmsgpack.pack(-0.0)`,
		`return cmsgpack.pack(0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296)`,
		`return cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649)`,
		`return cmsgpack.pack(2^53, -2^53, 2^63, -2^63, 2^64, 2^62)`,
		`return cmsgpack.pack(9007199254740993)`,
		`return cmsgpack.pack("")`,
		`return cmsgpack.pack(string.rep("a", 31), string.rep("b", 32))`,
		`return #cmsgpack.pack(string.rep("a", 65535)) .. " " .. #cmsgpack.pack(string.rep("a", 65536))`,
		`return cmsgpack.pack(string.rep("a", 65536)):sub(1, 8)`,
		`return cmsgpack.pack(string.rep("a", 300)):sub(1, 8)`,
		`return cmsgpack.pack(true, false, nil)`,
		`return cmsgpack.pack(nil)`,
		`return cmsgpack.pack({})`,
		`return cmsgpack.pack({1,2,3})`,
		`return cmsgpack.pack({1,nil,3})`,
		`return cmsgpack.pack({[2]=1})`,
		`return cmsgpack.pack({[1.5]=1})`,
		`return cmsgpack.pack({[2^31]=1})`,
		`return cmsgpack.pack({a=1})`,
		`return cmsgpack.pack({[true]=false})`,
		`return cmsgpack.pack({["x"]={["y"]={1,2}}})`,
		`local t = {} for i = 1, 16 do t[i] = i end return cmsgpack.pack(t)`,
		`local t = {} for i = 1, 70000 do t[i] = 1 end return cmsgpack.pack(t):sub(1, 8)`,
		`local t = {} for i = 1, 20 do t["k" .. i] = 1 end return cmsgpack.pack(t):sub(1, 3)`,
		`return cmsgpack.pack(type)`,
		`return cmsgpack.pack(cjson.null)`,
		`local t = {} t[1] = t return cmsgpack.pack(t)`,
		`local t = {} t.a = t return cmsgpack.pack(t)`,
		`local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end return cmsgpack.pack(t)`,
		perr(`cmsgpack.pack`),
		perr(`cmsgpack.pack, unpack({}, 1, 4000)`),
		perr(`cmsgpack.pack, unpack({}, 1, 4001)`),
		perrIn(`cmsgpack.pack()`),
		`return cjson.encode({cmsgpack.unpack(cmsgpack.pack(1.5, {1,2}, {a=1}))})`,
		`return cjson.encode({cmsgpack.unpack("\204\255\208\255\205\1\2\209\255\254\206\255\255\255\255\210\128\0\0\0")})`,
		`return cjson.encode({cmsgpack.unpack("\207\0\0\0\0\0\0\0\1\211\255\255\255\255\255\255\255\255")})`,
		`return struct.pack(">d>d", cmsgpack.unpack("\207\255\255\255\255\255\255\255\255\207\128\0\0\0\0\0\0\0"))`,
		`return struct.pack(">d", cmsgpack.unpack("\211\127\255\255\255\255\255\255\255"))`,
		`return struct.pack(">d>d", cmsgpack.unpack("\202\63\192\0\0\203\63\185\153\153\153\153\153\154"))`,
		`return cjson.encode({cmsgpack.unpack("\192\194\195\127\224\255")})`,
		`return cjson.encode({cmsgpack.unpack("\160\161a\218\0\1b\219\0\0\0\1c")})`,
		`return cjson.encode({cmsgpack.unpack("\144\145\1\220\0\1\2\221\0\0\0\1\3")})`,
		`return cjson.encode({cmsgpack.unpack("\128\129\161a\1\222\0\1\161b\2\223\0\0\0\1\161c\3")})`,
		`return cjson.encode({cmsgpack.unpack("\147\1\192\3")})`,
		`local t = cmsgpack.unpack("\147\1\192\3") return tostring(t[1]) .. tostring(t[2]) .. tostring(t[3])`,
		`local t = cmsgpack.unpack("\130\1\161a\2\161b") return t[1] .. t[2]`,
		`return select("#", cmsgpack.unpack(""))`,
		`return select("#", cmsgpack.unpack("\1\2\3"))`,
		perr(`cmsgpack.unpack, "\217\1a"`),
		perr(`cmsgpack.unpack, "\196\1a"`),
		perr(`cmsgpack.unpack, "\193"`),
		perr(`cmsgpack.unpack, "\212\1\1"`),
		perr(`cmsgpack.unpack, "\205\1"`),
		perr(`cmsgpack.unpack, "\147\1\2"`),
		perr(`cmsgpack.unpack, "\129\1"`),
		perr(`cmsgpack.unpack, "\219\255\255\255\255"`),
		perr(`cmsgpack.unpack, "\221\255\255\255\255"`),
		perr(`cmsgpack.unpack, "\129\192\1"`),
		perr(`cmsgpack.unpack, "\129\203\255\248\0\0\0\0\0\0\1"`),
		perr(`cmsgpack.unpack`),
		perr(`cmsgpack.unpack, {}`),
		perrIn(`cmsgpack.unpack("\193")`),
		`return cmsgpack.unpack(12)`,
		`return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))})`,
		`return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)})`,
		`return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)})`,
		`return cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3)})`,
		`return cjson.encode({cmsgpack.unpack_one("")})`,
		`return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)})`,
		`return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 1)})`,
		`return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5)})`,
		`return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)})`,
		`return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1)})`,
		`return cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 1, "1")})`,
		perr(`cmsgpack.unpack_one, "\1", -1`),
		perr(`cmsgpack.unpack_one, "\1", 5`),
		perr(`cmsgpack.unpack_limit, "\1\2\3", -1`),
		perr(`cmsgpack.unpack_limit, "\1\2\3"`),
		perr(`cmsgpack.unpack_limit, "\1\2\3", "x"`),
		perr(`cmsgpack.unpack_one, "\1", {}`),
		`return cmsgpack._NAME .. "|" .. cmsgpack._VERSION .. "|" .. cmsgpack._COPYRIGHT .. "|" .. cmsgpack._DESCRIPTION`,
		`local s = string.rep("\1", 7990) return select("#", cmsgpack.unpack(s))`,
		perr(`cmsgpack.unpack, string.rep("\1", 8000)`),
		`local s = string.rep("\145", 3000) .. "\1" local ok, v = pcall(cmsgpack.unpack, s) return tostring(ok)`,

		// bit
		`return tostring(bit.tohex(-1, -4))`,
		`return bit.tohex(1)`,
		`return bit.tohex(255, 2)`,
		`return bit.tohex(255, -2)`,
		`return bit.tohex(0x12345678, 12)`,
		`return bit.tohex(0x12345678, -12)`,
		`return bit.tohex(0x12345678, 0)`,
		`return bit.tohex(-1)`,
		`return bit.tohex("255")`,
		`return bit.tohex(2^32 + 5)`,
		`return bit.tohex(1.5)`,
		`return bit.tohex(2.5)`,
		`return bit.tohex(-1.5)`,
		`return bit.tohex(2^53 + 2)`,
		`return bit.tohex(1e20)`,
		`return bit.tohex(0/0)`,
		`return bit.tohex(1/0)`,
		`return bit.tohex(255, -2147483648)`,
		`return bit.tohex(255, 2^31)`,
		`return bit.tohex(255, 2^32 - 1)`,
		perr(`bit.tohex, 1, nil`),
		perr(`bit.tohex`),
		perr(`bit.tohex, "x"`),
		perr(`bit.tohex, {}`),
		perr(`bit.band, 1, {}`),
		perrIn(`bit.bor(1, "z")`),
		`return tostring(bit.tobit(2^31))`,
		`return tostring(bit.tobit(2^32 + 1))`,
		`return tostring(bit.tobit(-1))`,
		`return tostring(bit.tobit(0xffffffff))`,
		`return tostring(bit.tobit("0x10"))`,
		`return tostring(bit.tobit(" 12 "))`,
		`return tostring(bit.tobit(0))`,
		`return tostring(bit.bnot(0))`,
		`return tostring(bit.bnot(5))`,
		`return tostring(bit.band(0xff, 0x0f, 0x3))`,
		`return tostring(bit.band(-1))`,
		`return tostring(bit.bor(1, 2, 4, 8))`,
		`return tostring(bit.bxor(0xff, 0x0f))`,
		`return tostring(bit.lshift(1, 31))`,
		`return tostring(bit.lshift(1, 32))`,
		`return tostring(bit.lshift(1, 33))`,
		`return tostring(bit.lshift(1, -1))`,
		`return tostring(bit.rshift(-1, 1))`,
		`return tostring(bit.rshift(-1, 0))`,
		`return tostring(bit.arshift(-256, 4))`,
		`return tostring(bit.arshift(0x80000000, 31))`,
		`return tostring(bit.rol(0x12345678, 4))`,
		`return tostring(bit.rol(0x12345678, 0))`,
		`return tostring(bit.ror(0x12345678, 4))`,
		`return tostring(bit.ror(0x12345678, 36))`,
		`return tostring(bit.bswap(0x12345678))`,
		`return tostring(bit.bswap(-1))`,
		perr(`bit.lshift, 1`),
		perr(`bit.bswap`),

		// struct
		`return struct.pack('>i2', 7)`,
		`return struct.pack('<i2', 7)`,
		`return struct.pack('i', -2)`,
		`return struct.pack('bBhHlLT', -1, 255, -2, 65535, -3, 2^64-1, 5)`,
		`return struct.pack('>bBhHlLT', -1, 255, -2, 65535, -3, 2^63, 5)`,
		`return struct.pack('i1i2i3i4i5i6i7i8', 1, 2, 3, 4, 5, 6, 7, 8)`,
		`return struct.pack('>i3<i3', -2, -2)`,
		`return struct.pack('i16', -1)`,
		`return struct.pack('>i16', 2^60)`,
		`return struct.pack('i32', 1)`,
		`return struct.pack('I', 2^32 + 3)`,
		`return struct.pack('B', 256)`,
		`return struct.pack('b', 1.9)`,
		`return struct.pack('b', -1.9)`,
		`return struct.pack('L', 2^64)`,
		`return struct.pack('l', -2^63)`,
		`return struct.pack('l', -2^64)`,
		`return struct.pack('L', 0/0)`,
		`return struct.pack('l', 1/0)`,
		`return struct.pack('l', -1/0)`,
		`return struct.pack('f', 1.5)`,
		`return struct.pack('>f', 0.1)`,
		`return struct.pack('d', 0.1)`,
		`return struct.pack('>d', -0.0)`,
		`return struct.pack('f', 1e40)`,
		`return struct.pack('x')`,
		`return struct.pack('xxx')`,
		`return struct.pack('c', 'abc')`,
		`return struct.pack('c2', 'abc')`,
		`return struct.pack('c0', 'abc')`,
		`return struct.pack('c0', 123.5)`,
		`return struct.pack('s', 'abc')`,
		`return struct.pack('s', 'a\0b')`,
		`return struct.pack('c0s', '', '')`,
		`return struct.pack('!4 b i', 1, 2)`,
		`return struct.pack('!b d', 1, 2)`,
		`return struct.pack('!2 b i b h', 1, 2, 3, 4)`,
		`return struct.pack('! b h b l', 1, 2, 3, 4)`,
		`return struct.pack('!8 b c3 d', 1, 'abc', 2)`,
		`return struct.pack('!16 b d', 1, 2)`,
		`return struct.pack('b\0zzz', 1)`,
		`return struct.pack('')`,
		perr(`struct.pack, 'z', 1`),
		perr(`struct.pack, '\200', 1`),
		perr(`struct.pack, 'i33', 1`),
		perr(`struct.pack, 'i99999999999', 1`),
		perr(`struct.pack, 'c99999999999', 1`),
		perr(`struct.pack, '!3', 1`),
		perr(`struct.pack, '!0', 1`),
		perr(`struct.pack, 'i'`),
		perr(`struct.pack, 'i', 'x'`),
		perr(`struct.pack, 'c5', 'abc'`),
		perr(`struct.pack, 'bc5', 1, 'abc'`),
		perr(`struct.pack, 's', {}`),
		perr(`struct.pack`),
		perr(`struct.pack, {}`),
		perrIn(`struct.pack('c5', 'abc')`),
		perrIn(`struct.pack('i99', 1)`),
		`return cjson.encode({struct.unpack('>i2', '\0\7')})`,
		`return cjson.encode({struct.unpack('bBhHlLT', struct.pack('bBhHlLT', -1, 255, -2, 65535, -3, 12345, 5))})`,
		`return cjson.encode({struct.unpack('i3I3', '\255\255\255\255\255\255')})`,
		`return cjson.encode({struct.unpack('>i16', string.rep('\255', 16))})`,
		`return cjson.encode({struct.unpack('<i16', string.rep('\255', 16))})`,
		`return cjson.encode({struct.unpack('I16', string.rep('\1', 16))})`,
		`return cjson.encode({struct.unpack('i0', '')})`,
		`return struct.pack('>d', struct.unpack('L', string.rep('\255', 8)))`,
		`return struct.pack('>d', struct.unpack('l', '\0\0\0\0\0\0\0\128'))`,
		`return cjson.encode({struct.unpack('f', struct.pack('f', 1.5))})`,
		`return cjson.encode({struct.unpack('>d', struct.pack('>d', 0.1))})`,
		`return cjson.encode({struct.unpack('c3', 'abcdef')})`,
		`return cjson.encode({struct.unpack('c3', 'abcdef', 2)})`,
		`return cjson.encode({struct.unpack('bc0', '\3abcdef')})`,
		`return cjson.encode({struct.unpack('c1c0', '2abcdef')})`,
		`return cjson.encode({struct.unpack('c0', '3')})`,
		`return cjson.encode({struct.unpack('s', 'abc\0def')})`,
		`return cjson.encode({struct.unpack('ss', 'abc\0def\0')})`,
		`return cjson.encode({struct.unpack('xxb', '\1\2\3')})`,
		`return cjson.encode({struct.unpack('!4 b i', struct.pack('!4 b i', 1, 2))})`,
		`return cjson.encode({struct.unpack('> h < h', '\1\2\1\2')})`,
		`return cjson.encode({struct.unpack('b', '\1\2\3', 3)})`,
		`return cjson.encode({struct.unpack('b', '\1\2\3', "2")})`,
		`return cjson.encode({struct.unpack('', 'abc')})`,
		`return cjson.encode({struct.unpack('b', 123)})`,
		perr(`struct.unpack, 'i', 'abc'`),
		perr(`struct.unpack, 'b', 'abc', 4`),
		perr(`struct.unpack, 'b', 'abc', 0`),
		perr(`struct.unpack, 's', 'abc'`),
		perr(`struct.unpack, 'c0', 'abc'`),
		perr(`struct.unpack, 'bc0', '\9abc'`),
		perr(`struct.unpack, 'z', 'abc'`),
		perr(`struct.unpack, 'b'`),
		perr(`struct.unpack, 'b', {}`),
		perr(`struct.unpack, 'b', 'a', 'x'`),
		perr(`struct.unpack, 'i40', 'a'`),
		`return select("#", struct.unpack(string.rep("b", 7990), string.rep("a", 7990)))`,
		`return tostring(select('#', struct.unpack(string.rep('b', 100), string.rep('a', 100), 1, 2, 3)))`,
		`return select("#", struct.unpack(string.rep("b", 7996), string.rep("a", 7996), 1))`,
		perr(`struct.unpack, string.rep("b", 7997), string.rep("a", 7997), 1`),
		perr(`struct.unpack, 'c0', 'abc', 1`),
		perr(`struct.unpack, 'bc0', '5abc', -1`),
		`return cjson.encode({struct.unpack('bc0', '\2abc', 1)})`,
		perr(`struct.unpack, string.rep("b", 8000), string.rep("a", 8000)`),
		`return tostring(struct.size('bhilfdxc3'))`,
		`return tostring(struct.size('!bhilfdxc3'))`,
		`return tostring(struct.size('!4 b d'))`,
		`return tostring(struct.size('i7'))`,
		`return tostring(struct.size('z'))`,
		`return tostring(struct.size(''))`,
		perr(`struct.size, 's'`),
		perr(`struct.size, 'c0'`),
		perr(`struct.size, 'b!'`),
		perr(`struct.size, '#'`),
		perr(`struct.size, '!5'`),
		perr(`struct.size, 'i64'`),
		perr(`struct.size`),
		`return cjson.encode({type(struct.pack), type(struct.unpack), type(struct.size)})`,

		// math.random (the generator's state carries over between
		// snippets, in Redis as here)
		`local t = {} for i=1,5 do t[i]=math.random(100) end return table.concat(t, ',')`,
		`return struct.pack('>d', math.random())`,
		`local t = {} for i=1,10 do t[i]=math.random(-5, 5) end return table.concat(t, ',')`,
		`math.randomseed(42) local t = {} for i=1,5 do t[i]=math.random(1000) end return table.concat(t, ',')`,
		`math.randomseed(-1) return tostring(math.random(1000000))`,
		`math.randomseed(2^31) return tostring(math.random(1000000))`,
		`math.randomseed(1e20) return tostring(math.random(1000000))`,
		`math.randomseed("7") return tostring(math.random(1000000))`,
		`math.randomseed(7.9) return tostring(math.random(1000000))`,
		`return tostring(math.random(1))`,
		`return tostring(math.random(3, 3))`,
		`return tostring(math.random(-2147483648, 2147483647))`,
		`return tostring(math.random(2147483647))`,
		`return tostring(math.random(1.9))`,
		`return tostring(math.random("5"))`,
		perr(`math.random, 0`),
		perr(`math.random, -3`),
		perr(`math.random, 5, 3`),
		perr(`math.random, 1, 2, 3`),
		perr(`math.random, "x"`),
		perr(`math.random, 1, {}`),
		perr(`math.random, 1e10`),
		perr(`math.randomseed`),
		perr(`math.randomseed, {}`),
		perrIn(`math.random(0)`),
		perrIn(`math.random(1, 2, 3)`),
		`local t = {} for i=1,5 do t[i]=math.random(100) end return table.concat(t, ',')`,
	}
	return s
}

// randomSnippets makes round trips of random values through every
// library, deterministically from seed.
func randomSnippets(seed int64) []string {
	g := &luaGen{r: rand.New(rand.NewSource(seed))}
	var s []string
	for i := 0; i < 150; i++ {
		v := g.value(0, true)
		s = append(s,
			"local v = "+v+" return cjson.encode(v)",
			"local v = "+v+" return cjson.encode(cjson.decode(cjson.encode(v)))",
			"local v = "+v+" return cmsgpack.pack(v)",
			// cjson.null packs as nil, which unpacks as a hole: a
			// table with holes is a map, in Lua's order.
			"local v = "+v+" return cmsgpack.pack(cmsgpack.unpack(cmsgpack.pack(v, v)))",
		)
	}
	// Tables of several keys: Lua and gopher-lua iterate them in
	// different orders, so only what does not depend on it compares.
	for i := 0; i < 150; i++ {
		v := g.value(0, false)
		s = append(s,
			"local v = "+v+" return tostring(#cmsgpack.pack(v))",
			"local v = "+v+" return tostring(#cjson.encode(v))",
		)
	}
	for i := 0; i < 100; i++ {
		j := g.json(0)
		s = append(s,
			"local ok, v = pcall(cjson.decode, "+luaQuote(j)+") if ok then return cjson.encode(v) end return v",
			"local ok, v = pcall(cjson.decode, "+luaQuote(g.mutate(j))+") if ok then return cjson.encode(v) end return v",
		)
	}
	for i := 0; i < 100; i++ {
		b := make([]byte, g.r.Intn(12))
		g.r.Read(b)
		s = append(s, "local ok, v = pcall(cmsgpack.unpack, "+luaQuote(string(b))+") if ok then return cmsgpack.pack(v) end return v")
	}
	// Tables of several keys built by assignments into {}, by
	// cjson.decode and by cmsgpack.unpack: members in Lua 5.1's order.
	for i := 0; i < 150; i++ {
		var assign, members []string
		var mp strings.Builder
		n := 2 + g.r.Intn(40)
		if i%4 == 0 {
			n = 2 + g.r.Intn(6)
		}
		fmt.Fprintf(&mp, "\\222\\0\\%d", n)
		for j := 0; j < n; j++ {
			k := g.keyName()
			if j > 0 && g.r.Intn(5) == 0 {
				k = g.key()
				assign = append(assign, fmt.Sprintf("t[%s] = %d", k, j))
				continue
			}
			assign = append(assign, fmt.Sprintf("t[%s] = %d", luaQuote(k), j))
			members = append(members, fmt.Sprintf("%s:%d", strconv.Quote(k), j))
			fmt.Fprintf(&mp, "\\217\\%d%s\\%d", len(k), strings.ReplaceAll(luaQuote(k)[1:len(luaQuote(k))-1], "\\", "\\\\"), j)
		}
		if g.r.Intn(3) == 0 {
			assign = append([]string{"t[1] = 'a'", "t[2] = 'b'"}, assign...)
		}
		body := "local t = {} " + strings.Join(assign, " ")
		s = append(s,
			body+" return cjson.encode(t)",
			body+" return cmsgpack.pack(t)",
			"return cjson.encode(cjson.decode("+luaQuote("{"+strings.Join(members, ",")+"}")+"))",
		)
	}
	// Table constructors size the table first, which Lua places keys
	// by otherwise: only what does not depend on it compares.
	for i := 0; i < 20; i++ {
		var fields []string
		for j := 1 + g.r.Intn(4); j > 0; j-- {
			fields = append(fields, fmt.Sprintf("[%s] = %d", luaQuote(g.keyName()), j))
		}
		s = append(s, "return tostring(#cjson.encode({"+strings.Join(fields, ", ")+"}))")
	}
	// Number formatting at every precision, and number reading, bit for
	// bit against glibc's printf and strtod.
	for i := 0; i < 200; i++ {
		s = append(s,
			fmt.Sprintf("local c = cjson.new() c.encode_number_precision(%d) return c.encode({%s, %s, %s})",
				1+g.r.Intn(14), g.number(), g.number(), g.number()),
			fmt.Sprintf("return struct.pack('>d', cjson.decode(%s))", luaQuote(g.decimal())),
		)
	}
	// Every function with every kind of argument: the checks, their
	// order and their messages.
	funcs := []string{"cjson.encode", "cjson.decode", "cjson.encode_sparse_array", "cjson.encode_max_depth",
		"cjson.decode_max_depth", "cjson.encode_number_precision", "cjson.encode_keep_buffer",
		"cjson.encode_invalid_numbers", "cjson.decode_invalid_numbers",
		"cmsgpack.pack", "cmsgpack.unpack", "cmsgpack.unpack_one", "cmsgpack.unpack_limit",
		"bit.tobit", "bit.bnot", "bit.band", "bit.bor", "bit.bxor", "bit.lshift", "bit.rshift",
		"bit.arshift", "bit.rol", "bit.ror", "bit.bswap", "bit.tohex",
		"struct.pack", "struct.unpack", "struct.size", "math.random"}
	kinds := []string{"nil", "true", "{}", "'x'", "1.5", "'12'", "type", "-1", "0", "'b'", "'>i2'"}
	for _, fn := range funcs {
		config := strings.HasPrefix(fn, "cjson.") && fn != "cjson.encode" && fn != "cjson.decode"
		target := fn
		if config {
			// A fresh cjson, so as not to change Redis's for the
			// snippets after.
			target = "cjson.new()." + strings.TrimPrefix(fn, "cjson.")
		}
		// Numbers go back as their bits, tables as their length.
		const ret = " return type(v) == 'table' and #v or type(v) == 'number' and struct.pack('>d', v) or tostring(v)"
		s = append(s, fmt.Sprintf("local f = %s local ok, v = pcall(f)"+ret, target))
		for _, a := range kinds {
			b := kinds[g.r.Intn(len(kinds))]
			s = append(s,
				fmt.Sprintf("local f = %s local ok, v = pcall(f, %s)"+ret, target, a),
				fmt.Sprintf("local f = %s local ok, v = pcall(f, %s, %s)"+ret, target, a, b),
				fmt.Sprintf("local f = %s local ok, v = pcall(function() return f(%s, %s) end)"+ret, target, b, a))
		}
	}
	ops := []string{"tobit", "bnot", "band", "bor", "bxor", "lshift", "rshift", "arshift", "rol", "ror", "bswap", "tohex"}
	for i := 0; i < 150; i++ {
		op := ops[g.r.Intn(len(ops))]
		s = append(s, fmt.Sprintf("return tostring(bit.%s(%s, %s))", op, g.number(), g.number()))
	}
	for i := 0; i < 150; i++ {
		f, args := g.structFormat()
		s = append(s,
			fmt.Sprintf("local ok, v = pcall(struct.pack, %s, %s) return v", luaQuote(f), args),
			fmt.Sprintf("local ok, v = pcall(function() return cjson.encode({struct.unpack(%s, struct.pack(%s, %s))}) end) return v", luaQuote(f), luaQuote(f), args),
			fmt.Sprintf("local ok, v = pcall(struct.size, %s) return tostring(v)", luaQuote(f)),
		)
	}
	// At least two numbers: gopher-lua's table.concat returns a lone
	// number as a number, where Lua makes it a string.
	for i := 0; i < 30; i++ {
		s = append(s, fmt.Sprintf("local t = {} for i=1,%d do t[i]=math.random(%d, %d) end return table.concat(t, ',')",
			2+g.r.Intn(20), -g.r.Intn(1000), g.r.Intn(1000)))
	}
	return s
}

// decimal is a random JSON number, often with more digits than a double
// holds, to read as strtod rounds.
func (g *luaGen) decimal() string {
	var b strings.Builder
	if g.r.Intn(2) == 0 {
		b.WriteByte('-')
	}
	b.WriteByte(byte('1' + g.r.Intn(9)))
	for i := g.r.Intn(25); i > 0; i-- {
		b.WriteByte(byte('0' + g.r.Intn(10)))
	}
	if g.r.Intn(2) == 0 {
		b.WriteByte('.')
		for i := 1 + g.r.Intn(25); i > 0; i-- {
			b.WriteByte(byte('0' + g.r.Intn(10)))
		}
	}
	if g.r.Intn(2) == 0 {
		fmt.Fprintf(&b, "e%d", g.r.Intn(700)-350)
	}
	return b.String()
}

// luaGen makes random Lua values as source text.
type luaGen struct{ r *rand.Rand }

func (g *luaGen) number() string {
	switch g.r.Intn(8) {
	case 0:
		return strconv.Itoa(g.r.Intn(300) - 150)
	case 1:
		return strconv.FormatInt(g.r.Int63n(1<<40)-(1<<39), 10)
	case 2:
		return strconv.FormatFloat(g.r.NormFloat64()*1000, 'g', -1, 64)
	case 3:
		return strconv.FormatFloat(math.Float64frombits(g.r.Uint64()&^(0x7ff<<52)|uint64(g.r.Intn(2046)+1)<<52), 'g', -1, 64)
	case 4:
		return strconv.FormatFloat(float64(float32(g.r.NormFloat64())), 'g', -1, 64)
	case 5:
		return strconv.FormatInt(int64(g.r.Uint64()>>uint(g.r.Intn(64))), 10)
	case 6:
		return "-" + strconv.FormatInt(int64(g.r.Uint64()>>uint(1+g.r.Intn(63))), 10)
	}
	return strconv.Itoa(g.r.Intn(70000))
}

func (g *luaGen) str() string {
	b := make([]byte, g.r.Intn(40))
	for i := range b {
		if g.r.Intn(3) == 0 {
			b[i] = byte(g.r.Intn(256))
		} else {
			b[i] = byte(32 + g.r.Intn(95))
		}
	}
	if g.r.Intn(10) == 0 {
		return "string.rep('ab', " + strconv.Itoa(g.r.Intn(40000)) + ")"
	}
	return luaQuote(string(b))
}

// value is a random value; keyOrderFree keeps tables to one key that is
// not an array index, since Lua's and gopher-lua's key orders differ.
func (g *luaGen) value(depth int, keyOrderFree bool) string {
	n := g.r.Intn(10)
	if depth > 3 && n >= 5 {
		n = 0
	}
	switch n {
	case 0, 1:
		return g.number()
	case 2, 3:
		return g.str()
	case 4:
		return []string{"true", "false", "cjson.null"}[g.r.Intn(3)]
	case 5, 6:
		parts := make([]string, g.r.Intn(20))
		for i := range parts {
			parts[i] = g.value(depth+1, keyOrderFree)
		}
		return "{" + strings.Join(parts, ",") + "}"
	case 7:
		if keyOrderFree {
			return "{[" + g.str() + "]=" + g.value(depth+1, keyOrderFree) + "}"
		}
		parts := make([]string, g.r.Intn(5))
		for i := range parts {
			parts[i] = "[" + g.str() + "]=" + g.value(depth+1, keyOrderFree)
		}
		return "{" + strings.Join(parts, ",") + "}"
	case 8:
		k := 1 + g.r.Intn(30)
		return "{[" + strconv.Itoa(k) + "]=" + g.value(depth+1, keyOrderFree) + "}"
	}
	return "{[" + g.key() + "]=" + g.value(depth+1, keyOrderFree) + "}"
}

// keyName is a random object key, short and common-looking or not.
func (g *luaGen) keyName() string {
	if g.r.Intn(3) == 0 {
		return []string{"id", "name", "type", "value", "count", "ts", "a", "b", "c", "x", "y", "key", "data", "status", "items"}[g.r.Intn(15)]
	}
	b := make([]byte, 1+g.r.Intn(40))
	for i := range b {
		b[i] = byte('a' + g.r.Intn(26))
	}
	return string(b)
}

// key is a number key that is no small array index. gopher-lua keeps
// integer keys up to 2^26 in a slice it fills up to them, which makes
// tables with keys in the millions slow to build and walk.
func (g *luaGen) key() string {
	switch g.r.Intn(4) {
	case 0:
		return strconv.FormatInt(-g.r.Int63n(1<<40), 10)
	case 1:
		return strconv.FormatFloat(g.r.NormFloat64()*1e3, 'g', -1, 64)
	case 2:
		return strconv.FormatInt(1<<27+g.r.Int63n(1<<50), 10)
	}
	return strconv.FormatFloat(math.Float64frombits(g.r.Uint64()&^(0x7ff<<52)|uint64(g.r.Intn(2046)+1)<<52), 'g', -1, 64)
}

// json is random JSON text with at most one key per object.
func (g *luaGen) json(depth int) string {
	n := g.r.Intn(9)
	if depth > 3 && n >= 5 {
		n = 0
	}
	switch n {
	case 0:
		return []string{"0", "-0", "1", "-12", "3.25", "1e5", "-2.5E-3", "123456789012345678", "0.1", "1E400"}[g.r.Intn(10)]
	case 1:
		return strconv.FormatFloat(g.r.NormFloat64()*1e6, 'g', -1, 64)
	case 2, 3:
		var b strings.Builder
		b.WriteByte('"')
		for i := g.r.Intn(15); i > 0; i-- {
			switch g.r.Intn(8) {
			case 0:
				b.WriteString([]string{`\n`, `\"`, `\\`, `\/`, `\b`, `\f`, `\r`, `\t`}[g.r.Intn(8)])
			case 1:
				fmt.Fprintf(&b, `\u%04x`, g.r.Intn(0x10000))
			case 2:
				fmt.Fprintf(&b, `\u%04X\u%04x`, 0xd800+g.r.Intn(0x400), 0xdc00+g.r.Intn(0x400))
			case 3:
				b.WriteByte(byte(0x80 + g.r.Intn(128)))
			default:
				b.WriteByte(byte(32 + g.r.Intn(95)))
			}
		}
		b.WriteByte('"')
		return b.String()
	case 4:
		return []string{"true", "false", "null"}[g.r.Intn(3)]
	case 5, 6:
		parts := make([]string, g.r.Intn(6))
		for i := range parts {
			parts[i] = g.json(depth + 1)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return `{"k":` + g.json(depth+1) + "}"
}

// mutate damages JSON text: a byte changed, dropped or added.
func (g *luaGen) mutate(s string) string {
	b := []byte(s)
	i := g.r.Intn(len(b) + 1)
	const damage = "[]{}\",:\\ 0-+.eEx\x00nu"
	c := damage[g.r.Intn(len(damage))]
	switch g.r.Intn(3) {
	case 0:
		if i < len(b) {
			b[i] = c
		}
	case 1:
		if i < len(b) {
			b = append(b[:i], b[i+1:]...)
		}
	default:
		b = append(b[:i], append([]byte{c}, b[i:]...)...)
	}
	return string(b)
}

// structFormat is a random struct format and arguments for it.
func (g *luaGen) structFormat() (string, string) {
	var f strings.Builder
	var args []string
	for i := g.r.Intn(6); i >= 0; i-- {
		switch c := "bBhHlLTiIfdxcs<>! "[g.r.Intn(18)]; c {
		case 'i', 'I':
			f.WriteByte(c)
			if g.r.Intn(2) == 0 {
				f.WriteString(strconv.Itoa(1 + g.r.Intn(8)))
			}
			args = append(args, g.number())
		case 'c':
			n := g.r.Intn(5)
			fmt.Fprintf(&f, "c%d", n)
			args = append(args, luaQuote(strings.Repeat("z", n+g.r.Intn(2))))
		case 's':
			f.WriteByte('s')
			args = append(args, luaQuote("str"))
		case '!':
			f.WriteByte('!')
			if g.r.Intn(2) == 0 {
				f.WriteString(strconv.Itoa(1 << g.r.Intn(4)))
			}
		case 'x', '<', '>', ' ':
			f.WriteByte(c)
		case 'f', 'd':
			f.WriteByte(c)
			args = append(args, g.number())
		default:
			f.WriteByte(c)
			args = append(args, g.number())
		}
	}
	if len(args) == 0 {
		args = append(args, "nil")
	}
	return f.String(), strings.Join(args, ", ")
}

// luaQuote is s as a Lua string literal.
func luaQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 32 && c < 127:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "\\%03d", c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
