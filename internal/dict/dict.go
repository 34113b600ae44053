// Package dict is Redis's dict.c in Go: a chained hash table with
// power-of-two sizes, incremental rehashing, the reverse-binary SCAN cursor
// and random sampling. Go's map offers neither a resumable cursor with
// SCAN's guarantee nor random sampling, and it never shrinks, so the
// keyspace, and the hash and set values in Redis's hashtable encoding, keep
// their own table.
//
// Nodes are intrusive: a Dict chains the caller's nodes through a link they
// hold (Node), so an entry costs the caller's one allocation and no more.
//
// Rehashing is dict.c's: a table grows at load factor 1 and shrinks, on a
// removal, below 10% fill; the move to the new table is incremental. As in
// dict.c, every Find, Add, AddOrFind, Remove and Random moves one bucket of
// a rehash under way (SomeKeys and FairRandom up to as many as they sample),
// unless the dict is paused; so does nothing else. Rehash moves more at
// once, for a cron such as the keyspace's (Redis's activerehashing). A Dict
// is not safe for concurrent use.
package dict

import (
	"fmt"
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
)

// Node is what a Dict chains: a pointer type with a link to the next node
// of its bucket, and a key. Link's target belongs to the Dict while the
// node is in it.
type Node[T any] interface {
	*T
	Link() **T
	Key() string
}

// Dict is a hash table of nodes *T by key. The zero value is not usable:
// make one with New.
type Dict[T any, P Node[T]] struct {
	seed      maphash.Seed
	table     [2][]*T
	used      [2]int
	rehashIdx int // next bucket of table[0] to move; -1 when not rehashing
	// paused stops resizing and rehashing while a reader walks the tables
	// bucket by bucket (Pause).
	paused int
}

const minSize = 4

// fairSample is how many nodes FairRandom samples (dict.c's
// GETFAIR_NUM_ENTRIES).
const fairSample = 15

// New returns an empty dict hashing keys with seed.
func New[T any, P Node[T]](seed maphash.Seed) *Dict[T, P] {
	return &Dict[T, P]{seed: seed, rehashIdx: -1}
}

// Len is the number of nodes.
func (d *Dict[T, P]) Len() int { return d.used[0] + d.used[1] }

// Rehashing reports whether the dict is moving to a new table.
func (d *Dict[T, P]) Rehashing() bool { return d.rehashIdx >= 0 }

func (d *Dict[T, P]) hash(key string) uint64 { return maphash.String(d.seed, key) }

// Rehash moves up to n buckets of a rehash under way, visiting at most 10*n
// empty ones, like dict.c's dictRehash, and reports whether the rehash
// still goes on. It does nothing while the dict is paused.
func (d *Dict[T, P]) Rehash(n int) bool {
	if d.Rehashing() {
		d.rehashStep(n)
	}
	return d.Rehashing()
}

// rehashStep moves up to n buckets; the dict must be rehashing.
func (d *Dict[T, P]) rehashStep(n int) {
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
			next := *P(e).Link()
			i := d.hash(P(e).Key()) & uint64(len(d.table[1])-1)
			*P(e).Link() = d.table[1][i]
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

// Pause stops resizing and rehashing until the matching Resume, so that a
// reader can walk the tables bucket by bucket (Table) across changes, as a
// snapshot does. Pauses nest. A dict without a table still gets one.
func (d *Dict[T, P]) Pause() { d.paused++ }

// Resume ends a Pause.
func (d *Dict[T, P]) Resume() { d.paused-- }

// Table returns hash table i: 0, the main one, or, while rehashing, 1, the
// one nodes move to (nil otherwise). It is for a reader that walks the
// buckets while the dict is paused (Pause): it must not change the table
// or the chains, and the table is the dict's only until the next change
// unless the dict is paused.
func (d *Dict[T, P]) Table(i int) []*T { return d.table[i] }

// resizeTo starts rehashing into a table of the smallest power of two >= n.
func (d *Dict[T, P]) resizeTo(n int) {
	size := minSize
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

// Reserve sizes an empty dict for n nodes, so that it doesn't rehash
// while it fills (Redis's dictExpand on loading an RDB's RESIZEDB).
func (d *Dict[T, P]) Reserve(n int) {
	if d.Len() == 0 && !d.Rehashing() && d.paused == 0 && n > len(d.table[0]) {
		d.table[0] = nil
		d.resizeTo(n)
	}
}

// maybeGrow grows the table at load factor 1, as Redis's dictAdd. A dict
// without a table gets one even while paused: a paused reader has nothing
// to read in it but nodes newer than its pause.
func (d *Dict[T, P]) maybeGrow() {
	switch size := len(d.table[0]); {
	case size == 0:
		d.resizeTo(minSize)
	case d.used[0] >= size && !d.Rehashing() && d.paused == 0:
		d.resizeTo(d.used[0] + 1)
	}
}

// maybeShrink shrinks the table below 10% fill, as Redis's cron does for
// the keyspace and t_set.c/t_hash.c after a deletion (htNeedsResize); only
// on removals, so that a table sized ahead (Reserve) stays so.
func (d *Dict[T, P]) maybeShrink() {
	if d.Rehashing() || d.paused > 0 {
		return
	}
	if size := len(d.table[0]); size > minSize && d.used[0]*10 < size {
		d.resizeTo(d.used[0])
	}
}

// Find returns the node for key, or nil.
func (d *Dict[T, P]) Find(key string) *T {
	if d.Len() == 0 {
		return nil
	}
	if d.Rehashing() {
		d.rehashStep(1)
	}
	return d.lookup(key, d.hash(key))
}

// lookup is Find without the rehash step, for a key whose hash is h.
func (d *Dict[T, P]) lookup(key string, h uint64) *T {
	for t := 0; t < 2 && len(d.table[t]) > 0; t++ {
		tab := d.table[t]
		for e := tab[h&uint64(len(tab)-1)]; e != nil; e = *P(e).Link() {
			if P(e).Key() == key {
				return e
			}
		}
		if !d.Rehashing() {
			break
		}
	}
	return nil
}

// Add links e, whose key must not be present yet.
func (d *Dict[T, P]) Add(e *T) {
	if d.Rehashing() {
		d.rehashStep(1)
	}
	d.link(e, d.hash(P(e).Key()))
}

// AddOrFind links e unless its key is present, and returns the node that
// holds the key then (nil if e was added): Find and Add with one hash.
func (d *Dict[T, P]) AddOrFind(e *T) *T {
	if d.Rehashing() {
		d.rehashStep(1)
	}
	h := d.hash(P(e).Key())
	if old := d.lookup(P(e).Key(), h); old != nil {
		return old
	}
	d.link(e, h)
	return nil
}

// link puts e, whose hash is h, in the table new nodes go to.
func (d *Dict[T, P]) link(e *T, h uint64) {
	d.maybeGrow()
	t := 0
	if d.Rehashing() {
		t = 1
	}
	i := h & uint64(len(d.table[t])-1)
	*P(e).Link() = d.table[t][i]
	d.table[t][i] = e
	d.used[t]++
}

// Replace swaps old, which must be linked, for e with the same key in
// place, and unlinks old.
func (d *Dict[T, P]) Replace(old, e *T) {
	h := d.hash(P(old).Key())
	for t := 0; t < 2; t++ {
		tab := d.table[t]
		if len(tab) == 0 {
			continue
		}
		for p := &tab[h&uint64(len(tab)-1)]; *p != nil; p = P(*p).Link() {
			if *p == old {
				*P(e).Link() = *P(old).Link()
				*p = e
				*P(old).Link() = nil
				return
			}
		}
	}
}

// Remove unlinks and returns the node for key, or nil.
func (d *Dict[T, P]) Remove(key string) *T {
	if d.Len() == 0 {
		return nil
	}
	if d.Rehashing() {
		d.rehashStep(1)
	}
	h := d.hash(key)
	for t := 0; t < 2; t++ {
		tab := d.table[t]
		if len(tab) == 0 {
			continue
		}
		for p := &tab[h&uint64(len(tab)-1)]; *p != nil; p = P(*p).Link() {
			if e := *p; P(e).Key() == key {
				*p = *P(e).Link()
				*P(e).Link() = nil
				d.used[t]--
				if d.Len() == 0 {
					// Drop the tables now: every later operation returns
					// early on an empty dict, so a rehash under way would
					// never finish and a table sized for the keys of a mass
					// expiry would stay allocated.
					d.Clear()
					return e
				}
				d.maybeShrink()
				return e
			}
		}
	}
	return nil
}

// Clear drops every node (without unlinking them from each other).
func (d *Dict[T, P]) Clear() {
	d.table = [2][]*T{}
	d.used = [2]int{}
	d.rehashIdx = -1
}

// ForEach visits every node, bucket by bucket in table order, as Redis's
// dict iterator does: memory order, unlike the SCAN cursor's reversed bits,
// which cost a cache miss per bucket of a large table. fn must not change
// the dict; it may look nodes up (ZINTER of a set with itself), which
// moves no node meanwhile: rehashing is paused, as by Redis's safe
// iterator.
func (d *Dict[T, P]) ForEach(fn func(*T)) {
	d.Pause()
	defer d.Resume()
	for _, tab := range d.table {
		for _, e := range tab {
			for ; e != nil; e = *P(e).Link() {
				fn(e)
			}
		}
	}
}

// Scan calls fn for every node of the bucket(s) at cursor and returns the
// next cursor (0 when done). Redis's reverse-binary increment guarantees
// that a node present for a whole iteration is returned at least once, even
// if the table grows or shrinks between calls. fn must not change the dict.
func (d *Dict[T, P]) Scan(cursor uint64, fn func(*T)) uint64 {
	if d.Len() == 0 {
		return 0
	}
	emit := func(e *T) {
		for ; e != nil; e = *P(e).Link() {
			fn(e)
		}
	}
	v := cursor
	if !d.Rehashing() {
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

// Random returns a uniformly chosen non-empty bucket's random node, or nil
// if the dict is empty, like Redis's dictGetRandomKey: not uniform over
// nodes, as a node alone in its bucket comes up more often than one sharing
// it (FairRandom is fairer). The keyspace's sampling (RANDOMKEY, active
// expiry) uses it, as Redis does.
func (d *Dict[T, P]) Random(rng *rand.Rand) *T {
	if d.Len() == 0 {
		return nil
	}
	if d.Rehashing() {
		d.rehashStep(1)
	}
	var bucket *T
	for bucket == nil {
		if d.Rehashing() {
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
	for e := bucket; e != nil; e = *P(e).Link() {
		n++
	}
	e := bucket
	for i := rng.IntN(n); i > 0; i-- {
		e = *P(e).Link()
	}
	return e
}

// FairRandom returns a random node, or nil if the dict is empty, like
// Redis's dictGetFairRandomKey (SRANDMEMBER, SPOP, HRANDFIELD): one of
// SomeKeys's sample of 15, chosen uniformly, or Random's if the sample came
// back empty. Closer to uniform than Random, since a sample holds whole
// chains: a node's chance no longer depends on how many share its bucket.
func (d *Dict[T, P]) FairRandom(rng *rand.Rand) *T {
	var buf [fairSample]*T
	sample := d.SomeKeys(rng, buf[:0], fairSample)
	if len(sample) == 0 {
		return d.Random(rng)
	}
	return sample[rng.IntN(len(sample))]
}

// SomeKeys appends to dst up to count distinct nodes from around a random
// spot of the table and returns the extended slice, like Redis's
// dictGetSomeKeys: it first moves up to count buckets of a rehash under
// way, then walks the buckets from a random index, taking whole chains and
// jumping elsewhere after a run of empty buckets longer than count (and at
// least 5), for at most 10*count buckets (count being at most Len). So it
// may return fewer than count, and the nodes are not independent draws:
// they come in runs of neighbouring buckets. Unlike dict.c's, a bucket
// visited twice (a jump back into a run already walked) is not taken
// twice.
func (d *Dict[T, P]) SomeKeys(rng *rand.Rand, dst []*T, count int) []*T {
	count = min(count, d.Len())
	if count <= 0 {
		return dst
	}
	for j := 0; j < count && d.Rehashing() && d.paused == 0; j++ {
		d.rehashStep(1)
	}
	tables := 1
	if d.Rehashing() {
		tables = 2
	}
	mask := uint64(len(d.table[0]) - 1)
	if tables == 2 {
		mask = max(mask, uint64(len(d.table[1])-1))
	}
	// The buckets taken so far (index<<1 | table), to skip them when the
	// walk comes back.
	var taken bucketSet
	stored := 0
	i := rng.Uint64() & mask
	emptyRun := 0
	for steps := 10 * count; stored < count && steps > 0; steps-- {
		for t := 0; t < tables; t++ {
			if tables == 2 && t == 0 && i < uint64(d.rehashIdx) {
				// Buckets of table[0] below rehashIdx are empty; if i is
				// past the end of table[1] too (a shrink), so are both
				// tables up to rehashIdx: jump there.
				if i >= uint64(len(d.table[1])) {
					i = uint64(d.rehashIdx)
				} else {
					continue
				}
			}
			if i >= uint64(len(d.table[t])) {
				continue
			}
			e := d.table[t][i]
			if e == nil {
				if emptyRun++; emptyRun >= 5 && emptyRun > count {
					i = rng.Uint64() & mask
					emptyRun = 0
				}
				continue
			}
			emptyRun = 0
			if !taken.add(i<<1 | uint64(t)) {
				continue
			}
			for ; e != nil; e = *P(e).Link() {
				dst = append(dst, e)
				if stored++; stored == count {
					return dst
				}
			}
		}
		i = (i + 1) & mask
	}
	return dst
}

// bucketSet is SomeKeys's set of buckets taken: scanned linearly while it
// holds a handful (always, for FairRandom's sample), a map beyond.
type bucketSet struct {
	small [fairSample]uint64
	n     int
	m     map[uint64]struct{}
}

// add adds b and reports whether it was not in the set yet.
func (s *bucketSet) add(b uint64) bool {
	if s.m != nil {
		if _, ok := s.m[b]; ok {
			return false
		}
		s.m[b] = struct{}{}
		return true
	}
	for _, x := range s.small[:s.n] {
		if x == b {
			return false
		}
	}
	if s.n < len(s.small) {
		s.small[s.n] = b
		s.n++
		return true
	}
	s.m = make(map[uint64]struct{}, 2*len(s.small))
	for _, x := range s.small {
		s.m[x] = struct{}{}
	}
	s.m[b] = struct{}{}
	return true
}

// statsChainLengths is how many chain lengths Stats counts apart, the
// last counting every longer chain too (dict.c's DICT_STATS_VECTLEN).
const statsChainLengths = 50

// Stats describes the table's shape as Redis's dictGetStats does, for
// DEBUG HTSTATS: per table (the rehashing target too while there is one)
// its size, nodes, non-empty buckets, chain lengths and their
// distribution.
func (d *Dict[T, P]) Stats() string {
	s := d.tableStats(0)
	if d.Rehashing() {
		s += d.tableStats(1)
	}
	return s
}

func (d *Dict[T, P]) tableStats(i int) string {
	name := "main hash table"
	if i == 1 {
		name = "rehashing target"
	}
	s := fmt.Sprintf("Hash table %d stats (%s):\n", i, name)
	if d.used[i] == 0 {
		return s + "No stats available for empty dictionaries\n"
	}
	var lengths [statsChainLengths]int
	slots, maxChain, total := 0, 0, 0
	for _, n := range d.table[i] {
		chain := 0
		for ; n != nil; n = *P(n).Link() {
			chain++
		}
		lengths[min(chain, statsChainLengths-1)]++
		if chain == 0 {
			continue
		}
		slots++
		maxChain = max(maxChain, chain)
		total += chain
	}
	size := len(d.table[i])
	s += fmt.Sprintf(" table size: %d\n number of elements: %d\n different slots: %d\n"+
		" max chain length: %d\n avg chain length (counted): %.02f\n avg chain length (computed): %.02f\n"+
		" Chain length distribution:\n",
		size, d.used[i], slots, maxChain,
		float32(total)/float32(slots), float32(d.used[i])/float32(slots))
	// As dict.c, the catch-all last count is left out.
	for l, n := range lengths[:statsChainLengths-1] {
		if n != 0 {
			s += fmt.Sprintf("   %d: %d (%.02f%%)\n", l, n, float32(n)/float32(size)*100)
		}
	}
	return s
}
