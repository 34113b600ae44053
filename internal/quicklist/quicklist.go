// Package quicklist is Redis 7.0's list representation (quicklist.c): a
// sequence of nodes, each a listpack of elements (or, for an element of
// SetPackedThreshold bytes or more, a PLAIN node holding just it), the inner
// nodes LZF-compressed when list-compress-depth asks. Nodes fill, split,
// merge and compress exactly as Redis's do, so that a list's nodes — and
// the RDB/DUMP bytes made of them — are the ones Redis would have after
// the same commands, and its MEMORY USAGE and DEBUG OBJECT figures
// Redis's.
//
// Layout in memory: a List is a small struct and one array of small node
// values (a listpack []byte and a few flags each), so a short list costs
// three allocations: the List, a one-node array, and its listpack.
//
// Concurrency: a live List is used under one lock, for reads too: like
// Redis's, reading a list can compress a node a write left uncompressed
// (a read's iterator recompresses what it leaves). A frozen view
// (Freeze) never changes and may be read from any goroutine while the
// live list goes on changing.
//
// The commands, as Redis 7.0 runs them on a quicklist (which nodes a read
// walks decides what it recompresses, so the mapping matters for the
// layout to stay Redis's; the tests run these against redis-server):
//   - LPUSH, RPUSH, LPUSHX, RPUSHX: PushHead or PushTail, element by element;
//   - LPOP, RPOP: PopHead, PopTail; with a count n (and LMPOP): the n
//     elements read with Elements(0, false) or Elements(-1, true), then
//     DelRange(0, n) or DelRange(-n, n);
//   - LMOVE, RPOPLPUSH: a pop, then a push;
//   - LINDEX: Index; LSET: Replace; LINSERT: Insert; LREM: Remove; LTRIM:
//     Trim; LRANGE: RangeLen, then Range; LLEN: Len;
//   - LPOS: Elements(0, false), or Elements(-1, true) for a negative RANK,
//     stopping after the element at MAXLEN (Redis fetches it before
//     testing MAXLEN) when MAXLEN stops the walk.
package quicklist

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"respd/internal/listpack"
	"respd/internal/lzf"
)

// Redis's limits (quicklist.c).
const (
	// sizeSafetyLimit bounds a node when fill counts elements.
	sizeSafetyLimit = 8192
	// sizeEstimateOverhead is what an insert assumes an entry adds to a
	// listpack besides its bytes.
	sizeEstimateOverhead = 8
	// minCompressBytes: smaller nodes are not compressed...
	minCompressBytes = 48
	// minCompressImprove: ...nor those LZF shrinks by less than this.
	minCompressImprove = 8
	fillMax            = 1<<15 - 1 // QL_FILL_BITS 16, signed
	compressMax        = 1<<16 - 1 // QL_COMP_BITS 16
)

// optimizationLevel is the node size limit of fill -1 to -5.
var optimizationLevel = [...]int{4096, 8192, 16384, 32768, 65536}

// defaultPackedThreshold is Redis's packed_threshold: 1 GiB.
const defaultPackedThreshold = 1 << 30

// packedThreshold is the size from which an element gets a PLAIN node of
// its own, for every list.
var packedThreshold atomic.Int64

func init() { packedThreshold.Store(defaultPackedThreshold) }

// SetPackedThreshold sets the size from which an element gets a PLAIN
// node of its own, in every list (DEBUG QUICKLIST-PACKED-THRESHOLD,
// quicklistisSetPackedThreshold): 0 restores the default, 1 GiB; sizes
// above 4 GiB less 1 MiB (and negative ones) are refused (false).
func SetPackedThreshold(n int64) bool {
	if n < 0 || n > 1<<32-1<<20 {
		return false
	}
	if n == 0 {
		n = defaultPackedThreshold
	}
	packedThreshold.Store(n)
	return true
}

func isLarge(sz int) bool { return int64(sz) >= packedThreshold.Load() }

// Container kinds, as RDB_TYPE_LIST_QUICKLIST_2 stores them.
const (
	ContainerPlain  = 1
	ContainerPacked = 2
)

// node flags.
const (
	fPlain        = 1 << iota // data is one element (a PLAIN container)
	fCompressed               // data is compressed (see compressedHeader)
	fRecompress               // decompressed to be used: compress it again after
	fDontCompress             // in the middle of an operation that needs it raw
)

// compressedHeader prefixes a compressed node's LZF bytes: its
// uncompressed size (uint64 LE) and element count (uint32 LE), which a
// node has to know without decompressing.
const compressedHeader = 12

// node is a quicklistNode: its listpack (or element, or compressed form)
// in data, and flags. Its size and count are read from data: a listpack's
// header, or a compressed node's own header.
type node struct {
	data []byte
	// epoch is the List.epoch data was made or copied in: data belongs
	// to the list alone when it equals the list's, else it may be shared
	// with a frozen view or a Dup and is copied before any change.
	epoch uint32
	flags uint8
}

func (n *node) plain() bool      { return n.flags&fPlain != 0 }
func (n *node) compressed() bool { return n.flags&fCompressed != 0 }

// size is the node's uncompressed size (node->sz).
func (n *node) size() int {
	if n.compressed() {
		return int(binary.LittleEndian.Uint64(n.data))
	}
	return len(n.data)
}

// count is how many elements the node holds.
func (n *node) count() int {
	switch {
	case n.plain():
		return 1
	case n.compressed():
		return int(binary.LittleEndian.Uint32(n.data[8:]))
	}
	return listpack.Len(n.data)
}

// raw returns the node's uncompressed bytes: data itself, or a
// decompression into buf (grown if too short).
func (n *node) raw(buf []byte) []byte {
	if !n.compressed() {
		return n.data
	}
	sz := n.size()
	if cap(buf) < sz {
		buf = make([]byte, sz)
	}
	buf = buf[:sz]
	if got, err := lzf.Decompress(n.data[compressedHeader:], buf); err != nil || got != sz {
		panic(fmt.Sprintf("quicklist: a compressed node of %d bytes does not decompress: %d, %v", sz, got, err))
	}
	return buf
}

// List is a quicklist. The zero value is not usable: make one with New.
type List struct {
	// buf[head:] are the nodes, head to tail; buf[:head] is room to add
	// nodes at the head without moving the others.
	buf   []node
	count int // elements
	head  uint32
	// epoch tells the nodes whose data the list owns (see node.epoch);
	// Freeze and Dup move it on, making every node's data shared.
	epoch uint32
	fill  int16
	depth uint16
	flags uint8
}

// List flags.
const (
	lFrozen = 1 << iota // a frozen view: never changes
	lShared             // buf is shared with a frozen view or a Dup
)

// New returns an empty list with Redis's list-max-listpack-size (fill:
// -1 to -5 limit a node to 4 to 64 KiB, a positive fill to that many
// elements and 8 KiB) and list-compress-depth (0: no compression; n: the n
// nodes at each end stay uncompressed), clamped as Redis clamps them.
func New(fill, compressDepth int) *List {
	return &List{fill: int16(min(max(fill, -5), fillMax)), depth: uint16(min(max(compressDepth, 0), compressMax))}
}

// Len is the number of elements.
func (l *List) Len() int { return l.count }

// Fill is the list's list-max-listpack-size (DEBUG OBJECT's
// ql_listpack_max).
func (l *List) Fill() int { return int(l.fill) }

// CompressDepth is the list's list-compress-depth.
func (l *List) CompressDepth() int { return int(l.depth) }

// NodeCount is the number of nodes (DEBUG OBJECT's ql_nodes).
func (l *List) NodeCount() int { return len(l.buf) - int(l.head) }

func (l *List) node(i int) *node { return &l.buf[int(l.head)+i] }

// Freeze returns the list's frozen view, in O(1): a List holding what l
// holds now, which no later change to l alters (keyspace's Entry.Frozen). The
// view shares l's node array and listpacks; l's next change copies the
// array (node values: a listpack pointer and flags each), and each
// listpack it then changes, once. A frozen view freezes to itself.
func (l *List) Freeze() *List {
	if l.flags&lFrozen != 0 {
		return l
	}
	v := *l
	v.flags = lFrozen
	l.share()
	return &v
}

// Dup returns a copy of the list (Redis's quicklistDup, for COPY), which
// shares l's nodes copy-on-write as a frozen view does: O(1), and each
// list copies a node before changing it.
func (l *List) Dup() *List {
	d := *l
	d.flags = 0
	if l.flags&lFrozen == 0 {
		l.share()
	}
	d.share()
	return &d
}

// share marks l's nodes as shared: its array, and every node's data
// (whose epoch is now older than the list's).
func (l *List) share() {
	l.flags |= lShared
	l.epoch++
	if l.epoch == 0 {
		// After 2^32 epochs a node's could read as current again: own the
		// array and take every node back to epoch 0, older than 1.
		l.own()
		for i := range l.NodeCount() {
			l.node(i).epoch = 0
		}
		l.epoch = 1
		l.flags |= lShared
	}
}

// own prepares l's node array for a change: not a frozen view's, and l's
// alone.
func (l *List) own() {
	if l.flags&lFrozen != 0 {
		panic("quicklist: change to a frozen view")
	}
	if l.flags&lShared != 0 {
		l.buf = slices.Clone(l.buf[l.head:])
		l.head = 0
		l.flags &^= lShared
	}
}

// writable returns node i with data the list owns, copied if shared.
func (l *List) writable(i int) *node {
	n := l.node(i)
	if n.epoch != l.epoch {
		n.data = append([]byte(nil), n.data...)
		n.epoch = l.epoch
	}
	return n
}

// insertAt puts n at index at, using or making room before the head for
// at == 0.
func (l *List) insertAt(at int, n node) {
	if at == 0 {
		if l.head == 0 {
			// Room for as many nodes again: adding at the head stays O(1)
			// amortized.
			cnt := l.NodeCount()
			room := max(cnt, 1)
			nb := make([]node, room+cnt)
			copy(nb[room:], l.buf)
			l.buf, l.head = nb, uint32(room)
		}
		l.head--
		l.buf[l.head] = n
		return
	}
	l.buf = slices.Insert(l.buf, int(l.head)+at, n)
}

// removeAt takes node i out of the array.
func (l *List) removeAt(i int) {
	if i == 0 {
		l.buf[l.head] = node{}
		l.head++
	} else {
		l.buf = slices.Delete(l.buf, int(l.head)+i, int(l.head)+i+1)
	}
	// Give back an array mostly empty.
	if cnt := l.NodeCount(); cap(l.buf) > 16 && cnt < cap(l.buf)/4 {
		l.buf = slices.Clone(l.buf[l.head:])
		l.head = 0
	}
}

// ---- compression (__quicklistCompressNode and friends) ----

// scratch holds buffers to compress into and decompress nodes to read.
var scratch = sync.Pool{New: func() any { return new([]byte) }}

// putScratch gives a buffer back, unless a huge PLAIN node grew it.
func putScratch(bp *[]byte) {
	if cap(*bp) > 1<<20 {
		*bp = nil
	}
	scratch.Put(bp)
}

// compressNode compresses node i if it is not already, may be, and LZF
// shrinks it enough (quicklistCompressNode, __quicklistCompressNode).
func (l *List) compressNode(i int) {
	n := l.node(i)
	if n.compressed() || n.flags&fDontCompress != 0 {
		return
	}
	n.flags &^= fRecompress
	sz := len(n.data)
	if sz < minCompressBytes {
		return
	}
	bp := scratch.Get().(*[]byte)
	defer putScratch(bp)
	if cap(*bp) < sz {
		*bp = make([]byte, sz)
	}
	out := (*bp)[:sz]
	c := lzf.Compress(n.data, out)
	if c == 0 || c+minCompressImprove >= sz {
		return
	}
	blob := make([]byte, compressedHeader+c)
	binary.LittleEndian.PutUint64(blob, uint64(sz))
	binary.LittleEndian.PutUint32(blob[8:], uint32(n.count()))
	copy(blob[compressedHeader:], out[:c])
	if n.epoch == l.epoch {
		listpack.Recycle(n.data)
	}
	n.data, n.epoch = blob, l.epoch
	n.flags |= fCompressed
}

// decompressNode decompresses node i if it is compressed
// (quicklistDecompressNode) and reports whether it was.
func (l *List) decompressNode(i int) bool {
	n := l.node(i)
	if !n.compressed() {
		return false
	}
	n.data, n.epoch = n.raw(nil), l.epoch
	n.flags &^= fCompressed | fRecompress
	return true
}

// decompressForUse decompresses node i to work on it, to be compressed
// again afterwards (quicklistDecompressNodeForUse).
func (l *List) decompressForUse(i int) {
	if l.decompressNode(i) {
		l.node(i).flags |= fRecompress
	}
}

// recompressOnly compresses node i again if it was decompressed for use
// (quicklistRecompressOnly).
func (l *List) recompressOnly(i int) {
	if l.node(i).flags&fRecompress != 0 {
		l.compressNode(i)
	}
}

// compress is quicklistCompress: node i compressed again if it was
// decompressed for use, else the depth enforced around it.
func (l *List) compress(i int) {
	if l.node(i).flags&fRecompress != 0 {
		l.compressNode(i)
	} else {
		l.compressDepth(i)
	}
}

// compressDepth is __quicklistCompress: the depth nodes at each end
// decompressed, node i (-1: none) compressed unless it is one of them,
// and the first node past the depth at each end compressed.
func (l *List) compressDepth(i int) {
	cnt, depth := l.NodeCount(), int(l.depth)
	if cnt == 0 || depth == 0 || cnt < 2*depth {
		return
	}
	fwd, rev := 0, cnt-1
	inDepth := false
	for range depth {
		l.decompressNode(fwd)
		l.decompressNode(rev)
		if fwd == i || rev == i {
			inDepth = true
		}
		// The depths of the two ends meet: nothing to compress.
		if fwd == rev || fwd+1 == rev {
			return
		}
		fwd++
		rev--
	}
	if !inDepth && i >= 0 {
		l.compressNode(i)
	}
	l.compressNode(fwd)
	l.compressNode(rev)
}

// afterRead is what a read leaves of Redis's iterator on node i: released,
// it compresses node i again (no change: compression is deterministic)
// if it was compressed, and else enforces the depth around it, which
// compresses it (and the nodes past the depth) if a write had left it
// uncompressed. Frozen views never change.
func (l *List) afterRead(i int) {
	if l.flags&lFrozen != 0 || l.depth == 0 || l.NodeCount() < 2*int(l.depth) || l.node(i).compressed() {
		return
	}
	l.own()
	l.compressDepth(i)
}

// ---- nodes in and out (__quicklistInsertNode, __quicklistDelNode) ----

// insertNode inserts n next to node old (after it or before it; old -1
// for an empty list), then compresses around both, and returns n's index
// (__quicklistInsertNode).
func (l *List) insertNode(old int, n node, after bool) int {
	at := 0
	if old >= 0 {
		at = old
		if after {
			at++
		} else {
			old++
		}
	}
	l.insertAt(at, n)
	if old >= 0 {
		l.compress(old)
	}
	l.compress(at)
	return at
}

// delNode deletes node i and its elements (__quicklistDelNode).
func (l *List) delNode(i int) {
	n := l.node(i)
	l.count -= n.count()
	if n.epoch == l.epoch {
		listpack.Recycle(n.data) // the list's alone: nothing else sees it
	}
	l.removeAt(i)
	l.compressDepth(-1)
}

// delIndex deletes the element at offset p of node i, and the node if it
// was its last (quicklistDelIndex); it reports whether the node went, and
// the offset of the element that followed (-1 if none).
func (l *List) delIndex(i, p int) (gone bool, next int) {
	n := l.node(i)
	if n.plain() || n.count() == 1 {
		l.delNode(i)
		return true, -1
	}
	n = l.writable(i)
	n.data, next = listpack.Delete(n.data, p)
	l.count--
	return false, next
}

func (l *List) newNode(lp []byte) node { return node{data: lp, epoch: l.epoch} }

func (l *List) plainNode(v []byte) node {
	return node{data: append([]byte(nil), v...), epoch: l.epoch, flags: fPlain}
}

// insertPlainNode puts v in a PLAIN node next to node old
// (__quicklistInsertPlainNode).
func (l *List) insertPlainNode(old int, v []byte, after bool) {
	l.insertNode(old, l.plainNode(v), after)
	l.count++
}

// ---- fill rules (_quicklistNodeAllowInsert, _quicklistNodeAllowMerge) ----

func (l *List) meetsOptimization(sz int) bool {
	if l.fill >= 0 {
		return false
	}
	return sz <= optimizationLevel[-int(l.fill)-1]
}

// maxNodeSize is the most bytes a packed node holds.
func (l *List) maxNodeSize() int {
	if l.fill >= 0 {
		return sizeSafetyLimit
	}
	return optimizationLevel[-int(l.fill)-1]
}

// allowInsert reports whether an element of sz bytes may join node i
// (which may be out of range: no).
func (l *List) allowInsert(i, sz int) bool {
	if i < 0 || i >= l.NodeCount() {
		return false
	}
	n := l.node(i)
	if n.plain() || isLarge(sz) {
		return false
	}
	// An overestimate of the listpack's new size.
	newSz := n.size() + sz + sizeEstimateOverhead
	if l.meetsOptimization(newSz) {
		return true
	}
	if newSz > sizeSafetyLimit {
		return false
	}
	return n.count() < int(l.fill)
}

// allowMerge reports whether nodes a and b may become one.
func (l *List) allowMerge(a, b int) bool {
	if a < 0 || b < 0 || a >= l.NodeCount() || b >= l.NodeCount() {
		return false
	}
	na, nb := l.node(a), l.node(b)
	if na.plain() || nb.plain() {
		return false
	}
	// The merged listpack's size: one header and terminator less.
	mergeSz := na.size() + nb.size() - 11
	if l.meetsOptimization(mergeSz) {
		return true
	}
	if mergeSz > sizeSafetyLimit {
		return false
	}
	return na.count()+nb.count() <= int(l.fill)
}
