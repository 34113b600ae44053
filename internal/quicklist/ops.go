package quicklist

import (
	"bytes"
	"strconv"

	"respd/internal/listpack"
)

// PushHead adds v (copied) at the head (quicklistPushHead).
func (l *List) PushHead(v []byte) { l.push(v, true) }

// PushTail adds v (copied) at the tail (quicklistPushTail).
func (l *List) PushTail(v []byte) { l.push(v, false) }

func (l *List) push(v []byte, head bool) {
	l.own()
	end := 0 // the node to push into, -1 if none
	if !head || l.NodeCount() == 0 {
		end = l.NodeCount() - 1
	}
	switch {
	case isLarge(len(v)):
		l.insertPlainNode(end, v, !head)
		return
	case l.allowInsert(end, len(v)):
		n := l.writable(end)
		n.data = listpack.Grow(n.data, len(v)+sizeEstimateOverhead, l.maxNodeSize())
		if head {
			n.data = listpack.Prepend(n.data, v)
		} else {
			n.data = listpack.Append(n.data, v)
		}
	default:
		l.insertNode(end, l.newNode(listpack.Build(v)), !head)
	}
	l.count++
}

// PopHead removes and returns the element at the head (quicklistPop); the
// bytes are the caller's.
func (l *List) PopHead() ([]byte, bool) { return l.popCopy(true) }

// PopTail removes and returns the element at the tail.
func (l *List) PopTail() ([]byte, bool) { return l.popCopy(false) }

func (l *List) popCopy(head bool) (v []byte, ok bool) {
	ok = l.Pop(head, func(b []byte) { v = append([]byte(nil), b...) })
	return v, ok
}

// Pop removes the element at the head, or at the tail, calling fn with
// its bytes first (integers in decimal), which are valid only until fn
// returns: a reply is written from the node itself, without a copy. It
// reports whether there was an element.
func (l *List) Pop(head bool, fn func([]byte)) bool {
	if l.count == 0 {
		return false
	}
	l.own()
	i, pos := 0, 0
	if !head {
		i, pos = l.NodeCount()-1, -1
	}
	n := l.node(i)
	if n.plain() {
		fn(n.data)
		l.delNode(i)
		return true
	}
	// The ends are never compressed.
	p := listpack.Seek(n.data, pos)
	if v := listpack.Get(n.data, p); v.IsInt() {
		bp := scratch.Get().(*[]byte)
		*bp = strconv.AppendInt((*bp)[:0], v.Int, 10)
		fn(*bp)
		putScratch(bp)
	} else {
		fn(v.Str)
	}
	l.delIndex(i, p)
	return true
}

// locate finds the element at index (negative: from the tail) as
// quicklistGetIteratorAtIdx does, walking from the nearer end, skipping
// whole nodes by their counts; it returns its node and its offset there.
func (l *List) locate(index int) (i, off int, ok bool) {
	if index < 0 {
		index += l.count
	}
	if index < 0 || index >= l.count {
		return 0, 0, false
	}
	if index <= (l.count-1)/2 {
		accum := 0
		for i = 0; ; i++ {
			c := l.node(i).count()
			if accum+c > index {
				return i, index - accum, true
			}
			accum += c
		}
	}
	accum := l.count
	for i = l.NodeCount() - 1; ; i-- {
		accum -= l.node(i).count()
		if accum <= index {
			return i, index - accum, true
		}
	}
}

// Insert inserts v before (or after) the first element equal to pivot
// from the head, and reports whether there was one (LINSERT).
func (l *List) Insert(pivot, v []byte, after bool) bool {
	bp := scratch.Get().(*[]byte)
	defer putScratch(bp)
	for i := 0; i < l.NodeCount(); i++ {
		n := l.node(i)
		off := -1
		raw := n.raw(*bp)
		if n.compressed() {
			*bp = raw
		}
		if n.plain() {
			if bytes.Equal(raw, pivot) {
				off = 0
			}
		} else {
			lp := raw
			k := 0
			for p := listpack.First(lp); p >= 0; p = listpack.Next(lp, p) {
				if listpack.Compare(lp, p, pivot) {
					off = k
					break
				}
				k++
			}
		}
		if off >= 0 {
			// Redis's iterator has decompressed the pivot's node for use.
			l.own()
			l.decompressForUse(i)
			l.insert(i, off, v, after)
			return true
		}
		l.afterRead(i)
	}
	return false
}

// insert inserts v next to the element at offset off of node i, which is
// uncompressed (_quicklistInsert).
func (l *List) insert(i, off int, v []byte, after bool) {
	sz := len(v)
	cnt := l.node(i).count()
	full := !l.allowInsert(i, sz)
	atTail, atHead, availNext, availPrev := false, false, false, false
	if after && off == cnt-1 {
		atTail = true
		availNext = l.allowInsert(i+1, sz)
	}
	if !after && off == 0 {
		atHead = true
		availPrev = l.allowInsert(i-1, sz)
	}
	if isLarge(sz) {
		if l.node(i).plain() || (atTail && after) || (atHead && !after) {
			l.insertPlainNode(i, v, after)
		} else {
			l.decompressForUse(i)
			split := l.splitNode(i, off, after)
			e := l.insertNode(i, l.plainNode(v), after)
			l.insertNode(e, split, after)
			l.count++
		}
		return
	}
	switch {
	case !full:
		l.decompressForUse(i)
		n := l.writable(i)
		n.data, _ = listpack.Insert(n.data, listpack.Seek(n.data, off), v, after)
		l.recompressOnly(i)
	case atTail && availNext && after:
		// Into the head of the next node.
		l.decompressForUse(i + 1)
		n := l.writable(i + 1)
		n.data = listpack.Prepend(n.data, v)
		l.recompressOnly(i + 1)
		l.recompressOnly(i)
	case atHead && availPrev && !after:
		// Onto the tail of the previous node.
		l.decompressForUse(i - 1)
		n := l.writable(i - 1)
		n.data = listpack.Append(n.data, v)
		l.recompressOnly(i - 1)
		l.recompressOnly(i)
	case atTail || atHead:
		// At an end of a full node whose neighbour is full too.
		l.insertNode(i, l.newNode(listpack.Build(v)), after)
	default:
		// Inside a full node: split it there.
		l.decompressForUse(i)
		split := l.splitNode(i, off, after)
		if after {
			split.data = listpack.Prepend(split.data, v)
		} else {
			split.data = listpack.Append(split.data, v)
		}
		l.insertNode(i, split, after)
		if !after {
			i++ // the split part went before node i
		}
		l.mergeNodes(i)
	}
	l.count++
}

// splitNode splits uncompressed node i at offset off and returns the part
// it takes out, not yet in the list (_quicklistSplitNode): after, node i
// keeps [0, off] and the new node gets the rest; else node i keeps
// [off, end] and the new node [0, off-1].
func (l *List) splitNode(i, off int, after bool) node {
	n := l.writable(i)
	split := l.newNode(append([]byte(nil), n.data...))
	if after {
		n.data = listpack.DeleteRange(n.data, off+1, -1)
		split.data = listpack.DeleteRange(split.data, 0, off+1)
	} else {
		n.data = listpack.DeleteRange(n.data, 0, off)
		split.data = listpack.DeleteRange(split.data, off, -1)
	}
	return split
}

// mergeNodes merges what it may around node center after a split
// (_quicklistMergeNodes): the two nodes before it, the two after it, then
// center with the one before it, and the result with the one after.
func (l *List) mergeNodes(center int) {
	if l.allowMerge(center-1, center-2) {
		l.merge(center-2, center-1)
		center--
	}
	if l.allowMerge(center+1, center+2) {
		l.merge(center+1, center+2)
	}
	target := center
	if l.allowMerge(center, center-1) {
		target = l.merge(center-1, center)
	}
	if l.allowMerge(target, target+1) {
		l.merge(target, target+1)
	}
}

// merge makes nodes a and a+1 one (_quicklistListpackMerge, lpMerge):
// the node with more elements (a on a tie) keeps its place in Redis and
// takes the other's; here the merged node, with the kept one's flags,
// takes a's index, which merge returns.
func (l *List) merge(a, b int) int {
	l.decompressNode(a)
	l.decompressNode(b)
	keep := a
	if l.node(a).count() < l.node(b).count() {
		keep = b
	}
	l.writable(keep)
	merged := *l.node(keep)
	merged.data = listpack.Merge(l.node(a).data, l.node(b).data)
	*l.node(a) = merged
	l.removeAt(b)
	l.compressDepth(-1)
	l.compress(a)
	return a
}

// Index returns the element at index (negative: from the tail), found by
// skipping whole nodes (LINDEX). The bytes are valid until the list
// next changes and must not be modified.
func (l *List) Index(index int) ([]byte, bool) {
	i, off, ok := l.locate(index)
	if !ok {
		return nil, false
	}
	n := l.node(i)
	var v []byte
	if n.plain() {
		v = n.raw(nil)
	} else {
		lp := n.raw(nil)
		v = listpack.Get(lp, listpack.Seek(lp, off)).Append(nil)
	}
	l.afterRead(i)
	return v, true
}

// Replace sets the element at index (negative: from the tail) to v and
// reports whether there was one (LSET; quicklistReplaceAtIndex).
func (l *List) Replace(index int, v []byte) bool {
	i, off, ok := l.locate(index)
	if !ok {
		return false
	}
	l.own()
	l.decompressForUse(i)
	n := l.node(i)
	switch {
	case !n.plain() && !isLarge(len(v)):
		n = l.writable(i)
		n.data = listpack.Replace(n.data, listpack.Seek(n.data, off), v)
		l.compress(i)
	case n.plain() && isLarge(len(v)):
		n.data, n.epoch = append([]byte(nil), v...), l.epoch
		l.compress(i)
	case n.plain():
		l.insert(i, off, v, true)
		l.delNode(i)
	default:
		// A large element in a packed node: inserted after, in a plain
		// node, then the old one deleted, node i kept uncompressed
		// meanwhile.
		n.flags |= fDontCompress
		l.insert(i, off, v, true)
		if l.node(i).count() == 1 {
			l.delNode(i)
		} else {
			// node i now ends with the replaced element.
			l.delIndex(i, listpack.Last(l.node(i).data))
			l.node(i).flags &^= fDontCompress
			l.compress(i)
			l.compress(i + 1)
		}
	}
	return true
}

// DelRange deletes count elements from index start (negative: from the
// tail), fewer if the list ends first, and reports whether it deleted
// any (quicklistDelRange: LTRIM, and the pops of several elements).
func (l *List) DelRange(start, count int) bool {
	if count <= 0 {
		return false
	}
	extent := count
	if start >= 0 && extent > l.count-start {
		extent = l.count - start
	} else if start < 0 && extent > -start {
		extent = -start
	}
	i, off, ok := l.locate(start)
	if !ok {
		return false
	}
	l.own()
	// Redis releases the iterator that found the start.
	l.compress(i)
	for extent > 0 {
		n := l.node(i)
		cnt := n.count()
		del := min(extent, cnt-off)
		if (off == 0 && extent >= cnt) || n.plain() {
			l.delNode(i)
		} else {
			l.decompressForUse(i)
			n = l.writable(i)
			n.data = listpack.DeleteRange(n.data, off, del)
			l.count -= del
			if del == cnt {
				l.delNode(i)
			} else {
				l.recompressOnly(i)
				i++
			}
		}
		extent -= del
		off = 0
	}
	return true
}

// Trim keeps the elements from start to stop (LTRIM's arguments:
// negative from the tail, normalized as LTRIM does) and deletes the rest:
// first those before start, then those after stop.
func (l *List) Trim(start, stop int) {
	llen := l.count
	ltrim, rtrim := llen, 0
	if start, stop, ok := normalize(start, stop, llen); ok {
		ltrim, rtrim = start, llen-stop-1
	}
	l.DelRange(0, ltrim)
	l.DelRange(-rtrim, rtrim)
}

// normalize turns LRANGE/LTRIM arguments into 0 <= start <= stop < n, or
// reports the range empty.
func normalize(start, stop, n int) (int, int, bool) {
	if start < 0 {
		start += n
	}
	if stop < 0 {
		stop += n
	}
	start = max(start, 0)
	if start > stop || start >= n {
		return 0, 0, false
	}
	return start, min(stop, n-1), true
}

// Remove deletes elements equal to v, at most count of them from the head
// (count > 0) or from the tail (count < 0), all of them for 0, and
// returns how many it deleted (LREM).
func (l *List) Remove(v []byte, count int) int {
	if l.count == 0 {
		return 0
	}
	l.own()
	reverse := count < 0
	limit := count
	if reverse {
		limit = -count
	}
	removed := 0
	i, step := 0, 1
	if reverse {
		i, step = l.NodeCount()-1, -1
	}
	for i >= 0 && i < l.NodeCount() {
		// Redis's iterator decompresses each node it walks through.
		l.decompressForUse(i)
		n := l.node(i)
		var gone bool
		if n.plain() {
			if bytes.Equal(n.data, v) {
				removed++
				l.delNode(i)
				gone = true
			}
		} else {
			// Which matches go: from the first, or, from the tail, the last
			// ones, as many as the limit still allows.
			skipFirst, want := 0, 0
			matches := 0
			for p := listpack.First(n.data); p >= 0; p = listpack.Next(n.data, p) {
				if listpack.Compare(n.data, p, v) {
					matches++
				}
			}
			want = matches
			if limit > 0 {
				want = min(matches, limit-removed)
			}
			if reverse {
				skipFirst = matches - want
			}
			if want > 0 {
				if want == n.count() {
					l.delNode(i)
					gone = true
				} else {
					n = l.writable(i)
					seen := 0
					n.data, _ = listpack.DeleteFunc(n.data, func(p int) bool {
						if !listpack.Compare(n.data, p, v) {
							return false
						}
						seen++
						return seen > skipFirst && seen <= skipFirst+want
					})
					l.count -= want
				}
				removed += want
			}
		}
		done := limit > 0 && removed == limit
		if gone {
			// The iterator moved on to the next node.
			if !reverse {
				i -= step
			}
			if done {
				if j := i + step; j >= 0 && j < l.NodeCount() {
					l.compress(j)
				}
				break
			}
		} else {
			// Left (or released, when done) by the iterator.
			l.compress(i)
			if done {
				break
			}
		}
		i += step
	}
	return removed
}
