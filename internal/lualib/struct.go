package lualib

import (
	"encoding/binary"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// OpenStruct sets the global struct: pack, unpack and size as Redis's
// lua_struct.c (struct 0.2 with Redis's overflow fix), for 64-bit Linux:
// short 2 bytes, int 4, long and size_t 8, little-endian by default,
// maximum alignment 8.
func OpenStruct(L *lua.LState) {
	tb := L.CreateTable(0, 3)
	tb.RawSetString("pack", L.NewFunction(structPack))
	tb.RawSetString("unpack", L.NewFunction(structUnpack))
	tb.RawSetString("size", L.NewFunction(structSize))
	setGlobalLib(L, "struct", tb)
}

const (
	structMaxIntSize = 32 // MAXINTSIZE
	structMaxAlign   = 8  // MAXALIGN: a double's alignment on x86-64
)

// structHeader is the state a format string's options change.
type structHeader struct {
	little bool
	align  int
}

// structFormat walks a format string as lua_struct.c's loops do.
type structFormat struct {
	fmt string
	i   int
}

// getnum reads the number after an option, with Redis's fix refusing one
// that overflows an int.
func (f *structFormat) getnum(L *lua.LState, def int) int {
	if f.i >= len(f.fmt) || !isDigit(f.fmt[f.i]) {
		return def
	}
	a := 0
	for f.i < len(f.fmt) && isDigit(f.fmt[f.i]) {
		d := int(f.fmt[f.i] - '0')
		if a > math.MaxInt32/10 || a*10 > math.MaxInt32-d {
			raise(L, "integral size overflow")
		}
		a = a*10 + d
		f.i++
	}
	return a
}

// optsize is the size of option opt, reading its number.
func (f *structFormat) optsize(L *lua.LState, opt byte) int {
	switch opt {
	case 'B', 'b':
		return 1
	case 'H', 'h':
		return 2
	case 'L', 'l', 'T', 'd':
		return 8
	case 'f':
		return 4
	case 'x':
		return 1
	case 'c':
		return f.getnum(L, 1)
	case 'i', 'I':
		sz := f.getnum(L, 4)
		if sz > structMaxIntSize {
			raise(L, "integral size %d is larger than limit of %d", sz, structMaxIntSize)
		}
		return sz
	}
	return 0
}

// gettoalign is how many padding bytes align an item of size at len.
func gettoalign(n int, h *structHeader, opt byte, size int) int {
	if size == 0 || opt == 'c' {
		return 0
	}
	if size > h.align {
		size = h.align
	}
	return (size - (n & (size - 1))) & (size - 1)
}

// controloptions handles the options that change the header, and refuses
// unknown ones.
func (f *structFormat) controloptions(L *lua.LState, opt byte, h *structHeader) {
	switch opt {
	case ' ':
	case '>':
		h.little = false
	case '<':
		h.little = true
	case '!':
		a := f.getnum(L, structMaxAlign)
		if a <= 0 || a&(a-1) != 0 {
			raise(L, "alignment %d is not a power of 2", a)
		}
		h.align = a
	default:
		argError(L, 1, "invalid format option '"+string([]byte{opt})+"'")
	}
}

func structPack(L *lua.LState) int {
	f := structFormat{fmt: cString(checkLString(L, 1))}
	// b_pack pushes a nil after its arguments: the first one missing
	// reads as that nil ("got nil"), not as no value.
	L.Push(lua.LNil)
	h := structHeader{little: true, align: 1}
	arg := 2
	var b []byte
	for f.i < len(f.fmt) {
		opt := f.fmt[f.i]
		f.i++
		size := f.optsize(L, opt)
		for toalign := gettoalign(len(b), &h, opt, size); toalign > 0; toalign-- {
			b = append(b, 0)
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			n := checkNumber(L, arg)
			arg++
			var value uint64
			if n < 0 {
				value = uint64(cInt64(n))
			} else {
				value = cUint64(n)
			}
			b = appendInteger(b, value, size, h.little)
		case 'x':
			b = append(b, 0)
		case 'f':
			bits := math.Float32bits(float32(checkNumber(L, arg)))
			arg++
			if h.little {
				b = binary.LittleEndian.AppendUint32(b, bits)
			} else {
				b = binary.BigEndian.AppendUint32(b, bits)
			}
		case 'd':
			bits := math.Float64bits(checkNumber(L, arg))
			arg++
			if h.little {
				b = binary.LittleEndian.AppendUint64(b, bits)
			} else {
				b = binary.BigEndian.AppendUint64(b, bits)
			}
		case 'c', 's':
			s := checkLString(L, arg)
			arg++
			if size == 0 {
				size = len(s)
			}
			if len(s) < size {
				// lua_struct.c names the argument after the one
				// it read.
				argError(L, arg, "string too short")
			}
			b = append(b, s[:size]...)
			if opt == 's' {
				b = append(b, 0)
			}
		default:
			f.controloptions(L, opt, &h)
		}
	}
	L.Push(lua.LString(b))
	return 1
}

// appendInteger appends the low size bytes of value; sizes past 8 bytes
// get zeros, as the C shifts the unsigned long out.
func appendInteger(b []byte, value uint64, size int, little bool) []byte {
	start := len(b)
	for i := 0; i < size; i++ {
		b = append(b, 0)
	}
	out := b[start:]
	for i := 0; i < size && i < 8; i++ {
		if little {
			out[i] = byte(value)
		} else {
			out[size-1-i] = byte(value)
		}
		value >>= 8
	}
	return b
}

// loadUint reads size bytes into an unsigned long, so that past 8 bytes
// only the last 8 read count.
func loadUint(data string, little bool, size int) uint64 {
	var l uint64
	if little {
		for i := size - 1; i >= 0; i-- {
			l = l<<8 | uint64(data[i])
		}
	} else {
		for i := 0; i < size; i++ {
			l = l<<8 | uint64(data[i])
		}
	}
	return l
}

// getinteger reads an integer of size bytes, sign-extending signed ones.
func getinteger(data string, little, signed bool, size int) float64 {
	l := loadUint(data, little, size)
	if !signed {
		return float64(l)
	}
	// x86 shifts by the count modulo 64, which is what the C's shift
	// by size*8-1 does for sizes past 8 (and for 0).
	mask := ^uint64(0) << (uint(size*8-1) & 63)
	if l&mask != 0 {
		l |= mask
	}
	return float64(int64(l))
}

func structUnpack(L *lua.LState) int {
	f := structFormat{fmt: cString(checkLString(L, 1))}
	data := checkLString(L, 2)
	// Redis's fix: the offset is read as a size_t, so only 0 is refused
	// here; a negative one fails as too short below.
	pos := uint64(optInteger(L, 3, 1))
	if pos == 0 {
		argError(L, 3, "offset must be 1 or greater")
	}
	pos--
	args := L.GetTop()
	h := structHeader{little: true, align: 1}
	ld := uint64(len(data))
	for f.i < len(f.fmt) {
		opt := f.fmt[f.i]
		f.i++
		size := uint64(f.optsize(L, opt))
		pos += uint64(gettoalign(int(pos), &h, opt, int(size)))
		if size > ld || pos > ld-size {
			argError(L, 2, "data string too short")
		}
		// luaL_checkstack(L, 2): the item and the next position.
		if L.GetTop()+2 > luaiMaxCStack {
			raise(L, "stack overflow (too many results)")
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			signed := opt >= 'a'
			L.Push(lua.LNumber(getinteger(data[pos:], h.little, signed, int(size))))
		case 'x':
		case 'f':
			bits := uint32(loadUint(data[pos:], h.little, 4))
			L.Push(lua.LNumber(math.Float32frombits(bits)))
		case 'd':
			L.Push(lua.LNumber(math.Float64frombits(loadUint(data[pos:], h.little, 8))))
		case 'c':
			if size == 0 {
				// The length is the result before.
				var n float64
				ok := false
				if L.GetTop() > args {
					n, ok = toNumber(L.Get(-1))
				}
				if !ok {
					raise(L, "format 'c0' needs a previous size")
				}
				L.Pop(1)
				size = cUint64(n)
				if size > ld || pos > ld-size {
					argError(L, 2, "data string too short")
				}
			}
			L.Push(lua.LString(data[pos : pos+size]))
		case 's':
			e := strings.IndexByte(data[pos:], 0)
			if e < 0 {
				raise(L, "unfinished string in data")
			}
			size = uint64(e) + 1
			L.Push(lua.LString(data[pos : pos+size-1]))
		default:
			f.controloptions(L, opt, &h)
		}
		pos += size
	}
	L.Push(lua.LNumber(float64(int64(pos + 1))))
	return L.GetTop() - args
}

func structSize(L *lua.LState) int {
	f := structFormat{fmt: cString(checkLString(L, 1))}
	h := structHeader{little: true, align: 1}
	pos := 0
	for f.i < len(f.fmt) {
		opt := f.fmt[f.i]
		f.i++
		size := f.optsize(L, opt)
		pos += gettoalign(pos, &h, opt, size)
		if opt == 's' {
			argError(L, 1, "option 's' has no fixed size")
		} else if opt == 'c' && size == 0 {
			argError(L, 1, "option 'c0' has no fixed size")
		}
		if !isAlnum(opt) {
			f.controloptions(L, opt, &h)
		}
		pos += size
	}
	L.Push(lua.LNumber(pos))
	return 1
}

// cString is s as C reads it: up to its first NUL.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}
