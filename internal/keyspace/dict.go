package keyspace

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
)

// dict is Redis's dict.c in Go: a chained hash table with power-of-two
// sizes, incremental rehashing and the reverse-binary SCAN cursor. Go's map
// offers neither a resumable cursor with SCAN's guarantee nor random
// sampling, and it never shrinks, so the keyspace keeps its own table.
//
// Nodes are intrusive: the keys dict chains Entries themselves, so a key
// costs one allocation; the dict of keys with a TTL chains small
// expireNodes pointing at their Entry.
type dict[T any, P dictNode[T]] struct {
	seed      maphash.Seed
	table     [2][]*T
	used      [2]int
	rehashIdx int // next bucket of table[0] to move; -1 when not rehashing
	// paused stops resizing and rehashing while a snapshot reads the
	// tables bucket by bucket.
	paused int
}

// dictNode is what a dict chains: a pointer type with a next link and a key.
type dictNode[T any] interface {
	*T
	link() **T
	key() string
}

const dictMinSize = 4

func newDict[T any, P dictNode[T]](seed maphash.Seed) *dict[T, P] {
	return &dict[T, P]{seed: seed, rehashIdx: -1}
}

func (d *dict[T, P]) len() int { return d.used[0] + d.used[1] }

func (d *dict[T, P]) rehashing() bool { return d.rehashIdx >= 0 }

func (d *dict[T, P]) hash(key string) uint64 { return maphash.String(d.seed, key) }

// rehashStep moves up to n buckets from the old table to the new one,
// visiting at most 10*n empty buckets, like Redis's dictRehash.
func (d *dict[T, P]) rehashStep(n int) {
	if d.paused > 0 {
		return
	}
	empty := n * 10
	for ; n > 0 && d.used[0] > 0; n-- {
		for d.table[0][d.rehashIdx] == nil {
			d.rehashIdx++
			if empty--; empty == 0 {
				return
			}
		}
		e := d.table[0][d.rehashIdx]
		for e != nil {
			next := *P(e).link()
			i := d.hash(P(e).key()) & uint64(len(d.table[1])-1)
			*P(e).link() = d.table[1][i]
			d.table[1][i] = e
			d.used[0]--
			d.used[1]++
			e = next
		}
		d.table[0][d.rehashIdx] = nil
		d.rehashIdx++
	}
	if d.used[0] == 0 {
		d.table[0], d.used[0] = d.table[1], d.used[1]
		d.table[1], d.used[1] = nil, 0
		d.rehashIdx = -1
	}
}

// resizeTo starts rehashing into a table of the smallest power of two >= n.
func (d *dict[T, P]) resizeTo(n int) {
	size := dictMinSize
	for size < n {
		size <<= 1
	}
	if d.table[0] == nil {
		d.table[0] = make([]*T, size)
		return
	}
	if size == len(d.table[0]) {
		return
	}
	d.table[1] = make([]*T, size)
	d.rehashIdx = 0
}

// reserve sizes an empty dict for n nodes, so that it doesn't rehash
// while it fills (Redis's dictExpand on loading an RDB's RESIZEDB).
func (d *dict[T, P]) reserve(n int) {
	if d.len() == 0 && !d.rehashing() && d.paused == 0 && n > len(d.table[0]) {
		d.table[0] = nil
		d.resizeTo(n)
	}
}

// maybeGrow grows the table at load factor 1, as Redis's dictAdd. A dict
// without a table gets one even while a snapshot pauses resizing: the
// snapshot has nothing to read in it but keys newer than itself.
func (d *dict[T, P]) maybeGrow() {
	switch size := len(d.table[0]); {
	case size == 0:
		d.resizeTo(dictMinSize)
	case d.used[0] >= size && !d.rehashing() && d.paused == 0:
		d.resizeTo(d.used[0] + 1)
	}
}

// maybeShrink shrinks the table below 10% fill, as Redis's cron does;
// only on removals, so that a table sized ahead (reserve) stays so.
func (d *dict[T, P]) maybeShrink() {
	if d.rehashing() || d.paused > 0 {
		return
	}
	if size := len(d.table[0]); size > dictMinSize && d.used[0]*10 < size {
		d.resizeTo(d.used[0])
	}
}

func (d *dict[T, P]) find(key string) *T {
	if d.len() == 0 {
		return nil
	}
	if d.rehashing() {
		d.rehashStep(1)
	}
	return d.lookup(key, d.hash(key))
}

// lookup is find without the rehash step, for a key whose hash is h.
func (d *dict[T, P]) lookup(key string, h uint64) *T {
	for t := 0; t < 2 && len(d.table[t]) > 0; t++ {
		tab := d.table[t]
		for e := tab[h&uint64(len(tab)-1)]; e != nil; e = *P(e).link() {
			if P(e).key() == key {
				return e
			}
		}
		if !d.rehashing() {
			break
		}
	}
	return nil
}

// add links e, whose key must not be present yet.
func (d *dict[T, P]) add(e *T) {
	if d.rehashing() {
		d.rehashStep(1)
	}
	d.link(e, d.hash(P(e).key()))
}

// addOrFind links e unless its key is present, and returns the node that
// holds the key then (nil if e was added): find and add with one hash.
func (d *dict[T, P]) addOrFind(e *T) *T {
	if d.rehashing() {
		d.rehashStep(1)
	}
	h := d.hash(P(e).key())
	if old := d.lookup(P(e).key(), h); old != nil {
		return old
	}
	d.link(e, h)
	return nil
}

// link puts e, whose hash is h, in the table new nodes go to.
func (d *dict[T, P]) link(e *T, h uint64) {
	d.maybeGrow()
	t := 0
	if d.rehashing() {
		t = 1
	}
	i := h & uint64(len(d.table[t])-1)
	*P(e).link() = d.table[t][i]
	d.table[t][i] = e
	d.used[t]++
}

// replace swaps old, which must be linked, for e with the same key in place.
func (d *dict[T, P]) replace(old, e *T) {
	h := d.hash(P(old).key())
	for t := 0; t < 2; t++ {
		tab := d.table[t]
		if len(tab) == 0 {
			continue
		}
		for p := &tab[h&uint64(len(tab)-1)]; *p != nil; p = P(*p).link() {
			if *p == old {
				*P(e).link() = *P(old).link()
				*p = e
				*P(old).link() = nil
				return
			}
		}
	}
}

// remove unlinks and returns the entry for key, or nil.
func (d *dict[T, P]) remove(key string) *T {
	if d.len() == 0 {
		return nil
	}
	if d.rehashing() {
		d.rehashStep(1)
	}
	h := d.hash(key)
	for t := 0; t < 2; t++ {
		tab := d.table[t]
		if len(tab) == 0 {
			continue
		}
		for p := &tab[h&uint64(len(tab)-1)]; *p != nil; p = P(*p).link() {
			if e := *p; P(e).key() == key {
				*p = *P(e).link()
				*P(e).link() = nil
				d.used[t]--
				if d.len() == 0 {
					// Drop the tables now: every later operation returns
					// early on an empty dict, so a rehash under way would
					// never finish and a table sized for the keys of a mass
					// expiry would stay allocated.
					d.clear()
					return e
				}
				d.maybeShrink()
				return e
			}
		}
	}
	return nil
}

// clear drops every entry.
func (d *dict[T, P]) clear() {
	d.table = [2][]*T{}
	d.used = [2]int{}
	d.rehashIdx = -1
}

// forEach visits every node, bucket by bucket in table order, as Redis's
// dict iterator does: memory order, unlike the SCAN cursor's reversed bits,
// which cost a cache miss per bucket of a large table. fn must not change
// the dict.
func (d *dict[T, P]) forEach(fn func(*T)) {
	for _, tab := range d.table {
		for _, e := range tab {
			for ; e != nil; e = *P(e).link() {
				fn(e)
			}
		}
	}
}

// scan calls fn for every entry of the bucket(s) at cursor and returns the
// next cursor (0 when done). Redis's reverse-binary increment guarantees that
// an entry present for a whole iteration is returned at least once, even if
// the table grows or shrinks between calls.
func (d *dict[T, P]) scan(cursor uint64, fn func(*T)) uint64 {
	if d.len() == 0 {
		return 0
	}
	emit := func(e *T) {
		for ; e != nil; e = *P(e).link() {
			fn(e)
		}
	}
	v := cursor
	if !d.rehashing() {
		m0 := uint64(len(d.table[0]) - 1)
		emit(d.table[0][v&m0])
		v |= ^m0
		return bits.Reverse64(bits.Reverse64(v) + 1)
	}
	t0, t1 := d.table[0], d.table[1]
	if len(t0) > len(t1) {
		t0, t1 = t1, t0
	}
	m0, m1 := uint64(len(t0)-1), uint64(len(t1)-1)
	emit(t0[v&m0])
	// Visit every bucket of the larger table that expands the smaller one's.
	for {
		emit(t1[v&m1])
		v |= ^m1
		v = bits.Reverse64(bits.Reverse64(v) + 1)
		if v&(m0^m1) == 0 {
			break
		}
	}
	return v
}

// random returns a uniformly chosen non-empty bucket's random entry, like
// Redis's dictGetRandomKey (not exactly uniform over entries, as in Redis).
func (d *dict[T, P]) random(rng *rand.Rand) *T {
	if d.len() == 0 {
		return nil
	}
	if d.rehashing() {
		d.rehashStep(1)
	}
	var bucket *T
	for bucket == nil {
		if d.rehashing() {
			// Buckets below rehashIdx in table[0] are empty.
			n0, n1 := len(d.table[0]), len(d.table[1])
			i := d.rehashIdx + rng.IntN(n0+n1-d.rehashIdx)
			if i >= n0 {
				bucket = d.table[1][i-n0]
			} else {
				bucket = d.table[0][i]
			}
		} else {
			bucket = d.table[0][rng.IntN(len(d.table[0]))]
		}
	}
	n := 0
	for e := bucket; e != nil; e = *P(e).link() {
		n++
	}
	e := bucket
	for i := rng.IntN(n); i > 0; i-- {
		e = *P(e).link()
	}
	return e
}
