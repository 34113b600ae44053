package keyspace

import (
	"fmt"
	"unsafe"

	"respd/internal/hashval"
	"respd/internal/quicklist"
	"respd/internal/setval"
	"respd/internal/stream"
	"respd/internal/zsetval"
)

// Entry is one key: its name, its typed value, TTL and access stamp, and
// its link in its database's table. It is laid out to take 48 bytes on
// 64-bit platforms, one Go size class, because a database holds one per
// key: a string's key and value share a single allocation, and the value
// is one pointer whose type Type says.
//
// A string's allocation holds the key's bytes, then the value's, then
// spare capacity when the value grows in place (strSlack): exactly
// strLen bytes for a value stored whole (SET), rawCap(strLen) for one
// that grew (APPEND, SETRANGE, SETBIT), as Redis's sds grows greedily.
// The capacity is a function of the length so that it need not be kept.
// Any other type's key has an allocation of its own.
type Entry struct {
	next   *Entry         // chain in DB.keys
	key    unsafe.Pointer // the key's bytes
	val    unsafe.Pointer // a string's bytes, or the collection Type says
	keyLen uint32
	strLen uint32
	Expire int64  // unix time in ms; 0 means no TTL
	Access uint32 // LRU clock or LFU counter (evict.go)
	Type   Type
	flags  uint8
	gen    uint16 // the last snapshot that read or preserved it
}

const (
	// rawString records that the string was modified in place (APPEND,
	// SETRANGE), which Redis reports as the "raw" encoding.
	rawString uint8 = 1 << iota
	// strSlack: the value has rawCap(strLen) bytes of capacity.
	strSlack
)

// Link is dict.Node's: the chain in DB.keys.
func (e *Entry) Link() **Entry { return &e.next }

// Key is the entry's key.
func (e *Entry) Key() string { return unsafe.String((*byte)(e.key), e.keyLen) }

// NewString returns an entry holding a copy of val under key, both in
// one allocation.
func NewString(key string, val []byte) *Entry {
	e := &Entry{Type: TypeString}
	e.store(key, val, 0)
	return e
}

// store points e at a new allocation holding key and val, with capacity
// for val to grow to n bytes (0: no spare capacity).
func (e *Entry) store(key string, val []byte, n int) {
	size := len(key) + max(len(val), n)
	e.keyLen, e.strLen = uint32(len(key)), uint32(len(val))
	if size == 0 {
		e.key, e.val = nil, nil
		return
	}
	buf := make([]byte, size)
	copy(buf, key)
	copy(buf[len(key):], val)
	e.key = unsafe.Pointer(&buf[0])
	e.val = nil // an empty value without capacity: no pointer past the allocation
	if size > len(key) {
		e.val = unsafe.Pointer(&buf[len(key)])
	}
}

// Str is a string entry's value. Its bytes may be changed in place; its
// length only through SetStr and GrowStr.
func (e *Entry) Str() []byte {
	e.must(TypeString)
	return unsafe.Slice((*byte)(e.val), e.strLen)
}

// RawString reports whether the string was modified in place (APPEND,
// SETRANGE, SETBIT...), which Redis reports as the "raw" encoding.
func (e *Entry) RawString() bool { return e.flags&rawString != 0 }

// MarkRaw records that the string was modified in place.
func (e *Entry) MarkRaw() { e.flags |= rawString }

// capacity is how many bytes the string value may hold in place.
func (e *Entry) capacity() int {
	if e.flags&strSlack != 0 {
		return rawCap(int(e.strLen))
	}
	return int(e.strLen)
}

// rawCap is the capacity of a value grown to n bytes: doubled up to 1 MB,
// then the next MB, as sdsMakeRoomFor's greedy growth. It must be
// monotonic and rawCap(rawCap(n)) == rawCap(n): a value shortened in
// place keeps at least the capacity its new length implies.
func rawCap(n int) int {
	const mb = 1 << 20
	if n >= mb {
		return (n + mb - 1) &^ (mb - 1)
	}
	c := 16
	for c < n {
		c <<= 1
	}
	return c
}

// SetStr makes the string entry hold a copy of val, as SET over a string:
// in place when it fits, the encoding no longer raw.
func (e *Entry) SetStr(val []byte) {
	e.must(TypeString)
	e.flags &^= rawString
	// In place, unless that would keep much more memory than val needs.
	if n, c := len(val), e.capacity(); n <= c && c <= 2*n+64 {
		e.strLen = uint32(n)
		copy(e.Str(), val)
		return
	}
	e.flags &^= strSlack
	e.store(e.Key(), val, 0)
}

// GrowStr extends the string entry's value to n bytes, zero-filled, and
// returns it (APPEND, SETRANGE, SETBIT, which then write into it); a
// value already as long is returned as it is. It grows greedily (rawCap),
// so that a value built by many small appends is copied O(log) times.
func (e *Entry) GrowStr(n int) []byte {
	e.must(TypeString)
	old := int(e.strLen)
	if n <= old {
		return e.Str()
	}
	if e.flags&strSlack == 0 || n > e.capacity() {
		e.store(e.Key(), e.Str(), rawCap(n))
		e.flags |= strSlack
	}
	e.strLen = uint32(n)
	s := e.Str()
	clear(s[old:]) // the capacity may hold what a longer value left
	return s
}

// NewList returns an entry holding l; its key comes with DB.Set or
// DB.Add. NewHash, NewSet, NewZSet and NewStream likewise.
func NewList(l *quicklist.List) *Entry { return &Entry{Type: TypeList, val: unsafe.Pointer(l)} }

func NewHash(h *hashval.Hash) *Entry    { return &Entry{Type: TypeHash, val: unsafe.Pointer(h)} }
func NewSet(s *setval.Set) *Entry       { return &Entry{Type: TypeSet, val: unsafe.Pointer(s)} }
func NewZSet(z *zsetval.ZSet) *Entry    { return &Entry{Type: TypeZSet, val: unsafe.Pointer(z)} }
func NewStream(s *stream.Stream) *Entry { return &Entry{Type: TypeStream, val: unsafe.Pointer(s)} }

// List is a list entry's value; Hash, Set, ZSet and Stream likewise.
func (e *Entry) List() *quicklist.List { e.must(TypeList); return (*quicklist.List)(e.val) }

func (e *Entry) Hash() *hashval.Hash    { e.must(TypeHash); return (*hashval.Hash)(e.val) }
func (e *Entry) Set() *setval.Set       { e.must(TypeSet); return (*setval.Set)(e.val) }
func (e *Entry) ZSet() *zsetval.ZSet    { e.must(TypeZSet); return (*zsetval.ZSet)(e.val) }
func (e *Entry) Stream() *stream.Stream { e.must(TypeStream); return (*stream.Stream)(e.val) }

// must guards the typed accessors: the value is an untyped pointer, so
// reading it as another type would be memory corruption, not an error.
func (e *Entry) must(t Type) {
	if e.Type != t {
		panic(fmt.Sprintf("keyspace: key %q holds a %s, read as a %s", e.Key(), e.Type, t))
	}
}

// Value is the entry's value as an interface, to hand it to another
// goroutine (lazy freeing).
func (e *Entry) Value() any {
	switch e.Type {
	case TypeString:
		return e.Str()
	case TypeList:
		return e.List()
	case TypeHash:
		return e.Hash()
	case TypeSet:
		return e.Set()
	case TypeZSet:
		return e.ZSet()
	case TypeStream:
		return e.Stream()
	default:
		panic(fmt.Sprintf("keyspace: key %q holds a value of %s", e.Key(), e.Type))
	}
}

// SharesValue reports whether e and o hold the same value (not equal
// ones: the same memory).
func (e *Entry) SharesValue(o *Entry) bool { return e.val == o.val }

// rekey makes e's key key: a string's value moves with it into a new
// allocation, unless the key is already that.
func (e *Entry) rekey(key string) {
	if e.key != nil && e.Key() == key {
		return
	}
	if e.Type == TypeString {
		spare := 0
		if e.flags&strSlack != 0 {
			spare = e.capacity()
		}
		e.store(key, e.Str(), spare)
		return
	}
	e.key, e.keyLen = unsafe.Pointer(unsafe.StringData(key)), uint32(len(key))
}

// Frozen is an unlinked copy of e as it is now, which no later change to
// e alters, to read outside the data lock while clients go on writing
// (a background save; a snapshot's preserved keys): its key, type, TTL
// and access stamp, and its value. A string's bytes are copied, appended
// to buf, which is returned (one buffer for many keys); a collection
// gives its frozen view in O(1), whatever its size.
//
// Why not a copy, as for strings: Frozen runs under the data lock, in a
// client's write (DB.BeforeChange), and copying a 10M-element list there
// would stall every client for as long. Each collection's Freeze returns
// a value of its own type holding what the receiver holds now, sharing
// its nodes copy-on-write: a write to the live structure first copies the
// node it touches, never the whole. A frozen view freezes to itself.
// Hashes, sets and sorted sets (internal/hashval, internal/setval,
// internal/zsetval) copy, for now: cheap in their small encodings,
// O(size) in a table or a skiplist.
func (e *Entry) Frozen(buf []byte) (Entry, []byte) {
	f := Entry{key: e.key, keyLen: e.keyLen, Expire: e.Expire, Access: e.Access, Type: e.Type, flags: e.flags &^ strSlack}
	switch e.Type {
	case TypeString:
		if e.strLen > 0 {
			start := len(buf)
			buf = append(buf, e.Str()...)
			f.val, f.strLen = unsafe.Pointer(&buf[start]), e.strLen
		}
	case TypeList:
		f.val = unsafe.Pointer(e.List().Freeze())
	case TypeHash:
		f.val = unsafe.Pointer(e.Hash().Freeze())
	case TypeSet:
		f.val = unsafe.Pointer(e.Set().Freeze())
	case TypeZSet:
		f.val = unsafe.Pointer(e.ZSet().Freeze())
	case TypeStream:
		f.val = unsafe.Pointer(e.Stream().Freeze())
	default:
		panic(fmt.Sprintf("keyspace: key %q holds a value of %s", e.Key(), e.Type))
	}
	return f, buf
}
