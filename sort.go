package main

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"respd/internal/acl"
	"respd/internal/keyspace"
	"respd/internal/quicklist"
)

// SORT and SORT_RO (sort.c).

// sortVector is the elements being sorted, with no pointer for the
// collector to scan: each element's bytes, and those it sorts by with
// ALPHA and BY, are spans of one arena.
type sortVector struct {
	arena []byte
	elems []sortElement
	// order and sorted are the numeric sort's (sort).
	order  []scoredIndex
	sorted []sortElement
}

// scoredIndex is an element's score and index, what a numeric sort moves.
type scoredIndex struct {
	score float64
	i     int
}

// sortVectors lends vectors to SORTs, so that a SORT of a large key
// allocates nothing the collector must then reclaim (in Redis, malloc
// and free). A vector of more than maxPooledSort elements, or of more
// than 64 bytes an element, is not kept: what the pool holds stays under
// 10 MB, and a SORT of a million elements allocates afresh.
var sortVectors = sync.Pool{New: func() any { return new(sortVector) }}

const maxPooledSort = 1 << 16

// newSortVector is an empty vector.
func newSortVector() *sortVector {
	v := sortVectors.Get().(*sortVector)
	v.arena, v.elems = v.arena[:0], v.elems[:0]
	return v
}

// release returns v to the pool; it is not to be used after.
func (v *sortVector) release() {
	if max(cap(v.elems), cap(v.sorted), cap(v.order)) <= maxPooledSort && cap(v.arena) <= 64*maxPooledSort {
		sortVectors.Put(v)
	}
}

// sortElement is one element: its span, what it sorts by (a number, or
// with ALPHA and BY a span, byN -1 when BY's key is missing).
type sortElement struct {
	off, n     int
	byOff, byN int
	score      float64
}

// add appends an element, copying its bytes.
func (v *sortVector) add(b []byte) {
	v.elems = append(v.elems, sortElement{off: len(v.arena), n: len(b), byN: -1})
	v.arena = append(v.arena, b...)
}

func (v *sortVector) value(e *sortElement) []byte { return v.arena[e.off : e.off+e.n] }

// setBy copies b as what e sorts by.
func (v *sortVector) setBy(e *sortElement, b []byte) {
	e.byOff, e.byN = len(v.arena), len(b)
	v.arena = append(v.arena, b...)
}

// sortOptions are SORT's arguments.
type sortOptions struct {
	desc, alpha, dontSort  bool
	limitStart, limitCount int64
	by                     []byte   // BY's pattern, nil without one
	gets                   [][]byte // GET's patterns
	store                  []byte   // STORE's destination, nil without
}

func cmdSort(c *Client, args [][]byte)   { sortCommand(c, args, false) }
func cmdSortRo(c *Client, args [][]byte) { sortCommand(c, args, true) }

// parseSort parses SORT's options as Redis does: in any order, the last
// of each winning; STORE only for SORT.
func (c *Client) parseSort(args [][]byte, readonly bool) (o sortOptions, ok bool) {
	o.limitCount = -1
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		switch opt := strings.ToLower(string(args[j])); {
		case opt == "asc":
			o.desc = false
		case opt == "desc":
			o.desc = true
		case opt == "alpha":
			o.alpha = true
		case opt == "limit" && left >= 2:
			start, ok1 := parseInt64(args[j+1])
			count, ok2 := parseInt64(args[j+2])
			if !ok1 || !ok2 {
				c.Error(errNotInteger)
				return o, false
			}
			o.limitStart, o.limitCount = start, count
			j += 2
		case opt == "store" && !readonly && left >= 1:
			o.store = args[j+1]
			j++
		case opt == "by" && left >= 1:
			// A pattern without '*' names no key per element: nothing
			// to sort by, so nothing is sorted (BY nosort) — even if a
			// later BY has one, as in Redis.
			o.by = args[j+1]
			o.dontSort = o.dontSort || bytes.IndexByte(o.by, '*') < 0
			if bytes.IndexByte(o.by, '*') >= 0 && !c.readsEveryKey(args) {
				c.Error(errSortByDenied)
				return o, false
			}
			j++
		case opt == "get" && left >= 1:
			if !c.readsEveryKey(args) {
				c.Error(errSortGetDenied)
				return o, false
			}
			o.gets = append(o.gets, args[j+1])
			j++
		default:
			c.Error(errSyntax)
			return o, false
		}
	}
	return o, true
}

// readsEveryKey reports whether the client's user may read any key with
// this command, as BY and GET patterns name keys no ACL check saw.
func (c *Client) readsEveryKey(args [][]byte) bool {
	if c.user == nil || c.user.Unrestricted() {
		return true
	}
	req := aclRequest(c.cmd, args)
	return c.user.CheckAllKeys(&req, acl.PermRead)
}

// sortCommand is sortCommandGeneric.
func sortCommand(c *Client, args [][]byte, readonly bool) {
	o, ok := c.parseSort(args, readonly)
	if !ok {
		return
	}
	e := c.lookup(args[1])
	if e != nil && e.Type != keyspace.TypeList && e.Type != keyspace.TypeSet && e.Type != keyspace.TypeZSet {
		c.Error(errWrongType)
		return
	}
	// A set has no order of its own: sorted by ALPHA when the result is
	// stored, so that replicas and the AOF get the same.
	if o.dontSort && e != nil && e.Type == keyspace.TypeSet && o.store != nil {
		o.dontSort, o.alpha, o.by = false, true, nil
	}
	v := c.sortElements(e, &o)
	defer v.release()
	start, end := sortRange(o, len(v.elems))
	if !o.dontSort {
		if failed := c.sortScores(v, o); failed {
			c.Error(errSortScores)
			return
		}
		v.sort(o)
	}
	c.sortOutput(v, start, end, o, args)
}

// sortRange is LIMIT applied to n elements: the first and last index
// (end < start: none), as Redis clamps them.
func sortRange(o sortOptions, n int) (start, end int) {
	vlen := int64(n)
	s := min(max(o.limitStart, 0), vlen)
	count := min(max(o.limitCount, -1), vlen)
	e := s + count - 1
	if count < 0 {
		e = vlen - 1
	}
	if s >= vlen {
		s, e = vlen-1, vlen-2
	}
	e = min(e, vlen-1)
	return int(s), int(e)
}

// sortElements loads the elements to sort: a list's in its order (with
// nothing to sort and DESC, from the tail), a set's in its own.
func (c *Client) sortElements(e *keyspace.Entry, o *sortOptions) *sortVector {
	v := newSortVector()
	switch {
	case e == nil:
	case e.Type == keyspace.TypeList:
		l := e.List()
		v.elems = slices.Grow(v.elems, l.Len())
		if o.dontSort && o.desc {
			for _, b := range l.Elements(-1, true) {
				v.add(b)
			}
			// Read from the tail: LIMIT counts from there, and no
			// reversal follows.
			o.desc = false
		} else {
			l.Range(0, -1, func(_ int, b []byte) bool { v.add(b); return true })
		}
	case e.Type == keyspace.TypeSet:
		v.elems = slices.Grow(v.elems, e.Set().Len())
		e.Set().Each(v.add)
	case e.Type == keyspace.TypeZSet && o.dontSort:
		// In its order, LIMIT applied here, from the top with DESC; what
		// is loaded is then the whole output.
		start, end := sortRange(*o, e.ZSet().Len())
		if start <= end {
			v.elems = slices.Grow(v.elems, end-start+1)
			e.ZSet().RangeByRank(int64(start), int64(end), o.desc, func(m []byte, _ float64) bool { v.add(m); return true })
		}
		o.desc, o.limitStart, o.limitCount = false, 0, -1
	case e.Type == keyspace.TypeZSet:
		v.elems = slices.Grow(v.elems, e.ZSet().Len())
		e.ZSet().Each(func(m []byte, _ float64) { v.add(m) })
	}
	return v
}

// sortScores sets what each element sorts by: with BY, the value of its
// pattern's key (an element whose key is missing keeps a zero score and
// no bytes); without, the element. Numbers are parsed as strtod; it
// reports whether one was not a number.
func (c *Client) sortScores(v *sortVector, o sortOptions) (failed bool) {
	for i := range v.elems {
		e := &v.elems[i]
		by := v.value(e)
		if o.by != nil {
			found := false
			if by, found = c.sortLookup(o.by, by); !found {
				continue
			}
		}
		if o.alpha {
			if o.by != nil {
				v.setBy(e, by)
			}
			continue
		}
		score, ok := parseStrtod(by)
		if !ok {
			failed = true
		}
		e.score = score
	}
	return failed
}

// sort is Redis's sortCompare under pqsort: numbers, equal ones by their
// bytes; or bytes with ALPHA (by BY's values, a missing one first);
// reversed with DESC. Numbers, the common case, are sorted as (score,
// index) pairs, 16 bytes each against an element's 40, which pdqsort
// moves and copies to compare, then DESC reverses them.
func (v *sortVector) sort(o sortOptions) {
	arena, elems := v.arena, v.elems
	if !o.alpha {
		v.order = v.order[:0]
		for i, e := range elems {
			v.order = append(v.order, scoredIndex{e.score, i})
		}
		slices.SortFunc(v.order, func(a, b scoredIndex) int {
			switch {
			case a.score < b.score:
				return -1
			case a.score > b.score:
				return 1
			}
			x, y := &elems[a.i], &elems[b.i]
			return bytes.Compare(arena[x.off:x.off+x.n], arena[y.off:y.off+y.n])
		})
		if o.desc {
			slices.Reverse(v.order)
		}
		v.sorted = v.sorted[:0]
		for _, o := range v.order {
			v.sorted = append(v.sorted, elems[o.i])
		}
		v.elems, v.sorted = v.sorted, elems
		return
	}
	byPattern, desc := o.by != nil, o.desc
	slices.SortFunc(elems, func(a, b sortElement) int {
		var cmp int
		switch {
		case !byPattern:
			cmp = bytes.Compare(arena[a.off:a.off+a.n], arena[b.off:b.off+b.n])
		case a.byN < 0 && b.byN < 0:
			cmp = 0
		case a.byN < 0:
			cmp = -1
		case b.byN < 0:
			cmp = 1
		default:
			cmp = bytes.Compare(arena[a.byOff:a.byOff+a.byN], arena[b.byOff:b.byOff+b.byN])
		}
		if desc {
			return -cmp
		}
		return cmp
	})
}

// sortLookup is lookupKeyByPattern: "#" is the element itself; else the
// first '*' of pattern is replaced by the element, and the key it names
// read — a string, or with "->field" after the '*' a hash's field. A
// pattern without '*', a missing key or one of another type is nothing.
func (c *Client) sortLookup(pattern, elem []byte) ([]byte, bool) {
	if string(pattern) == "#" {
		return elem, true
	}
	star := bytes.IndexByte(pattern, '*')
	if star < 0 {
		return nil, false
	}
	var field []byte
	post := pattern[star+1:]
	if f := bytes.Index(post, []byte("->")); f >= 0 && f+2 < len(post) {
		field, post = post[f+2:], post[:f]
	}
	key := make([]byte, 0, len(pattern)+len(elem))
	key = append(append(append(key, pattern[:star]...), elem...), post...)
	e := c.lookup(key)
	switch {
	case e == nil:
		return nil, false
	case field != nil:
		if e.Type != keyspace.TypeHash {
			return nil, false
		}
		return e.Hash().Get(field, nil)
	case e.Type != keyspace.TypeString:
		return nil, false
	default:
		return e.Str(), true
	}
}

// sortOutput replies the sorted range, each element or its GETs (a
// missing one null); or with STORE, stores it as a list (GETs that find
// nothing as empty strings; an empty result deletes the destination) and
// replies its length.
func (c *Client) sortOutput(v *sortVector, start, end int, o sortOptions, args [][]byte) {
	n := max(end-start+1, 0) * max(len(o.gets), 1)
	emit := func(b []byte, found bool) {
		if found {
			c.Bulk(b)
		} else {
			c.Null()
		}
	}
	var l *quicklist.List
	if o.store != nil {
		l = c.newList()
		emit = func(b []byte, _ bool) { l.PushTail(b) }
	} else {
		c.Array(n)
	}
	for j := start; j <= end; j++ {
		elem := v.value(&v.elems[j])
		if len(o.gets) == 0 {
			emit(elem, true)
		}
		for _, get := range o.gets {
			emit(c.sortLookup(get, elem))
		}
	}
	if o.store == nil {
		return
	}
	db := c.database()
	if n > 0 {
		c.setKey(o.store, c.stamp(keyspace.NewList(l)), false)
		c.notify(notifyList, "sortstore", o.store)
		c.changed(o.store, args...)
	} else if c.srv.deleteKey(db, string(o.store), c.srv.cfg.LazyfreeServerDel) {
		c.notify(notifyGeneric, "del", o.store)
		c.changed(o.store, args...)
	}
	c.Int(int64(n))
}

// parseStrtod parses a number as SORT does, with C's strtod on the C
// string (up to a NUL byte): leading white space skipped, the whole rest
// consumed, no overflow, no NaN. "" is 0: strtod reads nothing and stops
// at the end.
func parseStrtod(b []byte) (float64, bool) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) == 0 {
		return 0, true
	}
	if n, ok := parseInt64(b); ok {
		return float64(n), true
	}
	s := strings.TrimLeft(string(b), " \t\n\v\f\r")
	if hex := strings.TrimLeft(s, "+-"); len(hex) > 2 && (hex[:2] == "0x" || hex[:2] == "0X") && !strings.ContainsAny(hex, "pP") {
		s += "p0" // strtod's hex floats may omit the exponent; Go's may not
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || strings.ContainsRune(s, '_') {
		return 0, false
	}
	// glibc's strtod reports ERANGE for a result below the normal range
	// too: subnormal, or a non-zero number that underflows to 0.
	if (f != 0 && math.Abs(f) < 0x1p-1022) || (f == 0 && nonZeroMantissa(s)) {
		return 0, false
	}
	return f, true
}

// nonZeroMantissa reports whether a number's digits before its exponent
// are not all zeros.
func nonZeroMantissa(s string) bool {
	s = strings.TrimLeft(s, "+-")
	exp := "eE"
	if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
		s, exp = s[2:], "pP"
	}
	if i := strings.IndexAny(s, exp); i >= 0 {
		s = s[:i]
	}
	return strings.Trim(s, "0.") != ""
}
