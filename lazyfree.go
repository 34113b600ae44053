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
// lazy freeing is there to avoid. A synchronous delete of a value that is
// a large part of the heap does collect at once (collectSoon), as Redis's
// DEL frees before it replies.

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
	// collecting: a collection collectSoon started runs
	collecting atomic.Bool
}

// freeValue is how every delete hands over the value of the entry it
// removed from the keyspace (Redis's freeObjAsync or decrRefCount): with
// lazy, a value of more than lazyfreeThreshold allocations goes to the
// background. The delete paths pass their parameter: DEL
// (lazyfree-lazy-user-del, UNLINK always), expiry (lazyfree-lazy-expire),
// implicit deletes and overwrites (lazyfree-lazy-server-del), eviction
// (lazyfree-lazy-eviction).
func (s *Server) freeValue(e *keyspace.Entry, lazy bool) {
	switch {
	case lazy && freeEffort(e) > lazyfreeThreshold:
		s.lazyfree.hand(e.Value(), 1)
	case bigFree(e):
		// Freed on the spot, lazy or not: a string of any size is one
		// allocation, which Redis frees before it replies even to UNLINK.
		s.lazyfree.collectSoon()
	}
}

// collectFreedFrom is the size from which a synchronous free starts a
// collection (collectSoon).
const collectFreedFrom = 64 << 20

// bigFree reports whether e's value takes collectFreedFrom bytes or more,
// and a quarter of the live heap (a free that matters to the collector).
// A string's size costs nothing; other values are estimated (valueMemory,
// sampled) only past lazyfreeThreshold allocations.
func bigFree(e *keyspace.Entry) bool {
	var size int64
	switch {
	case e.Type == keyspace.TypeString:
		size = int64(len(e.Str()))
	case freeEffort(e) > lazyfreeThreshold:
		size = valueMemory(e, 5)
	}
	if size < collectFreedFrom {
		return false
	}
	live, _ := heapMemory()
	return uint64(size) >= live/4
}

// collectSoon starts a collection in the background, unless one it
// started still runs. Redis's DEL frees a value before it replies, and
// the next writes reuse its memory; in Go, the memory is reusable only
// after the next collection, which comes when the heap has doubled: until
// then writes take fresh pages, faulted in one by one, and RSS grows by
// the value's size. Measured with DEL of a list of 1M x 1 KiB, then RPUSH
// of as much at -P16 (pinned): 0.3-0.34M requests/s and RSS 1.65 GB
// without, 0.54-0.75M and 1.24 GB with; Redis 0.66-0.87M and 1.16 GB. The
// lazy path leaves it to the idle server (releaseMemoryWhenIdle): a
// collection competes with the event loop for the CPU.
func (lf *lazyFree) collectSoon() { collectInBackground(&lf.collecting) }

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
