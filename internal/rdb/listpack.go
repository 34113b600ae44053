package rdb

import (
	"encoding/binary"
	"errors"
	"strconv"
)

// Listpacks (Redis's listpack.c), the compact encoding of small hashes,
// sets, sorted sets and list nodes, and of stream entries: a 6-byte header
// (total bytes, uint32; element count, uint16, 65535 meaning "count them"),
// the elements, and a 0xFF terminator. Each element is an encoding byte
// (and maybe more), its data, and its length again, backwards ("backlen"),
// in 1 to 5 bytes.

var errListpack = errors.New("invalid listpack")

// lpEntry is one listpack element: an integer (isInt) or a string.
type lpEntry struct {
	str   []byte
	num   int64
	isInt bool
}

// bytes is the element as Redis returns it: integers in decimal.
func (e lpEntry) bytes() []byte {
	if e.isInt {
		return strconv.AppendInt(nil, e.num, 10)
	}
	return e.str
}

// lpDecode validates a listpack and returns its elements. Strings alias b.
func lpDecode(b []byte) ([]lpEntry, error) { return lpDecodeAppend(nil, b) }

// lpDecodeAppend is lpDecode appending to entries (a stream's nodes reuse
// one slice).
func lpDecodeAppend(entries []lpEntry, b []byte) ([]lpEntry, error) {
	if len(b) < 7 || int(binary.LittleEndian.Uint32(b)) != len(b) || b[len(b)-1] != 0xFF {
		return nil, errListpack
	}
	count := int(binary.LittleEndian.Uint16(b[4:]))
	if count != 65535 && (entries == nil || cap(entries)-len(entries) < count) {
		entries = append(make([]lpEntry, 0, len(entries)+min(count, len(b))), entries...)
	}
	start := len(entries)
	p := 6
	for p < len(b)-1 {
		e, size, err := lpEntryAt(b[p : len(b)-1])
		if err != nil {
			return nil, err
		}
		back := lpBacklenSize(size)
		if p+size+back > len(b)-1 || lpBacklen(b[p+size:p+size+back]) != size {
			return nil, errListpack
		}
		entries = append(entries, e)
		p += size + back
	}
	if count != 65535 && count != len(entries)-start {
		return nil, errListpack
	}
	return entries, nil
}

// lpEntryAt decodes the element at the start of b and returns its size
// without the backlen.
func lpEntryAt(b []byte) (e lpEntry, size int, err error) {
	if len(b) == 0 {
		return e, 0, errListpack
	}
	c := b[0]
	str := func(hdr, n int) (lpEntry, int, error) {
		if n < 0 || hdr+n > len(b) {
			return lpEntry{}, 0, errListpack
		}
		return lpEntry{str: b[hdr : hdr+n : hdr+n]}, hdr + n, nil
	}
	num := func(n int) (lpEntry, int, error) {
		if 1+n > len(b) {
			return lpEntry{}, 0, errListpack
		}
		var u uint64
		for i := n; i >= 1; i-- {
			u = u<<8 | uint64(b[i])
		}
		shift := 64 - 8*uint(n)
		return lpEntry{num: int64(u<<shift) >> shift, isInt: true}, 1 + n, nil
	}
	switch {
	case c&0x80 == 0: // 0xxxxxxx: 7-bit unsigned
		return lpEntry{num: int64(c), isInt: true}, 1, nil
	case c&0xC0 == 0x80: // 10xxxxxx: string of up to 63 bytes
		return str(1, int(c&0x3F))
	case c&0xE0 == 0xC0: // 110xxxxx yyyyyyyy: 13-bit signed
		if len(b) < 2 {
			return e, 0, errListpack
		}
		v := int64(c&0x1F)<<8 | int64(b[1])
		if v >= 1<<12 {
			v -= 1 << 13
		}
		return lpEntry{num: v, isInt: true}, 2, nil
	case c&0xF0 == 0xE0: // 1110xxxx yyyyyyyy: string of up to 4095 bytes
		if len(b) < 2 {
			return e, 0, errListpack
		}
		return str(2, int(c&0x0F)<<8|int(b[1]))
	case c == 0xF0: // 32-bit string length
		if len(b) < 5 {
			return e, 0, errListpack
		}
		return str(5, int(binary.LittleEndian.Uint32(b[1:])))
	case c == 0xF1:
		return num(2)
	case c == 0xF2:
		return num(3)
	case c == 0xF3:
		return num(4)
	case c == 0xF4:
		return num(8)
	}
	return e, 0, errListpack
}

// lpBacklenSize is how many bytes encode an element length of n.
func lpBacklenSize(n int) int {
	switch {
	case n < 128:
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

// lpBacklen decodes a backlen: 7 bits per byte, most significant first,
// every byte but the first (which is read last) with its top bit set.
func lpBacklen(b []byte) int {
	n := 0
	for i, c := range b {
		if (i == 0) == (c&0x80 != 0) {
			return -1
		}
		n = n<<7 | int(c&0x7F)
	}
	return n
}
