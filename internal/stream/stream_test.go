package stream

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func kv(pairs ...string) [][]byte {
	out := make([][]byte, len(pairs))
	for i, p := range pairs {
		out[i] = []byte(p)
	}
	return out
}

func mustAppend(t testing.TB, s *Stream, id ID, lim Limits, pairs ...string) {
	t.Helper()
	if err := s.Append(id, kv(pairs...), lim); err != nil {
		t.Fatalf("Append(%v): %v", id, err)
	}
}

// nodeElems is each node's listpack elements, read by the test's own
// decoder.
func nodeElems(t testing.TB, s *Stream) [][]string {
	t.Helper()
	var out [][]string
	s.Nodes(func(_ ID, lp []byte) bool {
		e, err := lpDecode(lp)
		if err != nil {
			t.Fatalf("listpack %x: %v", lp, err)
		}
		out = append(out, e)
		return true
	})
	return out
}

func rangeIDs(s *Stream, start, end ID, rev bool) []ID {
	var out []ID
	for it := s.Range(start, end, rev); it.Next(); {
		out = append(out, it.ID())
	}
	return out
}

func TestIDBasics(t *testing.T) {
	const max = math.MaxUint64
	ordered := []ID{{0, 0}, {0, 1}, {0, max}, {1, 0}, {1, 1}, {255, 0}, {256, 0}, {1 << 32, 0}, {max, 0}, {max, max - 1}, {max, max}}
	for i, a := range ordered {
		for j, b := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", a, b, got, want)
			}
			if got := a.Less(b); got != (i < j) {
				t.Errorf("%v.Less(%v) = %v", a, b, got)
			}
			ka, kb := a.Key(), b.Key()
			if c := bytes.Compare(ka[:], kb[:]); c != want {
				t.Errorf("Key order %v %v: %d, want %d", a, b, c, want)
			}
		}
		k := a.Key()
		if IDFromKey(k[:]) != a {
			t.Errorf("IDFromKey(Key(%v)) = %v", a, IDFromKey(k[:]))
		}
		if i+1 < len(ordered) {
			if n, ok := a.Incr(); ok && i+1 < len(ordered) && n.Compare(ordered[i+1]) > 0 {
				t.Errorf("%v.Incr() = %v, past %v", a, n, ordered[i+1])
			}
		}
	}
	for _, c := range []struct {
		id, next ID
		ok       bool
	}{
		{ID{0, 0}, ID{0, 1}, true},
		{ID{0, max}, ID{1, 0}, true},
		{ID{max, max - 1}, ID{max, max}, true},
		{MaxID, MaxID, false},
	} {
		if n, ok := c.id.Incr(); n != c.next || ok != c.ok {
			t.Errorf("%v.Incr() = %v, %v; want %v, %v", c.id, n, ok, c.next, c.ok)
		}
		if c.ok {
			if p, ok := c.next.Decr(); p != c.id || !ok {
				t.Errorf("%v.Decr() = %v, %v; want %v", c.next, p, ok, c.id)
			}
		}
	}
	if p, ok := (ID{}).Decr(); ok || p != (ID{}) {
		t.Errorf("0-0.Decr() = %v, %v", p, ok)
	}
	if s := MaxID.String(); s != "18446744073709551615-18446744073709551615" {
		t.Errorf("MaxID.String() = %q", s)
	}
	if s := string((ID{5, 7}).Append([]byte("id:"))); s != "id:5-7" {
		t.Errorf("Append = %q", s)
	}
	if !(ID{}).IsZero() || (ID{0, 1}).IsZero() {
		t.Error("IsZero")
	}
	if k := (ID{0x0102030405060708, 0x1112131415161718}).Key(); !bytes.Equal(k[:], []byte{1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18}) {
		t.Errorf("Key = %x", k)
	}
}

func TestNextID(t *testing.T) {
	const max = math.MaxUint64
	s := New()
	if _, err := s.NextID(&ID{0, 0}, true, 0); !errors.Is(err, ErrIDNotGreater) {
		t.Errorf("0-0 on an empty stream: %v", err)
	}
	if id, err := s.NextID(&ID{0, 0}, false, 0); err != nil || id != (ID{0, 1}) {
		t.Errorf("0-* on an empty stream: %v %v", id, err)
	}
	if id, err := s.NextID(nil, false, 0); err != nil || id != (ID{0, 1}) {
		t.Errorf("* at 0 on an empty stream: %v %v", id, err)
	}
	if id, err := s.NextID(nil, false, 1234); err != nil || id != (ID{1234, 0}) {
		t.Errorf("* at 1234: %v %v", id, err)
	}
	s.SetMeta(ID{5, max}, ID{}, 0)
	for _, c := range []struct {
		id       *ID
		seqGiven bool
		now      uint64
		want     ID
		err      error
	}{
		{nil, false, 5, ID{6, 0}, nil},
		{nil, false, 4, ID{6, 0}, nil},
		{nil, false, 7, ID{7, 0}, nil},
		{&ID{5, 0}, false, 0, ID{}, ErrSeqExhausted},
		{&ID{6, 0}, false, 0, ID{6, 0}, nil},
		{&ID{4, 0}, false, 0, ID{}, ErrIDNotGreater},
		{&ID{5, max}, true, 0, ID{}, ErrIDNotGreater},
		{&ID{6, 0}, true, 0, ID{6, 0}, nil},
		{&ID{max, max}, true, 0, ID{max, max}, nil},
	} {
		got, err := s.NextID(c.id, c.seqGiven, c.now)
		if got != c.want && err == nil || !errors.Is(err, c.err) {
			t.Errorf("NextID(%v, %v, %d) = %v, %v; want %v, %v", c.id, c.seqGiven, c.now, got, err, c.want, c.err)
		}
	}
	s.SetMeta(ID{5, 3}, ID{}, 0)
	if id, err := s.NextID(&ID{5, 0}, false, 0); err != nil || id != (ID{5, 4}) {
		t.Errorf("5-* after 5-3: %v %v", id, err)
	}
	s.SetMeta(MaxID, ID{}, 0)
	if _, err := s.NextID(nil, false, max); !errors.Is(err, ErrIDExhausted) {
		t.Errorf("* after the greatest ID: %v", err)
	}
	if _, err := s.NextID(&ID{max, 0}, false, 0); !errors.Is(err, ErrSeqExhausted) {
		t.Errorf("max-* after the greatest ID: %v", err)
	}
}

// TestNodeLayout reads a node element by element: the master entry
// (count, deleted, num-fields, fields, 0), SAMEFIELDS entries with their
// values only, others with num-fields and field-value pairs, IDs as
// differences from the master ID (modulo 2^64), lp-count; XDEL flags the
// entry and updates both counts; the last live entry takes the node.
func TestNodeLayout(t *testing.T) {
	s := New()
	lim := Limits{MaxEntries: 100, MaxBytes: 4096}
	mustAppend(t, s, ID{10, 5}, lim, "a", "1", "b", "2")
	mustAppend(t, s, ID{10, 6}, lim, "a", "3", "b", "x")
	mustAppend(t, s, ID{11, 0}, lim, "a", "5")
	mustAppend(t, s, ID{20, 9}, lim, "b", "1", "a", "2")
	mustAppend(t, s, ID{20, 10}, lim, "a", "", "b", "-70000")
	want := []string{
		"5", "0", "2", "a", "b", "0",
		"2", "0", "0", "1", "2", "5",
		"2", "0", "1", "3", "x", "5",
		"0", "1", "-5", "1", "a", "5", "6",
		"0", "10", "4", "2", "b", "1", "a", "2", "8",
		"2", "10", "5", "", "-70000", "5",
	}
	if got := nodeElems(t, s); len(got) != 1 || !slices.Equal(got[0], want) {
		t.Fatalf("node:\n%q\nwant\n%q", got, want)
	}
	if !s.Delete(ID{10, 6}) || s.Delete(ID{10, 6}) || s.Delete(ID{10, 7}) {
		t.Fatal("Delete")
	}
	want[0], want[1], want[12] = "4", "1", "3"
	if got := nodeElems(t, s); !slices.Equal(got[0], want) {
		t.Fatalf("after XDEL:\n%q\nwant\n%q", got[0], want)
	}
	// The master entry's ID deleted: the node stays, keyed by it.
	if !s.Delete(ID{10, 5}) {
		t.Fatal("Delete(10-5)")
	}
	want[0], want[1], want[6] = "3", "2", "3"
	if got := nodeElems(t, s); !slices.Equal(got[0], want) || masters(s)[0] != (ID{10, 5}) {
		t.Fatalf("after XDEL of the first:\n%q\nwant\n%q", got[0], want)
	}
	if got := rangeIDs(s, ID{}, MaxID, false); !slices.Equal(got, []ID{{11, 0}, {20, 9}, {20, 10}}) {
		t.Fatalf("Range: %v", got)
	}
	if s.FirstEntryID() != (ID{10, 5}) {
		t.Fatalf("FirstEntryID %v, want the tombstone 10-5", s.FirstEntryID())
	}
	for _, id := range []ID{{11, 0}, {20, 9}, {20, 10}} {
		if !s.Delete(id) {
			t.Fatalf("Delete(%v)", id)
		}
	}
	if s.NodeCount() != 0 || s.Len() != 0 || s.FirstEntryID() != MaxID || s.RaxNodes() != 1 {
		t.Fatalf("empty: %d nodes, len %d, FirstEntryID %v, RaxNodes %d", s.NodeCount(), s.Len(), s.FirstEntryID(), s.RaxNodes())
	}
	if s.MaxDeletedID() != (ID{20, 10}) {
		t.Fatalf("MaxDeletedID %v", s.MaxDeletedID())
	}
}

// TestNodeSplit: a node takes no entry once it has MaxEntries entries,
// deleted ones included, or when its bytes plus the entry's fields and
// values would reach MaxBytes.
func TestNodeSplit(t *testing.T) {
	s := New()
	lim := Limits{MaxEntries: 3}
	for i := range uint64(7) {
		mustAppend(t, s, ID{i + 1, 0}, lim, "f", "v")
	}
	if got := masters(s); !slices.Equal(got, []ID{{1, 0}, {4, 0}, {7, 0}}) {
		t.Fatalf("masters %v", got)
	}
	s.Delete(ID{7, 0}) // the whole tail goes
	s.Delete(ID{6, 0})
	mustAppend(t, s, ID{8, 0}, lim, "f", "v") // 4-0's node has 3 entries, one deleted
	if got := masters(s); !slices.Equal(got, []ID{{1, 0}, {4, 0}, {8, 0}}) {
		t.Fatalf("masters %v", got)
	}

	s = New()
	mustAppend(t, s, ID{1, 0}, Limits{}, "f", "v")
	var lp0 []byte
	s.Nodes(func(_ ID, lp []byte) bool { lp0 = lp; return false })
	// The next entry's fields and values total 1+n bytes: a node of
	// len(lp0) bytes takes it while len(lp0)+1+n < MaxBytes.
	n := 10
	lim = Limits{MaxBytes: int64(len(lp0) + 1 + n + 1)}
	mustAppend(t, s, ID{2, 0}, lim, "f", strings.Repeat("x", n))
	if s.NodeCount() != 1 {
		t.Fatalf("%d nodes, want 1", s.NodeCount())
	}
	s = New()
	mustAppend(t, s, ID{1, 0}, Limits{}, "f", "v")
	lim = Limits{MaxBytes: int64(len(lp0) + 1 + n)}
	mustAppend(t, s, ID{2, 0}, lim, "f", strings.Repeat("x", n))
	if s.NodeCount() != 2 {
		t.Fatalf("%d nodes, want 2", s.NodeCount())
	}
}

// TestTrimRules: approximate trimming removes whole nodes only, stops at
// the first node that can't go entirely and counts LIMIT in entries of
// whole nodes; exact trimming then flags entries of that node.
func TestTrimRules(t *testing.T) {
	build := func() *Stream {
		s := New()
		for i := range uint64(10) {
			mustAppend(t, s, ID{i + 1, 0}, Limits{MaxEntries: 3}, "f", "v")
		}
		return s // nodes 1-3, 4-6, 7-9, 10
	}
	for _, c := range []struct {
		args    TrimArgs
		removed int64
		first   ID
		nodes   int
	}{
		{TrimArgs{MaxLen: 5, Approx: true}, 3, ID{4, 0}, 3},
		{TrimArgs{MaxLen: 4, Approx: true}, 6, ID{7, 0}, 2},
		{TrimArgs{MaxLen: 5}, 5, ID{6, 0}, 3},
		{TrimArgs{MaxLen: 0, Approx: true, Limit: 7}, 6, ID{7, 0}, 2},
		{TrimArgs{MaxLen: 0, Approx: true, Limit: 2}, 0, ID{1, 0}, 4},
		{TrimArgs{MaxLen: 0}, 10, ID{}, 0},
		{TrimArgs{MaxLen: 20}, 0, ID{1, 0}, 4},
		{TrimArgs{ByID: true, MinID: ID{5, 0}, Approx: true}, 3, ID{4, 0}, 3},
		{TrimArgs{ByID: true, MinID: ID{7, 0}, Approx: true}, 6, ID{7, 0}, 2},
		{TrimArgs{ByID: true, MinID: ID{5, 0}}, 4, ID{5, 0}, 3},
		{TrimArgs{ByID: true, MinID: ID{9, 1}, Approx: true, Limit: 6}, 6, ID{7, 0}, 2},
		{TrimArgs{ByID: true, MinID: MaxID}, 10, ID{}, 0},
		{TrimArgs{ByID: true, MinID: ID{}}, 0, ID{1, 0}, 4},
	} {
		s := build()
		if got := s.Trim(c.args); got != c.removed || s.FirstID() != c.first || s.NodeCount() != c.nodes || s.Len() != 10-uint64(c.removed) {
			t.Errorf("Trim(%+v) = %d, first %v, %d nodes, len %d; want %d, %v, %d", c.args, got, s.FirstID(), s.NodeCount(), s.Len(), c.removed, c.first, c.nodes)
		}
		if !s.MaxDeletedID().IsZero() {
			t.Errorf("Trim(%+v) set MaxDeletedID %v: trimming doesn't", c.args, s.MaxDeletedID())
		}
	}
	// A node whose last entry is a tombstone at or past MINID stays with
	// no live entry (as streamTrim leaves it).
	s := New()
	for i := range uint64(3) {
		mustAppend(t, s, ID{i + 1, 0}, Limits{MaxEntries: 3}, "f", "v")
	}
	s.Delete(ID{3, 0})
	if got := s.Trim(TrimArgs{ByID: true, MinID: ID{3, 0}}); got != 2 || s.Len() != 0 || s.NodeCount() != 1 {
		t.Fatalf("Trim: %d, len %d, %d nodes", got, s.Len(), s.NodeCount())
	}
	if got := nodeElems(t, s)[0][:2]; !slices.Equal(got, []string{"0", "3"}) {
		t.Fatalf("counts %q", got)
	}
	if s.FirstID() != (ID{}) || s.FirstEntryID() != (ID{1, 0}) {
		t.Fatalf("FirstID %v, FirstEntryID %v", s.FirstID(), s.FirstEntryID())
	}
	if id, ok := s.EdgeID(false); ok || id != MaxID {
		t.Fatalf("EdgeID(first) %v %v", id, ok)
	}
	if id, ok := s.EdgeID(true); ok || id != (ID{}) {
		t.Fatalf("EdgeID(last) %v %v", id, ok)
	}
}

// TestIterDelete deletes entries while iterating, both ways: the walk
// goes on from the deleted entry, over nodes that go with their last
// entry, and the counts' size change in the master entry (a count
// crossing 127 or 4095 changes its encoding).
func TestIterDelete(t *testing.T) {
	for _, rev := range []bool{false, true} {
		for _, every := range []int{1, 2, 3, 7} {
			s := New()
			m := &model{lim: Limits{MaxEntries: 200, MaxBytes: 1 << 20}}
			for i := range uint64(300) {
				f := []string{"f", "v"}
				if i%5 == 0 {
					f = []string{"g", "w", "h", "x"}
				}
				mustAppend(t, s, ID{i + 1, i % 3}, m.lim, f...)
				m.append(ID{i + 1, i % 3}, kv(f...))
			}
			want := m.rangeEntries(ID{}, MaxID, rev)
			it := s.Range(ID{}, MaxID, rev)
			i := 0
			for ; it.Next(); i++ {
				if it.ID() != want[i].id {
					t.Fatalf("rev %v every %d: entry %d is %v, want %v", rev, every, i, it.ID(), want[i].id)
				}
				if i%every == 0 {
					it.Delete()
					m.delete(it.ID())
				}
			}
			if i != len(want) {
				t.Fatalf("rev %v every %d: %d entries, want %d", rev, every, i, len(want))
			}
			s.UpdateFirstID()
			m.updateFirstID()
			checkModel(t, s, m)
		}
	}
}

// TestIterNextAfterEnd: Next keeps answering false once the range is
// over, as Go iterators do (bufio.Scanner, sql.Rows).
func TestIterNextAfterEnd(t *testing.T) {
	s := New()
	for i := range uint64(5) {
		mustAppend(t, s, ID{i + 1, 0}, Limits{MaxEntries: 2}, "f", "v")
	}
	for _, c := range []struct {
		start, end ID
		rev        bool
	}{
		{ID{}, MaxID, false}, // past the last node
		{ID{}, MaxID, true},  // before the first node
		{ID{}, ID{2, 0}, false},
		{ID{4, 0}, MaxID, true},
		{ID{9, 0}, MaxID, false},
		{ID{3, 0}, ID{2, 0}, false},
	} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("Range(%v, %v, %v): Next after false panics: %v", c.start, c.end, c.rev, p)
				}
			}()
			it := s.Range(c.start, c.end, c.rev)
			for it.Next() {
			}
			again := it.Next()
			if again || it.Next() {
				t.Errorf("Range(%v, %v, %v): Next true after false", c.start, c.end, c.rev)
			}
		}()
	}
}

// TestDuplicateIDGoldens: redis-server 7.0.15 takes XSETID below a
// tombstone (it checks the last live entry), so an entry may follow a
// tombstone of its own ID or a greater one in a node. Its iterator skips
// tombstones before comparing IDs with the range's end, and XDEL finds
// the live entry. Answers of redis-server after
//
//	XADD d 1-0 a 1; XADD d 2-0 a 1; XADD d 3-0 a 1; XDEL d 2-0 3-0
//	XSETID d 1-0; XADD d 2-0 a 2
func TestDuplicateIDGoldens(t *testing.T) {
	build := func() *Stream {
		s := New()
		for i := range uint64(3) {
			mustAppend(t, s, ID{i + 1, 0}, Limits{MaxEntries: 100}, "a", "1")
		}
		s.Delete(ID{2, 0})
		s.Delete(ID{3, 0})
		s.SetMeta(ID{1, 0}, s.MaxDeletedID(), s.EntriesAdded())
		id, err := s.NextID(&ID{2, 0}, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		mustAppend(t, s, id, Limits{MaxEntries: 100}, "a", "2")
		return s
	}
	s := build()
	for _, c := range []struct {
		start, end ID
		rev        bool
		want       []ID
	}{
		{ID{}, MaxID, false, []ID{{1, 0}, {2, 0}}},    // XRANGE d - +
		{ID{}, ID{2, 0}, false, []ID{{1, 0}, {2, 0}}}, // XRANGE d - 2-0
		{ID{2, 0}, ID{2, 0}, false, []ID{{2, 0}}},     // XRANGE d 2-0 2-0
		{ID{2, 0}, MaxID, true, []ID{{2, 0}}},         // XREVRANGE d + 2-0
		{ID{}, ID{2, 0}, true, []ID{{2, 0}, {1, 0}}},  // XREVRANGE d 2-0 -
	} {
		if got := rangeIDs(s, c.start, c.end, c.rev); !slices.Equal(got, c.want) {
			t.Errorf("Range(%v, %v, %v) = %v, redis-server's %v", c.start, c.end, c.rev, got, c.want)
		}
	}
	if !s.Delete(ID{2, 0}) { // XDEL d 2-0 answers 1
		t.Errorf("Delete(2-0) of the live entry after its tombstone: false, redis-server deletes it")
	}
	if got := rangeIDs(s, ID{}, MaxID, false); !slices.Equal(got, []ID{{1, 0}}) || s.Len() != 1 {
		t.Errorf("after XDEL: %v, len %d; redis-server's [1-0], 1", got, s.Len())
	}
}
