package zsetval

import (
	"math/bits"
	"math/rand/v2"
	"unsafe"

	"respd/internal/dict"
)

// The skiplist encoding (OBJ_ENCODING_SKIPLIST) is t_zset.c's zskiplist:
// nodes ordered by score then member bytes, with a span per level for
// O(log N) ranks, and a dict from member to node for O(1) lookups. A node
// is its member's dict entry too (its next link), so a member costs a
// node and a string where Redis's costs a node, a dictEntry and an sds.

// maxLevel is ZSKIPLIST_MAXLEVEL.
const maxLevel = 32

// level is a node's link at one level (zskiplistLevel).
type level struct {
	forward *node
	// span is how many nodes ahead forward is (1: the next one); with no
	// forward, how many nodes follow. zslInsert relies on both.
	span int
}

// node is a zskiplistNode, and its member's dict entry.
type node struct {
	next     *node // the dict's chain
	member   string
	score    float64
	backward *node // the node before at level 0, nil for the first
	height   uint8 // levels, 1 to maxLevel
	// level is level 0; height-1 more follow in the same allocation
	// (tallNode), as zslCreateNode's flexible array member does.
	level [1]level
}

func (n *node) Link() **node { return &n.next }
func (n *node) Key() string  { return n.member }

// at is level i of the node, i below its height.
func (n *node) at(i int) *level {
	return (*level)(unsafe.Add(unsafe.Pointer(&n.level[0]), uintptr(i)*unsafe.Sizeof(level{})))
}

// before reports whether n sorts before score and member (zslInsert's
// comparison: scores, then the members' bytes as sdscmp compares them).
func (n *node) before(score float64, member string) bool {
	return n.score < score || n.score == score && n.member < member
}

// tallNode is the allocation of a node of 1+len(L) levels: one object,
// typed so that the collector sees every forward pointer.
type tallNode[L any] struct {
	node
	more L // levels 1 and up, right after level 0
}

func newTall[L any]() *node { return &new(tallNode[L]).node }

// allocNode[h] allocates a node of height h.
var allocNode = [maxLevel + 1]func() *node{
	1: func() *node { return new(node) },
	2: newTall[[1]level], 3: newTall[[2]level], 4: newTall[[3]level], 5: newTall[[4]level],
	6: newTall[[5]level], 7: newTall[[6]level], 8: newTall[[7]level], 9: newTall[[8]level],
	10: newTall[[9]level], 11: newTall[[10]level], 12: newTall[[11]level], 13: newTall[[12]level],
	14: newTall[[13]level], 15: newTall[[14]level], 16: newTall[[15]level], 17: newTall[[16]level],
	18: newTall[[17]level], 19: newTall[[18]level], 20: newTall[[19]level], 21: newTall[[20]level],
	22: newTall[[21]level], 23: newTall[[22]level], 24: newTall[[23]level], 25: newTall[[24]level],
	26: newTall[[25]level], 27: newTall[[26]level], 28: newTall[[27]level], 29: newTall[[28]level],
	30: newTall[[29]level], 31: newTall[[30]level], 32: newTall[[31]level],
}

func newNode(height int, member string, score float64) *node {
	n := allocNode[height]()
	n.member, n.score, n.height = member, score, uint8(height)
	return n
}

// randomHeight is zslRandomLevel: 1, plus one with probability 1/4
// (ZSKIPLIST_P) again and again: each pair of random bits both zero.
func randomHeight() int {
	return min(1+bits.TrailingZeros64(rand.Uint64())/2, maxLevel)
}

type skiplist struct {
	dict   *dict.Dict[node, *node]
	head   *node // maxLevel levels before the first node; no member
	tail   *node
	length int
	level  int // the most levels any node has, at least 1
}

// newSkiplist returns an empty skiplist whose dict is sized for reserve
// members (zslCreate, and dictExpand where Redis knows the size).
func newSkiplist(reserve int) *skiplist {
	d := dict.New[node](seed)
	d.Reserve(reserve)
	head := allocNode[maxLevel]()
	head.height = maxLevel
	return &skiplist{dict: d, head: head, level: 1}
}

func (s *skiplist) first() *node { return s.head.level[0].forward }

// path fills update with the last node before score and member at each
// level in use (the head where none is), and rank, if not nil, with their
// ranks (the head's is 0): where zslInsert, zslDelete and zslUpdateScore
// link or unlink.
func (s *skiplist) path(score float64, member string, update *[maxLevel]*node, rank *[maxLevel]int) {
	x, r := s.head, 0
	for i := s.level - 1; i >= 0; i-- {
		for l := x.at(i); l.forward != nil && l.forward.before(score, member); l = x.at(i) {
			r += l.span
			x = l.forward
		}
		update[i] = x
		if rank != nil {
			rank[i] = r
		}
	}
}

// insert links n, whose member must not be in the list yet (zslInsert,
// with the node's height drawn by its caller).
func (s *skiplist) insert(n *node) {
	var update [maxLevel]*node
	var rank [maxLevel]int
	s.path(n.score, n.member, &update, &rank)
	h := int(n.height)
	for i := s.level; i < h; i++ {
		update[i], rank[i] = s.head, 0
		s.head.at(i).span = s.length
	}
	s.level = max(s.level, h)
	for i := range h {
		l, u := n.at(i), update[i].at(i)
		l.forward, u.forward = u.forward, n
		l.span = u.span - (rank[0] - rank[i])
		u.span = rank[0] - rank[i] + 1
	}
	for i := h; i < s.level; i++ {
		update[i].at(i).span++
	}
	n.backward = update[0]
	if n.backward == s.head {
		n.backward = nil
	}
	if f := n.level[0].forward; f != nil {
		f.backward = n
	} else {
		s.tail = n
	}
	s.length++
}

// unlink takes x out of the list; update is its path (zslDeleteNode).
func (s *skiplist) unlink(x *node, update *[maxLevel]*node) {
	for i := range s.level {
		if u := update[i].at(i); u.forward == x {
			u.span += x.at(i).span - 1
			u.forward = x.at(i).forward
		} else {
			u.span--
		}
	}
	if f := x.level[0].forward; f != nil {
		f.backward = x.backward
	} else {
		s.tail = x.backward
	}
	for s.level > 1 && s.head.at(s.level-1).forward == nil {
		s.level--
	}
	s.length--
}

// remove takes n out of the list, not the dict (zslDelete).
func (s *skiplist) remove(n *node) {
	var update [maxLevel]*node
	s.path(n.score, n.member, &update, nil)
	s.unlink(n, &update)
}

// setScore changes n's score (zslUpdateScore): in place when n keeps its
// position, else by moving it. Redis moves the member to a new node of a
// new random height; the node itself moves here, as it is the member's
// dict entry too.
func (s *skiplist) setScore(n *node, score float64) {
	if (n.backward == nil || n.backward.score < score) &&
		(n.level[0].forward == nil || n.level[0].forward.score > score) {
		n.score = score
		return
	}
	s.remove(n)
	n.score = score
	s.insert(n)
}

// rank is n's 1-based rank (zslGetRank).
func (s *skiplist) rank(n *node) int {
	var update [maxLevel]*node
	var rank [maxLevel]int
	s.path(n.score, n.member, &update, &rank)
	return rank[0] + 1
}

// byRank is the node of 1-based rank r, nil if there is none
// (zslGetElementByRank).
func (s *skiplist) byRank(r int) *node {
	x, traversed := s.head, 0
	for i := s.level - 1; i >= 0; i-- {
		for l := x.at(i); l.forward != nil && traversed+l.span <= r; l = x.at(i) {
			traversed += l.span
			x = l.forward
		}
		if traversed == r {
			return x
		}
	}
	return nil
}

// prefix returns the last node of the list's longest prefix whose nodes
// all satisfy in, or the head if the first one doesn't, and its rank (0
// for the head); it fills update, if not nil, with the path to the node
// after it. It is how zslFirstInRange, zslLastInRange and the range
// deletions descend: in must hold for a prefix of the list.
func (s *skiplist) prefix(in func(*node) bool, update *[maxLevel]*node) (*node, int) {
	x, r := s.head, 0
	for i := s.level - 1; i >= 0; i-- {
		for l := x.at(i); l.forward != nil && in(l.forward); l = x.at(i) {
			r += l.span
			x = l.forward
		}
		if update != nil {
			update[i] = x
		}
	}
	return x, r
}

// deleteFrom deletes x, the node after update's path, and the nodes
// after it while keep holds, from the list and the dict, and returns how
// many (the loops of zslDeleteRangeByScore, ByLex and ByRank).
func (s *skiplist) deleteFrom(x *node, update *[maxLevel]*node, keep func(*node) bool) int {
	removed := 0
	for x != nil && keep(x) {
		next := x.level[0].forward
		s.unlink(x, update)
		s.dict.Remove(x.member)
		removed++
		x = next
	}
	return removed
}

// deleteRanks deletes the nodes of 1-based ranks from to to and returns
// how many (zslDeleteRangeByRank).
func (s *skiplist) deleteRanks(from, to int) int {
	var update [maxLevel]*node
	x, traversed := s.head, 0
	for i := s.level - 1; i >= 0; i-- {
		for l := x.at(i); l.forward != nil && traversed+l.span < from; l = x.at(i) {
			traversed += l.span
			x = l.forward
		}
		update[i] = x
	}
	left := to - from + 1
	return s.deleteFrom(x.level[0].forward, &update, func(*node) bool {
		left--
		return left >= 0
	})
}

// appender builds a skiplist in order, each node after the last, without
// the searches of zsetConvert's and zsetDup's zslInsert calls: O(1) a
// node.
type appender struct {
	s    *skiplist
	last [maxLevel]*node // the last node of each level
	rank [maxLevel]int   // and its rank
}

func newAppender(s *skiplist) *appender {
	a := &appender{s: s}
	for i := range a.last {
		a.last[i] = s.head
	}
	return a
}

// add links n, which sorts after every node so far, and adds it to the
// dict.
func (a *appender) add(n *node) {
	a.link(n)
	a.s.dict.Add(n)
}

// link links n, which sorts after every node so far.
func (a *appender) link(n *node) {
	s := a.s
	r := s.length + 1
	for i := range int(n.height) {
		l := a.last[i].at(i)
		l.forward, l.span = n, r-a.rank[i]
		a.last[i], a.rank[i] = n, r
	}
	n.backward = s.tail
	s.tail = n
	s.level = max(s.level, int(n.height))
	s.length++
}

// finish sets the spans of the last node of each level: how many follow.
func (a *appender) finish() {
	for i := range a.s.level {
		a.last[i].at(i).span = a.s.length - a.rank[i]
	}
}
