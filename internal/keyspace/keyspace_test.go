package keyspace

import (
	"strconv"
	"testing"
)

func str(s string) *Entry { return NewString("", []byte(s)) }

func withTTL(e *Entry, at int64) *Entry {
	e.Expire = at
	return e
}

// expiredLog records the keyspace's OnExpire calls.
type expiredLog []string

func (l *expiredLog) hook(db int, e *Entry) { *l = append(*l, strconv.Itoa(db)+"/"+e.Key()) }

func TestSetReplaceAndTTL(t *testing.T) {
	ks := New(2)
	db := ks.DBs[0]
	db.Set("a", str("1"), false)
	if e := db.Peek("a"); e == nil || string(e.Str()) != "1" || e.Key() != "a" || db.Len() != 1 || db.Volatile() != 0 {
		t.Fatalf("after Set: %v len %d volatile %d", e, db.Len(), db.Volatile())
	}
	db.Set("a", withTTL(str("2"), 5000), false)
	if db.Len() != 1 || db.Volatile() != 1 || db.Peek("a").Expire != 5000 {
		t.Fatalf("replace with TTL: len %d volatile %d", db.Len(), db.Volatile())
	}
	// keepTTL: the old TTL carries over, whatever the new entry says.
	db.Set("a", withTTL(str("3"), 9999), true)
	if e := db.Peek("a"); string(e.Str()) != "3" || e.Expire != 5000 || db.Volatile() != 1 {
		t.Fatalf("keepTTL: %q expire %d volatile %d", e.Str(), e.Expire, db.Volatile())
	}
	// Without keepTTL a plain value drops the TTL.
	db.Set("a", str("4"), false)
	if e := db.Peek("a"); e.Expire != 0 || db.Volatile() != 0 {
		t.Fatalf("replace without TTL: expire %d volatile %d", e.Expire, db.Volatile())
	}
	if ks.DBs[1].Len() != 0 {
		t.Fatal("a write to db 0 reached db 1")
	}
}

func TestDeleteAndSetExpire(t *testing.T) {
	db := New(1).DBs[0]
	db.Set("a", withTTL(str("1"), 100), false)
	db.Set("b", str("2"), false)
	e := db.Peek("b")
	db.SetExpire(e, 200)
	if db.Volatile() != 2 || e.Expire != 200 {
		t.Fatalf("SetExpire: volatile %d expire %d", db.Volatile(), e.Expire)
	}
	db.SetExpire(e, 300) // changing a TTL keeps one expires entry
	if db.Volatile() != 2 || e.Expire != 300 {
		t.Fatalf("SetExpire again: volatile %d expire %d", db.Volatile(), e.Expire)
	}
	db.SetExpire(e, 0)
	if db.Volatile() != 1 || e.Expire != 0 {
		t.Fatalf("clearing TTL: volatile %d expire %d", db.Volatile(), e.Expire)
	}
	if !db.Delete("a") || db.Delete("a") || db.Volatile() != 0 || db.Len() != 1 {
		t.Fatalf("Delete: len %d volatile %d", db.Len(), db.Volatile())
	}
}

func TestLookupExpiresLazily(t *testing.T) {
	ks := New(2)
	var log expiredLog
	ks.OnExpire = log.hook
	db := ks.DBs[1]
	db.Set("live", withTTL(str("1"), 2000), false)
	db.Set("dead", withTTL(str("1"), 1000), false)
	db.Set("plain", str("1"), false)

	if e := ks.Lookup(1, "live", 1500, true); e == nil || e.Access != LRUClock(1500) {
		t.Fatalf("live key: %v", e)
	}
	if e := ks.Lookup(1, "plain", 1500, true); e == nil {
		t.Fatal("key without TTL not found")
	}
	if ks.Lookup(1, "dead", 1000, true) != nil {
		t.Fatal("a key is expired at its expiry time")
	}
	if db.Peek("dead") != nil || db.Len() != 2 || db.Volatile() != 1 {
		t.Fatalf("expired key not deleted: len %d volatile %d", db.Len(), db.Volatile())
	}
	if len(log) != 1 || log[0] != "1/dead" {
		t.Fatalf("OnExpire calls %v, want [1/dead]", log)
	}
	if ks.Lookup(1, "missing", 0, true) != nil || len(log) != 1 {
		t.Fatal("missing key found or reported")
	}
}

// A replica hides logically expired keys but leaves them for its master's
// DEL.
func TestReplicaHidesExpired(t *testing.T) {
	ks := New(1)
	ks.Replica = true
	var log expiredLog
	ks.OnExpire = log.hook
	ks.DBs[0].Set("k", withTTL(str("1"), 1000), false)
	if ks.Lookup(0, "k", 2000, true) != nil {
		t.Fatal("replica returned an expired key")
	}
	if ks.DBs[0].Peek("k") == nil || len(log) != 0 {
		t.Fatal("replica deleted an expired key")
	}
	if sampled, expired := ks.ExpireCycle(0, 20, 2000); sampled == 0 || expired != 0 || ks.DBs[0].Len() != 1 {
		t.Fatalf("replica's expire cycle: sampled %d expired %d", sampled, expired)
	}
}

// While clients are paused, expired keys are hidden but kept, by lookups
// and the expire cycle alike; once the pause has ended, they go.
func TestPauseKeepsExpired(t *testing.T) {
	ks := New(1)
	ks.PausedUntil = 3000
	var log expiredLog
	ks.OnExpire = log.hook
	ks.DBs[0].Set("k", withTTL(str("1"), 1000), false)
	if ks.Lookup(0, "k", 2000, true) != nil {
		t.Fatal("an expired key was returned during the pause")
	}
	if sampled, expired := ks.ExpireCycle(0, 20, 2000); sampled == 0 || expired != 0 || ks.DBs[0].Peek("k") == nil || len(log) != 0 {
		t.Fatalf("an expired key was deleted during the pause: sampled %d expired %d, OnExpire %v", sampled, expired, log)
	}
	if ks.Lookup(0, "k", 3000, true) != nil || ks.DBs[0].Peek("k") != nil || len(log) != 1 {
		t.Fatalf("the expired key stayed after the pause: OnExpire %v", log)
	}
}

func TestExpireCycle(t *testing.T) {
	ks := New(1)
	var log expiredLog
	ks.OnExpire = log.hook
	db := ks.DBs[0]
	const n = 1000
	for i := 0; i < n; i++ {
		db.Set("dead"+strconv.Itoa(i), withTTL(str("x"), 500), false)
		db.Set("live"+strconv.Itoa(i), withTTL(str("x"), 1000+60_000), false)
		db.Set("plain"+strconv.Itoa(i), str("x"), false)
	}
	const now = 1000
	calls := 0
	for db.Volatile() > n {
		sampled, expired := ks.ExpireCycle(0, 20, now)
		if sampled != 20 || expired > sampled {
			t.Fatalf("sampled %d expired %d", sampled, expired)
		}
		if calls++; calls > 100*n {
			t.Fatalf("%d keys still to expire after %d cycles", db.Volatile()-n, calls)
		}
	}
	if len(log) != n || db.Len() != 2*n {
		t.Fatalf("%d expirations reported, %d keys left; want %d and %d", len(log), db.Len(), n, 2*n)
	}
	for i := 0; i < n; i++ {
		if db.Peek("live"+strconv.Itoa(i)) == nil || db.Peek("plain"+strconv.Itoa(i)) == nil {
			t.Fatalf("the cycle deleted a live key (%d)", i)
		}
	}
	// With only live keys left the estimate converges on their TTL.
	for i := 0; i < 200; i++ {
		ks.ExpireCycle(0, 20, now)
	}
	if db.AvgTTL < 50_000 || db.AvgTTL > 60_000 {
		t.Fatalf("AvgTTL %d, want about 60000", db.AvgTTL)
	}
	// Without keys with a TTL there is nothing to sample.
	db.Flush()
	if sampled, _ := ks.ExpireCycle(0, 20, now); sampled != 0 || db.AvgTTL != 0 {
		t.Fatalf("empty db: sampled %d AvgTTL %d", sampled, db.AvgTTL)
	}
}

func TestRandomAndForEach(t *testing.T) {
	ks := New(2)
	if ks.Random(0) != nil {
		t.Fatal("random key of an empty db")
	}
	db := ks.DBs[0]
	for i := 0; i < 100; i++ {
		db.Set(strconv.Itoa(i), str("x"), false)
	}
	seen := map[string]bool{}
	for i := 0; i < 5000; i++ {
		e := ks.Random(0)
		if e == nil || db.Peek(e.Key()) != e {
			t.Fatalf("Random returned %v", e)
		}
		seen[e.Key()] = true
	}
	if len(seen) != 100 {
		t.Fatalf("5000 draws saw %d of 100 keys", len(seen))
	}
	visits := map[string]int{}
	db.ForEach(func(e *Entry) { visits[e.Key()]++ })
	if len(visits) != 100 {
		t.Fatalf("ForEach visited %d of 100 keys", len(visits))
	}
	for k, n := range visits {
		if n != 1 {
			t.Fatalf("ForEach visited %q %d times", k, n)
		}
	}
	ks.DBs[1].ForEach(func(e *Entry) { t.Fatalf("ForEach of an empty db visited %q", e.Key()) })
}

func TestSwapAndFlush(t *testing.T) {
	ks := New(3)
	ks.DBs[0].Set("a", withTTL(str("0"), 100), false)
	ks.DBs[1].Set("b", str("1"), false)
	ks.DBs[0].AvgTTL = 42
	w := ks.DBs[0].Watch("a")
	ks.Swap(0, 1)
	if ks.DBs[0].Peek("b") == nil || ks.DBs[1].Peek("a") == nil || ks.DBs[0].Peek("a") != nil {
		t.Fatal("Swap did not exchange the keys")
	}
	if ks.DBs[1].Volatile() != 1 || ks.DBs[0].Volatile() != 0 || ks.DBs[1].AvgTTL != 42 {
		t.Fatal("Swap did not move the TTLs with the keys")
	}
	// Watches belong to the database number, not to its contents.
	if ks.DBs[0].Version("a") != w {
		t.Fatal("watch moved with the contents")
	}
	ks.DBs[1].Flush()
	if ks.DBs[1].Len() != 0 || ks.DBs[1].Volatile() != 0 || ks.DBs[1].Peek("a") != nil {
		t.Fatal("Flush left keys")
	}
	ks.DBs[1].Set("c", str("x"), false)
	if ks.DBs[1].Len() != 1 {
		t.Fatal("a flushed db does not take new keys")
	}
}

func TestWatchVersions(t *testing.T) {
	ks := New(2)
	db, other := ks.DBs[0], ks.DBs[1]
	v := db.Watch("k")
	db.Watch("k") // a second watcher
	db.Touch("unwatched")
	if db.Version("k") != v {
		t.Fatal("touching another key changed the version")
	}
	db.Touch("k")
	v1 := db.Version("k")
	if v1 == v {
		t.Fatal("Touch did not change the version")
	}
	db.Unwatch("k")
	db.Touch("k")
	if db.Version("k") == v1 {
		t.Fatal("a key still watched once stopped being tracked")
	}
	db.Unwatch("k")
	if db.Version("k") != 0 || len(db.watched) != 0 {
		t.Fatal("unwatched key still tracked")
	}

	// TouchAll changes watched keys that exist on either side, only those.
	for _, k := range []string{"here", "there", "nowhere"} {
		db.Watch(k)
	}
	db.Set("here", str("x"), false)
	other.Set("there", str("x"), false)
	before := map[string]uint64{}
	for _, k := range []string{"here", "there", "nowhere"} {
		before[k] = db.Version(k)
	}
	db.TouchAll(other)
	if db.Version("here") == before["here"] || db.Version("there") == before["there"] || db.Version("nowhere") != before["nowhere"] {
		t.Fatal("TouchAll(other) touched the wrong keys")
	}
	before["there"] = db.Version("there")
	db.TouchAll(nil)
	if db.Version("there") != before["there"] {
		t.Fatal("TouchAll(nil) touched a key absent from the db")
	}
}
