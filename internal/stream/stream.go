// Package stream is Redis 7.0's stream value (t_stream.c): entries kept in
// listpack nodes with Redis's exact bytes, indexed by their master IDs, and
// the consumer groups with their pending entries lists.
//
// A node is a listpack that starts with a master entry
//
//	count | deleted | num-fields | field_1 ... field_N | 0
//
// (live and deleted entry counts, and the field names of the node's first
// entry, which later entries may share), followed by the entries
//
//	flags | ms-diff | seq-diff | num-fields | field_1 | value_1 ... | lp-count
//
// or, when an entry's fields are the master entry's (SAMEFIELDS), just
//
//	flags | ms-diff | seq-diff | value_1 ... value_N | lp-count
//
// The diffs are from the node's master ID, the ID of the entry that
// created the node; lp-count is the number of listpack elements of the
// entry before it, so that a node can be walked backwards. XDEL and exact
// trimming only flag an entry DELETED; a node goes when it has no live
// entry left. Nodes are Redis's, so an RDB file or DUMP payload holds
// them as they are.
//
// Redis indexes the nodes with a radix tree keyed by the 16-byte master
// IDs; this package uses a B-tree (the same order and complexity: O(log N)
// to find an ID's node) and counts the radix tree's nodes when XINFO asks
// (raxNodes).
package stream

import (
	"errors"
	"math"

	"github.com/tidwall/btree"

	"respd/internal/jemalloc"
	"respd/internal/listpack"
)

// Entry flags (STREAM_ITEM_FLAG_*).
const (
	flagDeleted    = 1 << 0
	flagSameFields = 1 << 1
)

// maxNodeBytes caps a node whatever stream-node-max-bytes says
// (STREAM_LISTPACK_MAX_SIZE), and the fields and values of one entry.
const maxNodeBytes = 1 << 30

// Limits are stream-node-max-bytes and stream-node-max-entries: a node
// takes no entry that would bring it to MaxBytes or past MaxEntries
// entries, live or deleted (0: no limit).
type Limits struct {
	MaxBytes, MaxEntries int64
}

// ErrTooLarge is an entry whose fields and values exceed 1 GiB together.
var ErrTooLarge = errors.New("stream: entry too large")

// node is a listpack of entries and its master ID. alloc is what Redis's
// allocator would hold for the listpack (zmalloc_size), for MEMORY USAGE:
// it depends on the node's history as much as on its bytes.
type node struct {
	master ID
	lp     []byte
	alloc  int64
	gen    uint32 // the stream's gen when it last owned the node alone (own)
}

// newNodePrealloc is what Redis allocates for a node XADD starts
// (STREAM_LISTPACK_MAX_PRE_ALLOCATE, or stream-node-max-bytes if less).
func newNodePrealloc(lim Limits) int {
	if lim.MaxBytes > 0 && lim.MaxBytes < 4096 {
		return int(lim.MaxBytes)
	}
	return 4096
}

// set makes lp the node's listpack after a change to it, reallocated as
// lpInsert does: when it outgrows its allocation, or shrinks.
func (n *node) set(lp []byte) {
	if old := len(n.lp); len(lp) < old || len(lp) > old && int64(len(lp)) > n.alloc {
		n.alloc = jemalloc.Size(len(lp))
	}
	n.lp = lp
}

func (n *node) appendInt(v int64)             { n.set(listpack.AppendInt(n.lp, v)) }
func (n *node) appendBytes(b []byte)          { n.set(listpack.Append(n.lp, b)) }
func (n *node) replaceInt(p int, v int64)     { n.set(listpack.ReplaceInt(n.lp, p, v)) }
func (n *node) counts() (live, deleted int64) { return nodeCounts(n.lp) }

// setCounts stores the node's live and deleted entry counts.
func (n *node) setCounts(live, deleted int64) {
	p := listpack.First(n.lp)
	n.replaceInt(p, live)
	n.replaceInt(listpack.Next(n.lp, p), deleted)
}

// shrinkToFit is lpShrinkToFit, for a node that takes no more entries:
// its allocation, and its array, brought down to its size.
func (n *node) shrinkToFit() {
	if n.alloc > int64(len(n.lp)) {
		n.alloc = jemalloc.Size(len(n.lp))
	}
	if cap(n.lp)-len(n.lp) >= 64 {
		n.lp = append([]byte(nil), n.lp...)
	}
}

func nodeLess(a, b *node) bool { return a.master.Less(b.master) }

// Stream is a stream value. The zero value is not usable: make one with New.
type Stream struct {
	nodes  *btree.BTreeG[*node]
	pivot  node // a reusable search key for nodes
	groups *btree.BTreeG[*Group]

	length       uint64
	lastID       ID // the greatest ID ever added or set (XSETID)
	firstID      ID // recorded first entry ID (first_id)
	maxDeletedID ID // the greatest ID removed by XDEL or trimming
	entriesAdded uint64

	// gen counts the frozen views made (Freeze); a node of an older gen
	// is shared with one and copied before it changes.
	gen    uint32
	frozen bool // a frozen view: never changes
}

// New returns an empty stream.
func New() *Stream {
	return &Stream{nodes: btree.NewBTreeGOptions(nodeLess, btree.Options{NoLocks: true})}
}

// Len is the number of entries.
func (s *Stream) Len() uint64 { return s.length }

// LastID is the last ID added (or set by XSETID).
func (s *Stream) LastID() ID { return s.lastID }

// FirstID is the first entry's ID as recorded (XINFO's
// recorded-first-entry-id).
func (s *Stream) FirstID() ID { return s.firstID }

// MaxDeletedID is the greatest ID removed from the stream.
func (s *Stream) MaxDeletedID() ID { return s.maxDeletedID }

// EntriesAdded counts the entries ever added.
func (s *Stream) EntriesAdded() uint64 { return s.entriesAdded }

// SetMeta sets what XSETID sets, and what RDB files and the AOF restore.
func (s *Stream) SetMeta(lastID, maxDeletedID ID, entriesAdded uint64) {
	s.lastID, s.maxDeletedID, s.entriesAdded = lastID, maxDeletedID, entriesAdded
}

// SetFirstID restores the recorded first entry ID from an RDB file.
func (s *Stream) SetFirstID(id ID) { s.firstID = id }

// NodeCount is the number of nodes (XINFO's radix-tree-keys).
func (s *Stream) NodeCount() int { return s.nodes.Len() }

// own is n ready to change: n itself, or, if a frozen view shares it, a
// copy of it (with its room for appends) put in its place.
func (s *Stream) own(n *node) *node {
	if n.gen == s.gen {
		return n
	}
	c := &node{master: n.master, lp: append(make([]byte, 0, cap(n.lp)), n.lp...), alloc: n.alloc, gen: s.gen}
	s.nodes.Set(c)
	return c
}

// tail is the last node, nil if none.
func (s *Stream) tail() *node {
	n, _ := s.nodes.Max()
	return n
}

// nodeAtOrBefore is the node that holds id if any entry does: the last
// node whose master ID is at most id, nil if none.
func (s *Stream) nodeAtOrBefore(id ID) *node {
	var found *node
	s.pivot.master = id
	s.nodes.Descend(&s.pivot, func(n *node) bool { found = n; return false })
	return found
}

// nodeAfter is the first node whose master ID is greater than id.
func (s *Stream) nodeAfter(id ID) *node {
	next, ok := id.Incr()
	if !ok {
		return nil
	}
	var found *node
	s.pivot.master = next
	s.nodes.Ascend(&s.pivot, func(n *node) bool { found = n; return false })
	return found
}

// nodeBefore is the last node whose master ID is less than id.
func (s *Stream) nodeBefore(id ID) *node {
	prev, ok := id.Decr()
	if !ok {
		return nil
	}
	return s.nodeAtOrBefore(prev)
}

// Errors of NextID.
var (
	// ErrIDNotGreater is an explicit ID at or below the last one.
	ErrIDNotGreater = errors.New("stream: ID not greater than the last")
	// ErrIDExhausted is an automatic ID after the greatest one.
	ErrIDExhausted = errors.New("stream: IDs exhausted")
	// ErrSeqExhausted is <ms>-* when <ms> is the last ID's and its
	// sequence number the greatest.
	ErrSeqExhausted = errors.New("stream: sequence numbers exhausted")
)

// NextID is the ID XADD adds an entry with (streamAppendItem's part): a
// new one from nowMs when id is nil (`*`), id itself when seqGiven, else
// id's milliseconds with the next sequence number (`ms-*`).
func (s *Stream) NextID(id *ID, seqGiven bool, nowMs uint64) (ID, error) {
	var next ID
	switch {
	case id == nil:
		if s.lastID.Ms < nowMs {
			return ID{nowMs, 0}, nil
		}
		var ok bool
		if next, ok = s.lastID.Incr(); !ok {
			return ID{}, ErrIDExhausted
		}
		return next, nil
	case seqGiven:
		next = *id
	case s.lastID.Ms == id.Ms:
		if s.lastID.Seq == math.MaxUint64 {
			return ID{}, ErrSeqExhausted
		}
		next = ID{id.Ms, s.lastID.Seq + 1}
	default:
		next = *id
	}
	if next.Compare(s.lastID) <= 0 {
		return ID{}, ErrIDNotGreater
	}
	return next, nil
}

// Append adds an entry with fields (field, value pairs) under id, which
// must be greater than LastID (NextID's), to the tail node or a new one
// (streamAppendItem).
func (s *Stream) Append(id ID, fields [][]byte, lim Limits) error {
	total := 0
	for _, f := range fields {
		total += len(f)
	}
	if total > maxNodeBytes {
		return ErrTooLarge
	}
	n := s.tail()
	if n != nil {
		n = s.own(n)
		if s.nodeFull(n, total, lim) {
			n.shrinkToFit()
			n = nil
		}
	}
	numFields := len(fields) / 2
	flags := int64(0)
	if n == nil {
		// Room for the node's entries from the start, as Redis
		// preallocates: appends then don't copy it again and again.
		prealloc := newNodePrealloc(lim)
		n = &node{master: id, lp: append(make([]byte, 0, prealloc), listpack.New()...), alloc: jemalloc.Size(prealloc), gen: s.gen}
		n.appendInt(1)
		n.appendInt(0)
		n.appendInt(int64(numFields))
		for i := 0; i < len(fields); i += 2 {
			n.appendBytes(fields[i])
		}
		n.appendInt(0)
		s.nodes.Set(n)
		flags = flagSameFields
	} else {
		live, deleted := n.counts()
		n.setCounts(live+1, deleted)
		if s.sameFields(n, fields) {
			flags = flagSameFields
		}
	}
	n.appendInt(flags)
	n.appendInt(int64(id.Ms - n.master.Ms))
	n.appendInt(int64(id.Seq - n.master.Seq))
	count := int64(numFields + 3)
	if flags&flagSameFields == 0 {
		n.appendInt(int64(numFields))
		count += int64(numFields + 1)
		for _, f := range fields {
			n.appendBytes(f)
		}
	} else {
		for i := 1; i < len(fields); i += 2 {
			n.appendBytes(fields[i])
		}
	}
	n.appendInt(count)
	s.length++
	s.entriesAdded++
	s.lastID = id
	if s.length == 1 {
		s.firstID = id
	}
	return nil
}

// nodeFull reports whether n takes no entry of total bytes of fields and
// values: it would reach the byte limit, or has the most entries.
func (s *Stream) nodeFull(n *node, total int, lim Limits) bool {
	maxBytes := lim.MaxBytes
	if maxBytes == 0 || maxBytes > maxNodeBytes {
		maxBytes = maxNodeBytes
	}
	if int64(len(n.lp)+total) >= maxBytes {
		return true
	}
	if lim.MaxEntries == 0 {
		return false
	}
	live, deleted := nodeCounts(n.lp)
	return live+deleted >= lim.MaxEntries
}

// sameFields reports whether fields has the master entry's field names,
// in order.
func (s *Stream) sameFields(n *node, fields [][]byte) bool {
	p := listpack.Next(n.lp, listpack.Next(n.lp, listpack.First(n.lp)))
	if listpack.Get(n.lp, p).Int != int64(len(fields)/2) {
		return false
	}
	for i := 0; i < len(fields); i += 2 {
		p = listpack.Next(n.lp, p)
		if !listpack.Compare(n.lp, p, fields[i]) {
			return false
		}
	}
	return true
}

// nodeCounts is a node's live and deleted entry counts.
func nodeCounts(lp []byte) (live, deleted int64) {
	p := listpack.First(lp)
	return listpack.Get(lp, p).Int, listpack.Get(lp, listpack.Next(lp, p)).Int
}

// Delete removes the entry id, reporting whether it was there
// (streamDeleteItem): flagged deleted, its node gone with its last live
// entry. The caller updates the first ID (UpdateFirstID) after deleting.
func (s *Stream) Delete(id ID) bool {
	var it Iter
	if s.RangeInto(&it, id, id, false); !it.Next() {
		return false
	}
	it.Delete()
	return true
}

// deleteEntry flags the entry whose flags are at p deleted
// (streamIteratorRemoveEntry), and returns n as it is now: its copy, if a
// frozen view shared it.
func (s *Stream) deleteEntry(n *node, p int, flags int64) *node {
	live, deleted := n.counts()
	if live == 1 {
		s.nodes.Delete(n)
	} else {
		n = s.own(n)
		n.replaceInt(p, flags|flagDeleted)
		n.setCounts(live-1, deleted+1)
	}
	s.length--
	return n
}

// UpdateFirstID records the first entry's ID after entries were removed:
// 0-0 once the stream is empty.
func (s *Stream) UpdateFirstID() {
	if s.length == 0 {
		s.firstID = ID{}
		return
	}
	s.firstID, _ = s.EdgeID(false)
}

// EdgeID is the first (or, with last, the last) entry's ID; false if the
// stream is empty, with MaxID for the first and 0-0 for the last, as
// streamGetEdgeID answers.
func (s *Stream) EdgeID(last bool) (ID, bool) {
	it := s.Range(ID{}, MaxID, last)
	if it.Next() {
		return it.ID(), true
	}
	if last {
		return ID{}, false
	}
	return MaxID, false
}

// FirstEntryID is the first entry's ID, deleted or not, MaxID if there is
// none (streamGetEdgeID without skipping tombstones): what an approximate
// MINID trim propagates as its threshold.
func (s *Stream) FirstEntryID() ID {
	n, ok := s.nodes.Min()
	if !ok {
		return MaxID
	}
	it := entryIter{lp: n.lp, master: n.master}
	it.first()
	return it.id
}

// TrimArgs is XADD's and XTRIM's trimming: MAXLEN MaxLen, or MINID MinID
// when ByID; Approx for `~`, trimming only whole nodes, Limit bounding the
// entries removed (0: none).
type TrimArgs struct {
	ByID   bool
	MaxLen int64
	MinID  ID
	Approx bool
	Limit  int64
}

// Trim removes entries from the start as args says and returns how many
// (streamTrim): whole nodes while they go entirely, then, unless
// approximate, entries of the next node, flagged deleted.
func (s *Stream) Trim(args TrimArgs) int64 {
	var removed int64
	for {
		n, ok := s.nodes.Min()
		if !ok || !args.ByID && s.length <= uint64(args.MaxLen) {
			break
		}
		live, deleted := nodeCounts(n.lp)
		if args.Limit != 0 && removed+live > args.Limit {
			break
		}
		var whole bool
		if args.ByID {
			whole = lastEntryID(n).Less(args.MinID)
		} else {
			whole = s.length-uint64(live) >= uint64(args.MaxLen)
		}
		if whole {
			s.nodes.Delete(n)
			s.length -= uint64(live)
			removed += live
			continue
		}
		if args.Approx {
			break
		}
		var marked int64
		n = s.own(n)
		it := entryIter{lp: n.lp, master: n.master}
		for it.first(); it.p >= 0; it.next() {
			if args.ByID && it.id.Compare(args.MinID) >= 0 || !args.ByID && s.length <= uint64(args.MaxLen) {
				break
			}
			if it.flags&flagDeleted == 0 {
				n.replaceInt(it.p, it.flags|flagDeleted) // the same size: offsets hold
				it.lp = n.lp
				marked++
				s.length--
			}
		}
		n.setCounts(live-marked, deleted+marked)
		removed += marked
		break
	}
	if removed > 0 {
		s.UpdateFirstID()
	}
	return removed
}

// lastEntryID is the ID of n's last entry, deleted or not
// (lpGetEdgeStreamID).
func lastEntryID(n *node) ID {
	it := entryIter{lp: n.lp, master: n.master}
	it.last()
	return it.id
}
