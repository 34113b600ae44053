package stream

import (
	"cmp"
	"encoding/binary"
	"math"
	"strconv"
)

// ID is a stream entry ID, <ms>-<seq> (streamID).
type ID struct {
	Ms, Seq uint64
}

// MaxID is the greatest ID, 18446744073709551615-18446744073709551615.
var MaxID = ID{math.MaxUint64, math.MaxUint64}

// Compare returns -1, 0 or 1 as id is less than, equal to or greater than o
// (streamCompareID).
func (id ID) Compare(o ID) int {
	if c := cmp.Compare(id.Ms, o.Ms); c != 0 {
		return c
	}
	return cmp.Compare(id.Seq, o.Seq)
}

// Less reports whether id sorts before o.
func (id ID) Less(o ID) bool { return id.Ms < o.Ms || id.Ms == o.Ms && id.Seq < o.Seq }

// IsZero reports whether id is 0-0.
func (id ID) IsZero() bool { return id == ID{} }

// Incr is the ID right after id, false when id is MaxID (streamIncrID).
func (id ID) Incr() (ID, bool) {
	switch {
	case id.Seq < math.MaxUint64:
		return ID{id.Ms, id.Seq + 1}, true
	case id.Ms < math.MaxUint64:
		return ID{id.Ms + 1, 0}, true
	}
	return id, false
}

// Decr is the ID right before id, false when id is 0-0 (streamDecrID).
func (id ID) Decr() (ID, bool) {
	switch {
	case id.Seq > 0:
		return ID{id.Ms, id.Seq - 1}, true
	case id.Ms > 0:
		return ID{id.Ms - 1, math.MaxUint64}, true
	}
	return id, false
}

// Append appends "<ms>-<seq>".
func (id ID) Append(dst []byte) []byte {
	dst = strconv.AppendUint(dst, id.Ms, 10)
	dst = append(dst, '-')
	return strconv.AppendUint(dst, id.Seq, 10)
}

func (id ID) String() string { return string(id.Append(nil)) }

// Key is the 128-bit big-endian form Redis keys its radix trees with
// (streamEncodeID): byte order is ID order.
func (id ID) Key() [16]byte {
	var k [16]byte
	binary.BigEndian.PutUint64(k[:], id.Ms)
	binary.BigEndian.PutUint64(k[8:], id.Seq)
	return k
}

// IDFromKey decodes Key's form (streamDecodeID).
func IDFromKey(k []byte) ID {
	return ID{binary.BigEndian.Uint64(k), binary.BigEndian.Uint64(k[8:])}
}
