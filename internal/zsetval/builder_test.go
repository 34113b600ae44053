package zsetval

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
)

// TestBuilder builds sets from members in random order, many repeated and
// with tied scores, and checks them against the same members added one by
// one to a skiplist: the same order, structure and lookups.
func TestBuilder(t *testing.T) {
	rnd := newRand(7)
	// ZUNIONSTORE's SUM: inf + -inf is 0, never NaN.
	sum := func(old, score float64) float64 {
		if s := old + score; s == s {
			return s
		}
		return 0
	}
	for _, n := range []int{0, 1, 2, 10, 1000, 20000} {
		b := NewBuilder(n / 2)
		model := map[string]float64{}
		for range n {
			member := fmt.Sprintf("m%d", rnd.IntN(n/2+1))
			score := []float64{0, math.Copysign(0, -1), 1, -2.5, math.Inf(1), math.Inf(-1), float64(rnd.IntN(100))}[rnd.IntN(7)]
			b.Add([]byte(member), score, sum)
			if old, ok := model[member]; ok {
				score = sum(old, score)
			}
			model[member] = score
		}
		z := b.ZSet()
		checkStructure(t, z, true)
		want := New(0, 0, Limits{})
		for _, m := range slices.Sorted(maps.Keys(model)) {
			want.Add([]byte(m), model[m], 0, Limits{})
		}
		if got, w := all(z), all(want); !slices.Equal(got, w) {
			t.Fatalf("n=%d: built %v, want %v", n, got, w)
		}
		for m, score := range model {
			if s, ok := z.Score([]byte(m)); !ok || s != score {
				t.Fatalf("n=%d: Score(%q) = %v %v, want %v", n, m, s, ok, score)
			}
		}
		if z.Encoding() != "skiplist" {
			t.Fatalf("n=%d: encoding %s", n, z.Encoding())
		}
	}
}
