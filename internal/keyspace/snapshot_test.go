package keyspace

import (
	"slices"
	"strconv"
	"testing"

	"respd/internal/quicklist"
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
	record := func(db int, e *Entry) { seen[strconv.Itoa(db)+"/"+e.Key()] = string(e.Str()) }
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

// Keys preserved by writes count against a step's n, however many
// there are: a step reads at most n keys, and the snapshot still reads
// every key as it was.
func TestSnapshotStepReadsAtMostNKeys(t *testing.T) {
	ks := New(1)
	db := ks.DBs[0]
	for i := 0; i < 1000; i++ {
		db.Set("k"+strconv.Itoa(i), str("v"+strconv.Itoa(i)), false)
	}
	snap := ks.StartSnapshot()
	for i := 0; i < 1000; i++ {
		db.Set("k"+strconv.Itoa(i), str("changed"), false)
	}
	seen := map[string]string{}
	for done := false; !done; {
		step := 0
		done = snap.Next(8, func(_ int, e *Entry) { step++; seen[e.Key()] = string(e.Str()) })
		if step > 8 {
			t.Fatalf("a step of 8 read %d keys", step)
		}
	}
	snap.Close()
	for i := 0; i < 1000; i++ {
		if got := seen["k"+strconv.Itoa(i)]; got != "v"+strconv.Itoa(i) {
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

// listOf is a list entry holding elems.
func listOf(elems ...string) *Entry {
	l := quicklist.New(-2, 0)
	for _, v := range elems {
		l.PushTail([]byte(v))
	}
	return NewList(l)
}

// elems is a list's elements.
func elems(l *quicklist.List) []string {
	var out []string
	for i := range l.Len() {
		v, _ := l.Index(i)
		out = append(out, string(v))
	}
	return out
}

// A value changed in place after BeforeChange reaches the snapshot as it
// was: a string by its copy, a collection by its frozen view, taken once.
func TestBeforeChangeKeepsValuesAsTheyWere(t *testing.T) {
	ks := New(1)
	db := ks.DBs[0]
	db.Set("l", listOf("a", "b"), false)
	db.Set("s", str("x"), false)
	snap := ks.StartSnapshot()
	l := db.Peek("l")
	db.BeforeChange(l)
	l.List().Replace(0, []byte("changed"))
	db.BeforeChange(l) // already kept: not frozen again
	l.List().Replace(1, []byte("changed"))
	s := db.Peek("s")
	db.BeforeChange(s)
	s.Str()[0] = 'y'
	if len(snap.preserved) != 2 {
		t.Fatalf("%d entries preserved, want 2", len(snap.preserved))
	}
	seen := map[string]*Entry{}
	for !snap.Next(8, func(_ int, e *Entry) { c := *e; seen[e.Key()] = &c }) {
	}
	snap.Close()
	if got := seen["l"]; got == nil || got.Type != TypeList || got.SharesValue(l) || !slices.Equal(elems(got.List()), []string{"a", "b"}) {
		t.Fatalf("snapshot read l as %+v", got)
	}
	if got := seen["s"]; got == nil || string(got.Str()) != "x" {
		t.Fatalf("snapshot read s as %+v", got)
	}
	if got := elems(l.List()); !slices.Equal(got, []string{"changed", "changed"}) {
		t.Fatalf("the live list is %q", got)
	}
}
