package lualib

import (
	"errors"
	"math"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// call calls a global library function, protected, and returns its
// results; a Go panic in it (as opposed to a Lua error) fails the test.
func call(t testing.TB, L *lua.LState, lib, fn string, args ...lua.LValue) ([]lua.LValue, error) {
	t.Helper()
	f := L.GetField(L.GetGlobal(lib), fn)
	top := L.GetTop()
	err := L.CallByParam(lua.P{Fn: f, NRet: lua.MultRet, Protect: true}, args...)
	var apiErr *lua.ApiError
	if errors.As(err, &apiErr) && apiErr.Type == lua.ApiErrorPanic {
		t.Fatalf("%s.%s panicked: %v", lib, fn, err)
	}
	if err != nil {
		return nil, err
	}
	n := L.GetTop() - top
	out := make([]lua.LValue, n)
	for i := range out {
		out[i] = L.Get(top + 1 + i)
	}
	L.SetTop(top)
	return out, nil
}

// eval runs a Lua chunk named as Redis names scripts and returns its
// first result as a string, or its error's message.
func eval(t testing.TB, L *lua.LState, src string) string {
	t.Helper()
	fn, err := L.Load(strings.NewReader(src), "user_script")
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	L.Push(fn)
	if err := L.PCall(0, 1, nil); err != nil {
		var apiErr *lua.ApiError
		if errors.As(err, &apiErr) {
			if apiErr.Type == lua.ApiErrorPanic {
				t.Fatalf("%s panicked: %v", src, err)
			}
			return "error: " + apiErr.Object.String()
		}
		return "error: " + err.Error()
	}
	v := L.Get(-1)
	L.Pop(1)
	return v.String()
}

func TestAppendG(t *testing.T) {
	for _, c := range []struct {
		f    float64
		prec int
		want string
	}{
		{0, 14, "0"},
		{math.Copysign(0, -1), 14, "-0"},
		{0.1, 14, "0.1"},
		{1.0 / 3, 14, "0.33333333333333"},
		{100, 14, "100"},
		{1e14, 14, "1e+14"},
		{99999999999999, 14, "99999999999999"},
		{123456789012345, 14, "1.2345678901234e+14"},
		{1e-5, 14, "1e-05"},
		{0.0001, 14, "0.0001"},
		{5e-324, 14, "4.9406564584125e-324"},
		{1.5e300, 14, "1.5e+300"},
		{-2.5, 14, "-2.5"},
		{9007199254740992, 14, "9.007199254741e+15"},
		{0.95, 1, "0.9"},
		{15, 1, "2e+01"},
		{1234567, 3, "1.23e+06"},
		{math.Inf(1), 14, "inf"},
		{math.Inf(-1), 14, "-inf"},
		{math.NaN(), 14, "nan"},
	} {
		if got := string(appendG(nil, c.f, c.prec)); got != c.want {
			t.Errorf("%%.%dg of %v: got %q, want %q", c.prec, c.f, got, c.want)
		}
	}
}

func TestStrtod(t *testing.T) {
	for _, c := range []struct {
		s    string
		want float64
		end  int
	}{
		{"1", 1, 1},
		{"-1.5e3x", -1500, 6},
		{"1e", 1, 1},
		{"1e+", 1, 1},
		{"1.", 1, 2},
		{"-.5", -0.5, 3},
		{" \t+7", 7, 4},
		{"0x1F", 31, 4},
		{"0x1p4", 16, 5},
		{"0x.8", 0.5, 4},
		{"0x", 0, 1},
		{"0xg", 0, 1},
		{"inf", math.Inf(1), 3},
		{"-Infinity", math.Inf(-1), 9},
		{"infinit", math.Inf(1), 3},
		{"1e400", math.Inf(1), 5},
		{"1e-400", 0, 6},
		{"007", 7, 3},
		{"-", 0, 0},
		{".", 0, 0},
		{"e5", 0, 0},
		{"", 0, 0},
	} {
		got, end := strtod(c.s, 0)
		if got != c.want || end != c.end {
			t.Errorf("strtod(%q) = %v, %d; want %v, %d", c.s, got, end, c.want, c.end)
		}
	}
	for _, s := range []string{"nan", "NaN(abc_1)", "-nan"} {
		if f, end := strtod(s, 0); !math.IsNaN(f) || end != len(s) {
			t.Errorf("strtod(%q) = %v, %d", s, f, end)
		}
	}
	if _, end := strtod("nan(x", 0); end != 3 {
		t.Errorf("strtod(nan(x) read %d bytes, want 3", end)
	}
}

func TestStr2d(t *testing.T) {
	for s, want := range map[string]float64{"10": 10, " 0x10 ": 16, "1e2\n": 100, "5\x00junk": 5} {
		if f, ok := str2d(s); !ok || f != want {
			t.Errorf("str2d(%q) = %v, %v", s, f, ok)
		}
	}
	for _, s := range []string{"", " ", "1x", "0x", "1 2", "abc"} {
		if _, ok := str2d(s); ok {
			t.Errorf("str2d(%q) read a number", s)
		}
	}
}

func TestCConversions(t *testing.T) {
	if cInt64(1e19) != math.MinInt64 || cInt64(math.NaN()) != math.MinInt64 || cInt64(-3.9) != -3 {
		t.Error("cInt64")
	}
	if cInt32(3e9) != math.MinInt32 || cInt32(-2147483648.5) != math.MinInt32 || cInt32(7.9) != 7 {
		t.Error("cInt32")
	}
	if cUint64(18446744073709551615.0) != 0 || cUint64(9223372036854775808.0) != 1<<63 || cUint64(5) != 5 {
		t.Error("cUint64")
	}
}

// Redis 7.0's generator starts from rand48's initial state and is never
// reseeded between scripts: a fresh redis-server's first script gets
// these.
func TestRand48(t *testing.T) {
	r := NewRand48()
	L := newTestState(r)
	defer L.Close()
	src := "local t = {} for i=1,5 do t[i]=math.random(100) end return table.concat(t, ',')"
	for _, want := range []string{"40,85,36,45,32", "89,2,59,16,39", "70,6,90,17,16"} {
		if got := eval(t, L, src); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
	// srand48(0) gives glibc's lrand48 sequence.
	r.seed(0)
	for _, want := range []int32{366850414, 1610402240, 206956554, 1869309841, 1239749840} {
		if got := r.next(); got != want {
			t.Errorf("after seed 0: %d, want %d", got, want)
		}
	}
	if got := eval(t, L, "return math.random(1, 2, 3)"); got != "error: user_script:1: wrong number of arguments" {
		t.Errorf("math.random(1, 2, 3): %s", got)
	}
	if got := eval(t, L, "local ok, e = pcall(math.random, 0) return e"); got != "bad argument #1 to '?' (interval is empty)" {
		t.Errorf("pcall(math.random, 0): %s", got)
	}
}

func TestErrorPositions(t *testing.T) {
	L := newTestState(NewRand48())
	defer L.Close()
	for src, want := range map[string]string{
		"return cjson.decode('x')":                                                         "error: user_script:1: Expected value but found invalid token at character 1",
		"\n\nreturn bit.tohex()":                                                           "error: user_script:3: bad argument #1 to 'tohex' (number expected, got no value)",
		"local ok, e = pcall(cjson.decode, 'x') return e":                                  "Expected value but found invalid token at character 1",
		"local ok, e = pcall(bit.tohex) return e":                                          "bad argument #1 to '?' (number expected, got no value)",
		"local f = struct.pack local ok, e = pcall(function() return f('z') end) return e": "user_script:1: bad argument #1 to 'f' (invalid format option 'z')",
	} {
		if got := eval(t, L, src); got != want {
			t.Errorf("%s:\n got %q\nwant %q", src, got, want)
		}
	}
}

func TestCjson(t *testing.T) {
	L := newTestState(NewRand48())
	defer L.Close()
	for src, want := range map[string]string{
		`return cjson.encode({1, "a/b", true, {x = cjson.null}, {}})`:                                 `[1,"a\/b",true,{"x":null},{}]`,
		`return cjson.encode({[1]=1, [3]=3})`:                                                         `[1,null,3]`,
		`return cjson.encode("\0\31\127é")`:                                                           `"\u0000\u001f\u007fé"`,
		`return cjson.encode(cjson.decode('{"a":[1,2.5,"\\ud83d\\ude00"]}'))`:                         `{"a":[1,2.5,"😀"]}`,
		`return tostring(cjson.decode('[null]')[1] == cjson.null)`:                                    "true",
		`local ok, e = pcall(cjson.encode, {[20]=1}) return e`:                                        "Cannot serialise table: excessively sparse array",
		`local ok, e = pcall(cjson.decode, '[1,]') return e`:                                          "Expected value but found T_ARR_END at character 4",
		`local ok, e = pcall(cjson.decode, '{"a":1 x') return e`:                                      "Expected comma or object end but found invalid token at character 8",
		`local c = cjson.new() c.encode_max_depth(1) local ok, e = pcall(c.encode, {{}}) return e`:    "Cannot serialise, excessive nesting (2)",
		`local c = cjson.new() c.decode_max_depth(1) local ok, e = pcall(c.decode, '[[1]]') return e`: "Found too many nested data structures (2) at character 2",
		`local c = cjson.new() return c.encode_invalid_numbers("null")`:                               "null",
		`return cjson.encode({cjson.new().encode_sparse_array(true, 3)})`:                             "[true,3,10]",
	} {
		if got := eval(t, L, src); got != want {
			t.Errorf("%s:\n got %q\nwant %q", src, got, want)
		}
	}
	if v, err := call(t, L, "cjson", "decode", lua.LString("null")); err != nil || !IsNull(v[0]) {
		t.Errorf("decode(null) = %v, %v: not cjson.null", v, err)
	}
	if IsNull(lua.LNil) || IsNull(L.NewUserData()) {
		t.Error("IsNull of something else")
	}
}

func TestCmsgpack(t *testing.T) {
	L := newTestState(NewRand48())
	defer L.Close()
	for src, want := range map[string]string{
		`return cmsgpack.pack(1.5, 0.1, -1, 300, "ab", {}, {1}, {a=true})`: "\xca\x3f\xc0\x00\x00\xcb\x3f\xb9\x99\x99\x99\x99\x99\x9a\xff\xcd\x01\x2c\xa2ab\x90\x91\x01\x81\xa1a\xc3",
		`return cmsgpack.pack(string.rep("x", 40)):sub(1, 2)`:              "\xd9\x28",
		`return cjson.encode({cmsgpack.unpack_one("\1\2", 0)})`:            "[1,1]",
		`return cjson.encode({cmsgpack.unpack_limit("\1\2\3", 2, 1)})`:     "[-1,2,3]",
		`local ok, e = pcall(cmsgpack.unpack, "\193") return e`:            "Bad data format in input.",
		`local ok, e = pcall(cmsgpack.unpack, "\146\1") return e`:          "Missing bytes in input.",
		`local ok, e = pcall(cmsgpack.pack) return e`:                      "bad argument #0 to '?' (MessagePack pack needs input.)",
		`local t = {} t[1] = t return #cmsgpack.pack(t)`:                   "17",
	} {
		if got := eval(t, L, src); got != want {
			t.Errorf("%s:\n got %q\nwant %q", src, got, want)
		}
	}
}

func TestBit(t *testing.T) {
	L := newTestState(NewRand48())
	defer L.Close()
	for src, want := range map[string]string{
		`return bit.tohex(-1, -4)`:                     "FFFF",
		`return bit.tohex(0x1234, 2)`:                  "34",
		`return bit.tobit(2^32 + 1)`:                   "1",
		`return bit.tobit(2.5) .. bit.tobit(3.5)`:      "24",
		`return bit.band(0xff, "0x0f", 0x3)`:           "3",
		`return bit.arshift(-256, 4)`:                  "-16",
		`return bit.rshift(-1, 28)`:                    "15",
		`return bit.rol(0x80000001, 1)`:                "3",
		`return bit.bswap(0x12345678)`:                 "2018915346",
		`local ok, e = pcall(bit.bor, 1, {}) return e`: "bad argument #2 to '?' (number expected, got table)",
	} {
		if got := eval(t, L, src); got != want {
			t.Errorf("%s:\n got %q\nwant %q", src, got, want)
		}
	}
}

func TestStruct(t *testing.T) {
	L := newTestState(NewRand48())
	defer L.Close()
	for src, want := range map[string]string{
		`return struct.pack('>i2<I3!4 b i', -2, 7, 1, 2)`:              "\xff\xfe\x07\x00\x00\x01\x00\x00\x02\x00\x00\x00",
		`return struct.pack('s c0', 'ab', 'cd')`:                       "ab\x00cd",
		`return cjson.encode({struct.unpack('b c0 s', '\2hiyo\0')})`:   `["hi","yo",7]`,
		`return struct.size('!8 b d')`:                                 "16",
		`local ok, e = pcall(struct.unpack, 'i4', 'ab') return e`:      "bad argument #2 to '?' (data string too short)",
		`local ok, e = pcall(struct.unpack, 'b', 'ab', 0) return e`:    "bad argument #3 to '?' (offset must be 1 or greater)",
		`local ok, e = pcall(struct.pack, 'i33', 1) return e`:          "integral size 33 is larger than limit of 32",
		`local ok, e = pcall(struct.pack, 'i99999999999', 1) return e`: "integral size overflow",
		`local ok, e = pcall(struct.pack, '!3', 1) return e`:           "alignment 3 is not a power of 2",
		`local ok, e = pcall(struct.pack, 'c3', 'ab') return e`:        "bad argument #3 to '?' (string too short)",
		`local ok, e = pcall(struct.pack, 'i') return e`:               "bad argument #2 to '?' (number expected, got nil)",
		`local ok, e = pcall(struct.size, 's') return e`:               "bad argument #1 to '?' (option 's' has no fixed size)",
	} {
		if got := eval(t, L, src); got != want {
			t.Errorf("%s:\n got %q\nwant %q", src, got, want)
		}
	}
}

// The encoders reuse their buffers: encoding a table allocates no more
// than returning a new string does.
func TestEncodeAllocations(t *testing.T) {
	L := newTestState(NewRand48())
	defer L.Close()
	if err := L.DoString(`t = {1, 2.5, "three", {a = {true, false}, [7] = 1}, cjson.null}`); err != nil {
		t.Fatal(err)
	}
	tb := L.GetGlobal("t")
	allocs := func(fn lua.LValue) float64 {
		return testing.AllocsPerRun(100, func() {
			if err := L.CallByParam(lua.P{Fn: fn, NRet: 1, Protect: true}, tb); err != nil {
				t.Fatal(err)
			}
			L.Pop(1)
		})
	}
	base := allocs(L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(make([]byte, 10)))
		return 1
	}))
	for _, fn := range []string{"cjson.encode", "cmsgpack.pack"} {
		lib, name, _ := strings.Cut(fn, ".")
		if n := allocs(L.GetField(L.GetGlobal(lib), name)); n > base {
			t.Errorf("%s: %v allocations per call, %v returning a string", fn, n, base)
		}
	}
}
