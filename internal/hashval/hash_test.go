package hashval

import (
	"maps"
	"math/rand/v2"
	"strconv"
	"testing"
)

func all(h *Hash) map[string]string {
	m := map[string]string{}
	h.Each(func(name, value []byte) { m[string(name)] = string(value) })
	return m
}

// check compares h with the model, through every read.
func check(t *testing.T, h *Hash, model map[string]string) {
	t.Helper()
	if h.Len() != len(model) {
		t.Fatalf("Len %d, model %d", h.Len(), len(model))
	}
	if got := all(h); !maps.Equal(got, model) {
		t.Fatalf("Each: %v, model %v", got, model)
	}
	for f, v := range model {
		got, ok := h.Get([]byte(f), nil)
		if !ok || string(got) != v || !h.Exists([]byte(f)) || h.ValueLen([]byte(f)) != len(v) {
			t.Fatalf("Get %q = %q, %v; model %q", f, got, ok, v)
		}
	}
	scanned := map[string]string{}
	for cursor := uint64(0); ; {
		cursor = h.Scan(cursor, func(name, value []byte) { scanned[string(name)] = string(value) })
		if cursor == 0 {
			break
		}
	}
	if !maps.Equal(scanned, model) {
		t.Fatalf("Scan: %d fields, model %d", len(scanned), len(model))
	}
}

// The listpack keeps insertion order, replaces in place, and converts to
// a table past the entries limit or at a long field or value, never back.
func TestEncodings(t *testing.T) {
	lim := Limits{Entries: 4, Value: 8}
	h := New()
	model := map[string]string{}
	for i := range 4 {
		f, v := "f"+strconv.Itoa(i), strconv.Itoa(i*100)
		if !h.Set([]byte(f), []byte(v), lim) {
			t.Fatalf("Set %s: not new", f)
		}
		model[f] = v
	}
	if h.Set([]byte("f1"), []byte("x"), lim) {
		t.Fatal("Set of an existing field: new")
	}
	model["f1"] = "x"
	check(t, h, model)
	var order []string
	h.Each(func(name, _ []byte) { order = append(order, string(name)) })
	if h.Encoding() != "listpack" || len(order) != 4 || order[0] != "f0" || order[3] != "f3" {
		t.Fatalf("%s in order %v", h.Encoding(), order)
	}
	h.Set([]byte("f4"), []byte("4"), lim)
	model["f4"] = "4"
	if h.Encoding() != "hashtable" {
		t.Fatalf("5 fields past a limit of 4: %s", h.Encoding())
	}
	check(t, h, model)
	for f := range model {
		h.Delete([]byte(f))
	}
	if h.Len() != 0 || h.Encoding() != "hashtable" {
		t.Fatalf("emptied: %d fields, %s", h.Len(), h.Encoding())
	}

	long := New()
	long.Set([]byte("a"), []byte("123456789"), lim)
	if long.Encoding() != "hashtable" {
		t.Fatalf("a 9-byte value past a limit of 8: %s", long.Encoding())
	}
}

// Dup (and Freeze) copies: changes to either side leave the other as it was.
func TestDupIsIndependent(t *testing.T) {
	for _, n := range []int{3, 100} {
		lim := Limits{Entries: 10, Value: 64}
		h := New()
		for i := range n {
			h.Set([]byte("f"+strconv.Itoa(i)), []byte("v"), lim)
		}
		before := all(h)
		d := h.Freeze()
		h.Set([]byte("f0"), []byte("changed"), lim)
		h.Set([]byte("f2"), []byte("w"), lim) // the same length: in place
		h.Delete([]byte("f1"))
		h.Set([]byte("new"), []byte("x"), lim)
		if got := all(d); !maps.Equal(got, before) {
			t.Fatalf("%d fields: the frozen copy changed: %v", n, got)
		}
		if d.Freeze() != d {
			t.Fatal("a frozen view's Freeze is not itself")
		}
		if v, _ := h.Get([]byte("f2"), nil); string(v) != "w" {
			t.Fatalf("%d fields: f2 = %q after its overwrite", n, v)
		}
	}
}

// Random and Sample pick every field, distinct ones for Sample.
func TestRandomAndSample(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{5, 2000} {
		h := New()
		for i := range n {
			h.Set([]byte(strconv.Itoa(i)), []byte("v"), Limits{Entries: 128, Value: 64})
		}
		seen := map[string]bool{}
		for range 40 * n {
			h.Random(rng, func(name, _ []byte) { seen[string(name)] = true })
		}
		if len(seen) != n {
			t.Fatalf("%d fields: Random picked %d of them", n, len(seen))
		}
		for _, count := range []int{1, n / 4, n / 2, n - 1} {
			picked := map[string]bool{}
			h.Sample(rng, count, func(name, _ []byte) {
				if picked[string(name)] {
					t.Fatalf("Sample repeated %q", name)
				}
				picked[string(name)] = true
			})
			if len(picked) != count {
				t.Fatalf("Sample(%d) of %d: %d fields", count, n, len(picked))
			}
		}
	}
}

// FuzzOps drives Set, Delete and reads from bytes against a map.
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 1, 1, 0, 9, 9, 2, 200})
	f.Fuzz(func(t *testing.T, ops []byte) {
		lim := Limits{Entries: 8, Value: 16}
		h, model := New(), map[string]string{}
		for i := 0; i+2 < len(ops); i += 3 {
			f := strconv.Itoa(int(ops[i+1] % 24))
			v := string(make([]byte, int(ops[i+2]%20)))
			if ops[i+2]%3 == 0 {
				v = strconv.Itoa(int(ops[i+2]) - 100)
			}
			switch ops[i] % 3 {
			case 0, 1:
				_, existed := model[f]
				if h.Set([]byte(f), []byte(v), lim) == existed {
					t.Fatalf("Set %q: new=%v, existed=%v", f, !existed, existed)
				}
				model[f] = v
			case 2:
				_, existed := model[f]
				if h.Delete([]byte(f)) != existed {
					t.Fatalf("Delete %q: existed=%v", f, existed)
				}
				delete(model, f)
			}
		}
		check(t, h, model)
	})
}
