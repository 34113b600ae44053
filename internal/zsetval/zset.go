// Package zsetval is Redis 7.0's sorted set value (t_zset.c): a listpack
// of member, score pairs ordered by score then member bytes while it is
// small (OBJ_ENCODING_LISTPACK), a skiplist with a dict from member to
// node once it outgrows zset-max-listpack-entries members or a member
// outgrows zset-max-listpack-value bytes (OBJ_ENCODING_SKIPLIST), never
// back, except where Redis converts back (ConvertToListpackIfFits).
//
// A listpack holds its scores as zzlInsertAt writes them, so that a
// listpack built here is byte for byte Redis's, for DUMP and RDB files.
//
// Members given to callbacks are valid only until the callback returns,
// and the sorted set must not change meanwhile.
package zsetval

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"strconv"
	"sync"
	"unsafe"

	"respd/internal/listpack"
)

// ZSet is a sorted set value. The zero value is not usable: make one with
// New or FromListpack.
type ZSet struct {
	// p is the listpack's first byte while lpCap > 0 (its length is in its
	// header), else the *skiplist: 16 bytes a sorted set, as hashval's.
	p      unsafe.Pointer
	lpCap  uint32
	frozen bool // a snapshot's view (Freeze): never changes
}

// maxListpack is the most bytes a listpack grows to before it becomes a
// skiplist whatever the limits (lpSafeToAdd's LISTPACK_MAX_SAFETY_SIZE),
// and what lpCap holds.
const maxListpack = 1 << 30

func (z *ZSet) small() bool { return z.lpCap != 0 }

// listpack is the listpack encoding's bytes (z must be small).
func (z *ZSet) listpack() []byte {
	b := unsafe.Slice((*byte)(z.p), z.lpCap)
	return b[:binary.LittleEndian.Uint32(b)]
}

func (z *ZSet) setListpack(lp []byte) {
	z.p, z.lpCap = unsafe.Pointer(unsafe.SliceData(lp)), uint32(cap(lp))
}

// skiplist is the skiplist encoding (z must not be small).
func (z *ZSet) skiplist() *skiplist { return (*skiplist)(z.p) }

func (z *ZSet) setSkiplist(s *skiplist) { z.p, z.lpCap = unsafe.Pointer(s), 0 }

// Limits are the listpack encoding's: zset-max-listpack-entries members,
// zset-max-listpack-value bytes in any member.
type Limits struct{ Entries, Value int64 }

// seed hashes every skiplist's members; one per process, as Redis's
// siphash key.
var seed = maphash.MakeSeed()

// New returns an empty sorted set for about size members, the longest
// maxMemberLen bytes: a listpack if those fit lim, else a skiplist whose
// dict is sized for size (Redis 7.2's zsetTypeCreate). Redis 7.0 has no
// such function; its creation sites amount to:
//   - ZADD, ZINCRBY: New(1, len(first member), lim);
//   - ZRANGESTORE (createZsetListpackObject): New(0, 0, lim);
//   - ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, GEO* STORE and RDB's
//     skiplist form (createZsetObject, zsetConvertToListpackIfNeeded at
//     the end): New(n, maxMemberLen, lim) when the members are known
//     beforehand, or else one made and filled with Limits{} (a skiplist
//     from its first member), then ConvertToListpackIfFits(lim).
func New(size, maxMemberLen int, lim Limits) *ZSet {
	z := &ZSet{}
	if int64(size) <= lim.Entries && int64(maxMemberLen) <= lim.Value {
		z.setListpack(listpack.New())
	} else {
		z.setSkiplist(newSkiplist(size))
	}
	return z
}

// ErrInvalid is what FromListpack reports, wrapped with the reason.
var ErrInvalid = errors.New("invalid sorted set listpack")

// FromListpack returns the sorted set an RDB file's or a DUMP payload's
// listpack holds (RDB_TYPE_ZSET_LISTPACK; a ziplist's entries rebuilt
// with listpack.Build, as lpConvert does, for RDB_TYPE_ZSET_ZIPLIST), a
// copy of lp: a skiplist if it has more than lim.Entries members, as
// rdbLoadObject converts it; longer members than lim.Value stay, as
// there. An empty listpack makes an empty sorted set, whose key Redis
// drops. It checks lp entry by entry (listpack.Validate), and that it
// holds member, score pairs, members unique (lpValidateIntegrityAndDups
// with deep sanitization), and, stricter than Redis, sorted, with scores
// that are integers or wholly numbers, not NaN: Redis loads any score
// text, reading its longest numeric prefix (zzlStrtod), and any order,
// but never writes either.
func FromListpack(lp []byte, lim Limits) (*ZSet, error) {
	n, err := listpack.Validate(lp)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if n%2 != 0 {
		return nil, fmt.Errorf("%w: %d elements, not member/score pairs", ErrInvalid, n)
	}
	seen := make(map[string]struct{}, n/2)
	var prev string
	prevScore := math.Inf(-1)
	for p := listpack.First(lp); p >= 0; p = nextPair(lp, p) {
		member := string(listpack.Get(lp, p).Append(nil))
		v := listpack.Get(lp, listpack.Next(lp, p))
		score := float64(v.Int)
		if !v.IsInt() {
			var ok bool
			if score, _, ok = strtod(v.Str); !ok || math.IsNaN(score) {
				return nil, fmt.Errorf("%w: member %q has score %q", ErrInvalid, member, v.Str)
			}
		}
		if _, dup := seen[member]; dup {
			return nil, fmt.Errorf("%w: duplicate member %q", ErrInvalid, member)
		}
		seen[member] = struct{}{}
		if len(seen) > 1 && (score < prevScore || score == prevScore && member < prev) {
			return nil, fmt.Errorf("%w: member %q out of order", ErrInvalid, member)
		}
		prev, prevScore = member, score
	}
	z := &ZSet{}
	z.setListpack(bytes.Clone(lp))
	if int64(n/2) > lim.Entries {
		z.toSkiplist()
	}
	return z, nil
}

// Len is the number of members (zsetLength).
func (z *ZSet) Len() int {
	if z.small() {
		return listpack.Len(z.listpack()) / 2
	}
	return z.skiplist().length
}

// Encoding is OBJECT ENCODING's name for the representation.
func (z *ZSet) Encoding() string {
	if z.small() {
		return "listpack"
	}
	return "skiplist"
}

// Listpack is the listpack encoding's bytes, nil for a skiplist (RDB and
// DUMP write it as it is).
func (z *ZSet) Listpack() []byte {
	if !z.small() {
		return nil
	}
	return z.listpack()
}

// Slots is a skiplist's dict bucket count (dictSlots, for MEMORY USAGE),
// 0 for a listpack.
func (z *ZSet) Slots() int {
	if z.small() {
		return 0
	}
	d := z.skiplist().dict
	return len(d.Table(0)) + len(d.Table(1))
}

// HTStats is the skiplist's dict's dict.Stats (DEBUG HTSTATS-KEY), "" for
// a listpack.
func (z *ZSet) HTStats() string {
	if z.small() {
		return ""
	}
	return z.skiplist().dict.Stats()
}

// SampleNodes calls fn with the first samples members of a skiplist, in
// order, and the number of levels of each one's node, for MEMORY USAGE.
// Redis's objectComputeSize of a skiplist is the robj, zset, zskiplist
// and dict (16+16+32+56 bytes), 8 bytes a dict slot (Slots), the header
// node (zmalloc_size(24+16*32): 640), and Len times the samples' average
// of the member's sds, a dictEntry (24) and the node's zmalloc_size(24 +
// 16*levels); of a listpack, the robj and zmalloc_size of the Listpack.
// A listpack has no nodes.
func (z *ZSet) SampleNodes(samples int, fn func(member []byte, levels int)) {
	if z.small() {
		return
	}
	for n := z.skiplist().first(); n != nil && samples > 0; n, samples = n.level[0].forward, samples-1 {
		fn(unsafeBytes(n.member), int(n.height))
	}
}

// nextPair is the offset of the member after the one at p in a listpack,
// -1 after the last (zzlNext).
func nextPair(lp []byte, p int) int { return listpack.Next(lp, listpack.Next(lp, p)) }

// prevPair is the offset of the member before the one at p, -1 before the
// first (zzlPrev).
func prevPair(lp []byte, p int) int {
	if q := listpack.Prev(lp, p); q >= 0 {
		return listpack.Prev(lp, q)
	}
	return -1
}

// findMember is the offset of member's entry in a listpack, -1 if absent
// (zzlFind's lpFind: an integer entry is compared as an integer, with a
// member that reads as one).
func findMember(lp, member []byte) int {
	n, isInt := listpack.StringToInt64(member)
	for p := listpack.First(lp); p >= 0; p = nextPair(lp, p) {
		if v := listpack.Get(lp, p); v.IsInt() {
			if isInt && v.Int == n {
				return p
			}
		} else if string(v.Str) == string(member) {
			return p
		}
	}
	return -1
}

// memberBytes is a listpack member entry's bytes: its own, or an
// integer's decimal in buf.
func memberBytes(v listpack.Value, buf *[20]byte) []byte {
	if v.IsInt() {
		return strconv.AppendInt(buf[:0], v.Int, 10)
	}
	return v.Str
}

// digits gives callbacks a listpack's members: a buffer on the stack
// handed to a callback would escape to the heap at every call, so an
// integer member's decimal goes to a buffer from a pool, taken at the
// first one.
type digits struct{ buf *[20]byte }

var digitBuffers = sync.Pool{New: func() any { return new([20]byte) }}

func (d *digits) member(lp []byte, p int) []byte {
	v := listpack.Get(lp, p)
	if !v.IsInt() {
		return v.Str
	}
	if d.buf == nil {
		d.buf = digitBuffers.Get().(*[20]byte)
	}
	return strconv.AppendInt(d.buf[:0], v.Int, 10)
}

func (d *digits) release() {
	if d.buf != nil {
		digitBuffers.Put(d.buf)
	}
}

// Score is member's score (zsetScore).
func (z *ZSet) Score(member []byte) (float64, bool) {
	if z.small() {
		lp := z.listpack()
		p := findMember(lp, member)
		if p < 0 {
			return 0, false
		}
		return entryScore(lp, listpack.Next(lp, p)), true
	}
	n := z.skiplist().dict.Find(lookupKey(member))
	if n == nil {
		return 0, false
	}
	return n.score, true
}

// Flags are ZADD's options (zsetAdd's in_flags).
type Flags uint8

const (
	NX   Flags = 1 << iota // add new members only
	XX                     // update existing members only
	GT                     // update a member only to a greater score
	LT                     // update a member only to a lower score
	Incr                   // add score to the member's (to 0 for a new one)
)

// Result says what Add did (zsetAdd's out_flags); 0 means that an
// existing member kept its score, which was the one given.
type Result uint8

const (
	Added    Result = 1 << iota // the member is new
	Updated                     // the member's score changed
	Nop                         // NX, XX, GT or LT left the member as it was
	NaNScore                    // refused: the score, or Incr's sum, is NaN
)

// Add adds member with score, or updates its score, as flags say, and
// returns what it did and the member's score after (zsetAdd): its score
// as it was on Nop and NaNScore (0 if absent), and the score computed
// when it was already the member's (which may be 0 where the member's is
// -0, or the other way round). A new member converts a
// listpack to a skiplist first if it would take it past lim, or past
// 1 GiB (lpSafeToAdd). The caller checks that flags don't combine NX with
// XX, GT or LT, nor GT with LT, and turns NaNScore into ZADD's error.
func (z *ZSet) Add(member []byte, score float64, flags Flags, lim Limits) (Result, float64) {
	if math.IsNaN(score) {
		return NaNScore, 0
	}
	if z.small() {
		lp := z.listpack()
		if p := findMember(lp, member); p >= 0 {
			cur := entryScore(lp, listpack.Next(lp, p))
			score, res := change(cur, score, flags)
			if res != 0 || score == cur {
				return res, score
			}
			lp, _ = listpack.Delete(lp, p)
			lp, _ = listpack.Delete(lp, p) // the score moved to p
			z.setListpack(insertPair(lp, member, score))
			return Updated, score
		}
		if flags&XX != 0 {
			return Nop, 0
		}
		if int64(z.Len())+1 <= lim.Entries && int64(len(member)) <= lim.Value && len(lp)+len(member) <= maxListpack {
			z.setListpack(insertPair(lp, member, score))
			return Added, score
		}
		z.toSkiplist()
	}
	s := z.skiplist()
	if n := s.dict.Find(lookupKey(member)); n != nil {
		score, res := change(n.score, score, flags)
		if res != 0 || score == n.score {
			return res, score
		}
		s.setScore(n, score)
		return Updated, score
	}
	if flags&XX != 0 {
		return Nop, 0
	}
	n := newNode(randomHeight(), string(member), score)
	s.dict.Add(n)
	s.insert(n)
	return Added, score
}

// change is zsetAdd's decision for an existing member whose score is cur:
// its new score, or cur and Nop or NaNScore.
func change(cur, score float64, flags Flags) (float64, Result) {
	if flags&NX != 0 {
		return cur, Nop
	}
	if flags&Incr != 0 {
		if score += cur; math.IsNaN(score) {
			return cur, NaNScore
		}
	}
	if flags&LT != 0 && score >= cur || flags&GT != 0 && score <= cur {
		return cur, Nop
	}
	return score, 0
}

// insertPair inserts member, which must be absent, and score in order
// into a listpack (zzlInsert, zzlInsertAt).
func insertPair(lp, member []byte, score float64) []byte {
	var buf [20]byte
	p := listpack.First(lp)
	for ; p >= 0; p = nextPair(lp, p) {
		s := entryScore(lp, listpack.Next(lp, p))
		if s > score || s == score && bytes.Compare(memberBytes(listpack.Get(lp, p), &buf), member) > 0 {
			break
		}
	}
	if p < 0 {
		p = len(lp) - 1 // the terminator: append
	}
	var text [32]byte
	lp, p = listpack.Insert(lp, p, member, false)
	lp, _ = listpack.Insert(lp, p, appendScore(text[:0], score), true)
	return lp
}

// Remove removes member and reports whether it was there (zsetDel).
func (z *ZSet) Remove(member []byte) bool {
	if z.small() {
		lp := z.listpack()
		p := findMember(lp, member)
		if p < 0 {
			return false
		}
		lp, _ = listpack.Delete(lp, p)
		lp, _ = listpack.Delete(lp, p)
		z.setListpack(lp)
		return true
	}
	s := z.skiplist()
	n := s.dict.Remove(lookupKey(member))
	if n == nil {
		return false
	}
	s.remove(n)
	return true
}

// Rank is member's 0-based rank, by ascending score or, if reverse,
// descending, and its score (zsetRank): O(log N) in a skiplist.
func (z *ZSet) Rank(member []byte, reverse bool) (rank int, score float64, ok bool) {
	if z.small() {
		lp := z.listpack()
		i, p := 0, findMember(lp, member)
		if p < 0 {
			return 0, 0, false
		}
		for q := listpack.First(lp); q != p; q = nextPair(lp, q) {
			i++
		}
		if reverse {
			i = z.Len() - 1 - i
		}
		return i, entryScore(lp, listpack.Next(lp, p)), true
	}
	s := z.skiplist()
	n := s.dict.Find(lookupKey(member))
	if n == nil {
		return 0, 0, false
	}
	r := s.rank(n)
	if reverse {
		return s.length - r, n.score, true
	}
	return r - 1, n.score, true
}

// At appends the member of 0-based ascending rank (below Len) to buf and
// returns it and the member's score: O(log N) in a skiplist, a walk of
// the listpack. A uniform random rank is ZRANDMEMBER's uniform member.
func (z *ZSet) At(rank int, buf []byte) ([]byte, float64) {
	if z.small() {
		lp := z.listpack()
		p := listpack.Seek(lp, 2*rank)
		return listpack.Get(lp, p).Append(buf), entryScore(lp, listpack.Next(lp, p))
	}
	n := z.skiplist().byRank(rank + 1)
	return append(buf, n.member...), n.score
}

// toSkiplist converts a listpack to a skiplist (zsetConvert): in order,
// so in O(N).
func (z *ZSet) toSkiplist() {
	lp := z.listpack()
	s := newSkiplist(listpack.Len(lp) / 2)
	a := newAppender(s)
	var buf [20]byte
	for p := listpack.First(lp); p >= 0; p = nextPair(lp, p) {
		member := string(memberBytes(listpack.Get(lp, p), &buf))
		a.add(newNode(randomHeight(), member, entryScore(lp, listpack.Next(lp, p))))
	}
	a.finish()
	z.setSkiplist(s)
}

// ConvertToListpackIfFits converts a skiplist to a listpack if its
// members fit lim (zsetConvertToListpackIfNeeded): what Redis does to the
// result of ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE and GEO* STORE, and to
// a sorted set loaded from RDB's skiplist form.
func (z *ZSet) ConvertToListpackIfFits(lim Limits) {
	if z.small() || int64(z.skiplist().length) > lim.Entries {
		return
	}
	s := z.skiplist()
	longest, total := 0, 0
	for n := s.first(); n != nil; n = n.level[0].forward {
		longest = max(longest, len(n.member))
		total += len(n.member)
	}
	if int64(longest) > lim.Value || total > maxListpack {
		return
	}
	elems := make([][]byte, 0, 2*s.length)
	text := make([]byte, 0, 24*s.length) // the longest score text is 24 bytes
	for n := s.first(); n != nil; n = n.level[0].forward {
		start := len(text)
		text = appendScore(text, n.score)
		elems = append(elems, unsafeBytes(n.member), text[start:len(text):len(text)])
	}
	z.setListpack(listpack.Build(elems...))
}

// Dup is a copy no change to z alters: for COPY, and a snapshot's frozen
// view (Freeze). A listpack is copied; a skiplist's nodes are, in order
// (O(N), where zsetDup reinserts), sharing their immutable members.
func (z *ZSet) Dup() *ZSet {
	d := &ZSet{}
	if z.small() {
		d.setListpack(bytes.Clone(z.listpack()))
		return d
	}
	s := z.skiplist()
	c := newSkiplist(s.length)
	a := newAppender(c)
	for n := s.first(); n != nil; n = n.level[0].forward {
		a.add(newNode(int(n.height), n.member, n.score))
	}
	a.finish()
	d.setSkiplist(c)
	return d
}

// Freeze is what a keyspace snapshot asks of a collection (keyspace's Entry.Frozen): a Dup, O(N) for a skiplist where a list
// freezes in O(1); a frozen view is its own.
func (z *ZSet) Freeze() *ZSet {
	if z.frozen {
		return z
	}
	d := z.Dup()
	d.frozen = true
	return d
}

// Each calls fn with every member and its score, by ascending score: RDB
// and AOF rewrites (RangeByRank(0, -1, true, ...) gives the descending
// order Redis's RDB writes a skiplist in).
func (z *ZSet) Each(fn func(member []byte, score float64)) {
	z.RangeByRank(0, -1, false, func(member []byte, score float64) bool {
		fn(member, score)
		return true
	})
}

// Scan calls fn with the members of a skiplist's dict buckets at cursor
// and returns the next cursor, 0 when done, with SCAN's guarantee; a
// listpack gives every member at once and cursor 0, as Redis's does
// (ZSCAN).
func (z *ZSet) Scan(cursor uint64, fn func(member []byte, score float64)) uint64 {
	if z.small() {
		z.Each(fn)
		return 0
	}
	return z.skiplist().dict.Scan(cursor, func(n *node) { fn(unsafeBytes(n.member), n.score) })
}

// unsafeBytes is s's bytes, without a copy, for callers that only read
// them.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// lookupKey is b as a string without a copy, for Find and Remove, which
// keep no key they are given.
func lookupKey(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
