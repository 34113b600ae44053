package zsetval

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"slices"
	"strconv"
	"testing"
	"unsafe"

	"respd/internal/listpack"
)

// encodings are limits that give each encoding: the listpack with
// Redis's defaults, the skiplist from the first member.
var encodings = []struct {
	name string
	lim  Limits
}{
	{"listpack", Limits{Entries: 128, Value: 64}},
	{"skiplist", Limits{}},
}

// build returns a sorted set of the given member, score pairs made with
// lim, checked.
func build(t testing.TB, lim Limits, pairs ...pair) *ZSet {
	t.Helper()
	z := New(0, 0, lim)
	for _, p := range pairs {
		if res, _ := z.Add([]byte(p.member), p.score, 0, lim); res != Added {
			t.Fatalf("Add(%v) = %b", p, res)
		}
	}
	checkStructure(t, z, true)
	return z
}

// abcde is a, b, c, d, e scored 1 to 5.
var abcde = []pair{{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}}

func TestNew(t *testing.T) {
	lim := Limits{Entries: 2, Value: 3}
	for _, c := range []struct {
		size, maxLen int
		want         string
	}{
		{0, 0, "listpack"}, {1, 3, "listpack"}, {2, 3, "listpack"},
		{3, 0, "skiplist"}, {1, 4, "skiplist"},
	} {
		z := New(c.size, c.maxLen, lim)
		if z.Encoding() != c.want || z.Len() != 0 {
			t.Errorf("New(%d, %d) = %s of %d", c.size, c.maxLen, z.Encoding(), z.Len())
		}
	}
	// ZADD's creation with zset-max-listpack-entries 0: a skiplist.
	if z := New(1, 1, Limits{Value: 64}); z.Encoding() != "skiplist" {
		t.Errorf("entries 0: %s", z.Encoding())
	}
}

func TestAdd(t *testing.T) {
	nan := math.NaN()
	for _, enc := range encodings {
		for _, c := range []struct {
			member string
			score  float64
			flags  Flags
			res    Result
			after  float64 // the score returned
		}{
			{"new", 7, 0, Added, 7},
			{"b", 2, 0, 0, 2},
			{"b", 9, 0, Updated, 9},
			{"b", 9, NX, Nop, 2},
			{"new", 7, NX, Added, 7},
			{"new", 7, XX, Nop, 0},
			{"b", 7, XX, Updated, 7},
			{"b", 3, GT, Updated, 3},
			{"b", 2, GT, Nop, 2},
			{"b", 1, GT, Nop, 2},
			{"b", 1, LT, Updated, 1},
			{"b", 2, LT, Nop, 2},
			{"new", 7, GT, Added, 7},
			{"new", 7, LT | XX, Nop, 0},
			{"b", 0.5, Incr, Updated, 2.5},
			{"b", 0, Incr, 0, 2},
			{"new", 0.5, Incr, Added, 0.5},
			{"b", -1, Incr | GT, Nop, 2},
			{"b", 1, Incr | GT, Updated, 3},
			{"b", 1, Incr | NX, Nop, 2},
			{"b", nan, 0, NaNScore, 0},
			{"new", nan, Incr, NaNScore, 0},
		} {
			z := build(t, enc.lim, abcde...)
			res, after := z.Add([]byte(c.member), c.score, c.flags, enc.lim)
			if res != c.res || after != c.after {
				t.Errorf("%s: Add(%q, %v, %b) = %b, %v; want %b, %v", enc.name, c.member, c.score, c.flags, res, after, c.res, c.after)
			}
			checkStructure(t, z, true)
		}
		// INCR to NaN: +inf plus -inf.
		z := build(t, enc.lim, pair{"i", math.Inf(1)})
		if res, after := z.Add([]byte("i"), math.Inf(-1), Incr, enc.lim); res != NaNScore || after != math.Inf(1) {
			t.Errorf("%s: inf + -inf = %b, %v", enc.name, res, after)
		}
		// Moving a member keeps the order, ties by member bytes.
		z = build(t, enc.lim, abcde...)
		z.Add([]byte("a"), 3, 0, enc.lim)
		z.Add([]byte("e"), 3, 0, enc.lim)
		z.Add([]byte("c"), 3.5, 0, enc.lim)
		want := []pair{{"b", 2}, {"a", 3}, {"e", 3}, {"c", 3.5}, {"d", 4}}
		if got := all(z); !slices.Equal(got, want) {
			t.Errorf("%s: after moves %v, want %v", enc.name, got, want)
		}
	}
}

func TestRemoveScoreRankAt(t *testing.T) {
	for _, enc := range encodings {
		z := build(t, enc.lim, pair{"x", -1}, pair{"10", 0}, pair{"9", 0}, pair{"y", 2})
		for i, p := range []pair{{"x", -1}, {"10", 0}, {"9", 0}, {"y", 2}} {
			score, ok := z.Score([]byte(p.member))
			rank, rscore, rok := z.Rank([]byte(p.member), false)
			rev, _, _ := z.Rank([]byte(p.member), true)
			member, ascore := z.At(i, []byte("prefix:"))
			if !ok || score != p.score || !rok || rank != i || rscore != p.score || rev != 3-i ||
				string(member) != "prefix:"+p.member || ascore != p.score {
				t.Errorf("%s: %v: Score %v %v, Rank %d %v %v, rev %d, At %q %v",
					enc.name, p, score, ok, rank, rscore, rok, rev, member, ascore)
			}
		}
		if _, ok := z.Score([]byte("nope")); ok {
			t.Errorf("%s: Score of an absent member", enc.name)
		}
		if _, _, ok := z.Rank([]byte("nope"), false); ok {
			t.Errorf("%s: Rank of an absent member", enc.name)
		}
		if z.Remove([]byte("nope")) || !z.Remove([]byte("10")) || z.Remove([]byte("10")) || z.Len() != 3 {
			t.Errorf("%s: Remove: %v", enc.name, all(z))
		}
		checkStructure(t, z, true)
		for _, m := range []string{"x", "9", "y"} {
			z.Remove([]byte(m))
		}
		if z.Len() != 0 || len(all(z)) != 0 {
			t.Errorf("%s: emptied: %v", enc.name, all(z))
		}
		checkStructure(t, z, true)
	}
}

func collect(walk func(fn func([]byte, float64) bool)) []string {
	got := []string{}
	walk(func(member []byte, _ float64) bool {
		got = append(got, string(member))
		return true
	})
	return got
}

func TestRanges(t *testing.T) {
	incl := func(min, max float64) ScoreRange { return ScoreRange{Min: min, Max: max} }
	lex := func(min, max string) LexRange {
		r, ok := ParseLexRange([]byte(min), []byte(max))
		if !ok {
			t.Fatalf("ParseLexRange(%q, %q)", min, max)
		}
		return r
	}
	for _, enc := range encodings {
		z := build(t, enc.lim, abcde...)
		for _, c := range []struct {
			name string
			walk func(fn func([]byte, float64) bool)
			want []string
		}{
			{"rank 0 -1", func(fn func([]byte, float64) bool) { z.RangeByRank(0, -1, false, fn) }, []string{"a", "b", "c", "d", "e"}},
			{"rank -2 10", func(fn func([]byte, float64) bool) { z.RangeByRank(-2, 10, false, fn) }, []string{"d", "e"}},
			{"rank 1 2 rev", func(fn func([]byte, float64) bool) { z.RangeByRank(1, 2, true, fn) }, []string{"d", "c"}},
			{"rank 3 1", func(fn func([]byte, float64) bool) { z.RangeByRank(3, 1, false, fn) }, []string{}},
			{"score 2 4", func(fn func([]byte, float64) bool) { z.RangeByScore(incl(2, 4), false, 0, -1, fn) }, []string{"b", "c", "d"}},
			{"score (2 (5", func(fn func([]byte, float64) bool) {
				z.RangeByScore(ScoreRange{Min: 2, Max: 5, MinEx: true, MaxEx: true}, false, 0, -1, fn)
			}, []string{"c", "d"}},
			{"score rev limit", func(fn func([]byte, float64) bool) { z.RangeByScore(incl(1, 5), true, 1, 2, fn) }, []string{"d", "c"}},
			{"score offset past", func(fn func([]byte, float64) bool) { z.RangeByScore(incl(1, 5), false, 5, 2, fn) }, []string{}},
			{"score negative offset", func(fn func([]byte, float64) bool) { z.RangeByScore(incl(1, 5), false, -1, 2, fn) }, []string{}},
			{"score limit 0", func(fn func([]byte, float64) bool) { z.RangeByScore(incl(1, 5), false, 0, 0, fn) }, []string{}},
			{"score empty", func(fn func([]byte, float64) bool) { z.RangeByScore(incl(4, 2), false, 0, -1, fn) }, []string{}},
			{"score offset then out", func(fn func([]byte, float64) bool) { z.RangeByScore(incl(2, 3), false, 2, -1, fn) }, []string{}},
			{"lex", func(fn func([]byte, float64) bool) { z.RangeByLex(lex("(a", "[c"), false, 0, -1, fn) }, []string{"b", "c"}},
			{"lex rev", func(fn func([]byte, float64) bool) { z.RangeByLex(lex("-", "+"), true, 1, 3, fn) }, []string{"d", "c", "b"}},
		} {
			if got := collect(c.walk); !slices.Equal(got, c.want) {
				t.Errorf("%s: %s = %v, want %v", enc.name, c.name, got, c.want)
			}
		}
		for _, c := range []struct {
			r    ScoreRange
			want int
		}{{incl(2, 4), 3}, {incl(0, 10), 5}, {incl(6, 7), 0}, {ScoreRange{Min: 5, Max: 5, MinEx: true}, 0}, {incl(math.Inf(-1), 1), 1}} {
			if got := z.CountInScoreRange(c.r); got != c.want {
				t.Errorf("%s: CountInScoreRange(%+v) = %d, want %d", enc.name, c.r, got, c.want)
			}
		}
		if got := z.CountInLexRange(lex("[b", "(e")); got != 3 {
			t.Errorf("%s: CountInLexRange = %d", enc.name, got)
		}
	}
}

func TestDeleteRangesAndPop(t *testing.T) {
	for _, enc := range encodings {
		z := build(t, enc.lim, abcde...)
		if n := z.DeleteRangeByRank(-2, -1); n != 2 {
			t.Errorf("%s: DeleteRangeByRank = %d", enc.name, n)
		}
		if n := z.DeleteRangeByRank(5, 9); n != 0 {
			t.Errorf("%s: DeleteRangeByRank out of range = %d", enc.name, n)
		}
		checkStructure(t, z, true)
		z = build(t, enc.lim, abcde...)
		if n := z.DeleteRangeByScore(ScoreRange{Min: 2, Max: 4, MaxEx: true}); n != 2 || !slices.Equal(all(z), []pair{{"a", 1}, {"d", 4}, {"e", 5}}) {
			t.Errorf("%s: DeleteRangeByScore = %d: %v", enc.name, n, all(z))
		}
		checkStructure(t, z, true)
		r, _ := ParseLexRange([]byte("(a"), []byte("+"))
		if n := z.DeleteRangeByLex(r); n != 2 || !slices.Equal(all(z), []pair{{"a", 1}}) {
			t.Errorf("%s: DeleteRangeByLex = %d: %v", enc.name, n, all(z))
		}
		checkStructure(t, z, true)

		z = build(t, enc.lim, abcde...)
		var popped []pair
		emit := func(member []byte, score float64) { popped = append(popped, pair{string(member), score}) }
		if n := z.PopMax(2, emit); n != 2 || !slices.Equal(popped, []pair{{"e", 5}, {"d", 4}}) {
			t.Errorf("%s: PopMax = %d %v", enc.name, n, popped)
		}
		popped = nil
		if n := z.PopMin(10, emit); n != 3 || !slices.Equal(popped, abcde[:3]) || z.Len() != 0 {
			t.Errorf("%s: PopMin = %d %v, %d left", enc.name, n, popped, z.Len())
		}
		if n := z.PopMin(1, emit); n != 0 {
			t.Errorf("%s: PopMin of an empty set = %d", enc.name, n)
		}
		checkStructure(t, z, true)
	}
}

func TestEachScanDupFreeze(t *testing.T) {
	for _, enc := range encodings {
		z := build(t, enc.lim, pair{"1", 1}, pair{"-2", 2}, pair{"x", 3})
		if got := all(z); !slices.Equal(got, []pair{{"1", 1}, {"-2", 2}, {"x", 3}}) {
			t.Errorf("%s: Each = %v", enc.name, got)
		}
		scanned := map[string]float64{}
		for cursor := uint64(0); ; {
			cursor = z.Scan(cursor, func(member []byte, score float64) { scanned[string(member)] = score })
			if cursor == 0 {
				break
			}
		}
		if len(scanned) != 3 || scanned["-2"] != 2 {
			t.Errorf("%s: Scan = %v", enc.name, scanned)
		}
		d := z.Dup()
		f := z.Freeze()
		if f.Freeze() != f {
			t.Errorf("%s: a frozen view's Freeze is not itself", enc.name)
		}
		z.Add([]byte("1"), 10, 0, enc.lim)
		z.Remove([]byte("x"))
		for _, c := range []*ZSet{d, f} {
			checkStructure(t, c, true)
			if got := all(c); !slices.Equal(got, []pair{{"1", 1}, {"-2", 2}, {"x", 3}}) || c.Encoding() != enc.name {
				t.Errorf("%s: a copy changed with the original: %v %s", enc.name, got, c.Encoding())
			}
		}
		d.Add([]byte("y"), 0, 0, enc.lim)
		if _, ok := z.Score([]byte("y")); ok {
			t.Errorf("%s: the original changed with its Dup", enc.name)
		}
	}
}

// The listpack converts past zset-max-listpack-entries members, or at a
// member longer than zset-max-listpack-value, never back by itself.
func TestConversions(t *testing.T) {
	lim := Limits{Entries: 128, Value: 64}
	z := New(1, 1, lim)
	for i := range 128 {
		z.Add([]byte("m"+strconv.Itoa(i)), float64(i), 0, lim)
	}
	if z.Encoding() != "listpack" {
		t.Fatalf("128 members: %s", z.Encoding())
	}
	z.Add([]byte("m0"), -1, 0, lim) // an update converts nothing
	z.Add([]byte("m128"), 128, XX, lim)
	if z.Encoding() != "listpack" {
		t.Fatalf("update, XX: %s", z.Encoding())
	}
	z.Add([]byte("m128"), 128, 0, lim)
	if z.Encoding() != "skiplist" || z.Len() != 129 || z.Listpack() != nil || z.Slots() < 129 {
		t.Fatalf("129 members: %s, %d, %d slots", z.Encoding(), z.Len(), z.Slots())
	}
	checkStructure(t, z, true)
	z.DeleteRangeByRank(1, -1)
	if z.Encoding() != "skiplist" {
		t.Fatalf("back to 1 member: %s", z.Encoding())
	}

	long := bytes.Repeat([]byte("x"), 65)
	z = build(t, lim, pair{string(long[:64]), 1})
	if z.Encoding() != "listpack" {
		t.Fatalf("64-byte member: %s", z.Encoding())
	}
	z.Add(long, 2, 0, lim)
	if z.Encoding() != "skiplist" {
		t.Fatalf("65-byte member: %s", z.Encoding())
	}
	checkStructure(t, z, true)

	// zsetConvertToListpackIfNeeded.
	z = build(t, Limits{}, abcde...)
	z.ConvertToListpackIfFits(Limits{Entries: 4, Value: 64})
	if z.Encoding() != "skiplist" {
		t.Fatalf("5 members into 4: %s", z.Encoding())
	}
	z.ConvertToListpackIfFits(Limits{Entries: 5, Value: 0})
	if z.Encoding() != "skiplist" {
		t.Fatalf("1-byte members into 0: %s", z.Encoding())
	}
	z.ConvertToListpackIfFits(Limits{Entries: 5, Value: 1})
	if z.Encoding() != "listpack" || z.Slots() != 0 || !slices.Equal(all(z), abcde) {
		t.Fatalf("fits: %s %v", z.Encoding(), all(z))
	}
	checkStructure(t, z, true)
	z.ConvertToListpackIfFits(Limits{}) // a listpack stays
	if z.Encoding() != "listpack" {
		t.Fatalf("listpack: %s", z.Encoding())
	}
}

func TestFromListpack(t *testing.T) {
	lim := Limits{Entries: 2, Value: 1}
	pairs := func(elems ...string) []byte {
		b := make([][]byte, len(elems))
		for i, e := range elems {
			b[i] = []byte(e)
		}
		return listpack.Build(b...)
	}
	// rdbLoadObject converts past the entries limit, not at long members.
	for _, c := range []struct {
		lp   []byte
		want string
	}{
		{pairs("a", "1", "bb", "2.5"), "listpack"},
		{pairs("a", "1", "b", "2", "c", "3"), "skiplist"},
		{pairs(), "listpack"},
		{pairs("x", "1.0", "y", "0x10", "z", "inf"), "skiplist"},
	} {
		z, err := FromListpack(c.lp, lim)
		if err != nil || z.Encoding() != c.want {
			t.Errorf("FromListpack(%x) = %v, want %s", c.lp, err, c.want)
			continue
		}
		checkStructure(t, z, false)
		if z.small() && (!bytes.Equal(z.Listpack(), c.lp) || unsafe.SliceData(z.Listpack()) == unsafe.SliceData(c.lp)) {
			t.Errorf("FromListpack(%x) kept %x, not a copy", c.lp, z.Listpack())
		}
	}
	corrupt, _ := hex.DecodeString("0c0000000200816d020101fe")
	for _, lp := range [][]byte{
		corrupt,
		pairs("a"),
		pairs("a", "1", "a", "2"),
		pairs("a", "1", "1", "3", "1", "4"), // an integer member, twice
		pairs("b", "1", "a", "1"),
		pairs("a", "2", "b", "1"),
		pairs("a", "nan"),
		pairs("a", "1x"),
		pairs("a", " 1"),
	} {
		if z, err := FromListpack(lp, lim); !errors.Is(err, ErrInvalid) {
			t.Errorf("FromListpack(%x) = %v, %v", lp, z, err)
		}
	}
}

func TestSampleNodesSlots(t *testing.T) {
	z := build(t, Limits{}, abcde...)
	var members []string
	z.SampleNodes(3, func(member []byte, levels int) {
		if levels < 1 || levels > maxLevel {
			t.Errorf("%q has %d levels", member, levels)
		}
		members = append(members, string(member))
	})
	if !slices.Equal(members, []string{"a", "b", "c"}) || z.Slots() < 5 {
		t.Errorf("SampleNodes: %v; %d slots", members, z.Slots())
	}
	build(t, encodings[0].lim, abcde...).SampleNodes(3, func([]byte, int) { t.Error("a listpack has nodes") })
}

func TestClampRanks(t *testing.T) {
	for _, c := range []struct {
		start, stop int64
		first, last int
		ok          bool
	}{
		{0, -1, 0, 4, true}, {-100, 100, 0, 4, true}, {2, 1, 0, 0, false}, {5, 9, 0, 0, false},
		{-1, -1, 4, 4, true}, {-6, -6, 0, 0, false}, {math.MinInt64, math.MaxInt64, 0, 4, true},
	} {
		first, last, ok := ClampRanks(c.start, c.stop, 5)
		if first != c.first || last != c.last || ok != c.ok {
			t.Errorf("ClampRanks(%d, %d, 5) = %d %d %v", c.start, c.stop, first, last, ok)
		}
	}
}

// The footprint rests on these: on 64-bit platforms a ZSet of 16 bytes
// and a node of 64 with one level, 16 more a level (Go's size classes
// 64, 80, 96, 112, 128 fit heights 1 to 5 exactly); on 32-bit ones 12,
// 36 and 8.
func TestStructSizes(t *testing.T) {
	wantZSet, wantNode, wantLevel := uintptr(16), uintptr(64), uintptr(16)
	if unsafe.Sizeof(uintptr(0)) == 4 {
		wantZSet, wantNode, wantLevel = 12, 36, 8
	}
	if z, n, l := unsafe.Sizeof(ZSet{}), unsafe.Sizeof(node{}), unsafe.Sizeof(level{}); z != wantZSet || n != wantNode || l != wantLevel {
		t.Fatalf("ZSet %d bytes, node %d, level %d; want %d, %d, %d", z, n, l, wantZSet, wantNode, wantLevel)
	}
}

// A node of height h is one allocation with its levels contiguous.
func TestNodeLayout(t *testing.T) {
	var n tallNode[[1]level]
	if unsafe.Offsetof(n.more) != unsafe.Offsetof(n.node.level)+unsafe.Sizeof(level{}) {
		t.Fatalf("levels not contiguous: %d, %d", unsafe.Offsetof(n.more), unsafe.Offsetof(n.node.level))
	}
	for h := 1; h <= maxLevel; h++ {
		x := newNode(h, "m", 1)
		for i := range h {
			x.at(i).span = i
		}
		if x.height != uint8(h) || x.at(h-1).span != h-1 {
			t.Fatalf("height %d", h)
		}
	}
	heights := make([]int, maxLevel+1)
	for range 100000 {
		heights[randomHeight()]++
	}
	// P(height >= k+1) = 4^-k.
	if heights[1] < 74000 || heights[1] > 76000 || heights[2] < 18000 || heights[2] > 19500 {
		t.Fatalf("heights %v", heights[:6])
	}
}

func TestParseScoreRange(t *testing.T) {
	r, ok := ParseScoreRange([]byte("(1.5"), []byte("+inf"))
	if !ok || r != (ScoreRange{Min: 1.5, Max: math.Inf(1), MinEx: true}) {
		t.Errorf("(1.5 +inf: %+v %v", r, ok)
	}
	r, ok = ParseScoreRange([]byte("-inf"), []byte("(0x10"))
	if !ok || r != (ScoreRange{Min: math.Inf(-1), Max: 16, MaxEx: true}) {
		t.Errorf("-inf (0x10: %+v %v", r, ok)
	}
	if _, ok := ParseScoreRange([]byte("1"), []byte("x")); ok {
		t.Error("1 x: ok")
	}
}

func TestParseLexRange(t *testing.T) {
	r, ok := ParseLexRange([]byte("[a"), []byte("(b"))
	if !ok || r.Min.Kind != LexInclusive || string(r.Min.Value) != "a" || r.Max.Kind != LexExclusive || string(r.Max.Value) != "b" {
		t.Errorf("[a (b: %+v %v", r, ok)
	}
	r, ok = ParseLexRange([]byte("-"), []byte("+"))
	if !ok || r.Min.Kind != LexMinusInf || r.Max.Kind != LexPlusInf {
		t.Errorf("- +: %+v %v", r, ok)
	}
	for _, c := range []struct {
		min, max string
		empty    bool
	}{
		{"-", "+", false}, {"+", "-", true}, {"-", "-", true}, {"+", "+", true}, {"[a", "[a", false},
		{"(a", "[a", true}, {"[b", "[a", true}, {"-", "[a", false}, {"[a", "-", true}, {"+", "[a", true},
	} {
		r, _ := ParseLexRange([]byte(c.min), []byte(c.max))
		if r.empty() != c.empty {
			t.Errorf("%s %s: empty %v", c.min, c.max, r.empty())
		}
	}
}

// Reads, updates of existing members and walks allocate nothing, in
// either encoding, integer members included.
func TestAllocs(t *testing.T) {
	for _, enc := range encodings {
		z := New(0, 0, enc.lim)
		for i := range 60 {
			z.Add([]byte(strconv.Itoa(i)), float64(i), 0, enc.lim)
			z.Add([]byte("m"+strconv.Itoa(i)), float64(i)+0.5, 0, enc.lim)
		}
		if z.Encoding() != enc.name {
			t.Fatalf("%s: %s", enc.name, z.Encoding())
		}
		score := 0.0
		member, intMember := []byte("m50"), []byte("50")
		sr := ScoreRange{Min: 10, Max: 60}
		lr := LexRange{Min: LexBound{Kind: LexInclusive, Value: []byte("1")}, Max: LexBound{Kind: LexPlusInf}}
		visit := func([]byte, float64) bool { return true }
		buf := make([]byte, 0, 16)
		for name, fn := range map[string]func(){
			"Score":            func() { z.Score(member); z.Score(intMember) },
			"Rank":             func() { z.Rank(member, true); z.Rank(intMember, false) },
			"Add existing":     func() { z.Add(member, 50.5, 0, enc.lim); z.Add(intMember, 50, GT, enc.lim) },
			"Add moving":       func() { score = 200 - score; z.Add(member, score, 0, enc.lim) },
			"RangeByRank":      func() { z.RangeByRank(0, -1, false, visit); z.RangeByRank(5, 10, true, visit) },
			"RangeByScore":     func() { z.RangeByScore(sr, false, 2, -1, visit); z.RangeByScore(sr, true, 0, 10, visit) },
			"RangeByLex":       func() { z.RangeByLex(lr, false, 0, 5, visit) },
			"Count":            func() { z.CountInScoreRange(sr); z.CountInLexRange(lr) },
			"Each":             func() { z.Each(func([]byte, float64) {}) },
			"At into a buffer": func() { z.At(42, buf) },
			"absent Score":     func() { z.Score([]byte("nope")) },
		} {
			if n := testing.AllocsPerRun(100, fn); n != 0 {
				t.Errorf("%s: %s allocates %v times", enc.name, name, n)
			}
		}
	}
}
