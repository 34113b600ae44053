package lualib

import (
	"encoding/binary"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// OpenCmsgpack sets the global cmsgpack: lua-cmsgpack 0.4.0 as Redis has
// it (pack, unpack, unpack_one, unpack_limit and the metadata fields).
func OpenCmsgpack(L *lua.LState) {
	tb := L.CreateTable(0, 8)
	tb.RawSetString("pack", L.NewFunction((&mpPacker{}).pack))
	tb.RawSetString("unpack", L.NewFunction(mpUnpack))
	tb.RawSetString("unpack_one", L.NewFunction(mpUnpackOne))
	tb.RawSetString("unpack_limit", L.NewFunction(mpUnpackLimit))
	tb.RawSetString("_NAME", lua.LString("cmsgpack"))
	tb.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	tb.RawSetString("_COPYRIGHT", lua.LString("Copyright (C) 2012, Salvatore Sanfilippo"))
	tb.RawSetString("_DESCRIPTION", lua.LString("MessagePack C implementation for Lua"))
	setGlobalLib(L, "cmsgpack", tb)
}

// mpMaxNesting is LUACMSGPACK_MAX_NESTING: tables nested deeper encode as
// nil, which is what stops a table that contains itself.
const mpMaxNesting = 16

// mpPacker keeps cmsgpack.pack's buffers between calls.
type mpPacker struct {
	buf   []byte
	order luaOrderer // maps' members in Lua's order
}

// pack is mp_pack: each argument encoded, one after the other.
func (p *mpPacker) pack(L *lua.LState) int {
	n := L.GetTop()
	if n == 0 {
		argError(L, 0, "MessagePack pack needs input.")
	}
	// lua_checkstack(L, nargs): the arguments and as many more slots.
	if 2*n > luaiMaxCStack {
		argError(L, 0, "Too many arguments for MessagePack pack.")
	}
	b := p.buf[:0]
	for i := 1; i <= n; i++ {
		b = p.encode(b, L.Get(i), 0)
	}
	L.Push(lua.LString(b))
	p.buf = b
	return 1
}

// encode is mp_encode_lua_type: tables as arrays when their keys are
// exactly 1..n, maps otherwise; what has no msgpack type as nil.
func (p *mpPacker) encode(b []byte, v lua.LValue, level int) []byte {
	switch v := v.(type) {
	case lua.LString:
		return mpEncodeBytes(b, string(v))
	case lua.LBool:
		if v {
			return append(b, 0xc3)
		}
		return append(b, 0xc2)
	case lua.LNumber:
		return mpEncodeNumber(b, float64(v))
	case *lua.LTable:
		if level == mpMaxNesting {
			return append(b, 0xc0)
		}
		if n, ok := mpArrayLength(v); ok {
			b = mpEncodeHeader(b, 0x90, 0xdc, n)
			for i := 1; i <= n; i++ {
				b = p.encode(b, v.RawGetInt(i), level+1)
			}
			return b
		}
		if start, ok := p.order.order(v); ok {
			end := len(p.order.stack)
			b = mpEncodeHeader(b, 0x80, 0xde, end-start)
			for i := start; i < end; i++ {
				// p.order.stack may move as nested maps push.
				m := p.order.stack[i]
				b = p.encode(b, m.key, level+1)
				b = p.encode(b, m.value, level+1)
			}
			p.order.pop(start)
			return b
		}
		// Keys Lua orders by address: gopher-lua's order.
		count := 0
		for k, _ := v.Next(lua.LNil); k != lua.LNil; k, _ = v.Next(k) {
			count++
		}
		b = mpEncodeHeader(b, 0x80, 0xde, count)
		for k, val := v.Next(lua.LNil); k != lua.LNil; k, val = v.Next(k) {
			b = p.encode(b, k, level+1)
			b = p.encode(b, val, level+1)
		}
		return b
	}
	return append(b, 0xc0)
}

// mpEncodeBytes is mp_encode_bytes: fix raw, raw 8, raw 16 or raw 32
// (msgpack's str types; lua-cmsgpack writes no bin types).
func mpEncodeBytes(b []byte, s string) []byte {
	switch n := len(s); {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n <= 0xff:
		b = append(b, 0xd9, byte(n))
	case n <= 0xffff:
		b = binary.BigEndian.AppendUint16(append(b, 0xda), uint16(n))
	default:
		b = binary.BigEndian.AppendUint32(append(b, 0xdb), uint32(n))
	}
	return append(b, s...)
}

// mpEncodeHeader writes an array's or map's count: fix, 16 or 32 bits.
func mpEncodeHeader(b []byte, fix, op16 byte, n int) []byte {
	switch {
	case n <= 15:
		return append(b, fix|byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, op16), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, op16+1), uint32(n))
}

// mpEncodeNumber is mp_encode_lua_number: integers when the number is one
// that fits an int64, otherwise a float 32 when that holds it exactly, a
// float 64 when not.
func mpEncodeNumber(b []byte, f float64) []byte {
	if f >= -9223372036854775808.0 && f < 9223372036854775808.0 && float64(int64(f)) == f {
		return mpEncodeInt(b, int64(f))
	}
	if f32 := float32(f); float64(f32) == f {
		return binary.BigEndian.AppendUint32(append(b, 0xca), math.Float32bits(f32))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xcb), math.Float64bits(f))
}

func mpEncodeInt(b []byte, n int64) []byte {
	if n >= 0 {
		switch {
		case n <= 127:
			return append(b, byte(n))
		case n <= 0xff:
			return append(b, 0xcc, byte(n))
		case n <= 0xffff:
			return binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(n))
		case n <= 0xffffffff:
			return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(n))
		}
		return binary.BigEndian.AppendUint64(append(b, 0xcf), uint64(n))
	}
	switch {
	case n >= -32:
		return append(b, byte(n))
	case n >= -128:
		return append(b, 0xd0, byte(n))
	case n >= -32768:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(n))
	case n >= -2147483648:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(n))
}

// mpArrayLength is table_is_an_array: a table whose keys are exactly 1..n
// (positive numbers that fit a C int) is an array of n; an empty one too.
func mpArrayLength(tb *lua.LTable) (int, bool) {
	n, items, rest := arrayPart(tb)
	count, max := int32(items), int32(n)
	for k, _ := tb.Next(rest); k != lua.LNil; k, _ = tb.Next(k) {
		n, ok := k.(lua.LNumber)
		if !ok || n <= 0 || float64(cInt32(float64(n))) != float64(n) {
			return 0, false
		}
		if int32(n) > max {
			max = int32(n)
		}
		count++
	}
	return int(count), max == count
}

// Decoding errors, as the cursor records them.
const (
	mpErrNone = iota
	mpErrEOF
	mpErrBadFormat
)

// mpDecoder is lua-cmsgpack's cursor, with the count of stack slots the C
// would be using, to refuse where its luaL_checkstack does.
type mpDecoder struct {
	L     *lua.LState
	s     string
	p     int
	err   int
	slots int
}

func (d *mpDecoder) need(n uint64) bool {
	if uint64(len(d.s)-d.p) < n {
		d.err = mpErrEOF
		return false
	}
	return true
}

func (d *mpDecoder) u16() int { return int(binary.BigEndian.Uint16([]byte(d.s[d.p+1 : d.p+3]))) }
func (d *mpDecoder) u32() uint64 {
	return uint64(binary.BigEndian.Uint32([]byte(d.s[d.p+1 : d.p+5])))
}
func (d *mpDecoder) u64() uint64 { return binary.BigEndian.Uint64([]byte(d.s[d.p+1 : d.p+9])) }

// decode is mp_decode_to_lua_type. On an error it returns nil with d.err
// set.
func (d *mpDecoder) decode() lua.LValue {
	if !d.need(1) {
		return nil
	}
	if d.slots+1 > luaiMaxCStack {
		raise(d.L, "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)")
	}
	c := d.s[d.p]
	switch c {
	case 0xcc, 0xd0:
		if !d.need(2) {
			return nil
		}
		v := lua.LNumber(d.s[d.p+1])
		if c == 0xd0 {
			v = lua.LNumber(int8(d.s[d.p+1]))
		}
		d.p += 2
		return v
	case 0xcd, 0xd1:
		if !d.need(3) {
			return nil
		}
		v := lua.LNumber(d.u16())
		if c == 0xd1 {
			v = lua.LNumber(int16(d.u16()))
		}
		d.p += 3
		return v
	case 0xce, 0xd2:
		if !d.need(5) {
			return nil
		}
		v := lua.LNumber(d.u32())
		if c == 0xd2 {
			v = lua.LNumber(int32(d.u32()))
		}
		d.p += 5
		return v
	case 0xcf, 0xd3:
		if !d.need(9) {
			return nil
		}
		// Both become a lua_Integer (int64) first: a uint 64 past
		// 2^63 reads negative.
		v := lua.LNumber(int64(d.u64()))
		d.p += 9
		return v
	case 0xc0:
		d.p++
		return lua.LNil
	case 0xc3:
		d.p++
		return lua.LTrue
	case 0xc2:
		d.p++
		return lua.LFalse
	case 0xca:
		if !d.need(5) {
			return nil
		}
		v := lua.LNumber(math.Float32frombits(uint32(d.u32())))
		d.p += 5
		return v
	case 0xcb:
		if !d.need(9) {
			return nil
		}
		v := lua.LNumber(math.Float64frombits(d.u64()))
		d.p += 9
		return v
	case 0xd9:
		if !d.need(2) {
			return nil
		}
		return d.str(2, uint64(d.s[d.p+1]))
	case 0xda:
		if !d.need(3) {
			return nil
		}
		return d.str(3, uint64(d.u16()))
	case 0xdb:
		if !d.need(5) {
			return nil
		}
		return d.str(5, d.u32())
	case 0xdc:
		if !d.need(3) {
			return nil
		}
		n := d.u16()
		d.p += 3
		return d.array(uint64(n))
	case 0xdd:
		if !d.need(5) {
			return nil
		}
		n := d.u32()
		d.p += 5
		return d.array(n)
	case 0xde:
		if !d.need(3) {
			return nil
		}
		n := d.u16()
		d.p += 3
		return d.hash(uint64(n))
	case 0xdf:
		if !d.need(5) {
			return nil
		}
		n := d.u32()
		d.p += 5
		return d.hash(n)
	}
	switch {
	case c&0x80 == 0: // positive fixnum
		d.p++
		return lua.LNumber(c)
	case c&0xe0 == 0xe0: // negative fixnum
		d.p++
		return lua.LNumber(int8(c))
	case c&0xe0 == 0xa0: // fix raw
		return d.str(1, uint64(c&0x1f))
	case c&0xf0 == 0x90: // fix array
		d.p++
		return d.array(uint64(c & 0xf))
	case c&0xf0 == 0x80: // fix map
		d.p++
		return d.hash(uint64(c & 0xf))
	}
	d.err = mpErrBadFormat
	return nil
}

// str reads a string of n bytes after a header of hdr bytes.
func (d *mpDecoder) str(hdr int, n uint64) lua.LValue {
	if !d.need(uint64(hdr) + n) {
		return nil
	}
	start := d.p + hdr
	d.p = start + int(n)
	return lua.LString(d.s[start:d.p])
}

// capacity is the room to make for n members of at least size bytes
// each: no more than the input left can hold.
func (d *mpDecoder) capacity(n, size uint64) int {
	return int(min(n, uint64(len(d.s)-d.p)/size))
}

// array is mp_decode_to_lua_array: a table with the table and the index
// on the C stack while each element decodes. Nils set nothing.
func (d *mpDecoder) array(n uint64) lua.LValue {
	tb := d.L.CreateTable(d.capacity(n, 1), 0)
	if d.slots+2 > luaiMaxCStack {
		raise(d.L, "stack overflow (in function mp_decode_to_lua_array)")
	}
	d.slots += 2
	for i := 1; uint64(i) <= n; i++ {
		v := d.decode()
		if d.err != mpErrNone {
			return nil
		}
		if v != lua.LNil {
			tb.RawSetInt(i, v)
		}
	}
	d.slots -= 2
	return tb
}

// hash is mp_decode_to_lua_hash: the table, then the key too, on the C
// stack. A nil key is lua_settable's error.
func (d *mpDecoder) hash(n uint64) lua.LValue {
	tb := d.L.CreateTable(0, d.capacity(n, 2))
	for ; n > 0; n-- {
		d.slots++
		k := d.decode()
		if d.err != mpErrNone {
			return nil
		}
		d.slots++
		v := d.decode()
		if d.err != mpErrNone {
			return nil
		}
		d.slots -= 2
		if k == lua.LNil {
			raise(d.L, "table index is nil")
		}
		if f, ok := k.(lua.LNumber); ok && math.IsNaN(float64(f)) {
			raise(d.L, "table index is NaN")
		}
		d.L.RawSet(tb, k, v)
	}
	return tb
}

// mpUnpackFull is mp_unpack_full; args is how many arguments stay on the
// stack under the results.
func mpUnpackFull(L *lua.LState, s string, limit, offset int64, args int) int {
	decodeAll := limit == 0 && offset == 0
	if offset < 0 || limit < 0 {
		// The C passes the input's length where it says limit.
		raise(L, "Invalid request to unpack with offset of %d and limit of %d.", int32(offset), int32(len(s)))
	} else if offset > int64(len(s)) {
		raise(L, "Start offset %d greater than input length %d.", int32(offset), int32(len(s)))
	}
	if decodeAll {
		limit = math.MaxInt32
	}
	d := mpDecoder{L: L, s: s, p: int(offset), slots: args}
	base := L.GetTop()
	for cnt := int64(0); d.p < len(s) && cnt < limit; cnt++ {
		v := d.decode()
		switch d.err {
		case mpErrEOF:
			raise(L, "Missing bytes in input.")
		case mpErrBadFormat:
			raise(L, "Bad data format in input.")
		}
		L.Push(v)
		d.slots++
	}
	n := L.GetTop() - base
	if !decodeAll {
		// The next offset, or -1 at the end, comes before the values.
		next := d.p
		if d.p == len(s) {
			next = -1
		}
		L.Insert(lua.LNumber(next), base+1)
		n++
	}
	return n
}

func mpUnpack(L *lua.LState) int {
	s := checkLString(L, 1)
	return mpUnpackFull(L, s, 0, 0, L.GetTop())
}

func mpUnpackOne(L *lua.LState) int {
	offset := optInteger(L, 2, 0)
	s := checkLString(L, 1)
	return mpUnpackFull(L, s, 1, offset, 1)
}

func mpUnpackLimit(L *lua.LState) int {
	limit := checkInteger(L, 2)
	offset := optInteger(L, 3, 0)
	s := checkLString(L, 1)
	return mpUnpackFull(L, s, limit, offset, 1)
}
