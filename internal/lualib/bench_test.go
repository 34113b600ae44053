package lualib

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// benchCall measures one library call on a value made by a Lua
// expression.
func benchCall(b *testing.B, lib, fn, expr string) {
	L := newTestState(NewRand48())
	defer L.Close()
	if err := L.DoString("v = " + expr); err != nil {
		b.Fatal(err)
	}
	f := L.GetField(L.GetGlobal(lib), fn)
	v := L.GetGlobal("v")
	b.ReportAllocs()
	for b.Loop() {
		if err := L.CallByParam(lua.P{Fn: f, NRet: 1, Protect: true}, v); err != nil {
			b.Fatal(err)
		}
		L.Pop(1)
	}
}

const benchDoc = `{id = 12345, name = "respd", tags = {"a", "b", "c"}, score = 3.25, ok = true, nested = {x = 1, y = {1, 2, 3}}}`

func BenchmarkCjsonEncode(b *testing.B) { benchCall(b, "cjson", "encode", benchDoc) }
func BenchmarkCjsonDecode(b *testing.B) {
	benchCall(b, "cjson", "decode", "cjson.encode("+benchDoc+")")
}
func BenchmarkCmsgpackPack(b *testing.B) { benchCall(b, "cmsgpack", "pack", benchDoc) }
func BenchmarkCmsgpackUnpack(b *testing.B) {
	benchCall(b, "cmsgpack", "unpack", "cmsgpack.pack("+benchDoc+")")
}
func BenchmarkBitTohex(b *testing.B)   { benchCall(b, "bit", "tohex", "123456") }
func BenchmarkStructSize(b *testing.B) { benchCall(b, "struct", "size", `">!4 b i h d c3 L"`) }
