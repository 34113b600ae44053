package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// Intsets (Redis's intset.c), the encoding of small sets of integers: the
// width of every element in bytes (uint32: 2, 4 or 8), the element count
// (uint32), then the elements in ascending order, all little-endian.

var errIntset = errors.New("invalid intset")

// isDecode validates an intset as intsetValidateIntegrity does with deep
// validation (ascending, hence no duplicates) and returns its members in
// decimal.
func isDecode(b []byte) ([][]byte, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%w: %d bytes is shorter than the header", errIntset, len(b))
	}
	width := binary.LittleEndian.Uint32(b)
	if width != 2 && width != 4 && width != 8 {
		return nil, fmt.Errorf("%w: element width %d, not 2, 4 or 8", errIntset, width)
	}
	count := binary.LittleEndian.Uint32(b[4:])
	// 64-bit arithmetic: count*width cannot overflow.
	if 8+uint64(count)*uint64(width) != uint64(len(b)) {
		return nil, fmt.Errorf("%w: %d elements of %d bytes do not fill %d bytes", errIntset, count, width, len(b))
	}
	if count == 0 {
		return nil, fmt.Errorf("%w: empty", errIntset)
	}
	members := make([][]byte, count) // bounded: the bytes are present
	var prev int64
	for i := range members {
		v := isGet(b[8:], int(width), i)
		if i > 0 && v <= prev {
			return nil, fmt.Errorf("%w: element %d (%d) not above the previous one (%d)", errIntset, i, v, prev)
		}
		members[i] = strconv.AppendInt(nil, v, 10)
		prev = v
	}
	return members, nil
}

// isGet returns element i of the contents of an intset of the given width.
func isGet(contents []byte, width, i int) int64 {
	p := contents[i*width:]
	switch width {
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(p)))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(p)))
	}
	return int64(binary.LittleEndian.Uint64(p))
}
