package zsetval

import (
	"cmp"
	"slices"
)

// Builder makes a sorted set from members that come in no order, some
// more than once: the result of ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE
// (zunionInterDiffGenericCommand's dstzset and its accumulator). Members
// gather in the result's dict, then the skiplist is linked once, sorted:
// where inserting each member searches the skiplist, jumping across
// memory at every level, sorting compares scores held side by side.
type Builder struct {
	s     *skiplist
	nodes []*node // in the order added
}

// NewBuilder returns a Builder whose dict is sized for size members.
func NewBuilder(size int) *Builder {
	return &Builder{s: newSkiplist(size), nodes: make([]*node, 0, size)}
}

// Add adds member with score; a member added before gets merge(its
// score, score) instead. A NaN score is the caller's to avoid.
func (b *Builder) Add(member []byte, score float64, merge func(old, new float64) float64) {
	if n := b.s.dict.Find(lookupKey(member)); n != nil {
		n.score = merge(n.score, score)
		return
	}
	n := newNode(randomHeight(), string(member), score)
	b.s.dict.Add(n)
	b.nodes = append(b.nodes, n)
}

// ZSet returns the sorted set of the members added, a skiplist; b is not
// to be used after.
func (b *Builder) ZSet() *ZSet {
	type scored struct {
		score float64
		n     *node
	}
	order := make([]scored, len(b.nodes))
	for i, n := range b.nodes {
		order[i] = scored{n.score, n}
	}
	// zslInsert's order: scores, then the members' bytes.
	slices.SortFunc(order, func(x, y scored) int {
		if c := cmp.Compare(x.score, y.score); c != 0 {
			return c
		}
		return cmp.Compare(x.n.member, y.n.member)
	})
	a := newAppender(b.s)
	for _, o := range order {
		a.link(o.n)
	}
	a.finish()
	z := &ZSet{}
	z.setSkiplist(b.s)
	b.s, b.nodes = nil, nil
	return z
}
