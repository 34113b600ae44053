package quicklist

import (
	"errors"
	"fmt"
	"iter"
	"strconv"

	"respd/internal/jemalloc"
	"respd/internal/listpack"
)

// Elements iterates from the element at index from (negative: from the
// tail) towards the tail, or towards the head if reverse, yielding each
// element's index (from the head) and bytes (integers in decimal), which
// are valid only until the yield returns. The list must not change
// during the iteration (LPOS, LPOP with a count, SORT, ...).
func (l *List) Elements(from int, reverse bool) iter.Seq2[int, []byte] {
	return func(yield func(int, []byte) bool) { l.each(from, reverse, l.count, yield) }
}

// each is Elements for at most n elements, calling fn as the yield. It is
// a method of its own rather than the iterator's body: compiled once, it
// inlines what it calls (as a closure inlined into Range it did not), and
// Range calls it with no closure between (BenchmarkRangeHead100: 1.3 to
// 0.8 µs).
func (l *List) each(from int, reverse bool, n int, fn func(int, []byte) bool) {
	i, off, ok := l.locate(from)
	if !ok {
		return
	}
	index := from
	if index < 0 {
		index += l.count
	}
	bp := scratch.Get().(*[]byte)
	defer putScratch(bp)
	var num []byte
	for {
		nd := l.node(i)
		raw := nd.raw(*bp)
		if nd.compressed() {
			*bp = raw
		}
		if nd.plain() {
			if n--; !fn(index, raw) || n == 0 {
				l.afterRead(i)
				return
			}
			index = step(index, reverse)
		} else {
			lp := raw
			for p := listpack.Seek(lp, off); p >= 0; {
				v := listpack.Get(lp, p)
				s := v.Str
				if v.IsInt() {
					num = strconv.AppendInt(num[:0], v.Int, 10)
					s = num
				}
				if n--; !fn(index, s) || n == 0 {
					l.afterRead(i)
					return
				}
				index = step(index, reverse)
				if reverse {
					p = listpack.Prev(lp, p)
				} else {
					p = listpack.Next(lp, p)
				}
			}
		}
		// The iterator leaves node i for the next.
		l.afterRead(i)
		if i = step(i, reverse); i < 0 || i >= l.NodeCount() {
			return
		}
		off = 0
		if reverse {
			off = -1
		}
	}
}

// Range calls fn with the elements from index start to stop (LRANGE's
// arguments: negative from the tail, normalized as LRANGE does; RangeLen
// says how many) and their indexes, until fn returns false; the bytes are
// valid only until fn returns.
func (l *List) Range(start, stop int, fn func(int, []byte) bool) {
	start, stop, ok := normalize(start, stop, l.count)
	if !ok {
		return
	}
	l.each(start, false, stop-start+1, fn)
}

// RangeLen is how many elements Range(start, stop) holds.
func (l *List) RangeLen(start, stop int) int {
	start, stop, ok := normalize(start, stop, l.count)
	if !ok {
		return 0
	}
	return stop - start + 1
}

func step(i int, reverse bool) int {
	if reverse {
		return i - 1
	}
	return i + 1
}

// Node is a node as RDB_TYPE_LIST_QUICKLIST_2 saves it (rdbSaveObject
// writes the node count, then for each node): its container as an RDB
// length, then, when the node is compressed, rdbSaveLzfBlob(LZF, Size) —
// the byte 0xC3 (RDB_ENCVAL<<6 | RDB_ENC_LZF), len(LZF) and Size as RDB
// lengths, the LZF bytes — whatever rdbcompression says, else
// rdbSaveRawString(Data), which LZF-compresses Data itself under
// rdbcompression yes as it does any string.
type Node struct {
	Container int    // ContainerPacked (a listpack) or ContainerPlain (one element)
	Data      []byte // the listpack or element, nil if the node is compressed
	LZF       []byte // the node's LZF-compressed bytes, nil if it is not compressed
	Size      int    // uncompressed size: len(Data), or what LZF decompresses to
}

// Nodes calls fn with each node from the head, until it returns false.
// The bytes are the list's: fn must not modify or keep them once the
// list may change (a frozen view's never do).
func (l *List) Nodes(fn func(Node) bool) {
	for i := range l.NodeCount() {
		n := l.node(i)
		nd := Node{Container: ContainerPacked, Size: n.size()}
		if n.plain() {
			nd.Container = ContainerPlain
		}
		if n.compressed() {
			nd.LZF = n.data[compressedHeader:]
		} else {
			nd.Data = n.data
		}
		if !fn(nd) {
			return
		}
	}
}

// ErrEmptyNode is AppendPlainNode's answer to an empty element, which no
// RDB file holds.
var ErrEmptyNode = errors.New("quicklist: empty plain node")

// AppendNode appends a node made of lp, as Redis's loading does
// (quicklistAppendListpack): lp becomes the list's; an empty one is
// skipped. It fails, changing nothing, if lp is not a valid listpack
// (listpack.Validate) or holds more elements than a node can (65535).
//
// lp is an RDB_TYPE_LIST_QUICKLIST_2 PACKED node's listpack or, for
// RDB_TYPE_LIST_QUICKLIST, a node's ziplist converted as Redis 7.0 does:
// listpack.Build of its elements, one node per ziplist. The older
// RDB_TYPE_LIST and RDB_TYPE_LIST_ZIPLIST are loaded by PushTail of each
// element.
func (l *List) AppendNode(lp []byte) error {
	n, err := listpack.Validate(lp)
	if err != nil {
		return err
	}
	if n > listpack.CountUnknown {
		return fmt.Errorf("quicklist: a listpack node of %d elements, more than a node holds", n)
	}
	if n == 0 {
		return nil
	}
	l.own()
	l.insertNode(l.NodeCount()-1, l.newNode(lp), true)
	l.count += n
	return nil
}

// AppendPlainNode appends a PLAIN node holding the element v, from an RDB
// file's RDB_TYPE_LIST_QUICKLIST_2 (quicklistAppendPlainNode); v becomes
// the list's.
func (l *List) AppendPlainNode(v []byte) error {
	if len(v) == 0 {
		return ErrEmptyNode
	}
	l.own()
	l.insertNode(l.NodeCount()-1, node{data: v, epoch: l.epoch, flags: fPlain}, true)
	l.count++
	return nil
}

// Sizes in Redis 7.0 on 64-bit platforms.
const (
	robjSize      = 16 // the list's object
	quicklistSize = 40 // struct quicklist
	nodeSize      = 40 // struct quicklistNode
	lzfHeaderSize = 8  // quicklistLZF: its size_t sz before the compressed bytes
)

// MemoryUsage is what Redis's MEMORY USAGE counts for the list's value
// (objectComputeSize for OBJ_ENCODING_QUICKLIST, without the key): the
// object and the quicklist, plus the average of the first samples nodes
// (at least one) times the number of nodes, a node being its struct and
// its allocation as jemalloc rounds it (its listpack or element, or its
// LZF form and header). Like Redis's, it truncates the sum, in floating
// point. The caller maps MEMORY USAGE's SAMPLES 0 (all) to a samples of
// at least NodeCount.
func (l *List) MemoryUsage(samples int) int {
	asize := robjSize + quicklistSize
	cnt := l.NodeCount()
	if cnt == 0 {
		return asize
	}
	elesize, sampled := 0, 0
	for i := 0; i < cnt; {
		n := l.node(i)
		alloc := len(n.data)
		if n.compressed() {
			alloc = lzfHeaderSize + len(n.data) - compressedHeader
		}
		elesize += nodeSize + int(jemalloc.Size(alloc))
		sampled++
		if i++; sampled >= samples {
			break
		}
	}
	return int(float64(asize) + float64(elesize)/float64(sampled)*float64(cnt))
}

// UncompressedSize is the sum of the nodes' uncompressed sizes (DEBUG
// OBJECT's ql_uncompressed_size).
func (l *List) UncompressedSize() int {
	sz := 0
	for i := range l.NodeCount() {
		sz += l.node(i).size()
	}
	return sz
}

// DebugObject is what Redis's DEBUG OBJECT appends for a quicklist, each
// field after a space: " ql_nodes:1 ql_avg_node:3.00 ql_listpack_max:-2
// ql_compressed:0 ql_uncompressed_size:16" (ql_compressed says whether
// the list compresses at all, not whether a node is compressed).
func (l *List) DebugObject() string {
	compressed := 0
	if l.depth != 0 {
		compressed = 1
	}
	// Redis divides by the node count even when it is 0.
	avg := float64(l.count) / float64(l.NodeCount())
	return fmt.Sprintf(" ql_nodes:%d ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d ql_uncompressed_size:%d",
		l.NodeCount(), avg, l.fill, compressed, l.UncompressedSize())
}
