package lualib

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// OpenBit sets the global bit: LuaBitOp 1.0.2's functions on 32-bit
// integers.
func OpenBit(L *lua.LState) {
	tb := L.CreateTable(0, 12)
	for name, fn := range map[string]lua.LGFunction{
		"tobit":   bitTobit,
		"bnot":    bitBnot,
		"band":    bitBand,
		"bor":     bitBor,
		"bxor":    bitBxor,
		"lshift":  bitLshift,
		"rshift":  bitRshift,
		"arshift": bitArshift,
		"rol":     bitRol,
		"ror":     bitRor,
		"bswap":   bitBswap,
		"tohex":   bitTohex,
	} {
		tb.RawSetString(name, L.NewFunction(fn))
	}
	setGlobalLib(L, "bit", tb)
}

// barg converts argument n as LuaBitOp does: adding 2^52+2^51 puts the
// number, rounded to an integer as the FPU rounds (to nearest, ties to
// even), in the low 32 bits of the double. Arguments that are no number
// read as 0, which is an error only when the result is 0 too.
func barg(L *lua.LState, n int) uint32 {
	f, ok := toNumber(L.Get(n))
	b := uint32(math.Float64bits(f + 6755399441055744.0))
	if b == 0 && !ok {
		typeError(L, n, "number")
	}
	return b
}

// bret pushes a result as LuaBitOp does: a signed 32-bit number.
func bret(L *lua.LState, b uint32) int {
	L.Push(lua.LNumber(int32(b)))
	return 1
}

func bitTobit(L *lua.LState) int { return bret(L, barg(L, 1)) }
func bitBnot(L *lua.LState) int  { return bret(L, ^barg(L, 1)) }

func bitBand(L *lua.LState) int {
	b := barg(L, 1)
	for i := L.GetTop(); i > 1; i-- {
		b &= barg(L, i)
	}
	return bret(L, b)
}

func bitBor(L *lua.LState) int {
	b := barg(L, 1)
	for i := L.GetTop(); i > 1; i-- {
		b |= barg(L, i)
	}
	return bret(L, b)
}

func bitBxor(L *lua.LState) int {
	b := barg(L, 1)
	for i := L.GetTop(); i > 1; i-- {
		b ^= barg(L, i)
	}
	return bret(L, b)
}

// bshift reads a shift's operands: the value, then the count modulo 32.
func bshift(L *lua.LState) (uint32, uint32) {
	b := barg(L, 1)
	return b, barg(L, 2) & 31
}

func bitLshift(L *lua.LState) int { b, n := bshift(L); return bret(L, b<<n) }
func bitRshift(L *lua.LState) int { b, n := bshift(L); return bret(L, b>>n) }
func bitArshift(L *lua.LState) int {
	b, n := bshift(L)
	return bret(L, uint32(int32(b)>>n))
}

// Rotations by 0 shift by 32, which x86 reads as 0 and Go as clearing:
// both give b|b or b|0, the same.
func bitRol(L *lua.LState) int { b, n := bshift(L); return bret(L, b<<n|b>>(32-n)) }
func bitRor(L *lua.LState) int { b, n := bshift(L); return bret(L, b<<(32-n)|b>>n) }

func bitBswap(L *lua.LState) int {
	b := barg(L, 1)
	return bret(L, b>>24|(b>>8)&0xff00|(b&0xff00)<<8|b<<24)
}

func bitTohex(L *lua.LState) int {
	b := barg(L, 1)
	n := int32(8)
	if L.GetTop() >= 2 {
		n = int32(barg(L, 2))
	}
	digits := "0123456789abcdef"
	if n < 0 {
		n = -n
		digits = "0123456789ABCDEF"
	}
	// -(-2^31) overflows, which C leaves undefined; gcc's code for
	// Redis treats the result as the large positive it should be: 8
	// upper-case digits.
	if n < 0 || n > 8 {
		n = 8
	}
	var buf [8]byte
	for i := n - 1; i >= 0; i-- {
		buf[i] = digits[b&15]
		b >>= 4
	}
	L.Push(lua.LString(buf[:n]))
	return 1
}
