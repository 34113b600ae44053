package stream

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// nodeBytes is every node's master ID and listpack, in order.
func nodeBytes(s *Stream) [][]byte {
	var out [][]byte
	s.Nodes(func(master ID, lp []byte) bool {
		out = append(out, append([]byte(master.String()+":"), lp...))
		return true
	})
	return out
}

// A frozen view keeps the stream as it was, node for node and byte for
// byte, whatever the stream does after: appends to its shared tail, XDEL
// in shared nodes (flags and counts changed in place), exact and
// approximate trims, deletes through an iterator, a second freeze, group
// changes. The stream meanwhile ends as a deep copy given the same
// operations does.
func TestFreezeKeepsTheStreamAsItWas(t *testing.T) {
	lim := Limits{MaxEntries: 4, MaxBytes: 200}
	r := rand.New(rand.NewPCG(1, 2))
	s := New()
	next := ID{1, 0}
	add := func(s *Stream, id ID) {
		if err := s.Append(id, [][]byte{[]byte("f"), []byte(fmt.Sprint(id.Ms))}, lim); err != nil {
			t.Fatal(err)
		}
	}
	for range 50 {
		add(s, next)
		next.Ms++
	}
	s.CreateGroup("g", ID{10, 0}, 10)
	g := s.Group("g")
	c, _ := g.CreateConsumer("c", 1)
	g.Deliver(ID{3, 0}, c, 5)

	for round := range 3 {
		want := nodeBytes(s)
		wantLen, wantLast := s.Len(), s.LastID()
		view := s.Freeze()
		if view.Freeze() != view {
			t.Fatal("a frozen view's Freeze is not itself")
		}
		ref := s.Dup()
		for step := range 40 {
			id := ID{uint64(1 + r.IntN(int(next.Ms))), 0}
			approx := r.IntN(2) == 0
			for _, st := range []*Stream{s, ref} {
				switch step % 5 {
				case 0:
					add(st, next)
				case 1, 2:
					if st.Delete(id) {
						st.UpdateFirstID()
					}
				case 3:
					st.Trim(TrimArgs{MaxLen: int64(st.Len()) - 2, Approx: approx})
				case 4:
					var it Iter
					for st.RangeInto(&it, id, MaxID, false); it.Next(); {
						it.Delete()
						break
					}
					st.UpdateFirstID()
				}
			}
			if step%5 == 0 {
				next.Ms++
			}
		}
		s.Group("g").Ack(ID{3, 0})
		if got := nodeBytes(view); len(got) != len(want) || !equalFields(got, want) {
			t.Fatalf("round %d: the frozen view changed", round)
		}
		if view.Len() != wantLen || view.LastID() != wantLast || view.Group("g").PendingLen() != 1 && round == 0 {
			t.Fatalf("round %d: the frozen view's metadata changed: len %d last %v", round, view.Len(), view.LastID())
		}
		if got, want := nodeBytes(s), nodeBytes(ref); !equalFields(got, want) {
			t.Fatalf("round %d: the stream differs from a deep copy given the same operations", round)
		}
	}
}
