// Package intset is Redis 7.0's intset (intset.c) with Redis's exact
// bytes: the encoding of a small set whose members are all integers, which
// RDB files (RDB_TYPE_SET_INTSET) and DUMP payloads carry verbatim. An
// intset is a []byte:
//
//	encoding (uint32 LE: 2, 4 or 8, the bytes of every element)
//	length (uint32 LE) | elements (little-endian, ascending, unique)
//
// Every element takes the width of the widest value the set has held:
// adding one that needs more rewrites them all (an upgrade), and removing
// it does not narrow them back. Redis does the same, and the bytes must
// match its.
//
// Members are integers here; parsing a member as one (Redis's string2ll)
// is the caller's job, with listpack.StringToInt64.
//
// The functions that change an intset work like append: they change it in
// place when its capacity allows and return the slice to use from then on.
// A caller sharing an intset with a reader must copy it first. Growth
// allocates what the new size needs, rounded up by Go's allocator to its
// size class (as Redis's realloc is by jemalloc), so an intset holds
// little unused room; one that shrank to half its capacity is reallocated.
//
// Functions other than Validate assume a well-formed intset: one built by
// this package or accepted by Validate.
package intset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

const headerSize = 8 // encoding and length

// Element widths (intset.c's INTSET_ENC_*), which are also the encodings.
const (
	enc16 = 2
	enc32 = 4
	enc64 = 8
)

// New returns an empty intset of 16-bit elements (intsetNew).
func New() []byte {
	is := make([]byte, headerSize)
	binary.LittleEndian.PutUint32(is, enc16)
	return is
}

// Encoding is the bytes each element takes: 2, 4 or 8.
func Encoding(is []byte) int { return int(binary.LittleEndian.Uint32(is)) }

// Len is the number of elements (intsetLen).
func Len(is []byte) int { return int(binary.LittleEndian.Uint32(is[4:])) }

func setLen(is []byte, n int) { binary.LittleEndian.PutUint32(is[4:], uint32(n)) }

// valueEncoding is the narrowest width that holds v
// (_intsetValueEncoding).
func valueEncoding(v int64) int {
	switch {
	case v < math.MinInt32 || v > math.MaxInt32:
		return enc64
	case v < math.MinInt16 || v > math.MaxInt16:
		return enc32
	}
	return enc16
}

// getEncoded reads element i as if the elements were enc bytes wide
// (_intsetGetEncoded): an upgrade reads the old width out of an intset
// whose header already says the new one.
func getEncoded(is []byte, i, enc int) int64 {
	p := is[headerSize+i*enc:]
	switch enc {
	case enc64:
		return int64(binary.LittleEndian.Uint64(p))
	case enc32:
		return int64(int32(binary.LittleEndian.Uint32(p)))
	}
	return int64(int16(binary.LittleEndian.Uint16(p)))
}

// setEncoded writes element i, enc bytes wide (_intsetSet).
func setEncoded(is []byte, i, enc int, v int64) {
	p := is[headerSize+i*enc:]
	switch enc {
	case enc64:
		binary.LittleEndian.PutUint64(p, uint64(v))
	case enc32:
		binary.LittleEndian.PutUint32(p, uint32(v))
	default:
		binary.LittleEndian.PutUint16(p, uint16(v))
	}
}

// Get is element i, 0 <= i < Len(is) (intsetGet). It panics when i is
// out of range, rather than read the header as an element.
func Get(is []byte, i int) int64 {
	if uint(i) >= uint(Len(is)) {
		panic(fmt.Sprintf("intset: index %d out of range [0, %d)", i, Len(is)))
	}
	return getEncoded(is, i, Encoding(is))
}

// Search is where v is, or where it would go to keep the elements
// ascending (intsetSearch's binary search).
func Search(is []byte, v int64) (pos int, found bool) {
	n, enc := Len(is), Encoding(is)
	if n == 0 {
		return 0, false
	}
	// Values beyond either end, as a set filled in order adds, need no
	// search.
	if v > getEncoded(is, n-1, enc) {
		return n, false
	}
	if v < getEncoded(is, 0, enc) {
		return 0, false
	}
	lo, hi := 0, n-1
	for lo <= hi {
		mid := int(uint(lo+hi) >> 1)
		switch cur := getEncoded(is, mid, enc); {
		case v > cur:
			lo = mid + 1
		case v < cur:
			hi = mid - 1
		default:
			return mid, true
		}
	}
	return lo, false
}

// Find reports whether v is an element (intsetFind).
func Find(is []byte, v int64) bool {
	// A value wider than the elements cannot be one of them.
	if valueEncoding(v) > Encoding(is) {
		return false
	}
	_, found := Search(is, v)
	return found
}

// Add adds v and reports whether it was not there yet (intsetAdd). A v
// wider than the elements upgrades them all to its width
// (intsetUpgradeAndAdd).
func Add(is []byte, v int64) ([]byte, bool) {
	enc := Encoding(is)
	if valueEncoding(v) > enc {
		return upgradeAndAdd(is, v), true
	}
	pos, found := Search(is, v)
	if found {
		return is, false
	}
	n := Len(is)
	is = resize(is, headerSize+(n+1)*enc)
	copy(is[headerSize+(pos+1)*enc:], is[headerSize+pos*enc:headerSize+n*enc])
	setEncoded(is, pos, enc, v)
	setLen(is, n+1)
	return is, true
}

// upgradeAndAdd widens every element to v's width and adds v, which,
// being wider than all of them, is below them all if negative, else above
// (intsetUpgradeAndAdd).
func upgradeAndAdd(is []byte, v int64) []byte {
	oldEnc, newEnc, n := Encoding(is), valueEncoding(v), Len(is)
	prepend := 0
	if v < 0 {
		prepend = 1
	}
	is = resize(is, headerSize+(n+1)*newEnc)
	// Last first: element i's new place starts at or after the end of
	// the old places of those before it, so each is read before a wider
	// write reaches it.
	for i := n - 1; i >= 0; i-- {
		setEncoded(is, i+prepend, newEnc, getEncoded(is, i, oldEnc))
	}
	if prepend == 1 {
		setEncoded(is, 0, newEnc, v)
	} else {
		setEncoded(is, n, newEnc, v)
	}
	binary.LittleEndian.PutUint32(is, uint32(newEnc))
	setLen(is, n+1)
	return is
}

// Remove removes v and reports whether it was there (intsetRemove). The
// elements keep their width, even when the widest value goes.
func Remove(is []byte, v int64) ([]byte, bool) {
	enc := Encoding(is)
	if valueEncoding(v) > enc {
		return is, false
	}
	pos, found := Search(is, v)
	if !found {
		return is, false
	}
	n := Len(is)
	copy(is[headerSize+pos*enc:], is[headerSize+(pos+1)*enc:headerSize+n*enc])
	is = resize(is, headerSize+(n-1)*enc)
	setLen(is, n-1)
	return is, true
}

// Random is an element drawn uniformly with rng (intsetRandom); is must
// not be empty (Redis asserts it is not).
func Random(is []byte, rng *rand.Rand) int64 {
	return Get(is, rng.IntN(Len(is)))
}

// resize returns is with length n, its first min(n, len(is)) bytes kept:
// in place when the capacity allows (and, when shrinking, when the
// capacity is not twice what is needed), else in a new array. It is
// listpack's resize, for the same realloc.
func resize(is []byte, n int) []byte {
	if n <= cap(is) && (n >= len(is) || n > cap(is)/2 || cap(is) <= 64) {
		return is[:n]
	}
	// Appending to nil allocates n rounded up to the size class, as
	// realloc would, and not the doubling appending to is would ask for.
	nb := append([]byte(nil), make([]byte, n)...)
	copy(nb, is[:min(n, len(is))])
	return nb
}

// ErrInvalid is what Validate reports, wrapped with the reason.
var ErrInvalid = errors.New("invalid intset")

// Validate checks that is is a well-formed intset, element by element
// (intsetValidateIntegrity with deep set): the encoding is 2, 4 or 8, the
// length fills the rest of is exactly, and the elements ascend strictly.
// Like Redis, it refuses an empty intset, which no RDB file or DUMP holds
// (an empty set is no key). It returns the number of elements.
func Validate(is []byte) (int, error) {
	if len(is) < headerSize {
		return 0, fmt.Errorf("%w: %d bytes, shorter than the header", ErrInvalid, len(is))
	}
	enc := binary.LittleEndian.Uint32(is)
	if enc != enc16 && enc != enc32 && enc != enc64 {
		return 0, fmt.Errorf("%w: encoding %d, not 2, 4 or 8", ErrInvalid, enc)
	}
	n := binary.LittleEndian.Uint32(is[4:])
	// In 64 bits, where n*enc cannot overflow.
	if headerSize+uint64(n)*uint64(enc) != uint64(len(is)) {
		return 0, fmt.Errorf("%w: %d elements of %d bytes do not fill %d bytes", ErrInvalid, n, enc, len(is))
	}
	if n == 0 {
		return 0, fmt.Errorf("%w: empty", ErrInvalid)
	}
	prev := getEncoded(is, 0, int(enc))
	for i := 1; i < int(n); i++ {
		cur := getEncoded(is, i, int(enc))
		if cur <= prev {
			return 0, fmt.Errorf("%w: element %d (%d) not above the one before (%d)", ErrInvalid, i, cur, prev)
		}
		prev = cur
	}
	return int(n), nil
}
