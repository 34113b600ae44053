package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Zipmaps (Redis's zipmap.c), the encoding of small hashes up to Redis 2.4:
// an entry count (1 byte, 254 meaning "count them"), then per entry the
// field's length, the field, the value's length, a count of unused bytes
// after the value ("free"), the value and the unused bytes; then 0xFF.
// Lengths are 1 byte below 254, otherwise 0xFE (or 0xFF for a value) and a
// little-endian uint32.

var errZipmap = errors.New("invalid zipmap")

const (
	zmBigLen = 254
	zmEnd    = 0xFF
)

// zmDecode validates a zipmap as zipmapValidateIntegrity does with deep
// validation and returns its field/value pairs. Slices alias b.
func zmDecode(b []byte) ([]HashField, error) {
	if len(b) < 2 || b[len(b)-1] != zmEnd {
		return nil, fmt.Errorf("%w: no 0xFF terminator", errZipmap)
	}
	last := len(b) - 1
	var fields []HashField
	p := 1
	for b[p] != zmEnd {
		field, next, err := zmString(b, p, false)
		if err != nil {
			return nil, err
		}
		value, next, err := zmString(b, next, true)
		if err != nil {
			return nil, err
		}
		fields = append(fields, HashField{Field: field, Value: value})
		p = next
	}
	if p != last {
		return nil, fmt.Errorf("%w: 0xFF at %d before the end", errZipmap, p)
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("%w: empty", errZipmap)
	}
	if b[0] != zmBigLen && int(b[0]) != len(fields) {
		return nil, fmt.Errorf("%w: header says %d entries, found %d", errZipmap, b[0], len(fields))
	}
	return fields, nil
}

// zmString decodes the length-prefixed string at p (a value also has its
// free byte and trailing unused bytes) and returns it and the offset after
// it, which must stay before the terminator.
func zmString(b []byte, p int, isValue bool) (s []byte, next int, err error) {
	last := len(b) - 1
	n, size := int(b[p]), 1
	if b[p] >= zmBigLen {
		size = 5
		if p+size > last {
			return nil, 0, fmt.Errorf("%w: truncated length at %d", errZipmap, p)
		}
		n = int(binary.LittleEndian.Uint32(b[p+1:]))
		// zipmapNext skips ZIPMAP_LEN_BYTES(n), not the bytes used: only
		// the shortest length encoding is read back consistently.
		if n < zmBigLen {
			return nil, 0, fmt.Errorf("%w: length %d at %d in 5 bytes", errZipmap, n, p)
		}
	}
	p += size
	free := 0
	if isValue {
		if p >= last {
			return nil, 0, fmt.Errorf("%w: truncated free byte at %d", errZipmap, p)
		}
		free = int(b[p])
		p++
	}
	if n > last-p || free > last-p-n {
		return nil, 0, fmt.Errorf("%w: string of %d bytes at %d runs past the end", errZipmap, n, p)
	}
	return b[p : p+n : p+n], p + n + free, nil
}
