package keyspace

import "respd/internal/dict"

// Snapshots: a consistent view of every database as it was when the
// snapshot started, read in short steps while clients keep writing (for
// BGSAVE). Go cannot fork, so the keyspace does Redis's copy-on-write
// itself:
//   - entries carry the generation of the snapshot that has dealt with
//     them: an entry created during the snapshot, or already read by it,
//     has the snapshot's generation and is not read (again);
//   - before an entry the snapshot has not read yet is changed or removed
//     (BeforeChange), its value as it was is kept for the snapshot: a
//     string's copy, or a collection's frozen view (Entry.Frozen);
//   - the snapshot walks the key tables as they were at its start; they
//     stop resizing meanwhile, and FLUSHDB hands a table over to it
//     instead of clearing it.

// saved is a key the snapshot had not read yet, as it was before a write
// changed or removed it.
type saved struct {
	db    int
	entry Entry // Entry.Frozen's copy
}

// Snapshot is an in-progress consistent read of the keyspace.
type Snapshot struct {
	ks        *Keyspace
	gen       uint16
	tables    []snapTable
	table     int // index in tables being read
	bucket    int // next bucket of that table's current hash table
	hashTable int // 0 or 1: which of the dict's two tables
	preserved []saved
	keys      int // in the keyspace at the start
	read      int // handed to Next's fn so far
}

type snapTable struct {
	db             int
	keys           *dict.Dict[Entry, *Entry]
	size, volatile int // keys, and keys with a TTL, at the start
}

// StartSnapshot begins a snapshot; only one may run at a time.
func (ks *Keyspace) StartSnapshot() *Snapshot {
	ks.snapGen++
	if ks.snapGen == 0 {
		// Generations wrapped: forget the old ones so that no entry looks
		// already read.
		for _, db := range ks.DBs {
			db.ForEach(func(e *Entry) { e.gen = 0 })
		}
		ks.snapGen = 1
	}
	s := &Snapshot{ks: ks, gen: ks.snapGen}
	for i, db := range ks.DBs {
		db.keys.Pause()
		s.tables = append(s.tables, snapTable{db: i, keys: db.keys, size: db.Len(), volatile: db.Volatile()})
		s.keys += db.Len()
	}
	ks.snap = s
	return s
}

// Snapshotting reports whether a snapshot is in progress.
func (ks *Keyspace) Snapshotting() bool { return ks.snap != nil }

// SnapshotProgress tells how many keys the snapshot in progress has read,
// of how many (the keyspace's size when it started); 0, 0 without one.
func (ks *Keyspace) SnapshotProgress() (read, keys int) {
	if ks.snap == nil {
		return 0, 0
	}
	return ks.snap.read, ks.snap.keys
}

// Next reads up to n buckets, less one for each of the keys preserved
// meanwhile that it reads first, calling fn for each key the snapshot
// holds; it reports whether it is done. The caller holds the data lock;
// fn must not keep e (to encode its value outside the lock, it copies a
// string and freezes a collection). The preserved keys count against n
// because writes can preserve tens of thousands between two steps: read
// at once, they held the lock for a third of a second (SET -P16 -d1024
// over 200k keys during a BGSAVE); each is preserved only once, so a
// snapshot still ends.
func (s *Snapshot) Next(n int, fn func(db int, e *Entry)) (done bool) {
	preserved := s.preserved[len(s.preserved)-min(n, len(s.preserved)):]
	for i := range preserved {
		fn(preserved[i].db, &preserved[i].entry)
	}
	s.read += len(preserved)
	n -= len(preserved)
	clear(preserved) // the old values are read: free them
	s.preserved = s.preserved[:len(s.preserved)-len(preserved)]
	for ; n > 0 && s.table < len(s.tables); n-- {
		t := s.tables[s.table]
		tab := t.keys.Table(s.hashTable)
		if s.bucket >= len(tab) {
			s.bucket = 0
			if s.hashTable == 0 && t.keys.Rehashing() {
				s.hashTable = 1
			} else {
				s.hashTable = 0
				s.table++
			}
			continue
		}
		for e := tab[s.bucket]; e != nil; e = e.next {
			if e.gen != s.gen {
				e.gen = s.gen
				fn(t.db, e)
				s.read++
			}
		}
		s.bucket++
	}
	return s.table == len(s.tables) && len(s.preserved) == 0
}

// DBSize is how many keys, and keys with a TTL, database db held when the
// snapshot started.
func (s *Snapshot) DBSize(db int) (keys, volatile int) {
	t := s.tables[db]
	return t.size, t.volatile
}

// Close ends the snapshot and lets the tables resize again.
func (s *Snapshot) Close() {
	for _, t := range s.tables {
		t.keys.Resume()
	}
	if s.ks.snap == s {
		s.ks.snap = nil
	}
}

// BeforeChange must be called before e's value or TTL is changed in
// place, or e removed: while a snapshot runs that has not read e yet, it
// keeps e as it was (a string's copy, a collection's frozen view).
func (db *DB) BeforeChange(e *Entry) {
	s := db.ks.snap
	if s == nil || e.gen == s.gen {
		return
	}
	e.gen = s.gen
	dbIndex := -1
	for _, t := range s.tables {
		if t.keys == db.keys {
			dbIndex = t.db
		}
	}
	if dbIndex < 0 {
		return // in a table the snapshot does not read
	}
	frozen, _ := e.Frozen(nil)
	s.preserved = append(s.preserved, saved{dbIndex, frozen})
}
