package quicklist

import (
	"bytes"
	"fmt"
	"math/rand"
	"slices"
	"strconv"
	"testing"

	"respd/internal/listpack"
)

// check verifies l against model and the quicklist's invariants.
func check(t testing.TB, l *List, model [][]byte) {
	t.Helper()
	if l.Len() != len(model) {
		t.Fatalf("Len = %d, model has %d", l.Len(), len(model))
	}
	sum := 0
	for i := range l.NodeCount() {
		n := l.node(i)
		c := n.count()
		if c == 0 {
			t.Fatalf("node %d of %d is empty", i, l.NodeCount())
		}
		sum += c
		raw := n.raw(nil)
		if n.plain() {
			if c != 1 {
				t.Fatalf("plain node %d counts %d", i, c)
			}
		} else if got, err := listpack.Validate(raw); err != nil || got != c {
			t.Fatalf("node %d: Validate = %d, %v; count %d", i, got, err, c)
		}
		if n.size() != len(raw) {
			t.Fatalf("node %d: size %d, %d uncompressed", i, n.size(), len(raw))
		}
		if n.flags&(fRecompress|fDontCompress) != 0 {
			t.Fatalf("node %d left with flags %b", i, n.flags)
		}
		// The depth nodes at each end are never compressed.
		d := int(l.depth)
		if n.compressed() && (d == 0 || i < d || i >= l.NodeCount()-d) {
			t.Fatalf("node %d of %d compressed, depth %d", i, l.NodeCount(), d)
		}
	}
	if sum != l.Len() {
		t.Fatalf("nodes hold %d elements, Len %d", sum, l.Len())
	}
	got := collect(l, 0, false)
	if !equal(got, model) {
		t.Fatalf("elements\n got %q\nwant %q", trunc(got), trunc(model))
	}
	if len(model) > 0 {
		rev := collect(l, -1, true)
		slices.Reverse(rev)
		if !equal(rev, model) {
			t.Fatalf("elements backward\n got %q\nwant %q", trunc(rev), trunc(model))
		}
	}
}

func collect(l *List, from int, reverse bool) [][]byte {
	var out [][]byte
	want := from
	if want < 0 {
		want += l.Len()
	}
	for i, v := range l.Elements(from, reverse) {
		if i != want {
			panic(fmt.Sprintf("Elements yielded index %d, want %d", i, want))
		}
		want = step(want, reverse)
		out = append(out, bytes.Clone(v))
	}
	return out
}

func equal(a, b [][]byte) bool {
	return slices.EqualFunc(a, b, func(x, y []byte) bool { return bytes.Equal(x, y) })
}

func trunc(v [][]byte) []string {
	var out []string
	for _, b := range v {
		s := string(b)
		if len(s) > 12 {
			s = fmt.Sprintf("%s..(%d)", s[:8], len(s))
		}
		out = append(out, s)
	}
	return out
}

// snapshot is what a frozen view must go on showing.
type snapshot struct {
	view  *List
	model [][]byte
	nodes []Node
}

func takeSnapshot(l *List, model [][]byte) snapshot {
	s := snapshot{view: l.Freeze(), model: slices.Clone(model)}
	s.view.Nodes(func(n Node) bool {
		n.Data, n.LZF = bytes.Clone(n.Data), bytes.Clone(n.LZF)
		s.nodes = append(s.nodes, n)
		return true
	})
	return s
}

func (s snapshot) check(t testing.TB) {
	t.Helper()
	if s.view.Freeze() != s.view {
		t.Fatal("a frozen view's Freeze is not itself")
	}
	check(t, s.view, s.model)
	i := 0
	s.view.Nodes(func(n Node) bool {
		w := s.nodes[i]
		if n.Container != w.Container || n.Size != w.Size || !bytes.Equal(n.Data, w.Data) || !bytes.Equal(n.LZF, w.LZF) {
			t.Fatalf("frozen view's node %d changed", i)
		}
		i++
		return true
	})
	if i != len(s.nodes) {
		t.Fatalf("frozen view has %d nodes, had %d", i, len(s.nodes))
	}
}

// opRunner applies random operations to a List and a model.
type opRunner struct {
	t     testing.TB
	rng   *rand.Rand
	l     *List
	model [][]byte
	snaps []snapshot
	dups  []*opRunner
}

func (r *opRunner) value() []byte {
	switch r.rng.Intn(8) {
	case 0:
		return []byte(strconv.Itoa(r.rng.Intn(40000) - 20000))
	case 1:
		return []byte(strconv.FormatInt(r.rng.Int63()>>uint(r.rng.Intn(63)), 10))
	case 2:
		return bytes.Repeat([]byte{'a' + byte(r.rng.Intn(3))}, r.rng.Intn(300)) // compressible
	case 3:
		b := make([]byte, r.rng.Intn(120))
		r.rng.Read(b)
		return b
	case 4:
		if len(r.model) > 0 {
			return bytes.Clone(r.model[r.rng.Intn(len(r.model))])
		}
	}
	return []byte("v" + strconv.Itoa(r.rng.Intn(20)))
}

func (r *opRunner) index() int {
	n := len(r.model) + 2
	return r.rng.Intn(2*n) - n
}

func norm(i, n int) int {
	if i < 0 {
		return i + n
	}
	return i
}

func (r *opRunner) step(op int) {
	t, l := r.t, r.l
	switch op % 16 {
	case 0, 1:
		v := r.value()
		l.PushHead(v)
		r.model = append([][]byte{v}, r.model...)
	case 2, 3:
		v := r.value()
		l.PushTail(v)
		r.model = append(r.model, v)
	case 4:
		v, ok := l.PopHead()
		if ok != (len(r.model) > 0) || ok && !bytes.Equal(v, r.model[0]) {
			t.Fatalf("PopHead = %q, %v", v, ok)
		}
		if ok {
			r.model = r.model[1:]
		}
	case 5:
		v, ok := l.PopTail()
		if ok != (len(r.model) > 0) || ok && !bytes.Equal(v, r.model[len(r.model)-1]) {
			t.Fatalf("PopTail = %q, %v", v, ok)
		}
		if ok {
			r.model = r.model[:len(r.model)-1]
		}
	case 6:
		pivot, v, after := r.value(), r.value(), r.rng.Intn(2) == 0
		want := slices.IndexFunc(r.model, func(e []byte) bool { return bytes.Equal(e, pivot) })
		if got := l.Insert(pivot, v, after); got != (want >= 0) {
			t.Fatalf("Insert found %v, want %v", got, want >= 0)
		}
		if want >= 0 {
			if after {
				want++
			}
			r.model = slices.Insert(r.model, want, v)
		}
	case 7:
		i, v := r.index(), r.value()
		j := norm(i, len(r.model))
		ok := j >= 0 && j < len(r.model)
		if got := l.Replace(i, v); got != ok {
			t.Fatalf("Replace(%d) = %v", i, got)
		}
		if ok {
			r.model[j] = v
		}
	case 8:
		v, count := r.value(), r.rng.Intn(7)-3
		want := 0
		if count >= 0 {
			for j := 0; j < len(r.model); j++ {
				if bytes.Equal(r.model[j], v) && (count == 0 || want < count) {
					r.model = slices.Delete(r.model, j, j+1)
					j--
					want++
				}
			}
		} else {
			for j := len(r.model) - 1; j >= 0; j-- {
				if bytes.Equal(r.model[j], v) && want < -count {
					r.model = slices.Delete(r.model, j, j+1)
					want++
				}
			}
		}
		if got := l.Remove(v, count); got != want {
			t.Fatalf("Remove(%q, %d) = %d, want %d", v, count, got, want)
		}
	case 9:
		start, stop := r.index(), r.index()
		l.Trim(start, stop)
		if s, e, ok := normalize(start, stop, len(r.model)); ok {
			r.model = r.model[s : e+1]
		} else {
			r.model = nil
		}
	case 10:
		start, count := r.index(), r.rng.Intn(len(r.model)+3)-1
		l.DelRange(start, count)
		s := norm(start, len(r.model))
		if count > 0 && s >= 0 && s < len(r.model) {
			r.model = slices.Delete(r.model, s, min(s+count, len(r.model)))
		}
	case 11:
		i := r.index()
		v, ok := l.Index(i)
		j := norm(i, len(r.model))
		if ok != (j >= 0 && j < len(r.model)) || ok && !bytes.Equal(v, r.model[j]) {
			t.Fatalf("Index(%d) = %q, %v", i, v, ok)
		}
	case 12:
		start, stop := r.index(), r.index()
		var got [][]byte
		l.Range(start, stop, func(_ int, v []byte) bool {
			got = append(got, bytes.Clone(v))
			return true
		})
		var want [][]byte
		if s, e, ok := normalize(start, stop, len(r.model)); ok {
			want = r.model[s : e+1]
		}
		if !equal(got, want) || l.RangeLen(start, stop) != len(want) {
			t.Fatalf("Range(%d, %d) = %q, want %q", start, stop, trunc(got), trunc(want))
		}
	case 13:
		// Part of a walk from anywhere, either way.
		from, reverse, limit := r.index(), r.rng.Intn(2) == 0, r.rng.Intn(10)
		j := norm(from, len(r.model))
		for i, v := range l.Elements(from, reverse) {
			if i != j || !bytes.Equal(v, r.model[j]) {
				t.Fatalf("Elements(%d, %v) yielded %d %q", from, reverse, i, v)
			}
			if limit--; limit < 0 {
				break
			}
			j = step(j, reverse)
		}
	case 14:
		if len(r.snaps) < 4 {
			r.snaps = append(r.snaps, takeSnapshot(l, r.model))
		}
	case 15:
		if len(r.dups) < 2 {
			r.dups = append(r.dups, &opRunner{t: t, rng: rand.New(rand.NewSource(r.rng.Int63())), l: l.Dup(), model: slices.Clone(r.model)})
		}
	}
}

// run applies n random operations, checking everything after each.
func (r *opRunner) run(n int) {
	for range n {
		r.step(r.rng.Intn(16))
		check(r.t, r.l, r.model)
		for _, s := range r.snaps {
			s.check(r.t)
		}
		for _, d := range r.dups {
			d.step(d.rng.Intn(14))
			check(r.t, d.l, d.model)
		}
	}
}

func FuzzOps(f *testing.F) {
	f.Add(int64(1), uint8(2), uint8(1), uint16(300))
	f.Add(int64(2), uint8(0), uint8(0), uint16(0))
	f.Add(int64(3), uint8(5), uint8(2), uint16(100))
	f.Add(int64(4), uint8(7), uint8(3), uint16(0))
	f.Fuzz(func(t *testing.T, seed int64, fillSel, depth uint8, threshold uint16) {
		fills := []int{1, 2, 3, 4, 5, 8, -1, -2, 0, 128}
		fill := fills[int(fillSel)%len(fills)]
		if threshold > 0 {
			defer SetPackedThreshold(0)
			SetPackedThreshold(int64(threshold)%400 + 50)
		}
		rng := rand.New(rand.NewSource(seed))
		r := &opRunner{t: t, rng: rng, l: New(fill, int(depth%4))}
		r.run(300)
	})
}
