package keyspace

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// A snapshot reads every key as it was at its start, whatever changes
// meanwhile, and counts its progress against the keys it started with.
func TestSnapshotIsConsistentAndCountsProgress(t *testing.T) {
	ks := New(2)
	for i := 0; i < 1000; i++ {
		ks.DBs[i%2].Set("k"+strconv.Itoa(i), str("v"+strconv.Itoa(i)), false)
	}
	snap := ks.StartSnapshot()
	if read, keys := ks.SnapshotProgress(); read != 0 || keys != 1000 {
		t.Fatalf("at start: %d of %d", read, keys)
	}
	seen := map[string]string{}
	record := func(db int, e *Entry) { seen[strconv.Itoa(db)+"/"+e.Key] = string(e.Str) }
	snap.Next(8, record)
	// Change, delete and add keys; the snapshot keeps what it started with.
	for i := 0; i < 1000; i += 3 {
		db := ks.DBs[i%2]
		key := "k" + strconv.Itoa(i)
		if i%2 == 0 {
			db.Delete(key)
		} else {
			db.Set(key, str("changed"), false)
		}
		db.Set("new"+strconv.Itoa(i), str("new"), false)
	}
	for !snap.Next(8, record) {
	}
	if read, keys := ks.SnapshotProgress(); read != 1000 || keys != 1000 {
		t.Fatalf("at the end: %d of %d", read, keys)
	}
	snap.Close()
	if read, keys := ks.SnapshotProgress(); read != 0 || keys != 0 {
		t.Fatalf("after Close: %d of %d", read, keys)
	}
	if len(seen) != 1000 {
		t.Fatalf("snapshot read %d keys, want 1000", len(seen))
	}
	for i := 0; i < 1000; i++ {
		if got := seen[strconv.Itoa(i%2)+"/k"+strconv.Itoa(i)]; got != "v"+strconv.Itoa(i) {
			t.Fatalf("k%d read as %q", i, got)
		}
	}
}

// A database empty when the snapshot started takes keys during it.
func TestSnapshotOfEmptyDatabase(t *testing.T) {
	ks := New(1)
	snap := ks.StartSnapshot()
	ks.DBs[0].Set("a", str("1"), false)
	read := 0
	for !snap.Next(8, func(int, *Entry) { read++ }) {
	}
	snap.Close()
	if read != 0 || ks.DBs[0].Peek("a") == nil {
		t.Fatalf("snapshot read %d keys; a is %v", read, ks.DBs[0].Peek("a"))
	}
}

// list stands for a collection with copy-on-write: Freeze shares its
// elements with the frozen view, and the next write copies them first.
type list struct {
	elems   []string
	shared  bool
	freezes *int
}

func (l *list) Freeze() any {
	*l.freezes++
	l.shared = true
	return &list{elems: l.elems, shared: true, freezes: l.freezes}
}

func (l *list) set(i int, v string) {
	if l.shared {
		l.elems = slices.Clone(l.elems)
		l.shared = false
	}
	l.elems[i] = v
}

// A value changed in place after BeforeChange reaches the snapshot as it
// was: a string by its copy, a collection by its frozen view, taken once.
func TestBeforeChangeKeepsValuesAsTheyWere(t *testing.T) {
	ks := New(1)
	db := ks.DBs[0]
	freezes := 0
	db.Set("l", &Entry{Type: TypeList, Obj: &list{elems: []string{"a", "b"}, freezes: &freezes}}, false)
	db.Set("s", str("x"), false)
	snap := ks.StartSnapshot()
	l := db.Peek("l")
	db.BeforeChange(l)
	l.Obj.(*list).set(0, "changed")
	db.BeforeChange(l) // already kept: not frozen again
	l.Obj.(*list).set(1, "changed")
	s := db.Peek("s")
	db.BeforeChange(s)
	s.Str[0] = 'y'
	seen := map[string]*Entry{}
	for !snap.Next(8, func(_ int, e *Entry) { c := *e; seen[e.Key] = &c }) {
	}
	snap.Close()
	if freezes != 1 {
		t.Fatalf("the list was frozen %d times, want 1", freezes)
	}
	if got := seen["l"]; got == nil || got.Type != TypeList || got.Obj == l.Obj || !slices.Equal(got.Obj.(*list).elems, []string{"a", "b"}) {
		t.Fatalf("snapshot read l as %+v", got)
	}
	if got := seen["s"]; got == nil || string(got.Str) != "x" {
		t.Fatalf("snapshot read s as %+v", got)
	}
	if got := l.Obj.(*list).elems; !slices.Equal(got, []string{"changed", "changed"}) {
		t.Fatalf("the live list is %q", got)
	}
}

// A collection that can't be frozen is a bug, said loudly.
func TestBeforeChangePanicsOnValueWithoutFreezer(t *testing.T) {
	ks := New(1)
	db := ks.DBs[0]
	db.Set("h", &Entry{Type: TypeHash, Obj: map[string]string{}}, false)
	ks.StartSnapshot()
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, `key "h" holds a hash value (map[string]string) that is not a Freezer`) {
			t.Fatalf("panic = %q", msg)
		}
	}()
	db.Delete("h")
}
