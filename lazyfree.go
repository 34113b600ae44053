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
// free: the value is counted in lazyfree_pending_objects until the memory
// is reclaimed, then in lazyfreed_objects, and a collection is started at
// once in the background so that the memory comes back soon, as Redis's
// thread frees it within milliseconds, rather than when the heap next
// doubles. A synchronous delete leaves the value to the collector's own
// pace.

import (
	"reflect"
	"runtime"
	"sync/atomic"

	"respd/internal/keyspace"
)

// lazyfreeThreshold is LAZYFREE_THRESHOLD: values of at most this many
// allocations are freed on the spot even by the lazy path.
const lazyfreeThreshold = 64

// lazyFree is the state of the values left to the background.
type lazyFree struct {
	pending atomic.Int64 // lazyfree_pending_objects
	freed   atomic.Int64 // lazyfreed_objects
	// again asks the collecting goroutine, if one runs, for one more
	// collection; running says one does.
	again, running atomic.Bool
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
		s.lazyfree.hand(e.Obj, 1)
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
// the collector reclaims v, and starts a collection.
func (lf *lazyFree) hand(v any, n int64) {
	lf.pending.Add(n)
	// v is a pointer (every value type is one); the cleanup needs it
	// typed, and any type will do.
	p := (*byte)(reflect.ValueOf(v).UnsafePointer())
	runtime.AddCleanup(p, lf.reclaimed, n)
	lf.collect()
}

func (lf *lazyFree) reclaimed(n int64) {
	lf.pending.Add(-n)
	lf.freed.Add(n)
}

// collect runs collections in a goroutine of their own until no value
// was handed over since the last one began (a value dropped while a
// collection marks may outlive it).
func (lf *lazyFree) collect() {
	lf.again.Store(true)
	if !lf.running.CompareAndSwap(false, true) {
		return
	}
	go func() {
		for {
			for lf.again.Swap(false) {
				runtime.GC()
			}
			lf.running.Store(false)
			if !lf.again.Load() || !lf.running.CompareAndSwap(false, true) {
				return
			}
		}
	}()
}
