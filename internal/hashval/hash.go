// Package hashval is Redis 7.0's hash value (t_hash.c): a listpack of
// field, value pairs while it is small (OBJ_ENCODING_LISTPACK), a table of
// fields once it outgrows hash-max-listpack-entries or a field or value
// outgrows hash-max-listpack-value (OBJ_ENCODING_HT), never back.
package hashval

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math/rand/v2"
	"strings"
	"unsafe"

	"respd/internal/dict"
	"respd/internal/listpack"
)

// Hash is a hash value. The zero value is not usable: make one with New.
type Hash struct {
	// p is the listpack's first byte while lpCap > 0 (its length is in its
	// header), else the table: 16 bytes a hash, where a slice and a
	// pointer took 32, a tenth of a small hash.
	p      unsafe.Pointer
	lpCap  uint32
	frozen bool // a snapshot's view (Freeze): never changes
}

// maxListpack is the most bytes a listpack hash grows to before it becomes
// a table whatever the limits (Redis's lpSafeToAdd), and what lpCap holds.
const maxListpack = 1 << 30

func (h *Hash) small() bool { return h.lpCap != 0 }

// listpack is the listpack encoding's bytes (the hash must be small).
func (h *Hash) listpack() []byte {
	b := unsafe.Slice((*byte)(h.p), h.lpCap)
	return b[:binary.LittleEndian.Uint32(b)]
}

func (h *Hash) setListpack(lp []byte) {
	h.p, h.lpCap = unsafe.Pointer(unsafe.SliceData(lp)), uint32(cap(lp))
}

// table is the table encoding (the hash must not be small).
func (h *Hash) table() *dict.Dict[field, *field] { return (*dict.Dict[field, *field])(h.p) }

func (h *Hash) setTable(t *dict.Dict[field, *field]) { h.p, h.lpCap = unsafe.Pointer(t), 0 }

// field is a table's entry: the field and its value in one string, the
// field first, so an entry costs two allocations (Redis's dictEntry and
// two sds strings cost three).
type field struct {
	next *field
	kv   string
	n    uint32 // the field's length
}

func (f *field) Link() **field { return &f.next }
func (f *field) Key() string   { return f.kv[:f.n] }
func (f *field) value() string { return f.kv[f.n:] }

func newField(name, value []byte) *field {
	return &field{kv: joinKV(name, value), n: uint32(len(name))}
}

// joinKV is name and value in one new string, allocated once (a + b of
// two conversions would allocate up to three times).
func joinKV[K string | []byte](name K, value []byte) string {
	b := make([]byte, len(name)+len(value))
	copy(b[copy(b, name):], value)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// setValue replaces the field's value: in place when it keeps its length
// (the field's string is its own: Dup copies it), else in a new string.
func (f *field) setValue(value []byte) {
	if old := f.value(); len(old) == len(value) {
		copy(unsafe.Slice(unsafe.StringData(f.kv), len(f.kv))[f.n:], value)
		return
	}
	f.kv = joinKV(f.Key(), value)
}

// Limits are the listpack encoding's: hash-max-listpack-entries fields,
// hash-max-listpack-value bytes in any field or value.
type Limits struct{ Entries, Value int64 }

// seed hashes every table's fields; one per process, as Redis's siphash key.
var seed = maphash.MakeSeed()

// New returns an empty hash, a listpack.
func New() *Hash {
	h := &Hash{}
	h.setListpack(listpack.New())
	return h
}

// Len is the number of fields (hashTypeLength).
func (h *Hash) Len() int {
	if h.small() {
		return listpack.Len(h.listpack()) / 2
	}
	return h.table().Len()
}

// Encoding is OBJECT ENCODING's name for the representation.
func (h *Hash) Encoding() string {
	if h.small() {
		return "listpack"
	}
	return "hashtable"
}

// Slots is a table's bucket count (dictSlots, for MEMORY USAGE), 0 for a
// listpack.
func (h *Hash) Slots() int {
	if h.small() {
		return 0
	}
	return len(h.table().Table(0)) + len(h.table().Table(1))
}

// HTStats is the table's dict.Stats (DEBUG HTSTATS-KEY), "" for a
// listpack.
func (h *Hash) HTStats() string {
	if h.small() {
		return ""
	}
	return h.table().Stats()
}

// Listpack is the listpack encoding's bytes, nil for a table (RDB and
// DUMP write it as it is).
func (h *Hash) Listpack() []byte {
	if !h.small() {
		return nil
	}
	return h.listpack()
}

// find is the offset of the field name's entry in the listpack, -1 if
// absent (hashTypeGetFromListpack's lpFind, skipping values).
func (h *Hash) find(name []byte) int {
	lp := h.listpack()
	for p := listpack.First(lp); p >= 0; {
		if listpack.Compare(lp, p, name) {
			return p
		}
		p = listpack.Next(lp, listpack.Next(lp, p))
	}
	return -1
}

// Get appends the field's value to buf (integers in decimal) and returns
// it, and whether the field exists (hashTypeGetValue).
func (h *Hash) Get(name, buf []byte) ([]byte, bool) {
	if h.small() {
		p := h.find(name)
		if p < 0 {
			return buf, false
		}
		lp := h.listpack()
		return listpack.Get(lp, listpack.Next(lp, p)).Append(buf), true
	}
	f := h.table().Find(lookupKey(name))
	if f == nil {
		return buf, false
	}
	return append(buf, f.value()...), true
}

// Exists reports whether the field exists.
func (h *Hash) Exists(name []byte) bool {
	if h.small() {
		return h.find(name) >= 0
	}
	return h.table().Find(lookupKey(name)) != nil
}

// ValueLen is the length of the field's value as a string, 0 if absent
// (HSTRLEN).
func (h *Hash) ValueLen(name []byte) int {
	var buf [24]byte
	v, _ := h.Get(name, buf[:0])
	return len(v)
}

// Fits reports whether name and value may stay in a listpack
// (hashTypeTryConversion's length check).
func (l Limits) Fits(b []byte) bool { return int64(len(b)) <= l.Value }

// Set sets the field to value, converting to a table first if either is
// longer than the limits allow and after if the fields outgrow them; it
// reports whether the field is new (hashTypeSet).
func (h *Hash) Set(name, value []byte, lim Limits) bool {
	if h.small() && (!lim.Fits(name) || !lim.Fits(value) || len(h.listpack())+len(name)+len(value) > maxListpack) {
		h.convert()
	}
	if !h.small() {
		if f := h.table().Find(lookupKey(name)); f != nil {
			f.setValue(value)
			return false
		}
		h.table().Add(newField(name, value))
		return true
	}
	if p := h.find(name); p >= 0 {
		lp := h.listpack()
		h.setListpack(listpack.Replace(lp, listpack.Next(lp, p), value))
		return false
	}
	h.setListpack(listpack.Append(listpack.Append(h.listpack(), name), value))
	if int64(h.Len()) > lim.Entries {
		h.convert()
	}
	return true
}

// Delete removes the field and reports whether it existed (hashTypeDelete).
func (h *Hash) Delete(name []byte) bool {
	if !h.small() {
		return h.table().Remove(lookupKey(name)) != nil
	}
	p := h.find(name)
	if p < 0 {
		return false
	}
	lp, _ := listpack.Delete(h.listpack(), p)
	lp, _ = listpack.Delete(lp, p) // the value moved to p
	h.setListpack(lp)
	return true
}

// convert moves a listpack hash into a table (hashTypeConvertListpack).
func (h *Hash) convert() {
	t := dict.New[field](seed)
	t.Reserve(h.Len())
	h.Each(func(name, value []byte) { t.Add(newField(name, value)) })
	h.setTable(t)
}

// Each calls fn with every field and value: a listpack's in order, a
// table's in its order. The bytes are valid only until fn returns, and
// the hash must not change meanwhile.
func (h *Hash) Each(fn func(name, value []byte)) {
	if !h.small() {
		h.table().ForEach(func(f *field) { fn(unsafeBytes(f.Key()), unsafeBytes(f.value())) })
		return
	}
	var nbuf, vbuf [20]byte
	lp := h.listpack()
	for p := listpack.First(lp); p >= 0; {
		q := listpack.Next(lp, p)
		fn(listpack.Get(lp, p).Append(nbuf[:0]), listpack.Get(lp, q).Append(vbuf[:0]))
		p = listpack.Next(lp, q)
	}
}

// Scan calls fn with the fields of the table buckets at cursor and returns
// the next cursor, 0 when done, with SCAN's guarantee; a listpack gives
// every field at once and cursor 0, as Redis's does.
func (h *Hash) Scan(cursor uint64, fn func(name, value []byte)) uint64 {
	if h.small() {
		h.Each(fn)
		return 0
	}
	return h.table().Scan(cursor, func(f *field) { fn(unsafeBytes(f.Key()), unsafeBytes(f.value())) })
}

// Random calls fn with a field picked uniformly (HRANDFIELD without a
// count: hashTypeRandomElement, dictGetFairRandomKey for a table).
func (h *Hash) Random(rng *rand.Rand, fn func(name, value []byte)) {
	if h.small() {
		i := rng.IntN(h.Len())
		var nbuf, vbuf [20]byte
		lp := h.listpack()
		p := listpack.Seek(lp, 2*i)
		fn(listpack.Get(lp, p).Append(nbuf[:0]), listpack.Get(lp, listpack.Next(lp, p)).Append(vbuf[:0]))
		return
	}
	f := h.table().FairRandom(rng)
	fn(unsafeBytes(f.Key()), unsafeBytes(f.value()))
}

// Sample calls fn with count distinct fields picked uniformly, count
// below Len (HRANDFIELD's positive count). A small count of a large table
// draws random fields until it has enough (Redis's case 4); otherwise one
// pass selects each field with the probability still needed (cases 2.5
// and 3, in the hash's order).
func (h *Hash) Sample(rng *rand.Rand, count int, fn func(name, value []byte)) {
	if !h.small() && count*3 <= h.Len() {
		seen := make(map[*field]struct{}, count)
		for len(seen) < count {
			f := h.table().FairRandom(rng)
			if _, dup := seen[f]; !dup {
				seen[f] = struct{}{}
				fn(unsafeBytes(f.Key()), unsafeBytes(f.value()))
			}
		}
		return
	}
	left := h.Len()
	h.Each(func(name, value []byte) {
		if count > 0 && rng.IntN(left) < count {
			count--
			fn(name, value)
		}
		left--
	})
}

// Dup is a copy no change to h alters: for COPY, and a snapshot's frozen
// view (Freeze). A listpack is copied; a table's fields are, with their
// strings (which Set may change in place): O(fields), where a list
// freezes in O(1).
func (h *Hash) Dup() *Hash {
	d := &Hash{}
	if h.small() {
		d.setListpack(bytes.Clone(h.listpack()))
		return d
	}
	t := dict.New[field](seed)
	t.Reserve(h.table().Len())
	h.table().ForEach(func(f *field) { t.Add(&field{kv: strings.Clone(f.kv), n: f.n}) })
	d.setTable(t)
	return d
}

// Freeze is what a keyspace snapshot asks of a collection (keyspace's Entry.Frozen): a Dup, O(fields) for a table where a
// list freezes in O(1); a frozen view is its own.
func (h *Hash) Freeze() *Hash {
	if h.frozen {
		return h
	}
	d := h.Dup()
	d.frozen = true
	return d
}

// unsafeBytes is s's bytes, without a copy, for callbacks that only read
// them.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// lookupKey is b as a string without a copy, for Find and Remove, which
// keep no key they are given.
func lookupKey(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
