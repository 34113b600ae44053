package zsetval

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"respd/internal/listpack"
)

// pair is a member and its score.
type pair struct {
	member string
	score  float64
}

func (p pair) String() string { return fmt.Sprintf("%q=%v", p.member, p.score) }

func comparePairs(a, b pair) int {
	if c := cmp.Compare(a.score, b.score); c != 0 {
		return c
	}
	return compareMembers(a.member, b.member)
}

func compareMembers(a, b string) int { return bytes.Compare([]byte(a), []byte(b)) }

// all is every member of z, in order, by Each.
func all(z *ZSet) []pair {
	var ps []pair
	z.Each(func(member []byte, score float64) { ps = append(ps, pair{string(member), score}) })
	return ps
}

// checkStructure checks z's encoding's invariants. canonical says that z
// was built by this package only, so that its listpack must be the bytes
// Redis would write for its members.
func checkStructure(t testing.TB, z *ZSet, canonical bool) {
	t.Helper()
	if z.small() {
		checkListpack(t, z.listpack(), canonical)
	} else {
		checkSkiplist(t, z.skiplist())
	}
}

func checkListpack(t testing.TB, lp []byte, canonical bool) {
	t.Helper()
	n, err := listpack.Validate(lp)
	if err != nil || n%2 != 0 {
		t.Fatalf("listpack: %d elements, %v", n, err)
	}
	var ps []pair
	var elems [][]byte
	for p := listpack.First(lp); p >= 0; p = nextPair(lp, p) {
		member := listpack.Get(lp, p).Append(nil)
		score := entryScore(lp, listpack.Next(lp, p))
		ps = append(ps, pair{string(member), score})
		elems = append(elems, member, appendScore(nil, score))
	}
	for i := 1; i < len(ps); i++ {
		if comparePairs(ps[i-1], ps[i]) >= 0 {
			t.Fatalf("listpack out of order at %d: %v", i, ps)
		}
	}
	if canonical && !bytes.Equal(lp, listpack.Build(elems...)) {
		t.Fatalf("listpack %x is not Redis's for %v", lp, ps)
	}
}

func checkSkiplist(t testing.TB, s *skiplist) {
	t.Helper()
	if s.head.height != maxLevel || s.level < 1 || s.level > maxLevel {
		t.Fatalf("head height %d, level %d", s.head.height, s.level)
	}
	if s.length != s.dict.Len() {
		t.Fatalf("length %d, dict %d", s.length, s.dict.Len())
	}
	rank := map[*node]int{s.head: 0}
	var prev *node
	tallest := 1
	for x := s.first(); x != nil; x = x.level[0].forward {
		rank[x] = len(rank)
		if x.backward != prev {
			t.Fatalf("node %q: backward %v, want %v", x.member, x.backward, prev)
		}
		if prev != nil && !prev.before(x.score, x.member) {
			t.Fatalf("%q=%v after %q=%v", x.member, x.score, prev.member, prev.score)
		}
		if x.height < 1 || x.height > maxLevel {
			t.Fatalf("node %q of height %d", x.member, x.height)
		}
		if s.dict.Find(x.member) != x {
			t.Fatalf("node %q is not its member's dict entry", x.member)
		}
		tallest = max(tallest, int(x.height))
		prev = x
	}
	if len(rank)-1 != s.length || s.tail != prev {
		t.Fatalf("%d nodes, length %d; tail %v, last %v", len(rank)-1, s.length, s.tail, prev)
	}
	if s.length > 0 && tallest != s.level {
		t.Fatalf("level %d, tallest node %d", s.level, tallest)
	}
	for i := range s.level {
		linked := 0
		for x := s.head; ; x = x.at(i).forward {
			l := x.at(i)
			want := s.length - rank[x]
			if l.forward != nil {
				want = rank[l.forward] - rank[x]
				if int(l.forward.height) <= i {
					t.Fatalf("level %d links node %q of height %d", i, l.forward.member, l.forward.height)
				}
			}
			if l.span != want {
				t.Fatalf("level %d: span after rank %d is %d, want %d", i, rank[x], l.span, want)
			}
			if l.forward == nil {
				break
			}
			linked++
		}
		tall := 0
		for x := s.first(); x != nil; x = x.level[0].forward {
			if int(x.height) > i {
				tall++
			}
		}
		if linked != tall {
			t.Fatalf("level %d links %d nodes of %d that tall", i, linked, tall)
		}
	}
}

// model is the reference: a map, sorted on demand, with Redis's rules
// spelt out plainly, and the encoding Redis would have.
type model struct {
	scores   map[string]float64
	skiplist bool
}

func newModel(skiplist bool) *model { return &model{scores: map[string]float64{}, skiplist: skiplist} }

func (m *model) sorted() []pair {
	ps := make([]pair, 0, len(m.scores))
	for member, score := range m.scores {
		ps = append(ps, pair{member, score})
	}
	slices.SortFunc(ps, comparePairs)
	return ps
}

// add is zsetAdd.
func (m *model) add(member string, score float64, flags Flags, lim Limits) (Result, float64) {
	if math.IsNaN(score) {
		return NaNScore, 0
	}
	cur, ok := m.scores[member]
	if !ok {
		if flags&XX != 0 {
			return Nop, 0
		}
		if !m.skiplist && (int64(len(m.scores))+1 > lim.Entries || int64(len(member)) > lim.Value) {
			m.skiplist = true
		}
		m.scores[member] = score
		return Added, score
	}
	switch {
	case flags&NX != 0:
		return Nop, cur
	case flags&Incr != 0:
		if score += cur; math.IsNaN(score) {
			return NaNScore, cur
		}
	}
	if flags&LT != 0 && score >= cur || flags&GT != 0 && score <= cur {
		return Nop, cur
	}
	if score == cur {
		return 0, score
	}
	m.scores[member] = score
	return Updated, score
}

// window is the part of ps a range walk gives: from the first in range
// (or the last, if reverse), skipping offset, limit long (all if < 0).
func window(ps []pair, in func(pair) bool, reverse bool, offset, limit int64) []pair {
	var sel []pair
	for _, p := range ps {
		if in(p) {
			sel = append(sel, p)
		}
	}
	if reverse {
		slices.Reverse(sel)
	}
	if offset < 0 || offset >= int64(len(sel)) {
		return nil
	}
	sel = sel[offset:]
	if limit >= 0 && limit < int64(len(sel)) {
		sel = sel[:limit]
	}
	return sel
}

func scoreIn(r ScoreRange) func(pair) bool {
	return func(p pair) bool { return r.gteMin(p.score) && r.lteMax(p.score) && !r.empty() }
}

func lexIn(r LexRange) func(pair) bool {
	return func(p pair) bool {
		return r.gteMin([]byte(p.member)) && r.lteMax([]byte(p.member)) && !r.empty()
	}
}

// lexOrdered reports whether ps, sorted by score, is sorted by member too:
// when a lex range's outcome is defined.
func lexOrdered(ps []pair) bool {
	return slices.IsSortedFunc(ps, func(a, b pair) int { return compareMembers(a.member, b.member) })
}

// Fixed pools the random operations draw from, so that members and
// scores repeat.
var (
	poolMembers = []string{
		"", "a", "b", "c", "ab", "ba", "z", "0", "1", "-1", "10", "01", "-0", "123456789012",
		"9223372036854775807", "9223372036854775808", "\x00", "\xff", "a\x00b", "m00000001", "m00000002",
		"long-member-of-65-bytes-long-member-of-65-bytes-long-member-65byt",
		"sixty-four-bytes-member-sixty-four-bytes-member-sixty-four-bytes",
	}
	poolScores = []float64{
		math.Inf(-1), -1e300, -4611686018427387904, -2.5, -1, -0.5, math.Copysign(0, -1), 0, 5e-324,
		0.1, 0.5, 1, 1, 2, 2, 3, 3.0000000000000004, 1e17, 4611686018427387904, 4611686018427388928,
		1.2345678901234567e19, 1e300, math.Inf(1),
	}
)

// opReader reads a random operation's parameters from fuzz bytes, 0 once
// they run out.
type opReader struct{ data []byte }

func (r *opReader) byte() byte {
	if len(r.data) == 0 {
		return 0
	}
	b := r.data[0]
	r.data = r.data[1:]
	return b
}

func (r *opReader) member() string { return poolMembers[int(r.byte())%len(poolMembers)] }
func (r *opReader) score() float64 { return poolScores[int(r.byte())%len(poolScores)] }
func (r *opReader) small() int64   { return int64(r.byte()%24) - 8 }
func (r *opReader) flag() bool     { return r.byte()&1 != 0 }

func (r *opReader) flags() Flags {
	// Only the combinations ZADD accepts.
	return []Flags{0, NX, XX, GT, LT, XX | GT, XX | LT, Incr, Incr | NX, Incr | XX, Incr | GT, Incr | LT | XX}[int(r.byte())%12]
}

func (r *opReader) scoreRange() ScoreRange {
	return ScoreRange{Min: r.score(), Max: r.score(), MinEx: r.flag(), MaxEx: r.flag()}
}

func (r *opReader) lexBound() LexBound {
	switch k := LexKind(r.byte() % 4); k {
	case LexMinusInf, LexPlusInf:
		return LexBound{Kind: k}
	default:
		return LexBound{Kind: k, Value: []byte(r.member())}
	}
}

// runOps applies the operations data encodes to a sorted set made with
// lim and to the model, checking every result, the structure and the
// contents after each.
func runOps(t testing.TB, data []byte, lim Limits) {
	t.Helper()
	r := &opReader{data: data}
	z := New(0, 0, lim)
	m := newModel(false)
	for len(r.data) > 0 {
		op := r.byte() % 16
		desc := ""
		switch op {
		case 0, 1, 2: // Add, the most common
			member, score, flags := r.member(), r.score(), r.flags()
			desc = fmt.Sprintf("Add(%q, %v, %b)", member, score, flags)
			res, got := z.Add([]byte(member), score, flags, lim)
			wantRes, want := m.add(member, score, flags, lim)
			if res != wantRes || got != want {
				t.Fatalf("%s = %b, %v; want %b, %v", desc, res, got, wantRes, want)
			}
		case 3:
			member := r.member()
			desc = fmt.Sprintf("Remove(%q)", member)
			_, want := m.scores[member]
			delete(m.scores, member)
			if got := z.Remove([]byte(member)); got != want {
				t.Fatalf("%s = %v", desc, got)
			}
		case 4:
			member, reverse := r.member(), r.flag()
			desc = fmt.Sprintf("Score, Rank(%q, %v)", member, reverse)
			ps := m.sorted()
			want := slices.IndexFunc(ps, func(p pair) bool { return p.member == member })
			score, ok := z.Score([]byte(member))
			rank, rscore, rok := z.Rank([]byte(member), reverse)
			if want < 0 {
				if ok || rok {
					t.Fatalf("%s found an absent member", desc)
				}
				break
			}
			if reverse {
				want = len(ps) - 1 - want
			}
			if !ok || !rok || score != m.scores[member] || rscore != score || rank != want {
				t.Fatalf("%s = %v %v, %d %v %v; want %v, %d", desc, score, ok, rank, rscore, rok, m.scores[member], want)
			}
		case 5:
			start, stop, reverse := r.small(), r.small(), r.flag()
			desc = fmt.Sprintf("RangeByRank(%d, %d, %v)", start, stop, reverse)
			ps := m.sorted()
			if reverse {
				slices.Reverse(ps)
			}
			var want []pair
			if first, last, ok := ClampRanks(start, stop, len(ps)); ok {
				want = ps[first : last+1]
			}
			checkWalk(t, desc, want, func(fn func([]byte, float64) bool) { z.RangeByRank(start, stop, reverse, fn) })
		case 6:
			sr, reverse, offset, limit := r.scoreRange(), r.flag(), r.small(), r.small()
			desc = fmt.Sprintf("RangeByScore(%+v, %v, %d, %d)", sr, reverse, offset, limit)
			want := window(m.sorted(), scoreIn(sr), reverse, offset, limit)
			checkWalk(t, desc, want, func(fn func([]byte, float64) bool) { z.RangeByScore(sr, reverse, offset, limit, fn) })
			if got, want := z.CountInScoreRange(sr), len(window(m.sorted(), scoreIn(sr), false, 0, -1)); got != want {
				t.Fatalf("CountInScoreRange(%+v) = %d, want %d", sr, got, want)
			}
		case 7:
			lr := LexRange{Min: r.lexBound(), Max: r.lexBound()}
			reverse, offset, limit := r.flag(), r.small(), r.small()
			desc = fmt.Sprintf("RangeByLex(%+v, %v, %d, %d)", lr, reverse, offset, limit)
			ps := m.sorted()
			if !lexOrdered(ps) {
				break
			}
			want := window(ps, lexIn(lr), reverse, offset, limit)
			checkWalk(t, desc, want, func(fn func([]byte, float64) bool) { z.RangeByLex(lr, reverse, offset, limit, fn) })
			if got, want := z.CountInLexRange(lr), len(window(ps, lexIn(lr), false, 0, -1)); got != want {
				t.Fatalf("CountInLexRange(%+v) = %d, want %d", lr, got, want)
			}
		case 8:
			start, stop := r.small(), r.small()
			desc = fmt.Sprintf("DeleteRangeByRank(%d, %d)", start, stop)
			ps := m.sorted()
			want := 0
			if first, last, ok := ClampRanks(start, stop, len(ps)); ok {
				for _, p := range ps[first : last+1] {
					delete(m.scores, p.member)
				}
				want = last - first + 1
			}
			if got := z.DeleteRangeByRank(start, stop); got != want {
				t.Fatalf("%s = %d, want %d", desc, got, want)
			}
		case 9:
			sr := r.scoreRange()
			desc = fmt.Sprintf("DeleteRangeByScore(%+v)", sr)
			want := window(m.sorted(), scoreIn(sr), false, 0, -1)
			for _, p := range want {
				delete(m.scores, p.member)
			}
			if got := z.DeleteRangeByScore(sr); got != len(want) {
				t.Fatalf("%s = %d, want %d", desc, got, len(want))
			}
		case 10:
			lr := LexRange{Min: r.lexBound(), Max: r.lexBound()}
			desc = fmt.Sprintf("DeleteRangeByLex(%+v)", lr)
			ps := m.sorted()
			if !lexOrdered(ps) {
				break
			}
			want := window(ps, lexIn(lr), false, 0, -1)
			for _, p := range want {
				delete(m.scores, p.member)
			}
			if got := z.DeleteRangeByLex(lr); got != len(want) {
				t.Fatalf("%s = %d, want %d", desc, got, len(want))
			}
		case 11:
			count, highest := r.small(), r.flag()
			desc = fmt.Sprintf("Pop(%d, %v)", count, highest)
			ps := m.sorted()
			if highest {
				slices.Reverse(ps)
			}
			want := ps[:max(0, min(int(count), len(ps)))]
			for _, p := range want {
				delete(m.scores, p.member)
			}
			var got []pair
			pop := z.PopMin
			if highest {
				pop = z.PopMax
			}
			n := pop(count, func(member []byte, score float64) { got = append(got, pair{string(member), score}) })
			if n != len(want) || !slices.Equal(got, want) {
				t.Fatalf("%s = %d %v, want %v", desc, n, got, want)
			}
		case 12:
			desc = "At"
			ps := m.sorted()
			for i, p := range ps {
				member, score := z.At(i, nil)
				if string(member) != p.member || score != p.score {
					t.Fatalf("At(%d) = %q %v, want %v", i, member, score, p)
				}
			}
		case 13:
			desc = "Dup"
			d := z.Dup()
			checkStructure(t, d, true)
			if !slices.Equal(all(d), all(z)) || d.Encoding() != z.Encoding() {
				t.Fatalf("Dup: %v, want %v", all(d), all(z))
			}
			if r.flag() {
				z = d
			}
		case 14:
			desc = "ConvertToListpackIfFits"
			z.ConvertToListpackIfFits(lim)
			ps := m.sorted()
			if m.skiplist && int64(len(ps)) <= lim.Entries &&
				!slices.ContainsFunc(ps, func(p pair) bool { return int64(len(p.member)) > lim.Value }) {
				m.skiplist = false
			}
		case 15:
			desc = "Scan"
			got := map[string]float64{}
			for cursor := uint64(0); ; {
				cursor = z.Scan(cursor, func(member []byte, score float64) { got[string(member)] = score })
				if cursor == 0 {
					break
				}
			}
			if len(got) != len(m.scores) {
				t.Fatalf("Scan: %d members, want %d", len(got), len(m.scores))
			}
			for member, score := range m.scores {
				if s, ok := got[member]; !ok || s != score {
					t.Fatalf("Scan: %q = %v %v, want %v", member, s, ok, score)
				}
			}
		}
		checkStructure(t, z, true)
		if got, want := all(z), m.sorted(); !slices.Equal(got, want) || z.Len() != len(want) {
			t.Fatalf("after %s: %v (Len %d), want %v", desc, got, z.Len(), want)
		}
		if want := map[bool]string{false: "listpack", true: "skiplist"}[m.skiplist]; z.Encoding() != want {
			t.Fatalf("after %s: %s, want %s", desc, z.Encoding(), want)
		}
	}
}

// checkWalk checks that walk gives want, and that it stops when its
// callback returns false.
func checkWalk(t testing.TB, desc string, want []pair, walk func(fn func([]byte, float64) bool)) {
	t.Helper()
	var got []pair
	walk(func(member []byte, score float64) bool {
		got = append(got, pair{string(member), score})
		return true
	})
	if !slices.Equal(got, want) {
		t.Fatalf("%s = %v, want %v", desc, got, want)
	}
	if len(want) > 1 {
		calls := 0
		walk(func([]byte, float64) bool {
			calls++
			return false
		})
		if calls != 1 {
			t.Fatalf("%s went on after false: %d calls", desc, calls)
		}
	}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

// limitsUnderTest: a listpack that converts at a long member, one that
// converts at 6 members (so mid-sequence), and a skiplist from the start.
var limitsUnderTest = []Limits{{Entries: 128, Value: 64}, {Entries: 6, Value: 64}, {}}

// TestModel runs random operation sequences against the model.
func TestModel(t *testing.T) {
	rng := newRand(1)
	runs := 300
	if testing.Short() {
		runs = 30
	}
	for _, lim := range limitsUnderTest {
		t.Run(strconv.FormatInt(lim.Entries, 10), func(t *testing.T) {
			for range runs {
				data := make([]byte, 600)
				for i := range data {
					data[i] = byte(rng.Uint32())
				}
				runOps(t, data, lim)
			}
		})
	}
}

func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0, 3, 4, 0, 5, 6, 0, 7, 8, 5, 0, 9, 1})
	f.Add([]byte{0, 21, 3, 0, 0, 22, 5, 0, 1, 1, 1, 0, 2, 2, 2, 0, 14, 6, 1, 2, 3, 4, 5})
	f.Add([]byte("\x00\x01\x02\x00\x02\x03\x01\x00\x03\x04\x02\x00\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"))
	rng := newRand(2)
	for range 4 {
		data := make([]byte, 200)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, lim := range limitsUnderTest {
			runOps(t, data, lim)
		}
	})
}
