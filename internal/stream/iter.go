package stream

import "respd/internal/listpack"

// entryIter walks the entries of one node, deleted ones included: p is the
// offset of the current entry's flags (-1 past either end), and the rest
// describes it.
type entryIter struct {
	lp     []byte
	master ID

	masterFields int // offset of the master entry's first field name
	numMaster    int // the master entry's field count
	firstEntry   int // offset of the first entry's flags

	p         int
	id        ID
	flags     int64
	numFields int
	fieldsAt  int // offset of the first field (or, with SAMEFIELDS, value)
	end       int // offset of the entry's lp-count
}

// header reads the master entry.
func (it *entryIter) header() {
	lp := it.lp
	p := listpack.Next(lp, listpack.Next(lp, listpack.First(lp))) // num-fields
	it.numMaster = int(listpack.Get(lp, p).Int)
	p = listpack.Next(lp, p)
	it.masterFields = p
	for range it.numMaster {
		p = listpack.Next(lp, p)
	}
	it.firstEntry = listpack.Next(lp, p) // past the master's terminating 0
}

// first moves to the node's first entry.
func (it *entryIter) first() {
	it.header()
	it.at(it.firstEntry)
}

// last moves to the node's last entry.
func (it *entryIter) last() {
	it.header()
	it.back(listpack.Last(it.lp))
}

// next moves to the entry after the current one.
func (it *entryIter) next() { it.at(listpack.Next(it.lp, it.end)) }

// prev moves to the entry before the current one.
func (it *entryIter) prev() {
	if it.p == it.firstEntry {
		it.p = -1
		return
	}
	it.back(listpack.Prev(it.lp, it.p))
}

// back moves to the entry whose lp-count is at end, walking back over its
// lp-count elements to its flags.
func (it *entryIter) back(end int) {
	p := end
	for n := listpack.Get(it.lp, end).Int; n > 0; n-- {
		p = listpack.Prev(it.lp, p)
	}
	it.at(p)
}

// at reads the entry whose flags are at p (-1 or the end: none).
func (it *entryIter) at(p int) {
	it.p = p
	if p < 0 {
		return
	}
	lp := it.lp
	it.flags = listpack.Get(lp, p).Int
	p = listpack.Next(lp, p)
	msDiff := uint64(listpack.Get(lp, p).Int)
	p = listpack.Next(lp, p)
	seqDiff := uint64(listpack.Get(lp, p).Int)
	p = listpack.Next(lp, p)
	it.id = ID{it.master.Ms + msDiff, it.master.Seq + seqDiff}
	elems := it.numMaster
	if it.flags&flagSameFields == 0 {
		it.numFields = int(listpack.Get(lp, p).Int)
		p = listpack.Next(lp, p)
		elems = 2 * it.numFields
	} else {
		it.numFields = it.numMaster
	}
	it.fieldsAt = p
	for range elems {
		p = listpack.Next(lp, p)
	}
	it.end = p
}

// fields calls fn with each field and value of the current entry.
func (it *entryIter) fields(fn func(field, value listpack.Value)) {
	lp, p := it.lp, it.fieldsAt
	if it.flags&flagSameFields != 0 {
		f := it.masterFields
		for range it.numFields {
			fn(listpack.Get(lp, f), listpack.Get(lp, p))
			f, p = listpack.Next(lp, f), listpack.Next(lp, p)
		}
		return
	}
	for range it.numFields {
		v := listpack.Next(lp, p)
		fn(listpack.Get(lp, p), listpack.Get(lp, v))
		p = listpack.Next(lp, v)
	}
}

// Iter walks the live entries of an ID range, forward or backward
// (streamIterator). The stream must not change while it is used, except
// through its Delete.
type Iter struct {
	s          *Stream
	start, end ID
	rev        bool
	n          *node
	e          entryIter
	started    bool
}

// Range returns an iterator over the entries from start to end, both
// included, in reverse order if rev.
func (s *Stream) Range(start, end ID, rev bool) *Iter {
	it := &Iter{}
	s.RangeInto(it, start, end, rev)
	return it
}

// RangeInto is Range in an iterator the caller owns, without allocating.
func (s *Stream) RangeInto(it *Iter, start, end ID, rev bool) {
	*it = Iter{s: s, start: start, end: end, rev: rev}
}

// Next moves to the next entry of the range, false at its end.
func (it *Iter) Next() bool {
	if it.start.Compare(it.end) > 0 || it.started && it.n == nil {
		return false
	}
	for {
		if !it.started {
			it.started = true
			if !it.rev {
				it.n = it.s.nodeAtOrBefore(it.start)
				if it.n == nil {
					it.n, _ = it.s.nodes.Min()
				}
			} else {
				it.n = it.s.nodeAtOrBefore(it.end)
			}
			if it.n == nil {
				return false
			}
			it.enter()
		} else if it.e.p >= 0 {
			if it.rev {
				it.e.prev()
			} else {
				it.e.next()
			}
		}
		if it.e.p < 0 {
			if it.rev {
				it.n = it.s.nodeBefore(it.n.master)
			} else {
				it.n = it.s.nodeAfter(it.n.master)
			}
			if it.n == nil {
				return false
			}
			it.enter()
			if it.e.p < 0 {
				continue
			}
		}
		if it.e.flags&flagDeleted != 0 {
			// Only live entries' IDs count: a tombstone's may be anything,
			// as XSETID can go back past it.
			continue
		}
		if !it.rev {
			if it.e.id.Compare(it.end) > 0 {
				it.n, it.e.p = nil, -1
				return false
			}
			if it.e.id.Less(it.start) {
				continue
			}
		} else {
			if it.e.id.Less(it.start) {
				it.n, it.e.p = nil, -1
				return false
			}
			if it.e.id.Compare(it.end) > 0 {
				continue
			}
		}
		return true
	}
}

// enter starts walking it.n from its first (or last) entry.
func (it *Iter) enter() {
	it.e = entryIter{lp: it.n.lp, master: it.n.master}
	if it.rev {
		it.e.last()
	} else {
		it.e.first()
	}
}

// ID is the current entry's ID.
func (it *Iter) ID() ID { return it.e.id }

// NumFields is the current entry's number of fields.
func (it *Iter) NumFields() int { return it.e.numFields }

// Fields calls fn with each field and value of the current entry; the
// values alias the stream.
func (it *Iter) Fields(fn func(field, value listpack.Value)) { it.e.fields(fn) }

// Delete removes the current entry (streamIteratorRemoveEntry); Next goes
// on from it. The caller updates the first ID, as after Stream.Delete.
func (it *Iter) Delete() {
	id := it.e.id
	live, _ := nodeCounts(it.n.lp)
	before := len(it.n.lp)
	it.n = it.s.deleteEntry(it.n, it.e.p, it.e.flags)
	if id.Compare(it.s.maxDeletedID) > 0 {
		it.s.maxDeletedID = id
	}
	if live == 1 {
		// The node is gone: go on from its neighbour.
		it.e.p = -1
		return
	}
	// The flags keep their size (small integers); the master entry's
	// counts, before every entry, may have grown or shrunk by a byte.
	delta := len(it.n.lp) - before
	it.e.lp = it.n.lp
	it.e.masterFields += delta
	it.e.firstEntry += delta
	it.e.p += delta
	it.e.fieldsAt += delta
	it.e.end += delta
	it.e.flags |= flagDeleted
}
