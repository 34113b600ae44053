package setval

import (
	"maps"
	"math/rand/v2"
	"strconv"
	"testing"
)

func members(s *Set) map[string]bool {
	m := map[string]bool{}
	s.Each(func(v []byte) { m[string(v)] = true })
	return m
}

func check(t *testing.T, s *Set, model map[string]bool) {
	t.Helper()
	if s.Len() != len(model) {
		t.Fatalf("Len %d, model %d", s.Len(), len(model))
	}
	if got := members(s); !maps.Equal(got, model) {
		t.Fatalf("Each: %v, model %v", got, model)
	}
	for m := range model {
		if !s.Has([]byte(m)) {
			t.Fatalf("Has %q: false", m)
		}
	}
	scanned := map[string]bool{}
	for cursor := uint64(0); ; {
		cursor = s.Scan(cursor, func(v []byte) { scanned[string(v)] = true })
		if cursor == 0 {
			break
		}
	}
	if !maps.Equal(scanned, model) {
		t.Fatalf("Scan: %d members, model %d", len(scanned), len(model))
	}
}

// Integers stay in a sorted intset up to the limit; a string or one
// integer too many makes a table, never back; "01", "-0", " 1" and
// numbers past int64 are strings.
func TestEncodings(t *testing.T) {
	s := New([]byte("3"))
	for _, v := range []string{"3", "1", "2", "-7"} {
		s.Add([]byte(v), 4)
	}
	var order []string
	s.Each(func(v []byte) { order = append(order, string(v)) })
	if s.Encoding() != "intset" || len(order) != 4 || order[0] != "-7" || order[3] != "3" {
		t.Fatalf("%s in order %v", s.Encoding(), order)
	}
	s.Add([]byte("4"), 4)
	if s.Encoding() != "hashtable" {
		t.Fatalf("5 integers past a limit of 4: %s", s.Encoding())
	}
	for _, v := range []string{"01", "-0", " 1", "9223372036854775808"} {
		x := New([]byte("1"))
		x.Add([]byte(v), 512)
		if x.Encoding() != "hashtable" || !x.Has([]byte(v)) || x.Has([]byte("2")) {
			t.Errorf("adding %q: %s", v, x.Encoding())
		}
	}
	if New([]byte("a")).Encoding() != "hashtable" || NewIntset().Encoding() != "intset" {
		t.Fatal("New of a string is no table, or NewIntset no intset")
	}
}

func TestDupIsIndependent(t *testing.T) {
	for _, first := range []string{"1", "a"} {
		s := New([]byte(first))
		for i := range 50 {
			s.Add([]byte(strconv.Itoa(i)), 512)
		}
		before := members(s)
		d := s.Freeze()
		s.Add([]byte("x"), 512)
		s.Remove([]byte("1"))
		if got := members(d); !maps.Equal(got, before) {
			t.Fatalf("the frozen copy changed: %d members", len(got))
		}
		if d.Freeze() != d {
			t.Fatal("a frozen view's Freeze is not itself")
		}
	}
}

func TestRandomAndSample(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, first := range []string{"1", "a"} {
		s := New([]byte(first))
		for i := range 1000 {
			s.Add([]byte(strconv.Itoa(i)), 512)
		}
		s.Remove([]byte(first))
		s.Add([]byte(first), 512)
		n := s.Len()
		seen := map[string]bool{}
		for range 40 * n {
			seen[string(s.Random(rng, nil))] = true
		}
		if len(seen) != n {
			t.Fatalf("Random picked %d of %d", len(seen), n)
		}
		for _, count := range []int{1, 10, n / 2, n - 1} {
			picked := map[string]bool{}
			s.Sample(rng, count, func(v []byte) {
				if picked[string(v)] || !s.Has(v) {
					t.Fatalf("Sample gave %q twice or not a member", v)
				}
				picked[string(v)] = true
			})
			if len(picked) != count {
				t.Fatalf("Sample(%d): %d", count, len(picked))
			}
		}
	}
}

// FuzzOps drives Add and Remove from bytes against a map.
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 1, 1, 2, 200, 0, 255})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) == 0 {
			return
		}
		member := func(b byte) string {
			if b%5 == 0 {
				return "s" + strconv.Itoa(int(b))
			}
			return strconv.Itoa(int(b) - 128)
		}
		s, model := New([]byte(member(ops[0]))), map[string]bool{}
		for i := 0; i+1 < len(ops); i += 2 {
			m := member(ops[i+1])
			if ops[i]%3 == 2 {
				if s.Remove([]byte(m)) != model[m] {
					t.Fatalf("Remove %q: was a member %v", m, model[m])
				}
				delete(model, m)
				continue
			}
			if s.Add([]byte(m), 16) == model[m] {
				t.Fatalf("Add %q: already a member %v", m, model[m])
			}
			model[m] = true
		}
		check(t, s, model)
	})
}
