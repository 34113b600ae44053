// Package listpack is Redis 7.0's listpack (listpack.c) with Redis's exact
// bytes: the compact encoding of a list's quicklist nodes (and of small
// hashes, sets and sorted sets). A listpack is a []byte:
//
//	total bytes (uint32 LE) | element count (uint16 LE, 65535 = count them)
//	entry... | 0xFF
//
// and each entry is an encoding byte (maybe followed by a length), the
// data, and the entry's length again, backwards ("backlen", 1 to 5 bytes),
// so that it can be walked both ways. An element that reads as a canonical
// decimal int64 (StringToInt64) is stored as an integer, in the smallest of
// Redis's integer encodings, whatever the caller hands over as a string:
// Redis does the same, and the bytes must match its.
//
// Entries are addressed by their byte offset in the listpack (Redis's
// element pointers): First, Last, Next, Prev and Seek return one, or -1
// when there is none.
//
// The functions that change a listpack work like append: they change it in
// place when its capacity allows and return the slice to use from then on.
// A caller sharing a listpack with a reader must copy it first. Growth
// allocates what the new size needs, rounded up by Go's allocator to its
// size class (as Redis's realloc is by jemalloc), so a listpack holds
// little unused room; one that shrank to half its capacity is reallocated.
//
// Functions other than Validate assume a well-formed listpack: one built
// by this package or accepted by Validate.
package listpack

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"sync"
	"unsafe"
)

const (
	// HeaderSize is the size of the header: total bytes and element count.
	HeaderSize = 6
	// CountUnknown in the header's count means "more than it holds".
	CountUnknown = 65535
	eof          = 0xFF
	emptySize    = HeaderSize + 1
)

// Encoding bytes (listpack.c's LP_ENCODING_*).
const (
	enc7BitUint = 0x00 // 0xxxxxxx: the value
	enc6BitStr  = 0x80 // 10llllll: length, string
	enc13BitInt = 0xC0 // 110xxxxx xxxxxxxx
	enc12BitStr = 0xE0 // 1110llll llllllll: length, string
	enc32BitStr = 0xF0 // length as uint32 LE, string
	enc16BitInt = 0xF1
	enc24BitInt = 0xF2
	enc32BitInt = 0xF3
	enc64BitInt = 0xF4
)

// New returns an empty listpack (lpNew).
func New() []byte {
	lp := make([]byte, emptySize)
	binary.LittleEndian.PutUint32(lp, emptySize)
	lp[HeaderSize] = eof
	return lp
}

// Len is the number of elements (lpLength): the header's count, or a walk
// when the header says CountUnknown. Unlike Redis, it does not write the
// count it walked back into the header: lp may be shared with readers.
func Len(lp []byte) int {
	if n := headerCount(lp); n != CountUnknown {
		return n
	}
	n := 0
	for p := First(lp); p >= 0; p = Next(lp, p) {
		n++
	}
	return n
}

func headerCount(lp []byte) int { return int(binary.LittleEndian.Uint16(lp[4:])) }

func setHeader(lp []byte, count int) {
	binary.LittleEndian.PutUint32(lp, uint32(len(lp)))
	if count >= CountUnknown {
		count = CountUnknown
	}
	binary.LittleEndian.PutUint16(lp[4:], uint16(count))
}

// addCount moves the header's count by delta, as lpInsert does: a count
// that was unknown stays unknown, one reaching 65535 becomes unknown.
func addCount(lp []byte, delta int) {
	if n := headerCount(lp); n != CountUnknown {
		setHeader(lp, n+delta)
	} else {
		setHeader(lp, CountUnknown)
	}
}

// First is the offset of the first element, or -1 if lp is empty.
func First(lp []byte) int {
	if lp[HeaderSize] == eof {
		return -1
	}
	return HeaderSize
}

// Last is the offset of the last element, or -1 if lp is empty.
func Last(lp []byte) int { return Prev(lp, len(lp)-1) }

// Next is the offset of the element after the one at p, or -1 if that
// was the last.
func Next(lp []byte, p int) int {
	p = skip(lp, p)
	if lp[p] == eof {
		return -1
	}
	return p
}

// Prev is the offset of the element before the one at p (p may be the
// terminator's offset, len(lp)-1), or -1 if there is none.
func Prev(lp []byte, p int) int {
	if p == HeaderSize {
		return -1
	}
	n := decodeBacklen(lp, p-1)
	return p - n - backlenSize(n)
}

// skip is the offset just past the entry at p, backlen included.
func skip(lp []byte, p int) int {
	n := entrySize(lp, p)
	return p + n + backlenSize(n)
}

// entrySize is the size of the entry at p without its backlen: encoding,
// length and data (lpCurrentEncodedSizeUnsafe); 0 for an invalid encoding
// byte. It reads only what the encoding byte says is there.
func entrySize(lp []byte, p int) int {
	c := lp[p]
	switch {
	case c&0x80 == enc7BitUint:
		return 1
	case c&0xC0 == enc6BitStr:
		return 1 + int(c&0x3F)
	case c&0xE0 == enc13BitInt:
		return 2
	case c&0xF0 == enc12BitStr:
		return 2 + (int(c&0x0F)<<8 | int(lp[p+1]))
	}
	switch c {
	case enc16BitInt:
		return 3
	case enc24BitInt:
		return 4
	case enc32BitInt:
		return 5
	case enc64BitInt:
		return 9
	case enc32BitStr:
		return 5 + int(binary.LittleEndian.Uint32(lp[p+1:]))
	}
	return 0
}

// backlenSize is how many bytes the backlen of an entry of n bytes takes
// (lpEncodeBacklen's thresholds, 16383 included, exactly).
func backlenSize(n int) int {
	switch {
	case n <= 127:
		return 1
	case n < 16383:
		return 2
	case n < 2097151:
		return 3
	case n < 268435455:
		return 4
	}
	return 5
}

// putBacklen writes n's backlen to dst: seven bits a byte, most
// significant first, every byte but the first with its top bit set.
func putBacklen(dst []byte, n int) {
	size := backlenSize(n)
	for i := size - 1; i > 0; i-- {
		dst[i] = byte(n&127) | 128
		n >>= 7
	}
	dst[0] = byte(n)
}

// decodeBacklen reads the backlen that ends at offset end, backwards
// (lpDecodeBacklen); -1 if it runs past five bytes or the header.
func decodeBacklen(lp []byte, end int) int {
	n, shift := 0, 0
	for p := end; p >= HeaderSize; p-- {
		n |= int(lp[p]&127) << shift
		if lp[p]&128 == 0 {
			return n
		}
		if shift += 7; shift > 28 {
			return -1
		}
	}
	return -1
}

// Value is an element: a string (Str, which aliases the listpack, never
// nil) or an integer (Int, when Str is nil). Without a flag field it is 32
// bytes, which the compiler keeps in registers: at 40 it went through the
// stack, and reading it back stalled on the store (a fifth of LRANGE's
// time).
type Value struct {
	Str []byte
	Int int64
}

// IsInt reports whether the element is an integer.
func (v Value) IsInt() bool { return v.Str == nil }

// Append appends the element as Redis replies it, integers in decimal.
func (v Value) Append(dst []byte) []byte {
	if v.IsInt() {
		return strconv.AppendInt(dst, v.Int, 10)
	}
	return append(dst, v.Str...)
}

// Equal reports whether the element is s, compared as strings (lpCompare).
func (v Value) Equal(s []byte) bool {
	if !v.IsInt() {
		return string(v.Str) == string(s)
	}
	var buf [20]byte
	return string(strconv.AppendInt(buf[:0], v.Int, 10)) == string(s)
}

// Get is the element at p (lpGet).
func Get(lp []byte, p int) Value {
	c := lp[p]
	switch {
	case c&0x80 == enc7BitUint:
		return Value{Int: int64(c)}
	case c&0xC0 == enc6BitStr:
		n := int(c & 0x3F)
		return Value{Str: lp[p+1 : p+1+n : p+1+n]}
	case c&0xE0 == enc13BitInt:
		return Value{Int: signExtend(uint64(c&0x1F)<<8|uint64(lp[p+1]), 13)}
	case c&0xF0 == enc12BitStr:
		n := int(c&0x0F)<<8 | int(lp[p+1])
		return Value{Str: lp[p+2 : p+2+n : p+2+n]}
	}
	switch c {
	case enc16BitInt:
		return Value{Int: signExtend(uint64(binary.LittleEndian.Uint16(lp[p+1:])), 16)}
	case enc24BitInt:
		u := uint64(lp[p+1]) | uint64(lp[p+2])<<8 | uint64(lp[p+3])<<16
		return Value{Int: signExtend(u, 24)}
	case enc32BitInt:
		return Value{Int: signExtend(uint64(binary.LittleEndian.Uint32(lp[p+1:])), 32)}
	case enc64BitInt:
		return Value{Int: int64(binary.LittleEndian.Uint64(lp[p+1:]))}
	case enc32BitStr:
		n := int(binary.LittleEndian.Uint32(lp[p+1:]))
		return Value{Str: lp[p+5 : p+5+n : p+5+n]}
	}
	// lpGet's answer to a bad encoding byte; Validate rejects them.
	return Value{Int: 12345678900000000 + int64(c)}
}

func signExtend(u uint64, bits uint) int64 {
	shift := 64 - bits
	return int64(u<<shift) >> shift
}

// Compare reports whether the element at p is s (lpCompare).
func Compare(lp []byte, p int, s []byte) bool { return Get(lp, p).Equal(s) }

// Seek is the offset of the element at index (negative: from the end, -1
// being the last), or -1 if out of range (lpSeek: it walks from the
// nearer end when the count is known).
func Seek(lp []byte, index int) int {
	forward := true
	if n := headerCount(lp); n != CountUnknown {
		if index < 0 {
			index += n
		}
		if index < 0 || index >= n {
			return -1
		}
		if index > n/2 {
			forward = false
			index -= n
		}
	} else if index < 0 {
		forward = false
	}
	if forward {
		p := First(lp)
		for ; index > 0 && p >= 0; index-- {
			p = Next(lp, p)
		}
		return p
	}
	p := Last(lp)
	for ; index < -1 && p >= 0; index++ {
		p = Prev(lp, p)
	}
	return p
}

// StringToInt64 parses s as Redis's lpStringToInt64 (string2ll) does: a
// decimal int64 with an optional '-', no '+', no leading zeros ("0" aside,
// "-0" refused), nothing else. The elements it accepts are stored as
// integers.
func StringToInt64(s []byte) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	if len(s) == 1 && s[0] == '0' {
		return 0, true
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
		if len(s) == 0 {
			return 0, false
		}
	}
	if s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		// At most 19 digits pass before v could overflow uint64: one more
		// is checked against it.
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v *= 10
		if v > 1<<64-1-uint64(c-'0') {
			return 0, false
		}
		v += uint64(c - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return int64(-v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// encoding is how an element is stored (lpEncodeGetType): as the integer
// n when isInt, and size, the entry's bytes without backlen.
type encoding struct {
	n     int64
	isInt bool
	size  int
}

func encodingOf(v []byte) encoding {
	if n, ok := StringToInt64(v); ok {
		return intEncoding(n)
	}
	switch {
	case len(v) < 64:
		return encoding{size: 1 + len(v)}
	case len(v) < 4096:
		return encoding{size: 2 + len(v)}
	}
	return encoding{size: 5 + len(v)}
}

// intEncoding is how the integer n is stored: the smallest encoding that
// holds it.
func intEncoding(n int64) encoding {
	e := encoding{n: n, isInt: true}
	switch {
	case n >= 0 && n <= 127:
		e.size = 1
	case n >= -4096 && n <= 4095:
		e.size = 2
	case n >= -32768 && n <= 32767:
		e.size = 3
	case n >= -8388608 && n <= 8388607:
		e.size = 4
	case n >= -2147483648 && n <= 2147483647:
		e.size = 5
	default:
		e.size = 9
	}
	return e
}

// total is the entry's size with its backlen.
func (e encoding) total() int { return e.size + backlenSize(e.size) }

// put writes the entry for v, backlen included, at the start of dst.
func (e encoding) put(dst, v []byte) {
	if e.isInt {
		u := uint64(e.n)
		switch e.size {
		case 1:
			dst[0] = byte(u)
		case 2:
			dst[0] = enc13BitInt | byte(u>>8)&0x1F
			dst[1] = byte(u)
		case 3:
			dst[0] = enc16BitInt
			binary.LittleEndian.PutUint16(dst[1:], uint16(u))
		case 4:
			dst[0] = enc24BitInt
			dst[1], dst[2], dst[3] = byte(u), byte(u>>8), byte(u>>16)
		case 5:
			dst[0] = enc32BitInt
			binary.LittleEndian.PutUint32(dst[1:], uint32(u))
		default:
			dst[0] = enc64BitInt
			binary.LittleEndian.PutUint64(dst[1:], u)
		}
	} else {
		switch n := len(v); {
		case n < 64:
			dst[0] = enc6BitStr | byte(n)
			copy(dst[1:], v)
		case n < 4096:
			dst[0] = enc12BitStr | byte(n>>8)
			dst[1] = byte(n)
			copy(dst[2:], v)
		default:
			dst[0] = enc32BitStr
			binary.LittleEndian.PutUint32(dst[1:], uint32(n))
			copy(dst[5:], v)
		}
	}
	putBacklen(dst[e.size:], e.size)
}

// resize returns lp with length n, its first min(n, len(lp)) bytes kept:
// in place when the capacity allows (and, when shrinking, when the
// capacity is not twice what is needed), else in a new array.
func resize(lp []byte, n int) []byte {
	if n <= cap(lp) && (n >= len(lp) || n > cap(lp)/2 || cap(lp) <= 64) {
		return lp[:n]
	}
	// Appending to nil allocates n rounded up to the size class, as
	// realloc would, and not the doubling appending to lp would ask for.
	nb := append([]byte(nil), make([]byte, n)...)
	copy(nb, lp[:min(n, len(lp))])
	return nb
}

// Grow is realloc for a listpack about to take extra more bytes: lp
// itself when its capacity allows, else a copy, and then lp's array is
// kept for a later Grow to reuse, so lp must be the caller's alone. Past
// growFrom bytes the copy's capacity is at least twice lp's length, up to
// limit (a quicklist node's size limit), rounded up to a power of two, so
// filling a node by pushes copies it a few times rather than once per
// push; smaller listpacks (most lists and hashes stay small) get what
// they need, rounded up to the size class.
func Grow(lp []byte, extra, limit int) []byte {
	need := len(lp) + extra
	if need <= cap(lp) {
		return lp
	}
	var nb []byte
	if len(lp) >= growFrom {
		nb = spareArray(max(need, min(2*len(lp), limit)))
	} else {
		nb = append([]byte(nil), make([]byte, need)...)[:0]
	}
	nb = append(nb, lp...)
	Recycle(lp)
	return nb
}

// growFrom is the length from which Grow doubles.
const growFrom = 256

// Arrays Grow left, and those of deleted quicklist nodes, are reused by
// the next Grow: a recently freed array is still in the CPU's cache and
// costs only the copy, where a fresh one costs zeroing cold memory and,
// through the GC, faulting pages in again — a third of pushing 1 KiB
// elements, and most of its p99, without reuse. The arrays kept are
// powers of two from minSpare to 64 KiB (the largest node), one pool
// each; sync.Pool drops what stays unused over two collections.
const minSpare = 512

var spares [8]sync.Pool // minSpare << i; unsafe.Pointer to the array's start

// spareClass is the pool of arrays of n bytes or more, -1 if none.
func spareClass(n int) int {
	k := bits.Len(uint(max(n, minSpare)-1)) - bits.Len(minSpare-1)
	if k >= len(spares) {
		return -1
	}
	return k
}

// spareArray is an empty slice of capacity at least n, from the pools
// when they have one.
func spareArray(n int) []byte {
	k := spareClass(n)
	if k < 0 {
		return make([]byte, 0, n)
	}
	if p, _ := spares[k].Get().(unsafe.Pointer); p != nil {
		return unsafe.Slice((*byte)(p), minSpare<<k)[:0]
	}
	return make([]byte, 0, minSpare<<k)
}

// Recycle keeps b's array for Grow, if its capacity is one the pools
// keep (a smaller array must never pass for a larger one); b must be the
// caller's alone, and unused after.
func Recycle(b []byte) {
	if k := spareClass(cap(b)); k >= 0 && cap(b) == minSpare<<k {
		spares[k].Put(unsafe.Pointer(unsafe.SliceData(b)))
	}
}

// splice replaces lp[p:p+del] with room for ins bytes, which it returns
// unwritten, and updates the header's total (not its count).
func splice(lp []byte, p, del, ins int) []byte {
	old := len(lp)
	n := old - del + ins
	if ins > del {
		lp = resize(lp, n)
		copy(lp[p+ins:], lp[p+del:old])
	} else {
		copy(lp[p+ins:], lp[p+del:old])
		lp = resize(lp, n)
	}
	binary.LittleEndian.PutUint32(lp, uint32(n))
	return lp
}

// Insert inserts v before the element at p, or after it if after is set;
// p may be the terminator's offset (len(lp)-1) to append. It returns the
// listpack and the new element's offset (lpInsertString).
func Insert(lp []byte, p int, v []byte, after bool) ([]byte, int) {
	if after {
		p = skip(lp, p)
	}
	e := encodingOf(v)
	lp = splice(lp, p, 0, e.total())
	e.put(lp[p:], v)
	addCount(lp, 1)
	return lp, p
}

// Append appends v (lpAppend).
func Append(lp, v []byte) []byte {
	lp, _ = Insert(lp, len(lp)-1, v, false)
	return lp
}

// AppendInt appends the integer n (lpAppendInteger): Append of its
// decimal form, without formatting it.
func AppendInt(lp []byte, n int64) []byte {
	e := intEncoding(n)
	p := len(lp) - 1
	lp = splice(lp, p, 0, e.total())
	e.put(lp[p:], nil)
	addCount(lp, 1)
	return lp
}

// ReplaceInt replaces the element at p with the integer n
// (lpReplaceInteger).
func ReplaceInt(lp []byte, p int, n int64) []byte {
	e := intEncoding(n)
	lp = splice(lp, p, skip(lp, p)-p, e.total())
	e.put(lp[p:], nil)
	return lp
}

// Prepend inserts v before the first element (lpPrepend).
func Prepend(lp, v []byte) []byte {
	lp, _ = Insert(lp, HeaderSize, v, false)
	return lp
}

// Replace replaces the element at p with v (lpReplace).
func Replace(lp []byte, p int, v []byte) []byte {
	e := encodingOf(v)
	lp = splice(lp, p, skip(lp, p)-p, e.total())
	e.put(lp[p:], v)
	return lp
}

// Delete deletes the element at p and returns the listpack and the offset
// of the element that followed, or -1 if it was the last (lpDelete).
func Delete(lp []byte, p int) ([]byte, int) {
	lp = splice(lp, p, skip(lp, p)-p, 0)
	addCount(lp, -1)
	if lp[p] == eof {
		return lp, -1
	}
	return lp, p
}

// DeleteRange deletes num elements from index on (negative: from the end),
// fewer if the listpack ends first (lpDeleteRange; num < 0 means all).
func DeleteRange(lp []byte, index, num int) []byte {
	n := Len(lp)
	p := Seek(lp, index)
	if p < 0 || num == 0 {
		return lp
	}
	if index < 0 {
		index += n
	}
	end := len(lp) - 1
	if num > 0 && n-index > num {
		end = p
		for range num {
			end = skip(lp, end)
		}
		n -= num
	} else {
		n = index
	}
	lp = splice(lp, p, end-p, 0)
	setHeader(lp, n)
	return lp
}

// DeleteFunc deletes, in one pass, the elements for whose offset del
// returns true (called in order from the first) and returns the listpack
// and how many it deleted: the bytes of as many lpDelete calls.
func DeleteFunc(lp []byte, del func(p int) bool) ([]byte, int) {
	w, deleted := HeaderSize, 0
	for p := HeaderSize; lp[p] != eof; {
		next := skip(lp, p)
		if del(p) {
			deleted++
		} else {
			w += copy(lp[w:], lp[p:next])
		}
		p = next
	}
	if deleted == 0 {
		return lp, 0
	}
	lp[w] = eof
	lp = resize(lp, w+1)
	binary.LittleEndian.PutUint32(lp, uint32(len(lp)))
	addCount(lp, -deleted)
	return lp, deleted
}

// Merge returns a listpack of a's elements then b's (lpMerge). It reuses
// (changes in place, when it has the room) a if it has at least as many
// elements as b, else b; neither may be used afterwards.
func Merge(a, b []byte) []byte {
	na, nb := Len(a), Len(b)
	if na >= nb {
		p := len(a) - 1
		a = splice(a, p, 1, len(b)-HeaderSize)
		copy(a[p:], b[HeaderSize:])
		setHeader(a, na+nb)
		return a
	}
	b = splice(b, HeaderSize, 0, len(a)-emptySize)
	copy(b[HeaderSize:], a[HeaderSize:len(a)-1])
	setHeader(b, na+nb)
	return b
}

// Build returns a listpack of elems, in order.
func Build(elems ...[]byte) []byte {
	size := emptySize
	for _, v := range elems {
		size += encodingOf(v).total()
	}
	lp := make([]byte, size)
	p := HeaderSize
	for _, v := range elems {
		e := encodingOf(v)
		e.put(lp[p:], v)
		p += e.total()
	}
	lp[p] = eof
	setHeader(lp, len(elems))
	return lp
}

// ErrInvalid is what Validate reports, wrapped with the reason.
var ErrInvalid = errors.New("invalid listpack")

// Validate checks that lp is a well-formed listpack, entry by entry
// (lpValidateIntegrity with deep set): the header's total matches len(lp),
// every entry's encoding is known and its data and backlen fit, the
// backlen is the entry's size as Redis encodes it, the terminator is the
// last byte and the only one, and the count (unless unknown) is right. It
// is stricter than Redis in two ways that only bytes Redis never writes
// can tell: bytes after an early terminator, and backlens other than
// lpEncodeBacklen's (which lpValidateNext lets through when they decode to
// the same length). It returns the number of elements.
func Validate(lp []byte) (int, error) {
	if len(lp) < emptySize {
		return 0, fmt.Errorf("%w: %d bytes, shorter than a header and terminator", ErrInvalid, len(lp))
	}
	if total := binary.LittleEndian.Uint32(lp); uint64(total) != uint64(len(lp)) {
		return 0, fmt.Errorf("%w: header says %d bytes, has %d", ErrInvalid, total, len(lp))
	}
	end := len(lp) - 1
	if lp[end] != eof {
		return 0, fmt.Errorf("%w: no terminator", ErrInvalid)
	}
	count := 0
	var backlen [5]byte
	for p := HeaderSize; p < end; count++ {
		// The encoding's own length bytes must fit before the terminator.
		var head int
		switch c := lp[p]; {
		case c == eof:
			return 0, fmt.Errorf("%w: terminator at offset %d of %d", ErrInvalid, p, len(lp))
		case c&0xF0 == enc12BitStr:
			head = 2
		case c == enc32BitStr:
			head = 5
		case c >= 0xF5:
			return 0, fmt.Errorf("%w: unknown encoding %#x at offset %d", ErrInvalid, c, p)
		default:
			head = 1
		}
		if p+head > end {
			return 0, fmt.Errorf("%w: entry at offset %d runs past the end", ErrInvalid, p)
		}
		size := entrySize(lp, p)
		bl := backlenSize(size)
		if size > end-p || bl > end-p-size {
			return 0, fmt.Errorf("%w: entry at offset %d runs past the end", ErrInvalid, p)
		}
		putBacklen(backlen[:], size)
		if string(lp[p+size:p+size+bl]) != string(backlen[:bl]) {
			return 0, fmt.Errorf("%w: entry at offset %d has a bad backlen", ErrInvalid, p)
		}
		p += size + bl
	}
	if n := headerCount(lp); n != CountUnknown && n != count {
		return 0, fmt.Errorf("%w: header says %d elements, has %d", ErrInvalid, n, count)
	}
	return count, nil
}
