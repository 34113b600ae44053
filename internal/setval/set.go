// Package setval is Redis 7.0's set value (t_set.c): an intset while every
// member is an integer and there are at most set-max-intset-entries
// (OBJ_ENCODING_INTSET), else a table of members (OBJ_ENCODING_HT), never
// back.
package setval

import (
	"bytes"
	"hash/maphash"
	"math/rand/v2"
	"strconv"
	"unsafe"

	"respd/internal/dict"
	"respd/internal/intset"
	"respd/internal/listpack"
)

// Set is a set value. The zero value is not usable: make one with New.
type Set struct {
	// p is the intset's first byte while isCap > 0 (its length follows
	// from its header), else the table: 16 bytes a set, where a slice and
	// a pointer took 32, a sixth of a small set.
	p      unsafe.Pointer
	isCap  uint32
	frozen bool // a snapshot's view (Freeze): never changes
}

func (s *Set) small() bool { return s.isCap != 0 }

// intset is the intset encoding's bytes (the set must be small).
func (s *Set) intset() []byte {
	b := unsafe.Slice((*byte)(s.p), s.isCap)
	return b[:8+intset.Len(b)*intset.Encoding(b)]
}

func (s *Set) setIntset(is []byte) {
	s.p, s.isCap = unsafe.Pointer(unsafe.SliceData(is)), uint32(cap(is))
}

// table is the table encoding (the set must not be small).
func (s *Set) table() *dict.Dict[member, *member] { return (*dict.Dict[member, *member])(s.p) }

func (s *Set) setTable(t *dict.Dict[member, *member]) { s.p, s.isCap = unsafe.Pointer(t), 0 }

// member is a table's entry.
type member struct {
	next *member
	key  string
}

func (m *member) Link() **member { return &m.next }
func (m *member) Key() string    { return m.key }

// seed hashes every table's members; one per process, as Redis's siphash key.
var seed = maphash.MakeSeed()

// New returns an empty set for a first member v: an intset if v is an
// integer, else a table (setTypeCreate).
func New(v []byte) *Set {
	if _, ok := listpack.StringToInt64(v); ok {
		return NewIntset()
	}
	s := &Set{}
	s.setTable(dict.New[member](seed))
	return s
}

// NewIntset returns an empty intset, which a set operation's result
// starts as (createIntsetObject).
func NewIntset() *Set {
	s := &Set{}
	s.setIntset(intset.New())
	return s
}

// Len is the number of members (setTypeSize).
func (s *Set) Len() int {
	if s.small() {
		return intset.Len(s.intset())
	}
	return s.table().Len()
}

// Encoding is OBJECT ENCODING's name for the representation.
func (s *Set) Encoding() string {
	if s.small() {
		return "intset"
	}
	return "hashtable"
}

// Slots is a table's bucket count (dictSlots, for MEMORY USAGE), 0 for an
// intset.
func (s *Set) Slots() int {
	if s.small() {
		return 0
	}
	return len(s.table().Table(0)) + len(s.table().Table(1))
}

// HTStats is the table's dict.Stats (DEBUG HTSTATS-KEY), "" for an
// intset.
func (s *Set) HTStats() string {
	if s.small() {
		return ""
	}
	return s.table().Stats()
}

// Intset is the intset encoding's bytes, nil for a table (RDB and DUMP
// write it as it is).
func (s *Set) Intset() []byte {
	if !s.small() {
		return nil
	}
	return s.intset()
}

// Add adds v, converting to a table when v is no integer or the intset
// outgrows maxIntset members, and reports whether v is new (setTypeAdd).
func (s *Set) Add(v []byte, maxIntset int64) bool {
	if s.small() {
		n, ok := listpack.StringToInt64(v)
		if ok {
			is, added := intset.Add(s.intset(), n)
			s.setIntset(is)
			if added && int64(intset.Len(is)) > maxIntset {
				s.convert(s.Len())
			}
			return added
		}
		s.convert(s.Len() + 1)
	}
	if s.table().Find(lookupKey(v)) != nil {
		return false
	}
	s.table().Add(&member{key: string(v)})
	return true
}

// Remove removes v and reports whether it was there (setTypeRemove).
func (s *Set) Remove(v []byte) bool {
	if !s.small() {
		return s.table().Remove(lookupKey(v)) != nil
	}
	n, ok := listpack.StringToInt64(v)
	if !ok {
		return false
	}
	is, removed := intset.Remove(s.intset(), n)
	s.setIntset(is)
	return removed
}

// Has reports whether v is a member (setTypeIsMember).
func (s *Set) Has(v []byte) bool {
	if !s.small() {
		return s.table().Find(lookupKey(v)) != nil
	}
	n, ok := listpack.StringToInt64(v)
	return ok && intset.Find(s.intset(), n)
}

// convert moves an intset into a table sized for n members
// (setTypeConvert).
func (s *Set) convert(n int) {
	t := dict.New[member](seed)
	t.Reserve(n)
	s.Each(func(v []byte) { t.Add(&member{key: string(v)}) })
	s.setTable(t)
}

// Each calls fn with every member: an intset's in ascending order, a
// table's in its order. An intset's bytes are valid only until fn
// returns; a table's are its members' own, unchanging, valid while the
// member is in the set. The set must not change meanwhile.
func (s *Set) Each(fn func(v []byte)) {
	if !s.small() {
		s.table().ForEach(func(m *member) { fn(unsafeBytes(m.key)) })
		return
	}
	var buf [20]byte
	is := s.intset()
	for i := range intset.Len(is) {
		fn(strconv.AppendInt(buf[:0], intset.Get(is, i), 10))
	}
}

// Scan calls fn with the members of the table buckets at cursor and
// returns the next cursor, 0 when done, with SCAN's guarantee; an intset
// gives every member at once and cursor 0, as Redis's does.
func (s *Set) Scan(cursor uint64, fn func(v []byte)) uint64 {
	if s.small() {
		s.Each(fn)
		return 0
	}
	return s.table().Scan(cursor, func(m *member) { fn(unsafeBytes(m.key)) })
}

// Random appends a member picked uniformly to buf (setTypeRandomElement:
// dictGetFairRandomKey for a table).
func (s *Set) Random(rng *rand.Rand, buf []byte) []byte {
	if s.small() {
		return strconv.AppendInt(buf, intset.Random(s.intset(), rng), 10)
	}
	return append(buf, s.table().FairRandom(rng).key...)
}

// Sample calls fn with count distinct members picked uniformly, count
// below Len (SRANDMEMBER's and SPOP's counts). A small count of a large
// table draws random members until it has enough (Redis's case 4);
// otherwise one pass selects each member with the probability still
// needed (case 3, in the set's order).
func (s *Set) Sample(rng *rand.Rand, count int, fn func(v []byte)) {
	if !s.small() && count*3 <= s.Len() {
		seen := make(map[*member]struct{}, count)
		for len(seen) < count {
			m := s.table().FairRandom(rng)
			if _, dup := seen[m]; !dup {
				seen[m] = struct{}{}
				fn(unsafeBytes(m.key))
			}
		}
		return
	}
	left := s.Len()
	s.Each(func(v []byte) {
		if count > 0 && rng.IntN(left) < count {
			count--
			fn(v)
		}
		left--
	})
}

// Dup is a copy no change to s alters: for COPY, SMOVE's and the STORE
// commands' results, and a snapshot's frozen view (Freeze). An intset is
// copied; a table's entries are, sharing their immutable strings:
// O(members), where a list freezes in O(1).
func (s *Set) Dup() *Set {
	d := &Set{}
	if s.small() {
		d.setIntset(bytes.Clone(s.intset()))
		return d
	}
	t := dict.New[member](seed)
	t.Reserve(s.table().Len())
	s.table().ForEach(func(m *member) { t.Add(&member{key: m.key}) })
	d.setTable(t)
	return d
}

// Freeze is what a keyspace snapshot asks of a collection (keyspace's Entry.Frozen): a Dup, O(members) for a table where a
// list freezes in O(1); a frozen view is its own.
func (s *Set) Freeze() *Set {
	if s.frozen {
		return s
	}
	d := s.Dup()
	d.frozen = true
	return d
}

// unsafeBytes is str's bytes, without a copy, for callbacks that only read
// them.
func unsafeBytes(str string) []byte { return unsafe.Slice(unsafe.StringData(str), len(str)) }

// lookupKey is b as a string without a copy, for Find and Remove, which
// keep no key they are given.
func lookupKey(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
