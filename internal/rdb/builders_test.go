package rdb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Hand builders of the encodings Redis 7.0 can no longer write (ziplists,
// zipmaps, quicklist 1, and 7.4's hash field TTLs) or writes only in some
// cases, each following the C code that wrote it.

// canonicalInt is string2ll: s is exactly the decimal form of an int64.
func canonicalInt(s string) (int64, bool) {
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil && strconv.FormatInt(v, 10) == s
}

// elemBytes accepts the element forms the builders take: string, []byte,
// or an int (stored as its decimal string, which the encoders turn back
// into an integer).
func elemBytes(e any) string {
	switch v := e.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	panic(fmt.Sprintf("bad element %T", e))
}

// zlBuild builds a ziplist the way ziplistPush appends to one
// (__ziplistInsert, zipTryEncoding, zipStoreEntryEncoding,
// zipStorePrevEntryLength).
func zlBuild(elems ...any) []byte {
	b := make([]byte, zlHeaderSize)
	tail, prevlen := zlHeaderSize, 0
	for _, e := range elems {
		tail = len(b)
		start := len(b)
		if prevlen < zlBigPrevlen {
			b = append(b, byte(prevlen))
		} else {
			b = append(b, zlBigPrevlen)
			b = binary.LittleEndian.AppendUint32(b, uint32(prevlen))
		}
		b = zlAppendEncoded(b, elemBytes(e))
		prevlen = len(b) - start
	}
	b = append(b, zlEnd)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	binary.LittleEndian.PutUint32(b[4:], uint32(tail))
	binary.LittleEndian.PutUint16(b[8:], uint16(min(len(elems), 65535)))
	return b
}

// zlAppendEncoded appends an entry's encoding and data: the smallest
// integer encoding when the string is a canonical integer of under 32
// bytes, else the string with a 6-, 14- or 32-bit (big-endian) length.
func zlAppendEncoded(b []byte, s string) []byte {
	if v, ok := canonicalInt(s); ok && len(s) < 32 {
		switch {
		case v >= 0 && v <= 12:
			return append(b, 0xF1+byte(v))
		case v >= math.MinInt8 && v <= math.MaxInt8:
			return append(b, 0xFE, byte(v))
		case v >= math.MinInt16 && v <= math.MaxInt16:
			return binary.LittleEndian.AppendUint16(append(b, 0xC0), uint16(v))
		case v >= -1<<23 && v < 1<<23:
			return append(b, 0xF0, byte(v), byte(v>>8), byte(v>>16))
		case v >= math.MinInt32 && v <= math.MaxInt32:
			return binary.LittleEndian.AppendUint32(append(b, 0xD0), uint32(v))
		}
		return binary.LittleEndian.AppendUint64(append(b, 0xE0), uint64(v))
	}
	switch n := len(s); {
	case n <= 0x3F:
		b = append(b, byte(n))
	case n <= 0x3FFF:
		b = append(b, 0x40|byte(n>>8), byte(n))
	default:
		b = binary.BigEndian.AppendUint32(append(b, 0x80), uint32(n))
	}
	return append(b, s...)
}

// lpBuild builds a listpack the way lpAppend does (lpEncodeGetType,
// lpEncodeString, lpEncodeBacklen).
func lpBuild(elems ...any) []byte {
	b := make([]byte, 6)
	for _, e := range elems {
		start := len(b)
		b = lpAppendEncoded(b, elemBytes(e))
		b = lpAppendBacklen(b, len(b)-start)
	}
	b = append(b, 0xFF)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	binary.LittleEndian.PutUint16(b[4:], uint16(min(len(elems), 65535)))
	return b
}

func lpAppendEncoded(b []byte, s string) []byte {
	if v, ok := canonicalInt(s); ok {
		switch {
		case v >= 0 && v <= 127:
			return append(b, byte(v))
		case v >= -4096 && v <= 4095:
			u := uint64(v) & (1<<13 - 1)
			return append(b, 0xC0|byte(u>>8), byte(u))
		case v >= math.MinInt16 && v <= math.MaxInt16:
			return binary.LittleEndian.AppendUint16(append(b, 0xF1), uint16(v))
		case v >= -1<<23 && v < 1<<23:
			return append(b, 0xF2, byte(v), byte(v>>8), byte(v>>16))
		case v >= math.MinInt32 && v <= math.MaxInt32:
			return binary.LittleEndian.AppendUint32(append(b, 0xF3), uint32(v))
		}
		return binary.LittleEndian.AppendUint64(append(b, 0xF4), uint64(v))
	}
	switch n := len(s); {
	case n < 64:
		b = append(b, 0x80|byte(n))
	case n < 4096:
		b = append(b, 0xE0|byte(n>>8), byte(n))
	default:
		b = binary.LittleEndian.AppendUint32(append(b, 0xF0), uint32(n))
	}
	return append(b, s...)
}

// lpAppendBacklen appends the entry length n, 7 bits a byte, the most
// significant first, all but that one with the top bit set.
func lpAppendBacklen(b []byte, n int) []byte {
	size := lpBacklenSize(n)
	for i := size - 1; i >= 0; i-- {
		c := byte(n>>(7*uint(i))) & 0x7F
		if i != size-1 {
			c |= 0x80
		}
		b = append(b, c)
	}
	return b
}

// isBuild builds an intset of the values (intsetAdd: sorted, the width of
// the widest value).
func isBuild(vals ...int64) []byte {
	width := 2
	for _, v := range vals {
		switch {
		case v < math.MinInt32 || v > math.MaxInt32:
			width = 8
		case (v < math.MinInt16 || v > math.MaxInt16) && width < 4:
			width = 4
		}
	}
	return isBuildWidth(width, vals...)
}

// isBuildWidth builds an intset of the given width, the values sorted.
func isBuildWidth(width int, vals ...int64) []byte {
	vals = append([]int64(nil), vals...)
	sort.Slice(vals, func(i, j int) bool { return vals[i] < vals[j] })
	return isBuildRaw(width, vals...)
}

// isBuildRaw builds an intset with the values in the order given.
func isBuildRaw(width int, vals ...int64) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(width))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(vals)))
	for _, v := range vals {
		switch width {
		case 2:
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		case 4:
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		default:
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		}
	}
	return b
}

// zmPair is a zipmap entry; free is the count of unused bytes after the
// value, which zipmapSet leaves when a value shrinks by fewer than 4.
type zmPair struct {
	field, value string
	free         int
}

// zmBuild builds a zipmap as zipmapSet does (zipmapEncodeLength).
func zmBuild(pairs ...zmPair) []byte {
	b := []byte{byte(min(len(pairs), zmBigLen))}
	for _, p := range pairs {
		b = zmAppendLen(b, len(p.field))
		b = append(b, p.field...)
		b = zmAppendLen(b, len(p.value))
		b = append(b, byte(p.free))
		b = append(b, p.value...)
		b = append(b, make([]byte, p.free)...)
	}
	return append(b, zmEnd)
}

func zmAppendLen(b []byte, n int) []byte {
	if n < zmBigLen {
		return append(b, byte(n))
	}
	return binary.LittleEndian.AppendUint32(append(b, zmBigLen), uint32(n))
}

// RDB level: lengths and strings of any size (rdbSaveLen,
// rdbSaveRawString without integer encoding or compression), doubles.

func (r *rawRDB) length(n uint64) *rawRDB {
	switch {
	case n < 1<<6:
		r.WriteByte(byte(n))
	case n < 1<<14:
		r.Write([]byte{0x40 | byte(n>>8), byte(n)})
	case n <= math.MaxUint32:
		r.WriteByte(len32Bit)
		r.Write(binary.BigEndian.AppendUint32(nil, uint32(n)))
	default:
		r.WriteByte(len64Bit)
		r.Write(binary.BigEndian.AppendUint64(nil, n))
	}
	return r
}

func (r *rawRDB) bstr(s any) *rawRDB {
	v := elemBytes(s)
	r.length(uint64(len(v)))
	r.WriteString(v)
	return r
}

// key writes a value type and a key.
func (r *rawRDB) key(typ byte, k string) *rawRDB { return r.b(typ).bstr(k) }

// textDouble writes a double as rdbSaveDoubleValue (Redis 7.0) does.
func (r *rawRDB) textDouble(v float64) *rawRDB {
	switch {
	case math.IsNaN(v):
		return r.b(253)
	case math.IsInf(v, 1):
		return r.b(254)
	case math.IsInf(v, -1):
		return r.b(255)
	}
	s := strconv.FormatFloat(v, 'g', 17, 64)
	if v == math.Trunc(v) && math.Abs(v) < 1<<52 {
		s = strconv.FormatInt(int64(v), 10)
	}
	return r.rawDouble(s)
}

// rawDouble writes the text form of a double as given.
func (r *rawRDB) rawDouble(s string) *rawRDB {
	r.WriteByte(byte(len(s)))
	r.WriteString(s)
	return r
}

// binDouble writes a double as rdbSaveBinaryDoubleValue does.
func (r *rawRDB) binDouble(v float64) *rawRDB {
	r.Write(binary.LittleEndian.AppendUint64(nil, math.Float64bits(v)))
	return r
}

// ms writes an 8-byte little-endian time (rdbSaveMillisecondTime).
func (r *rawRDB) ms(v uint64) *rawRDB {
	r.Write(binary.LittleEndian.AppendUint64(nil, v))
	return r
}

// eachDamaged calls decode with every truncation of good and every copy of
// it with a byte flipped: a decoder fails cleanly or decodes, never panics.
func eachDamaged(good []byte, decode func([]byte)) {
	for i := range good {
		decode(good[:i])
		for _, x := range []byte{0xFF, 0x01, 0x80} {
			bad := bytes.Clone(good)
			bad[i] ^= x
			decode(bad)
		}
	}
}
