package quicklist

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"unsafe"

	"respd/internal/listpack"
)

func elems(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func TestOperations(t *testing.T) {
	l := New(-2, 0)
	for _, v := range []string{"b", "c", "12"} {
		l.PushTail([]byte(v))
	}
	l.PushHead([]byte("a"))
	check(t, l, elems("a", "b", "c", "12"))
	if v, ok := l.Index(-1); !ok || string(v) != "12" {
		t.Fatalf("Index(-1) = %q, %v", v, ok)
	}
	if _, ok := l.Index(4); ok {
		t.Fatal("Index(4) found an element")
	}
	if !l.Insert([]byte("b"), []byte("b2"), true) || l.Insert([]byte("x"), []byte("y"), false) {
		t.Fatal("Insert")
	}
	if !l.Replace(0, []byte("-5")) || l.Replace(9, []byte("z")) {
		t.Fatal("Replace")
	}
	check(t, l, elems("-5", "b", "b2", "c", "12"))
	l.PushTail([]byte("b"))
	l.PushTail([]byte("b"))
	if n := l.Remove([]byte("b"), -2); n != 2 {
		t.Fatalf("Remove = %d", n)
	}
	check(t, l, elems("-5", "b", "b2", "c", "12"))
	var got []string
	l.Range(1, -2, func(_ int, v []byte) bool {
		got = append(got, string(v))
		return true
	})
	if fmt.Sprint(got) != "[b b2 c]" || l.RangeLen(1, -2) != 3 || l.RangeLen(3, 1) != 0 || l.RangeLen(-100, 100) != 5 {
		t.Fatalf("Range = %q", got)
	}
	var rev []string
	for i, v := range l.Elements(-2, true) {
		rev = append(rev, strconv.Itoa(i)+":"+string(v))
	}
	if fmt.Sprint(rev) != "[3:c 2:b2 1:b 0:-5]" {
		t.Fatalf("Elements(-2, reverse) = %q", rev)
	}
	l.Trim(1, -2)
	check(t, l, elems("b", "b2", "c"))
	if v, ok := l.PopTail(); !ok || string(v) != "c" {
		t.Fatalf("PopTail = %q", v)
	}
	if v, ok := l.PopHead(); !ok || string(v) != "b" {
		t.Fatalf("PopHead = %q", v)
	}
	l.Trim(5, 10)
	check(t, l, nil)
	if _, ok := l.PopHead(); ok || l.NodeCount() != 0 {
		t.Fatal("popped an empty list")
	}
}

// DelRange deletes like quicklistDelRange: from a negative start up to
// the end at most.
func TestDelRange(t *testing.T) {
	for _, c := range []struct {
		start, count int
		want         string
	}{
		{0, 2, "[2 3 4 5]"}, {-2, 5, "[0 1 2 3]"}, {4, 100, "[0 1 2 3]"}, {6, 1, "[0 1 2 3 4 5]"},
		{-7, 1, "[0 1 2 3 4 5]"}, {1, 0, "[0 1 2 3 4 5]"}, {2, -1, "[0 1 2 3 4 5]"}, {-6, 6, "[]"},
	} {
		l := New(2, 0)
		for i := range 6 {
			l.PushTail([]byte(strconv.Itoa(i)))
		}
		l.DelRange(c.start, c.count)
		var got []string
		for _, v := range l.Elements(0, false) {
			got = append(got, string(v))
		}
		if fmt.Sprint(got) != c.want && !(c.want == "[]" && got == nil) {
			t.Errorf("DelRange(%d, %d) left %q, want %s", c.start, c.count, got, c.want)
		}
	}
}

// Node layout: a new node when the fill says so, and fill clamped as
// Redis clamps it.
func TestFill(t *testing.T) {
	l := New(3, 0)
	for i := range 7 {
		l.PushTail([]byte(strconv.Itoa(i)))
	}
	if l.NodeCount() != 3 {
		t.Fatalf("7 elements with fill 3: %d nodes", l.NodeCount())
	}
	// Size fills: -1 is 4 KiB: 100-byte elements, about 38 a node.
	l = New(-1, 0)
	for range 100 {
		l.PushTail(bytes.Repeat([]byte("x"), 100))
	}
	if l.NodeCount() != 3 {
		t.Fatalf("100 100-byte elements with fill -1: %d nodes", l.NodeCount())
	}
	if New(-9, 0).Fill() != -5 || New(1<<20, 0).Fill() != fillMax || New(0, -1).CompressDepth() != 0 || New(0, 1<<20).CompressDepth() != compressMax {
		t.Fatal("fill or depth not clamped")
	}
}

// What redis-server 7.0.15 says of the same lists: RPUSH l a b c, and 200
// elements of 100 bytes (MEMORY USAGE less 32 for the key "l" and its
// dict entry).
func TestRedisFigures(t *testing.T) {
	l := New(-2, 0)
	for _, v := range []string{"a", "b", "c"} {
		l.PushTail([]byte(v))
	}
	if got := l.DebugObject(); got != " ql_nodes:1 ql_avg_node:3.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:16" {
		t.Errorf("DebugObject = %q", got)
	}
	if got := l.MemoryUsage(5); got != 144-32 {
		t.Errorf("MemoryUsage = %d", got)
	}
	l = New(-2, 0)
	for i := range 200 {
		l.PushTail([]byte(fmt.Sprintf("v%03d%s", i, bytes.Repeat([]byte("x"), 96))))
	}
	for samples, want := range map[int]int{5: 21712 - 32, math.MaxInt: 21712 - 32, 1: 24784 - 32} {
		if got := l.MemoryUsage(samples); got != want {
			t.Errorf("MemoryUsage(%d) = %d, want %d", samples, got, want)
		}
	}
	if got := l.DebugObject(); got != " ql_nodes:3 ql_avg_node:66.67 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:20621" {
		t.Errorf("DebugObject = %q", got)
	}
}

func TestAppendNode(t *testing.T) {
	l := New(2, 1)
	if err := l.AppendNode(listpack.Build(elems("a", "b", "c")...)); err != nil {
		t.Fatal(err)
	}
	if err := l.AppendNode(listpack.New()); err != nil || l.NodeCount() != 1 {
		t.Fatalf("an empty listpack: %v, %d nodes", err, l.NodeCount())
	}
	bad := listpack.Build(elems("a")...)
	bad[4] = 2 // count
	if err := l.AppendNode(bad); err == nil {
		t.Fatal("an invalid listpack was appended")
	}
	big := listpack.New()
	for range listpack.CountUnknown + 1 {
		big = listpack.Append(big, []byte("1"))
	}
	if err := l.AppendNode(big); err == nil {
		t.Fatal("a node of 65536 elements was appended")
	}
	if err := l.AppendPlainNode(nil); err == nil {
		t.Fatal("an empty plain node was appended")
	}
	if err := l.AppendPlainNode([]byte("plain")); err != nil {
		t.Fatal(err)
	}
	l.PushTail([]byte("d"))
	check(t, l, elems("a", "b", "c", "plain", "d"))
	var containers []int
	l.Nodes(func(n Node) bool {
		containers = append(containers, n.Container)
		return true
	})
	if fmt.Sprint(containers) != "[2 1 2]" {
		t.Fatalf("containers %v", containers)
	}
}

// dataAt identifies a node's bytes: the address of their first.
func dataAt(n Node) *byte {
	if n.LZF != nil {
		return &n.LZF[0]
	}
	return &n.Data[0]
}

func nodeAddrs(l *List) []*byte {
	var out []*byte
	l.Nodes(func(n Node) bool {
		out = append(out, dataAt(n))
		return true
	})
	return out
}

// A frozen view shares the nodes; a write to the live list copies the
// node it changes, and only that one.
func TestFreezeCopiesTouchedNodes(t *testing.T) {
	for _, write := range []struct {
		name    string
		f       func(l *List)
		touched []int // nodes whose bytes the write replaces, by index after it
	}{
		{"PushTail", func(l *List) { l.PushTail([]byte("t")) }, []int{9}},
		{"PushHead", func(l *List) { l.PushHead([]byte("h")) }, []int{0}},
		{"PopTail", func(l *List) { l.PopTail() }, []int{9}},
		{"Replace", func(l *List) { l.Replace(45, []byte("r")) }, []int{4}},
		{"Insert", func(l *List) { l.Insert([]byte("e05"), []byte("i"), false) }, []int{0}},
		{"Remove", func(l *List) { l.Remove([]byte("e71"), 0) }, []int{7}},
		{"DelRange", func(l *List) { l.DelRange(22, 3) }, []int{2}},
	} {
		t.Run(write.name, func(t *testing.T) {
			// Ten nodes of ten, the end ones with room for two more.
			l := New(10, 0)
			var model [][]byte
			for i := range 100 {
				v := []byte(fmt.Sprintf("e%02d", i))
				l.PushTail(v)
				model = append(model, v)
			}
			l.DelRange(0, 2)
			l.DelRange(-2, 2)
			model = model[2:98]
			s := takeSnapshot(l, model)
			before := nodeAddrs(s.view)
			write.f(l)
			s.check(t)
			after := nodeAddrs(l)
			if len(after) != len(before) {
				t.Fatalf("%d nodes, had %d", len(after), len(before))
			}
			for i := range after {
				if copied := after[i] != before[i]; copied != slices.Contains(write.touched, i) {
					t.Errorf("node %d copied: %v", i, copied)
				}
			}
		})
	}
}

// Freeze and Dup stay O(1) and right when the epoch wraps.
func TestEpochWrap(t *testing.T) {
	l := New(2, 0)
	for i := range 6 {
		l.PushTail([]byte(strconv.Itoa(i)))
	}
	l.epoch = math.MaxUint32 - 1
	s1 := takeSnapshot(l, elems("0", "1", "2", "3", "4", "5"))
	l.PushTail([]byte("6")) // node epoch MaxUint32
	s2 := takeSnapshot(l, elems("0", "1", "2", "3", "4", "5", "6"))
	if l.epoch != 1 {
		t.Fatalf("epoch %d after wrapping", l.epoch)
	}
	for i := range 4 {
		l.Replace(i*2, []byte("x"))
	}
	l.PushTail([]byte("7"))
	s1.check(t)
	s2.check(t)
	check(t, l, elems("x", "1", "x", "3", "x", "5", "x", "7"))
}

func TestDupIsIndependent(t *testing.T) {
	l := New(3, 1)
	var model [][]byte
	for i := range 30 {
		v := bytes.Repeat([]byte{'a' + byte(i%3)}, 60)
		l.PushTail(v)
		model = append(model, v)
	}
	d := l.Dup()
	l.Replace(10, []byte("L"))
	d.Replace(10, []byte("D"))
	l.PopHead()
	lm := slices.Clone(model[1:])
	lm[9] = []byte("L")
	dm := slices.Clone(model)
	dm[10] = []byte("D")
	check(t, l, lm)
	check(t, d, dm)
}

func TestFrozenViewRefusesWrites(t *testing.T) {
	l := New(2, 0)
	l.PushTail([]byte("a"))
	v := l.Freeze()
	defer func() {
		if recover() == nil {
			t.Fatal("a frozen view was written")
		}
	}()
	v.PushTail([]byte("b"))
}

// The footprint of a short list rests on these: on 64-bit platforms a
// List of 48 bytes and nodes of 32 (Go's size classes have both); on
// 32-bit ones 32 and 20.
func TestStructSizes(t *testing.T) {
	wantList, wantNode := uintptr(48), uintptr(32)
	if unsafe.Sizeof(uintptr(0)) == 4 {
		wantList, wantNode = 32, 20
	}
	if l, n := unsafe.Sizeof(List{}), unsafe.Sizeof(node{}); l != wantList || n != wantNode {
		t.Fatalf("List %d bytes, node %d; want %d and %d", l, n, wantList, wantNode)
	}
}

// heapAfter is the live heap once GC has run.
func heapAfter() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// The Go heap the lists take, against redis-server 7.0.15's used_memory
// grown by the same data (INFO memory before and after): one list of 1M
// 10-byte elements (fill -2): Redis 12.11 MB; 100k lists (keys "l:<n>") of
// 5 elements "elem<j>": Redis 21.77 MB, 217.7 bytes a list of which 160
// are the value (object, quicklist, node, listpack: 16+48+48+48 with
// jemalloc's classes) and the rest its key, dict entry and bucket. Here:
// 12.05 MB, and 128 bytes a list (List 48, a one-node array 32, the
// listpack 48), the keyspace's own entry aside.
func TestMemoryFootprint(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 30 MB")
	}
	base := heapAfter()
	l := New(-2, 0)
	v := []byte("0123456789")
	for i := range 1_000_000 {
		v[0] = 'a' + byte(i%26)
		l.PushTail(v)
	}
	big := heapAfter() - base
	runtime.KeepAlive(l)
	l = nil

	base = heapAfter()
	lists := make([]*List, 100_000)
	for i := range lists {
		lists[i] = New(-2, 0)
		for j := range 5 {
			lists[i].PushTail([]byte("elem" + strconv.Itoa(j)))
		}
	}
	small := heapAfter() - base - uint64(len(lists))*8 // less the test's slice
	runtime.KeepAlive(lists)
	t.Logf("1M 10-byte elements: %d bytes (%.2f per element); 100k lists of 5: %d bytes (%.1f per list)",
		big, float64(big)/1e6, small, float64(small)/1e5)
	if big > 12_110_000*11/10 {
		t.Errorf("1M elements take %d bytes", big)
	}
	if small > 100_000*140 {
		t.Errorf("100k lists take %d bytes", small)
	}
}

// The model test's operations on a long run, for the compressing and
// splitting configurations.
func TestModelLong(t *testing.T) {
	for _, c := range []struct{ fill, depth int }{{3, 1}, {-1, 2}, {1, 0}, {5, 3}} {
		r := &opRunner{t: t, rng: rand.New(rand.NewSource(int64(c.fill))), l: New(c.fill, c.depth)}
		r.run(1500)
	}
}

// A frozen view is read while the live list changes, as a background
// save's encoder does outside the lock (go test -race watches).
func TestFrozenViewConcurrentReads(t *testing.T) {
	defer SetPackedThreshold(0)
	SetPackedThreshold(200)
	r := &opRunner{t: t, rng: rand.New(rand.NewSource(7)), l: New(4, 1)}
	r.run(300)
	s := takeSnapshot(r.l, r.model)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			s.view.Nodes(func(n Node) bool { return len(n.Data)+len(n.LZF) > 0 })
			for range s.view.Elements(0, false) {
			}
			s.view.Index(s.view.Len() / 2)
			s.view.MemoryUsage(5)
		}
	}()
	for range 2000 {
		r.step(r.rng.Intn(14))
	}
	<-done
	s.check(t)
}

func TestSetPackedThreshold(t *testing.T) {
	defer SetPackedThreshold(0)
	if SetPackedThreshold(-1) || SetPackedThreshold(1<<32-1<<20+1) || !SetPackedThreshold(1<<32-1<<20) {
		t.Fatal("bounds")
	}
	SetPackedThreshold(4)
	l := New(-2, 0)
	l.PushTail([]byte("abc"))
	l.PushTail([]byte("abcd"))
	l.PushTail([]byte("abc"))
	if l.NodeCount() != 3 {
		t.Fatalf("%d nodes", l.NodeCount())
	}
	SetPackedThreshold(0)
	if isLarge(1<<30-1) || !isLarge(1<<30) {
		t.Fatal("default threshold")
	}
}
