package stream

import (
	"github.com/tidwall/btree"

	"respd/internal/jemalloc"
)

// RaxNodes is the number of nodes Redis's radix tree would have holding
// the stream's master IDs (XINFO's radix-tree-nodes).
func (s *Stream) RaxNodes() int {
	keys := make([][16]byte, 0, s.nodes.Len())
	s.nodes.Scan(func(n *node) bool {
		keys = append(keys, n.master.Key())
		return true
	})
	return raxNodes(keys)
}

// raxNodes is the number of nodes of a radix tree holding keys (sorted,
// distinct) as rax.c keeps it: a compressed trie with one node per
// branching point, one per run of bytes without a branch, one per key's
// end, and an empty tree its root alone. O(len(keys)).
func raxNodes(keys [][16]byte) int {
	if len(keys) == 0 {
		return 1
	}
	return raxSubtree(keys, 0)
}

// raxSubtree counts the nodes under the point at depth d shared by keys,
// which are sorted and distinct.
func raxSubtree(keys [][16]byte, d int) int {
	if len(keys) == 1 {
		if d == len(keys[0]) {
			return 1 // the key's end
		}
		return 2 // the rest of the key in one node, then its end
	}
	first, last := keys[0], keys[len(keys)-1]
	branch := d
	for first[branch] == last[branch] {
		branch++
	}
	n := 1 // the branching node
	if branch > d {
		n++ // the bytes before it, compressed
	}
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j][branch] == keys[i][branch] {
			j++
		}
		n += raxSubtree(keys[i:j], branch+1)
		i = j
	}
	return n
}

// HasTombstones reports whether entries between start and the end of the
// stream may have been deleted (streamRangeHasTombstones).
func (s *Stream) HasTombstones(start ID) bool {
	if s.length == 0 || s.maxDeletedID.IsZero() || s.firstID.Compare(s.maxDeletedID) > 0 {
		return false
	}
	return start.Compare(s.maxDeletedID) <= 0
}

// EstimateEntriesRead is id's logical read counter, its distance from the
// first entry ever added, or EntriesReadUnknown when deletions make it
// unknowable (streamEstimateDistanceFromFirstEverEntry).
func (s *Stream) EstimateEntriesRead(id ID) int64 {
	if s.entriesAdded == 0 {
		return 0
	}
	if s.length == 0 && id.Compare(s.lastID) < 1 {
		return int64(s.entriesAdded)
	}
	switch c := id.Compare(s.lastID); {
	case c == 0:
		return int64(s.entriesAdded)
	case c > 0:
		return EntriesReadUnknown
	}
	if s.maxDeletedID.IsZero() || s.maxDeletedID.Less(s.firstID) {
		switch c := id.Compare(s.firstID); {
		case c < 0:
			return int64(s.entriesAdded - s.length)
		case c == 0:
			return int64(s.entriesAdded - s.length + 1)
		}
	}
	return EntriesReadUnknown
}

// Lag is the number of entries a group has yet to read, false if it can't
// be told (streamReplyWithCGLag).
func (s *Stream) Lag(g *Group) (int64, bool) {
	if s.entriesAdded == 0 {
		return 0, true
	}
	if g.EntriesRead != EntriesReadUnknown && !s.HasTombstones(g.LastID) {
		return int64(s.entriesAdded) - g.EntriesRead, true
	}
	if read := s.EstimateEntriesRead(g.LastID); read != EntriesReadUnknown {
		return int64(s.entriesAdded) - read, true
	}
	return 0, false
}

// Nodes calls fn with each node's master ID and listpack in ID order,
// until it returns false; the listpacks are the stream's own.
func (s *Stream) Nodes(fn func(master ID, lp []byte) bool) {
	s.nodes.Scan(func(n *node) bool { return fn(n.master, n.lp) })
}

// AppendNode adds a node as an RDB file holds it, after every node the
// stream has; the caller has validated lp (and sets the metadata). It
// returns the node's live entries.
func (s *Stream) AppendNode(master ID, lp []byte) int64 {
	s.nodes.Set(&node{master: master, lp: lp, alloc: jemalloc.Size(len(lp))})
	live, _ := nodeCounts(lp)
	s.length += uint64(live)
	return live
}

// Dup is a deep copy, for COPY.
func (s *Stream) Dup() *Stream {
	d := *s
	d.nodes = btree.NewBTreeGOptions(nodeLess, btree.Options{NoLocks: true})
	s.nodes.Scan(func(n *node) bool {
		d.nodes.Load(&node{master: n.master, lp: append([]byte(nil), n.lp...), alloc: jemalloc.Size(len(n.lp))})
		return true
	})
	d.copyGroups(s)
	return &d
}

// Freeze is what a keyspace snapshot asks of a collection (keyspace's Entry.Frozen): a view of the stream as it is now, for a
// background save to read outside the lock while the stream goes on
// changing. The nodes are shared, in a copy-on-write copy of the B-tree:
// the stream copies a node before it next changes it (own). The groups
// are copied: O(pending entries), not O(entries).
func (s *Stream) Freeze() *Stream {
	if s.frozen {
		return s
	}
	d := *s
	d.nodes = s.nodes.Copy()
	d.copyGroups(s)
	d.frozen = true
	s.gen++ // every node now is the view's too
	return &d
}

// copyGroups makes s's groups, consumers and PEL a copy of from's.
func (s *Stream) copyGroups(from *Stream) {
	s.groups = nil
	from.Groups(func(g *Group) bool {
		dg, _ := s.CreateGroup(g.Name, g.LastID, g.EntriesRead)
		owners := map[*Consumer]*Consumer{}
		g.Consumers(func(c *Consumer) bool {
			owners[c], _ = dg.CreateConsumer(c.Name, c.SeenTime)
			return true
		})
		g.pel.Scan(func(p pending) bool {
			n := *p.nack
			n.Consumer = owners[n.Consumer]
			dg.AddPending(p.id, &n)
			return true
		})
		return true
	})
}

// NodeAllocs calls fn with what Redis's allocator would hold for each
// node's listpack (zmalloc_size: a node XADD started preallocated, one
// loaded or copied at its size, each resized as Redis resizes it), in ID
// order, until it returns false: MEMORY USAGE's sampling.
func (s *Stream) NodeAllocs(fn func(alloc int64) bool) {
	s.nodes.Scan(func(n *node) bool { return fn(n.alloc) })
}

// TailNodeAlloc is NodeAllocs's figure for the last node, 0 if none.
func (s *Stream) TailNodeAlloc() int64 {
	if n := s.tail(); n != nil {
		return n.alloc
	}
	return 0
}
