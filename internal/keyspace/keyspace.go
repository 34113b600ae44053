// Package keyspace holds respd's databases: for each, the keys with their
// typed values and expiry, the keys with a TTL (for active expiry), and
// version counters for WATCHed keys. It knows nothing of clients or RESP;
// the caller serializes access (the server's one data lock).
package keyspace

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"unsafe"

	"respd/internal/dict"
)

// Type is a value's Redis type.
type Type uint8

const (
	TypeString Type = iota
	TypeList
	TypeSet
	TypeZSet
	TypeHash
	TypeStream
)

var typeNames = [...]string{"string", "list", "set", "zset", "hash", "stream"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// expireNode links an Entry with a TTL into DB.expires; only volatile keys
// pay for one.
type expireNode struct {
	next  *expireNode
	entry *Entry
}

func (n *expireNode) Link() **expireNode { return &n.next }
func (n *expireNode) Key() string        { return n.entry.Key() }

// DB is one numbered database.
type DB struct {
	ks      *Keyspace
	index   int // in ks.DBs
	keys    *dict.Dict[Entry, *Entry]
	expires *dict.Dict[expireNode, *expireNode]
	// watched maps a WATCHed key to its version; only watched keys are
	// tracked, so an unwatched write costs one length check.
	watched map[string]*watch
	// AvgTTL is the running estimate of the remaining TTL of volatile keys
	// (ms), updated by the active expiry cycle as in Redis.
	AvgTTL int64
	// sampledExpires is SampleKeys's buffer.
	sampledExpires []*expireNode
}

type watch struct {
	version  uint64
	watchers int
}

// Keyspace is all databases plus the hooks the server listens on.
type Keyspace struct {
	DBs  []*DB
	rng  *rand.Rand
	seed maphash.Seed // of every table's hash
	// OnExpire is called with the entry of each key deleted because its
	// TTL passed, so the server can propagate a DEL, count it and free
	// the value.
	OnExpire func(db int, e *Entry)
	// OnStore is called for each key a value is stored under (Set, Add),
	// OnDelete for each key deleted (expiry included) and OnFlush for each
	// database emptied, so the server can serve the clients blocked on
	// them (a key gone answers some of them).
	OnStore  func(db int, key string)
	OnDelete func(db int, key string)
	OnFlush  func(db int)
	// OnFree, if set, is called with each entry deleted or replaced by
	// another (not those a database's flush drops): the memory the
	// collector will free, for maxmemory's accounting.
	OnFree func(e *Entry)

	snap    *Snapshot // the snapshot in progress, if any
	snapGen uint16
	// LFU is the LFU policy's parameters, nil under any other: how an
	// access is recorded in Entry.Access (evict.go).
	LFU *LFU
	// Replica mode: logically expired keys are hidden but never deleted;
	// the master's DEL removes them.
	Replica bool
	// PausedUntil (Unix ms) is when CLIENT PAUSE ends; until then, expired
	// keys are hidden but kept, as on a replica: the dataset stays as it
	// is while clients are paused.
	PausedUntil int64
	// ObeyingMaster is set while a replica executes its master's stream:
	// keys whose TTL passed still exist for it, as they do on the master
	// until it sends their DEL.
	ObeyingMaster bool
}

// New returns n empty databases.
func New(n int) *Keyspace {
	ks := &Keyspace{
		rng:  rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		seed: maphash.MakeSeed(),
	}
	ks.DBs = make([]*DB, n)
	for i := range ks.DBs {
		ks.DBs[i] = &DB{ks: ks, index: i, watched: map[string]*watch{}}
		ks.DBs[i].newTables()
	}
	return ks
}

// newTables gives db empty tables.
func (db *DB) newTables() {
	db.keys = dict.New[Entry](db.ks.seed)
	db.expires = dict.New[expireNode](db.ks.seed)
}

// Len is the number of keys, including logically expired ones not yet
// reclaimed (as Redis's DBSIZE).
func (db *DB) Len() int { return db.keys.Len() }

// Volatile is the number of keys with a TTL.
func (db *DB) Volatile() int { return db.expires.Len() }

// HTStats is the dict.Stats of the keys' table and of the TTLs' (DEBUG
// HTSTATS).
func (db *DB) HTStats() (keys, expires string) { return db.keys.Stats(), db.expires.Stats() }

// Overhead is the memory the database's tables add to the keys' and
// values' own: each key's Entry and each TTL's node, and every bucket of
// the two tables (MEMORY STATS).
func (db *DB) Overhead() (keys, expires int) {
	const bucket = int(unsafe.Sizeof(uintptr(0)))
	keys = db.keys.Len()*int(unsafe.Sizeof(Entry{})) + (len(db.keys.Table(0))+len(db.keys.Table(1)))*bucket
	expires = db.expires.Len()*int(unsafe.Sizeof(expireNode{})) + (len(db.expires.Table(0))+len(db.expires.Table(1)))*bucket
	return keys, expires
}

// Peek returns the entry for key without expiry checks or side effects.
func (db *DB) Peek(key string) *Entry { return db.keys.Find(key) }

// LRUClock is Redis's LRU clock at now (Unix ms): seconds, wrapping at 24
// bits; Entry.Access holds it.
func LRUClock(now int64) uint32 { return uint32(now/1000) & LRUClockMax }

// LRUClockMax is where the LRU clock wraps.
const LRUClockMax = 1<<24 - 1

// Lookup returns the live entry for key, or nil. An expired key found on the
// way is deleted (on a master) and reported through OnExpire. touch records
// the access for OBJECT IDLETIME and eviction (Redis's LOOKUP_NOTOUCH is
// touch=false).
func (ks *Keyspace) Lookup(dbIndex int, key string, now int64, touch bool) *Entry {
	db := ks.DBs[dbIndex]
	e := db.keys.Find(key)
	if e == nil {
		return nil
	}
	if e.Expire != 0 && e.Expire <= now && !ks.ObeyingMaster {
		if !ks.KeepsExpired(now) {
			ks.expire(dbIndex, e)
		}
		return nil
	}
	if touch {
		ks.touch(e, now)
	}
	return e
}

// KeepsExpired reports whether keys whose TTL has passed must stay at now
// (Unix ms): on a replica, and while clients are paused.
func (ks *Keyspace) KeepsExpired(now int64) bool { return ks.Replica || now < ks.PausedUntil }

func (ks *Keyspace) expire(dbIndex int, e *Entry) {
	ks.DBs[dbIndex].Delete(e.Key())
	if ks.OnExpire != nil {
		ks.OnExpire(dbIndex, e)
	}
}

// Set stores e under key, replacing any previous entry. With keepTTL the
// old entry's TTL carries over; otherwise e.Expire (0 for none) applies.
func (db *DB) Set(key string, e *Entry, keepTTL bool) {
	db.stored(key)
	old := db.add(key, e)
	if old == nil {
		return
	}
	db.BeforeChange(old)
	db.keys.Replace(old, e)
	if db.ks.OnFree != nil {
		db.ks.OnFree(old)
	}
	if old.Expire != 0 {
		db.expires.Remove(key)
	}
	if keepTTL {
		e.Expire = old.Expire
	}
	if e.Expire != 0 {
		db.expires.Add(&expireNode{entry: e})
	}
}

// Add stores e under key unless the key exists; it reports whether it
// did (loading an RDB, where a key twice is corruption).
func (db *DB) Add(key string, e *Entry) bool {
	if db.add(key, e) != nil {
		return false
	}
	db.stored(key)
	return true
}

func (db *DB) stored(key string) {
	if db.ks.OnStore != nil {
		db.ks.OnStore(db.index, key)
	}
}

// add stores e under key and returns nil, or, if the key exists, leaves
// the database as it was and returns the key's entry.
func (db *DB) add(key string, e *Entry) (old *Entry) {
	e.rekey(key)
	if db.ks.snap != nil {
		e.gen = db.ks.snap.gen // created after the snapshot began
	}
	if old := db.keys.AddOrFind(e); old != nil {
		return old
	}
	if e.Expire != 0 {
		db.expires.Add(&expireNode{entry: e})
	}
	return nil
}

// Delete removes key and reports whether it existed.
func (db *DB) Delete(key string) bool {
	if db.ks.snap != nil {
		if e := db.keys.Find(key); e != nil {
			db.BeforeChange(e)
		}
	}
	e := db.keys.Remove(key)
	if e == nil {
		return false
	}
	if e.Expire != 0 {
		db.expires.Remove(key)
	}
	if db.ks.OnFree != nil {
		db.ks.OnFree(e)
	}
	if db.ks.OnDelete != nil {
		db.ks.OnDelete(db.index, key)
	}
	return true
}

// SetExpire sets (at > 0) or clears (at == 0) the TTL of a linked entry.
func (db *DB) SetExpire(e *Entry, at int64) {
	db.BeforeChange(e)
	switch {
	case e.Expire == 0 && at != 0:
		db.expires.Add(&expireNode{entry: e})
	case e.Expire != 0 && at == 0:
		db.expires.Remove(e.Key())
	}
	e.Expire = at
}

// Reserve sizes an empty database's tables for this many keys, and keys
// with a TTL, ahead of filling it.
func (db *DB) Reserve(keys, volatile int) {
	db.keys.Reserve(keys)
	db.expires.Reserve(volatile)
}

// Flush empties the database.
func (db *DB) Flush() {
	if db.ks.OnFlush != nil {
		defer db.ks.OnFlush(db.index)
	}
	if db.ks.snap != nil {
		// The snapshot still reads the old table: start new ones.
		db.newTables()
		return
	}
	db.keys.Clear()
	db.expires.Clear()
}

// Scan visits the keys at cursor and returns the next cursor (0 when done).
func (db *DB) Scan(cursor uint64, fn func(*Entry)) uint64 {
	return db.keys.Scan(cursor, fn)
}

// Random returns a random key's entry (possibly logically expired), or nil.
func (ks *Keyspace) Random(dbIndex int) *Entry {
	return ks.DBs[dbIndex].keys.Random(ks.rng)
}

// ForEach visits every entry of the database; fn must not modify it.
func (db *DB) ForEach(fn func(*Entry)) {
	// The dict's ForEach, without a closure around fn per key.
	for t := range 2 {
		for _, e := range db.keys.Table(t) {
			for ; e != nil; e = e.next {
				fn(e)
			}
		}
	}
}

// Swap exchanges the contents of two databases (SWAPDB).
func (ks *Keyspace) Swap(a, b int) {
	da, dbb := ks.DBs[a], ks.DBs[b]
	da.keys, dbb.keys = dbb.keys, da.keys
	da.expires, dbb.expires = dbb.expires, da.expires
	da.AvgTTL, dbb.AvgTTL = dbb.AvgTTL, da.AvgTTL
}

// Watch starts tracking key's version and returns it.
func (db *DB) Watch(key string) uint64 {
	w := db.watched[key]
	if w == nil {
		w = &watch{}
		db.watched[key] = w
	}
	w.watchers++
	return w.version
}

// Unwatch stops one watcher's interest in key.
func (db *DB) Unwatch(key string) {
	if w := db.watched[key]; w != nil {
		if w.watchers--; w.watchers == 0 {
			delete(db.watched, key)
		}
	}
}

// Version is the current version of a watched key.
func (db *DB) Version(key string) uint64 {
	if w := db.watched[key]; w != nil {
		return w.version
	}
	return 0
}

// Touch records that key was modified (Redis's signalModifiedKey).
func (db *DB) Touch(key string) {
	if len(db.watched) == 0 {
		return
	}
	if w := db.watched[key]; w != nil {
		w.version++
	}
}

// TouchAll marks every watched key that exists in db or in other (for
// FLUSHDB and SWAPDB, where other is the database swapped in) as modified.
func (db *DB) TouchAll(other *DB) {
	for key, w := range db.watched {
		if db.keys.Find(key) != nil || (other != nil && other.keys.Find(key) != nil) {
			w.version++
		}
	}
}

// Rehash moves up to n buckets of any table being resized; it reports
// whether more work remains. The cron calls it so that tables shrink after a
// mass deletion even when no client touches the database (Redis's
// activerehashing).
func (db *DB) Rehash(n int) bool {
	more := db.keys.Rehash(n)
	return db.expires.Rehash(n) || more
}

// ExpireCycle samples up to n keys with a TTL and deletes the expired ones,
// returning how many it sampled and deleted. It also refreshes AvgTTL.
func (ks *Keyspace) ExpireCycle(dbIndex int, n int, now int64) (sampled, expired int) {
	db := ks.DBs[dbIndex]
	var ttlSum, ttlCount int64
	for ; n > 0 && db.expires.Len() > 0; n-- {
		e := db.expires.Random(ks.rng).entry
		sampled++
		if e.Expire <= now {
			if !ks.KeepsExpired(now) {
				ks.expire(dbIndex, e)
				expired++
			}
			continue
		}
		ttlSum += e.Expire - now
		ttlCount++
	}
	if ttlCount > 0 {
		avg := ttlSum / ttlCount
		if db.AvgTTL == 0 {
			db.AvgTTL = avg
		} else {
			db.AvgTTL = (db.AvgTTL/50)*49 + avg/50
		}
	}
	if db.expires.Len() == 0 {
		db.AvgTTL = 0
	}
	return sampled, expired
}
