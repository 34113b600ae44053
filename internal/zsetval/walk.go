package zsetval

import "respd/internal/listpack"

// The walks over ranks, scores and members: ZRANGE and its variants,
// ZCOUNT, ZLEXCOUNT, ZREMRANGEBY*, ZPOPMIN and ZPOPMAX. A lex range
// assumes, as Redis documents, that every member has the same score;
// otherwise which members it finds is the outcome of Redis's algorithm,
// which the listpack's walks follow step by step.

// RangeByRank calls fn with the members of ranks start to stop (as
// ClampRanks reads them) and their scores, by ascending score or, if
// reverse, descending, until fn returns false
// (genericZrangebyrankCommand): O(log N + M) in a skiplist.
func (z *ZSet) RangeByRank(start, stop int64, reverse bool, fn func(member []byte, score float64) bool) {
	first, last, ok := ClampRanks(start, stop, z.Len())
	if !ok {
		return
	}
	n := last - first + 1
	if z.small() {
		lp := z.listpack()
		var d digits
		defer d.release()
		var p int
		if reverse {
			p = listpack.Seek(lp, -2-2*first)
		} else {
			p = listpack.Seek(lp, 2*first)
		}
		for ; n > 0; n-- {
			q := listpack.Next(lp, p)
			if !fn(d.member(lp, p), entryScore(lp, q)) {
				return
			}
			if reverse {
				p = prevPair(lp, p)
			} else {
				p = listpack.Next(lp, q)
			}
		}
		return
	}
	s := z.skiplist()
	var x *node
	if reverse {
		x = s.byRank(s.length - first)
	} else {
		x = s.byRank(first + 1)
	}
	for ; n > 0; n-- {
		if !fn(unsafeBytes(x.member), x.score) {
			return
		}
		x = x.step(reverse)
	}
}

// step is the node after n, or before it if reverse.
func (n *node) step(reverse bool) *node {
	if reverse {
		return n.backward
	}
	return n.level[0].forward
}

// RangeByScore calls fn with the members whose scores are in r and their
// scores, by ascending score or, if reverse, descending, skipping the
// first offset, at most limit of them (all if limit < 0), until fn
// returns false (genericZrangebyscoreCommand). A negative offset gives
// none: Redis's skipping loop runs off the end. O(log N + M) in a
// skiplist, where Redis walks the offset.
func (z *ZSet) RangeByScore(r ScoreRange, reverse bool, offset, limit int64, fn func(member []byte, score float64) bool) {
	z.rangeIn(&interval{score: r}, reverse, offset, limit, fn)
}

// RangeByLex is RangeByScore for a lex range, on members
// (genericZrangebylexCommand).
func (z *ZSet) RangeByLex(r LexRange, reverse bool, offset, limit int64, fn func(member []byte, score float64) bool) {
	z.rangeIn(&interval{byLex: true, lex: r}, reverse, offset, limit, fn)
}

func (z *ZSet) rangeIn(iv *interval, reverse bool, offset, limit int64, fn func(member []byte, score float64) bool) {
	if offset < 0 || offset >= int64(z.Len()) {
		return
	}
	if z.small() {
		lp := z.listpack()
		var p int
		if reverse {
			p = lpLastIn(lp, iv)
		} else {
			p = lpFirstIn(lp, iv)
		}
		for ; p >= 0 && offset > 0; offset-- {
			if reverse {
				p = prevPair(lp, p)
			} else {
				p = nextPair(lp, p)
			}
		}
		var d digits
		defer d.release()
		for ; p >= 0 && limit != 0; limit-- {
			q := listpack.Next(lp, p)
			member, score := d.member(lp, p), entryScore(lp, q)
			if reverse && !iv.gteMin(member, score) || !reverse && !iv.lteMax(member, score) {
				return
			}
			if !fn(member, score) {
				return
			}
			if reverse {
				p = prevPair(lp, p)
			} else {
				p = listpack.Next(lp, q)
			}
		}
		return
	}
	s := z.skiplist()
	var x *node
	var rank int
	if reverse {
		x, rank = s.lastIn(iv)
	} else {
		x, rank = s.firstIn(iv)
	}
	if x != nil && offset > 0 {
		// Skip by rank: the skipped nodes aren't checked, as in Redis.
		if reverse {
			rank -= int(offset)
		} else {
			rank += int(offset)
		}
		x = s.byRank(rank) // nil past either end: rank 0 is the head's
		if x == s.head {
			x = nil
		}
	}
	for ; x != nil && limit != 0; limit-- {
		member := unsafeBytes(x.member)
		if reverse && !iv.gteMin(member, x.score) || !reverse && !iv.lteMax(member, x.score) {
			return
		}
		if !fn(member, x.score) {
			return
		}
		x = x.step(reverse)
	}
}

// CountInScoreRange is how many members have scores in r (ZCOUNT):
// O(log N) in a skiplist, from ranks.
func (z *ZSet) CountInScoreRange(r ScoreRange) int { return z.count(&interval{score: r}) }

// CountInLexRange is how many members are in r (ZLEXCOUNT): O(log N) in
// a skiplist, from ranks.
func (z *ZSet) CountInLexRange(r LexRange) int { return z.count(&interval{byLex: true, lex: r}) }

func (z *ZSet) count(iv *interval) int {
	if z.small() {
		lp := z.listpack()
		n := 0
		var buf [20]byte
		for p := lpFirstIn(lp, iv); p >= 0; p = nextPair(lp, p) {
			if member, score := lpPair(lp, p, &buf, iv.byLex); !iv.lteMax(member, score) {
				break
			}
			n++
		}
		return n
	}
	s := z.skiplist()
	first, firstRank := s.firstIn(iv)
	if first == nil {
		return 0
	}
	n := s.length - (firstRank - 1)
	if last, lastRank := s.lastIn(iv); last != nil {
		n -= s.length - lastRank
	}
	return n
}

// DeleteRangeByRank removes the members of ranks start to stop (as
// ClampRanks reads them) and returns how many (ZREMRANGEBYRANK).
func (z *ZSet) DeleteRangeByRank(start, stop int64) int {
	first, last, ok := ClampRanks(start, stop, z.Len())
	if !ok {
		return 0
	}
	if z.small() {
		n := last - first + 1
		z.setListpack(listpack.DeleteRange(z.listpack(), 2*first, 2*n))
		return n
	}
	return z.skiplist().deleteRanks(first+1, last+1)
}

// DeleteRangeByScore removes the members whose scores are in r and
// returns how many (ZREMRANGEBYSCORE).
func (z *ZSet) DeleteRangeByScore(r ScoreRange) int { return z.deleteIn(&interval{score: r}) }

// DeleteRangeByLex removes the members in r and returns how many
// (ZREMRANGEBYLEX).
func (z *ZSet) DeleteRangeByLex(r LexRange) int { return z.deleteIn(&interval{byLex: true, lex: r}) }

// deleteIn is zzlDeleteRangeByScore and ByLex (from the first member in
// iv, while below its max), and zslDeleteRangeByScore and ByLex (from the
// first above its min, while below its max).
func (z *ZSet) deleteIn(iv *interval) int {
	if z.small() {
		lp := z.listpack()
		from := lpFirstIn(lp, iv)
		if from < 0 {
			return 0
		}
		n, to := 0, from
		var buf [20]byte
		for ; to >= 0; to = nextPair(lp, to) {
			if member, score := lpPair(lp, to, &buf, iv.byLex); !iv.lteMax(member, score) {
				break
			}
			n++
		}
		if to < 0 {
			to = len(lp) - 1
		}
		lp, _ = listpack.DeleteFunc(lp, func(p int) bool { return p >= from && p < to })
		z.setListpack(lp)
		return n
	}
	s := z.skiplist()
	var update [maxLevel]*node
	x, _ := s.prefix(func(n *node) bool { return !iv.gteMin(unsafeBytes(n.member), n.score) }, &update)
	return s.deleteFrom(x.level[0].forward, &update, func(n *node) bool {
		return iv.lteMax(unsafeBytes(n.member), n.score)
	})
}

// PopMin removes the count members of lowest scores (all if fewer),
// calling fn with each, lowest first, and returns how many
// (genericZpopCommand).
func (z *ZSet) PopMin(count int64, fn func(member []byte, score float64)) int {
	return z.pop(count, false, fn)
}

// PopMax is PopMin for the highest scores, highest first.
func (z *ZSet) PopMax(count int64, fn func(member []byte, score float64)) int {
	return z.pop(count, true, fn)
}

func (z *ZSet) pop(count int64, highest bool, fn func(member []byte, score float64)) int {
	if count <= 0 {
		return 0
	}
	n := int(min(count, int64(z.Len())))
	z.RangeByRank(0, int64(n-1), highest, func(member []byte, score float64) bool {
		fn(member, score)
		return true
	})
	if highest {
		z.DeleteRangeByRank(int64(-n), -1)
	} else {
		z.DeleteRangeByRank(0, int64(n-1))
	}
	return n
}

// lpPair reads what iv tests of the pair at p: the member (in buf if an
// integer) for a lex range, the score for a score range.
func lpPair(lp []byte, p int, buf *[20]byte, byLex bool) ([]byte, float64) {
	if byLex {
		return memberBytes(listpack.Get(lp, p), buf), 0
	}
	return nil, entryScore(lp, listpack.Next(lp, p))
}

// lpOverlaps reports whether the listpack may have members in iv
// (zzlIsInRange, zzlIsInLexRange): its last member is above iv's min, its
// first below its max.
func lpOverlaps(lp []byte, iv *interval) bool {
	last := listpack.Seek(lp, -2)
	if iv.empty() || last < 0 {
		return false
	}
	var buf [20]byte
	if member, score := lpPair(lp, last, &buf, iv.byLex); !iv.gteMin(member, score) {
		return false
	}
	member, score := lpPair(lp, listpack.First(lp), &buf, iv.byLex)
	return iv.lteMax(member, score)
}

// lpFirstIn is the offset of the first member in iv, -1 if none
// (zzlFirstInRange, zzlFirstInLexRange): the first above the min, if it
// is below the max.
func lpFirstIn(lp []byte, iv *interval) int {
	if !lpOverlaps(lp, iv) {
		return -1
	}
	var buf [20]byte
	for p := listpack.First(lp); p >= 0; p = nextPair(lp, p) {
		if member, score := lpPair(lp, p, &buf, iv.byLex); iv.gteMin(member, score) {
			if iv.lteMax(member, score) {
				return p
			}
			return -1
		}
	}
	return -1
}

// lpLastIn is the offset of the last member in iv, -1 if none
// (zzlLastInRange, zzlLastInLexRange): the last below the max, if it is
// above the min.
func lpLastIn(lp []byte, iv *interval) int {
	if !lpOverlaps(lp, iv) {
		return -1
	}
	var buf [20]byte
	for p := listpack.Seek(lp, -2); p >= 0; p = prevPair(lp, p) {
		if member, score := lpPair(lp, p, &buf, iv.byLex); iv.lteMax(member, score) {
			if iv.gteMin(member, score) {
				return p
			}
			return -1
		}
	}
	return -1
}

// overlaps reports whether the skiplist may have members in iv
// (zslIsInRange, zslIsInLexRange).
func (s *skiplist) overlaps(iv *interval) bool {
	if iv.empty() || s.tail == nil {
		return false
	}
	first := s.first()
	return iv.gteMin(unsafeBytes(s.tail.member), s.tail.score) && iv.lteMax(unsafeBytes(first.member), first.score)
}

// firstIn is the first node in iv and its rank, nil if none
// (zslFirstInRange, zslFirstInLexRange).
func (s *skiplist) firstIn(iv *interval) (*node, int) {
	if !s.overlaps(iv) {
		return nil, 0
	}
	x, rank := s.prefix(func(n *node) bool { return !iv.gteMin(unsafeBytes(n.member), n.score) }, nil)
	x = x.level[0].forward
	if x == nil || !iv.lteMax(unsafeBytes(x.member), x.score) {
		return nil, 0
	}
	return x, rank + 1
}

// lastIn is the last node in iv and its rank, nil if none
// (zslLastInRange, zslLastInLexRange).
func (s *skiplist) lastIn(iv *interval) (*node, int) {
	if !s.overlaps(iv) {
		return nil, 0
	}
	x, rank := s.prefix(func(n *node) bool { return iv.lteMax(unsafeBytes(n.member), n.score) }, nil)
	if x == s.head || !iv.gteMin(unsafeBytes(x.member), x.score) {
		return nil, 0
	}
	return x, rank
}
