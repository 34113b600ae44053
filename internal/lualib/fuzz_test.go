package lualib

import (
	"regexp"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// FuzzCjsonDecode decodes anything without a Go panic, and what decodes
// encodes to a fixed point: decode(encode(v)) encodes as v did.
func FuzzCjsonDecode(f *testing.F) {
	for _, s := range []string{`[1,2.5,"a\u00e9\ud83d\ude00",null,{"k":true}]`, `{"a":{"b":[]}}`, `"\/\b"`,
		`0x1p4`, `-Infinity`, `[1e400, nan]`, "[1]\x00", `"\ud800"`, `[[[[`, "", "\x00\x01"} {
		f.Add(s)
	}
	L := newTestState(NewRand48())
	defer L.Close()
	if err := L.DoString(`c = cjson.new() c.encode_invalid_numbers(true)`); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := call(t, L, "c", "decode", lua.LString(s))
		if err != nil {
			return
		}
		first, err := call(t, L, "c", "encode", v[0])
		if err != nil {
			return // a table nested deeper than encoding allows
		}
		again, err := call(t, L, "c", "decode", first[0])
		if err != nil {
			t.Fatalf("decoding %q, encoded from %q: %v", first[0], s, err)
		}
		second, err := call(t, L, "c", "encode", again[0])
		if err != nil || second[0] != first[0] {
			t.Fatalf("%q encoded as %q, then as %q (%v)", s, first[0], second, err)
		}
	})
}

// FuzzCmsgpackUnpack unpacks anything without a Go panic, and what
// unpacks packs to a fixed point: after two rounds, since a nil in an
// array unpacks as a hole, and a table past the nesting limit packs as
// nil.
func FuzzCmsgpackUnpack(f *testing.F) {
	for _, s := range []string{"\x93\x01\xc0\x03", "\x81\xa1a\xca\x3f\xc0\x00\x00", "\xd9\x01a\xcf\xff\xff\xff\xff\xff\xff\xff\xff",
		"\xdd\xff\xff\xff\xff", "\xc1", "\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x01"} {
		f.Add(s)
	}
	L := newTestState(NewRand48())
	defer L.Close()
	f.Fuzz(func(t *testing.T, s string) {
		v, err := call(t, L, "cmsgpack", "unpack", lua.LString(s))
		if err != nil || len(v) == 0 || 2*len(v) > luaiMaxCStack {
			return // nothing to pack, or more than pack takes
		}
		first, err := call(t, L, "cmsgpack", "pack", v...)
		if err != nil {
			t.Fatalf("packing what %q unpacked to: %v", s, err)
		}
		if v, err = call(t, L, "cmsgpack", "unpack", first[0]); err != nil {
			// A table key nested past the limit packed as nil.
			if strings.Contains(err.Error(), "table index is nil") {
				return
			}
			t.Fatalf("unpacking %q, packed from %q: %v", first[0], s, err)
		}
		if first, err = call(t, L, "cmsgpack", "pack", v...); err != nil {
			t.Fatalf("packing what %q unpacked to: %v", s, err)
		}
		again, err := call(t, L, "cmsgpack", "unpack", first[0])
		if err != nil {
			t.Fatalf("unpacking %q, packed from %q: %v", first[0], s, err)
		}
		second, err := call(t, L, "cmsgpack", "pack", again...)
		if err != nil || second[0] != first[0] {
			t.Fatalf("%q packed as %q, then as %q (%v)", s, first[0], second, err)
		}
		// unpack_one walks the same values one at a time.
		for offset := lua.LValue(lua.LNumber(0)); offset != lua.LNumber(-1); {
			one, err := call(t, L, "cmsgpack", "unpack_one", first[0], offset)
			if err != nil {
				t.Fatalf("unpack_one(%q, %v): %v", first[0], offset, err)
			}
			offset = one[0]
		}
	})
}

// FuzzStruct runs struct's functions on any format and data without a Go
// panic; what unpacks packs again to the same bytes when the format has
// only integers a double holds exactly (up to 6 bytes).
func FuzzStruct(f *testing.F) {
	f.Add(">i2<I3!4 b i", "\xff\xfe\x07\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00")
	f.Add("b c0 s", "\x02hiyo\x00")
	f.Add("i16 L d f", "0123456789abcdef0123456789abcdef")
	f.Add("<i3 >I6 h", "abcdefghijklmn")
	L := newTestState(NewRand48())
	defer L.Close()
	f.Fuzz(func(t *testing.T, format, data string) {
		call(t, L, "struct", "size", lua.LString(format))
		v, err := call(t, L, "struct", "unpack", lua.LString(format), lua.LString(data))
		if err != nil {
			return
		}
		packed, err := call(t, L, "struct", "pack", append([]lua.LValue{lua.LString(format)}, v[:len(v)-1]...)...)
		if !exactFormat.MatchString(format) {
			return
		}
		if err != nil || len(packed) != 1 || !strings.HasPrefix(data, string(packed[0].(lua.LString))) {
			t.Fatalf("unpack(%q, %q) packed back as %v (%v)", format, data, packed, err)
		}
	})
}

var exactFormat = regexp.MustCompile(`^([bBhH<> ]|[iI][1-6])*$`)
