package main

// Lazy freeing, as Redis's lazyfree.c: UNLINK, FLUSHALL/FLUSHDB ASYNC and
// the lazyfree-lazy-* parameters.
//
// Redis frees a big value on its lazyfree thread because freeing walks
// every allocation of the value, which would stall the event loop. In Go,
// freeing is the collector's work, done concurrently on other threads:
// removing a key drops one reference whatever the value's size, and
// emptying a database drops its tables (Dict.Clear), so DEL and FLUSHALL
// SYNC are already O(1) on the command path (lazyfree_test.go measures
// it). What the lazy path adds is what Redis's thread adds around the
// free: the value is counted in lazyfree_pending_objects until the
// collector has reclaimed it, then in lazyfreed_objects, and the server
// collects as soon as it is idle (releaseMemoryWhenIdle) rather than when
// the heap next doubles. It does not collect at once: a collection on two
// cores delays the clients' replies by 10 to 25 ms (measured), the stall
// lazy freeing is there to avoid.

import (
	"reflect"
	"runtime"
	"sync/atomic"

	"respd/internal/keyspace"
)

// lazyfreeThreshold is LAZYFREE_THRESHOLD: values of at most this many
// allocations are freed on the spot even by the lazy path.
const lazyfreeThreshold = 64

// lazyFree counts the values left to the background.
type lazyFree struct {
	pending atomic.Int64 // lazyfree_pending_objects
	freed   atomic.Int64 // lazyfreed_objects
	handed  atomic.Int64 // every object ever handed over
}

// freeValue is how every delete hands over the value of the entry it
// removed from the keyspace (Redis's freeObjAsync or decrRefCount): with
// lazy, a value of more than lazyfreeThreshold allocations goes to the
// background. The delete paths pass their parameter: DEL
// (lazyfree-lazy-user-del, UNLINK always), expiry (lazyfree-lazy-expire),
// implicit deletes and overwrites (lazyfree-lazy-server-del), eviction
// (lazyfree-lazy-eviction).
func (s *Server) freeValue(e *keyspace.Entry, lazy bool) {
	if lazy && freeEffort(e) > lazyfreeThreshold {
		s.lazyfree.hand(e.Value(), 1)
	}
}

// deleteKey removes key from db and frees its value (Redis's
// dbGenericDelete), reporting whether the key existed.
func (s *Server) deleteKey(db *keyspace.DB, key string, lazy bool) bool {
	e := db.Peek(key)
	if e == nil || !db.Delete(key) {
		return false
	}
	s.freeValue(e, lazy)
	return true
}

// flushDB empties database index (Redis's emptyData for one database); with lazy its
// keys are counted as one lazy free each, as Redis's emptyDbAsync counts
// them.
func (s *Server) flushDB(index int, lazy bool) {
	db := s.ks.DBs[index]
	db.TouchAll(nil)
	if n := db.Len(); lazy && n > 0 {
		// The database's entries become unreachable together: any one of
		// them tells when the collector has reclaimed them all.
		s.lazyfree.hand(s.ks.Random(index), int64(n))
	}
	db.Flush()
}

// hand counts objects (n of them, all reclaimed with v) as pending until
// the collector reclaims v.
func (lf *lazyFree) hand(v any, n int64) {
	lf.pending.Add(n)
	lf.handed.Add(n)
	// v is a pointer (every value type is one); the cleanup needs it
	// typed, and any type will do.
	p := (*byte)(reflect.ValueOf(v).UnsafePointer())
	runtime.AddCleanup(p, lf.reclaimed, n)
}

func (lf *lazyFree) reclaimed(n int64) {
	lf.pending.Add(-n)
	lf.freed.Add(n)
}
