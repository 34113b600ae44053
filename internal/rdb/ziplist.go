package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Ziplists (Redis's ziplist.c), the compact encoding of small lists,
// hashes and sorted sets before listpacks replaced them in Redis 7.0: a
// 10-byte header (total bytes, uint32; offset of the last entry, uint32;
// entry count, uint16, 65535 meaning "count them"), the entries, and a
// 0xFF terminator. Each entry is the previous entry's size (1 byte, or 0xFE
// and a uint32), an encoding, and the data. All little-endian, except
// string lengths, which are big-endian.

var errZiplist = errors.New("invalid ziplist")

const (
	zlHeaderSize = 10
	zlEnd        = 0xFF
	zlBigPrevlen = 0xFE // prevlen byte announcing a 4-byte prevlen
)

// zlDecode validates a ziplist as ziplistValidateIntegrity does with deep
// validation and returns its entries. Strings alias b.
func zlDecode(b []byte) ([]lpEntry, error) {
	if len(b) < zlHeaderSize+1 {
		return nil, fmt.Errorf("%w: %d bytes is shorter than the header", errZiplist, len(b))
	}
	if n := binary.LittleEndian.Uint32(b); uint64(n) != uint64(len(b)) {
		return nil, fmt.Errorf("%w: header says %d bytes, blob has %d", errZiplist, n, len(b))
	}
	last := len(b) - 1 // offset of the terminator
	if b[last] != zlEnd {
		return nil, fmt.Errorf("%w: no 0xFF terminator", errZiplist)
	}
	tail := binary.LittleEndian.Uint32(b[4:])
	if uint64(tail) > uint64(last) {
		return nil, fmt.Errorf("%w: tail offset %d beyond the end", errZiplist, tail)
	}
	count := int(binary.LittleEndian.Uint16(b[8:]))

	// Every entry takes at least 2 bytes, which bounds the allocation.
	entries := make([]lpEntry, 0, min(count, (len(b)-zlHeaderSize)/2))
	p, prev, prevSize := zlHeaderSize, -1, 0
	for b[p] != zlEnd {
		e, prevlen, size, err := zlEntryAt(b[:last], p)
		if err != nil {
			return nil, err
		}
		if prevlen != prevSize {
			return nil, fmt.Errorf("%w: entry at %d says the previous entry has %d bytes, it has %d",
				errZiplist, p, prevlen, prevSize)
		}
		entries = append(entries, e)
		prev, prevSize = p, size
		p += size
	}
	if p != last {
		return nil, fmt.Errorf("%w: 0xFF at %d before the end", errZiplist, p)
	}
	if prev >= 0 && uint64(prev) != uint64(tail) {
		return nil, fmt.Errorf("%w: tail offset %d, last entry at %d", errZiplist, tail, prev)
	}
	if count != 65535 && count != len(entries) {
		return nil, fmt.Errorf("%w: header says %d entries, found %d", errZiplist, count, len(entries))
	}
	return entries, nil
}

// zlEntryAt decodes the entry at offset p of body (the ziplist without its
// terminator, so that no entry can run into it) and returns the entry, the
// previous entry's size it records, and its own size.
func zlEntryAt(body []byte, p int) (e lpEntry, prevlen, size int, err error) {
	bad := func(why string) (lpEntry, int, int, error) {
		return lpEntry{}, 0, 0, fmt.Errorf("%w: entry at %d: %s", errZiplist, p, why)
	}
	b := body[p:]
	hdr := 1
	prevlen = int(b[0])
	if b[0] == zlBigPrevlen {
		if len(b) < 5 {
			return bad("truncated prevlen")
		}
		hdr = 5
		prevlen = int(binary.LittleEndian.Uint32(b[1:]))
	}
	if len(b) <= hdr {
		return bad("truncated encoding")
	}
	c := b[hdr]
	// need checks that n more bytes (header and data) are inside the body.
	need := func(n int) bool { return n <= len(b) }
	str := func(lensize, n int) (lpEntry, int, int, error) {
		start := hdr + lensize
		if !need(start) || n > len(b)-start {
			return bad(fmt.Sprintf("string of %d bytes runs past the end", n))
		}
		return lpEntry{str: b[start : start+n : start+n]}, prevlen, start + n, nil
	}
	num := func(n int) (lpEntry, int, int, error) {
		start := hdr + 1
		if !need(start + n) {
			return bad("truncated integer")
		}
		var u uint64
		for i := n - 1; i >= 0; i-- {
			u = u<<8 | uint64(b[start+i])
		}
		shift := 64 - 8*uint(n)
		return lpEntry{num: int64(u<<shift) >> shift, isInt: true}, prevlen, start + n, nil
	}
	switch {
	case c>>6 == 0: // 00pppppp: string of up to 63 bytes
		return str(1, int(c&0x3F))
	case c>>6 == 1: // 01pppppp qqqqqqqq: 14-bit length, big-endian
		if !need(hdr + 2) {
			return bad("truncated string length")
		}
		return str(2, int(c&0x3F)<<8|int(b[hdr+1]))
	case c>>6 == 2: // 10______ + 4 bytes: 32-bit length, big-endian
		if !need(hdr + 5) {
			return bad("truncated string length")
		}
		return str(5, int(binary.BigEndian.Uint32(b[hdr+1:])))
	case c == 0xC0:
		return num(2)
	case c == 0xD0:
		return num(4)
	case c == 0xE0:
		return num(8)
	case c == 0xF0:
		return num(3)
	case c == 0xFE:
		return num(1)
	case c >= 0xF1 && c <= 0xFD: // immediate 0..12, stored plus one
		return lpEntry{num: int64(c&0x0F) - 1, isInt: true}, prevlen, hdr + 1, nil
	}
	return bad(fmt.Sprintf("unknown encoding 0x%02x", c))
}
